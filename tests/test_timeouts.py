"""Timeouts and blocking mode: the timeout exception, settimeout and the
timeout state, calls that time out, non-blocking mode, and the module's
default timeout, checked against the stdlib.

Every socket is on loopback; every thread is joined with a timeout.
"""

import contextlib
import errno
import os
import socket as stdlib_socket
import threading
import time
from decimal import Decimal
from fractions import Fraction

import pytest

import cffisock
from support.comparison import outcome, same_outcome
from support.concurrency import send_after, time_raising
from support.loopback import module_default_timeout, on_socket


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


# -- timeouts and blocking mode -------------------------------------------------------


@pytest.mark.parametrize("how", [
    pytest.param(lambda s: s.settimeout(None), id="settimeout(None)"),
    pytest.param(lambda s: s.settimeout(0), id="settimeout(0)"),
    pytest.param(lambda s: s.settimeout(0.0), id="settimeout(0.0)"),
    pytest.param(lambda s: s.settimeout(3), id="settimeout(3)"),
    pytest.param(lambda s: s.settimeout(2.5), id="settimeout(2.5)"),
    pytest.param(lambda s: s.setblocking(False), id="setblocking(False)"),
    pytest.param(lambda s: s.setblocking(True), id="setblocking(True)"),
    pytest.param(lambda s: (s.settimeout(1), s.setblocking(True)), id="timeout-then-blocking"),
])
def test_timeout_state_matches_the_stdlib(how):
    def state(mod):
        with mod.socket() as sock:
            how(sock)
            timeout = sock.gettimeout()
            return (timeout, type(timeout), sock.timeout, sock.getblocking(),
                    os.get_blocking(sock.fileno()))

    reference, result = same_outcome(state)
    assert result == reference


@pytest.mark.parametrize("value", [-1, -0.5, "1", b"1", 1j])
def test_invalid_timeout_is_refused_like_the_stdlib(value):
    reference, result = same_outcome(on_socket(lambda m, s: s.settimeout(value)))
    assert result[:2] == reference[:2]
    assert result[0] == "raised"


@pytest.mark.parametrize("value", [Fraction(1, 5), Decimal("0.2")], ids=["Fraction", "Decimal"])
def test_any_real_number_is_a_timeout_as_in_python_3_15(value):
    """3.15's settimeout takes any real number (its __float__); cffisock
    does on every version, and rounds it as the float it converts to."""
    with cffisock.socket() as sock:
        sock.settimeout(value)
        assert sock.gettimeout() == 0.2
    previous = cffisock.getdefaulttimeout()
    cffisock.setdefaulttimeout(value)
    try:
        assert cffisock.getdefaulttimeout() == 0.2
    finally:
        cffisock.setdefaulttimeout(previous)


def test_nan_timeout_raises_valueerror():
    # CPython's behaviour (PyPy's own socket module accepts NaN).
    with cffisock.socket() as sock:
        with pytest.raises(ValueError):
            sock.settimeout(float("nan"))


def test_new_socket_is_blocking():
    with cffisock.socket() as sock:
        assert sock.gettimeout() is None
        assert sock.timeout is None
        assert sock.getblocking() is True


@pytest.mark.parametrize("value", [None, 0, 0.0, 1, 2.5, True, 10**6, -1, -0.5, "a",
                                   b"1", [1]])
def test_setdefaulttimeout_equals_stdlib(value):
    def set_and_get(module):
        with module_default_timeout(module, None):
            result = outcome(module.setdefaulttimeout, value)
            current = module.getdefaulttimeout()
            with module.socket() as sock:
                return result, current, type(current), sock.gettimeout()

    assert set_and_get(cffisock) == set_and_get(stdlib_socket)
    assert cffisock.getdefaulttimeout() is None


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 1e300, 10**20, -1, "a"])
def test_setdefaulttimeout_validates_like_settimeout(value):
    # cffisock validates both the same way; test_socket_conformance.py compares
    # settimeout with the stdlib for these values.
    with cffisock.socket() as sock:
        expected = outcome(sock.settimeout, value)
    with module_default_timeout(cffisock, None):
        assert outcome(cffisock.setdefaulttimeout, value)[:2] == expected[:2]


def test_default_timeout_reaches_new_and_accepted_sockets(fd_leak_check):
    def timeouts(module):
        with module_default_timeout(module, 2.5):
            with module.create_server(("127.0.0.1", 0)) as server, \
                    module.create_connection(server.getsockname()) as client:
                conn, _ = server.accept()
                with conn:
                    return (server.gettimeout(), client.gettimeout(), conn.gettimeout(),
                            conn.getblocking())

    assert timeouts(cffisock) == timeouts(stdlib_socket) == (2.5, 2.5, 2.5, True)
    assert cffisock.getdefaulttimeout() is None


def test_accepted_socket_blocks_when_default_is_none(fd_leak_check):
    def accepted(module):
        with module.create_server(("127.0.0.1", 0)) as server, \
                module.create_connection(server.getsockname(), timeout=5) as client:
            server.settimeout(5)
            conn, peer = server.accept()
            with conn:
                assert peer == client.getsockname()
                return conn.gettimeout(), conn.getblocking()

    assert accepted(cffisock) == accepted(stdlib_socket)
