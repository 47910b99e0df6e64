"""Cases 1-3: stream sockets.

(1) send+recv of 64 bytes on a socketpair in one thread: the per-call
    overhead of the two calls (and, as an extra row, the same with a socket
    timeout, where CPython polls before every call).
(2) 64-byte ping-pong with a forked peer over AF_UNIX and over TCP loopback
    with TCP_NODELAY.  The peer is the C echo loop for every side, so only
    the parent's implementation differs.
(3) bulk transfer over AF_UNIX: a forked child sends with ``sendall`` of
    64 KiB or 256 KiB chunks, the parent receives with ``recv_into`` into a
    buffer of the chunk size; both ends are the implementation under test.
"""

import contextlib
import os
import socket as stdlib_socket
from functools import partial

import cffisock
from common import BYTES_PER_S, TIME, Case, Row, check, floor_loop, fork_peer, timed_loop

MESSAGE_SIZE = 64
BULK_CHUNKS = (64 << 10, 256 << 10)
MODULES = {"stdlib": stdlib_socket, "cffisock": cffisock}
#: Every side of a case with a C floor, and the module whose sockets it
#: uses (the floor works on the descriptors of stdlib sockets).
SIDES = [*MODULES.items(), ("C", stdlib_socket)]


# -- (1) same-thread send+recv --------------------------------------------------------


def send_recv(operations, send, recv, data, size):
    for _ in range(operations):
        send(data)
        recv(size)


@contextlib.contextmanager
def _send_recv_sides(plan, lib, ffi):
    operations = plan.operations(10000)
    data = b"x" * MESSAGE_SIZE
    sides = {}
    with contextlib.ExitStack() as stack:
        for timeout, suffix in ((None, ""), (5.0, " timeout")):
            for name, module in MODULES.items():
                a, b = _pair(stack, module)
                a.settimeout(timeout)
                b.settimeout(timeout)
                sides[name + suffix] = timed_loop(
                    send_recv, operations, a.send, b.recv, data, MESSAGE_SIZE)
        a, b = _pair(stack, stdlib_socket)
        sides["C"] = floor_loop(lib.floor_send_recv, operations, a.fileno(), b.fileno(),
                                ffi.new("char[]", data), MESSAGE_SIZE)
        yield sides


def _pair(stack, module):
    """A socketpair of ``module`` whose closing ``stack`` takes on."""
    return [stack.enter_context(end) for end in module.socketpair()]


SEND_RECV = Case(
    number=1,
    title="same-thread send+recv of 64 B on a socketpair",
    rows=[
        Row("(1) send+recv 64 B, socketpair", "cffisock", "stdlib", "C", TIME, "1"),
        Row("(1) same, socket timeout 5 s (extra)", "cffisock timeout",
            "stdlib timeout", "C", TIME),
    ],
    open=_send_recv_sides,
    details=lambda plan: "%d send+recv pairs per round" % plan.operations(10000),
    rounds=100,
    warmup=(3, 30),
    note=("One thread: `a.send(64 B)` then `b.recv(64)` on an AF_UNIX "
          "socketpair, blocking sockets.  The extra row gives both sockets a "
          "5 s timeout: CPython then polls before each call, cffisock calls "
          "first and polls only on EAGAIN."),
)


# -- (2) ping-pong with a forked C echo peer ------------------------------------------


def ping_pong(operations, sendall, recv_into, message, buffer):
    size = len(message)
    for _ in range(operations):
        sendall(message)
        received = recv_into(buffer)
        if received < size:
            _receive_rest(recv_into, buffer, received)
    if buffer != message:
        raise AssertionError("the echo peer sent back other bytes")


def _receive_rest(recv_into, buffer, received):
    """Fill the rest of ``buffer`` (a message that came in parts: rare)."""
    view = memoryview(buffer)
    while received < len(buffer):  # each pass takes at least one byte, or raises
        got = recv_into(view[received:])
        if not got:
            raise EOFError("the echo peer closed early")
        received += got


def echo_peer(lib, ffi, fd):
    """The peer's work: the C echo loop until end of file."""
    check(lib.floor_echo(fd, ffi.new("char[]", MESSAGE_SIZE), MESSAGE_SIZE), "floor_echo")


def connected(module, transport):
    """``(parent end, child end)`` of a connection made with ``module``:
    a socketpair, or TCP over 127.0.0.1 with TCP_NODELAY on both ends."""
    if transport == "AF_UNIX":
        return module.socketpair(module.AF_UNIX, module.SOCK_STREAM)
    with module.create_server(("127.0.0.1", 0)) as listener:
        client = module.create_connection(listener.getsockname())
        server, _ = listener.accept()
    for end in (client, server):
        end.setsockopt(module.IPPROTO_TCP, module.TCP_NODELAY, 1)
    return client, server


