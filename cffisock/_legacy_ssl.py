"""The spec's ``ssl(sock[, keyfile, certfile])`` and its SSL object.

As the spec warns, this does no certificate verification at all: it is kept
for the spec's API and emits a DeprecationWarning.  Use ``cffisock.tls``
(``create_default_context().wrap_socket(...)``), which verifies certificates
and host names by default.
"""

import warnings


class SSLObject:
    """The spec's SSL object: ``write(s)`` and ``read([n])``."""

    def __init__(self, tls_socket):
        self._tls = tls_socket

    def write(self, s):
        """Send all of ``s``; return the number of bytes written."""
        self._tls.sendall(s)
        return len(s)

    def read(self, n=None):
        """Read up to ``n`` bytes; without ``n``, read until EOF."""
        if n is not None:
            return self._tls.recv(n)
        chunks = []
        while True:
            chunk = self._tls.recv(16384)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


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
    return SSLObject(context.wrap_socket(sock))
