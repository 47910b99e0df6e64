"""What the stress suite (``pytest -m stress``) shares.

Counts are the issue's, multiplied by the environment variable
``CFFISOCK_STRESS_SCALE`` (default 1; ``0.05`` makes a quick local run).
Every loop is bounded in count (``rounds``) and in time (it fails the test
when its time is up).  Each test prints its figures on one line starting
with ``stress figures``; ``pytest -rP`` shows them (the tox environments
do), and the README's Reliability section quotes them.

The stress tests (``tests/stress/``) use the top-level ``tests/conftest.py``
fixtures (``background``, ``ca``, ``server_cert``...): pytest applies a
conftest to every directory below its own.  tests/stress has no conftest of
its own: pytest imports every ``conftest.py`` of a tree without
``__init__.py`` files under the one module name ``conftest``, so a second
one would replace the first in ``sys.modules``.
"""

import contextlib
import functools
import os
import random
import resource
import signal
import time

import pytest

import cffisock
from support.concurrency import BackgroundCall, Interrupted, sigalrm
from support.loopback import recv_exactly
from support.tls import SOCKET_MODULES, client_context, server_context

SCALE = float(os.environ.get("CFFISOCK_STRESS_SCALE", "1"))
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
MIB = 1 << 20


def scaled(count, minimum=1):
    """``count`` times the scale, and at least ``minimum``."""
    return max(minimum, int(count * SCALE))


def rounds(count, seconds, what):
    """Yield ``0 .. count - 1``; fail the test if they take more than
    ``seconds``."""
    deadline = time.monotonic() + seconds
    for index in range(count):
        if time.monotonic() > deadline:
            pytest.fail("%s: %d of %d rounds done in %s s" % (what, index, count, seconds))
        yield index


def descriptor_count():
    """How many descriptors this process has open (``/proc/self/fd``)."""
    return len(os.listdir("/proc/self/fd"))


def rss():
    """This process's resident set size in bytes (``/proc/self/statm``)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE


def pattern(size, seed):
    """``size`` pseudo-random bytes, the same for the same ``seed``."""
    return random.Random(seed).randbytes(size)


def report(test, **figures):
    """Print one line of figures for the README (shown by ``pytest -rP``)."""
    print("stress figures %s: %s" % (
        test, ", ".join("%s=%s" % item for item in figures.items())))


# ---------------------------------------------------------------- threads


def quiet(function):
    """``function`` for a peer thread, which first blocks SIGALRM so that the
    signal storm interrupts the main thread's calls, not the peer's."""
    def peer(*args):
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
        return function(*args)
    return peer


def wait_until_blocked(native_id, seconds=5, fd=None):
    """Wait until the thread ``native_id`` sleeps in the kernel in its socket
    call.

    With ``fd`` (a call that blocks in a system call on the descriptor:
    recv, recvfrom, accept, recvmmsg, a TLS read on a blocking socket):
    until ``/proc/self/task/<id>/syscall`` shows the thread blocked in a
    system call whose first argument is ``fd``.  The kernel reads the call
    and its arguments while the thread is off the CPU and checks that it
    did not run meanwhile: one moment's truth, so the thread is in its call
    (a close() from now on no longer finds it before the call, where the
    answer would be EBADF).

    Without (a call that waits in poll), or where that file is missing:
    until the thread sleeps somewhere else than on a futex (which would be
    the GIL): its wchan, read before and after its state "S", is the same
    kernel function both times, neither a futex's nor "0".  "0" is what a
    thread on a CPU or still on a run queue shows: with one read of each,
    a thread that left the GIL's futex between them (state "S", then wchan
    "0") passed for blocked while still on its way to its call (on PyPy,
    about 1 round in 1000, and half of them with the other core busy; a
    close() that came first made the call end with EBADF)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        blocked = None
        if fd is not None:
            blocked = in_system_call_on(native_id, fd)
        if blocked is None:
            blocked = sleeping_outside_a_futex(native_id)
        if blocked:
            return
        time.sleep(0.001)
    pytest.fail("the thread did not block in its call within %s s" % seconds)


