"""The resolver against the stdlib ``socket`` module, case by case:
getaddrinfo, getnameinfo, the gethostby* family, getfqdn, gethostname,
services, protocols and network interfaces (the table: see
support/comparison.py).

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
import sys

import pytest

import cffisock
from support.comparison import (
    ARGUMENT_COUNT,
    Call,
    EMBEDDED_NUL,
    IDNA,
    INT_ARG,
    K,
    ON_PYPY,
    OlderDiffers,
    PORT_TYPE,
    PYPY_WORDING,
    PyPyDiffers,
    assert_conforms,
    call_case,
    case,
    table,
    unique,
)
from support.machine import (
    HOSTNAME,
    HOSTNAME_LISTED,
    HOST_ADDRESSES,
    HOST_NAMES,
    INTERFACES,
    IPV4_NAMES,
    NOFQDN_LOCAL,
    PROTOCOLS,
    PROTOCOL_ALIASES,
    PROTOCOL_NAMES,
    REVERSE_ADDRESSES,
    SERVICES,
    SERVICE_NAMES,
    SERVICE_PORTS,
    SYSFS_INTERFACES,
    TCP_SERVICE,
    address_family,
    listed,
    needs_hosts_file,
    needs_lo,
)


SURROGATE = "PyPy passes a lone surrogate on to the C library, which finds nothing"


def name_case(call, marks=(), **options):
    """A case that looks up a name or an address of /etc/hosts."""
    return call_case(call, marks=[needs_hosts_file, *marks], **options)


def cases(calls, **options):
    return [call_case(call, **options) for call in calls]


def name_cases(calls, **options):
    return [name_case(call, **options) for call in calls]


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


def without_scope(call):
    """``like``: ``call`` with the %scope cut from each IPv6 sockaddr's host."""
    def like(mod):
        return [entry[:4] + ((entry[4][0].split("%")[0],) + entry[4][1:],)
                for entry in call(mod)]
    return like


def gai_case(host, port, family=K("AF_UNSPEC"), type=0, proto=0, flags=0, **options):
    call = Call("getaddrinfo", host, port, family, type, proto, flags)
    if isinstance(host, str) and "%" in host:
        options["pypy"] = PyPyDiffers(SCOPED_HOST, like=without_scope(call))
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


NOT_A_TUPLE = "PyPy accepts any sequence as the sockaddr"
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
         pypy=PyPyDiffers(NOT_A_TUPLE, raises=TypeError)),
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


# -- gethostbyname, gethostbyname_ex, gethostbyaddr, getfqdn, gethostname ------------------

BYTES_HOST = "PyPy's gethostby* functions take only str"
#: Refused before any lookup by every gethostby* function: the idna codec
#: fails (too long a label, an empty label, a lone surrogate).
MALFORMED_HOSTS = ["a" * 64 + ".invalid", "a..invalid", "\udcff.invalid"]
WRONG_HOST_TYPES = [2130706433, None, ["localhost"], memoryview(b"127.0.0.1")]
#: Bytes that the C library refuses without a query (it cannot encode an
#: empty or too long label).
MALFORMED_BYTES = [b"a" * 64 + b".invalid", bytearray(b"a..invalid")]


def bytes_case(function, host, marks=()):
    """``function(host)`` for bytes ``host``: on PyPy (str only) the
    reference is the str form."""
    return call_case(Call(function, host), marks=marks,
                pypy=PyPyDiffers(BYTES_HOST, like=Call(function, bytes(host).decode())))


def host_function_cases(function):
    """Refused inputs, for each gethostby* function."""
    return cases(
        [Call(function, host) for host in MALFORMED_HOSTS]
    ) + cases(
        [Call(function, host) for host in WRONG_HOST_TYPES], types_only=PYPY_WORDING,
    ) + cases(
        # PyPy would look up the part before the NUL: a failing numeric one.
        [Call(function, "fe80::1%nope\0"), Call(function, b"fe80::1%nope\0x")],
        pypy=PyPyDiffers(EMBEDDED_NUL, raises=TypeError),
    ) + cases(
        [Call(function, host) for host in MALFORMED_BYTES],
        pypy=PyPyDiffers(BYTES_HOST, raises=stdlib.gaierror),
    ) + [
        call_case(Call(function), types_only=ARGUMENT_COUNT),
    ]


