"""Signals: a storm of SIGALRM (setitimer, every millisecond) while the main
thread is blocked in send, recv, sendall, accept, connect, poll (the waits
of sockets with a timeout, recvmmsg's fill window) and TLS reads and
writes.

PEP 475: a call interrupted by a signal runs the Python handlers and goes
on, so no byte is lost or repeated (every transfer is checked byte for
byte); a timeout still ends at the call's deadline, not later; and an
exception raised by a handler ends the call with that exception.  Python
runs handlers in the main thread only, so the calls under test run there;
every peer is a thread that blocks SIGALRM (``quiet``), and uses the stdlib
where the peer is not TLS.
"""

import contextlib
import select
import socket as stdlib_socket
import struct
import threading
import time

import pytest

import cffisock
from support.concurrency import Interrupted
from support.loopback import recv_exactly
from support.stress import (
    MIB,
    pattern,
    quiet,
    report,
    rounds,
    scaled,
    signal_storm,
    tls_contexts,
    tls_pair,
)

pytestmark = pytest.mark.stress

TRANSFER = scaled(64 * MIB, 16 * MIB)  # at least ~100 ms of signals
CONNECTIONS = scaled(200, 20)
DATAGRAMS = scaled(20_000, 1024)
MODES = pytest.mark.parametrize("timeout", [None, 30.0], ids=["blocking", "timeout"])

#: A timeout under the storm ends within this much of its deadline (the
#: machine may be loaded; a timeout restarted by each signal never ends).
LATE = 0.4


@pytest.fixture(scope="module")
def payload():
    """The bytes each transfer carries (64 MiB, pseudo-random)."""
    return pattern(TRANSFER, "signals")


def connected_to_stdlib():
    """``(ours, peer)``: a cffisock socket connected to a stdlib one."""
    with stdlib_socket.create_server(("127.0.0.1", 0)) as listener:
        ours = cffisock.create_connection(listener.getsockname(), timeout=30)
        peer, _ = listener.accept()
    peer.settimeout(30)
    return ours, peer


def send_slowly(sock, data, piece=1 << 16):
    """Peer body: send ``data`` in 64 KiB pieces, pausing 0.5 ms after
    each, so that the receiver mostly waits (and signals interrupt it)."""
    for start in range(0, len(data), piece):
        sock.sendall(data[start:start + piece])
        time.sleep(0.0005)


def read_slowly(sock, size):
    """Peer body: receive ``size`` bytes in pieces of up to 64 KiB, pausing
    0.5 ms after each, so that the sender mostly waits."""
    chunks, received = [], 0
    for _ in range(size):
        if received >= size:
            break
        chunk = sock.recv(min(1 << 16, size - received))
        if not chunk:
            break
        chunks.append(chunk)
        received += len(chunk)
        time.sleep(0.0005)
    return b"".join(chunks)


def receive_into(sock, size):
    """Receive exactly ``size`` bytes with recv_into; return them."""
    received = bytearray(size)
    view = memoryview(received)
    total = 0
    for _ in rounds(size, 120, "receives"):
        if total == size:
            break
        count = sock.recv_into(view[total:], min(size - total, 1 << 16))
        assert count, "the peer closed after %d of %d bytes" % (total, size)
        total += count
    return bytes(received)


# ---------------------------------------------------------------- transfers


