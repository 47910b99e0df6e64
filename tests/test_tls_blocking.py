"""TLS sockets and time: a timeout bounds each operation (one deadline per
call, which a trickling peer does not extend), a blocking socket waits
instead of raising want errors, and a non-blocking one raises them with the
stdlib's attributes and can be driven by select or poll.  Where the stdlib
has the same behaviour, the same scenario runs against it and the two must
agree.  Everything is on 127.0.0.1.
"""

import select
import ssl as stdlib_ssl
import time

import pytest

import cffisock
from cffisock import tls
from support.loopback import recv_exactly
from support.tls import (
    SIDES,
    SOCKET_MODULES,
    SOCKET_TIMEOUTS,
    SSL_MODULES,
    ThreadedServer,
    bio_handshake,
    client_context,
    connect,
    connect_cffisock,
    default_client_context,
    echo,
    read_until_eof,
    recv_record,
    server_context,
)


TIMEOUT = 0.3


def seconds(call, *args):
    """How long ``call(*args)`` took, and the socket timeout it raised
    (None if it returned)."""
    start = time.monotonic()
    try:
        call(*args)
    except SOCKET_TIMEOUTS as exc:
        return time.monotonic() - start, exc
    return time.monotonic() - start, None


# ---------------------------------------------------------------- timeouts


def timed_handshake(side, context, address):
    """Connect, then time a handshake under TIMEOUT (it must time out)."""
    raw = SOCKET_MODULES[side].create_connection(address, timeout=10)
    raw.settimeout(TIMEOUT)
    try:
        return seconds(lambda: context.wrap_socket(raw, server_hostname="localhost"))
    finally:
        raw.close()


def send_until_blocked(sock):
    chunk = b"w" * 65536
    for _ in range(10000):  # far more than any socket buffer holds
        elapsed, exc = seconds(sock.send, chunk)
        if exc is not None:
            return elapsed, exc
    raise AssertionError("send() never blocked against a peer that does not read")


# After the handshake, against a TLS peer that has gone quiet: each
# operation and how to time it.
QUIET_PEER_OPERATIONS = {
    "read": lambda sock: seconds(sock.recv, 10),
    "write": send_until_blocked,
    "sendall": lambda sock: seconds(sock.sendall, bytes(64 << 20)),
    "unwrap": lambda sock: seconds(sock.unwrap),  # no close_notify comes back
}


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("operation", ["handshake", *QUIET_PEER_OPERATIONS])
def test_the_timeout_bounds_each_operation(ca, server_cert, released, operation, side):
    context = client_context(side, ca)
    if operation == "handshake":
        # A TCP server that never speaks TLS.
        with ThreadedServer(read_until_eof) as server:
            elapsed, exc = timed_handshake(side, context, server.address)
    else:
        quiet = server_context("stdlib", server_cert)
        with ThreadedServer(lambda conn: released.wait(10), quiet) as server:
            with connect(side, context, server.address) as sock:
                sock.settimeout(TIMEOUT)
                elapsed, exc = QUIET_PEER_OPERATIONS[operation](sock)
            released.set()
    assert isinstance(exc, SOCKET_MODULES[side].timeout)
    assert TIMEOUT - 0.05 <= elapsed <= 2.0


def steady_reader(released):
    """Read 64 KiB every 10 ms for up to 8 s, then stop reading until
    released: a peer that keeps making progress."""
    def handler(conn):
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and recv_exactly(conn, 65536):
            time.sleep(0.01)
        released.wait(10)
    return handler


def test_sendall_has_one_deadline_for_the_whole_call(ca, server_cert, released):
    timeout = 1.0
    with ThreadedServer(steady_reader(released), server_context("stdlib", server_cert),
                        timeout=20) as server:
        with connect("cffisock", client_context("cffisock", ca), server.address) as sock:
            sock.settimeout(timeout)
            # The reader frees room often: each send() waits far less than
            # the timeout, so a timeout per wait would never expire...
            end = time.monotonic() + 0.75
            longest = 0.0
            while time.monotonic() < end:
                elapsed, exc = seconds(sock.send, bytes(1 << 20))
                assert exc is None
                longest = max(longest, elapsed)
            assert longest < timeout / 2
            # ...but the whole sendall (64 MiB would take 10 s) has one deadline.
            elapsed, exc = seconds(sock.sendall, bytes(64 << 20))
        released.set()
    assert isinstance(exc, cffisock.timeout)
    assert timeout - 0.05 <= elapsed <= timeout + 1.5


def trickle(conn, data, seconds_between=0.05, give_up_after=5):
    """Send ``data`` one byte at a time until done, the client leaves or
    ``give_up_after`` seconds pass."""
    deadline = time.monotonic() + give_up_after
    for index in range(len(data)):
        if time.monotonic() > deadline:
            return
        try:
            conn.sendall(data[index:index + 1])
        except OSError:
            return  # the client gave up and closed
        time.sleep(seconds_between)


def trickle_first_flight(context):
    """A server whose ServerHello flight comes one byte every 50 ms."""
    def handler(conn):
        incoming, outgoing = stdlib_ssl.MemoryBIO(), stdlib_ssl.MemoryBIO()
        server = context.wrap_bio(incoming, outgoing, server_side=True)
        incoming.write(recv_record(conn))
        with pytest.raises(stdlib_ssl.SSLWantReadError):
            server.do_handshake()
        trickle(conn, outgoing.read())
    return handler


def trickle_a_record(context):
    """A server that shakes hands, then sends a record one byte every 50 ms."""
    def handler(conn):
        server, outgoing = bio_handshake(conn, context)
        server.write(b"slow" * 250)
        trickle(conn, outgoing.read())
    return handler


