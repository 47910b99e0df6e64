"""Fuzzing the resolver against the stdlib: getaddrinfo, getnameinfo,
gethostbyname(_ex), services, protocols and the if_* functions (see
support/fuzz.py for the property, the budgets and the ``fuzz`` marker).

No lookup leaves the machine: getaddrinfo always has AI_NUMERICHOST among
its random flags, getnameinfo NI_NUMERICHOST and NI_NUMERICSERV (its host is
parsed with AI_NUMERICHOST by both modules), and gethostbyname(_ex) get only
the hosts of support.fuzz.hosts (numeric, /etc/hosts, unresolvable).  The
services and protocols databases are files ("services: db files").

cffisock's documented differences are the expected outcome where they
apply (a NUL in a getaddrinfo host or port: ValueError; a getnameinfo port,
flowinfo or scope id out of range: OverflowError; if_indextoname beyond
2**32-1: OverflowError), and on PyPy the rules name CPython's outcome where
PyPy's stdlib departs.
"""

import socket as stdlib
import sys
import time

import pytest
from hypothesis import strategies as st

import cffisock
from support.comparison import ON_PYPY, without_scope
from support.fuzz import (
    Instead,
    UNRESOLVABLE,
    anything,
    assert_like_the_stdlib,
    budgets,
    call,
    fuzz,
    hosts,
    in_c_int,
    integers,
    ipv6_texts,
    not_integers,
    texts,
)


pytestmark = pytest.mark.fuzz


IDNA_ERRORS = ("UnicodeError", "UnicodeEncodeError")


# -- getaddrinfo ---------------------------------------------------------------------------

PYPY_C_INT = "PyPy truncates an int beyond a C int, CPython raises OverflowError"
NUL_DOCUMENTED = ("documented: a NUL in a getaddrinfo host or port raises, the "
                  "stdlib resolves the part before it")


def gai_hosts():
    """Hosts for getaddrinfo with AI_NUMERICHOST: anything, numeric or not."""
    scoped = st.tuples(ipv6_texts(), st.sampled_from(["1", "lo", "0", "nope", "99999"])).map(
        "%".join)
    return st.one_of(texts(), scoped, texts().map(lambda text: text.encode("utf-8", "replace")),
                     st.just(None), anything())


def gai_ports():
    return st.one_of(integers(), not_integers(), st.sampled_from(["http", "echo", "80", "0x50"]),
                     st.text(max_size=10), st.binary(max_size=6))


def encoded_host(host):
    """The bytes getaddrinfo looks up for ``host`` (None: no bytes)."""
    if isinstance(host, str):
        try:
            return host.encode("idna")
        except UnicodeError:
            return None
    return host if isinstance(host, bytes) else None


def getaddrinfo_rule(host, port, numbers):
    if not all(in_c_int(number) for number in numbers):
        if ON_PYPY and all(isinstance(number, int) for number in numbers):
            return Instead("OverflowError", PYPY_C_INT)
        return None  # both raise for the numbers first
    host_bytes = encoded_host(host)
    if host_bytes is not None and b"\0" in host_bytes:
        return Instead("ValueError", NUL_DOCUMENTED)
    if ON_PYPY and isinstance(host, str) and host_bytes is None:
        return Instead(IDNA_ERRORS, "PyPy passes a host the IDNA codec refuses on "
                                    "to the C library")
    if host is not None and host_bytes is None:
        return None  # the host raises first: TypeError, or the IDNA codec's UnicodeError
    if isinstance(port, (str, bytes)) and "\0" in (
            port if isinstance(port, str) else port.decode("latin-1")):
        return Instead("ValueError", NUL_DOCUMENTED)
    if ON_PYPY and not (port is None or type(port) is int or isinstance(port, (str, bytes))):
        return Instead("OSError", "PyPy raises TypeError for a port that is neither "
                                  "int, str, bytes nor None (bool included)")
    return None


def stdlib_port(port):
    """Before 3.12 (and on PyPy) an int port beyond a C long raised
    OverflowError; 3.12 passes it on as its decimal text, and cffisock
    follows 3.12: the text stands in for the number there."""
    older = ON_PYPY or sys.version_info < (3, 12)
    if older and type(port) is int and not -2**63 <= port < 2**63:
        return str(port)
    return port


