"""The C callbacks through which OpenSSL asks an ``SSLContext`` for
something: a private key's password (``password_callback`` around a load)
and, on a server, what to do with the client's server name (the context's
``sni_callback``).
"""

import contextlib
import sys
from operator import index

from cffisock._tls_ffi import ffi, lib


# -- a key's password ----------------------------------------------------------------------


def password_bytes(password, from_callable=False):
    if isinstance(password, str):
        return password.encode("utf-8")
    if isinstance(password, (bytes, bytearray)):
        return bytes(password)
    raise TypeError("password callback must return a string" if from_callable
                    else "password should be a string or callable")


class _PasswordRequest:
    """What the password callback needs: the caller's password (or callable)
    and, afterwards, the exception it raised, if any."""

    def __init__(self, password):
        self.password = password
        self.error = None

    def answer(self, size):
        password = self.password
        if callable(password):
            password = password_bytes(password(), from_callable=True)
        else:
            password = password_bytes(password)
        if len(password) > size:
            raise ValueError("password cannot be longer than %d bytes" % size)
        return password


@contextlib.contextmanager
def password_callback(ctx, password):
    """For the block, OpenSSL asks ``cffisock_password_python`` for a key's
    password (if ``password`` is not None); yields the _PasswordRequest."""
    request = _PasswordRequest(password)
    handle = ffi.new_handle(request)
    lib.SSL_CTX_set_default_passwd_cb_userdata(ctx, handle)
    lib.cffisock_set_password_callback(ctx, password is not None)
    try:
        yield request
    finally:
        lib.cffisock_set_password_callback(ctx, False)
        lib.SSL_CTX_set_default_passwd_cb_userdata(ctx, ffi.NULL)
        del handle  # alive until OpenSSL is done with it


@ffi.def_extern()
def cffisock_password_python(buffer, size, rwflag, userdata):
    """OpenSSL asks for the password of an encrypted key."""
    request = ffi.from_handle(userdata)
    try:
        password = request.answer(size)
    except Exception as exc:  # raised again by load_cert_chain
        request.error = exc
        return -1
    ffi.memmove(buffer, password, len(password))
    return len(password)


# -- server name indication ----------------------------------------------------------------


@ffi.def_extern()
def cffisock_sni_python(ssl, alert):
    """The server name callback: run the context's sni_callback with the
    name as the client sent it (ASCII, IDNA A-labels), as the stdlib's.
    An exception in it is reported (sys.unraisablehook) and fails the
    handshake with a handshake_failure alert; a result that is neither None
    nor an integer (the alert to send) is reported as a TypeError and fails
    it with an internal_error alert."""
    connection = ffi.from_handle(lib.SSL_get_app_data(ssl))()
    callback = connection.context.sni_callback
    if callback is None:
        return lib.SSL_TLSEXT_ERR_OK
    name = lib.SSL_get_servername(ssl, lib.TLSEXT_NAMETYPE_host_name)
    try:
        server_name = ffi.string(name).decode("ascii") if name != ffi.NULL else None
    except UnicodeDecodeError as exc:
        return _fail(alert, lib.SSL_AD_INTERNAL_ERROR, exc, ffi.string(name))
    try:
        result = callback(connection.owner, server_name, connection.context)
    except BaseException as exc:  # reported, and the handshake fails
        return _fail(alert, lib.SSL_AD_HANDSHAKE_FAILURE, exc, callback)
    if result is None:
        return lib.SSL_TLSEXT_ERR_OK
    try:
        alert[0] = index(result)
    except (TypeError, OverflowError) as exc:
        return _fail(alert, lib.SSL_AD_INTERNAL_ERROR, exc, result)
    return lib.SSL_TLSEXT_ERR_ALERT_FATAL


def _fail(alert, description, exc, culprit):
    """Report ``exc`` (about ``culprit``) and end the handshake with the
    alert ``description``."""
    sys.unraisablehook(_Unraisable(exc, culprit))
    alert[0] = description
    return lib.SSL_TLSEXT_ERR_ALERT_FATAL


class _Unraisable:
    """What sys.unraisablehook expects (the stdlib reports an exception in
    sni_callback the same way)."""

    def __init__(self, exc, culprit):
        self.exc_type = type(exc)
        self.exc_value = exc
        self.exc_traceback = exc.__traceback__
        self.err_msg = "Exception ignored in sni_callback"
        self.object = culprit
