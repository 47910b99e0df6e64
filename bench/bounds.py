"""What bounds the targets cffisock does not reach (README, "Where a target
is not met"): the loops of cases (1), (2) and (3) run, interleaved round by
round as in the runner, with

* ``stdlib``: the stdlib's socket methods (the reference, 1.00);
* ``cffisock``: cffisock's methods;
* ``minimal``: a class with the simplest possible methods around cffisock's
  C wrappers, no check at all (not a usable socket: the floor of any binding
  whose methods are Python code over cffi);
* ``raw``: cffisock's C wrappers called straight from the loop, with the
  ``from_buffer`` a bytearray needs where the case receives into one.

Printed: each side's median per-round ratio to the stdlib (time for (1)
and (2), lower is better; throughput for (3), higher is better).

    python bench/bounds.py [--rounds N]
"""

import argparse
import contextlib
import socket as stdlib_socket
import statistics
import sys
from functools import partial

import run  # noqa: F401 (puts the checkout's cffisock first, as the runner does)

import cffisock
import floor
from cases_sockets import MESSAGE_SIZE, connected, echo_peer, ping_pong, receive_total, \
    send_chunks, send_recv, serve_rounds
from cffisock._ffi import ffi, lib
from common import fork_peer, pin_processes, timed_loop

_send, _recv, _from_buffer, _unpack = lib.cffisock_send, lib.cffisock_recv, ffi.from_buffer, \
    ffi.unpack
CHUNK = 64 << 10


class Minimal:
    """sendall/send, recv and recv_into with nothing but the C call."""

    def __init__(self, sock):
        self._fd = sock.fileno()

    def send(self, data, flags=0):
        return _send(self._fd, data, len(data), flags)

    sendall = send  # 64 B on a blocking socket: one call sends it all

    def recv(self, size, flags=0, _buffer=ffi.new("char[]", CHUNK)):
        return _unpack(_buffer, _recv(self._fd, _buffer, size, flags))

    def recv_into(self, buffer, nbytes=0, flags=0):
        target = _from_buffer("char[]", buffer, True)
        return _recv(self._fd, target, len(target), flags)


def _send_recv_raw(operations, a, b, data, size):
    buffer = ffi.new("char[]", size)
    for _ in range(operations):
        _send(a, data, size, 0)
        _unpack(buffer, _recv(b, buffer, size, 0))


def _ping_pong_raw(operations, fd, message, buffer):
    size = len(message)
    for _ in range(operations):
        _send(fd, message, size, 0)
        _recv(fd, _from_buffer("char[]", buffer, True), size, 0)


def _recv_into_raw(fd):
    return lambda buffer: _recv(fd, _from_buffer("char[]", buffer, True), CHUNK, 0)


def send_recv_sides(stack, operations):
    data = b"x" * MESSAGE_SIZE
    pairs = {name: [stack.enter_context(end) for end in module.socketpair()]
             for name, module in (("stdlib", stdlib_socket), ("cffisock", cffisock),
                                  ("minimal", cffisock), ("raw", cffisock))}
    sides = {}
    for name, (a, b) in pairs.items():
        if name == "raw":
            sides[name] = timed_loop(_send_recv_raw, operations, a.fileno(), b.fileno(),
                                     data, MESSAGE_SIZE)
            continue
        if name == "minimal":
            a, b = Minimal(a), Minimal(b)
        sides[name] = timed_loop(send_recv, operations, a.send, b.recv, data, MESSAGE_SIZE)
    return sides


def ping_pong_sides(stack, operations, transport, floor_lib, floor_ffi):
    message = b"p" * MESSAGE_SIZE
    sides = {}
    for name in ("stdlib", "cffisock", "minimal", "raw"):
        mine, theirs = connected(stdlib_socket if name == "stdlib" else cffisock, transport)
        fork_peer(stack, theirs, partial(echo_peer, floor_lib, floor_ffi, theirs.fileno()))
        stack.enter_context(mine)
        buffer = bytearray(MESSAGE_SIZE)
        if name == "raw":
            sides[name] = timed_loop(_ping_pong_raw, operations, mine.fileno(), message, buffer)
            continue
        sock = Minimal(mine) if name == "minimal" else mine
        sides[name] = timed_loop(ping_pong, operations, sock.sendall, sock.recv_into,
                                 message, buffer)
    return sides


def _raw_sendall(fd, chunk):
    sent, size = 0, len(chunk)
    view = _from_buffer(chunk)
    while sent < size:
        sent += _send(fd, view + sent, size - sent, 0)


def _serve_bulk(fd, rounds, total, kind):
    """The sending child: ``kind`` is the side whose sendall it uses."""
    if kind == "stdlib":
        sock = stdlib_socket.socket(fileno=fd)
    else:
        sock = cffisock.socket(fileno=fd)
    sendall = partial(_raw_sendall, fd) if kind == "raw" else sock.sendall
    serve_rounds(rounds, partial(sock.recv, 1),
                 partial(send_chunks, sendall, b"b" * CHUNK, total // CHUNK))


def _throughput(round_):
    return 1 / round_()  # bytes per nanosecond


def bulk_sides(stack, total, rounds, varying):
    """Either end of a 64 KiB bulk transfer, the other the stdlib's:
    ``varying`` is "receiver" or "sender"."""
    sides = {}
    for name in ("stdlib", "cffisock", "raw"):
        receiver_module = stdlib_socket if name == "stdlib" or varying == "sender" else cffisock
        mine, theirs = receiver_module.socketpair()
        sender = name if varying == "sender" else "stdlib"
        fork_peer(stack, theirs, partial(_serve_bulk, theirs.fileno(), rounds, total, sender))
        stack.enter_context(mine)
        if varying == "receiver" and name == "raw":
            recv_into = _recv_into_raw(mine.fileno())
        else:
            recv_into = mine.recv_into
        sides[name] = partial(_throughput, timed_loop(
            receive_total, total, partial(mine.sendall, b"g"), recv_into, bytearray(CHUNK)))
    return sides


def interleaved(sides, rounds, warmup):
    """Median per-round ratio of each side to the stdlib's."""
    ratios = {name: [] for name in sides}
    for number in range(warmup + rounds):
        order = list(sides) if number % 2 else list(reversed(list(sides)))
        values = {name: sides[name]() for name in order}
        if number >= warmup:
            for name, value in values.items():
                ratios[name].append(value / values["stdlib"])
    return {name: round(statistics.median(values), 3) for name, values in ratios.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40, help="measured rounds (default 40)")
    arguments = parser.parse_args(argv)
    rounds = arguments.rounds
    warmup = 30 if sys.implementation.name == "pypy" else 3
    floor_ffi, floor_lib = floor.load()
    print(pin_processes(floor_lib))
    with contextlib.ExitStack() as stack:
        print("(1) send+recv 64 B, time ratio:",
              interleaved(send_recv_sides(stack, 10000), rounds, warmup))
    for transport in ("AF_UNIX", "TCP"):
        with contextlib.ExitStack() as stack:
            print("(2) ping-pong 64 B, %s, time ratio:" % transport,
                  interleaved(ping_pong_sides(stack, 2000, transport, floor_lib, floor_ffi),
                              rounds, warmup))
    total = 32 << 20
    for varying, other in (("receiver", "sender"), ("sender", "receiver")):
        with contextlib.ExitStack() as stack:
            print("(3) bulk 64 KiB, the %s varies (a stdlib %s), throughput ratio:"
                  % (varying, other),
                  interleaved(bulk_sides(stack, total, rounds + 4, varying), rounds, 4))


if __name__ == "__main__":
    main()
