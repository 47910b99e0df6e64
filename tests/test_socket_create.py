"""Making sockets: socket() with a family, type and proto or a descriptor,
fromfd, socketpair, and what repr() shows, checked against the stdlib's
``socket`` module.

Wherever the answer is the kernel's or the stdlib's, the same operation is
done on a stdlib socket and the two outcomes are compared.  Every socket is
on loopback (127.0.0.1, ::1), a UNIX socket in tmp_path or a socketpair.
"""

import contextlib
import errno
import os
import re
import socket as stdlib_socket
import stat

import pytest

import cffisock
from support.comparison import MODULES, ON_PYPY, outcome
from support.descriptors import open_fds
from support.loopback import (
    connected_tcp,
    describe,
    listening,
    module_default_timeout,
    recv_exactly,
    requires_ipv6,
    udp_bound,
)


# -- creation, family, type, proto -----------------------------------------------

KINDS = [
    pytest.param("AF_INET", "SOCK_STREAM", id="inet-stream"),
    pytest.param("AF_INET", "SOCK_DGRAM", id="inet-dgram"),
    pytest.param("AF_UNIX", "SOCK_STREAM", id="unix-stream"),
    pytest.param("AF_UNIX", "SOCK_DGRAM", id="unix-dgram"),
    pytest.param("AF_INET6", "SOCK_STREAM", id="inet6-stream", marks=requires_ipv6),
]


def test_default_socket_is_tcp_over_ipv4():
    with cffisock.socket() as sock, stdlib_socket.socket() as reference:
        assert sock.family is cffisock.AddressFamily.AF_INET
        assert sock.type is cffisock.SocketKind.SOCK_STREAM
        assert describe(sock) == describe(reference)


@pytest.mark.parametrize("family, kind", KINDS)
def test_family_type_proto_are_the_stdlibs_enums(family, kind):
    with cffisock.socket(getattr(cffisock, family), getattr(cffisock, kind)) as sock, \
            stdlib_socket.socket(getattr(stdlib_socket, family),
                                 getattr(stdlib_socket, kind)) as reference:
        assert isinstance(sock.family, cffisock.AddressFamily)
        assert isinstance(sock.type, cffisock.SocketKind)
        assert describe(sock) == describe(reference)


@pytest.mark.parametrize("flags", ["SOCK_CLOEXEC", "SOCK_NONBLOCK"])
def test_type_property_masks_creation_flags(flags):
    kind = cffisock.SOCK_STREAM | getattr(cffisock, flags)
    with cffisock.socket(cffisock.AF_INET, kind) as sock:
        assert sock.type is cffisock.SocketKind.SOCK_STREAM


@MODULES
def test_nonblock_type_gives_timeout_zero(mod):
    with mod.socket(mod.AF_INET, mod.SOCK_STREAM | mod.SOCK_NONBLOCK) as sock:
        assert sock.timeout == 0.0
        assert sock.gettimeout() == 0.0
        assert sock.getblocking() is False
        assert os.get_blocking(sock.fileno()) is False


def test_invalid_family_raises_eafnosupport():
    with pytest.raises(OSError) as info:
        cffisock.socket(12345)
    assert info.value.errno == errno.EAFNOSUPPORT


# -- socket(fileno=...), fromfd, socketpair ---------------------------------------


@pytest.mark.parametrize("family, kind", KINDS)
def test_fileno_argument_detects_family_type_proto(family, kind):
    with stdlib_socket.socket(getattr(stdlib_socket, family),
                              getattr(stdlib_socket, kind)) as original:
        with cffisock.socket(fileno=os.dup(original.fileno())) as adopted, \
                stdlib_socket.socket(fileno=os.dup(original.fileno())) as reference:
            assert isinstance(adopted.family, cffisock.AddressFamily)
            assert describe(adopted) == describe(reference)


def test_fileno_argument_adopts_the_descriptor_itself():
    first, second = cffisock.socketpair()
    fd = first.detach()
    with cffisock.socket(fileno=fd) as adopted, second:
        assert adopted.fileno() == fd
        adopted.sendall(b"ping")
        assert second.recv(4) == b"ping"


def test_fileno_of_a_regular_file_raises_enotsock_and_leaves_it_open(tmp_path):
    fd = os.open(str(tmp_path / "plain"), os.O_RDWR | os.O_CREAT)
    try:
        with pytest.raises(OSError) as info:
            cffisock.socket(fileno=fd)
        assert info.value.errno == errno.ENOTSOCK
        os.fstat(fd)  # still the caller's descriptor
    finally:
        os.close(fd)


