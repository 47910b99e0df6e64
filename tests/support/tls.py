"""What the TLS tests share: the stdlib's TLS and cffisock's side by side.

A *side* is ``"stdlib"`` (the ``socket`` and ``ssl`` modules) or
``"cffisock"`` (``cffisock`` and ``cffisock.tls``); contexts are built the
same way for either, so one test body can run against both and compare.
``ThreadedServer`` runs a server of either side in a thread on 127.0.0.1;
``failure`` reduces an exception to what the two sides must agree on (its
stdlib class, OpenSSL's reason, the verification code and message).
"""

import socket as stdlib_socket
import ssl as stdlib_ssl
import threading
import time

import cffisock
from cffisock import tls
from support.loopback import recv_exactly

SIDES = ("stdlib", "cffisock")
SOCKET_MODULES = {"stdlib": stdlib_socket, "cffisock": cffisock}
SSL_MODULES = {"stdlib": stdlib_ssl, "cffisock": tls}
SOCKET_TIMEOUTS = (stdlib_socket.timeout, cffisock.timeout)

# ---------------------------------------------------------------- certificates


def write_pem(directory, name, *blobs):
    """Write trustme blobs (keys, certificates) one after another to
    ``directory/name``; return the path as a str."""
    path = directory / name
    path.write_bytes(b"".join(blob.bytes() for blob in blobs))
    return str(path)


def ca_text(ca):
    """A trustme CA's certificate as PEM text (for ``cadata=``)."""
    return ca.cert_pem.bytes().decode("ascii")


def load_identity(context, identity):
    """Present ``identity``: a trustme LeafCert, or the path of a PEM file
    holding a private key and a certificate chain."""
    if isinstance(identity, str):
        context.load_cert_chain(identity)
    else:
        with identity.private_key_and_cert_chain_pem.tempfile() as path:
            context.load_cert_chain(path)


# ---------------------------------------------------------------- contexts


def pin_version(context, side, version):
    """Allow only ``version``, a TLSVersion member name ("TLSv1_2")."""
    member = getattr(SSL_MODULES[side].TLSVersion, version)
    context.minimum_version = member
    context.maximum_version = member


def configure(context, side, alpn=None, version=None):
    if alpn:
        context.set_alpn_protocols(alpn)
    if version:
        pin_version(context, side, version)
    return context


def server_context(side, identity, client_ca=None, alpn=None, version=None):
    """A server context presenting ``identity``; with ``client_ca`` it
    requires a client certificate issued by that trustme CA."""
    module = SSL_MODULES[side]
    context = module.SSLContext(module.PROTOCOL_TLS_SERVER)
    load_identity(context, identity)
    if client_ca is not None:
        context.load_verify_locations(cadata=ca_text(client_ca))
        context.verify_mode = module.CERT_REQUIRED
    return configure(context, side, alpn, version)


def client_context(side, ca, identity=None, alpn=None, version=None):
    """A verifying client context trusting the trustme CA ``ca`` (and
    presenting ``identity`` if given)."""
    context = SSL_MODULES[side].create_default_context(cadata=ca_text(ca))
    if identity is not None:
        load_identity(context, identity)
    return configure(context, side, alpn, version)


def connect(side, context, address, server_hostname="localhost", timeout=10, **options):
    """A TLS client socket of ``side`` connected to ``address``."""
    raw = SOCKET_MODULES[side].create_connection(address, timeout=timeout)
    try:
        return context.wrap_socket(raw, server_hostname=server_hostname, **options)
    except BaseException:
        raw.close()
        raise


# ---------------------------------------------------------------- servers


class ThreadedServer:
    """A server thread on 127.0.0.1.

    It accepts up to ``connections`` TCP connections on a listener of
    ``side``, wraps each with ``context`` as the server side (raw TCP
    without one) and calls ``handler(conn)``.  ``outcomes`` gets, per
    connection, ``("returned", value)`` or ``("raised", exception)``.  As a
    context manager, leaving joins the thread (bounded) and closes the
    listener; the thread gives up accepting after ``timeout`` seconds, which
    is also each connection's socket timeout.
    """

    def __init__(self, handler, context=None, side="stdlib", connections=1, timeout=10):
        self.listener = SOCKET_MODULES[side].create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.address = self.listener.getsockname()[:2]
        self.outcomes = []
        self._handler = handler
        self._context = context
        self._connections = connections
        self._timeout = timeout
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        deadline = time.monotonic() + self._timeout
        accepted = 0
        while (accepted < self._connections and not self._closing.is_set()
               and time.monotonic() < deadline):
            try:
                conn, _ = self.listener.accept()
            except SOCKET_TIMEOUTS:
                continue
            accepted += 1
            self.outcomes.append(self._handle(conn))

    def _handle(self, conn):
        conn.settimeout(self._timeout)
        try:
            if self._context is not None:
                conn = self._context.wrap_socket(conn, server_side=True)
            return ("returned", self._handler(conn))
        except Exception as exc:  # reported to the test through outcomes
            return ("raised", exc)
        finally:
            conn.close()

    def result(self, index=0):
        """Connection ``index``'s handler value (its exception is raised)."""
        kind, value = self.outcomes[index]
        if kind == "raised":
            raise value
        return value

    def close(self):
        self._closing.set()
        self._thread.join(self._timeout + 5)
        self.listener.close()
        assert not self._thread.is_alive(), "server thread still running"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def read_until_eof(conn, limit=1 << 26):
    """Read (at most ``limit`` bytes) until the peer closes; return them."""
    chunks, received = [], 0
    while received < limit:
        chunk = conn.recv(65536)
        if not chunk:
            break
        chunks.append(chunk)
        received += len(chunk)
    return b"".join(chunks)


def echo(conn):
    """Send back everything until the peer closes; return the byte count."""
    total = 0
    for _ in range(1 << 20):
        chunk = conn.recv(65536)
        if not chunk:
            break
        conn.sendall(chunk)
        total += len(chunk)
    return total


def default_client_context(ca):
    """cffisock's create_default_context() trusting ``ca`` (alone)."""
    return tls.create_default_context(cadata=ca.cert_pem.bytes().decode("ascii"))


def connect_cffisock(context, address, server_hostname):
    """A cffisock TLS client of ``context`` connected to ``address`` (20 s
    timeout)."""
    return connect("cffisock", context, address, server_hostname, timeout=20)


# ---------------------------------------------------------------- raw records


def recv_record(conn):
    """One TLS record from a raw socket (header and body)."""
    header = recv_exactly(conn, 5)
    return header + recv_exactly(conn, int.from_bytes(header[3:5], "big"))


def bio_handshake(conn, context):
    """Be a TLS server on the raw socket ``conn`` through a stdlib
    SSLObject; return it and its outgoing MemoryBIO, everything sent."""
    incoming, outgoing = stdlib_ssl.MemoryBIO(), stdlib_ssl.MemoryBIO()
    server = context.wrap_bio(incoming, outgoing, server_side=True)
    for _ in range(20):
        try:
            server.do_handshake()
            break
        except stdlib_ssl.SSLWantReadError:
            conn.sendall(outgoing.read())
            data = conn.recv(65536)
            if not data:
                raise ConnectionError("the client left during the handshake")
            incoming.write(data)
    conn.sendall(outgoing.read())
    return server, outgoing
