"""The resolver against the stdlib ``socket`` module, case by case:
getaddrinfo and getnameinfo (the table: see support/comparison.py).  The
gethostby* family, getfqdn, gethostname, services, protocols and network
interfaces are test_resolver_names_conformance.py.

Each case of the table is one call, ``Call(function, *arguments)``, made once
with the stdlib ``socket`` and once with ``cffisock``; the outcomes must
match: equal results (getaddrinfo's list in order -- both modules call the
same C library -- with enum members compared by class, name and value), or
the same exception type; for an OSError with an errno (gaierror, herror) the
same errno and strerror (``args[:2]``: both from the C library); for
TypeError, ValueError (UnicodeError), OverflowError and an errno-less
OSError the same message, unless the case is marked ``types_only`` with the
reason.  A second, smaller table (``test_conformance``) builds getaddrinfo's
arguments with the case builders of the socket tables.

The corpus is read from the machine at run time (support/machine.py): every
name and address of /etc/hosts, the first entries of /etc/services and
/etc/protocols, the network interfaces.

No DNS traffic: the C library's resolver is asked only about

* numeric addresses (parsed without any lookup),
* names and addresses listed in /etc/hosts, in an address family that they
  have there (a name with only an IPv4 entry looked up for AF_INET6 falls
  through to DNS, so that is never asked), and only while /etc/nsswitch.conf
  consults the file first,
* names that fail locally: AI_NUMERICHOST, a label longer than 63 bytes or an
  empty label (the C library cannot even build the query), names the IDNA
  codec refuses (no lookup at all), names the C resolver refuses as
  malformed ('<broadcast>', '').

Cases that would need DNS are left out, each with a comment where it would
be.  PyPy has no ``if_*`` functions at all: there cffisock's are checked
against /sys/class/net.
"""

import socket as stdlib

import pytest

import cffisock
from support.comparison import (
    ARGUMENT_COUNT,
    Call,
    EMBEDDED_NUL,
    IDNA,
    INT_ARG,
    K,
    OlderDiffers,
    PORT_TYPE,
    PYPY_WORDING,
    PyPyDiffers,
    SURROGATE,
    assert_conforms,
    call_case,
    case,
    table,
    unique,
    without_scope,
)
from support.machine import (
    HOST_ADDRESSES,
    HOST_NAMES,
    INTERFACES,
    NOFQDN_LOCAL,
    PROTOCOLS,
    REVERSE_ADDRESSES,
    SERVICES,
    SERVICE_PORTS,
    TCP_SERVICE,
    address_family,
    listed,
    name_case,
    needs_lo,
)


# -- getaddrinfo ---------------------------------------------------------------------------

FAMILIES = [K("AF_UNSPEC"), K("AF_INET"), K("AF_INET6")]
SOCKTYPES = [0, K("SOCK_STREAM"), K("SOCK_DGRAM"), K("SOCK_RAW")]
PROTOS = [0, 6, 17]
AI_FLAGS = [K(name) for name in sorted(dir(stdlib)) if name.startswith("AI_")]
AI_COMBINATIONS = AI_FLAGS + [
    K("AI_PASSIVE", "AI_NUMERICHOST"), K("AI_CANONNAME", "AI_NUMERICHOST"),
    K("AI_NUMERICHOST", "AI_NUMERICSERV"), K("AI_ADDRCONFIG", "AI_CANONNAME"),
    K("AI_PASSIVE", "AI_ADDRCONFIG"), K("AI_ALL", "AI_V4MAPPED"),
    K("AI_ALL", "AI_V4MAPPED", "AI_CANONNAME"),
]
#: Numeric hosts: parsed by getaddrinfo itself, whatever the family.
#: ('127.1' and '0x7f.1' are inet_aton forms, which glibc accepts too.)
NUMERIC_HOSTS = ["127.0.0.1", "127.1", "0x7f.1", "::1", "::ffff:127.0.0.1",
                 "fe80::1", "fe80::1%1", b"127.0.0.1", b"::1"]
SCOPED_HOSTS = ["fe80::1%lo"]  # needs an interface named lo
SCOPED_HOST = ("PyPy's sockaddrs keep the %scope in the host ('fe80::1%lo'), "
               "CPython's give the scope id alone")
