"""TLS exceptions, and the one place that turns an OpenSSL outcome into one.

Each class subclasses the stdlib's class of the same name (the one use of
``_ssl``), so ``except ssl.SSLError`` written for the stdlib catches
cffisock's.  ``tls_error`` maps what ``cffisock_ssl_io`` read beside the call
(SSL_get_error, errno, the last queued error) as CPython's ``PySSL_SetError``
does, OpenSSL 3's unexpected EOF included.
"""

import errno
import os
import sys
from enum import IntEnum

import _ssl

from cffisock._tls_ffi import ffi, lib


class SSLError(_ssl.SSLError):
    """A TLS error; ``library`` and ``reason`` name OpenSSL's error (None
    when there is none, as for the want-read/write errors)."""

    __module__ = "cffisock.tls"
    library = None
    reason = None


class SSLZeroReturnError(SSLError, _ssl.SSLZeroReturnError):
    """The peer closed the TLS connection cleanly."""

    __module__ = "cffisock.tls"


class SSLWantReadError(SSLError, _ssl.SSLWantReadError):
    """A non-blocking operation needs more data from the peer."""

    __module__ = "cffisock.tls"


class SSLWantWriteError(SSLError, _ssl.SSLWantWriteError):
    """A non-blocking operation needs to send data first."""

    __module__ = "cffisock.tls"


class SSLSyscallError(SSLError, _ssl.SSLSyscallError):
    """An I/O error under OpenSSL without an errno."""

    __module__ = "cffisock.tls"


class SSLEOFError(SSLError, _ssl.SSLEOFError):
    """The connection ended in violation of the protocol."""

    __module__ = "cffisock.tls"


class SSLCertVerificationError(SSLError, _ssl.SSLCertVerificationError):
    """The peer's certificate did not verify; ``verify_code`` and
    ``verify_message`` say why."""

    __module__ = "cffisock.tls"


CertificateError = SSLCertVerificationError


class SSLErrorNumber(IntEnum):
    """The stdlib's numbers for the kinds of SSLError (its ``errno``)."""

    __module__ = "cffisock.tls"
    SSL_ERROR_SSL = 1
    SSL_ERROR_WANT_READ = 2
    SSL_ERROR_WANT_WRITE = 3
    SSL_ERROR_WANT_X509_LOOKUP = 4
    SSL_ERROR_SYSCALL = 5
    SSL_ERROR_ZERO_RETURN = 6
    SSL_ERROR_WANT_CONNECT = 7
    SSL_ERROR_EOF = 8
    SSL_ERROR_INVALID_ERROR_CODE = 10


# OpenSSL library codes to the short names CPython reports in ``library``.
_LIBRARY_NAMES = {
    lib.ERR_LIB_SYS: "SYS", lib.ERR_LIB_SSL: "SSL", lib.ERR_LIB_X509: "X509",
    lib.ERR_LIB_PEM: "PEM", lib.ERR_LIB_ASN1: "ASN1", lib.ERR_LIB_EVP: "EVP",
    lib.ERR_LIB_BIO: "BIO", lib.ERR_LIB_X509V3: "X509V3",
    lib.ERR_LIB_PKCS12: "PKCS12", lib.ERR_LIB_RSA: "RSA", lib.ERR_LIB_EC: "EC",
    lib.ERR_LIB_CRYPTO: "CRYPTO",
}


def _text(pointer):
    return ffi.string(pointer).decode("utf-8", "replace") if pointer != ffi.NULL else None


def openssl_error(error_code, exception_type=SSLError, message=None, errno=None):
    """Return ``exception_type`` for OpenSSL's queued ``error_code``:
    ``[LIBRARY: REASON] reason text``, with ``library``/``reason`` set;
    its errno is ``errno`` (a connection's SSL_get_error code) or, for an
    error of the queue alone, the error's reason code, as the stdlib's."""
    library = reason = None
    if error_code:
        library_code = lib.ERR_GET_LIB(error_code)
        library = _LIBRARY_NAMES.get(library_code, str(library_code))
        reason_text = _text(lib.ERR_reason_error_string(error_code))
        if reason_text is not None:
            reason = reason_text.upper().replace(" ", "_")
        if message is None:
            message = reason_text or "unknown error (%#x)" % error_code
    if message is None:
        message = "unknown error"
    text = ("[%s: %s] %s" % (library, reason, message)) if reason else message
    if errno is None:  # an error of the queue alone: its reason code, as the stdlib's
        errno = lib.ERR_GET_REASON(error_code) if error_code else 0
    exc = exception_type(errno, text)
    exc.library = library
    exc.reason = reason
    return exc


