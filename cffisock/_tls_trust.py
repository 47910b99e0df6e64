"""The certificates a context trusts: CA certificates loaded into an
``SSL_CTX``'s store from files, a directory, PEM text or DER bytes
(``load_verify_locations``), and the store read back (``cert_store_stats``,
``get_ca_certs``).  The SSLContext methods of those names call these.
``get_default_verify_paths`` says where OpenSSL looks by default.
"""

import os
from collections import namedtuple

from cffisock._converters import bytes_like, fs_path
from cffisock._tls_cert import decode_certificate, der_bytes
from cffisock._tls_errors import SSLError, file_error, openssl_error
from cffisock._tls_ffi import ffi, lib


def path_or_null(path):
    """A file-system path for OpenSSL (str, bytes or PathLike; ValueError
    for a NUL, as the stdlib), or NULL for None."""
    return fs_path(path) if path is not None else ffi.NULL


DefaultVerifyPaths = namedtuple(
    "DefaultVerifyPaths",
    "cafile capath openssl_cafile_env openssl_cafile openssl_capath_env openssl_capath")
DefaultVerifyPaths.__module__ = "cffisock.tls"


def get_default_verify_paths():
    """Where OpenSSL looks for CA certificates by default: its compiled-in
    file and directory, the environment variables that override them, and
    (``cafile``, ``capath``) the paths in effect, None where no such file
    or directory exists."""
    cafile_env, cafile_default, capath_env, capath_default = (
        ffi.string(getter()).decode("utf-8", "surrogateescape") for getter in (
            lib.X509_get_default_cert_file_env, lib.X509_get_default_cert_file,
            lib.X509_get_default_cert_dir_env, lib.X509_get_default_cert_dir))
    cafile = os.environ.get(cafile_env, cafile_default)
    capath = os.environ.get(capath_env, capath_default)
    return DefaultVerifyPaths(cafile if os.path.isfile(cafile) else None,
                              capath if os.path.isdir(capath) else None,
                              cafile_env, cafile_default, capath_env, capath_default)


def load_verify_locations(ctx, cafile, capath, cadata):
    """Add the CA certificates of ``cafile``, ``capath`` (a hashed
    directory, read when a verification looks there) and ``cadata`` (PEM
    str or DER bytes-like) to ``ctx``'s store, with the stdlib's errors."""
    if cafile is None and capath is None and cadata is None:
        raise TypeError("cafile, capath and cadata cannot be all omitted")
    if cafile is not None or capath is not None:
        if not lib.SSL_CTX_load_verify_locations(ctx, path_or_null(cafile),
                                                 path_or_null(capath)):
            raise file_error(cafile or capath)
    if cadata is None:
        return
    try:
        empty = len(cadata if isinstance(cadata, str) else memoryview(cadata)) == 0
    except TypeError:
        raise TypeError("cadata should be an ASCII string or a bytes-like object") from None
    if empty:
        raise ValueError("Empty certificate data")
    store = lib.SSL_CTX_get_cert_store(ctx)
    if isinstance(cadata, str):
        _load_pem_certificates(store, cadata)
    else:
        _load_der_certificates(store, cadata)


def store_stats(ctx):
    """``{'x509': ..., 'crl': ..., 'x509_ca': ...}``: the certificates,
    CRLs and CA certificates of ``ctx``'s store."""
    certificates, crls = _stored_certificates(ctx)
    authorities = sum(1 for certificate in certificates if lib.X509_check_ca(certificate))
    return {"x509": len(certificates), "crl": crls, "x509_ca": authorities}


def ca_certificates(ctx, binary_form):
    """The CA certificates of ``ctx``'s store, as getpeercert() dicts or,
    with ``binary_form``, DER bytes."""
    encode = der_bytes if binary_form else decode_certificate
    return [encode(certificate) for certificate in _stored_certificates(ctx)[0]
            if lib.X509_check_ca(certificate)]


def _load_pem_certificates(store, text):
    """Add every certificate of the PEM ``text`` (str) to ``store``."""
    if not text.isascii():
        raise TypeError("cadata should be an ASCII string or a bytes-like object")
    _load_certificates(store, text.encode("ascii"),
                       lambda bio: lib.PEM_read_bio_X509(bio, ffi.NULL, ffi.NULL, ffi.NULL),
                       (lib.ERR_LIB_PEM, lib.PEM_R_NO_START_LINE),
                       "no start line: cadata does not contain a certificate")


def _load_der_certificates(store, data):
    """Add every certificate of the DER bytes-like ``data`` to ``store``."""
    with bytes_like(data) as view:
        raw = ffi.buffer(view)[:]
    _load_certificates(store, raw, lambda bio: lib.d2i_X509_bio(bio, ffi.NULL),
                       (lib.ERR_LIB_ASN1, lib.ASN1_R_HEADER_TOO_LONG),
                       "not enough data: cadata does not contain a certificate")


def _load_certificates(store, data, read, end_of_data, none_message):
    """Add the certificates ``read(bio)`` finds, one a call, in the bytes
    ``data`` to ``store``, as the stdlib: SSLError with ``none_message`` if
    there is none; the reader's error if it failed for another reason than
    running out of data (``end_of_data``: library and reason), such as
    bytes that are not a certificate after some that are."""
    # A memory BIO reads its buffer in place: memory cffi owns (a bytes
    # object may move on PyPy), alive until the reading is done.
    owned = ffi.new("char[]", data)
    bio = lib.BIO_new_mem_buf(owned, len(data))
    if bio == ffi.NULL:
        raise MemoryError()
    loaded = 0
    try:
        while True:
            certificate = read(bio)
            if certificate == ffi.NULL:
                break
            _add(store, certificate)
            loaded += 1
    finally:
        lib.BIO_free(bio)
    error_code = lib.ERR_peek_last_error()
    lib.ERR_clear_error()
    if not loaded:
        raise SSLError(0, none_message)
    if error_code and (lib.ERR_GET_LIB(error_code),
                       lib.ERR_GET_REASON(error_code)) != end_of_data:
        raise openssl_error(error_code)


def _add(store, certificate):
    """Add ``certificate`` (freed here) to ``store``; one already there is
    not an error."""
    lib.X509_STORE_add_cert(store, certificate)
    lib.X509_free(certificate)


def _stored_certificates(ctx):
    """``(certificates, crl_count)`` of the context's certificate store;
    the ``X509 *`` are the store's.  Certificates of a ``capath`` directory
    are there only once a verification looked them up (as with the
    stdlib)."""
    store = lib.SSL_CTX_get_cert_store(ctx)
    certificate = ffi.new("X509 **")
    certificates, crls = [], 0
    for position in range(lib.cffisock_store_size(store)):
        kind = lib.cffisock_store_object(store, position, certificate)
        if kind == lib.CFFISOCK_STORE_CERTIFICATE:
            certificates.append(certificate[0])
        elif kind == lib.CFFISOCK_STORE_CRL:
            crls += 1
    return certificates, crls