PORTS = [80, "80", b"80", None, 0, 65535] + ([TCP_SERVICE] if TCP_SERVICE else [])


def is_numeric(host):
    return host is None or address_family(
        host if isinstance(host, str) else host.decode()) is not None


def name_is_local(host, family, flags):
    """Whether getaddrinfo(host, family, flags) stays in /etc/hosts: a name
    (not a numeric address, not None, not with AI_NUMERICHOST) must be
    listed there in ``family``; AF_UNSPEC needs an IPv4 entry, and with
    AI_ADDRCONFIG (which may narrow the query to one family) both."""
    flag_names = flags.names if isinstance(flags, K) else ()
    if is_numeric(host) or "AI_NUMERICHOST" in flag_names:
        return True
    if family.names[0] == "AF_INET6":
        return listed(host, stdlib.AF_INET6)
    if family.names[0] == "AF_UNSPEC" and "AI_ADDRCONFIG" in flag_names:
        return listed(host, stdlib.AF_INET) and listed(host, stdlib.AF_INET6)
    return listed(host, stdlib.AF_INET)


def like_without_scope(call):
    """``like``: ``call`` with the %scope cut from each IPv6 sockaddr's host."""
    return lambda mod: without_scope(call(mod))


def gai_case(host, port, family=K("AF_UNSPEC"), type=0, proto=0, flags=0, **options):
    call = Call("getaddrinfo", host, port, family, type, proto, flags)
    if isinstance(host, str) and "%" in host:
        options["pypy"] = PyPyDiffers(SCOPED_HOST, like=like_without_scope(call))
    if is_numeric(host):
        return call_case(call, **options)
    return name_case(call, **options)


def local_getaddrinfo_cases():
    """The valid-argument grid, less the name lookups that would reach DNS."""
    params = []
    hosts = NUMERIC_HOSTS + HOST_NAMES + [None]
    for host in hosts:
        for port in PORTS:
            if name_is_local(host, K("AF_UNSPEC"), 0) and (host, port) != (None, None):
                params.append(gai_case(host, port))
    grid_hosts = ["127.0.0.1", "::1", None] + HOST_NAMES[:2]
    for host in grid_hosts:
        for family in FAMILIES:
            for kind in SOCKTYPES:
                for proto in PROTOS:
                    if name_is_local(host, family, 0):
                        params.append(gai_case(host, 80, family, kind, proto))
    flag_hosts = ["127.0.0.1", "::1", None] + HOST_NAMES[:2]
    for host in flag_hosts:
        for flags in AI_COMBINATIONS:
            for family in FAMILIES:
                if name_is_local(host, family, flags):
                    params.append(gai_case(host, 80, family, K("SOCK_STREAM"), 0, flags))
    for host in SCOPED_HOSTS:
        for family in FAMILIES:
            params.append(gai_case(host, 80, family, marks=[needs_lo]))
    return unique(params)


C_INT_RANGE = "PyPy truncates an int beyond a C int, CPython raises OverflowError"