@pytest.mark.parametrize("phase, make_handler, call", [
    ("handshake", trickle_first_flight, None),
    ("read", trickle_a_record, lambda sock: seconds(sock.recv, 4096)),
], ids=["handshake", "read"])
def test_a_trickling_peer_does_not_extend_the_deadline(ca, server_cert, phase,
                                                       make_handler, call):
    handler = make_handler(server_context("stdlib", server_cert))
    context = client_context("cffisock", ca)
    with ThreadedServer(handler) as server:
        if call is None:
            elapsed, exc = timed_handshake("cffisock", context, server.address)
        else:
            with connect("cffisock", context, server.address) as sock:
                sock.settimeout(TIMEOUT)
                elapsed, exc = call(sock)
    assert isinstance(exc, cffisock.timeout)
    assert TIMEOUT - 0.05 <= elapsed <= 2.0


# ---------------------------------------------------------------- blocking and non-blocking


def after_a_pause(context, handler):
    """A raw TCP server's handler: wait 0.2 s, then shake hands with
    ``context`` and run ``handler`` on the TLS connection."""
    def delayed(conn):
        time.sleep(0.2)
        with context.wrap_socket(conn, server_side=True) as tls_conn:
            return handler(tls_conn)
    return delayed


def speak_late(conn):
    time.sleep(0.2)
    conn.sendall(b"late")
    return recv_exactly(conn, 4)


@pytest.mark.parametrize("timeout", [None, 5.0], ids=["blocking", "timeout"])
def test_a_blocking_socket_waits_instead_of_raising_want_errors(ca, server_cert, timeout):
    context = client_context("cffisock", ca)
    with ThreadedServer(after_a_pause(server_context("stdlib", server_cert),
                                      speak_late)) as server:
        raw = cffisock.create_connection(server.address, timeout=10)
        raw.settimeout(timeout)
        with context.wrap_socket(raw, server_hostname="localhost") as sock:
            assert sock.gettimeout() == timeout
            assert sock.recv(4) == b"late"
            sock.sendall(b"back")
    assert server.result() == b"back"


def wait_with_select(sock, for_writing):
    readable, writable, _ = select.select([] if for_writing else [sock],
                                          [sock] if for_writing else [], [], 5)
    assert readable or writable, "select timed out"


def wait_with_poll(sock, for_writing):
    poller = select.poll()
    poller.register(sock.fileno(), select.POLLOUT if for_writing else select.POLLIN)
    assert poller.poll(5000), "poll timed out"


def drive(side, step, wait, sock, max_steps=200):
    """Call ``step()`` until it stops raising SSLWant*; return the list of
    wants seen."""
    module = SSL_MODULES[side]
    wants = []
    for _ in range(max_steps):
        try:
            return wants, step()
        except module.SSLWantReadError:
            wants.append("read")
            wait(sock, False)
        except module.SSLWantWriteError:
            wants.append("write")
            wait(sock, True)
    raise AssertionError("no progress after %d steps" % max_steps)


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("wait", [wait_with_select, wait_with_poll], ids=["select", "poll"])
def test_nonblocking_handshake_and_echo_driven_by_the_select_module(
        ca, server_cert, side, wait):
    context = client_context(side, ca)
    # The pause makes the first do_handshake() find nothing to read.
    with ThreadedServer(after_a_pause(server_context("stdlib", server_cert), echo)) as server:
        raw = SOCKET_MODULES[side].create_connection(server.address, timeout=10)
        raw.setblocking(False)
        with context.wrap_socket(raw, server_hostname="localhost",
                                 do_handshake_on_connect=False) as sock:
            handshake_wants, _ = drive(side, sock.do_handshake, wait, sock)
            assert "read" in handshake_wants
            assert sock.version() is not None
            with pytest.raises(SSL_MODULES[side].SSLWantReadError):
                sock.recv(10)  # nothing sent yet: no data, no blocking
            drive(side, lambda: sock.send(b"nonblocking"), wait, sock)
            _, reply = drive(side, lambda: sock.recv(100), wait, sock)
    assert reply == b"nonblocking"


@pytest.mark.parametrize("side", SIDES)
def test_nonblocking_send_to_a_stalled_peer_wants_write(ca, server_cert, released, side):
    with ThreadedServer(lambda conn: released.wait(10),
                        server_context("stdlib", server_cert)) as server:
        with connect(side, client_context(side, ca), server.address) as sock:
            sock.setblocking(False)
            with pytest.raises(SSL_MODULES[side].SSLWantWriteError):
                for _ in range(10000):
                    sock.send(b"s" * 65536)
        released.set()


def test_timeout_bounds_a_tls_read(ca, echo_server):
    with connect_cffisock(default_client_context(ca), echo_server.address, "localhost") as sock:
        sock.settimeout(0.3)
        with pytest.raises(cffisock.timeout):
            sock.recv(10)


def test_nonblocking_socket_surfaces_want_read(ca, echo_server):
    with connect_cffisock(default_client_context(ca), echo_server.address, "localhost") as sock:
        sock.setblocking(False)
        with pytest.raises(stdlib_ssl.SSLWantReadError):
            sock.recv(10)


def test_want_errors_have_the_stdlib_attributes(ca, echo_server):
    with connect_cffisock(default_client_context(ca), echo_server.address, "localhost") as sock:
        sock.setblocking(False)
        with pytest.raises(tls.SSLWantReadError) as info:
            sock.recv(1)
    assert info.value.library is None and info.value.reason is None
