"""SSLObject over memory BIOs: a handshake with the stdlib driven by hand,
writes of nothing (on memory BIOs and on sockets: 0, like the stdlib), and
close_notify both ways.  Everything runs in memory or on 127.0.0.1.
"""

import contextlib
import platform
import ssl as stdlib_ssl
import sys

import pytest

from cffisock import tls
from support.comparison import stands_for
from support.loopback import recv_exactly
from support.tls import (
    SIDES,
    SOCKET_MODULES,
    SSL_MODULES,
    ThreadedServer,
    client_context,
    default_client_context,
    server_context,
)


def test_memory_bios_drive_a_handshake_with_the_stdlib(ca, server_cert):
    stdlib_context = server_context("stdlib", server_cert)
    client_in, client_out = tls.MemoryBIO(), tls.MemoryBIO()
    server_in, server_out = stdlib_ssl.MemoryBIO(), stdlib_ssl.MemoryBIO()
    client = default_client_context(ca).wrap_bio(client_in, client_out,
                                                 server_hostname="localhost")
    server = stdlib_context.wrap_bio(server_in, server_out, server_side=True)
    done = [False, False]
    for _ in range(20):
        for index, (side, incoming, outgoing, peer_in) in enumerate([
                (client, client_in, client_out, server_in),
                (server, server_in, server_out, client_in)]):
            if not done[index]:
                try:
                    side.do_handshake()
                    done[index] = True
                except (tls.SSLWantReadError, stdlib_ssl.SSLWantReadError):
                    pass
            peer_in.write(outgoing.read())
        if all(done):
            break
    assert all(done)
    client.write(b"over memory")
    server_in.write(client_out.read())
    assert server.read(100) == b"over memory"


# ---------------------------------------------------------------- memory BIO pairs


def memory_pair(side, ca, server_cert):
    """A client and a server SSLObject of ``side`` over MemoryBIOs, a
    function that moves the records each wrote to the other, and one that
    drives both through the handshake."""
    ssl_module = SSL_MODULES[side]
    client_in, client_out, server_in, server_out = (ssl_module.MemoryBIO() for _ in range(4))
    client = client_context(side, ca).wrap_bio(client_in, client_out, server_hostname="localhost")
    server = server_context(side, server_cert).wrap_bio(server_in, server_out, server_side=True)

    def deliver():
        server_in.write(client_out.read())
        client_in.write(server_out.read())

    def shake_hands():
        for _ in range(4):  # TLS 1.3 needs two round trips
            for connection in (client, server):
                with contextlib.suppress(ssl_module.SSLWantReadError):
                    connection.do_handshake()
            deliver()
        assert client.version() is not None and server.version() is not None

    return client, server, deliver, shake_hands


# ---------------------------------------------------------------- writes of nothing
# A write of 0 bytes succeeds with 0 once the handshake is done, whatever
# the write before it ended in.  Both tests first make a write end in
# SSLWantReadError: the empty write must not take that stale outcome for its
# own, neither raising it (memory BIOs) nor waiting for it until the timeout
# (sockets; forever without one).

EMPTY_WRITE_SIDES = [
    pytest.param("stdlib", marks=pytest.mark.skipif(
        platform.python_implementation() == "PyPy" or sys.version_info < (3, 10),
        reason="this stdlib's ssl (PyPy's, CPython 3.9's) calls SSL_write, which refuses "
               "0 bytes (SSLEOFError); CPython 3.10+, the reference, calls SSL_write_ex "
               "and returns 0")),
    "cffisock",
]


@pytest.mark.parametrize("side", EMPTY_WRITE_SIDES)
def test_a_write_of_nothing_over_memory_bios_returns_0(ca, server_cert, side):
    client, server, deliver, shake_hands = memory_pair(side, ca, server_cert)
    with pytest.raises(SSL_MODULES[side].SSLWantReadError):
        client.write(b"early")  # starts the handshake
    shake_hands()
    assert client.write(b"") == 0
    assert client.write(b"late") == 4
    deliver()
    assert server.read(10) == b"late"


@pytest.mark.parametrize("side", EMPTY_WRITE_SIDES)
def test_a_send_of_nothing_on_a_socket_returns_0(ca, server_cert, released, side):
    context = server_context("stdlib", server_cert)

    def handshake_when_released(conn):
        released.wait(10)
        with context.wrap_socket(conn, server_side=True) as tls_conn:
            return recv_exactly(tls_conn, 5)

    with ThreadedServer(handshake_when_released) as server:
        raw = SOCKET_MODULES[side].create_connection(server.address, timeout=10)
        with client_context(side, ca).wrap_socket(raw, server_hostname="localhost",
                                                  do_handshake_on_connect=False) as sock:
            sock.setblocking(False)
            with pytest.raises(SSL_MODULES[side].SSLWantReadError):
                sock.send(b"x")  # sends the hello; the server does not answer yet
            released.set()
            sock.settimeout(2)
            sock.do_handshake()
            assert sock.send(b"") == 0
            assert sock.write(b"") == 0
            sock.sendall(b"after")
    assert server.outcomes == [("returned", b"after")]


# ---------------------------------------------------------------- closing over memory BIOs


@pytest.mark.parametrize("side", SIDES)
def test_close_notify_both_ways_over_memory_bios_like_the_stdlib(ca, server_cert, side):
    """As CPython's _ssl: unwrap() sends close_notify and raises
    SSLWantReadError until the peer's has come; a read after the peer's
    alone ends the stream (b'' and 0), after both raises SSLZeroReturnError."""
    client, server, deliver, shake_hands = memory_pair(side, ca, server_cert)
    shake_hands()
    steps = []

    def step(name, call):
        try:
            steps.append((name, "returned", call()))
        except Exception as exc:  # the outcome under test
            steps.append((name, "raised", stands_for(type(exc)).__name__))

    step("server unwrap first", server.unwrap)
    deliver()
    step("client read", lambda: client.read(10))
    step("client read into", lambda: client.read(10, bytearray(10)))
    step("client unwrap", client.unwrap)
    deliver()
    step("client read after both", lambda: client.read(10))
    step("client read into after both", lambda: client.read(10, bytearray(10)))
    step("server unwrap again", server.unwrap)
    step("server read after both", lambda: server.read(10))
    assert steps == [
        ("server unwrap first", "raised", "SSLWantReadError"),
        ("client read", "returned", b""),
        ("client read into", "returned", 0),
        ("client unwrap", "returned", None),
        ("client read after both", "raised", "SSLZeroReturnError"),
        ("client read into after both", "raised", "SSLZeroReturnError"),
        ("server unwrap again", "returned", None),
        ("server read after both", "raised", "SSLZeroReturnError"),
    ]