GETADDRINFO_CASES = local_getaddrinfo_cases() + [
    # Both None: EAI_NONAME, without a lookup.
    call_case(Call("getaddrinfo", None, None)),
    # An empty name: glibc answers EAI_NONAME at once.
    call_case(Call("getaddrinfo", "", 80)),
    call_case(Call("getaddrinfo", b"", 80)),
    # A numeric address of the other family: EAI_ADDRFAMILY, no lookup.
    call_case(Call("getaddrinfo", "::1", 80, K("AF_INET"))),
    call_case(Call("getaddrinfo", "127.0.0.1", 80, K("AF_INET6"))),
    # A bad scope: EAI_NONAME, from the numeric parser.
    call_case(Call("getaddrinfo", "fe80::1%nope", 80)),
    # Names refused without a lookup.
    call_case(Call("getaddrinfo", "nonexistent.invalid", 80, flags=K("AI_NUMERICHOST"))),
    call_case(Call("getaddrinfo", "xn--zz.invalid", 80, flags=K("AI_NUMERICHOST"))),
    call_case(Call("getaddrinfo", "\u00e9.invalid", 80, flags=K("AI_NUMERICHOST"))),
    # Services: unknown, numeric-only, wrong socket type.
    call_case(Call("getaddrinfo", "127.0.0.1", "no-such-service")),
    call_case(Call("getaddrinfo", "127.0.0.1", "http", flags=K("AI_NUMERICSERV"))),
    call_case(Call("getaddrinfo", "127.0.0.1", 80, 0, K("SOCK_RAW"))),
    call_case(Call("getaddrinfo", "127.0.0.1", -1)),
    call_case(Call("getaddrinfo", "127.0.0.1", 65536)),
    call_case(Call("getaddrinfo", "127.0.0.1", "\udcff")),
    # CPython takes only an exact int as a number: a bool is "not an int".
    call_case(Call("getaddrinfo", "127.0.0.1", True),
         pypy=PyPyDiffers("PyPy accepts a bool as a port", OSError)),
    # Python 3.12 passes any exact int on as its decimal text (before, one
    # beyond a C long raised OverflowError, as PyPy does).
    call_case(Call("getaddrinfo", "127.0.0.1", 2**70), pypy=OlderDiffers(
        (3, 12), "before 3.12 a port beyond a C long raised OverflowError",
        like=Call("getaddrinfo", "127.0.0.1", str(2**70)))),
    # Bad families, types, protocols and flags: the C library's verdict.
    call_case(Call("getaddrinfo", "127.0.0.1", 80, 12345)),
    call_case(Call("getaddrinfo", "127.0.0.1", 80, 0, 12345)),
    call_case(Call("getaddrinfo", "127.0.0.1", 80, 0, K("SOCK_STREAM"), 17)),
    call_case(Call("getaddrinfo", "127.0.0.1", 80, 0, 0, 12345)),
    call_case(Call("getaddrinfo", "127.0.0.1", 80, 0, 0, 0, -1)),
    call_case(Call("getaddrinfo", "127.0.0.1", 80, 0, 0, 0, 0x7FFF0000)),
    call_case(Call("getaddrinfo", "127.0.0.1", 80, family=K("AF_UNIX"))),
    # Keyword arguments.
    call_case(Call("getaddrinfo", "127.0.0.1", 80, type=K("SOCK_DGRAM"), flags=K("AI_CANONNAME"))),
    call_case(Call("getaddrinfo", host="127.0.0.1", port=80, proto=6)),
    # IDNA: a str host goes through the idna codec, whose errors (the same
    # codec in both modules) come out as they are.
    call_case(Call("getaddrinfo", "a" * 64 + ".invalid", 80)),
    call_case(Call("getaddrinfo", "a..invalid", 80)),
    call_case(Call("getaddrinfo", "\udcff.invalid", 80)),
    call_case(Call("getaddrinfo", "\udcff", 80)),
    # The same names as bytes skip the codec: glibc cannot build a DNS query
    # with an empty or too long label and fails before sending anything.
    call_case(Call("getaddrinfo", b"a" * 64 + b".invalid", 80)),
    call_case(Call("getaddrinfo", b"a..invalid", 80)),
    call_case(Call("getaddrinfo", b"a" * 64 + b".invalid", 80, flags=K("AI_NUMERICHOST"))),
] + [
    # Wrong types, argument by argument.
    call_case(Call("getaddrinfo", host, 80))
    for host in (2130706433, 1.5, ["127.0.0.1"], bytearray(b"127.0.0.1"))
] + [
    call_case(Call("getaddrinfo", "127.0.0.1", port), pypy=PyPyDiffers(PORT_TYPE, OSError))
    for port in (80.0, [80], bytearray(b"80"))
] + [
    call_case(Call("getaddrinfo", "127.0.0.1", 80, *args), types_only=INT_ARG)
    for args in (("AF_INET",), (None,), (0, "1"), (0, 0, None), (0, 0, 0, "0"),
                 (0, 0, 0, 1.0))
] + [
    call_case(Call("getaddrinfo", "127.0.0.1", 80, *args),
         pypy=PyPyDiffers(C_INT_RANGE, raises=OverflowError))
    for args in ((2**40,), (0, 2**40), (0, 0, 2**40), (0, 0, 0, 2**40), (-2**40,))
] + [
    call_case(Call("getaddrinfo", "127.0.0.1")),  # too few arguments
    call_case(Call("getaddrinfo", "127.0.0.1", 80, 0, 0, 0, 0, 0)),
]


# -- getnameinfo ----------------------------------------------------------------------------

