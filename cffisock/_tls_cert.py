"""Certificates as the stdlib's getpeercert() shows them.

``decode_certificate`` builds the same dict as CPython's
``_decode_certificate``: subject and issuer as tuples of RDNs of
``(long name, value)`` pairs, version, serialNumber, notBefore, notAfter,
subjectAltName, and the OCSP, caIssuers and crlDistributionPoints URIs when
the certificate has them.  ``der_bytes`` gives the DER encoding.

The module functions of ``ssl`` for certificates' text forms and times
(``DER_cert_to_PEM_cert``, ``PEM_cert_to_DER_cert``,
``cert_time_to_seconds``) are here too.
"""

import base64
import calendar
import time

from cffisock._tls_ffi import ffi, lib


def _bio_text(write):
    """Run ``write(bio)`` on a memory BIO and return what it wrote."""
    bio = lib.BIO_new(lib.BIO_s_mem())
    try:
        write(bio)
        size = lib.BIO_ctrl_pending(bio)
        buffer = ffi.new("char[]", size)
        lib.BIO_read(bio, buffer, size)
        return ffi.unpack(buffer, size).decode("utf-8", "replace")
    finally:
        lib.BIO_free(bio)


def _asn1_text(string):
    out = ffi.new("unsigned char **")
    length = lib.ASN1_STRING_to_UTF8(out, string)
    if length < 0:
        return ""
    try:
        return ffi.unpack(ffi.cast("char *", out[0]), length).decode("utf-8")
    finally:
        lib.OPENSSL_free(out[0])


def _object_name(obj):
    nid = lib.OBJ_obj2nid(obj)
    if nid != 0:
        return ffi.string(lib.OBJ_nid2ln(nid)).decode("ascii")
    buffer = ffi.new("char[]", 128)
    lib.OBJ_obj2txt(buffer, 128, obj, 1)
    return ffi.string(buffer).decode("ascii")


def decode_name(name):
    """An X509_NAME as a tuple of RDNs, each a tuple of (name, value)."""
    rdns = []
    current = []
    level = None
    for position in range(lib.X509_NAME_entry_count(name)):
        entry = lib.X509_NAME_get_entry(name, position)
        entry_level = lib.X509_NAME_ENTRY_set(entry)
        if level is not None and entry_level != level:
            rdns.append(tuple(current))
            current = []
        level = entry_level
        current.append((_object_name(lib.X509_NAME_ENTRY_get_object(entry)),
                        _asn1_text(lib.X509_NAME_ENTRY_get_data(entry))))
    if current:
        rdns.append(tuple(current))
    return tuple(rdns)


def _ip_text(raw):
    if len(raw) == 4:
        return "%d.%d.%d.%d" % tuple(raw)
    if len(raw) == 16:
        return ":".join("%X" % (raw[i] << 8 | raw[i + 1]) for i in range(0, 16, 2))
    return "<invalid>"


#: How the stdlib names the subjectAltName kinds it does not decode.
_UNSUPPORTED_NAMES = {lib.GEN_OTHERNAME: "othername", lib.GEN_X400: "X400Name",
                      lib.GEN_EDIPARTY: "EdiPartyName"}


def _alt_names(certificate):
    names = lib.X509_get_ext_d2i(certificate, lib.NID_subject_alt_name,
                                 ffi.NULL, ffi.NULL)
    if names == ffi.NULL:
        return None
    names = ffi.cast("OPENSSL_STACK *", names)
    kind = ffi.new("int *")
    data = ffi.new("unsigned char **")
    length = ffi.new("int *")
    directory = ffi.new("X509_NAME **")
    obj = ffi.new("ASN1_OBJECT **")
    decoded = []
    try:
        for position in range(lib.OPENSSL_sk_num(names)):
            lib.cffisock_general_name(names, position, kind, data, length,
                                      directory, obj)
            raw = ffi.unpack(ffi.cast("char *", data[0]), length[0]) \
                if data[0] != ffi.NULL else b""
            if kind[0] == lib.GEN_DNS:
                decoded.append(("DNS", raw.decode("ascii", "replace")))
            elif kind[0] == lib.GEN_EMAIL:
                decoded.append(("email", raw.decode("ascii", "replace")))
            elif kind[0] == lib.GEN_URI:
                decoded.append(("URI", raw.decode("ascii", "replace")))
            elif kind[0] == lib.GEN_IPADD:
                decoded.append(("IP Address", _ip_text(raw)))
            elif kind[0] == lib.GEN_DIRNAME:
                decoded.append(("DirName", decode_name(directory[0])))
            elif kind[0] == lib.GEN_RID:
                decoded.append(("Registered ID", _object_name(obj[0])))
            else:
                decoded.append((_UNSUPPORTED_NAMES.get(kind[0], "unknown"), "<unsupported>"))
    finally:
        lib.cffisock_GENERAL_NAMES_free(names)
    return tuple(decoded)


