"""TLS never leaks: every way of sending application bytes through a TLS
object sends them encrypted, and every socket method that would move bytes
past TLS is refused.

* A relay on 127.0.0.1 between a cffisock TLS client and a stdlib TLS
  server records what crosses it.  For each way of sending (``send``,
  ``sendall``, ``write``, ``sendfile`` of a regular file and of a BytesIO,
  ``makefile('wb').write``, ``SSLObject.write`` over memory BIOs), a random
  64 KiB marker arrives intact and no 16-byte window of it is in the
  recording; on TLS 1.2 and 1.3.
* Every public callable of ``cffisock.socket`` is, on ``SSLSocket``,
  replaced by a TLS path, refused as the stdlib refuses it, or listed among
  the methods that move no application bytes.  A new socket method on none
  of the lists fails ``test_every_socket_method_is_classified_for_tls``.

What cffisock cannot see: code that writes to ``fileno()`` itself
(``os.write``, ``os.sendfile``, and asyncio's ``loop.sock_sendfile``, which
refuses only the stdlib's ``ssl.SSLSocket``) bypasses TLS.
"""

import hashlib
import io
import os
import socket as stdlib_socket
import ssl as stdlib_ssl

import pytest

import cffisock
from cffisock import tls
from support.introspection import public_members
from support.concurrency import ListeningThread
from support.relay import Relay, shares_a_window
from support.tls import client_context, server_context

MARKER = os.urandom(64 << 10)
DIGEST = hashlib.sha256(MARKER).digest()
VERSIONS = ["TLSv1_2", "TLSv1_3"]

#: SSLSocket's own TLS path for the socket method (checked: overridden).
THROUGH_TLS = {
    "accept": "wraps the accepted socket as a server-side SSLSocket",
    "connect": "connects, then shakes hands",
    "connect_ex": "connects, then shakes hands once connected",
    "recv": "decrypts", "recv_into": "decrypts",
    "send": "encrypts", "sendall": "encrypts",
    "sendfile": "reads the file and encrypts (never sendfile(2))",
}
#: Refused on SSLSocket, with the stdlib's exception (cffisock's batched
#: calls, which the stdlib lacks, as its sendmsg); the datagram calls are
#: the plain socket's before it is connected (test_messages).
REFUSED = {
    "sendto": ValueError, "recvfrom": ValueError, "recvfrom_into": ValueError,
    "sendmsg": NotImplementedError, "recvmsg": NotImplementedError,
    "recvmsg_into": NotImplementedError, "dup": NotImplementedError,
    "sendmmsg": NotImplementedError, "recvmmsg": NotImplementedError,
    "recvmmsg_into": NotImplementedError,
}
#: Inherited unchanged: they move no application bytes.
NO_APPLICATION_BYTES = {
    "bind", "close", "fileno", "get_inheritable", "getblocking",
    "getpeername", "getsockname", "getsockopt", "gettimeout", "listen",
    "set_inheritable", "setblocking", "setsockopt", "settimeout",
    # A TCP shutdown; unlike the stdlib's, later reads and writes stay TLS.
    "shutdown",
    # Its file calls the SSLSocket's own recv_into and send (wire test).
    "makefile",
    # Gives the descriptor up: the TLS connection reads -1 from the socket
    # before every operation, so none reaches OpenSSL afterwards.
    "detach",
}


def socket_methods():
    return {name for name in public_members(cffisock.socket)
            if callable(getattr(cffisock.socket, name))}


def test_every_socket_method_is_classified_for_tls():
    lists = (set(THROUGH_TLS), set(REFUSED), NO_APPLICATION_BYTES)
    assert sum(len(names) for names in lists) == len(set().union(*lists))  # disjoint
    assert sorted(socket_methods() - set().union(*lists)) == []


@pytest.mark.parametrize("name", sorted(THROUGH_TLS))
def test_a_byte_moving_method_has_a_tls_path(name):
    assert getattr(tls.SSLSocket, name) is not getattr(cffisock.socket, name)