NI_FLAGS = [K(name) for name in sorted(set(dir(stdlib)) | set(dir(cffisock)))
            if name.startswith("NI_") and name not in ("NI_MAXHOST", "NI_MAXSERV")]
NI_COMBINATIONS = [0] + NI_FLAGS + [
    K("NI_NUMERICHOST", "NI_NUMERICSERV"), K("NI_NUMERICSERV", "NI_DGRAM"),
    K("NI_NAMEREQD", "NI_NOFQDN"),
    # NI_NAMEREQD with NI_NUMERICHOST cannot be satisfied: EAI_NONAME.
    K("NI_NUMERICHOST", "NI_NAMEREQD"),
]


def reverse_is_local(flags):
    """Whether getnameinfo with ``flags`` on an address of /etc/hosts stays
    there: NI_NOFQDN also needs the lookups of NOFQDN_LOCAL."""
    names = flags.names if isinstance(flags, K) else ()
    return "NI_NUMERICHOST" in names or "NI_NOFQDN" not in names or NOFQDN_LOCAL


def numeric_only(flags):
    """``flags`` with NI_NUMERICHOST added: for an address that is not in
    /etc/hosts, whose reverse lookup would go to DNS."""
    names = flags.names if isinstance(flags, K) else ()
    return K(*(("NI_NUMERICHOST",) + tuple(n for n in names if n != "NI_NUMERICHOST")))


def getnameinfo_cases():
    params = []
    service_port = SERVICE_PORTS[0] if SERVICE_PORTS else 7
    for address in REVERSE_ADDRESSES:
        for port in (0, 80, 65535, service_port):
            for flags in NI_COMBINATIONS:
                if reverse_is_local(flags):
                    params.append(name_case(Call("getnameinfo", (address, port), flags)))
    # Addresses that are not in /etc/hosts (unless they are): numeric only.
    sockaddrs = [("127.0.0.1", 80), ("::1", 80), ("::1", 80, 0), ("::1", 80, 0, 0),
                 ("::1", 80, 2**20 - 1, 0), ("fe80::1", 80, 0, 1), ("fe80::1", 80, 0, 0),
                 ("fe80::1", 80, 0, 2**32 - 1), ("fe80::1%1", 80), ("fe80::1%1", 80, 0, 0),
                 ("::ffff:127.0.0.1", 80),
                 ("0x7f.1", 80), ("127.1", 80)]
    for sockaddr in sockaddrs:
        for flags in NI_COMBINATIONS:
            params.append(call_case(Call("getnameinfo", sockaddr, numeric_only(flags))))
    for sockaddr in [("fe80::1%lo", 80), ("fe80::1%lo", 80, 0, 1), ("fe80::1%lo", 80, 0, 2)]:
        params.append(call_case(Call("getnameinfo", sockaddr, K("NI_NUMERICHOST")),
                           marks=[needs_lo]))
    return unique(params)


ANY_SEQUENCE_SOCKADDR = "PyPy accepts any sequence as the sockaddr"
SOCKADDR_ARITY = ("PyPy unpacks the sockaddr as a sequence: IndexError, ValueError or "
                  "OSError for one of the wrong length")

