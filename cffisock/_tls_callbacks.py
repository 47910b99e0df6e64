"""The C callbacks through which OpenSSL asks an ``SSLContext`` for
something: a private key's password (``password_callback`` around a load);
on a server, what to do with the client's server name (the context's
``sni_callback``); the pre-shared key for an identity (the context's PSK
callbacks).  An exception in a callback is reported through
``sys.unraisablehook``, as the stdlib reports it, and fails the handshake.
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
    connection = _connection_of(ssl)
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
    _report(exc, "Exception ignored in sni_callback", culprit)
    alert[0] = description
    return lib.SSL_TLSEXT_ERR_ALERT_FATAL


# -- pre-shared keys -------------------------------------------------------------------------


@ffi.def_extern()
def cffisock_psk_client_python(ssl, hint, identity, identity_room, psk, psk_room):
    """A client's key: the context's callback, given the server's identity
    hint (str, None in TLS 1.3), returns ``(identity or None, key bytes)``;
    both are copied to OpenSSL's buffers.  0 (no key: the handshake fails)
    if the callback raises or returns something else."""
    callback = _connection_of(ssl).context._psk_client_callback
    try:
        result = callback(_text_or_none(hint))
        if not isinstance(result, tuple) or len(result) != 2:
            raise TypeError("the PSK client callback must return a tuple "
                            "(identity or None, key bytes), not %s" % type(result).__name__)
        name, key = result
        if name is not None and not isinstance(name, str):
            raise TypeError("the PSK identity must be str or None, not %s" % type(name).__name__)
        name = b"" if name is None else name.encode("utf-8")
        key = _key_bytes(key, psk_room)
        if len(name) + 1 > identity_room:
            raise ValueError("the PSK identity is longer than %d bytes" % (identity_room - 1))
    except Exception as exc:
        _report(exc, "Exception ignored in ssl PSK client callback while calling callback %r"
                % (callback,))
        return 0
    ffi.memmove(identity, name + b"\0", len(name) + 1)
    ffi.memmove(psk, key, len(key))
    return len(key)


@ffi.def_extern()
def cffisock_psk_server_python(ssl, identity, psk, psk_room):
    """A server's key for the client's identity (str or None): the
    context's callback returns it (bytes; empty: no key, the handshake
    fails)."""
    callback = _connection_of(ssl).context._psk_server_callback
    try:
        key = _key_bytes(callback(_text_or_none(identity)), psk_room)
    except Exception as exc:
        _report(exc, "Exception ignored in ssl PSK server callback while calling callback %r"
                % (callback,))
        return 0
    ffi.memmove(psk, key, len(key))
    return len(key)


def _connection_of(ssl):
    """The _Connection of an ``SSL *`` (its app data leads back to it)."""
    return ffi.from_handle(lib.SSL_get_app_data(ssl))()


def _report(exc, message, culprit=None):
    """Report ``exc``, raised in a callback, through sys.unraisablehook as
    the stdlib reports it."""
    sys.unraisablehook(_Unraisable(exc, culprit, message))


def _text_or_none(pointer):
    return ffi.string(pointer).decode("utf-8") if pointer != ffi.NULL else None


def _key_bytes(key, room):
    """``key`` (a read-only bytes-like object, as the stdlib's ``y#``) as
    bytes of at most ``room``."""
    try:
        view = memoryview(key)
    except TypeError:
        raise TypeError("a PSK must be a bytes-like object, not %s"
                        % type(key).__name__) from None
    with view:
        if not view.readonly:
            raise TypeError("a PSK must be a read-only bytes-like object, not %s"
                            % type(key).__name__)
        key = view.tobytes()
    if len(key) > room:
        raise ValueError("the PSK is longer than %d bytes" % room)
    return key


class _Unraisable:
    """What sys.unraisablehook expects (the stdlib reports an exception in
    a callback the same way)."""

    def __init__(self, exc, culprit, message):
        self.exc_type = type(exc)
        self.exc_value = exc
        self.exc_traceback = exc.__traceback__
        self.err_msg = message
        self.object = culprit
