"""Connections: connect, connect_ex, listen, accept and shutdown on the
socket object, and the module functions create_connection, create_server
and has_dualstack_ipv6, checked against the stdlib.

All sockets are on 127.0.0.1, ::1 (or its IPv4-mapped form
::ffff:127.0.0.1) and UNIX sockets; the only name resolved is 'localhost'
(and None, the loopback addresses).
"""

import builtins
import contextlib
import errno
import gc
import socket as stdlib_socket

import pytest

import cffisock
from support.comparison import same_outcome, stands_for
from support.loopback import (
    accept_and_check,
    describe,
    free_port,
    module_default_timeout,
    on_socket,
    requires_ipv6,
)


# -- connect, connect_ex, listen, accept, shutdown --------------------------------------


def test_connect_ex_returns_zero_on_success(tcp_listener):
    with cffisock.socket() as client:
        assert client.connect_ex(tcp_listener.getsockname()) == 0
        accepted, _ = tcp_listener.accept()
        accepted.close()


def test_connect_ex_returns_the_errno_like_the_stdlib():
    port = free_port()

    def refused(mod):
        with mod.socket() as sock:
            return sock.connect_ex(("127.0.0.1", port))

    reference, result = same_outcome(refused)
    assert result == reference == ("returned", errno.ECONNREFUSED)


def test_connect_refused_raises_connectionrefusederror():
    with cffisock.socket() as sock:
        with pytest.raises(ConnectionRefusedError) as info:
            sock.connect(("127.0.0.1", free_port()))
    assert info.value.errno == errno.ECONNREFUSED


@pytest.mark.parametrize("backlog", [None, 0, 5, -1])
def test_listen_accepts_connections(backlog):
    with cffisock.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen() if backlog is None else server.listen(backlog)
        assert server.getsockopt(cffisock.SOL_SOCKET, cffisock.SO_ACCEPTCONN) == 1
        with cffisock.create_connection(server.getsockname(), timeout=10):
            accepted, _ = server.accept()
            accepted.close()


def test_accept_returns_a_connected_socket_like_the_listener(tcp_listener):
    with cffisock.create_connection(tcp_listener.getsockname(), timeout=10) as client:
        accepted, address = tcp_listener.accept()
        with accepted:
            assert isinstance(accepted, cffisock.socket)
            assert describe(accepted)[:4] == describe(tcp_listener)[:4]
            assert address == client.getsockname()
            assert accepted.gettimeout() is None


@pytest.mark.parametrize("how, stops_reading_on", [
    ("SHUT_WR", "peer"),
    ("SHUT_RDWR", "peer"),
    ("SHUT_RD", "self"),
])
def test_shutdown_ends_the_stream(connected_pair, how, stops_reading_on):
    client, server_side = connected_pair
    client.shutdown(getattr(cffisock, how))
    reader = server_side if stops_reading_on == "peer" else client
    reader.settimeout(10)
    assert reader.recv(10) == b""


def test_shutdown_unconnected_raises_like_the_stdlib():
    reference, result = same_outcome(
        on_socket(lambda m, s: s.shutdown(m.SHUT_RDWR)))
    assert result == reference
    assert result[0] == "raised"


HAS_EXCEPTION_GROUP = hasattr(builtins, "ExceptionGroup")


LOOPBACK = {cffisock.AF_INET: "127.0.0.1", cffisock.AF_INET6: "::1"}


@contextlib.contextmanager
def refusing_address():
    """A TCP socket bound to 127.0.0.1 that does not listen: connecting to it
    is refused.  Yields its address."""
    with cffisock.socket(cffisock.AF_INET, cffisock.SOCK_STREAM) as door:
        door.bind(("127.0.0.1", 0))
        yield door.getsockname()


@contextlib.contextmanager
def loopbacks_on_one_port(listening_family=None, attempts=20):
    """TCP sockets bound to one port on both 127.0.0.1 and ::1.  The one of
    ``listening_family`` (if any) listens, the other refuses connections.
    Yields ``(port, listener or None)``; bounded retries if the port is taken
    on ::1."""
    for _ in range(attempts):
        with contextlib.ExitStack() as stack:
            sockets = {family: stack.enter_context(cffisock.socket(family))
                       for family in LOOPBACK}
            sockets[cffisock.AF_INET].bind(("127.0.0.1", 0))
            port = sockets[cffisock.AF_INET].getsockname()[1]
            try:
                sockets[cffisock.AF_INET6].bind(("::1", port))
            except OSError:
                continue
            listener = sockets.get(listening_family)
            if listener is not None:
                listener.listen()
            yield port, listener
            return
    pytest.fail("no port was free on both loopbacks in %d attempts" % attempts)


