"""What the stress suite (``pytest -m stress``) shares.

Counts are the issue's, multiplied by the environment variable
``CFFISOCK_STRESS_SCALE`` (default 1; ``0.05`` makes a quick local run).
Every loop is bounded in count (``rounds``) and in time (it fails the test
when its time is up).  Each test prints its figures on one line starting
with ``stress figures``; ``pytest -rP`` shows them (the tox environments
do), and the README's Reliability section quotes them.

The tests use the top-level ``tests/conftest.py`` fixtures (``background``,
``ca``, ``server_cert``...): pytest applies a conftest to every directory
below its own.  This directory has no conftest of its own, because pytest
imports every ``conftest.py`` of a tree without ``__init__.py`` files under
the one module name ``conftest``, which the other test modules import
helpers from.
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
from conftest import BackgroundCall, recv_exactly, sigalrm
from tls_helpers import SOCKET_MODULES, client_context, server_context

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


def wait_until_blocked(native_id, seconds=5):
    """Wait until the thread ``native_id`` sleeps in the kernel, somewhere
    else than on a futex (which would be the GIL): in its socket call."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with open("/proc/self/task/%d/stat" % native_id) as stat:
            state = stat.read().rsplit(")", 1)[1].split()[0]
        with open("/proc/self/task/%d/wchan" % native_id) as wchan:
            where = wchan.read()
        if state == "S" and not where.startswith("futex"):
            return
        time.sleep(0.001)
    pytest.fail("the thread did not block in its call within %s s" % seconds)


# ---------------------------------------------------------------- signals


class Interrupted(Exception):
    """What the storm's handler raises when asked to."""


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