@budgets
def test_getaddrinfo_numeric_hosts_like_the_stdlib(fd_leak_check, budget):
    def check(host, port, family, kind, proto, flags):
        numbers = [family, kind, proto, flags | cffisock.AI_NUMERICHOST]

        def operation(module):
            if module is stdlib:
                answers = module.getaddrinfo(host, stdlib_port(port), *numbers)
                return without_scope(answers) if ON_PYPY else answers
            return module.getaddrinfo(host, port, *numbers)
        assert_like_the_stdlib(operation, getaddrinfo_rule(host, port, numbers))
    small = st.one_of(st.integers(-1, 20), integers())
    fuzz(budget, check, gai_hosts(), gai_ports(),
         st.one_of(st.sampled_from([0, cffisock.AF_INET, cffisock.AF_INET6, cffisock.AF_UNIX]),
                   small),
         st.one_of(st.sampled_from([0, cffisock.SOCK_STREAM, cffisock.SOCK_DGRAM,
                                    cffisock.SOCK_RAW]), small),
         st.one_of(st.sampled_from([0, 6, 17]), small),
         st.one_of(st.integers(0, 0x7FF), integers()))


# -- getnameinfo ---------------------------------------------------------------------------

NUMERIC_ONLY = cffisock.NI_NUMERICHOST | cffisock.NI_NUMERICSERV


def sockaddrs():
    items = [st.one_of(texts(), gai_hosts()), st.one_of(integers(), not_integers()),
             integers(), integers(), integers()]
    tuples = st.integers(0, 5).flatmap(lambda arity: st.tuples(*items[:arity]))
    return st.one_of(tuples, tuples, tuples, tuples.map(list), anything())


def getnameinfo_rule(sockaddr, flags):
    if not in_c_int(flags):
        if ON_PYPY and isinstance(flags, int):
            return Instead("OverflowError", PYPY_C_INT)
        return None
    if not isinstance(sockaddr, tuple):
        return Instead("TypeError", "PyPy accepts any sequence as the sockaddr") \
            if ON_PYPY else None
    if not 2 <= len(sockaddr) <= 4:
        return Instead("TypeError", "PyPy unpacks the sockaddr: IndexError, "
                                    "ValueError or OSError") if ON_PYPY else None
    host, *numbers = sockaddr
    if not isinstance(host, str):
        return None
    try:
        encoded = host.encode("utf-8")
    except UnicodeError:
        return Instead("UnicodeEncodeError", "PyPy passes a lone surrogate on") \
            if ON_PYPY else None
    if b"\0" in encoded:
        return Instead("ValueError", "PyPy ignores what follows a NUL") if ON_PYPY else None
    if not all(isinstance(number, int) for number in numbers):
        return None
    port, flowinfo, scope_id = numbers + [0] * (3 - len(numbers))
    if not (0 <= port <= 0xFFFF and 0 <= flowinfo < 2**20 and 0 <= scope_id < 2**32):
        return Instead("OverflowError", "documented: a port, flowinfo or scope id out "
                                        "of range raises, the stdlib truncates it")
    if ON_PYPY and len(sockaddr) > 2:
        return Instead(("OSError", "gaierror"), "PyPy unpacks an IPv4 sockaddr of 3 or "
                                                "4 items without complaint")
    return None


@budgets
def test_getnameinfo_numeric_like_the_stdlib(fd_leak_check, budget):
    def check(sockaddr, flags):
        if isinstance(flags, int):
            flags |= NUMERIC_ONLY
        assert_like_the_stdlib(call("getnameinfo", sockaddr, flags),
                               getnameinfo_rule(sockaddr, flags))
    fuzz(budget, check, sockaddrs(),
         st.one_of(st.integers(0, 0x3FF), integers(), not_integers()))


# -- gethostbyname, gethostbyname_ex -------------------------------------------------------


def host_rule(host, name):
    if ON_PYPY and host == "":
        return Instead("herror", "PyPy's herror has no h_errno",
                       unless=lambda reference: reference[:2] != ("raised", "herror"))
    if ON_PYPY and isinstance(host, str) and "\0" in host:
        # Both encode with IDNA before looking at a NUL: a refusal there is
        # CPython's outcome as well.
        return Instead("TypeError", "PyPy ignores what follows a NUL",
                       unless=lambda reference: reference[:2] == ("raised", "UnicodeError"))
    if ON_PYPY and isinstance(host, (bytes, bytearray)):
        return Instead(("gaierror", "herror", "TypeError"), "PyPy's gethostby* take only "
                       "str, whose IDNA codec refuses what bytes pass",
                       unless=lambda reference: reference[0] == "returned")
    if name == "gethostbyname_ex" and host in ("<broadcast>", b"<broadcast>"):
        # glibc refuses it without a query; CPython then reports the
        # thread's global h_errno, left by whatever ran before, so its code
        # varies (test_resolver.py::test_gethostbyname_ex_error_code_does_
        # not_depend_on_history): only the herror is compared.
        return Instead("herror", "CPython's h_errno here depends on earlier calls",
                       unless=lambda reference: reference[:2] != ("raised", "herror"))
    return None


