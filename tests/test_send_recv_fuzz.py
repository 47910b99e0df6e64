"""Fuzzing the receive and send calls against the stdlib, with random sizes,
buffers and flags (see support/fuzz.py for the property, the budgets and
the ``fuzz`` marker); and two behaviours checked on their own: receiving 0
bytes returns at once, and MSG_TRUNC never returns memory beyond the
datagram.

Every example runs on fresh sockets: a non-blocking AF_UNIX socketpair
(so no call can wait).  Nothing leaves the machine.  On PyPy, the rules
name CPython's outcome where PyPy's stdlib departs from it.

The receive and send calls get one wrong argument at a time (``one_wrong``):
when two are wrong, the stdlib reports the one it parses first, while
cffisock's hot paths (recv, recvfrom, recv_into) allocate or check the
buffer before they convert the flags.
"""

import array
import os
import socket as stdlib
import subprocess
import sys
import tempfile

import pytest
from hypothesis import assume, strategies as st

import cffisock
from support.comparison import ON_PYPY
from support.fuzz import (
    DATA,
    KINDS,
    assert_like_the_stdlib,
    budgets,
    drained,
    flags,
    flags_rule,
    free_after,
    fresh,
    fuzz,
    on_pair,
    one_wrong,
    pypy_recvmsg_aborts,
    size_rule,
    sizes,
    valid_flags,
)


pytestmark = pytest.mark.fuzz


def writable_buffers(min_size=8):
    """Writable buffers of at least ``min_size`` bytes (factories: each
    module's call gets its own)."""
    sized = st.integers(min_size, 40)
    return st.one_of(
        sized.map(lambda size: lambda: bytearray(size)),
        sized.map(lambda size: lambda: memoryview(bytearray(size))),
        sized.map(lambda size: lambda: array.array("b", bytes(size))),
    )


def buffers():
    """Writable buffers, and objects that are not: read-only, not
    contiguous, not buffers at all, empty."""
    return st.one_of(
        writable_buffers(0),
        st.integers(0, 40).map(lambda size: lambda: memoryview(bytearray(size))[::2]),
        st.sampled_from([b"read-only", "text", None, 5]).map(lambda thing: lambda: thing),
        # A memoryview of its own for each call: free_after spends it.
        st.just(lambda: memoryview(b"read-only")),
    )


def filled(buffer, call):
    """``call()``'s result and what it wrote into ``buffer``, which must be
    free once the call is over (free_after)."""
    def call_and_read():
        result = call()
        return result, (bytes(buffer) if isinstance(buffer, (bytearray, memoryview, array.array))
                        else None)
    return free_after(call_and_read, buffer)


RECEIVERS = {
    # method: (the call, valid sizes for it)
    "recv": (lambda size, flags, buffer: lambda a, b: b.recv(size, flags),
             st.integers(0, 40)),
    "recvfrom": (lambda size, flags, buffer: lambda a, b: b.recvfrom(size, flags),
                 st.integers(0, 40)),
    "recv_into": (lambda size, flags, buffer: lambda a, b: filled(
        buffer, lambda: b.recv_into(buffer, size, flags)), st.integers(0, 8)),
    "recvfrom_into": (lambda size, flags, buffer: lambda a, b: filled(
        buffer, lambda: b.recvfrom_into(buffer, size, flags)), st.integers(0, 8)),
    "recvmsg": (lambda size, flags, buffer: lambda a, b: b.recvmsg(size, 0, flags),
                st.integers(0, 40)),
    "recvmsg_into": (lambda size, flags, buffer: lambda a, b: filled(
        buffer, lambda: b.recvmsg_into([buffer], 0, flags)), st.integers(0, 8)),
}


@budgets
@pytest.mark.parametrize("method", list(RECEIVERS))
@pytest.mark.parametrize("kind", KINDS)
def test_receiving_like_the_stdlib(fd_leak_check, budget, kind, method):
    receive, valid_sizes = RECEIVERS[method]

    def check(arguments, data):
        size, message_flags, make_buffer = arguments
        assume(not reported_receive(method, size, message_flags, make_buffer()))
        assume(not pypy_recvmsg_aborts(method, message_flags))
        # A fresh buffer for each module: the call writes into it.
        assert_like_the_stdlib(lambda module: on_pair(
            kind, data, receive(size, message_flags, make_buffer()))(module),
            None if method.endswith("_into") else size_rule(size))
    fuzz(budget, check, one_wrong((valid_sizes, sizes()), (valid_flags(), flags()),
                                  (writable_buffers(), buffers())),
         st.sampled_from([DATA, b"", b"x"]), scale=0.5)


def reported_receive(method, size, flags, buffer):
    """The cases of the hot paths recv, recvfrom and recv_into where
    cffisock's outcome is not the stdlib's and that the tests below check
    on their own: receiving 0 bytes, MSG_TRUNC, and a size below -2**63
    (ValueError, where the stdlib raises OverflowError first)."""
    if method == "recv_into":
        return size == 0 and isinstance(buffer, (bytearray, memoryview, array.array)) \
            and len(buffer) == 0
    if method in ("recv", "recvfrom") and isinstance(size, int):
        return size == 0 or size < -2**63 or (isinstance(flags, int)
                                              and flags & cffisock.MSG_TRUNC)
    return False