@MODES
def test_recv_under_a_signal_storm(background, payload, timeout):
    """64 MiB arrive intact through recv_into while SIGALRM comes every
    millisecond."""
    ours, peer = connected_to_stdlib()
    with ours, peer:
        ours.settimeout(timeout)
        sender = background(quiet(send_slowly), peer, payload)
        with signal_storm() as delivered:
            started = time.monotonic()
            received = receive_into(ours, len(payload))
            elapsed = time.monotonic() - started
        sender.result(timeout=30)
    report("recv under signals (%s)" % ("blocking" if timeout is None else "timeout"),
           mib=TRANSFER // MIB, signals=len(delivered), seconds=round(elapsed, 2))
    assert received == payload
    assert len(delivered) >= 10


@MODES
@pytest.mark.parametrize("how", ["sendall", "send"])
def test_sending_under_a_signal_storm(background, payload, how, timeout):
    """64 MiB leave intact through sendall, or a loop of send() calls that
    go on from the count each returns, while SIGALRM comes every
    millisecond; the stdlib peer reads slowly, so the sends wait."""
    ours, peer = connected_to_stdlib()
    with ours, peer:
        ours.settimeout(timeout)
        reader = background(quiet(read_slowly), peer, len(payload))
        with signal_storm() as delivered:
            started = time.monotonic()
            if how == "sendall":
                ours.sendall(payload)
            else:
                view, sent = memoryview(payload), 0
                for _ in rounds(len(payload), 120, "sends"):
                    if sent == len(payload):
                        break
                    sent += ours.send(view[sent:])
            elapsed = time.monotonic() - started
        received = reader.result(timeout=60)
    report("%s under signals (%s)" % (how, "blocking" if timeout is None else "timeout"),
           mib=TRANSFER // MIB, signals=len(delivered), seconds=round(elapsed, 2))
    assert received == payload
    assert len(delivered) >= 10


@MODES
@pytest.mark.parametrize("direction", ["read", "write"])
def test_tls_under_a_signal_storm(ca, server_cert, background, payload, direction, timeout):
    """64 MiB through a cffisock.tls connection, read or written by the main
    thread while SIGALRM comes every millisecond (the peer, a cffisock.tls
    server in a quiet thread, writes or reads)."""
    client, server = tls_pair(tls_contexts(ca, server_cert), timeout=30)
    with client, server:
        client.settimeout(timeout)
        if direction == "read":
            peer = background(quiet(send_slowly), server, payload)
        else:
            peer = background(quiet(read_slowly), server, len(payload))
        with signal_storm() as delivered:
            started = time.monotonic()
            if direction == "read":
                received = receive_into(client, len(payload))
            else:
                client.sendall(payload)
            elapsed = time.monotonic() - started
        if direction == "write":
            received = peer.result(timeout=60)
        else:
            peer.result(timeout=60)
    report("TLS %s under signals (%s)" % (direction, "blocking" if timeout is None else "timeout"),
           mib=TRANSFER // MIB, signals=len(delivered), seconds=round(elapsed, 2))
    assert received == payload
    assert len(delivered) >= 10


# ---------------------------------------------------------------- accept, connect, poll


@MODES
def test_accept_under_a_signal_storm(background, timeout):
    """200 connections, 1 ms apart, are each accepted once while SIGALRM
    comes every millisecond; each sends its number."""
    def connect_all(address):
        for number in range(CONNECTIONS):
            with stdlib_socket.create_connection(address, timeout=30) as sock:
                sock.sendall(struct.pack("!I", number))
            time.sleep(0.001)

    numbers = []
    with cffisock.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(timeout)
        peer = background(quiet(connect_all), listener.getsockname())
        with signal_storm() as delivered:
            for _ in rounds(CONNECTIONS, 60, "accepts"):
                accepted, _ = listener.accept()
                with accepted:
                    accepted.settimeout(30)
                    numbers.append(struct.unpack("!I", recv_exactly(accepted, 4))[0])
        peer.result(timeout=30)
    report("accept under signals (%s)" % ("blocking" if timeout is None else "timeout"),
           connections=CONNECTIONS, signals=len(delivered))
    assert numbers == list(range(CONNECTIONS))


@contextlib.contextmanager
def full_accept_queue():
    """A cffisock listener with backlog 0 and its one queued connection:
    the kernel drops the SYN of any further connect, which then waits until
    the queue has room and its SYN is sent again (about 1 s later).  Skips
    where the kernel completes such connects anyway."""
    with contextlib.ExitStack() as stack:
        listener = stack.enter_context(cffisock.socket())
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        for _ in range(8):
            queued = stack.enter_context(stdlib_socket.socket())
            queued.setblocking(False)
            queued.connect_ex(listener.getsockname())
            if not select.select([], [queued], [], 0.2)[1]:
                queued.close()  # held back: the queue is full now
                yield listener
                return
        pytest.skip("this kernel completes connects to a listener whose accept "
                    "queue is full, so connect never waits here")


@MODES
def test_connect_under_a_signal_storm(background, timeout):
    """A connect that waits (the listener's accept queue is full until a
    quiet thread starts accepting, 0.1 s later) completes while SIGALRM
    comes every millisecond, and the connection carries data."""
    with full_accept_queue() as listener, cffisock.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        ours = sock.getsockname()

        def greet_ours():
            time.sleep(0.1)
            listener.settimeout(10)
            for _ in range(16):
                conn, address = listener.accept()
                with conn:
                    if address == ours:
                        conn.sendall(b"hello")
                        return
            raise AssertionError("the connection under test never arrived")

        peer = background(quiet(greet_ours))
        sock.settimeout(timeout)
        with signal_storm() as delivered:
            started = time.monotonic()
            sock.connect(listener.getsockname())
            elapsed = time.monotonic() - started
        peer.result(timeout=10)
        sock.settimeout(10)
        assert recv_exactly(sock, 5) == b"hello"
    report("connect under signals (%s)" % ("blocking" if timeout is None else "timeout"),
           signals=len(delivered), seconds=round(elapsed, 2))
    assert len(delivered) >= 10


def test_datagrams_under_a_signal_storm(background):
    """20,000 datagrams received with recvmmsg(64, 2048, timeout=0.005) (a
    wait for the first, then poll for 5 ms more) while SIGALRM comes every
    millisecond: each arrives once, in order.  The quiet sender waits for
    each batch of 64 to be received, so that none overflows the receive
    buffer (some 200 small datagrams by default)."""
    batch = 64
    received_batch = threading.Semaphore(0)
    with cffisock.socket(cffisock.AF_INET, cffisock.SOCK_DGRAM) as ours:
        ours.bind(("127.0.0.1", 0))
        ours.settimeout(30)

        def send_batches(address):
            with stdlib_socket.socket(stdlib_socket.AF_INET, stdlib_socket.SOCK_DGRAM) as sock:
                for start in range(0, DATAGRAMS, batch):
                    for number in range(start, min(start + batch, DATAGRAMS)):
                        sock.sendto(struct.pack("!I", number) * 16, address)
                    assert received_batch.acquire(timeout=30)

        sender = background(quiet(send_batches), ours.getsockname())
        numbers = []
        with signal_storm() as delivered:
            for _ in rounds(DATAGRAMS, 120, "recvmmsg calls"):
                if len(numbers) == DATAGRAMS:
                    break
                for data, _ in ours.recvmmsg(64, 2048, timeout=0.005):
                    assert data == data[:4] * 16
                    numbers.append(struct.unpack("!I", data[:4])[0])
                    if len(numbers) % batch == 0 or len(numbers) == DATAGRAMS:
                        received_batch.release()
        sender.result(timeout=30)
    report("recvmmsg under signals", datagrams=DATAGRAMS, signals=len(delivered))
    assert numbers == list(range(DATAGRAMS))


# ---------------------------------------------------------------- timeouts and exceptions


class Idle:
    """A call on a socket with nothing to do, so it waits: ``call`` and
    ``close()``."""

    def __init__(self, kind, contexts, stack):
        if kind in ("recv", "sendall", "tls recv", "tls sendall"):
            ours, peer = (tls_pair(contexts, timeout=30) if kind.startswith("tls")
                          else connected_to_stdlib())
            stack.enter_context(ours)
            stack.enter_context(peer)
            self.sock = ours
            flood = b"x" * (64 * MIB)  # more than the socket buffers take
            self.call = ((lambda: ours.recv(100)) if kind.endswith("recv")
                         else (lambda: ours.sendall(flood)))
        elif kind == "accept":
            self.sock = stack.enter_context(cffisock.create_server(("127.0.0.1", 0)))
            self.call = self.sock.accept
        elif kind == "connect":
            listener = stack.enter_context(full_accept_queue())
            self.sock = stack.enter_context(cffisock.socket())
            self.call = lambda: self.sock.connect(listener.getsockname())
        else:  # "recvmmsg"
            self.sock = stack.enter_context(
                cffisock.socket(cffisock.AF_INET, cffisock.SOCK_DGRAM))
            self.sock.bind(("127.0.0.1", 0))
            self.call = lambda: self.sock.recvmmsg(8, 100)


IDLE_KINDS = ["recv", "sendall", "accept", "connect", "recvmmsg", "tls recv", "tls sendall"]


@pytest.mark.parametrize("kind", IDLE_KINDS)
def test_a_timeout_keeps_its_deadline_under_a_signal_storm(ca, server_cert, kind):
    """A call with a 0.5 s timeout and nothing to do times out between 0.5
    and 0.9 s while SIGALRM comes every millisecond: each signal's retry
    waits only for what is left of the one deadline."""
    with contextlib.ExitStack() as stack:
        idle = Idle(kind, tls_contexts(ca, server_cert), stack)
        idle.sock.settimeout(0.5)
        with signal_storm() as delivered:
            started = time.monotonic()
            with pytest.raises(cffisock.timeout):
                idle.call()
            elapsed = time.monotonic() - started
    report("%s timeout under signals" % kind, timeout=0.5, seconds=round(elapsed, 3),
           signals=len(delivered))
    assert 0.5 <= elapsed <= 0.5 + LATE
    assert len(delivered) >= 100


@pytest.mark.parametrize("kind", IDLE_KINDS)
def test_a_handler_exception_ends_a_blocked_call(ca, server_cert, kind):
    """A blocking call with nothing to do while SIGALRM comes every
    millisecond: when the 50th signal's handler raises, the call ends with
    that exception (within 2 s), as the stdlib's calls do (PEP 475)."""
    with contextlib.ExitStack() as stack:
        idle = Idle(kind, tls_contexts(ca, server_cert), stack)
        idle.sock.settimeout(None)
        with signal_storm(raise_at=50) as delivered:
            started = time.monotonic()
            with pytest.raises(Interrupted):
                idle.call()
            elapsed = time.monotonic() - started
    report("%s interrupted by a handler" % kind, seconds=round(elapsed, 3),
           signals=len(delivered))
    assert elapsed < 2
