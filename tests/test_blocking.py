"""Blocking behaviour: timeouts, non-blocking mode, the default timeout, the
GIL released while blocked, EINTR (PEP 475), non-inheritable descriptors
(PEP 446) and no descriptor leaks on error paths.

Every socket is on loopback; every thread is joined with a timeout.
"""

import contextlib
import errno
import os
import select
import signal
import socket as stdlib_socket
import subprocess
import sys
import threading
import time

import pytest

import cffisock
from support.comparison import same_outcome
from support.concurrency import sigalrm
from support.descriptors import open_fds
from support.loopback import free_port, recv_exactly

#: A host name glibc rejects without asking DNS (a label may have at most
#: 63 bytes), so the gaierror path is taken with no traffic off the machine.
UNRESOLVABLE = "a" * 64 + ".invalid"


# -- helpers -------------------------------------------------------------------


def time_raising(exception, function, *args):
    """Call ``function(*args)``, which must raise ``exception``; return the
    seconds it took."""
    start = time.monotonic()
    with pytest.raises(exception):
        function(*args)
    return time.monotonic() - start


def count_for(seconds):
    """Count loop iterations of this thread for ``seconds``."""
    count = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        count += 1
    return count


def block_sigalrm_in_this_thread():
    """Keep SIGALRM for the main thread, whose calls the EINTR tests time."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])


def send_after(sock, delay, data, cancelled=None):
    """Peer-thread body: wait ``delay`` seconds (or until ``cancelled`` is
    set), then send ``data``."""
    block_sigalrm_in_this_thread()
    if cancelled is None:
        time.sleep(delay)
    else:
        cancelled.wait(delay)
    sock.sendall(data)


@pytest.fixture
def saturated_listener():
    """The address of a listener (backlog 0) whose accept queue is full, so
    that a further connect to it blocks: the kernel drops its SYN."""
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(cffisock.socket())
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        address = server.getsockname()
        for _ in range(8):
            probe = stack.enter_context(stdlib_socket.socket())
            probe.setblocking(False)
            probe.connect_ex(address)
            _, writable, _ = select.select([], [probe], [], 0.2)
            if not writable:
                break  # this connect is held back: the queue is full
        else:
            pytest.skip("this kernel completes connects to a listener whose "
                        "accept queue is full, so connect never blocks here")
        yield address


@pytest.fixture
def alarm():
    """``alarm(handler, first, interval)``: SIGALRM via setitimer in the main
    thread (support.concurrency's sigalrm) until the test ends."""
    with contextlib.ExitStack() as stack:
        yield lambda handler, first, interval=0.0: stack.enter_context(
            sigalrm(handler, first, interval))


@pytest.fixture
def default_timeout():
    """Set both modules' default timeout to 2.5 s; restore None after."""
    try:
        cffisock.setdefaulttimeout(2.5)
        stdlib_socket.setdefaulttimeout(2.5)
        yield 2.5
    finally:
        cffisock.setdefaulttimeout(None)
        stdlib_socket.setdefaulttimeout(None)


# -- the timeout exception --------------------------------------------------------


@pytest.mark.parametrize("handler", [
    cffisock.timeout, TimeoutError, stdlib_socket.timeout, OSError],
    ids=["cffisock.timeout", "TimeoutError", "stdlib-socket.timeout", "OSError"])
def test_timeout_is_caught_by_the_usual_handlers(connected_pair, handler):
    _, server_side = connected_pair
    server_side.settimeout(0.05)
    try:
        server_side.recv(1)
    except handler as exc:
        assert isinstance(exc, cffisock.timeout)
        assert str(exc) == str(stdlib_socket.timeout("timed out"))
    else:
        pytest.fail("recv did not time out")


def test_timeout_class_derives_from_the_stdlibs():
    assert issubclass(cffisock.timeout, TimeoutError)
    assert issubclass(cffisock.timeout, stdlib_socket.timeout)
    assert issubclass(cffisock.timeout, OSError)


# -- timeouts ----------------------------------------------------------------------------

RECEIVE_CALLS = {
    "recv": lambda sock: sock.recv(1),
    "recv_into": lambda sock: sock.recv_into(bytearray(1)),
    "recvfrom": lambda sock: sock.recvfrom(1),
    "recvfrom_into": lambda sock: sock.recvfrom_into(bytearray(1)),
}


@pytest.mark.parametrize("name", sorted(RECEIVE_CALLS))
def test_receive_times_out_after_the_timeout(connected_pair, name):
    _, server_side = connected_pair
    server_side.settimeout(0.3)
    elapsed = time_raising(cffisock.timeout, RECEIVE_CALLS[name], server_side)
    assert 0.25 <= elapsed < 2


def test_accept_times_out_after_the_timeout(tcp_listener):
    tcp_listener.settimeout(0.3)
    elapsed = time_raising(cffisock.timeout, tcp_listener.accept)
    assert 0.25 <= elapsed < 2


def test_connect_times_out_after_the_timeout(saturated_listener):
    with cffisock.socket() as sock:
        sock.settimeout(0.3)
        elapsed = time_raising(cffisock.timeout, sock.connect, saturated_listener)
    assert 0.25 <= elapsed < 2


def test_connect_ex_timing_out_returns_the_stdlibs_errno(saturated_listener):
    def connect_ex(mod):
        with mod.socket() as sock:
            sock.settimeout(0.2)
            return sock.connect_ex(saturated_listener)

    reference, result = same_outcome(connect_ex)
    assert result == reference
    assert result[0] == "returned" and result[1] != 0


def test_sendall_timeout_bounds_the_whole_call_when_peer_never_reads(connected_pair):
    client, _ = connected_pair
    client.settimeout(0.5)
    elapsed = time_raising(cffisock.timeout, client.sendall, bytes(64 << 20))
    assert 0.45 <= elapsed < 3


def test_sendall_timeout_bounds_the_whole_call_when_peer_reads_slowly(
        connected_pair, background):
    # The reader frees room every 50 ms, so no single wait of sendall ever
    # reaches the timeout: only a deadline over the whole call ends it.
    client, server_side = connected_pair
    stop = threading.Event()

    def read_slowly():
        server_side.settimeout(0.2)
        for _ in range(400):
            if stop.is_set():
                return
            try:
                server_side.recv(256 << 10)
            except cffisock.timeout:
                pass
            stop.wait(0.05)

    reader = background(read_slowly)
    client.settimeout(0.5)
    try:
        elapsed = time_raising(cffisock.timeout, client.sendall, bytes(64 << 20))
    finally:
        stop.set()
    reader.result()
    assert elapsed < 3


# -- non-blocking mode -----------------------------------------------------------------

NON_BLOCKING = pytest.mark.parametrize("make_non_blocking", [
    pytest.param(lambda sock: sock.settimeout(0), id="settimeout(0)"),
    pytest.param(lambda sock: sock.setblocking(False), id="setblocking(False)"),
])


@NON_BLOCKING
@pytest.mark.parametrize("name", sorted(RECEIVE_CALLS))
def test_non_blocking_receive_without_data_raises_blockingioerror(
        connected_pair, make_non_blocking, name):
    _, server_side = connected_pair
    make_non_blocking(server_side)
    with pytest.raises(BlockingIOError) as info:
        RECEIVE_CALLS[name](server_side)
    assert info.value.errno in (errno.EAGAIN, errno.EWOULDBLOCK)


@NON_BLOCKING
def test_non_blocking_accept_without_connection_raises_blockingioerror(
        tcp_listener, make_non_blocking):
    make_non_blocking(tcp_listener)
    with pytest.raises(BlockingIOError):
        tcp_listener.accept()


@NON_BLOCKING
def test_non_blocking_send_on_a_full_buffer_raises_blockingioerror(
        connected_pair, make_non_blocking):
    client, _ = connected_pair
    make_non_blocking(client)
    chunk = bytes(1 << 16)
    with pytest.raises(BlockingIOError):
        for _ in range(10000):
            client.send(chunk)


@NON_BLOCKING
def test_non_blocking_connect_reports_like_the_stdlib(
        make_non_blocking, tcp_listener):
    # On loopback the kernel may finish at once or report EINPROGRESS;
    # both modules must agree on what connect reports.
    def connect(mod):
        with mod.socket() as sock:
            make_non_blocking(sock)
            sock.connect(tcp_listener.getsockname())
            return "connected"

    reference, result = same_outcome(connect)
    assert result == reference


def test_blocking_recv_waits_for_data(connected_pair, background):
    client, server_side = connected_pair
    server_side.settimeout(None)
    peer = background(send_after, client, 0.2, b"late")
    start = time.monotonic()
    assert server_side.recv(10) == b"late"
    assert time.monotonic() - start >= 0.15
    peer.result()


def test_setblocking_true_after_false_blocks_again(connected_pair, background):
    client, server_side = connected_pair
    server_side.setblocking(False)
    server_side.setblocking(True)
    assert server_side.getblocking() is True
    peer = background(send_after, client, 0.2, b"again")
    assert server_side.recv(10) == b"again"
    peer.result()


# -- the default timeout ------------------------------------------------------------------


def new_socket(mod, stack):
    return [mod.socket()]


def new_socketpair(mod, stack):
    return list(mod.socketpair())


def accepted_socket(mod, stack):
    server = stack.enter_context(mod.create_server(("127.0.0.1", 0)))
    client = stack.enter_context(mod.create_connection(server.getsockname()))
    accepted, _ = server.accept()
    return [client, accepted]


def fromfd_socket(mod, stack):
    original = stack.enter_context(mod.socket())
    return [mod.fromfd(original.fileno(), mod.AF_INET, mod.SOCK_STREAM)]


def dup_of_a_blocking_socket(mod, stack):
    original = stack.enter_context(mod.socket())
    original.settimeout(None)
    return [original.dup()]


@pytest.mark.parametrize("make", [
    new_socket, new_socketpair, accepted_socket, fromfd_socket,
    dup_of_a_blocking_socket,
], ids=lambda make: make.__name__)
def test_default_timeout_applies_to_new_sockets_like_the_stdlib(default_timeout, make):
    def timeouts(mod):
        assert mod.getdefaulttimeout() == default_timeout
        with contextlib.ExitStack() as stack:
            sockets = [stack.enter_context(sock) for sock in make(mod, stack)]
            return [(sock.gettimeout(), os.get_blocking(sock.fileno()))
                    for sock in sockets]

    reference, result = same_outcome(timeouts)
    assert result == reference
    assert result[0] == "returned"


def test_default_timeout_makes_recv_time_out(default_timeout):
    cffisock.setdefaulttimeout(0.2)
    first, second = cffisock.socketpair()
    with first, second:
        elapsed = time_raising(cffisock.timeout, first.recv, 1)
    assert 0.15 <= elapsed < 2


@pytest.mark.parametrize("value, error", [
    (-1, ValueError), (float("nan"), ValueError), ("1", TypeError)])
def test_setdefaulttimeout_refuses_bad_values(default_timeout, value, error):
    with pytest.raises(error):
        cffisock.setdefaulttimeout(value)
    assert cffisock.getdefaulttimeout() == default_timeout


# -- the GIL is released while blocked --------------------------------------------------


def blocked_in_recv(stack, request):
    client, server_side = request.getfixturevalue("connected_pair")

    def wake():
        client.sendall(b"wake")

    return (lambda: server_side.recv(10)), wake, (lambda result: result == b"wake")


def blocked_in_accept(stack, request):
    listener = stack.enter_context(cffisock.create_server(("127.0.0.1", 0)))

    def wake():
        stack.enter_context(cffisock.create_connection(listener.getsockname(), timeout=5))

    def accept():
        accepted, _ = listener.accept()
        accepted.close()
        return "accepted"

    return accept, wake, (lambda result: result == "accepted")


def blocked_in_connect(stack, request):
    saturated = request.getfixturevalue("saturated_listener")
    sock = stack.enter_context(cffisock.socket())
    sock.settimeout(0.6)  # the held-back connect ends by itself

    def connect():
        try:
            sock.connect(saturated)
        except cffisock.timeout:
            return "timed out"
        return "connected"

    return connect, (lambda: None), (lambda result: result in ("timed out", "connected"))


@pytest.mark.parametrize("blocked_in", [
    blocked_in_recv, blocked_in_accept, blocked_in_connect,
], ids=lambda blocked: blocked.__name__)
def test_thread_blocked_in_a_call_lets_the_main_thread_run(
        request, background, blocked_in):
    with contextlib.ExitStack() as stack:
        call, wake, check = blocked_in(stack, request)
        entering = threading.Event()

        def blocked():
            entering.set()
            return call()

        thread = background(blocked)
        assert entering.wait(5)
        time.sleep(0.05)  # let it get into the system call
        count = count_for(0.3)
        wake()
        result = thread.result(timeout=10)
    assert count > 10000
    assert check(result)


def test_waiting_on_a_socket_closed_meanwhile_ends_at_once():
    """A call about to wait finds the socket closed by another thread (its
    descriptor is -1 by then): the wait ends at once, so the call's retry
    raises EBADF, instead of poll ignoring -1 and sleeping out the timeout.
    (The race itself is in tests/stress: a waiting call on a closed socket.)"""
    from cffisock._waiting import POLLIN, deadline_after, wait_fd

    started = time.monotonic()
    wait_fd(-1, POLLIN, deadline_after(5.0))
    assert time.monotonic() - started < 1.0


# -- EINTR and signal handlers (PEP 475) ---------------------------------------------------


@pytest.mark.parametrize("timeout", [None, 5.0], ids=["blocking", "timeout"])
def test_recv_returns_data_after_signal_handlers_ran(
        connected_pair, background, alarm, timeout):
    client, server_side = connected_pair
    server_side.settimeout(timeout)
    signals = []
    peer = background(send_after, client, 0.3, b"after signals")
    alarm(lambda signum, frame: signals.append(signum), 0.05, 0.05)
    assert server_side.recv(100) == b"after signals"
    assert signals, "the SIGALRM handler never ran"
    peer.result()


class Interrupted(Exception):
    pass


def raise_interrupted(signum, frame):
    raise Interrupted()


@pytest.mark.parametrize("timeout", [None, 5.0], ids=["blocking", "timeout"])
def test_signal_handler_exception_propagates_out_of_recv(
        connected_pair, background, alarm, timeout):
    client, server_side = connected_pair
    server_side.settimeout(timeout)
    cancelled = threading.Event()
    peer = background(send_after, client, 3.0, b"too late", cancelled)
    alarm(raise_interrupted, 0.05)
    try:
        elapsed = time_raising(Interrupted, server_side.recv, 100)
    finally:
        cancelled.set()
    peer.result()
    assert elapsed < 2


def test_signals_do_not_extend_the_timeout(connected_pair, alarm):
    _, server_side = connected_pair
    server_side.settimeout(0.5)
    signals = []

    def count_then_stop(signum, frame):
        signals.append(signum)
        if len(signals) >= 30:  # 1.5 s: a timeout restarted by each
            signal.setitimer(signal.ITIMER_REAL, 0)  # signal still ends

    alarm(count_then_stop, 0.05, 0.05)
    elapsed = time_raising(cffisock.timeout, server_side.recv, 100)
    assert 0.45 <= elapsed < 1.0
    assert len(signals) >= 3


@pytest.mark.parametrize("timeout", [None, 5.0], ids=["blocking", "timeout"])
def test_sendall_completes_despite_signal_handlers(
        connected_pair, background, alarm, timeout):
    client, server_side = connected_pair
    payload = os.urandom(16 << 20)

    def read_later():
        block_sigalrm_in_this_thread()
        time.sleep(0.3)
        return recv_exactly(server_side, len(payload))

    signals = []
    reader = background(read_later)
    client.settimeout(timeout)
    alarm(lambda signum, frame: signals.append(signum), 0.05, 0.05)
    client.sendall(payload)
    signal.setitimer(signal.ITIMER_REAL, 0)
    assert reader.result() == payload
    assert signals, "the SIGALRM handler never ran"


def test_accept_resumes_after_signal_handlers_ran(tcp_listener, background, alarm):
    def connect_later():
        block_sigalrm_in_this_thread()
        time.sleep(0.3)
        return cffisock.create_connection(tcp_listener.getsockname(), timeout=5)

    signals = []
    peer = background(connect_later)
    alarm(lambda signum, frame: signals.append(signum), 0.05, 0.05)
    accepted, _ = tcp_listener.accept()
    signal.setitimer(signal.ITIMER_REAL, 0)
    accepted.close()
    peer.result().close()
    assert signals


# -- PEP 446: new descriptors are non-inheritable ----------------------------------------


def fd_of_socket(stack, listener):
    return [stack.enter_context(cffisock.socket())]


def fd_of_udp_socket(stack, listener):
    return [stack.enter_context(cffisock.socket(cffisock.AF_INET, cffisock.SOCK_DGRAM))]


def fd_of_unix_socket(stack, listener):
    return [stack.enter_context(cffisock.socket(cffisock.AF_UNIX))]


def fd_of_socketpair(stack, listener):
    return [stack.enter_context(sock) for sock in cffisock.socketpair()]


def fd_of_accept(stack, listener):
    stack.enter_context(cffisock.create_connection(listener.getsockname(), timeout=5))
    return [stack.enter_context(listener.accept()[0])]


def fd_of_dup(stack, listener):
    original = stack.enter_context(cffisock.socket())
    original.set_inheritable(True)
    return [stack.enter_context(original.dup())]


def fd_of_fromfd(stack, listener):
    original = stack.enter_context(stdlib_socket.socket())
    original.set_inheritable(True)
    return [stack.enter_context(cffisock.fromfd(
        original.fileno(), cffisock.AF_INET, cffisock.SOCK_STREAM))]


def fd_of_create_connection(stack, listener):
    return [stack.enter_context(
        cffisock.create_connection(listener.getsockname(), timeout=5))]


def fd_of_create_server(stack, listener):
    return [stack.enter_context(cffisock.create_server(("127.0.0.1", 0)))]


def fd_of_makefile(stack, listener):
    sock = stack.enter_context(cffisock.socket())
    return [stack.enter_context(sock.makefile("rb"))]


@pytest.mark.parametrize("make", [
    fd_of_socket, fd_of_udp_socket, fd_of_unix_socket, fd_of_socketpair,
    fd_of_accept, fd_of_dup, fd_of_fromfd, fd_of_create_connection,
    fd_of_create_server, fd_of_makefile,
], ids=lambda make: make.__name__[len("fd_of_"):])
def test_new_descriptor_is_not_inheritable(tcp_listener, make):
    with contextlib.ExitStack() as stack:
        for obj in make(stack, tcp_listener):
            assert os.get_inheritable(obj.fileno()) is False
            if isinstance(obj, cffisock.socket):
                assert obj.get_inheritable() is False


@pytest.mark.parametrize("inheritable", [False, True])
def test_child_process_gets_the_socket_only_if_inheritable(inheritable):
    with cffisock.socket() as sock:
        sock.set_inheritable(inheritable)
        assert os.get_inheritable(sock.fileno()) is inheritable
        child = subprocess.run(
            [sys.executable, "-c", "import os, sys; os.fstat(int(sys.argv[1]))",
             str(sock.fileno())],
            close_fds=False, stderr=subprocess.DEVNULL, timeout=30)
    assert (child.returncode == 0) is inheritable


# -- no descriptor leaks on error paths -------------------------------------------------


class LeakContext:
    """What the failing calls need, made before the descriptors are counted."""

    def __init__(self, stack, tmp_path):
        self.closed_port = free_port()
        busy = stack.enter_context(cffisock.create_server(("127.0.0.1", 0)))
        self.busy_address = busy.getsockname()
        self.file_fd = os.open(str(tmp_path / "regular"), os.O_RDWR | os.O_CREAT)
        stack.callback(os.close, self.file_fd)
        self.closed_fd = max(open_fds()) + 100
        self.missing_path = str(tmp_path / "no-such-dir" / "socket")
        self.quiet_listener = stack.enter_context(cffisock.create_server(("127.0.0.1", 0)))
        self.quiet_listener.settimeout(0.001)


@pytest.fixture
def leak_context(tmp_path):
    with contextlib.ExitStack() as stack:
        yield LeakContext(stack, tmp_path)


def connect_refused(ctx):
    with cffisock.socket() as sock:
        sock.connect(("127.0.0.1", ctx.closed_port))


def connect_with_timeout_refused(ctx):
    with cffisock.socket() as sock:
        sock.settimeout(5)
        sock.connect(("127.0.0.1", ctx.closed_port))


def create_connection_refused(ctx):
    cffisock.create_connection(("127.0.0.1", ctx.closed_port), timeout=5)


def create_server_on_a_port_in_use(ctx):
    cffisock.create_server(ctx.busy_address)


def bind_port_out_of_range(ctx):
    with cffisock.socket() as sock:
        sock.bind(("127.0.0.1", 70000))


def bind_path_in_a_missing_directory(ctx):
    with cffisock.socket(cffisock.AF_UNIX) as sock:
        sock.bind(ctx.missing_path)


def socket_on_a_regular_file(ctx):
    cffisock.socket(fileno=ctx.file_fd)


def socket_on_a_closed_fd(ctx):
    cffisock.socket(fileno=ctx.closed_fd)


def fromfd_on_a_regular_file(ctx):
    cffisock.fromfd(ctx.file_fd, cffisock.AF_INET, cffisock.SOCK_STREAM)


def socket_with_invalid_family(ctx):
    cffisock.socket(12345)


def socketpair_of_unsupported_family(ctx):
    cffisock.socketpair(cffisock.AF_INET)


def connect_to_unresolvable_host(ctx):
    with cffisock.socket() as sock:
        sock.connect((UNRESOLVABLE, 80))


def create_connection_to_unresolvable_host(ctx):
    cffisock.create_connection((UNRESOLVABLE.encode("ascii"), 80), timeout=5)


def accept_timing_out(ctx):
    ctx.quiet_listener.accept()


FAILING_CALLS = [
    (connect_refused, ConnectionRefusedError, errno.ECONNREFUSED),
    (connect_with_timeout_refused, ConnectionRefusedError, errno.ECONNREFUSED),
    (create_connection_refused, ConnectionRefusedError, errno.ECONNREFUSED),
    (create_server_on_a_port_in_use, OSError, errno.EADDRINUSE),
    (bind_port_out_of_range, OverflowError, None),
    (bind_path_in_a_missing_directory, FileNotFoundError, errno.ENOENT),
    (socket_on_a_regular_file, OSError, errno.ENOTSOCK),
    (socket_on_a_closed_fd, OSError, errno.EBADF),
    (fromfd_on_a_regular_file, OSError, errno.ENOTSOCK),
    (socket_with_invalid_family, OSError, errno.EAFNOSUPPORT),
    (socketpair_of_unsupported_family, OSError, None),
    (connect_to_unresolvable_host, cffisock.gaierror, None),
    (create_connection_to_unresolvable_host, cffisock.gaierror, None),
    (accept_timing_out, cffisock.timeout, None),
]


@pytest.mark.parametrize("failing_call, exception, code", [
    pytest.param(*row, id=row[0].__name__) for row in FAILING_CALLS])
def test_failing_call_leaks_no_descriptor(leak_context, failing_call, exception, code):
    before = open_fds()
    for _ in range(100):
        with pytest.raises(exception) as info:
            failing_call(leak_context)
        if code is not None:
            assert info.value.errno == code
    assert open_fds() == before


def test_unresolvable_host_raises_a_gaierror_the_stdlib_catches():
    with cffisock.socket() as sock:
        with pytest.raises(stdlib_socket.gaierror) as info:
            sock.connect((UNRESOLVABLE, 80))
    assert type(info.value) is cffisock.gaierror


def test_unresolvable_host_error_matches_the_stdlib():
    def connect(mod):
        with mod.socket() as sock:
            sock.connect((UNRESOLVABLE, 80))

    reference, result = same_outcome(connect)
    assert result == reference
    assert result[1] == "gaierror"
