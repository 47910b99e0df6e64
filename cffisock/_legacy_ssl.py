"""The spec's ``ssl(sock[, keyfile, certfile])`` and its SSL object.

As the spec warns, this does no certificate verification at all: it is kept
for the spec's API and emits a DeprecationWarning.  Use ``cffisock.tls``
(``create_default_context().wrap_socket(...)``), which verifies certificates
and host names by default.

The SSL object speaks TLS over the socket's descriptor without taking the
socket over: the caller still owns ``sock`` and closes it when done (after
which the object's calls raise OSError(EBADF)).  OpenSSL comes in through
one entry point, ``_tls_context.unverified_client_over``, only when ssl()
is first called.
"""

import warnings

from cffisock._converters import bytes_like

#: What read() without a size reads at a time.
_CHUNK = 16384


class SpecSSLObject:
    """The spec's SSL object: ``write(s)`` and ``read([n])``."""

    def __init__(self, sock, connection):
        self._sock = sock
        self._connection = connection

    def write(self, s):
        """Send all of ``s``; return the number of bytes written."""
        with bytes_like(s) as view:
            self._connection.write_all(self._sock.gettimeout(), view)
            return len(view)

    def read(self, n=None):
        """Read up to ``n`` bytes; without ``n``, read until EOF."""
        if n is not None:
            return self._read(n)
        chunks = []
        while True:
            chunk = self._read(_CHUNK)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)

    def _read(self, size):
        from cffisock import tls
        from cffisock._tls_ffi import ffi

        buffer = ffi.new("char[]", size)
        try:
            return ffi.unpack(buffer, self._connection.read_into(
                self._sock.gettimeout(), buffer, size))
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
    from cffisock._tls_context import unverified_client_over

    return SpecSSLObject(sock, unverified_client_over(sock, certfile, keyfile))
