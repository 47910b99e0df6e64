"""cffisock and the stdlib's ``socket`` as independent peers of each other,
and one descriptor handed from either module's socket to the other's
(``detach()``, for code that insists on a real ``socket.socket``).

Each transfer runs the server in a thread (joined with a timeout) and gives
every socket a 10 s timeout, so a broken peer fails the test instead of
hanging it.  Every address is on loopback or in tmp_path.
"""

import contextlib
import hashlib
import os
import socket as stdlib_socket

import pytest

import cffisock
from support.loopback import recv_exactly, requires_ipv6


SIZE = 4 << 20
PAYLOAD = os.urandom(SIZE)

DIRECTIONS = pytest.mark.parametrize("client_mod, server_mod", [
    pytest.param(cffisock, stdlib_socket, id="cffisock-client-stdlib-server"),
    pytest.param(stdlib_socket, cffisock, id="stdlib-client-cffisock-server"),
])

STREAMS = pytest.mark.parametrize("transport", [
    pytest.param("tcp4", id="tcp-127.0.0.1"),
    pytest.param("unix", id="unix-path"),
    pytest.param("tcp6", id="tcp-::1", marks=requires_ipv6),
])

DATAGRAMS = pytest.mark.parametrize("transport", [
    pytest.param("udp4", id="udp-127.0.0.1"),
    pytest.param("udp6", id="udp-::1", marks=requires_ipv6),
])


def endpoint(mod, transport, tmp_path):
    """``(socket, address to bind)`` of ``mod`` for ``transport``."""
    family, kind, address = {
        "tcp4": ("AF_INET", "SOCK_STREAM", ("127.0.0.1", 0)),
        "tcp6": ("AF_INET6", "SOCK_STREAM", ("::1", 0)),
        "unix": ("AF_UNIX", "SOCK_STREAM", str(tmp_path / "server.sock")),
        "udp4": ("AF_INET", "SOCK_DGRAM", ("127.0.0.1", 0)),
        "udp6": ("AF_INET6", "SOCK_DGRAM", ("::1", 0)),
    }[transport]
    sock = mod.socket(getattr(mod, family), getattr(mod, kind))
    sock.settimeout(10)
    return sock, address


def receive_all_into(sock, size):
    """recv_into a preallocated buffer until ``size`` bytes or EOF."""
    buffer = bytearray(size)
    view = memoryview(buffer)
    received = 0
    for _ in range(size):
        if received == size:
            break
        count = sock.recv_into(view[received:])
        if count == 0:
            break
        received += count
    view.release()
    del buffer[received:]
    return bytes(buffer)


def echo_one_connection(listener):
    """Accept one connection, receive SIZE bytes, send them back; return
    their digest and the peer's address."""
    connection, address = listener.accept()
    with connection:
        connection.settimeout(10)
        data = receive_all_into(connection, SIZE)
        connection.sendall(data)
        return hashlib.sha256(data).hexdigest(), address


@DIRECTIONS
@STREAMS
def test_stream_transfer_of_4_mib_both_ways(
        background, tmp_path, transport, client_mod, server_mod):
    listener, address = endpoint(server_mod, transport, tmp_path)
    client, _ = endpoint(client_mod, transport, tmp_path)
    with listener, client:
        listener.bind(address)
        listener.listen()
        server = background(echo_one_connection, listener)
        client.connect(listener.getsockname())
        client.sendall(PAYLOAD)
        echoed = receive_all_into(client, SIZE)
        digest, peer_address = server.result(timeout=30)
        assert digest == hashlib.sha256(PAYLOAD).hexdigest()
        assert echoed == PAYLOAD
        assert peer_address == client.getsockname()
        assert client.getpeername() == listener.getsockname()


def echo_datagrams(sock, count):
    """Send each of ``count`` datagrams back to its sender; return the
    senders' addresses."""
    buffer = bytearray(1 << 16)
    senders = []
    for _ in range(count):
        size, sender = sock.recvfrom_into(buffer)
        sock.sendto(buffer[:size], sender)
        senders.append(sender)
    return senders


@DIRECTIONS
@DATAGRAMS
def test_datagram_ping_pong(background, tmp_path, transport, client_mod, server_mod):
    datagrams = [os.urandom(size) for size in (1, 100, 1500, 8192, 60000)]
    server, address = endpoint(server_mod, transport, tmp_path)
    client, _ = endpoint(client_mod, transport, tmp_path)
    with server, client:
        server.bind(address)
        client.bind(address)
        echo = background(echo_datagrams, server, len(datagrams))
        for datagram in datagrams:
            assert client.sendto(datagram, server.getsockname()) == len(datagram)
            answer, sender = client.recvfrom(1 << 16)
            assert answer == datagram
            assert sender == server.getsockname()
        assert echo.result() == [client.getsockname()] * len(datagrams)


# -- one descriptor, wrapped by the other module -----------------------------------


def tcp_pair(mod, stack):
    server = stack.enter_context(mod.create_server(("127.0.0.1", 0)))
    client = stack.enter_context(mod.create_connection(server.getsockname(), timeout=10))
    accepted, _ = server.accept()
    stack.enter_context(accepted)
    accepted.settimeout(10)
    return client, accepted


def unix_socketpair(mod, stack):
    first, second = mod.socketpair()
    stack.enter_context(first)
    stack.enter_context(second)
    second.settimeout(10)
    return first, second


@pytest.mark.parametrize("make_pair", [tcp_pair, unix_socketpair],
                         ids=lambda make: make.__name__)
@pytest.mark.parametrize("from_mod, to_mod", [
    pytest.param(cffisock, stdlib_socket, id="cffisock-to-stdlib"),
    pytest.param(stdlib_socket, cffisock, id="stdlib-to-cffisock"),
])
def test_detached_descriptor_keeps_working_in_the_other_module(make_pair, from_mod, to_mod):
    with contextlib.ExitStack() as stack:
        original, peer = make_pair(from_mod, stack)
        family, kind = int(original.family), int(original.type)
        local, remote = original.getsockname(), original.getpeername()
        fd = original.detach()
        assert original.fileno() == -1
        adopted = stack.enter_context(to_mod.socket(fileno=fd))
        adopted.settimeout(10)
        assert adopted.fileno() == fd
        assert (int(adopted.family), int(adopted.type)) == (family, kind)
        assert (adopted.getsockname(), adopted.getpeername()) == (local, remote)
        adopted.sendall(b"adopted says hi")
        assert recv_exactly(peer, 15) == b"adopted says hi"
        peer.sendall(b"peer answers")
        assert recv_exactly(adopted, 12) == b"peer answers"
    assert original.fileno() == -1