def loopback_families():
    """The families of the loopback addresses create_connection((None, port))
    tries, in its order (getaddrinfo(None, ...) for TCP); skips the test if
    this machine does not give both 127.0.0.1 and ::1."""
    families = [info[0] for info in
                stdlib_socket.getaddrinfo(None, 0, 0, stdlib_socket.SOCK_STREAM)]
    if sorted(families) != sorted(LOOPBACK):
        pytest.skip("getaddrinfo(None) does not give both loopbacks here: %r" % families)
    return families


# -- create_connection -------------------------------------------------------------------


def test_create_connection_connects(fd_leak_check, tcp_listener):
    with cffisock.create_connection(tcp_listener.getsockname()) as client:
        assert type(client) is cffisock.socket
        assert client.family is cffisock.AF_INET
        assert client.type is cffisock.SOCK_STREAM
        assert client.getpeername() == tcp_listener.getsockname()
        assert client.gettimeout() is None  # the module default
        accept_and_check(tcp_listener, client)


@pytest.mark.parametrize("timeout", [2.5, 7, None])
def test_create_connection_timeout_sets_the_timeout(fd_leak_check, tcp_listener, timeout):
    address = tcp_listener.getsockname()
    with cffisock.create_connection(address, timeout=timeout) as ours, \
            stdlib_socket.create_connection(address, timeout=timeout) as theirs:
        assert ours.gettimeout() == theirs.gettimeout()
        assert ours.gettimeout() == (None if timeout is None else float(timeout))
        assert ours.getblocking() is theirs.getblocking() is True
        for _ in range(2):
            tcp_listener.accept()[0].close()


def test_create_connection_uses_the_default_timeout(fd_leak_check, tcp_listener):
    with module_default_timeout(cffisock, 3.5):
        with cffisock.create_connection(tcp_listener.getsockname()) as client:
            assert client.gettimeout() == 3.5
        tcp_listener.accept()[0].close()


def test_create_connection_source_address_binds(fd_leak_check, tcp_listener):
    with cffisock.create_connection(tcp_listener.getsockname(), timeout=10,
                                    source_address=("127.0.0.1", 0)) as client:
        host, port = client.getsockname()
        assert host == "127.0.0.1" and port != 0
        conn, peer = tcp_listener.accept()
        with conn:
            assert peer == (host, port)


def test_create_connection_explicit_source_port(fd_leak_check, tcp_listener):
    # A port that was free a moment ago (released just before the call).
    with cffisock.socket() as reserve:
        reserve.bind(("127.0.0.1", 0))
        source = reserve.getsockname()
    with cffisock.create_connection(tcp_listener.getsockname(), timeout=10,
                                    source_address=source) as client:
        assert client.getsockname() == source
        tcp_listener.accept()[0].close()


def test_create_connection_localhost(fd_leak_check):
    # The listener is only on 127.0.0.1.  Where 'localhost' resolves to ::1
    # first, create_connection must go past the refused ::1 attempt; where it
    # resolves to 127.0.0.1 alone (this machine's hosts file, and many
    # containers) this is the one-address case of the same loop.  The
    # deterministic several-address cases use (None, port) below.
    with cffisock.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        with cffisock.create_connection(("localhost", port), timeout=10) as client:
            assert client.getpeername() == ("127.0.0.1", port)
            accept_and_check(server, client)


@requires_ipv6
def test_create_connection_tries_every_address_until_one_connects(fd_leak_check):
    # (None, port) resolves to both loopbacks, in this machine's order.  Only
    # the last address listens; the first refuses, so connecting proves the
    # loop went on past a failure.
    families = loopback_families()
    with loopbacks_on_one_port(listening_family=families[-1]) as (port, server):
        with cffisock.create_connection((None, port), timeout=10) as client:
            assert client.family == families[-1]
            assert client.getpeername()[:2] == (LOOPBACK[families[-1]], port)
            accept_and_check(server, client)


def fail_on_every_address(module, port, **kwargs):
    """create_connection((None, port)) where every address fails, with two
    different errors: the first family's attempt cannot bind the source
    address (an address of the other family: gaierror or OSError), the
    second is refused.  Returns the exception raised."""
    first_family = stdlib_socket.getaddrinfo(None, 0, 0, stdlib_socket.SOCK_STREAM)[0][0]
    other = cffisock.AF_INET if first_family == stdlib_socket.AF_INET6 else cffisock.AF_INET6
    try:
        module.create_connection((None, port), timeout=10,
                                 source_address=(LOOPBACK[other], 0), **kwargs)
    except Exception as exc:  # the outcome under test
        return exc
    raise AssertionError("create_connection connected to a refusing port")