GETNAMEINFO_CASES = getnameinfo_cases() + [
    # Not numeric: getnameinfo parses the host with AI_NUMERICHOST.
    call_case(Call("getnameinfo", ("localhost", 80), 0)),
    call_case(Call("getnameinfo", ("", 80), 0)),
    call_case(Call("getnameinfo", ("<broadcast>", 80), 0)),
    call_case(Call("getnameinfo", ("fe80::1%nope", 80), 0)),
    # An IPv4 address with IPv6 fields.
    call_case(Call("getnameinfo", ("127.0.0.1", 80, 0), K("NI_NUMERICHOST")),
         pypy=PyPyDiffers(SOCKADDR_ARITY, raises=OSError)),
    call_case(Call("getnameinfo", ("127.0.0.1", 80, 0, 0), K("NI_NUMERICHOST")),
         pypy=PyPyDiffers(SOCKADDR_ARITY, raises=OSError)),
    # flowinfo beyond 20 bits (-1 is 2**32-1 to CPython's "I" format).
    call_case(Call("getnameinfo", ("::1", 80, 2**20, 0), K("NI_NUMERICHOST")),
         types_only=PYPY_WORDING),
    call_case(Call("getnameinfo", ("::1", 80, -1, 0), K("NI_NUMERICHOST")),
         types_only=PYPY_WORDING),
    # Flags.
    call_case(Call("getnameinfo", ("127.0.0.1", 80), -1)),
    call_case(Call("getnameinfo", ("::1", 80), 0x7FFF0000)),
    call_case(Call("getnameinfo", ("127.0.0.1", 80), "0"), types_only=INT_ARG),
    call_case(Call("getnameinfo", ("127.0.0.1", 80), None), types_only=INT_ARG),
    call_case(Call("getnameinfo", ("127.0.0.1", 80), 2**40),
         pypy=PyPyDiffers(C_INT_RANGE, raises=OverflowError)),
    # The flags are parsed before the sockaddr.
    call_case(Call("getnameinfo", ("nonnumeric", 80), 2**40),
         pypy=PyPyDiffers("PyPy parses the sockaddr first", raises=OverflowError)),
    # Wrong shapes and types of the sockaddr.
    call_case(Call("getnameinfo", ["127.0.0.1", 80], K("NI_NUMERICHOST")),
         pypy=PyPyDiffers(ANY_SEQUENCE_SOCKADDR, raises=TypeError)),
    call_case(Call("getnameinfo", "127.0.0.1", K("NI_NUMERICHOST")), types_only=PYPY_WORDING),
    call_case(Call("getnameinfo", None, K("NI_NUMERICHOST")), types_only=PYPY_WORDING),
    call_case(Call("getnameinfo", ("127.0.0.1",), K("NI_NUMERICHOST")),
         pypy=PyPyDiffers(SOCKADDR_ARITY, raises=TypeError)),
    call_case(Call("getnameinfo", ("::1", 80, 0, 0, 0), K("NI_NUMERICHOST")),
         pypy=PyPyDiffers(SOCKADDR_ARITY, raises=TypeError)),
    call_case(Call("getnameinfo", (), K("NI_NUMERICHOST")),
         pypy=PyPyDiffers(SOCKADDR_ARITY, raises=TypeError)),
    call_case(Call("getnameinfo", (2130706433, 80), K("NI_NUMERICHOST")),
         types_only=PYPY_WORDING),
    call_case(Call("getnameinfo", (b"127.0.0.1", 80), K("NI_NUMERICHOST")),
         types_only=PYPY_WORDING),
    call_case(Call("getnameinfo", (None, 80), K("NI_NUMERICHOST")), types_only=PYPY_WORDING),
    call_case(Call("getnameinfo", ("127.0.0.1", "80"), K("NI_NUMERICHOST")), types_only=INT_ARG),
    call_case(Call("getnameinfo", ("127.0.0.1", None), K("NI_NUMERICHOST")), types_only=INT_ARG),
    call_case(Call("getnameinfo", ("127.0.0.1", 80.0), K("NI_NUMERICHOST")), types_only=INT_ARG),
    call_case(Call("getnameinfo", ("::1", 80, "0"), K("NI_NUMERICHOST")), types_only=INT_ARG),
    call_case(Call("getnameinfo", ("::1", 80, 0, "0"), K("NI_NUMERICHOST")), types_only=INT_ARG),
    call_case(Call("getnameinfo", ("127.0.0.1\0", 80), K("NI_NUMERICHOST")),
         pypy=PyPyDiffers(EMBEDDED_NUL, raises=ValueError)),
    call_case(Call("getnameinfo", ("\udcff", 80), K("NI_NUMERICHOST")),
         pypy=PyPyDiffers(SURROGATE, raises=UnicodeEncodeError)),
    call_case(Call("getnameinfo", ("127.0.0.1", 80)), types_only=ARGUMENT_COUNT),
]


CASES = table(GETADDRINFO_CASES, GETNAMEINFO_CASES)


@pytest.mark.parametrize("call, types_only, pypy", CASES)
def test_resolver_conformance(call, types_only, pypy):
    assert_conforms(call, types_only, pypy)


def test_case_ids_are_unique():
    ids = [param.id for param in CASES]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_corpus_was_read_from_the_machine():
    # The table is built from the machine's files: make sure they were read
    # (an empty corpus would pass vacuously).
    assert SERVICES and PROTOCOLS and INTERFACES
    assert HOST_ADDRESSES, "/etc/hosts lists no address"