def stdlib_host(host):
    """PyPy's gethostby* take only str: the text of bytes stands in."""
    if ON_PYPY and isinstance(host, (bytes, bytearray)) and b"\0" not in host:
        return host.decode("latin-1")
    return host


@budgets
@pytest.mark.parametrize("name", ["gethostbyname", "gethostbyname_ex"])
def test_gethostbyname_like_the_stdlib(fd_leak_check, budget, name):
    # gethostbyname_r asks DNS for an inet_aton form that is not a dotted
    # quad ('0x7f.1'): gethostbyname_ex gets dotted quads only.
    dotted = st.ip_addresses(v=4).map(str)
    strategy = hosts(cffisock.AF_INET, numeric=dotted if name == "gethostbyname_ex" else None)
    def check(host):
        assert_like_the_stdlib(lambda module: getattr(module, name)(
            stdlib_host(host) if module is stdlib else host), host_rule(host, name))
    fuzz(budget, check, strategy, scale=0.5)


# -- services and protocols ----------------------------------------------------------------

SERVICE_NAMES = st.one_of(st.sampled_from(["http", "https", "ssh", "echo", "domain", "tcp"]),
                          st.text(max_size=12), anything())
PROTOCOLS = st.one_of(st.sampled_from(["tcp", "udp", "icmp", "", "TCP"]), st.text(max_size=6),
                      anything())


def service_rule(*texts):
    """CPython parses the arguments in order: the first that is not a str
    raises TypeError on both, but for None, which PyPy takes for no
    protocol; the first str with a NUL raises ValueError where PyPy ignores
    what follows the NUL."""
    if not ON_PYPY:
        return None
    for text in texts:
        if text is None:
            return Instead("TypeError", "PyPy takes None for no protocol")
        if not isinstance(text, str):
            return None
        if "\0" in text:
            return Instead("ValueError", "PyPy ignores what follows a NUL")
    return None


def port_rule(port, *tail):
    """getservbyport: CPython parses the port as a C int, then the
    protocol, then checks the port's range; PyPy checks the protocol's
    type before a port beyond a C int."""
    if not isinstance(port, int):
        return None
    if -2**31 <= port < 2**31:
        return service_rule(*tail)
    if ON_PYPY:
        return Instead("OverflowError", "PyPy checks the protocol first")
    return None


@budgets
def test_services_and_protocols_like_the_stdlib(fd_leak_check, budget):
    def check(service, port, protocol, with_protocol):
        tail = (protocol,) if with_protocol else ()
        assert_like_the_stdlib(call("getservbyname", service, *tail),
                               service_rule(service, *tail))
        assert_like_the_stdlib(call("getservbyport", port, *tail), port_rule(port, *tail))
        assert_like_the_stdlib(call("getprotobyname", protocol), service_rule(protocol))
    fuzz(budget, check, SERVICE_NAMES, st.one_of(st.integers(-1, 1100), integers(), anything()),
         PROTOCOLS, st.booleans())


# -- if_nametoindex, if_indextoname, if_nameindex ------------------------------------------

needs_if_functions = pytest.mark.skipif(
    not hasattr(stdlib, "if_nametoindex"),
    reason="this stdlib has no if_* functions to compare with (PyPy); "
           "test_resolver.py checks cffisock's against /sys/class/net")


def indextoname_rule(value):
    if isinstance(value, int) and 2**32 <= value < 2**64:
        return Instead("OverflowError", "documented: an index beyond 2**32-1 raises, "
                                        "as 3.13 does (3.9-3.12 truncate)")
    return None


@needs_if_functions
@budgets
def test_interfaces_like_the_stdlib(fd_leak_check, budget):
    names = [name for _, name in cffisock.if_nameindex()]

    def check(name, number):
        assert_like_the_stdlib(call("if_nametoindex", name))
        assert_like_the_stdlib(call("if_indextoname", number), indextoname_rule(number))
    fuzz(budget, check,
         st.one_of(st.sampled_from(names + ["", "lo\0"]), st.text(max_size=20),
                   st.binary(max_size=20), anything()),
         st.one_of(st.integers(-1, 10), integers(), not_integers()))


def test_unresolvable_names_fail_at_once(fd_leak_check):
    # The premise of the host strategies: a first label longer than DNS
    # allows fails before any query, even where nothing else would stop a
    # lookup (this machine's DNS server is unreachable: a query would wait).
    for host in (UNRESOLVABLE, UNRESOLVABLE + ".example", "é." + UNRESOLVABLE,
                 UNRESOLVABLE.encode() + b".\xff"):
        start = time.monotonic()
        with pytest.raises((cffisock.gaierror, UnicodeError)):  # UnicodeError: IDNA's
            cffisock.getaddrinfo(host, 80, cffisock.AF_INET)
        assert time.monotonic() - start < 1