@requires_ipv6
def test_create_connection_raises_the_last_error(fd_leak_check):
    loopback_families()  # skips unless (None, port) gives both loopbacks
    with loopbacks_on_one_port() as (port, _):
        ours = fail_on_every_address(cffisock, port)
        theirs = fail_on_every_address(stdlib_socket, port)
    assert isinstance(ours, ConnectionRefusedError)  # the last, not the first
    assert (stands_for(type(ours)), ours.args) == (stands_for(type(theirs)), theirs.args)


def test_create_connection_refused(fd_leak_check):
    with refusing_address() as address:
        with pytest.raises(ConnectionRefusedError) as ours:
            cffisock.create_connection(address, timeout=10)
        with pytest.raises(ConnectionRefusedError) as theirs:
            stdlib_socket.create_connection(address, timeout=10)
    assert ours.value.args == theirs.value.args


def describe_group(group):
    return [(stands_for(type(exc)), exc.errno) for exc in group.exceptions]


@pytest.mark.skipif(not HAS_EXCEPTION_GROUP, reason="ExceptionGroup is Python 3.11+")
@requires_ipv6
def test_create_connection_all_errors_raises_exception_group(fd_leak_check):
    families = loopback_families()
    with loopbacks_on_one_port() as (port, _):
        ours = fail_on_every_address(cffisock, port, all_errors=True)
        theirs = fail_on_every_address(stdlib_socket, port, all_errors=True)
    assert isinstance(ours, builtins.ExceptionGroup)
    assert ours.message == theirs.message
    assert len(ours.exceptions) == len(families)
    assert describe_group(ours) == describe_group(theirs)
    assert isinstance(ours.exceptions[-1], ConnectionRefusedError)


@pytest.mark.skipif(not HAS_EXCEPTION_GROUP, reason="ExceptionGroup is Python 3.11+")
def test_create_connection_all_errors_single_address(fd_leak_check):
    with refusing_address() as address:
        with pytest.raises(builtins.ExceptionGroup) as ours:
            cffisock.create_connection(address, timeout=10, all_errors=True)
        with pytest.raises(builtins.ExceptionGroup) as theirs:
            stdlib_socket.create_connection(address, timeout=10, all_errors=True)
    assert describe_group(ours.value) == describe_group(theirs.value)
    assert isinstance(ours.value.exceptions[0], ConnectionRefusedError)


@pytest.mark.skipif(HAS_EXCEPTION_GROUP, reason="Python 3.11+ has ExceptionGroup")
def test_create_connection_all_errors_needs_exception_group(fd_leak_check):
    # cffisock's documented behaviour before 3.11 (cffisock/_connections.py).
    with refusing_address() as address:
        with pytest.raises(NotImplementedError):
            cffisock.create_connection(address, timeout=10, all_errors=True)


def test_create_connection_success_keeps_no_error(fd_leak_check, tcp_listener):
    with cffisock.create_connection(tcp_listener.getsockname(), timeout=10,
                                    all_errors=HAS_EXCEPTION_GROUP) as client:
        assert client.getpeername() == tcp_listener.getsockname()
        tcp_listener.accept()[0].close()


# -- create_server and has_dualstack_ipv6 ------------------------------------------------


def options(sock, module, names):
    """The values of the socket options ``names`` ((level, option) names
    that this module defines)."""
    return {(level, option): sock.getsockopt(getattr(module, level), getattr(module, option))
            for level, option in names if hasattr(module, option)}


SERVER_OPTIONS = [("SOL_SOCKET", "SO_ACCEPTCONN"), ("SOL_SOCKET", "SO_REUSEADDR"),
                  ("SOL_SOCKET", "SO_REUSEPORT"), ("SOL_SOCKET", "SO_TYPE")]
SERVER_OPTIONS_6 = SERVER_OPTIONS + [("IPPROTO_IPV6", "IPV6_V6ONLY")]


def assert_server_like_stdlib(address, option_names, **kwargs):
    """create_server(address, **kwargs) of both modules: same family, type,
    socket options and host; a client connects to cffisock's."""
    def make(module):
        resolved = {key: getattr(module, value) if key == "family" else value
                    for key, value in kwargs.items()}
        return module.create_server(address, **resolved)

    with make(cffisock) as ours, make(stdlib_socket) as theirs:
        assert type(ours) is cffisock.socket
        assert (ours.family, ours.type) == (theirs.family, theirs.type)
        assert ours.gettimeout() == theirs.gettimeout()
        assert options(ours, cffisock, option_names) == \
            options(theirs, stdlib_socket, option_names)
        assert ours.getsockname()[0] == theirs.getsockname()[0]
        host, port = ours.getsockname()[:2]
        with cffisock.create_connection((host, port), timeout=10) as client:
            accept_and_check(ours, client)