GETHOSTBYNAME_CASES = name_cases(
    [Call("gethostbyname", name) for name in IPV4_NAMES]
) + [
    bytes_case("gethostbyname", convert(name.encode()), marks=[needs_hosts_file])
    for name in IPV4_NAMES[:1] for convert in (bytes, bytearray)
] + cases([Call("gethostbyname", host) for host in (
    "127.0.0.1", "127.1", "0x7f.1", "255.255.255.255", "", "<broadcast>", "::1",
    "fe80::1%nope", "1.2.3.4",
)]) + [
    bytes_case("gethostbyname", host) for host in (b"", b"<broadcast>", b"127.0.0.1")
] + cases([Call("gethostbyname", "fe80::1%lo")], marks=[needs_lo]) \
    + host_function_cases("gethostbyname")

GETHOSTBYNAME_EX_CASES = name_cases(
    [Call("gethostbyname_ex", name) for name in IPV4_NAMES]
    + [Call("gethostbyname_ex", name.upper()) for name in IPV4_NAMES[:1]]
) + [
    bytes_case("gethostbyname_ex", name.encode(), marks=[needs_hosts_file])
    for name in IPV4_NAMES[:1]
] + cases([Call("gethostbyname_ex", host) for host in (
    # glibc answers dotted quads itself.  ('0x7f.1' is not among them: it
    # is not a dotted quad to gethostbyname_r, which would ask DNS.)
    "127.0.0.1", "127.1", "1.2.3.4",
    # An IPv6 address is not AF_INET: gaierror before any lookup.
    "::1",
)]) + [
    # Not a valid host name to glibc's DNS module (refused without a
    # query): herror.  (For '<broadcast>' see
    # test_gethostbyname_ex_error_code_does_not_depend_on_history.)
    call_case(Call("gethostbyname_ex", ""),
         pypy=PyPyDiffers("PyPy's herror has no h_errno", raises=stdlib.herror)),
] + host_function_cases("gethostbyname_ex")

GETHOSTBYADDR_CASES = name_cases(
    [Call("gethostbyaddr", name) for name in HOST_NAMES]
    + [Call("gethostbyaddr", address) for address in REVERSE_ADDRESSES]
    # inet_aton forms of 127.0.0.1, resolved numerically, then reversed.
    + [Call("gethostbyaddr", host) for host in ("127.1", "0x7f.1")
       if "127.0.0.1" in REVERSE_ADDRESSES]
) + [
    bytes_case("gethostbyaddr", address.encode(), marks=[needs_hosts_file])
    for address in REVERSE_ADDRESSES[:1]
] + [
    # '' is the wildcard: two of them (0.0.0.0 and ::) for AF_UNSPEC.
    call_case(Call("gethostbyaddr", ""), pypy=PyPyDiffers(PYPY_WORDING, raises=OSError)),
    call_case(Call("gethostbyaddr", "fe80::1%nope")),
    # '<broadcast>' is 255.255.255.255, whose reverse lookup goes to DNS
    # unless /etc/hosts lists it.
    name_case(Call("gethostbyaddr", "<broadcast>"), marks=[pytest.mark.skipif(
        "255.255.255.255" not in REVERSE_ADDRESSES,
        reason="255.255.255.255 is not in /etc/hosts: its reverse lookup would ask DNS")]),
] + host_function_cases("gethostbyaddr")

needs_hostname_listed = pytest.mark.skipif(
    not HOSTNAME_LISTED,
    reason="this host's name %r is not in /etc/hosts: looking it up would ask DNS"
    % HOSTNAME)