def test_fromfd_duplicates_the_descriptor(connected_pair):
    client, server_side = connected_pair
    with cffisock.fromfd(client.fileno(), cffisock.AF_INET, cffisock.SOCK_STREAM) as copy:
        assert copy.fileno() != client.fileno()
        assert copy.family is cffisock.AddressFamily.AF_INET
        assert copy.type is cffisock.SocketKind.SOCK_STREAM
        copy.sendall(b"via copy")
        assert recv_exactly(server_side, 8) == b"via copy"
    client.sendall(b"original")  # closing the copy left the original open
    assert recv_exactly(server_side, 8) == b"original"


@pytest.mark.parametrize("kind", ["SOCK_STREAM", "SOCK_DGRAM"])
def test_socketpair_is_connected_both_ways(kind):
    first, second = cffisock.socketpair(cffisock.AF_UNIX, getattr(cffisock, kind))
    with first, second:
        assert first.family is cffisock.AddressFamily.AF_UNIX
        assert first.type is getattr(cffisock.SocketKind, kind)
        first.sendall(b"there")
        second.sendall(b"back")
        assert second.recv(16) == b"there"
        assert first.recv(16) == b"back"


def test_socketpair_defaults_match_the_stdlib():
    first, second = cffisock.socketpair()
    one, two = stdlib_socket.socketpair()
    with first, second, one, two:
        assert describe(first) == describe(one)
        assert describe(second) == describe(two)


# -- repr --------------------------------------------------------------------------


def normalized_repr(sock, paths=()):
    text = repr(sock).replace("<socket.socket", "<cffisock.socket")
    for path in paths:
        text = text.replace(str(path), "PATH")
    text = re.sub(r"fd=\d+", "fd=N", text)
    return re.sub(r"(\('[^']*', )\d+", r"\1PORT", text)


def repr_unbound(mod, stack, place):
    return stack.enter_context(mod.socket())


def repr_listener(mod, stack, place):
    return listening(mod, stack)


def repr_client(mod, stack, place):
    return connected_tcp(mod, stack)[0]


def repr_accepted(mod, stack, place):
    return connected_tcp(mod, stack)[1]


def repr_closed(mod, stack, place):
    client = connected_tcp(mod, stack)[0]
    client.close()
    return client


def repr_udp(mod, stack, place):
    return udp_bound(mod, stack)


def repr_unix_unbound(mod, stack, place):
    return stack.enter_context(mod.socket(mod.AF_UNIX))


def repr_unix_bound(mod, stack, place):
    return listening(mod, stack, mod.AF_UNIX, str(place / "s"))


@pytest.mark.parametrize("scenario", [
    repr_unbound, repr_listener, repr_client, repr_accepted, repr_closed,
    repr_udp, repr_unix_unbound, repr_unix_bound,
], ids=lambda scenario: scenario.__name__[len("repr_"):])
def test_repr_has_the_stdlibs_shape(scenario, tmp_path):
    places = {}
    for name in ("stdlib", "cffisock"):
        places[name] = tmp_path / name
        places[name].mkdir()
    paths = [places[name] / "s" for name in places]
    with contextlib.ExitStack() as stack:
        reference = scenario(stdlib_socket, stack, places["stdlib"])
        sock = scenario(cffisock, stack, places["cffisock"])
        assert repr(sock).startswith("<cffisock.socket ")
        assert normalized_repr(sock, paths) == normalized_repr(reference, paths)


def test_repr_shows_the_descriptor():
    with cffisock.socket() as sock:
        assert "fd=%d," % sock.fileno() in repr(sock)


# -- socketpair and fromfd ---------------------------------------------------------------


@pytest.mark.parametrize("kind_name", ["SOCK_STREAM", "SOCK_DGRAM", "SOCK_SEQPACKET"])
def test_socketpair(fd_leak_check, kind_name):
    kind_value = getattr(cffisock, kind_name)
    a, b = cffisock.socketpair(cffisock.AF_UNIX, kind_value)
    c, d = stdlib_socket.socketpair(stdlib_socket.AF_UNIX, getattr(stdlib_socket, kind_name))
    with a, b, c, d:
        for ours, theirs in ((a, c), (b, d)):
            assert type(ours) is cffisock.socket
            assert (ours.family, ours.type, ours.proto) == \
                (theirs.family, theirs.type, theirs.proto)
            assert ours.type is kind_value
            assert ours.gettimeout() == theirs.gettimeout()
            assert ours.get_inheritable() == theirs.get_inheritable() is False
            assert ours.getsockname() == theirs.getsockname()
        a.settimeout(5)
        b.settimeout(5)
        a.sendall(b"one")
        a.sendall(b"two")
        b.sendall(b"back")
        assert a.recv(10) == b"back"
        if kind_value == cffisock.SOCK_STREAM:
            received = b""
            while len(received) < 6:  # bounded: the timeout ends a stall
                received += b.recv(10)
            assert received == b"onetwo"
        else:  # message boundaries are kept
            assert b.recv(10) == b"one"
            assert b.recv(10) == b"two"