def verification_error(ssl, error_code, hostname):
    """The SSLCertVerificationError for a failed certificate check."""
    verify_code = lib.SSL_get_verify_result(ssl)
    verify_message = _text(lib.X509_verify_cert_error_string(verify_code))
    if verify_code == lib.X509_V_ERR_HOSTNAME_MISMATCH:
        verify_message = ("Hostname mismatch, certificate is not valid for %r."
                          % hostname)
    elif verify_code == lib.X509_V_ERR_IP_ADDRESS_MISMATCH:
        verify_message = ("IP address mismatch, certificate is not valid for %r."
                          % hostname)
    exc = openssl_error(error_code, SSLCertVerificationError,
                        "certificate verify failed: %s" % verify_message)
    exc.verify_code = verify_code
    exc.verify_message = verify_message
    return exc


#: Whether this Python's stdlib takes a read or write that OpenSSL says the
#: system failed (SSL_ERROR_SYSCALL, nothing queued) for an EOF in
#: violation of the protocol, whatever the system's error: CPython 3.10 to
#: 3.12, whose SSL_read_ex/SSL_write_ex results hid it.  3.9, 3.13+ and
#: PyPy raise the system's error (a reset connection: ConnectionResetError).
SYSCALL_TRANSFER_IS_EOF = (sys.implementation.name == "cpython"
                           and (3, 10) <= sys.version_info < (3, 13))


def tls_error(ssl, result, ssl_error, system_errno, error_code, hostname=None,
              transfer=False):
    """Return the exception for a failed TLS operation (``transfer``: a
    read or a write), as this Python's stdlib maps it."""
    if ssl_error == lib.SSL_ERROR_ZERO_RETURN:
        return SSLZeroReturnError(lib.SSL_ERROR_ZERO_RETURN,
                                  "TLS/SSL connection has been closed (EOF)")
    if ssl_error == lib.SSL_ERROR_WANT_READ:
        return SSLWantReadError(lib.SSL_ERROR_WANT_READ,
                                "The operation did not complete (read)")
    if ssl_error == lib.SSL_ERROR_WANT_WRITE:
        return SSLWantWriteError(lib.SSL_ERROR_WANT_WRITE,
                                 "The operation did not complete (write)")
    if error_code and lib.ERR_GET_LIB(error_code) == lib.ERR_LIB_SYS:
        # OpenSSL reports a system error, whose errno is the reason code:
        # an OSError, as CPython's since gh-127257.
        reason = lib.ERR_GET_REASON(error_code)
        return OSError(reason, os.strerror(reason))
    if ssl_error == lib.SSL_ERROR_SYSCALL and not error_code:
        # The system's error when it reported one (a read on a reset
        # connection raises ConnectionResetError), else an EOF in violation
        # of the protocol; a transfer on 3.10-3.12: an EOF either way.
        if system_errno and not (transfer and SYSCALL_TRANSFER_IS_EOF):
            return OSError(system_errno, os.strerror(system_errno))
        return SSLEOFError(8, "EOF occurred in violation of protocol")
    if error_code and lib.ERR_GET_LIB(error_code) == lib.ERR_LIB_SSL:
        reason = lib.ERR_GET_REASON(error_code)
        if reason == lib.SSL_R_UNEXPECTED_EOF_WHILE_READING:
            return openssl_error(error_code, SSLEOFError,
                                 "EOF occurred in violation of protocol", errno=8)
        if reason == lib.SSL_R_CERTIFICATE_VERIFY_FAILED:
            return verification_error(ssl, error_code, hostname)
    return openssl_error(error_code, errno=lib.SSL_ERROR_SSL)


def queue_error(exception_type=SSLError):
    """The exception for the last error in OpenSSL's queue (context set-up
    calls), clearing the queue."""
    error_code = lib.ERR_peek_last_error()
    lib.ERR_clear_error()
    return openssl_error(error_code, exception_type)


def file_error(path):
    """The exception for a file OpenSSL could not load from ``path``:
    FileNotFoundError if there is none (as the stdlib raises), else the
    queue's SSLError; the queue is cleared either way."""
    error = queue_error()
    if path is not None and not os.path.exists(os.fsdecode(path)):
        return FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
    return error