GETFQDN_CASES = name_cases(
    [Call("getfqdn", name) for name in HOST_NAMES]
    + [Call("getfqdn", address) for address in REVERSE_ADDRESSES]
    + [Call("getfqdn", " %s\n" % name) for name in HOST_NAMES[:1]]
) + [
    bytes_case("getfqdn", name.encode(), marks=[needs_hosts_file]) for name in HOST_NAMES[:1]
] + [
    # This host's own name: only when /etc/hosts lists it.
    name_case(Call("getfqdn", *args), marks=[needs_hostname_listed])
    for args in [(), ("",), ("0.0.0.0",), ("  ",)]
] + [
    # A failed lookup gives the name back as it is; a codec error is no
    # OSError and comes out.
    call_case(Call("getfqdn", "fe80::1%nope")),
    call_case(Call("getfqdn", "a" * 64 + ".invalid")),
    call_case(Call("getfqdn", None)),
    call_case(Call("getfqdn", 1)),
]

GETHOSTNAME_CASES = [call_case(Call("gethostname")),
                     call_case(Call("gethostname", "x"), types_only=ARGUMENT_COUNT)]


# -- services and protocols -------------------------------------------------------------

NO_PROTOCOL = "PyPy accepts None for 'any protocol', CPython only a str or nothing"

SERVICE_CASES = cases(
    [Call("getservbyname", name, *protocol)
     for name in SERVICE_NAMES for protocol in [("tcp",), ("udp",), ()]]
    + [Call("getservbyport", port, *protocol)
       for port in SERVICE_PORTS for protocol in [("tcp",), ("udp",), ()]]
    + [Call("getservbyname", name.upper(), "tcp") for name in SERVICE_NAMES[:2]]
    + [Call("getservbyname", "nope"), Call("getservbyname", "nope", "tcp"),
       Call("getservbyname", SERVICE_NAMES[0] if SERVICE_NAMES else "echo", "nope"),
       Call("getservbyname", ""), Call("getservbyport", 0), Call("getservbyport", 65535),
       Call("getservbyport", SERVICE_PORTS[0] if SERVICE_PORTS else 7, "nope"),
       Call("getservbyport", True)]
) + cases(
    # An explicit None protocol (a few: the omitted protocol above covers
    # every entry).
    [Call("getservbyname", name, None) for name in SERVICE_NAMES[:3]]
    + [Call("getservbyport", port, None) for port in SERVICE_PORTS[:3]],
    pypy=PyPyDiffers(NO_PROTOCOL, raises=TypeError),
) + [
    call_case(Call("getservbyport", port)) for port in (-1, 65536)
] + cases(
    [Call("getservbyport", 2**70), Call("getservbyport", -2**70)], types_only=PYPY_WORDING,
) + cases(
    [Call("getservbyname", 80), Call("getservbyname", None), Call("getservbyname", b"echo"),
     Call("getservbyname", "echo", 6), Call("getservbyname", "echo", b"tcp"),
     Call("getservbyport", 7, 6), Call("getservbyport", 7, b"tcp")],
    types_only=PYPY_WORDING,
) + cases(
    [Call("getservbyname"), Call("getservbyport"), Call("getservbyname", "echo", "tcp", "x")],
    types_only=ARGUMENT_COUNT,
) + cases(
    [Call("getservbyport", "7"), Call("getservbyport", 7.0), Call("getservbyport", None)],
    types_only=INT_ARG,
) + cases(
    [Call("getservbyname", "echo\0"), Call("getservbyname", "echo", "tcp\0"),
     Call("getservbyport", 7, "tcp\0")],
    pypy=PyPyDiffers(EMBEDDED_NUL, raises=ValueError),
) + cases([Call("getservbyname", "\udcff"), Call("getservbyport", 7, "\udcff")],
          pypy=PyPyDiffers(SURROGATE, raises=UnicodeEncodeError))

PROTOCOL_CASES = cases(
    [Call("getprotobyname", name) for name in PROTOCOL_NAMES + PROTOCOL_ALIASES]
    + [Call("getprotobyname", name) for name in ("nope", "", "TCP ")]
) + cases(
    [Call("getprotobyname", value) for value in (6, None, b"tcp")], types_only=PYPY_WORDING,
) + cases([Call("getprotobyname")], types_only=ARGUMENT_COUNT) + cases(
    [Call("getprotobyname", "tcp\0")], pypy=PyPyDiffers(EMBEDDED_NUL, raises=ValueError),
) + cases([Call("getprotobyname", "\udcff")],
          pypy=PyPyDiffers(SURROGATE, raises=UnicodeEncodeError))


