"""Sockets on loopback: free ports, reading exactly, IPv6 availability."""

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
        a, b = mod.socketpair(mod.AF_UNIX, getattr(mod, kind) if isinstance(kind, str) else kind)
        with a, b:
            a.setblocking(False)
            b.setblocking(False)
            if data:
                a.sendall(data)
            return action(mod, a, b)
    return run
