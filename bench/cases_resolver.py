"""Case 4: getaddrinfo, with a numeric host and with 'localhost'.

``getaddrinfo('127.0.0.1', 80, flags=AI_NUMERICHOST)`` never leaves the C
library; ``getaddrinfo('localhost', 80)`` reads /etc/hosts (the C library's
"files" source answers it, so nothing goes to DNS).  The C floor calls
getaddrinfo/freeaddrinfo with the same arguments.
"""

import contextlib
import socket as stdlib_socket

import cffisock
from common import TIME, Case, Row, timed_loop

#: (label, host, flags, operations per full round)
LOOKUPS = [
    ("numeric", "127.0.0.1", stdlib_socket.AI_NUMERICHOST, 2000),
    ("localhost", "localhost", 0, 1000),
]


def _resolve(operations, getaddrinfo, host, flags):
    for _ in range(operations):
        getaddrinfo(host, 80, flags=flags)


def _floor_resolve(operations, lib, ffi, host, flags):
    error = lib.floor_getaddrinfo(host, b"80", flags, operations)
    if error:
        raise OSError("floor_getaddrinfo failed: %s"
                      % ffi.string(lib.gai_strerror(error)).decode())


@contextlib.contextmanager
def _sides(plan, lib, ffi):
    sides = {}
    for label, host, flags, operations in LOOKUPS:
        operations = plan.operations(operations)
        for name, module in (("stdlib", stdlib_socket), ("cffisock", cffisock)):
            sides["%s %s" % (label, name)] = timed_loop(
                _resolve, operations, module.getaddrinfo, host, flags)
        sides[label + " C"] = timed_loop(_floor_resolve, operations, lib, ffi,
                                         host.encode("ascii"), flags)
    yield sides


CASES = [Case(
    number=4,
    title="getaddrinfo",
    rows=[
        Row("(4) getaddrinfo('127.0.0.1', 80, flags=AI_NUMERICHOST)",
            "numeric cffisock", "numeric stdlib", "numeric C", TIME, "4 numeric"),
        Row("(4) getaddrinfo('localhost', 80)", "localhost cffisock",
            "localhost stdlib", "localhost C", TIME, "4 localhost"),
    ],
    open=_sides,
    details=lambda plan: " and ".join(
        "%d %s lookups" % (plan.operations(count), label)
        for label, _, _, count in LOOKUPS) + " per round",
    rounds=100,
    warmup=(3, 30),
    note=("Family, type and protocol 0 (three answers per address); "
          "'localhost' comes from /etc/hosts.  The C floor: "
          "getaddrinfo+freeaddrinfo with the same arguments."),
)]
