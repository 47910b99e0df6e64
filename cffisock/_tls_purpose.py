"""ASN.1 object identifiers as the stdlib's ``ssl`` names them:
``_ASN1Object`` (nid, shortname, longname, oid) and the ``Purpose`` enum
that ``create_default_context`` and ``load_default_certs`` take.

Code written for the stdlib passes ``ssl.Purpose`` members; they are
accepted too (``purpose_oid``), recognised by their shape, the stdlib's
namedtuple of those four fields, since cffisock never imports ``ssl``.
"""

from collections import namedtuple
from enum import Enum

from cffisock._tls_ffi import ffi, lib

_FIELDS = ("nid", "shortname", "longname", "oid")
#: The longest dotted OID text asked of OpenSSL first (CPython's
#: X509_NAME_MAXLEN); a longer one is asked again with its own length.
_OID_TEXT = 256


def _text(pointer):
    return ffi.string(pointer).decode("utf-8") if pointer != ffi.NULL else None


def _describe(obj):
    """The four fields of an ``ASN1_OBJECT``, as CPython's asn1obj2py."""
    nid = lib.OBJ_obj2nid(obj)
    if nid == lib.NID_undef:
        raise ValueError("Unknown object")
    buffer = ffi.new("char[]", _OID_TEXT)
    length = lib.OBJ_obj2txt(buffer, _OID_TEXT, obj, 1)
    if length >= _OID_TEXT:
        buffer = ffi.new("char[]", length + 1)
        length = lib.OBJ_obj2txt(buffer, length + 1, obj, 1)
    return (nid, _text(lib.OBJ_nid2sn(nid)), _text(lib.OBJ_nid2ln(nid)),
            ffi.unpack(buffer, max(length, 0)).decode("ascii"))


def _text_argument(txt):
    if not isinstance(txt, str):
        raise TypeError("txt2obj() argument 'txt' must be str, not %s" % type(txt).__name__)
    if "\0" in txt:
        raise ValueError("embedded null character")
    return txt.encode("utf-8")


def _txt2obj(txt, name=False):
    """The fields of the object that ``txt`` names: a dotted OID, or with
    ``name`` also a short or long name."""
    return _fields_of_new(lib.OBJ_txt2obj(_text_argument(txt), 0 if name else 1),
                          "unknown object '%.100s'" % txt)


def _nid2obj(nid):
    """The fields of the object with OpenSSL's numeric id ``nid``."""
    if nid < lib.NID_undef:
        raise ValueError("NID must be positive.")
    return _fields_of_new(lib.OBJ_nid2obj(nid), "unknown NID %i" % nid)


def _fields_of_new(obj, missing):
    """The fields of ``obj``, an ``ASN1_OBJECT`` OpenSSL just gave (freed
    here), or ValueError(``missing``) if it gave none."""
    if obj == ffi.NULL:
        lib.ERR_clear_error()
        raise ValueError(missing)
    try:
        return _describe(obj)
    finally:
        lib.ASN1_OBJECT_free(obj)


class _ASN1Object(namedtuple("_ASN1Object", _FIELDS)):
    """An ASN.1 object identifier: ``_ASN1Object(oid)``, ``fromnid(nid)``,
    ``fromname(short name, long name or OID)``."""

    __slots__ = ()

    def __new__(cls, oid):
        return super().__new__(cls, *_txt2obj(oid, name=False))

    @classmethod
    def fromnid(cls, nid):
        """The object with OpenSSL's numeric id ``nid``."""
        return super().__new__(cls, *_nid2obj(nid))

    @classmethod
    def fromname(cls, name):
        """The object named ``name`` (short name, long name or OID)."""
        return super().__new__(cls, *_txt2obj(name, name=True))


_ASN1Object.__module__ = "cffisock.tls"


class Purpose(_ASN1Object, Enum):
    """What a context is for: X509v3 extended key usage objects."""

    SERVER_AUTH = "1.3.6.1.5.5.7.3.1"
    CLIENT_AUTH = "1.3.6.1.5.5.7.3.2"


Purpose.__module__ = "cffisock.tls"


def purpose_oid(purpose):
    """The OID of ``purpose``: a member of cffisock's or the stdlib's
    ``Purpose`` (or another ``_ASN1Object`` of either); anything else
    raises TypeError(purpose), as the stdlib's isinstance check does."""
    if isinstance(purpose, _ASN1Object) or (
            isinstance(purpose, tuple) and getattr(type(purpose), "_fields", None) == _FIELDS):
        return purpose.oid
    raise TypeError(purpose)