def test_create_server_inet(fd_leak_check):
    assert_server_like_stdlib(("127.0.0.1", 0), SERVER_OPTIONS)


@requires_ipv6
def test_create_server_inet6(fd_leak_check):
    assert_server_like_stdlib(("::1", 0), SERVER_OPTIONS_6, family="AF_INET6")


@pytest.mark.parametrize("backlog", [0, 1, 5, 1000, -1])
def test_create_server_backlog(fd_leak_check, backlog):
    assert_server_like_stdlib(("127.0.0.1", 0), SERVER_OPTIONS, backlog=backlog)


def test_create_server_reuse_port(fd_leak_check):
    if not hasattr(stdlib_socket, "SO_REUSEPORT"):
        pytest.skip("this platform has no SO_REUSEPORT")
    assert_server_like_stdlib(("127.0.0.1", 0), SERVER_OPTIONS, reuse_port=True)
    # With reuse_port two servers can share a port.
    with cffisock.create_server(("127.0.0.1", 0), reuse_port=True) as first:
        with cffisock.create_server(first.getsockname(), reuse_port=True) as second:
            assert second.getsockname() == first.getsockname()


def test_has_dualstack_ipv6_equals_stdlib(fd_leak_check):
    assert cffisock.has_dualstack_ipv6() is stdlib_socket.has_dualstack_ipv6()


@requires_ipv6
def test_create_server_dualstack_accepts_ipv4_client(fd_leak_check):
    if not cffisock.has_dualstack_ipv6():
        pytest.skip("this machine cannot turn IPV6_V6ONLY off")
    # The IPv4-mapped loopback: a dual-stack socket bound to it takes IPv4
    # connections to 127.0.0.1 and nothing from any other interface.
    with cffisock.create_server(("::ffff:127.0.0.1", 0), family=cffisock.AF_INET6,
                                dualstack_ipv6=True) as server, \
            stdlib_socket.create_server(("::ffff:127.0.0.1", 0), family=stdlib_socket.AF_INET6,
                                 dualstack_ipv6=True) as theirs:
        assert options(server, cffisock, SERVER_OPTIONS_6) == \
            options(theirs, stdlib_socket, SERVER_OPTIONS_6)
        port = server.getsockname()[1]
        with cffisock.create_connection(("127.0.0.1", port), timeout=10) as client:
            assert client.family is cffisock.AF_INET
            conn, peer = server.accept()
            with conn:
                assert peer[:2] == ("::ffff:127.0.0.1", client.getsockname()[1])
                client.sendall(b"v4")
                assert conn.recv(2) == b"v4"


@pytest.mark.parametrize("address, kwargs", [
    (("127.0.0.1", 0), {"dualstack_ipv6": True}),  # the default family is AF_INET
    (("127.0.0.1", 0), {"backlog": "5"}),
    (("::1", 0), {}),  # an IPv6 host for an AF_INET socket: the bind error, rewrapped
])
def test_create_server_errors_equal_stdlib(fd_leak_check, address, kwargs):
    def attempt(module):
        try:
            with module.create_server(address, **kwargs):
                return "created"
        except Exception as exc:  # compared below
            return stands_for(type(exc)), getattr(exc, "errno", None)

    if kwargs.get("dualstack_ipv6") and not stdlib_socket.has_dualstack_ipv6():
        pytest.skip("this machine cannot turn IPV6_V6ONLY off")
    ours = attempt(cffisock)
    theirs = attempt(stdlib_socket)
    # The stdlib closes its socket only on OSError: on a TypeError it is
    # left to the garbage collector, which PyPy runs late.  cffisock closes
    # it on every error (the fd_leak_check fixture holds it to that).
    gc.collect()
    assert ours == theirs


def test_create_server_dualstack_requires_inet6_message(fd_leak_check):
    if not stdlib_socket.has_dualstack_ipv6():
        pytest.skip("this machine cannot turn IPV6_V6ONLY off")
    messages = []
    for module in (cffisock, stdlib_socket):
        with pytest.raises(ValueError) as info:
            module.create_server(("127.0.0.1", 0), dualstack_ipv6=True)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_create_server_address_in_use_message(fd_leak_check):
    with cffisock.create_server(("127.0.0.1", 0)) as taken:
        address = taken.getsockname()
        errors = []
        for module in (cffisock, stdlib_socket):
            with pytest.raises(OSError) as info:
                module.create_server(address)
            errors.append(info.value)
    ours, theirs = errors
    assert type(ours) is type(theirs)
    assert ours.errno == theirs.errno == errno.EADDRINUSE
    assert ours.strerror == theirs.strerror
    assert "while attempting to bind on address %r" % (address,) in ours.strerror
    assert str(ours) == str(theirs)
