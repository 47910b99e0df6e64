"""How cffisock's TLS sockets behave at the edges: timeouts (one deadline
per call), blocking and non-blocking modes, partial writes, recv_into,
hostile or broken peers, and bad key and certificate files.  Where the
stdlib has the same behaviour, the same scenario runs against it and the
two must agree.  Everything is on 127.0.0.1.
"""

import contextlib
import hashlib
import os
import platform
import random
import select
import socket as stdlib_socket
import ssl as stdlib_ssl
import struct
import sys
import threading
import time

import pytest
import trustme
from cryptography.hazmat.primitives import serialization

import cffisock
from cffisock import tls
from support.comparison import outcome, stands_for
from support.loopback import recv_exactly
from support.tls import (
    SIDES,
    SOCKET_MODULES,
    SOCKET_TIMEOUTS,
    SSL_MODULES,
    ThreadedServer,
    client_context,
    connect,
    echo,
    read_until_eof,
    server_context,
    write_pem,
)

TIMEOUT = 0.3


@pytest.fixture
def released():
    """An Event a server handler waits on; set when the test ends."""
    event = threading.Event()
    yield event
    event.set()


def stdlib_maps_unexpected_eof():
    """True if this stdlib reports OpenSSL 3's "unexpected EOF" as
    SSLEOFError (CPython 3.10 on); older ones say SSLZeroReturnError."""
    context = stdlib_ssl.SSLContext(stdlib_ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = stdlib_ssl.CERT_NONE
    incoming, outgoing = stdlib_ssl.MemoryBIO(), stdlib_ssl.MemoryBIO()
    client = context.wrap_bio(incoming, outgoing)
    for _ in range(2):
        try:
            client.do_handshake()
        except stdlib_ssl.SSLWantReadError:
            incoming.write(b"\x16\x03\x03\x40\x00" + b"x" * 100)  # a truncated record
            incoming.write_eof()
        except stdlib_ssl.SSLEOFError:
            return True
        except stdlib_ssl.SSLError:
            return False
    return False


STDLIB_MAPS_UNEXPECTED_EOF = stdlib_maps_unexpected_eof()


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
# A write of 0 bytes succeeds with 0 once the handshake is done.  Both
# tests first make a write end in SSLWantReadError: cffisock once took that
# stale outcome for the empty write's and raised it (memory BIOs) or waited
# for it until the timeout (sockets; forever without one).

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


# ---------------------------------------------------------------- partial writes, recv_into

PARTIAL_TOTAL = 8 << 20


def slow_reader(conn):
    """Read PARTIAL_TOTAL bytes 1 KiB per call, pausing now and then;
    answer with their sha256 (hex)."""
    digest = hashlib.sha256()
    received = 0
    for count in range(PARTIAL_TOTAL):
        if received >= PARTIAL_TOTAL:
            break
        chunk = conn.recv(1024)
        if not chunk:
            break
        digest.update(chunk)
        received += len(chunk)
        if count % 256 == 0:
            time.sleep(0.001)
    conn.sendall(digest.hexdigest().encode("ascii"))
    read_until_eof(conn)
    return received


@pytest.mark.parametrize("timeout", [None, 20.0], ids=["blocking", "timeout"])
def test_sendall_survives_partial_writes(ca, server_cert, timeout):
    payload = os.urandom(PARTIAL_TOTAL)
    with ThreadedServer(slow_reader, server_context("stdlib", server_cert),
                        timeout=30) as server:
        with connect("cffisock", client_context("cffisock", ca), server.address) as sock:
            sock.settimeout(timeout)
            assert sock.sendall(payload) is None
            digest = recv_exactly(sock, 64)
    assert server.result() == PARTIAL_TOTAL
    assert digest == hashlib.sha256(payload).hexdigest().encode("ascii")


def send_then_wait(conn):
    conn.sendall(b"0123456789abcdef")
    return read_until_eof(conn)


def fill_buffers(sock):
    """recv_into a memoryview slice, then a bytearray with nbytes."""
    buffer = bytearray(b"." * 24)
    first = sock.recv_into(memoryview(buffer)[4:10])
    second = sock.recv_into(buffer, 3)
    return first, second, bytes(buffer)


@pytest.mark.parametrize("side", SIDES)
def test_recv_into_writes_into_the_callers_buffer(ca, server_cert, side):
    with ThreadedServer(send_then_wait, server_context("stdlib", server_cert)) as server:
        with connect(side, client_context(side, ca), server.address) as sock:
            result = fill_buffers(sock)
    assert result == (6, 3, b"678.012345" + b"." * 14)


def send_a_record_then_wait(conn):
    conn.sendall(bytes(range(48)))  # what the reads below take, in one record
    return read_until_eof(conn)


def read_with_every_length(sock):
    """Reads with lengths that are absent, zero, negative, too large or not
    integers, into a window of a guarded buffer; the guard bytes around the
    window show whether a read ever wrote past the buffer it was given."""
    backing = bytearray(b"#" * 30)
    window = memoryview(backing)[10:20]
    calls = [
        (sock.recv_into, window, 50), (sock.recv_into, window, -1),
        (sock.recv_into, window, 0), (sock.read, 4, window), (sock.read, -3, window),
        (sock.read, 0), (sock.recv, 0), (sock.read, -1), (sock.recv, -2),
        (sock.recv_into, window, "5"), (sock.recv_into, window, 2 ** 70),
        (sock.read, 3), (sock.recv, 1),
    ]
    results = [outcome(call, *args) for call, *args in calls]
    return results, bytes(backing)


RAISED = {name: ("raised", name, None)
          for name in ("ValueError", "TypeError", "OverflowError")}
#: What read_with_every_length gets from a peer that sent bytes(range(48)).
READS_OF_EVERY_LENGTH = (
    [("returned", 10), ("returned", 10), ("returned", 10), ("returned", 4),
     ("returned", 10), ("returned", b""), ("returned", b""), RAISED["ValueError"],
     RAISED["ValueError"], RAISED["TypeError"], RAISED["OverflowError"],
     ("returned", bytes(range(44, 47))), ("returned", bytes(range(47, 48)))],
    b"#" * 10 + bytes(range(34, 44)) + b"#" * 10,
)


def test_read_lengths_follow_the_stdlib_and_never_pass_the_buffer(ca, server_cert):
    """As CPython's _ssl: with a buffer, a length that is not positive or
    exceeds it means the whole buffer; without one, 0 reads nothing and a
    negative length is a ValueError.  (recv_into(buffer, 50) on a 10-byte
    buffer once asked OpenSSL for 50 bytes.)  PyPy's ssl is no reference:
    it clamps nbytes=2**70 to the buffer (and reads on), where CPython
    raises OverflowError."""
    sides = SIDES if platform.python_implementation() == "CPython" else ["cffisock"]
    results = {}
    for side in sides:
        with ThreadedServer(send_a_record_then_wait, server_context("stdlib", server_cert)) as server:
            with connect(side, client_context(side, ca), server.address) as sock:
                results[side] = read_with_every_length(sock)
    assert results["cffisock"] == READS_OF_EVERY_LENGTH
    assert results.get("stdlib", READS_OF_EVERY_LENGTH) == READS_OF_EVERY_LENGTH


# ---------------------------------------------------------------- broken peers

GARBAGE = random.Random(20240601).randbytes(1024)


def send_garbage(conn):
    conn.sendall(GARBAGE)
    read_until_eof(conn)


def truncated_record_header(conn):
    recv_record(conn)
    conn.sendall(b"\x16\x03\x03\x40\x00" + b"x" * 100)  # announces 16 KiB, sends 100 B
    conn.shutdown(stdlib_socket.SHUT_WR)
    read_until_eof(conn)


def close_after_client_hello(conn):
    recv_record(conn)  # then the server's close sends FIN


def reset_after_client_hello(conn):
    conn.recv(1)
    conn.setsockopt(stdlib_socket.SOL_SOCKET, stdlib_socket.SO_LINGER,
                    struct.pack("ii", 1, 0))  # the close sends RST


def reset_after_a_byte(conn):
    conn.recv(1)
    conn.setsockopt(stdlib_socket.SOL_SOCKET, stdlib_socket.SO_LINGER,
                    struct.pack("ii", 1, 0))  # the close sends RST


def truncated_application_record(context):
    def handler(conn):
        server, outgoing = bio_handshake(conn, context)
        server.write(b"cut short" * 100)
        record = outgoing.read()
        conn.sendall(record[:len(record) // 2])
        conn.shutdown(stdlib_socket.SHUT_WR)
        read_until_eof(conn)
    return handler


BROKEN_PEERS = {
    # name: (handler factory, suppress_ragged_eofs, what a current stdlib does)
    "garbage instead of a handshake": (lambda context: send_garbage, True, "SSLError"),
    "truncated record header": (lambda context: truncated_record_header, True, "SSLEOFError"),
    "FIN in mid-handshake": (lambda context: close_after_client_hello, True, "SSLEOFError"),
    "RST in mid-handshake": (lambda context: reset_after_client_hello, True,
                             "ConnectionResetError"),
    "truncated data record": (truncated_application_record, False, "SSLEOFError"),
    "truncated data record, ragged EOF suppressed": (truncated_application_record, True,
                                                    None),
}


def talk_to_broken_peer(side, ca, handler, suppress_ragged_eofs):
    context = client_context(side, ca)
    with ThreadedServer(handler) as server:
        def client():
            with connect(side, context, server.address,
                         suppress_ragged_eofs=suppress_ragged_eofs) as sock:
                return sock.recv(4096)
        start = time.monotonic()
        result = outcome(client)
        assert time.monotonic() - start < 5
    return result


@pytest.mark.parametrize("name", list(BROKEN_PEERS))
def test_a_broken_peer_fails_like_the_stdlib(ca, server_cert, fd_leak_check, name):
    make_handler, suppress_ragged_eofs, expected = BROKEN_PEERS[name]
    theirs, ours = [talk_to_broken_peer(side, ca,
                                        make_handler(server_context("stdlib", server_cert)),
                                        suppress_ragged_eofs)
                    for side in ("stdlib", "cffisock")]
    if expected is None:
        assert ours == theirs == ("returned", b"")
        return
    assert ours[:2] == ("raised", expected)
    if expected == "SSLEOFError":
        # Older stdlibs say SSLZeroReturnError here; OpenSSL's reason is
        # compared by the next test.
        if STDLIB_MAPS_UNEXPECTED_EOF:
            assert ours[1] == theirs[1]
    else:
        assert ours.failure == theirs.failure  # class and OpenSSL's reason


@pytest.mark.parametrize("suppress_ragged_eofs", [True, False])
def test_a_read_on_a_reset_connection_raises_connection_reset(ca, server_cert,
                                                              suppress_ragged_eofs):
    """SSL_read_ex fails with ECONNRESET after the handshake: CPython 3.13+
    raises ConnectionResetError, ragged EOFs suppressed or not (gh-115627;
    3.10-3.12 took it for an EOF in violation of the protocol); so does
    cffisock everywhere."""
    results = {}
    for side in SIDES:
        with ThreadedServer(reset_after_a_byte, server_context("stdlib", server_cert)) as server:
            with connect(side, client_context(side, ca), server.address,
                         suppress_ragged_eofs=suppress_ragged_eofs) as sock:
                sock.sendall(b"x")
                results[side] = outcome(sock.recv, 10)
    assert results["cffisock"][:2] == ("raised", "ConnectionResetError")
    assert results["cffisock"].failure == ("ConnectionResetError", None, None, None)
    if platform.python_implementation() == "CPython" and sys.version_info >= (3, 13):
        assert results["stdlib"].failure == results["cffisock"].failure


@pytest.mark.parametrize("name", [name for name, (_, _, expected) in BROKEN_PEERS.items()
                                  if expected == "SSLEOFError"])
def test_an_unexpected_eof_names_openssls_reason_like_the_stdlib(ca, server_cert, name):
    make_handler, suppress_ragged_eofs, _ = BROKEN_PEERS[name]
    handler = make_handler(server_context("stdlib", server_cert))
    context = client_context("cffisock", ca)
    with ThreadedServer(handler) as server:
        with pytest.raises(tls.SSLEOFError) as info:
            with connect("cffisock", context, server.address,
                         suppress_ragged_eofs=suppress_ragged_eofs) as sock:
                sock.recv(4096)
    # What CPython 3.10+ reports for OpenSSL 3's SSL_R_UNEXPECTED_EOF_WHILE_READING.
    assert (getattr(info.value, "library", None), getattr(info.value, "reason", None)) == \
        ("SSL", "UNEXPECTED_EOF_WHILE_READING")


# ---------------------------------------------------------------- key and certificate files

PASSWORD = "correct horse"


@pytest.fixture(scope="module")
def key_files(server_cert, tmp_path_factory):
    """Paths: the certificate, its key encrypted with PASSWORD, and files
    that are missing, malformed or hold a key of another certificate."""
    directory = tmp_path_factory.mktemp("keys")
    key = serialization.load_pem_private_key(server_cert.private_key_pem.bytes(), None)
    encrypted = directory / "encrypted.key"
    encrypted.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(PASSWORD.encode())))
    malformed = directory / "malformed.pem"
    malformed.write_text("-----BEGIN CERTIFICATE-----\nnot base64 at all!\n"
                         "-----END CERTIFICATE-----\n")
    other = trustme.CA().issue_cert("localhost")
    return {
        "cert": write_pem(directory, "cert.pem", *server_cert.cert_chain_pems),
        "encrypted key": str(encrypted),
        "key": write_pem(directory, "plain.key", server_cert.private_key_pem),
        "other key": write_pem(directory, "other.key", other.private_key_pem),
        "missing": str(directory / "missing.pem"),
        "malformed": str(malformed),
    }


def load_outcome(side, method, *args, **kwargs):
    """The stdlib class of what ``context.method(*args)`` raised, or
    "returned"."""
    module = SSL_MODULES[side]
    context = module.SSLContext(module.PROTOCOL_TLS_SERVER)
    try:
        getattr(context, method)(*args, **kwargs)
    except Exception as exc:
        return stands_for(type(exc)).__name__
    return "returned"


RIGHT_PASSWORDS = {
    "str": PASSWORD,
    "bytes": PASSWORD.encode(),
    "bytearray": bytearray(PASSWORD.encode()),
    "callable returning str": lambda: PASSWORD,
    "callable returning bytes": lambda: PASSWORD.encode(),
}


@pytest.mark.parametrize("password", list(RIGHT_PASSWORDS.values()), ids=list(RIGHT_PASSWORDS))
def test_the_right_password_in_every_form_decrypts_the_key(key_files, fd_leak_check,
                                                          password):
    for side in SIDES:
        assert load_outcome(side, "load_cert_chain", key_files["cert"],
                            key_files["encrypted key"], password) == "returned", side


@pytest.mark.parametrize("password", ["wrong", b"wrong", lambda: "wrong"],
                         ids=["str", "bytes", "callable"])
def test_a_wrong_password_is_an_ssl_error(key_files, fd_leak_check, password):
    results = [load_outcome(side, "load_cert_chain", key_files["cert"],
                            key_files["encrypted key"], password) for side in SIDES]
    assert results == ["SSLError", "SSLError"]
    context = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    with pytest.raises(tls.SSLError):
        context.load_cert_chain(key_files["cert"], key_files["encrypted key"], password)


BAD_FILES = [
    # (what, method, file names, keyword argument, a current stdlib's answer)
    ("missing certificate", "load_cert_chain", ["missing"], None, "FileNotFoundError"),
    ("missing key", "load_cert_chain", ["cert", "missing"], None, "FileNotFoundError"),
    ("missing CA file", "load_verify_locations", ["missing"], "cafile", "FileNotFoundError"),
    ("malformed certificate", "load_cert_chain", ["malformed"], None, "SSLError"),
    ("malformed key", "load_cert_chain", ["cert", "malformed"], None, "SSLError"),
    ("malformed CA file", "load_verify_locations", ["malformed"], "cafile", "SSLError"),
    ("key of another certificate", "load_cert_chain", ["cert", "other key"], None,
     "SSLError"),
]


@pytest.mark.parametrize("what, method, names, keyword, expected", BAD_FILES,
                         ids=[case[0] for case in BAD_FILES])
def test_bad_pem_files_fail_like_the_stdlib(key_files, fd_leak_check, what, method,
                                            names, keyword, expected):
    paths = [key_files[name] for name in names]
    arguments = ([], {keyword: paths[0]}) if keyword else (paths, {})
    results = [load_outcome(side, method, *arguments[0], **arguments[1]) for side in SIDES]
    assert results == [expected, expected]


def test_a_good_unencrypted_key_loads(key_files, fd_leak_check):
    assert [load_outcome(side, "load_cert_chain", key_files["cert"], key_files["key"])
            for side in SIDES] == ["returned", "returned"]


# ---------------------------------------------------------------- the spec's ssl()


def echo_for_a_client_certificate(conn):
    der = conn.getpeercert(binary_form=True)
    echo(conn)
    return der


def test_spec_ssl_presents_a_client_certificate(ca, server_cert, tmp_path, fd_leak_check):
    client_cert = ca.issue_cert("client.localhost")
    keyfile = write_pem(tmp_path, "client.key", client_cert.private_key_pem)
    certfile = write_pem(tmp_path, "client.pem", *client_cert.cert_chain_pems)
    demanding = server_context("stdlib", server_cert, client_ca=ca)
    with ThreadedServer(echo_for_a_client_certificate, demanding) as server:
        with cffisock.create_connection(server.address, timeout=10) as raw:
            with pytest.warns(DeprecationWarning):
                ssl_object = cffisock.ssl(raw, keyfile, certfile)
            assert ssl_object.write(b"spec ssl") == 8
            assert ssl_object.read(8) == b"spec ssl"
    expected = stdlib_ssl.PEM_cert_to_DER_cert(
        client_cert.cert_chain_pems[0].bytes().decode("ascii"))
    assert server.result() == expected