@contextlib.contextmanager
def _ping_pong_sides(plan, lib, ffi):
    operations = plan.operations(2000)
    message = b"p" * MESSAGE_SIZE
    sides = {}
    with contextlib.ExitStack() as stack:
        for transport in ("AF_UNIX", "TCP"):
            for name, module in SIDES:
                mine, theirs = connected(module, transport)
                fork_peer(stack, theirs, partial(echo_peer, lib, ffi, theirs.fileno()))
                stack.enter_context(mine)
                if name == "C":
                    sides[transport + " C"] = floor_loop(
                        lib.floor_ping, operations, mine.fileno(),
                        ffi.new("char[]", message), MESSAGE_SIZE)
                else:
                    sides["%s %s" % (transport, name)] = timed_loop(
                        ping_pong, operations, mine.sendall, mine.recv_into,
                        message, bytearray(MESSAGE_SIZE))
        yield sides


PING_PONG = Case(
    number=2,
    title="64 B ping-pong with another process",
    rows=[
        Row("(2) ping-pong 64 B, AF_UNIX", "AF_UNIX cffisock", "AF_UNIX stdlib",
            "AF_UNIX C", TIME, "2"),
        Row("(2) ping-pong 64 B, TCP loopback, TCP_NODELAY", "TCP cffisock",
            "TCP stdlib", "TCP C", TIME, "2"),
    ],
    open=_ping_pong_sides,
    details=lambda plan: "%d round trips per round" % plan.operations(2000),
    rounds=100,
    warmup=(3, 30),
    note=("The parent does `sendall(64 B)` then `recv_into` of the echo; "
          "the peer is a forked child running the same C echo loop for every "
          "side, so only the parent's implementation differs.  Time is per "
          "round trip."),
)


# -- (3) bulk over AF_UNIX ------------------------------------------------------------


def receive_total(total, go, recv_into, buffer):
    """A bulk round of the receiving side: ``go()``, then ``recv_into``
    until ``total`` bytes arrived."""
    go()
    received = 0
    while received < total:  # each pass takes at least one byte, or raises
        got = recv_into(buffer)
        if not got:
            raise EOFError("the sender closed early")
        received += got


def send_chunks(sendall, chunk, count):
    """A bulk round of the sending side: ``count`` times ``sendall(chunk)``."""
    for _ in range(count):
        sendall(chunk)


def serve_rounds(rounds, wait_go, send_round):
    """The sending child's loop: ``send_round()`` after each go message,
    until ``wait_go()`` returns something false (end of file), at most
    ``rounds`` times."""
    for _ in range(rounds):
        if not wait_go():
            return
        send_round()


def _floor_receive_total(total, go, lib, fd, buffer, chunk):
    go()
    check(lib.floor_recv_total(fd, buffer, chunk, total), "floor_recv_total")


def _floor_send_total(lib, fd, buffer, chunk, total):
    check(lib.floor_send_total(fd, buffer, chunk, total), "floor_send_total")


def bulk_per_round(plan, rounds, unit):
    """Bytes per measured round: the plan's volume over ``rounds``, a
    multiple of ``unit``."""
    return max(unit, plan.bulk_bytes // rounds // unit * unit)


def _bulk_total(plan):
    return bulk_per_round(plan, plan.measured_rounds(BULK.rounds), max(BULK_CHUNKS))


@contextlib.contextmanager
def _bulk_sides(plan, lib, ffi):
    total = _bulk_total(plan)
    child_rounds = plan.warmup_rounds(*BULK.warmup) + plan.measured_rounds(BULK.rounds)
    sides = {}
    with contextlib.ExitStack() as stack:
        for chunk in BULK_CHUNKS:
            for name, module in SIDES:
                mine, theirs = module.socketpair()
                go = partial(os.write, mine.fileno(), b"g")
                if name == "C":
                    send_round = partial(_floor_send_total, lib, theirs.fileno(),
                                         ffi.new("char[]", b"b" * chunk), chunk, total)
                    round_ = timed_loop(_floor_receive_total, total, go, lib,
                                        mine.fileno(), ffi.new("char[]", chunk), chunk)
                else:
                    send_round = partial(send_chunks, theirs.sendall, b"b" * chunk,
                                         total // chunk)
                    round_ = timed_loop(receive_total, total, go, mine.recv_into,
                                        bytearray(chunk))
                fork_peer(stack, theirs, partial(
                    serve_rounds, child_rounds, partial(os.read, theirs.fileno(), 1),
                    send_round))
                stack.enter_context(mine)
                sides["%d KiB %s" % (chunk >> 10, name)] = round_
        yield sides


BULK = Case(
    number=3,
    title="bulk transfer over AF_UNIX",
    rows=[
        Row("(3) bulk AF_UNIX, sendall/recv_into 64 KiB", "64 KiB cffisock",
            "64 KiB stdlib", "64 KiB C", BYTES_PER_S, "3"),
        Row("(3) bulk AF_UNIX, sendall/recv_into 256 KiB", "256 KiB cffisock",
            "256 KiB stdlib", "256 KiB C", BYTES_PER_S, "3"),
    ],
    open=_bulk_sides,
    details=lambda plan: "%d MiB per round" % (_bulk_total(plan) >> 20),
    rounds=32,
    warmup=(1, 4),
    note=("A forked child sends with `sendall(chunk)`, the parent "
          "receives with `recv_into` into a chunk-sized buffer; both ends "
          "use the implementation under test (the C floor: send(2)/recv(2) "
          "loops).  Each round starts with a one-byte go message from the "
          "parent."),
)

CASES = [SEND_RECV, PING_PONG, BULK]