@pytest.mark.parametrize("name", sorted(NO_APPLICATION_BYTES))
def test_a_method_that_moves_no_application_bytes_is_the_socket_s(name):
    assert getattr(tls.SSLSocket, name) is getattr(cffisock.socket, name)


def refused_call(sock, name):
    """Call the refused method ``name`` of ``sock`` with plausible arguments."""
    arguments = {
        "sendto": (b"x", ("127.0.0.1", 9)), "recvfrom": (10,),
        "recvfrom_into": (bytearray(10),), "sendmsg": ([b"x"],), "recvmsg": (10,),
        "recvmsg_into": ([bytearray(10)],), "dup": (),
        "sendmmsg": ([(b"x", None)],), "recvmmsg": (1, 10), "recvmmsg_into": ([bytearray(10)],),
    }[name]
    return getattr(sock, name)(*arguments)


@pytest.fixture
def tls_pairs(ca, server_cert):
    """A connected TLS client of each side, ``{"stdlib": ..., "cffisock": ...}``,
    each to a stdlib server that waits for the client to close."""
    made = {}
    servers = []
    for side, socket_module in (("stdlib", stdlib_socket), ("cffisock", cffisock)):
        server = WireServer(server_context("stdlib", server_cert), expect=0)
        servers.append(server)
        made[side] = client_context(side, ca).wrap_socket(
            socket_module.create_connection(server.address, timeout=10),
            server_hostname="localhost")
    yield made
    for sock in made.values():
        sock.close()
    for server in servers:
        server.close()


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_method_that_would_bypass_tls_is_refused_as_the_stdlib_refuses_it(tls_pairs, name):
    with pytest.raises(REFUSED[name]) as ours:
        refused_call(tls_pairs["cffisock"], name)
    if hasattr(stdlib_ssl.SSLSocket, name):
        with pytest.raises(REFUSED[name]) as theirs:
            refused_call(tls_pairs["stdlib"], name)
        assert str(ours.value).replace("cffisock.tls", "ssl") == str(theirs.value)


@pytest.mark.parametrize("name", ["send_fds", "recv_fds"])
def test_descriptor_passing_is_refused_on_tls_sockets(tls_pairs, name):
    sock = tls_pairs["cffisock"]
    arguments = ([b"x"], [sock.fileno()]) if name == "send_fds" else (10, 1)
    with pytest.raises(NotImplementedError):
        getattr(cffisock, name)(sock, *arguments)


# ---------------------------------------------------------------- the wire


class WireServer(ListeningThread):
    """A stdlib TLS server thread on 127.0.0.1 for one client: reads
    ``expect`` bytes, answers their SHA-256, then reads until the client
    closes.  ``received`` is what it read; ``close()`` raises its error."""

    def __init__(self, context, expect=len(MARKER), timeout=20):
        super().__init__(timeout)
        self._context = context
        self._expect = expect
        self.received = b""
        self.start()

    def serve(self):
        conn, _ = self.listener.accept()
        conn.settimeout(self.timeout)
        with self._context.wrap_socket(conn, server_side=True) as tls_conn:
            chunks, size = [], 0
            while size < self._expect:
                chunk = tls_conn.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            self.received = b"".join(chunks)
            if self._expect:
                tls_conn.sendall(hashlib.sha256(self.received).digest())
            self._until_the_client_closes(tls_conn)

    @staticmethod
    def _until_the_client_closes(tls_conn):
        """Read until the client has gone: a close, or a reset (a client
        that closes with TLS 1.3 session tickets unread makes its kernel
        answer with RST)."""
        try:
            while tls_conn.recv(65536):
                pass
        except ConnectionResetError:
            pass


def _send_all_by(send):
    def way(sock):
        view = memoryview(MARKER)
        for _ in range(len(MARKER)):
            if not view:
                return
            view = view[send(sock, view):]
    return way


