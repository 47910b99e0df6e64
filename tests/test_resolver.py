"""The resolver against the stdlib ``socket`` module: getaddrinfo,
getnameinfo, the gethostby* family, getfqdn, gethostname, sethostname,
services, protocols and network interfaces.

Each case of the table is one call, ``Call(function, *arguments)``, made once
with the stdlib ``socket`` and once with ``cffisock``; the outcomes must
match: equal results (getaddrinfo's list in order -- both modules call the
same C library -- with enum members compared by class, name and value), or
the same exception type; for an OSError with an errno (gaierror, herror) the
same errno and strerror (``args[:2]``: both from the C library); for
TypeError, ValueError (UnicodeError), OverflowError and an errno-less
OSError the same message, unless the case is marked ``types_only`` with the
reason: the stdlib's own message differs between CPython 3.9-3.13 and PyPy
3.9, so no fixed text can match them all.

The corpus is read from the machine at run time: every name and address of
/etc/hosts, the first entries of /etc/services and /etc/protocols, the
network interfaces.

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
be.  PyPy's socket module departs from CPython's in places; cffisock follows
CPython on every interpreter, so such a case carries a ``PyPyDiffers``
reference (as in test_conformance.py).  PyPy has no ``if_*`` functions at
all: there cffisock's are checked against /sys/class/net.
"""

import os
import platform
import socket as stdlib
import sys
import threading
import time

import pytest

import cffisock
from support.comparison import (
    Call, K, OlderDiffers, PyPyDiffers, assert_conforms, assert_same, call_case, normalise, outcome,
    unique,
)

ON_PYPY = platform.python_implementation() == "PyPy"


# Why a case compares only exception types (the stdlib's messages differ):
INT_ARG = ("int conversion: 3.9 'an integer is required (got type str)', "
           "3.10+ \"'str' object cannot be interpreted as an integer\", "
           "PyPy 'expected integer, got str object'")
PYPY_WORDING = "PyPy words this message differently from CPython"
EMBEDDED_NUL = "PyPy ignores what follows a NUL"
SURROGATE = "PyPy passes a lone surrogate on to the C library, which finds nothing"
ARGUMENT_COUNT = ("argument-count errors: CPython's C functions and PyPy's Python "
                  "signatures word them differently, and 3.13 rewords some")


# -- the machine's tables ---------------------------------------------------------------


def read_table(path):
    """The rows of a system table file: each non-empty line split into
    fields, '#' to the end of the line being a comment."""
    try:
        with open(path) as table:
            lines = table.read().splitlines()
    except OSError:
        return []
    rows = [line.split("#", 1)[0].split() for line in lines]
    return [fields for fields in rows if fields]


def address_family(address):
    """AF_INET or AF_INET6 for a numeric address (a %scope is ignored),
    else None."""
    for family in (stdlib.AF_INET, stdlib.AF_INET6):
        try:
            stdlib.inet_pton(family, address.split("%", 1)[0])
            return family
        except OSError:
            pass
    return None


def hosts_file():
    """``({name: families}, [addresses])`` of /etc/hosts (lower-cased names:
    the C library compares them without case)."""
    families, addresses = {}, []
    for address, *names in read_table("/etc/hosts"):
        family = address_family(address)
        if family is None:
            continue
        if address not in addresses:
            addresses.append(address)
        for name in names:
            families.setdefault(name.lower(), set()).add(family)
    return families, addresses


def hosts_file_first():
    """True if /etc/nsswitch.conf has the C library read /etc/hosts before
    any other source of host names.  (Without a hosts line glibc asks DNS
    first.)"""
    for fields in read_table("/etc/nsswitch.conf"):
        if fields[0] == "hosts:":
            return fields[1:2] == ["files"]
    return False


HOST_FAMILIES, HOST_ADDRESSES = hosts_file()
HOSTS_FIRST = hosts_file_first()
HOST_NAMES = sorted(HOST_FAMILIES)
#: The addresses of /etc/hosts a reverse lookup finds there (the C library
#: cannot match an entry with a %scope, so those would go on to DNS).
REVERSE_ADDRESSES = [address for address in HOST_ADDRESSES if "%" not in address]
IPV4_NAMES = [name for name in HOST_NAMES if stdlib.AF_INET in HOST_FAMILIES[name]]
HOSTNAME = stdlib.gethostname()
HOSTNAME_LISTED = HOSTNAME.lower() in HOST_FAMILIES


def listed(name, family=stdlib.AF_INET):
    return family in HOST_FAMILIES.get(name.lower(), ())


#: getnameinfo's NI_NOFQDN (when a name is found) makes glibc look up
#: 'localhost', this host's name and 127.0.0.1 to learn the local domain.
NOFQDN_LOCAL = (listed("localhost") and "127.0.0.1" in REVERSE_ADDRESSES
                and ("." in HOSTNAME or listed(HOSTNAME)))

needs_hosts_file = pytest.mark.skipif(
    not HOSTS_FIRST, reason="/etc/nsswitch.conf does not consult /etc/hosts first: "
    "a name lookup could reach DNS")


def services():
    """``[(name, port, protocol)]`` of the first 40 entries of /etc/services."""
    entries = []
    for fields in read_table("/etc/services")[:40]:
        port, _, protocol = fields[1].partition("/")
        entries.append((fields[0], int(port), protocol))
    return entries


SERVICES = services()
SERVICE_NAMES = sorted({name for name, _, _ in SERVICES})
SERVICE_PORTS = sorted({port for _, port, _ in SERVICES})
#: A service name for the port arguments of getaddrinfo (SOCK_STREAM).
TCP_SERVICE = next((name for name, _, protocol in SERVICES if protocol == "tcp"), None)
PROTOCOLS = read_table("/etc/protocols")[:20]
PROTOCOL_NAMES = [fields[0] for fields in PROTOCOLS]
PROTOCOL_ALIASES = [fields[2] for fields in PROTOCOLS if len(fields) > 2]


def sysfs_interfaces():
    """``{name: index}`` from /sys/class/net: an independent source."""
    interfaces = {}
    try:
        names = os.listdir("/sys/class/net")
    except OSError:
        return interfaces
    for name in names:
        try:
            with open("/sys/class/net/%s/ifindex" % name) as index:
                interfaces[name] = int(index.read())
        except (OSError, ValueError):
            pass
    return interfaces


SYSFS_INTERFACES = sysfs_interfaces()
if hasattr(stdlib, "if_nameindex"):
    INTERFACES = dict((name, index) for index, name in stdlib.if_nameindex())
else:  # PyPy
    INTERFACES = SYSFS_INTERFACES
LOOPBACK = "lo" if "lo" in INTERFACES else None

needs_lo = pytest.mark.skipif(LOOPBACK is None, reason="no interface named 'lo'")


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


PORT_TYPE = "PyPy raises TypeError for a port that is neither int, str, bytes nor None"
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
