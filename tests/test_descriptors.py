"""A socket's descriptor: close (idempotent, and what a closed socket
refuses), detach, the context manager, the warning of an unclosed socket,
dup, inheritance (PEP 446: every new descriptor is non-inheritable), and no
descriptor left open when a call fails.

Every socket is on loopback, a UNIX socket in tmp_path or a socketpair.
"""

import contextlib
import errno
import gc
import os
import socket as stdlib_socket
import subprocess
import sys
import warnings

import pytest

import cffisock
from support.comparison import same_outcome
from support.descriptors import open_fds
from support.loopback import UNRESOLVABLE_NAME, describe, free_port, recv_exactly


# -- closing, detach, context manager -------------------------------------------------


def test_close_is_idempotent_and_fileno_becomes_minus_one():
    before = open_fds()
    sock = cffisock.socket()
    assert sock.fileno() >= 0
    sock.close()
    sock.close()
    assert sock.fileno() == -1
    assert open_fds() == before


def test_context_manager_returns_the_socket_and_closes_it():
    sock = cffisock.socket()
    with sock as entered:
        assert entered is sock
        assert sock.fileno() >= 0
    assert sock.fileno() == -1
    assert "[closed]" in repr(sock)


def test_context_manager_after_explicit_close_is_fine():
    with cffisock.socket() as sock:
        sock.close()
    assert sock.fileno() == -1


CLOSED_OPERATIONS = {
    "accept": lambda s, m: s.accept(),
    "bind": lambda s, m: s.bind(("127.0.0.1", 0)),
    "connect": lambda s, m: s.connect(("127.0.0.1", 9)),
    "connect_ex": lambda s, m: s.connect_ex(("127.0.0.1", 9)),
    "dup": lambda s, m: s.dup(),
    "get_inheritable": lambda s, m: s.get_inheritable(),
    "set_inheritable": lambda s, m: s.set_inheritable(True),
    "getpeername": lambda s, m: s.getpeername(),
    "getsockname": lambda s, m: s.getsockname(),
    "getsockopt": lambda s, m: s.getsockopt(m.SOL_SOCKET, m.SO_TYPE),
    "getsockopt-buflen": lambda s, m: s.getsockopt(m.SOL_SOCKET, m.SO_TYPE, 4),
    "setsockopt": lambda s, m: s.setsockopt(m.SOL_SOCKET, m.SO_REUSEADDR, 1),
    "listen": lambda s, m: s.listen(),
    "recv": lambda s, m: s.recv(1),
    "recv_into": lambda s, m: s.recv_into(bytearray(1)),
    "recvfrom": lambda s, m: s.recvfrom(1),
    "recvfrom_into": lambda s, m: s.recvfrom_into(bytearray(1)),
    "send": lambda s, m: s.send(b"x"),
    "sendall": lambda s, m: s.sendall(b"x"),
    "sendto": lambda s, m: s.sendto(b"x", ("127.0.0.1", 9)),
    "setblocking": lambda s, m: s.setblocking(False),
    "settimeout": lambda s, m: s.settimeout(1.0),
    "shutdown": lambda s, m: s.shutdown(m.SHUT_RDWR),
}


@pytest.mark.parametrize("name", sorted(CLOSED_OPERATIONS))
def test_operation_on_closed_socket_fails_like_the_stdlib(name):
    operation = CLOSED_OPERATIONS[name]

    def on_closed(mod):
        sock = mod.socket()
        sock.close()
        return operation(sock, mod)

    reference, result = same_outcome(on_closed)
    assert result == reference
    if name != "connect_ex":
        assert result == ("raised", "OSError", errno.EBADF)


def test_detach_returns_the_open_descriptor_and_closes_the_object():
    sock = cffisock.socket()
    fd = sock.fileno()
    assert sock.detach() == fd
    assert sock.fileno() == -1
    assert "[closed]" in repr(sock)
    with stdlib_socket.socket(fileno=fd) as rewrapped:  # still open
        assert rewrapped.family == stdlib_socket.AF_INET
    sock.close()  # closing the detached object leaves the fd alone


def collect_until(predicate, rounds=5):
    for _ in range(rounds):
        gc.collect()
        if predicate():
            return


