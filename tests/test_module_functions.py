"""cffisock's module functions doing their job, checked against the stdlib.

Byte order, address conversion, getaddrinfo, create_connection,
create_server, has_dualstack_ipv6, socketpair, fromfd, gethostname and the
default timeout.  Both modules call the same C library, so where the stdlib
can be asked its answer is the expected one.  All sockets are on 127.0.0.1,
::1 (or its IPv4-mapped form ::ffff:127.0.0.1) and UNIX sockets; the only
name resolved is 'localhost' (and None, the loopback addresses).
"""

import builtins
import contextlib
import errno
import gc
import os
import platform
import random
import socket as stdlib
import stat

import pytest

import cffisock
from support.comparison import outcome, stands_for
from support.descriptors import open_fds
from support.loopback import requires_ipv6

ON_PYPY = platform.python_implementation() == "PyPy"

HAS_EXCEPTION_GROUP = hasattr(builtins, "ExceptionGroup")


@contextlib.contextmanager
def default_timeout(module, value):
    """``module.setdefaulttimeout(value)`` for the block, then None again."""
    module.setdefaulttimeout(value)
    try:
        yield
    finally:
        module.setdefaulttimeout(None)


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
    families = [info[0] for info in stdlib.getaddrinfo(None, 0, 0, stdlib.SOCK_STREAM)]
    if sorted(families) != sorted(LOOPBACK):
        pytest.skip("getaddrinfo(None) does not give both loopbacks here: %r" % families)
    return families


def accept_and_check(server, client):
    """Accept ``client`` on ``server`` and check data flows both ways."""
    conn, peer = server.accept()
    with conn:
        assert peer[:2] == client.getsockname()[:2]
        client.sendall(b"ping")
        assert conn.recv(4) == b"ping"
        conn.sendall(b"pong")
        assert client.recv(4) == b"pong"


# -- byte order ------------------------------------------------------------------------