ZERO_BYTES = {
    # method: (the call, CPython's answer)
    "recv": (lambda sock: sock.recv(0), b""),
    "recv_into": (lambda sock: sock.recv_into(bytearray(0)), 0),
}


@pytest.mark.parametrize("method", list(ZERO_BYTES))
def test_receiving_zero_bytes_returns_at_once_like_the_stdlib(fd_leak_check, method):
    # CPython answers a request for 0 bytes without a system call: b'' (or
    # 0) even when nothing is queued on a non-blocking socket.  (PyPy's
    # recvfrom raises BlockingIOError: only CPython's stdlib is checked.)
    receive, expected = ZERO_BYTES[method]

    def answer(module):
        a, b = module.socketpair()
        with a, b:
            b.setblocking(False)
            return receive(b)
    if not ON_PYPY:
        assert answer(stdlib) == expected
    assert answer(cffisock) == expected


def test_recvfrom_of_zero_bytes_still_asks_the_kernel_like_the_stdlib(fd_leak_check):
    # Unlike recv and recv_into, CPython's recvfrom makes the call for 0
    # bytes: on an empty non-blocking socket it raises BlockingIOError.
    for module in (cffisock,) if ON_PYPY else (stdlib, cffisock):
        a, b = module.socketpair()
        with a, b:
            b.setblocking(False)
            with pytest.raises(BlockingIOError):
                b.recvfrom(0)


#: Run in a child process: a read past a C buffer may crash the
#: interpreter (PyPy's does) instead of failing one test.
MSG_TRUNC_CHILD = """
import sys
import cffisock
method, size = sys.argv[1], int(sys.argv[2])
datagram = b"D" * (size + 30000)
a, b = cffisock.socketpair(cffisock.AF_UNIX, cffisock.SOCK_DGRAM)
a.send(b"P" * 100000)
getattr(b, method)(100000)  # leaves "P"s in a spare buffer
a.send(datagram)
data = getattr(b, method)(size, cffisock.MSG_TRUNC)
data = data if method == "recv" else data[0]
print(len(data) == len(datagram), data[:size] == datagram[:size], data[size:size + 16])
"""


@pytest.mark.parametrize("method", ["recv", "recvfrom"])
@pytest.mark.parametrize("size", [4, 70000])
def test_msg_trunc_never_returns_memory_beyond_the_datagram(fd_leak_check, method, size):
    # With MSG_TRUNC the kernel reports the datagram's whole length, more
    # than the buffer holds.  The bytes beyond the buffer must not be other
    # memory: not a previous datagram (spare buffers are shared by every
    # socket), not what lies past the allocation (an over-read; PyPy
    # crashes).  Zeros would do, with the stdlib's length.
    root = os.path.dirname(os.path.dirname(cffisock.__file__))
    # Outside the source tree: "-c" puts the working directory first on
    # sys.path, and the tree's cffisock/ may have no compiled module.
    child = subprocess.run([sys.executable, "-c", MSG_TRUNC_CHILD, method, str(size)],
                           env=dict(os.environ, PYTHONPATH=root), capture_output=True,
                           text=True, timeout=60, cwd=tempfile.gettempdir())
    assert child.returncode == 0, (child.returncode, child.stderr[-2000:])
    assert child.stdout.split(" ", 2)[:2] == ["True", "True"], child.stdout
    assert child.stdout.split(" ", 2)[2].strip() in ("b''", repr(bytes(16))), child.stdout


# -- sending -------------------------------------------------------------------------------


def valid_payloads():
    return st.one_of(
        st.binary(max_size=64), st.binary(max_size=64).map(bytearray),
        st.binary(max_size=64).map(memoryview),
        st.sampled_from([b"x" * 300000, array.array("i", [1, 2, 3])]))


def payloads():
    return st.one_of(valid_payloads(), st.sampled_from(
        [memoryview(b"abcdef")[::2], "text", None, 5]))


SENDERS = {
    "send": lambda data, flags: lambda a, b: a.send(data, flags),
    "sendall": lambda data, flags: lambda a, b: a.sendall(data, flags),
    "sendto": lambda data, flags: lambda a, b: a.sendto(data, flags, "\0cfz-nowhere"),
    "sendmsg": lambda data, flags: lambda a, b: a.sendmsg([data, data], [], flags),
}


@budgets
@pytest.mark.parametrize("method", list(SENDERS))
@pytest.mark.parametrize("kind", KINDS)
def test_sending_like_the_stdlib(fd_leak_check, budget, kind, method):
    def check(arguments):
        # PyPy's sendall sends nothing for no data; CPython's (and
        # cffisock's) calls send once, which may fail (MSG_OOB...).
        assume(not (ON_PYPY and method == "sendall" and len(memoryview(arguments[0])) == 0
                    if isinstance(arguments[0], (bytes, bytearray, memoryview)) else False))
        def send(a, b):
            data = fresh(arguments[0])  # each module's call spends its own
            return free_after(lambda: SENDERS[method](data, arguments[1])(a, b), data)

        assert_like_the_stdlib(on_pair(kind, b"", lambda a, b: (send(a, b), drained(b))),
                               flags_rule(arguments[1]))
    fuzz(budget, check, one_wrong((valid_payloads(), payloads()), (valid_flags(), flags())),
         scale=0.5)
