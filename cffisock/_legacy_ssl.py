"""The spec's ``ssl(sock[, keyfile, certfile])`` and its SSL object.

As the spec warns, this does no certificate verification at all: it is kept
for the spec's API and emits a DeprecationWarning.  Use ``cffisock.tls``
(``create_default_context().wrap_socket(...)``), which verifies certificates
and host names by default.

The SSL object speaks TLS over the socket's descriptor without taking the
socket over: the caller still owns ``sock`` and closes it when done.
"""

import warnings


class SSLObject:
    """The spec's SSL object: ``write(s)`` and ``read([n])``."""

    def __init__(self, sock, connection):
        self._sock = sock
        self._connection = connection

    def _connection_on_socket(self):
        """The connection, once more in step with the caller's socket: after
        the socket was closed (fileno() -1), it no longer uses the number,
        which may name another file by now (calls raise OSError(EBADF))."""
        if self._sock.fileno() == -1:
            self._connection.release_fd()
        return self._connection

    def _run(self, operation, buffer, size):
        return self._connection_on_socket().run_on_fd(self._sock.gettimeout(),
                                                      operation, buffer, size)

    def write(self, s):
        """Send all of ``s``; return the number of bytes written."""
        from cffisock._converters import bytes_like

        with bytes_like(s) as view:
            self._connection_on_socket().write_all(self._sock.gettimeout(), view)
            return len(view)

    def read(self, n=None):
        """Read up to ``n`` bytes; without ``n``, read until EOF."""
        from cffisock import tls

        if n is not None:
            return self._read(tls, n)
        chunks = []
        while True:
            chunk = self._read(tls, 16384)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)

    def _read(self, tls, size):
        buffer = tls.ffi.new("char[]", size)
        try:
            return tls.ffi.unpack(buffer, self._run(tls._READ, buffer, size))
        except (tls.SSLZeroReturnError, tls.SSLEOFError):
            return b""


def ssl(sock, keyfile=None, certfile=None):
    """Start a TLS client connection over the connected socket ``sock`` and
    return an SSL object.  No certificate is verified (see the module
    docstring); ``keyfile``/``certfile`` give a client certificate."""
    warnings.warn(
        "cffisock.ssl() does no certificate verification; use "
        "cffisock.tls.create_default_context().wrap_socket() instead",
        DeprecationWarning, stacklevel=2)
    from cffisock import tls

    context = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = tls.CERT_NONE
    if certfile is not None:
        context.load_cert_chain(certfile, keyfile)
    connection = context._new_connection(False, None, None)
    connection.attach_fd(sock.fileno())
    connection.run_on_fd(sock.gettimeout(), tls._HANDSHAKE)
    connection.handshake_done = True
    return SSLObject(sock, connection)
