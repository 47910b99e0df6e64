"""The resolver doing its job: getaddrinfo equal to the stdlib's and its
results connecting, gethostname, unresolvable names, cffisock's documented
behaviour where the stdlib silently changes the input, the if_* functions
against /sys/class/net, sethostname, and 8 threads x 1,000 lookups at once.
The case-by-case comparison with the stdlib is test_resolver_conformance.py.

No lookup reaches DNS: the only names looked up are 'localhost' and the
names of /etc/hosts (support/machine.py), or names that fail before any
query is built.
"""

import os
import socket as stdlib_socket
import socket as stdlib
import sys
import threading
import time

import pytest

import cffisock
from support.comparison import (
    Call,
    K,
    ON_PYPY,
    PYPY_WORDING,
    assert_same,
    normalise,
    outcome,
    same_outcome,
)
from support.loopback import UNRESOLVABLE_NAME, accept_and_check
from support.machine import (
    HOSTNAME,
    HOSTS_FIRST,
    REVERSE_ADDRESSES,
    SYSFS_INTERFACES,
    listed,
    sysfs_nameindex,
)


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


# -- gethostname and the default timeout -------------------------------------------------


def test_gethostname_equals_stdlib():
    name = cffisock.gethostname()
    assert type(name) is str
    assert name == stdlib.gethostname()


def test_unresolvable_host_raises_a_gaierror_the_stdlib_catches():
    with cffisock.socket() as sock:
        with pytest.raises(stdlib_socket.gaierror) as info:
            sock.connect((UNRESOLVABLE_NAME, 80))
    assert type(info.value) is cffisock.gaierror


def test_unresolvable_host_error_matches_the_stdlib():
    def connect(mod):
        with mod.socket() as sock:
            sock.connect((UNRESOLVABLE_NAME, 80))

    reference, result = same_outcome(connect)
    assert result == reference
    assert result[1] == "gaierror"


@pytest.mark.parametrize("host, port", [("127.0.0.1\0", 80), ("127.0.0.1\0x", 80),
                                        (b"127.0.0.1\0", 80), ("127.0.0.1", "80\0x"),
                                        ("127.0.0.1", b"80\0")])
def test_getaddrinfo_with_nul_raises_value_error(host, port):
    # The stdlib resolves the part before the NUL, a different name than
    # the one given; cffisock refuses it (cffisock/_resolver.py).
    with pytest.raises(ValueError, match="embedded null character"):
        cffisock.getaddrinfo(host, port)


# -- cffisock's documented behaviour where the stdlib silently changes the input -----------


@pytest.mark.parametrize("host, port", [
    ("localhost\0", 80), ("127.0.0.1\0evil.invalid", 80), (b"localhost\0x", 80),
    ("127.0.0.1", "http\0x"), ("127.0.0.1", b"80\0"), ("127.0.0.1", "\0"),
])
def test_getaddrinfo_refuses_nul(host, port):
    # The stdlib resolves the part before the NUL, a different name than the
    # one given; cffisock raises ValueError (cffisock/_resolver.py).
    with pytest.raises(ValueError, match="embedded null character"):
        cffisock.getaddrinfo(host, port)


@pytest.mark.parametrize("port", [-1, 65536, 2**31, 2**64])
def test_getnameinfo_refuses_ports_out_of_range(port):
    # The stdlib formats the port with %d and lets getaddrinfo truncate it
    # to 16 bits; cffisock raises OverflowError (cffisock/_resolver.py).
    with pytest.raises(OverflowError, match="port must be 0-65535"):
        cffisock.getnameinfo(("127.0.0.1", port), cffisock.NI_NUMERICHOST)


@pytest.mark.parametrize("scope_id", [-1, 2**32, 2**40])
def test_getnameinfo_refuses_scope_ids_out_of_range(scope_id):
    # CPython's "I" format truncates the scope id silently (2**32 is 0, -1
    # is 2**32-1); cffisock raises OverflowError, as for socket addresses
    # (cffisock/_address.py).
    with pytest.raises(OverflowError, match="scope_id must be 0-4294967295"):
        cffisock.getnameinfo(("fe80::1", 80, 0, scope_id), cffisock.NI_NUMERICHOST)


@pytest.mark.skipif(sys.version_info >= (3, 13) or ON_PYPY,
                    reason="a case of the table here (3.13's stdlib, or on PyPy the "
                    "OverflowError CPython 3.13 raises)")
def test_if_indextoname_refuses_2_32():
    # Python 3.9-3.12 truncate 2**32 to 0 (and then fail with ENXIO);
    # cffisock follows 3.13, which refuses it.
    with pytest.raises(OverflowError, match="index is too large"):
        cffisock.if_indextoname(2**32)


def broadcast_host_error():
    """The args of cffisock's herror for gethostbyname_ex('<broadcast>')."""
    try:
        cffisock.gethostbyname_ex("<broadcast>")
    except cffisock.herror as exc:
        return exc.args
    raise AssertionError("gethostbyname_ex('<broadcast>') did not fail")


