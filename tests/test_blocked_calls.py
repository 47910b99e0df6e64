"""While a call blocks: the GIL is released (another thread runs), a socket
closed meanwhile ends the wait, and signals are handled as PEP 475 says
(the call goes on after a handler ran, a handler's exception ends it, the
timeout keeps its deadline).

Every socket is on loopback; every thread is joined with a timeout.
"""

import contextlib
import os
import signal
import threading
import time

import pytest

import cffisock
from support.concurrency import (
    Interrupted,
    block_sigalrm_in_this_thread,
    send_after,
    sigalrm,
    time_raising,
)
from support.loopback import recv_exactly


def count_for(seconds):
    """Count loop iterations of this thread for ``seconds``."""
    count = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        count += 1
    return count


@pytest.fixture
def alarm():
    """``alarm(handler, first, interval)``: SIGALRM via setitimer in the main
    thread (support.concurrency's sigalrm) until the test ends."""
    with contextlib.ExitStack() as stack:
        yield lambda handler, first, interval=0.0: stack.enter_context(
            sigalrm(handler, first, interval))


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