# -- network interfaces -----------------------------------------------------------------

NO_IF_FUNCTIONS = "PyPy's socket module has no if_* functions"


def sysfs_index(name):
    """``like`` for if_nametoindex(name): the index /sys/class/net gives."""
    def like(mod):
        if name not in SYSFS_INTERFACES:
            raise OSError("no interface with this name")
        return SYSFS_INTERFACES[name]
    return like


def sysfs_name(index):
    """``like`` for if_indextoname(index): the name /sys/class/net gives."""
    def like(mod):
        return next(name for name, number in SYSFS_INTERFACES.items() if number == index)
    return like


def sysfs_nameindex(mod):
    return sorted((index, name) for name, index in SYSFS_INTERFACES.items())


def if_case(call, like=None, raises=None, types_only=None):
    """On PyPy the reference is /sys/class/net (``like``) or the exception
    type CPython raises."""
    return call_case(call, types_only=types_only,
                pypy=PyPyDiffers(NO_IF_FUNCTIONS, like=like, raises=raises) if ON_PYPY else None)


IF_CASES = [
    call_case(Call("if_nameindex"), pypy=PyPyDiffers(NO_IF_FUNCTIONS, like=sysfs_nameindex)
         if ON_PYPY else None),
] + [
    if_case(Call("if_nametoindex", name), like=sysfs_index(name))
    for name in sorted(set(INTERFACES) | {"lo"})
] + [
    if_case(Call("if_indextoname", index), like=sysfs_name(index))
    for index in sorted(INTERFACES.values())
] + [
    if_case(Call("if_nametoindex", b"lo"), like=sysfs_index("lo")),
    if_case(Call("if_nametoindex", "nope"), raises=OSError),
    if_case(Call("if_nametoindex", ""), raises=OSError),
    if_case(Call("if_nametoindex", "x" * 40), raises=OSError),
    if_case(Call("if_nametoindex", "lo\0"), raises=ValueError),
    if_case(Call("if_nametoindex", b"lo\0"), raises=ValueError),
    if_case(Call("if_nametoindex", 1), raises=TypeError),
    if_case(Call("if_nametoindex", None), raises=TypeError),
    if_case(Call("if_nametoindex", ["lo"]), raises=TypeError),
    if_case(Call("if_nametoindex"), raises=TypeError, types_only=ARGUMENT_COUNT),
    if_case(Call("if_indextoname", 0), raises=OSError),
    if_case(Call("if_indextoname", 999999), raises=OSError),
    if_case(Call("if_indextoname", -1), raises=OverflowError),
    if_case(Call("if_indextoname", 2**64), raises=OverflowError),
    if_case(Call("if_indextoname", "1"), raises=TypeError),
    if_case(Call("if_indextoname", 1.0), raises=TypeError),
    if_case(Call("if_indextoname", None), raises=TypeError),
    if_case(Call("if_indextoname"), raises=TypeError, types_only=ARGUMENT_COUNT),
]
if sys.version_info >= (3, 13) or ON_PYPY:
    # 3.9-3.12 truncate 2**32 to 0 (ENXIO); 3.13 refuses it, and so does
    # cffisock on every version (test_if_indextoname_refuses_2_32).
    IF_CASES.append(if_case(Call("if_indextoname", 2**32), raises=OverflowError))


# -- the table --------------------------------------------------------------------------------

CASES = (GETADDRINFO_CASES + GETNAMEINFO_CASES + GETHOSTBYNAME_CASES + GETHOSTBYNAME_EX_CASES
         + GETHOSTBYADDR_CASES + GETFQDN_CASES + GETHOSTNAME_CASES + SERVICE_CASES
         + PROTOCOL_CASES + IF_CASES)


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