def decode_certificate(certificate):
    """The stdlib's getpeercert() dict for an ``X509 *``."""
    decoded = {
        "subject": decode_name(lib.X509_get_subject_name(certificate)),
        "issuer": decode_name(lib.X509_get_issuer_name(certificate)),
        "version": lib.X509_get_version(certificate) + 1,
        "serialNumber": _bio_text(lambda bio: lib.i2a_ASN1_INTEGER(
            bio, lib.X509_get_serialNumber(certificate))),
        "notBefore": _bio_text(lambda bio: lib.ASN1_TIME_print(
            bio, lib.X509_get0_notBefore(certificate))),
        "notAfter": _bio_text(lambda bio: lib.ASN1_TIME_print(
            bio, lib.X509_get0_notAfter(certificate))),
    }
    alt_names = _alt_names(certificate)
    if alt_names is not None:
        decoded["subjectAltName"] = alt_names
    for key, kind in (("OCSP", lib.CFFISOCK_URIS_OCSP),
                      ("caIssuers", lib.CFFISOCK_URIS_CA_ISSUERS),
                      ("crlDistributionPoints", lib.CFFISOCK_URIS_CRL_DISTRIBUTION_POINTS)):
        uris = _uris(certificate, kind)
        if uris:
            decoded[key] = uris
    return decoded


def _uris(certificate, kind):
    count = []
    text = _bio_text(lambda bio: count.append(
        lib.cffisock_certificate_uris(certificate, kind, bio)))
    return tuple(text.splitlines()) if count[0] > 0 else None


def der_bytes(certificate):
    """The DER encoding of an ``X509 *``."""
    out = ffi.new("unsigned char **")
    length = lib.i2d_X509(certificate, out)
    try:
        return ffi.unpack(ffi.cast("char *", out[0]), length)
    finally:
        lib.OPENSSL_free(out[0])


# -- a certificate's text forms, and its times --------------------------------------------

PEM_HEADER = "-----BEGIN CERTIFICATE-----"
PEM_FOOTER = "-----END CERTIFICATE-----"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def DER_cert_to_PEM_cert(der_cert_bytes):
    """The PEM text of a DER certificate: base64 in lines of 64, between
    PEM_HEADER and PEM_FOOTER."""
    text = base64.standard_b64encode(der_cert_bytes).decode("ascii")
    lines = [text[start:start + 64] for start in range(0, len(text), 64)]
    return "\n".join([PEM_HEADER, *lines, PEM_FOOTER + "\n"])


def PEM_cert_to_DER_cert(pem_cert_string):
    """The DER bytes of a PEM certificate (ValueError if it is not framed
    by PEM_HEADER and PEM_FOOTER)."""
    if not pem_cert_string.startswith(PEM_HEADER):
        raise ValueError("Invalid PEM encoding; must start with %s" % PEM_HEADER)
    text = pem_cert_string.strip()
    if not text.endswith(PEM_FOOTER):
        raise ValueError("Invalid PEM encoding; must end with %s" % PEM_FOOTER)
    body = text[len(PEM_HEADER):-len(PEM_FOOTER)]
    return base64.decodebytes(body.encode("ascii", "strict"))


def cert_time_to_seconds(cert_time):
    """Seconds since the Epoch of a certificate time as getpeercert() gives
    it ("May  9 00:00:00 2007 GMT"; English month names in any locale)."""
    rest = " %d %H:%M:%S %Y GMT"
    try:
        month = _MONTHS.index(cert_time[:3].title()) + 1
    except ValueError:
        raise ValueError('time data %r does not match format "%%b%s"'
                         % (cert_time, rest)) from None
    fields = time.strptime(cert_time[3:], rest)
    return calendar.timegm((fields.tm_year, month) + tuple(fields)[2:6])