def in_system_call_on(native_id, fd):
    """Whether the thread ``native_id`` is blocked in a system call whose
    first argument is ``fd``; None if this kernel does not say."""
    try:
        with open("/proc/self/task/%d/syscall" % native_id) as syscall:
            # "running", "-1 sp pc" (blocked outside a system call), or the
            # call's number, its six arguments (hex), sp and pc.
            fields = syscall.read().split()
    except OSError:  # no CONFIG_HAVE_ARCH_TRACEHOOK, or not allowed
        return None
    return len(fields) == 9 and fields[0] != "-1" and int(fields[1], 16) == fd


def sleeping_outside_a_futex(native_id):
    """Whether the thread ``native_id`` sleeps ("S") in a kernel function,
    the same one before and after its state was read, that is not a
    futex's."""
    task = "/proc/self/task/%d/" % native_id
    with open(task + "wchan") as wchan:
        before = wchan.read()
    with open(task + "stat") as stat:
        state = stat.read().rsplit(")", 1)[1].split()[0]
    with open(task + "wchan") as wchan:
        after = wchan.read()
    return (state == "S" and before == after and before not in ("", "0")
            and not before.startswith("futex"))


@contextlib.contextmanager
def signal_storm(interval=0.001, raise_at=None):
    """SIGALRM every ``interval`` seconds (setitimer) for the block.

    Yields the list the handler appends each signal to (its length is the
    number delivered).  With ``raise_at``, the handler raises Interrupted
    when that many signals have arrived.  Python runs handlers in the main
    thread, so the I/O under test runs there and peers are ``quiet``.
    """
    delivered = []

    def handler(signum, frame):
        delivered.append(signum)
        if len(delivered) == raise_at:
            raise Interrupted("signal %d" % raise_at)

    with sigalrm(handler, interval, interval):
        yield delivered


# ---------------------------------------------------------------- resources


@contextlib.contextmanager
def descriptor_limit(needed):
    """Raise RLIMIT_NOFILE to ``needed`` descriptors for the block (children
    inherit it); skip the test if this process may not."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        yield
        return
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, max(hard, needed)))
    except (OSError, ValueError):  # the hard limit, raised by the unprivileged
        pytest.skip("needs %d descriptors; RLIMIT_NOFILE is %d (hard %d) and this "
                    "process may not raise it" % (needed, soft, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


# ---------------------------------------------------------------- TLS


def no_delay(sock):
    """Set TCP_NODELAY on ``sock`` (either module's) and return it: without
    it, a small write after a handshake waits for the peer's delayed ACK
    (40 ms on Linux)."""
    sock.setsockopt(cffisock.IPPROTO_TCP, cffisock.TCP_NODELAY, 1)
    return sock


def tls_contexts(ca, server_cert, side="cffisock"):
    """``(client, server)`` TLS contexts of ``side`` ("cffisock" or
    "stdlib") for the trustme fixtures: the client verifies the server's
    certificate for "localhost"."""
    return (client_context(side, ca), server_context(side, server_cert))


def tls_pair(contexts, timeout=None, side="cffisock"):
    """``(client, server)``: the two ends of one TLS connection on 127.0.0.1
    made with ``contexts`` (of ``side``: "cffisock" or "stdlib"), both with
    ``timeout``.  The handshake is done, and the client has read what TLS
    1.3 sends after it (session tickets): no record is still on its way
    when the test starts (one arriving after a shutdown(SHUT_RD) would
    reset the connection on Linux)."""
    client_context_, server_context_ = contexts
    module = SOCKET_MODULES[side]
    with module.create_server(("127.0.0.1", 0)) as listener:
        raw_client = no_delay(module.create_connection(listener.getsockname(), timeout=10))
        raw_server, _ = listener.accept()
    no_delay(raw_server).settimeout(10)
    server_side = BackgroundCall(
        functools.partial(server_context_.wrap_socket, server_side=True), (raw_server,))
    server_side.start()
    client = client_context_.wrap_socket(raw_client, server_hostname="localhost")
    server = server_side.result()
    server.sendall(b"ready")
    assert recv_exactly(client, 5) == b"ready"
    client.settimeout(timeout)
    server.settimeout(timeout)
    return client, server