def _sendfile_regular(sock, tmp_path):
    path = tmp_path / "marker.bin"
    path.write_bytes(MARKER)
    with open(path, "rb") as file:
        assert sock.sendfile(file) == len(MARKER)
        assert file.tell() == len(MARKER)


def _sendfile_bytesio(sock, tmp_path):
    assert sock.sendfile(io.BytesIO(MARKER)) == len(MARKER)


def _makefile_write(sock, tmp_path):
    with sock.makefile("wb") as file:
        file.write(MARKER)


WAYS = {
    "send": lambda sock, tmp_path: _send_all_by(lambda s, view: s.send(view))(sock),
    "sendall": lambda sock, tmp_path: sock.sendall(MARKER),
    "write": lambda sock, tmp_path: _send_all_by(lambda s, view: s.write(view))(sock),
    "sendfile of a regular file": _sendfile_regular,
    "sendfile of a BytesIO": _sendfile_bytesio,
    "makefile('wb').write": _makefile_write,
}


def _receive_digest(read):
    answer = b""
    for _ in range(100):
        if len(answer) >= len(DIGEST):
            break
        chunk = read(len(DIGEST) - len(answer))
        if not chunk:
            break
        answer += chunk
    return answer


def through_the_relay(server_cert, client):
    """Run ``client(relay_address)`` against a WireServer behind a Relay;
    return ``(relay, server, what client returned or raised, what the
    server raised or None)``, every thread finished."""
    server = WireServer(server_context("stdlib", server_cert))
    relay = Relay(server.address)
    try:
        answer = client(relay.address)
    except Exception as exc:  # checked after the wire
        answer = exc
    relay.close()
    try:
        server.close()
    except Exception as exc:  # checked after the wire
        return relay, server, answer, exc
    return relay, server, answer, None


def check_the_wire(relay, server, answer, server_error):
    """Nothing of the marker in the clear (checked first: it is the point),
    then the marker arrived intact and its digest came back."""
    assert not shares_a_window(relay.upstream, MARKER), "marker bytes crossed in the clear"
    assert not shares_a_window(relay.downstream, MARKER)
    assert server_error is None
    assert answer == DIGEST
    assert hashlib.sha256(server.received).digest() == DIGEST


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("way", sorted(WAYS))
def test_application_bytes_cross_the_wire_only_encrypted(ca, server_cert, tmp_path, way,
                                                          version):
    context = client_context("cffisock", ca, version=version)

    def client(address):
        with context.wrap_socket(cffisock.create_connection(address, timeout=20),
                                 server_hostname="localhost") as sock:
            assert sock.version() == version.replace("_", ".")
            WAYS[way](sock, tmp_path)
            return _receive_digest(sock.recv)

    check_the_wire(*through_the_relay(server_cert, client))


@pytest.mark.parametrize("version", VERSIONS)
def test_sslobject_writes_cross_the_wire_only_encrypted(ca, server_cert, version):
    incoming, outgoing = tls.MemoryBIO(), tls.MemoryBIO()
    connection = client_context("cffisock", ca, version=version).wrap_bio(
        incoming, outgoing, server_hostname="localhost")

    def client(address):
        with cffisock.create_connection(address, timeout=20) as sock:
            def step(operation):
                """``operation()`` with the records carried over ``sock``."""
                for _ in range(1000):
                    try:
                        result = operation()
                    except tls.SSLWantReadError:
                        sock.sendall(outgoing.read())
                        data = sock.recv(65536)
                        if not data:
                            raise EOFError("the relay closed") from None
                        incoming.write(data)
                        continue
                    sock.sendall(outgoing.read())
                    return result
                raise AssertionError("no progress after 1000 steps")

            step(connection.do_handshake)
            assert connection.version() == version.replace("_", ".")
            assert step(lambda: connection.write(MARKER)) == len(MARKER)
            return _receive_digest(lambda size: step(lambda: connection.read(size)))

    check_the_wire(*through_the_relay(server_cert, client))
