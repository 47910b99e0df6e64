"""Sockets on loopback and the small tools the tests build them with:
free ports, listeners and connected pairs of either module, reading
exactly, IPv6 availability, operations on a socketpair."""

import contextlib
import socket as stdlib_socket

import pytest

import cffisock


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on (just released)."""
    with stdlib_socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def receive_now(sock):
    """What ``sock`` has received already (b'' if nothing), without waiting."""
    sock.setblocking(False)
    try:
        return sock.recv(100)
    except BlockingIOError:
        return b""


def recv_exactly(sock, size, max_calls=100000):
    """Receive ``size`` bytes (fewer if the peer closes first)."""
    chunks = []
    received = 0
    for _ in range(max_calls):
        if received >= size:
            break
        chunk = sock.recv(min(size - received, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        received += len(chunk)
    return b"".join(chunks)


def ipv6_loopback_works():
    """True if this machine can bind and connect on ::1."""
    try:
        with cffisock.socket(cffisock.AF_INET6) as server:
            server.bind(("::1", 0))
            server.listen()
            with cffisock.create_connection(server.getsockname()[:2], timeout=5):
                return True
    except OSError:
        return False


requires_ipv6 = pytest.mark.skipif(
    not ipv6_loopback_works(),
    reason="this machine has no working IPv6 loopback (::1)")


def on_pair(action, data=b"", kind="SOCK_STREAM"):
    """An operation of a module, ``mod -> action(mod, a, b)``, on a
    non-blocking AF_UNIX socketpair of that module after ``a`` sent ``data``
    (non-blocking, so a wrong success cannot hang).  ``kind``: a SOCK_*
    name or value."""
    def run(mod):
        a, b = mod.socketpair(mod.AF_UNIX, _constant(mod, kind))
        with a, b:
            a.setblocking(False)
            b.setblocking(False)
            if data:
                a.sendall(data)
            return action(mod, a, b)
    return run


UNRESOLVABLE_NAME = "a" * 64 + ".invalid"
"""A name no resolver is asked about: its first label is longer than DNS
allows, so the C library fails before it builds a query."""


def on_socket(action, family="AF_INET", kind="SOCK_STREAM"):
    """An operation of a module, ``mod -> action(mod, sock)``, on a new
    socket of that module, closed afterwards.  ``family``, ``kind``: AF_* and
    SOCK_* names or values."""
    def run(mod):
        with mod.socket(_constant(mod, family), _constant(mod, kind)) as sock:
            return action(mod, sock)
    return run


def on_closed_socket(action, family="AF_INET", kind="SOCK_STREAM"):
    """``mod -> action(mod, sock)`` on a socket of the module that has been
    closed."""
    def run(mod):
        sock = mod.socket(_constant(mod, family), _constant(mod, kind))
        sock.close()
        return action(mod, sock)
    return run


def _constant(mod, value):
    return getattr(mod, value) if isinstance(value, str) else value

def listening(mod, stack, family=None, address=("127.0.0.1", 0)):
    family = mod.AF_INET if family is None else family
    server = stack.enter_context(mod.socket(family, mod.SOCK_STREAM))
    server.bind(address)
    server.listen()
    return server


def connected_tcp(mod, stack):
    """``(client, server_side)`` of ``mod`` on 127.0.0.1, closed by stack."""
    server = listening(mod, stack)
    client = stack.enter_context(mod.socket())
    client.settimeout(10)
    client.connect(server.getsockname())
    server_side, _ = server.accept()
    stack.enter_context(server_side)
    server_side.settimeout(10)
    return client, server_side


def udp_bound(mod, stack):
    sock = stack.enter_context(mod.socket(mod.AF_INET, mod.SOCK_DGRAM))
    sock.settimeout(10)
    sock.bind(("127.0.0.1", 0))
    return sock


def describe(sock):
    """``sock``'s family and type (number and name) and proto."""
    return (int(sock.family), sock.family.name, int(sock.type), sock.type.name,
            sock.proto)


@contextlib.contextmanager
def module_default_timeout(module, value):
    """``module.setdefaulttimeout(value)`` for the block, then None again."""
    module.setdefaulttimeout(value)
    try:
        yield
    finally:
        module.setdefaulttimeout(None)


def accept_and_check(server, client):
    """Accept ``client`` on ``server`` and check data flows both ways."""
    conn, peer = server.accept()
    with conn:
        assert peer[:2] == client.getsockname()[:2]
        client.sendall(b"ping")
        assert conn.recv(4) == b"ping"
        conn.sendall(b"pong")
        assert client.recv(4) == b"pong"


# ------------------------------------------------------------------ addresses


def family_param(name, *values):
    """A pytest param for the address family ``name`` (with ``values`` before
    it); AF_INET6 needs a working ::1."""
    return pytest.param(*values, name, id="-".join(values + (name,)),
                        marks=[requires_ipv6] if name == "AF_INET6" else [])


FAMILIES = [family_param(name) for name in ("AF_INET", "AF_INET6", "AF_UNIX")]


def loopback_address(family, directory, name="server.sock"):
    """An address to bind to in ``family``: port 0 on loopback, or a path
    in ``directory`` for AF_UNIX."""
    if family == cffisock.AF_UNIX:
        return str(directory / name)
    return {cffisock.AF_INET: ("127.0.0.1", 0), cffisock.AF_INET6: ("::1", 0)}[family]


def cffisock_listener(family, directory):
    """A listening cffisock stream socket on loopback."""
    return cffisock.create_server(loopback_address(family, directory), family=family)


def echo_client(family, address, payload, chunk=1 << 15):
    """A stdlib client: send ``payload`` a chunk at a time, reading each
    chunk's echo before the next; return everything echoed."""
    echoed = []
    with stdlib_socket.socket(family) as client:
        client.settimeout(10)
        client.connect(address)
        for start in range(0, len(payload), chunk):
            piece = payload[start:start + chunk]
            client.sendall(piece)
            echoed.append(recv_exactly(client, len(piece)))
    return b"".join(echoed)