VALUES_16 = sorted(set(range(0, 65536, 251)) | {0, 1, 0xFF, 0x100, 0x1234, 0xFF00, 65535})
VALUES_32 = sorted(set(range(0, 2**32, 2**32 // 509)) | {
    0, 1, 0xFF, 0x1234, 0x12345678, 2**31 - 1, 2**31, 0xFF000000, 2**32 - 1})


@pytest.mark.parametrize("name, inverse, values", [
    ("htons", "ntohs", VALUES_16),
    ("ntohs", "htons", VALUES_16),
    ("htonl", "ntohl", VALUES_32),
    ("ntohl", "htonl", VALUES_32),
])
def test_byte_order_equals_stdlib_and_round_trips(name, inverse, values):
    function, inverse_function = getattr(cffisock, name), getattr(cffisock, inverse)
    expected = [getattr(stdlib, name)(value) for value in values]
    assert [function(value) for value in values] == expected
    assert all(type(function(value)) is int for value in values[:10])
    assert [inverse_function(function(value)) for value in values] == values


# -- address conversion ------------------------------------------------------------------

IPV4_TEXTS = ["0.0.0.0", "127.0.0.1", "1.2.3.4", "10.0.0.255", "192.168.1.1",
              "224.0.0.1", "255.255.255.255", "8.8.4.4", "100.64.0.1"]
IPV6_TEXTS = ["::", "::1", "1::", "fe80::1", "fe80::1:2:3:4", "2001:db8::ff00:42:8329",
              "2001:db8:0:0:1:0:0:1", "1:2:3:4:5:6:7:8", "::ffff:1.2.3.4", "::1.2.3.4",
              "ff02::1", "0:0:0:0:0:0:0:1", "FE80::ABCD", "1:0:0:2::3",
              "2001:0db8:0000:0000:0000:0000:0000:0001"]
RANDOM = random.Random(20240101)
RANDOM_PACKED_4 = [bytes(RANDOM.randrange(256) for _ in range(4)) for _ in range(200)]
RANDOM_PACKED_16 = [bytes(RANDOM.choice((0, 0, 0, 1, 0xFF, RANDOM.randrange(256)))
                          for _ in range(16)) for _ in range(300)]


@pytest.mark.parametrize("text", IPV4_TEXTS + ["127.1", "1.2.3", "0x7f.1", "010.1.1.1", "1"])
def test_inet_aton_equals_stdlib(text):
    packed = cffisock.inet_aton(text)
    assert packed == stdlib.inet_aton(text)
    assert type(packed) is bytes and len(packed) == 4


@pytest.mark.parametrize("text", IPV4_TEXTS)
def test_inet_aton_ntoa_round_trip(text):
    assert cffisock.inet_ntoa(cffisock.inet_aton(text)) == text


def test_inet_ntoa_equals_stdlib_on_random_addresses():
    for packed in RANDOM_PACKED_4:
        assert cffisock.inet_ntoa(packed) == stdlib.inet_ntoa(packed)
        assert cffisock.inet_ntoa(bytearray(packed)) == stdlib.inet_ntoa(packed)
        assert cffisock.inet_aton(cffisock.inet_ntoa(packed)) == packed


@pytest.mark.parametrize("family, text", [("AF_INET", text) for text in IPV4_TEXTS]
                         + [("AF_INET6", text) for text in IPV6_TEXTS])
def test_inet_pton_ntop_equal_stdlib_and_round_trip(family, text):
    ours, theirs = getattr(cffisock, family), getattr(stdlib, family)
    packed = cffisock.inet_pton(ours, text)
    assert packed == stdlib.inet_pton(theirs, text)
    canonical = cffisock.inet_ntop(ours, packed)
    assert canonical == stdlib.inet_ntop(theirs, packed)
    assert cffisock.inet_pton(ours, canonical) == packed


@pytest.mark.parametrize("family, samples", [("AF_INET", RANDOM_PACKED_4),
                                             ("AF_INET6", RANDOM_PACKED_16)])
def test_inet_ntop_equals_stdlib_on_random_addresses(family, samples):
    ours, theirs = getattr(cffisock, family), getattr(stdlib, family)
    for packed in samples:
        text = cffisock.inet_ntop(ours, packed)
        assert text == stdlib.inet_ntop(theirs, packed)
        assert cffisock.inet_pton(ours, text) == packed
        assert cffisock.inet_ntop(ours, memoryview(packed)) == text


# -- getaddrinfo -------------------------------------------------------------------------

# (host, port, family name, type name, flag names); 'localhost' only with
# families this machine's hosts file answers without a resolver.
GETADDRINFO_QUERIES = [
    (host, port, family, kind, flags)
    for host in ("127.0.0.1", "::1", "localhost", None)
    for port in (80, "80", None, 0)
    for family in ("AF_UNSPEC", "AF_INET", "AF_INET6")
    for kind in (0, "SOCK_STREAM", "SOCK_DGRAM")
    for flags in ((), ("AI_PASSIVE",), ("AI_NUMERICHOST", "AI_NUMERICSERV"))
    if not (host == "localhost" and family == "AF_INET6")
    and not (host is None and port is None)
    and not ("AI_NUMERICSERV" in flags and port is None)
]


def resolve_with(module, host, port, family, kind, flags):
    """getaddrinfo of ``module`` with the named constants of ``module``."""
    def constant(name):
        return getattr(module, name) if isinstance(name, str) else name

    flag_value = 0
    for flag in flags:
        flag_value |= getattr(module, flag)
    return module.getaddrinfo(host, port, constant(family), constant(kind), 0, flag_value)


def test_getaddrinfo_queries_exclude_localhost_over_ipv6():
    # 'localhost' over AF_INET6 would ask DNS on a machine whose hosts file
    # has no ::1 entry for it; it is not among the queries.
    assert not [q for q in GETADDRINFO_QUERIES if q[0] == "localhost" and q[2] == "AF_INET6"]
    assert len(GETADDRINFO_QUERIES) > 100


@pytest.mark.parametrize("host, port, family, kind, flags", GETADDRINFO_QUERIES)
def test_getaddrinfo_equals_stdlib(host, port, family, kind, flags):
    expected = outcome(resolve_with, stdlib, host, port, family, kind, flags)
    actual = outcome(resolve_with, cffisock, host, port, family, kind, flags)
    assert actual == expected
    if actual[0] == "raised":
        return
    for info in actual[1]:
        info_family, info_type, proto, canonname, address = info
        assert type(info_family) is cffisock.AddressFamily
        assert type(info_type) is cffisock.SocketKind
        assert type(proto) is int and type(canonname) is str
        assert type(address) is tuple and type(address[0]) is str
        assert type(address[1]) is int
        assert len(address) == (2 if info_family == cffisock.AF_INET else 4)


def test_getaddrinfo_keyword_arguments_and_canonname():
    def ask(module):
        return module.getaddrinfo(host="localhost", port=80, family=module.AF_INET,
                                  type=module.SOCK_STREAM, proto=0,
                                  flags=module.AI_CANONNAME)

    ours = ask(cffisock)
    assert ours == ask(stdlib)
    assert ours[0][3]  # the canonical name is filled in for the first entry


def test_getaddrinfo_results_connect(tcp_listener):
    port = tcp_listener.getsockname()[1]
    family, kind, proto, _, address = cffisock.getaddrinfo(
        "127.0.0.1", port, cffisock.AF_INET, cffisock.SOCK_STREAM)[0]
    with cffisock.socket(family, kind, proto) as client:
        client.settimeout(10)
        client.connect(address)
        accept_and_check(tcp_listener, client)


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
            stdlib.create_connection(address, timeout=timeout) as theirs:
        assert ours.gettimeout() == theirs.gettimeout()
        assert ours.gettimeout() == (None if timeout is None else float(timeout))
        assert ours.getblocking() is theirs.getblocking() is True
        for _ in range(2):
            tcp_listener.accept()[0].close()


def test_create_connection_uses_the_default_timeout(fd_leak_check, tcp_listener):
    with default_timeout(cffisock, 3.5):
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
    first_family = stdlib.getaddrinfo(None, 0, 0, stdlib.SOCK_STREAM)[0][0]
    other = cffisock.AF_INET if first_family == stdlib.AF_INET6 else cffisock.AF_INET6
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
        theirs = fail_on_every_address(stdlib, port)
    assert isinstance(ours, ConnectionRefusedError)  # the last, not the first
    assert (stands_for(type(ours)), ours.args) == (stands_for(type(theirs)), theirs.args)


def test_create_connection_refused(fd_leak_check):
    with refusing_address() as address:
        with pytest.raises(ConnectionRefusedError) as ours:
            cffisock.create_connection(address, timeout=10)
        with pytest.raises(ConnectionRefusedError) as theirs:
            stdlib.create_connection(address, timeout=10)
    assert ours.value.args == theirs.value.args


def describe_group(group):
    return [(stands_for(type(exc)), exc.errno) for exc in group.exceptions]


@pytest.mark.skipif(not HAS_EXCEPTION_GROUP, reason="ExceptionGroup is Python 3.11+")
@requires_ipv6
def test_create_connection_all_errors_raises_exception_group(fd_leak_check):
    families = loopback_families()
    with loopbacks_on_one_port() as (port, _):
        ours = fail_on_every_address(cffisock, port, all_errors=True)
        theirs = fail_on_every_address(stdlib, port, all_errors=True)
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
            stdlib.create_connection(address, timeout=10, all_errors=True)
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

    with make(cffisock) as ours, make(stdlib) as theirs:
        assert type(ours) is cffisock.socket
        assert (ours.family, ours.type) == (theirs.family, theirs.type)
        assert ours.gettimeout() == theirs.gettimeout()
        assert options(ours, cffisock, option_names) == options(theirs, stdlib, option_names)
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
    if not hasattr(stdlib, "SO_REUSEPORT"):
        pytest.skip("this platform has no SO_REUSEPORT")
    assert_server_like_stdlib(("127.0.0.1", 0), SERVER_OPTIONS, reuse_port=True)
    # With reuse_port two servers can share a port.
    with cffisock.create_server(("127.0.0.1", 0), reuse_port=True) as first:
        with cffisock.create_server(first.getsockname(), reuse_port=True) as second:
            assert second.getsockname() == first.getsockname()


def test_has_dualstack_ipv6_equals_stdlib(fd_leak_check):
    assert cffisock.has_dualstack_ipv6() is stdlib.has_dualstack_ipv6()


@requires_ipv6
def test_create_server_dualstack_accepts_ipv4_client(fd_leak_check):
    if not cffisock.has_dualstack_ipv6():
        pytest.skip("this machine cannot turn IPV6_V6ONLY off")
    # The IPv4-mapped loopback: a dual-stack socket bound to it takes IPv4
    # connections to 127.0.0.1 and nothing from any other interface.
    with cffisock.create_server(("::ffff:127.0.0.1", 0), family=cffisock.AF_INET6,
                                dualstack_ipv6=True) as server, \
            stdlib.create_server(("::ffff:127.0.0.1", 0), family=stdlib.AF_INET6,
                                 dualstack_ipv6=True) as theirs:
        assert options(server, cffisock, SERVER_OPTIONS_6) == \
            options(theirs, stdlib, SERVER_OPTIONS_6)
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

    if kwargs.get("dualstack_ipv6") and not stdlib.has_dualstack_ipv6():
        pytest.skip("this machine cannot turn IPV6_V6ONLY off")
    ours = attempt(cffisock)
    theirs = attempt(stdlib)
    # The stdlib closes its socket only on OSError: on a TypeError it is
    # left to the garbage collector, which PyPy runs late.  cffisock closes
    # it on every error (the fd_leak_check fixture holds it to that).
    gc.collect()
    assert ours == theirs


def test_create_server_dualstack_requires_inet6_message(fd_leak_check):
    if not stdlib.has_dualstack_ipv6():
        pytest.skip("this machine cannot turn IPV6_V6ONLY off")
    messages = []
    for module in (cffisock, stdlib):
        with pytest.raises(ValueError) as info:
            module.create_server(("127.0.0.1", 0), dualstack_ipv6=True)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_create_server_address_in_use_message(fd_leak_check):
    with cffisock.create_server(("127.0.0.1", 0)) as taken:
        address = taken.getsockname()
        errors = []
        for module in (cffisock, stdlib):
            with pytest.raises(OSError) as info:
                module.create_server(address)
            errors.append(info.value)
    ours, theirs = errors
    assert type(ours) is type(theirs)
    assert ours.errno == theirs.errno == errno.EADDRINUSE
    assert ours.strerror == theirs.strerror
    assert "while attempting to bind on address %r" % (address,) in ours.strerror
    assert str(ours) == str(theirs)


# -- socketpair and fromfd ---------------------------------------------------------------


@pytest.mark.parametrize("kind_name", ["SOCK_STREAM", "SOCK_DGRAM", "SOCK_SEQPACKET"])
def test_socketpair(fd_leak_check, kind_name):
    kind_value = getattr(cffisock, kind_name)
    a, b = cffisock.socketpair(cffisock.AF_UNIX, kind_value)
    c, d = stdlib.socketpair(stdlib.AF_UNIX, getattr(stdlib, kind_name))
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
        c, d = stdlib.socketpair()
        with c, d:
            assert (a.family, a.type, a.proto) == (c.family, c.type, c.proto)


def test_socketpair_uses_the_default_timeout(fd_leak_check):
    with default_timeout(cffisock, 4.0):
        a, b = cffisock.socketpair()
        with a, b:
            assert a.gettimeout() == b.gettimeout() == 4.0


def test_socketpair_errors_equal_stdlib(fd_leak_check):
    for args in [(cffisock.AF_INET, cffisock.SOCK_STREAM), (12345,),
                 (cffisock.AF_UNIX, 12345)]:
        assert outcome(cffisock.socketpair, *args)[:2] == \
            outcome(stdlib.socketpair, *args)[:2]


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
    cffisock follows CPython, whose answer for a non-socket is ENOTSOCK."""
    before = live_fds()
    try:
        result = outcome(stdlib.fromfd, fd, stdlib.AF_INET, stdlib.SOCK_STREAM)
    finally:
        for leaked in live_fds() - before:
            os.close(leaked)
    if ON_PYPY and result[0] == "returned" and not stat.S_ISSOCK(os.fstat(fd).st_mode):
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


# -- gethostname and the default timeout -------------------------------------------------


def test_gethostname_equals_stdlib():
    name = cffisock.gethostname()
    assert type(name) is str
    assert name == stdlib.gethostname()


@pytest.mark.parametrize("value", [None, 0, 0.0, 1, 2.5, True, 10**6, -1, -0.5, "a",
                                   b"1", [1]])
def test_setdefaulttimeout_equals_stdlib(value):
    def set_and_get(module):
        with default_timeout(module, None):
            result = outcome(module.setdefaulttimeout, value)
            current = module.getdefaulttimeout()
            with module.socket() as sock:
                return result, current, type(current), sock.gettimeout()

    assert set_and_get(cffisock) == set_and_get(stdlib)
    assert cffisock.getdefaulttimeout() is None


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 1e300, 10**20, -1, "a"])
def test_setdefaulttimeout_validates_like_settimeout(value):
    # cffisock validates both the same way; test_conformance compares
    # settimeout with the stdlib for these values.
    with cffisock.socket() as sock:
        expected = outcome(sock.settimeout, value)
    with default_timeout(cffisock, None):
        assert outcome(cffisock.setdefaulttimeout, value)[:2] == expected[:2]


def test_default_timeout_reaches_new_and_accepted_sockets(fd_leak_check):
    def timeouts(module):
        with default_timeout(module, 2.5):
            with module.create_server(("127.0.0.1", 0)) as server, \
                    module.create_connection(server.getsockname()) as client:
                conn, _ = server.accept()
                with conn:
                    return (server.gettimeout(), client.gettimeout(), conn.gettimeout(),
                            conn.getblocking())

    assert timeouts(cffisock) == timeouts(stdlib) == (2.5, 2.5, 2.5, True)
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

    assert accepted(cffisock) == accepted(stdlib)


# -- how a wrong argument's type is named --------------------------------------------------


def recv_into_none(module):
    with module.socket() as sock:
        return sock.recv_into(None)


NONE_ARGUMENTS = {
    "inet_pton": lambda module: module.inet_pton(module.AF_INET, None),
    "getservbyname": lambda module: module.getservbyname(None),
    "getservbyname-protocol": lambda module: module.getservbyname("http", None),
    "getservbyport-protocol": lambda module: module.getservbyport(80, None),
    "getprotobyname": lambda module: module.getprotobyname(None),
    "gethostbyname": lambda module: module.gethostbyname(None),
    "recv_into": recv_into_none,
}


@pytest.mark.parametrize("name", list(NONE_ARGUMENTS))
def test_a_none_argument_is_named_none_as_the_stdlibs_parser_does(fd_leak_check, name):
    """CPython's argument parser says "..., not None" where other errors
    say NoneType; PyPy's words are its own ("expected str, got NoneType
    object"), so its stdlib is no reference here."""
    messages = {}
    for module in (cffisock,) if ON_PYPY else (cffisock, stdlib):
        with pytest.raises(TypeError) as raised:
            NONE_ARGUMENTS[name](module)
        messages[module] = str(raised.value)
    assert messages[cffisock].endswith(", not None")
    assert messages.get(stdlib, messages[cffisock]) == messages[cffisock]