def test_socketpair_defaults(fd_leak_check):
    a, b = cffisock.socketpair()
    with a, b:
        assert (a.family, a.type) == (cffisock.AF_UNIX, cffisock.SOCK_STREAM)
        c, d = stdlib_socket.socketpair()
        with c, d:
            assert (a.family, a.type, a.proto) == (c.family, c.type, c.proto)


def test_socketpair_uses_the_default_timeout(fd_leak_check):
    with module_default_timeout(cffisock, 4.0):
        a, b = cffisock.socketpair()
        with a, b:
            assert a.gettimeout() == b.gettimeout() == 4.0


def test_socketpair_errors_equal_stdlib(fd_leak_check):
    for args in [(cffisock.AF_INET, cffisock.SOCK_STREAM), (12345,),
                 (cffisock.AF_UNIX, 12345)]:
        assert outcome(cffisock.socketpair, *args)[:2] == \
            outcome(stdlib_socket.socketpair, *args)[:2]


def test_fromfd_duplicates(fd_leak_check):
    a, b = cffisock.socketpair()
    with a, b:
        b.settimeout(5)
        copy = cffisock.fromfd(a.fileno(), cffisock.AF_UNIX, cffisock.SOCK_STREAM)
        with copy:
            assert type(copy) is cffisock.socket
            assert copy.fileno() not in (-1, a.fileno())
            assert (copy.family, copy.type, copy.proto) == (a.family, a.type, a.proto)
            assert copy.get_inheritable() is False
            assert os.path.samestat(os.fstat(copy.fileno()), os.fstat(a.fileno()))
            copy.sendall(b"from copy")
            assert b.recv(20) == b"from copy"
        # Closing the copy leaves the original open.
        a.sendall(b"original")
        assert b.recv(20) == b"original"


def test_fromfd_of_a_tcp_socket(fd_leak_check, connected_pair):
    client, server_side = connected_pair
    with cffisock.fromfd(client.fileno(), cffisock.AF_INET, cffisock.SOCK_STREAM) as copy:
        assert copy.getpeername() == client.getpeername()
        assert copy.getsockname() == client.getsockname()
        copy.sendall(b"x")
        assert server_side.recv(1) == b"x"


def live_fds():
    """open_fds() without the descriptor it used to list /proc/self/fd."""
    def is_open(fd):
        try:
            os.fstat(fd)
        except OSError:
            return False
        return True

    return {fd for fd in open_fds() if is_open(fd)}


def stdlib_fromfd_outcome(fd):
    """The stdlib's fromfd outcome.  Its fromfd leaks the duplicate when the
    descriptor is not a socket (it does not close it when socket() fails):
    that descriptor is closed here so that the test does not leak it.

    PyPy's socket module does not check that the descriptor is a socket;
    cffisock follows CPython, whose answer for a non-socket is ENOTSOCK.
    The socket PyPy returns then holds the duplicate closed here: it is
    detached, so that collecting it later cannot close that number again
    once another test reuses it."""
    before = live_fds()
    try:
        result = outcome(stdlib_socket.fromfd, fd, stdlib_socket.AF_INET,
                         stdlib_socket.SOCK_STREAM)
    finally:
        for leaked in live_fds() - before:
            os.close(leaked)
    if ON_PYPY and result[0] == "returned" and not stat.S_ISSOCK(os.fstat(fd).st_mode):
        result.value.detach()
        return ("raised", "OSError", errno.ENOTSOCK)
    return result


@pytest.mark.parametrize("which", ["closed", "not-a-socket", "negative"])
def test_fromfd_errors_equal_stdlib_and_leave_nothing_open(fd_leak_check, which):
    fd = os.open(os.devnull, os.O_RDONLY)
    if which == "closed":
        os.close(fd)
    try:
        number = -1 if which == "negative" else fd
        before = live_fds()
        ours = outcome(cffisock.fromfd, number, cffisock.AF_INET, cffisock.SOCK_STREAM)
        assert live_fds() == before  # the duplicate is closed on failure
        assert ours == stdlib_fromfd_outcome(number)
        assert ours[0] == "raised"
    finally:
        if which != "closed":
            os.close(fd)
