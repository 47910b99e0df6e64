"""Shared helpers for cffisock's tests.

The tests import the *installed* cffisock (there is no tests/__init__.py and
pytest is run as ``pytest``, not ``python -m pytest``, so the source tree is
not on sys.path).  Every socket is on loopback: 127.0.0.1, ::1, UNIX sockets
or socketpair.
"""

import contextlib
import enum
import gc
import os
import platform
import signal
import socket as stdlib_socket
import threading

import pytest

import cffisock


def open_fds():
    """Return the set of descriptors this process has open."""
    return set(int(name) for name in os.listdir("/proc/self/fd"))


def outcome(function, *args):
    """What ``function(*args)`` did, in a form two socket modules share:
    ``("returned", value)`` or ``("raised", exception class name, errno)``."""
    try:
        return ("returned", function(*args))
    except Exception as exc:
        return ("raised", type(exc).__name__, getattr(exc, "errno", None))


def collect_stale_sockets():
    """On PyPy, a socket() of the stdlib that fails on a given descriptor
    leaves a half-built object holding the number, which closes it when
    collected: maybe after the number was reused, by a later test or case
    (seen: EBADF for cffisock two conformance cases later).  A test that
    hands the stdlib descriptors calls this while the number is free."""
    if platform.python_implementation() == "PyPy":
        gc.collect()


def same_outcome(operation):
    """``(outcome of operation(stdlib socket module), outcome of
    operation(cffisock))``: the stdlib is the reference."""
    return outcome(operation, stdlib_socket), outcome(operation, cffisock)


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on (just released)."""
    with stdlib_socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def decoy_at(number):
    """Make descriptor ``number`` (just released by a closed socket) name a
    new stdlib socketpair end holding b"decoy"; yield ``(decoy, decoy_peer)``
    and close all three afterwards.  A call that still used the old number
    would take the decoy's data or write to its peer (see receive_now)."""
    first, second = stdlib_socket.socketpair()
    decoy, decoy_peer = (second, first) if second.fileno() == number else (first, second)
    try:
        if decoy.fileno() != number:
            os.dup2(decoy.fileno(), number, inheritable=False)
        decoy_peer.sendall(b"decoy")
        yield decoy, decoy_peer
    finally:
        if decoy.fileno() != number:
            os.close(number)
        decoy.close()
        decoy_peer.close()


def receive_now(sock):
    """What ``sock`` has received already (b'' if nothing), without waiting."""
    sock.setblocking(False)
    try:
        return sock.recv(100)
    except BlockingIOError:
        return b""


@contextlib.contextmanager
def sigalrm(handler, first, interval=0.0):
    """SIGALRM to ``handler`` for the block, through setitimer: first after
    ``first`` seconds, then every ``interval`` (0: once).  Afterwards the
    timer is cancelled and the previous handler restored."""
    previous = signal.signal(signal.SIGALRM, handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, first, interval)
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def recv_exactly(sock, size, max_calls=100000):
    """Receive ``size`` bytes (fewer if the peer closes first)."""
    chunks = []
    received = 0
    for _ in range(max_calls):
        if received >= size:
            break
        chunk = sock.recv(min(size - received, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        received += len(chunk)
    return b"".join(chunks)


def normalise(value):
    """Make a result comparable across the stdlib and cffisock: enum members
    become ``(class name, member name, value)``, so a plain int where the
    stdlib gives an AddressFamily member is a difference."""
    if isinstance(value, enum.Enum):
        return (type(value).__name__, value.name, int(value))
    if isinstance(value, (tuple, list)):
        return type(value)(normalise(item) for item in value)
    return value


def ipv6_loopback_works():
    """True if this machine can bind and connect on ::1."""
    try:
        with cffisock.socket(cffisock.AF_INET6) as server:
            server.bind(("::1", 0))
            server.listen()
            with cffisock.create_connection(server.getsockname()[:2], timeout=5):
                return True
    except OSError:
        return False


requires_ipv6 = pytest.mark.skipif(
    not ipv6_loopback_works(),
    reason="this machine has no working IPv6 loopback (::1)")


@pytest.fixture(scope="module")
def ca():
    """A throw-away certificate authority (trustme) for the TLS tests."""
    import trustme

    return trustme.CA()


@pytest.fixture(scope="module")
def server_cert(ca):
    """A server certificate for localhost and 127.0.0.1, issued by ``ca``."""
    return ca.issue_cert("localhost", "127.0.0.1")


@pytest.fixture
def fd_leak_check():
    """Fail the test if it leaves more descriptors open than it found."""
    before = open_fds()
    yield
    leaked = open_fds() - before
    # A descriptor opened by the test and still open is a leak; allow for
    # descriptors of the test machinery that may come and go (none expected).
    assert not leaked, "descriptors leaked: %s" % sorted(leaked)


@pytest.fixture
def tcp_listener():
    """A listening cffisock TCP socket on 127.0.0.1 (closed afterwards)."""
    with cffisock.create_server(("127.0.0.1", 0)) as server:
        yield server


@pytest.fixture
def connected_pair(tcp_listener):
    """``(client, server_side)``: a connected cffisock TCP pair on loopback."""
    client = cffisock.create_connection(tcp_listener.getsockname(), timeout=10)
    server_side, _ = tcp_listener.accept()
    with client, server_side:
        yield client, server_side


class BackgroundCall(threading.Thread):
    """``function(*args)`` running in a daemon thread; ``result()`` joins it
    (bounded) and returns its value or re-raises its exception."""

    def __init__(self, function, args):
        super().__init__(daemon=True)
        self._call = (function, args)
        self._value = None
        self._error = None

    def run(self):
        function, args = self._call
        try:
            self._value = function(*args)
        except BaseException as exc:  # handed to the test by result()
            self._error = exc

    def result(self, timeout=10):
        self.join(timeout)
        assert not self.is_alive(), "background call still running after %s s" % timeout
        if self._error is not None:
            raise self._error
        return self._value


@pytest.fixture
def background():
    """``background(function, *args)`` starts a BackgroundCall; every call
    is joined (with a timeout) when the test ends."""
    calls = []

    def start(function, *args):
        call = BackgroundCall(function, args)
        calls.append(call)
        call.start()
        return call

    yield start
    for call in calls:
        call.join(10)
    assert not [call for call in calls if call.is_alive()], \
        "background threads still running after the test"