def test_gethostbyname_ex_error_code_does_not_depend_on_history():
    # glibc refuses '<broadcast>' as a host name without a query and gives
    # its code through gethostbyname_r's h_errno argument only.  CPython
    # reports the thread's global h_errno instead, i.e. whatever an earlier
    # call left there, so only the stdlib's exception type is compared;
    # cffisock reports the argument: the same code, whatever ran before.
    with pytest.raises(stdlib.herror):
        stdlib.gethostbyname_ex("<broadcast>")
    in_fresh_thread = []  # h_errno is per thread: 0 in a new one
    thread = threading.Thread(target=lambda: in_fresh_thread.append(broadcast_host_error()))
    thread.start()
    thread.join(10)
    with pytest.raises(cffisock.herror):
        cffisock.gethostbyname_ex("")  # leaves h_errno at NO_RECOVERY
    after_another_error = broadcast_host_error()
    assert in_fresh_thread == [after_another_error]
    code, text = after_another_error
    assert code in (1, 2, 3, 4) and text  # HOST_NOT_FOUND .. NO_DATA, hstrerror


# -- PyPy: the if_* functions against /sys/class/net ---------------------------------------


@pytest.mark.skipif(not SYSFS_INTERFACES, reason="no /sys/class/net")
def test_interfaces_match_sysfs():
    # An independent source (on PyPy the only one: its stdlib has no if_*).
    assert sorted(cffisock.if_nameindex()) == sysfs_nameindex(None)
    for name, index in SYSFS_INTERFACES.items():
        assert cffisock.if_nametoindex(name) == index
        assert cffisock.if_nametoindex(os.fsencode(name)) == index
        assert cffisock.if_indextoname(index) == name


# -- sethostname ---------------------------------------------------------------------------


needs_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                                reason="sethostname needs root")


@needs_root
@pytest.mark.parametrize("call, types_only", [
    pytest.param(call, types_only, id=call.id) for call, types_only in [
        # Only ever the name the machine already has: nothing changes.
        (Call("sethostname", HOSTNAME), None),
        (Call("sethostname", os.fsencode(HOSTNAME)), None),
        # Refused before the system call, by every interpreter.
        (Call("sethostname", HOSTNAME + "\0x"), None),
        (Call("sethostname", 1), PYPY_WORDING),
        (Call("sethostname", None), PYPY_WORDING),
    ]
])
def test_sethostname_to_the_current_name(call, types_only):
    assert_same(outcome(call, stdlib), outcome(call, cffisock), types_only)
    assert cffisock.gethostname() == stdlib.gethostname() == HOSTNAME


# -- threads ---------------------------------------------------------------------------------

THREADS = 8
CALLS_PER_THREAD = 1000

needs_localhost = pytest.mark.skipif(
    not (HOSTS_FIRST and listed("localhost") and "127.0.0.1" in REVERSE_ADDRESSES),
    reason="/etc/hosts does not list localhost as 127.0.0.1 (or is not consulted "
    "first): the lookups would ask DNS")

MIXED_CALLS = [
    Call("getaddrinfo", "localhost", 80),
    Call("getaddrinfo", "127.0.0.1", "http", type=K("SOCK_STREAM")),
    Call("gethostbyname", "localhost"),
    Call("gethostbyname_ex", "localhost"),
    Call("gethostbyaddr", "127.0.0.1"),
    Call("getnameinfo", ("127.0.0.1", 80), 0),
    Call("getservbyname", "http", "tcp"),
    Call("getservbyport", 80),
    Call("getprotobyname", "udp"),
]


def run_threads(target, count, timeout):
    """Start ``count`` threads of ``target(number)``; join each with a
    shared deadline; return the ones still alive."""
    threads = [threading.Thread(target=target, args=(number,), daemon=True)
               for number in range(count)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return [thread for thread in threads if thread.is_alive()]


@needs_localhost
def test_concurrent_lookups_match_the_stdlib():
    expected = [normalise(call(stdlib)) for call in MIXED_CALLS]
    start = threading.Barrier(THREADS, timeout=10)
    matched = [0] * THREADS
    problems = []

    def work(number):
        try:
            start.wait()
            for step in range(CALLS_PER_THREAD):
                which = (number + step) % len(MIXED_CALLS)
                answer = normalise(MIXED_CALLS[which](cffisock))
                if answer == expected[which]:
                    matched[number] += 1
                else:
                    problems.append((MIXED_CALLS[which].id, answer, expected[which]))
        except Exception as exc:  # reported by the test below
            problems.append((number, repr(exc)))

    stuck = run_threads(work, THREADS, timeout=60)
    assert not stuck, "%d threads still running" % len(stuck)
    assert not problems, problems[:5]
    assert sum(matched) == THREADS * CALLS_PER_THREAD


@needs_localhost
def test_lookups_release_the_gil():
    # A weak check: while four threads resolve in a loop, the main thread's
    # own loop keeps running.
    stop = threading.Event()
    calls = [0] * 4
    errors = []

    def resolve(number):
        try:
            while not stop.is_set():
                cffisock.gethostbyaddr("127.0.0.1")
                calls[number] += 1
        except Exception as exc:  # reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=resolve, args=(n,), daemon=True) for n in range(4)]
    for thread in threads:
        thread.start()
    counter = 0
    deadline = time.monotonic() + 0.5
    try:
        while time.monotonic() < deadline:
            counter += 1
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
    assert not [thread for thread in threads if thread.is_alive()]
    assert not errors, errors
    assert all(calls), calls
    assert counter >= 5000, counter