def gai(*args, **kwargs):
    """Case: getaddrinfo(*args, **kwargs); a str argument naming a constant
    (AF_*, SOCK_*, AI_*) in ``kwargs`` is looked up in the module."""
    def run(mod):
        resolved = {key: getattr(mod, value) if isinstance(value, str) else value
                    for key, value in kwargs.items()}
        return mod.getaddrinfo(*args, **resolved)
    return run


GAI_CASES = [
    case("gai-" + name, run, **options) for name, run, options in [
        ("numeric-v4", gai("127.0.0.1", 80), {}),
        ("numeric-v6", gai("::1", 80), {}),
        ("numeric-v4-stream", gai("127.0.0.1", 80, family="AF_INET", type="SOCK_STREAM"), {}),
        ("numeric-v6-dgram", gai("::1", 80, family="AF_INET6", type="SOCK_DGRAM"), {}),
        ("numeric-v4-udp-proto", gai("127.0.0.1", 80, proto="IPPROTO_UDP"), {}),
        ("numeric-bytes-host", gai(b"127.0.0.1", 80), {}),
        ("passive", gai(None, 80, flags="AI_PASSIVE"), {}),
        ("passive-v4-stream", gai(None, 0, family="AF_INET", type="SOCK_STREAM",
                                  flags="AI_PASSIVE"), {}),
        ("no-host", gai(None, 80), {}),
        ("localhost", gai("localhost", 80, type="SOCK_STREAM"), {}),
        ("localhost-v4", gai("localhost", 80, family="AF_INET"), {}),
        ("canonname-numeric", gai("127.0.0.1", 80, type="SOCK_STREAM",
                                  flags="AI_CANONNAME"), {}),
        ("port-str", gai("127.0.0.1", "80"), {}),
        ("port-bytes", gai("127.0.0.1", b"80"), {}),
        ("port-None", gai("127.0.0.1", None), {}),
        ("port-service", gai("127.0.0.1", "http", type="SOCK_STREAM"), {}),
        ("port-0", gai("127.0.0.1", 0), {}),
        ("port-65535", gai("127.0.0.1", 65535), {}),
        ("port-65536", gai("127.0.0.1", 65536), {}),
        ("port-negative", gai("127.0.0.1", -1), {}),
        ("port-unknown-service", gai("127.0.0.1", "no-such-service"), {}),
        ("port-float", gai("127.0.0.1", 80.0), {"pypy": PyPyDiffers(PORT_TYPE, OSError)}),
        ("port-bytearray", gai("127.0.0.1", bytearray(b"80")),
         {"pypy": PyPyDiffers(PORT_TYPE, OSError)}),
        ("port-list", gai("127.0.0.1", [80]), {"pypy": PyPyDiffers(PORT_TYPE, OSError)}),
        ("host-int", gai(2130706433, 80), {}),
        ("host-bytearray", gai(bytearray(b"127.0.0.1"), 80), {}),
        ("host-and-port-None", gai(None, None), {}),
        ("family-12345", gai("127.0.0.1", 80, 12345), {}),
        ("type-12345", gai("127.0.0.1", 80, 0, 12345), {}),
        ("flags-bad", gai("127.0.0.1", 80, 0, 0, 0, -1), {}),
        ("family-str", gai("127.0.0.1", 80, "x"), {"types_only": INT_ARG}),
        # AI_NUMERICHOST: a name is refused without asking any resolver.
        ("nonexistent-invalid-numerichost",
         gai("nonexistent.invalid", 80, flags="AI_NUMERICHOST"), {}),
        ("localhost-numerichost", gai("localhost", 80, flags="AI_NUMERICHOST"), {}),
        ("idna-numerichost", gai("é.invalid", 80, flags="AI_NUMERICHOST"), {}),
        ("idna-label-too-long",
         gai("a" * 64 + ".invalid", 80, flags="AI_NUMERICHOST"), {"types_only": IDNA}),
    ]
]


@pytest.mark.parametrize("run, types_only, pypy", table(GAI_CASES))
def test_conformance(run, types_only, pypy):
    assert_conforms(run, types_only, pypy)
