"""Case 6: receiving 64-byte UDP datagrams, batched against one by one.

Each side has its own receiving socket on 127.0.0.1 (non-blocking, with a
receive buffer raised by SO_RCVBUFFORCE where allowed, else SO_RCVBUF).
Every round first fills it, untimed, with N datagrams from a connected
sender (the C floor's sendmmsg loop), then times receiving them all:
the stdlib's ``recvfrom(64)`` loop, cffisock's ``recvmmsg(64, 64)`` batches,
``recvmmsg_into`` with 64 preallocated 64-byte buffers, cffisock's own
``recvfrom`` loop, and the C floor (recvmmsg(2) batches of 64 with
addresses).  N is what the receive buffer holds without loss, checked once
before the rounds; a round that still comes up short (the socket empty
before N) is timed over what arrived and counted.
"""

import contextlib
import socket as stdlib_socket
import time
from functools import partial

import cffisock
from common import PACKETS_PER_S, Case, Row, check, own_code

SIZE = 64
BATCH = 64
RECEIVE_BUFFER = 64 << 20

#: Datagrams missing at the end of a round's receive, per side (reset when
#: the case opens; reported in the notes).
shortfalls = {}


def _recvfrom_loop(count, recvfrom):
    """Call ``recvfrom(64)`` ``count`` times or until the socket is empty;
    return how many datagrams arrived."""
    index = -1
    try:
        for index in range(count):
            recvfrom(SIZE)
    except BlockingIOError:
        return index
    return count


def _batches_loop(count, receive_batch):
    """Call ``receive_batch()`` (a recvmmsg or recvmmsg_into call, bound to
    its arguments) until ``count`` datagrams arrived."""
    received = 0
    try:
        while received < count:  # each pass takes at least one, or raises
            received += len(receive_batch())
    except BlockingIOError:
        pass
    return received


def _floor_loop(count, lib, fd, buffer):
    return check(lib.floor_recvmmsg(fd, buffer, SIZE, BATCH, count), "floor_recvmmsg")


def _receiver(stack, module, lib, ffi):
    """A non-blocking UDP socket of ``module`` on 127.0.0.1 with a large
    receive buffer, and ``fill(count)``, which sends it ``count``
    datagrams from a connected stdlib socket."""
    receiver = stack.enter_context(module.socket(module.AF_INET, module.SOCK_DGRAM))
    receiver.bind(("127.0.0.1", 0))
    receiver.setblocking(False)
    try:
        receiver.setsockopt(module.SOL_SOCKET, lib.SO_RCVBUFFORCE, RECEIVE_BUFFER)
    except PermissionError:  # without CAP_NET_ADMIN: up to net.core.rmem_max
        receiver.setsockopt(module.SOL_SOCKET, module.SO_RCVBUF, RECEIVE_BUFFER)
    sender = stack.enter_context(stdlib_socket.socket(stdlib_socket.AF_INET,
                                                      stdlib_socket.SOCK_DGRAM))
    sender.connect(receiver.getsockname())
    data = ffi.new("char[]", b"d" * SIZE)

    def fill(count):
        check(lib.floor_sendmmsg(sender.fileno(), data, SIZE, BATCH, count), "floor_sendmmsg")

    return receiver, fill


def _capacity(lib, ffi, wanted):
    """How many of ``wanted`` datagrams a receiver holds: all if none was
    lost, else 90 % of what arrived."""
    with contextlib.ExitStack() as stack:
        receiver, fill = _receiver(stack, stdlib_socket, lib, ffi)
        fill(wanted)
        arrived = _floor_loop(wanted, lib, receiver.fileno(),
                              ffi.new("char[]", SIZE * BATCH))
    return wanted if arrived == wanted else max(BATCH, arrived * 9 // 10)


def _round(name, count, fill, receive, *arguments):
    """A round: fill the receiver with ``count`` datagrams (untimed), time
    ``receive(count, *arguments)``; nanoseconds per datagram received."""
    receive = own_code(receive)
    clock = time.perf_counter_ns
    shortfalls[name] = 0

    def round_():
        fill(count)
        start = clock()
        received = receive(count, *arguments)
        elapsed = clock() - start
        shortfalls[name] += count - received
        return elapsed / max(received, 1)

    return round_


def per_round(plan):
    """Datagrams asked for per round (fewer if the receiver holds fewer)."""
    return plan.operations(10000)


@contextlib.contextmanager
def _sides(plan, lib, ffi):
    count = _capacity(lib, ffi, per_round(plan))
    shortfalls.clear()
    sides = {}
    with contextlib.ExitStack() as stack:
        receiver, fill = _receiver(stack, stdlib_socket, lib, ffi)
        sides["stdlib recvfrom"] = _round("stdlib recvfrom", count, fill, _recvfrom_loop,
                                          receiver.recvfrom)
        receiver, fill = _receiver(stack, cffisock, lib, ffi)
        sides["recvmmsg"] = _round("recvmmsg", count, fill, _batches_loop,
                                   partial(receiver.recvmmsg, BATCH, SIZE))
        receiver, fill = _receiver(stack, cffisock, lib, ffi)
        sides["recvmmsg_into"] = _round(
            "recvmmsg_into", count, fill, _batches_loop,
            partial(receiver.recvmmsg_into, [bytearray(SIZE) for _ in range(BATCH)]))
        receiver, fill = _receiver(stack, cffisock, lib, ffi)
        sides["cffisock recvfrom"] = _round("cffisock recvfrom", count, fill, _recvfrom_loop,
                                            receiver.recvfrom)
        receiver, fill = _receiver(stack, stdlib_socket, lib, ffi)
        sides["C"] = _round("C", count, fill, _floor_loop, lib, receiver.fileno(),
                            ffi.new("char[]", SIZE * BATCH))
        yield sides


def _details(plan):
    text = "up to %d datagrams per round" % per_round(plan)
    missing = sum(shortfalls.values())
    if shortfalls:
        text += " (%s missing in all)" % (missing or "none")
    return text


CASES = [Case(
    number=6,
    title="UDP receive, 64-byte datagrams",
    rows=[
        Row("(6) UDP 64 B: cffisock recvmmsg(64, 64) vs stdlib recvfrom loop",
            "recvmmsg", "stdlib recvfrom", "C", PACKETS_PER_S, "6"),
        Row("(6) same, recvmmsg_into 64 preallocated buffers (extra)",
            "recvmmsg_into", "stdlib recvfrom", "C", PACKETS_PER_S),
        Row("(6) same, cffisock recvfrom loop (extra)",
            "cffisock recvfrom", "stdlib recvfrom", "C", PACKETS_PER_S),
    ],
    open=_sides,
    details=_details,
    rounds=100,
    warmup=(3, 30),
    note=("Each round fills the side's own non-blocking receiver (SO_RCVBUFFORCE "
          "64 MiB) with the datagrams, untimed, from a connected sender, then "
          "times receiving them all; the C floor receives with recvmmsg(2) "
          "batches of 64, addresses included."),
)]