def test_unclosed_socket_warns_and_is_closed_when_collected():
    before = open_fds()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sock = cffisock.socket()
        text = repr(sock)
        del sock
        collect_until(lambda: caught)
    # Only this socket's warning: on PyPy the collection may also finalise
    # garbage that earlier tests left behind.
    resource = [w for w in caught if issubclass(w.category, ResourceWarning)
                and text[1:-1] in str(w.message)]
    assert resource, "no ResourceWarning for an unclosed socket"
    assert "unclosed" in str(resource[0].message)
    assert text[1:-1] in str(resource[0].message)
    assert open_fds() == before


@pytest.mark.parametrize("finish", [
    pytest.param(lambda sock: sock.close(), id="closed"),
    pytest.param(lambda sock: os.close(sock.detach()), id="detached"),
])
def test_finished_socket_does_not_warn_when_collected(finish):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sock = cffisock.socket()
        finish(sock)
        del sock
        collect_until(lambda: False, rounds=2)
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]


def test_close_of_a_descriptor_closed_behind_its_back_raises_like_the_stdlib():
    def close_twice(mod):
        sock = mod.socket()
        os.close(sock.fileno())
        try:
            sock.close()
        finally:
            assert sock.fileno() == -1

    reference, result = same_outcome(close_twice)
    assert result == reference == ("raised", "OSError", errno.EBADF)


# -- dup and inheritance ---------------------------------------------------------------


@pytest.mark.parametrize("timeout", [None, 0.0, 2.5])
def test_dup_has_a_new_descriptor_and_the_same_timeout(timeout):
    with cffisock.socket() as sock:
        sock.settimeout(timeout)
        with sock.dup() as copy:
            assert copy.fileno() not in (-1, sock.fileno())
            assert copy.gettimeout() == timeout
            assert os.get_blocking(copy.fileno()) == (timeout is None)
            assert describe(copy) == describe(sock)
            assert copy.get_inheritable() is False


def test_dup_shares_the_connection(connected_pair):
    client, server_side = connected_pair
    with client.dup() as copy:
        copy.sendall(b"from dup")
    assert recv_exactly(server_side, 8) == b"from dup"


def test_new_socket_is_not_inheritable_and_can_be_made_so():
    with cffisock.socket() as sock:
        assert sock.get_inheritable() is False
        sock.set_inheritable(True)
        assert sock.get_inheritable() is True
        assert os.get_inheritable(sock.fileno()) is True
        sock.set_inheritable(False)
        assert os.get_inheritable(sock.fileno()) is False


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
        sock.connect((UNRESOLVABLE_NAME, 80))


def create_connection_to_unresolvable_host(ctx):
    cffisock.create_connection((UNRESOLVABLE_NAME.encode("ascii"), 80), timeout=5)


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


# -- close(fd) and dup(fd) on bare descriptors -----------------------------------------


def test_module_close_closes_a_descriptor_and_refuses_a_closed_one_like_the_stdlib():
    for module in (stdlib_socket, cffisock):
        fd = cffisock.socket().detach()
        assert module.close(fd) is None
        with pytest.raises(OSError):
            os.fstat(fd)  # closed
        with pytest.raises(OSError) as closed:
            module.close(fd)
        assert closed.value.errno == errno.EBADF
        with pytest.raises(TypeError):  # (its words vary with the version)
            module.close("3")


def test_module_dup_gives_a_non_inheritable_copy_like_the_stdlib():
    with cffisock.socket() as sock:
        for module in (stdlib_socket, cffisock):
            copy = module.dup(sock.fileno())
            try:
                assert copy != sock.fileno() and not os.get_inheritable(copy)
                with cffisock.socket(fileno=copy) as twin:
                    assert twin.getsockname() == sock.getsockname()
            except BaseException:
                os.close(copy)
                raise
        fd = sock.detach()
    os.close(fd)
    with pytest.raises(OSError) as bad:
        cffisock.dup(fd)
    assert bad.value.errno == errno.EBADF


@pytest.mark.parametrize("function", ["close", "dup"])
def test_a_descriptor_beyond_a_c_int_is_refused_not_cut(function):
    """The stdlib's close(2**32) closes descriptor 0 (it keeps the low 32
    bits): cffisock refuses the number."""
    with pytest.raises(OverflowError):
        getattr(cffisock, function)(2 ** 32)
