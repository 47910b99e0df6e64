"""The names databases against the stdlib ``socket`` module, case by case:
gethostbyname, gethostbyname_ex, gethostbyaddr, getfqdn, gethostname,
services, protocols and network interfaces (the table: see
support/comparison.py, and test_resolver_conformance.py for how a case is
compared).

No DNS traffic: host names and addresses are those of /etc/hosts (while
/etc/nsswitch.conf consults it first), or names that fail before any query
is built (support/machine.py).  PyPy has no ``if_*`` functions at all:
there cffisock's are checked against /sys/class/net.
"""

import socket as stdlib
import sys

import pytest

from support.comparison import (
    ARGUMENT_COUNT,
    Call,
    EMBEDDED_NUL,
    INT_ARG,
    ON_PYPY,
    PYPY_WORDING,
    PyPyDiffers,
    SURROGATE,
    assert_conforms,
    call_case,
    cases,
    table,
)
from support.machine import (
    HOSTNAME,
    HOSTNAME_LISTED,
    HOST_NAMES,
    INTERFACES,
    IPV4_NAMES,
    PROTOCOL_ALIASES,
    PROTOCOL_NAMES,
    REVERSE_ADDRESSES,
    SERVICE_NAMES,
    SERVICE_PORTS,
    name_case,
    name_cases,
    needs_hosts_file,
    needs_lo,
    sysfs_index,
    sysfs_name,
    sysfs_nameindex,
)


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


CASES = table(GETHOSTBYNAME_CASES, GETHOSTBYNAME_EX_CASES, GETHOSTBYADDR_CASES, GETFQDN_CASES,
              GETHOSTNAME_CASES, SERVICE_CASES, PROTOCOL_CASES, IF_CASES)


@pytest.mark.parametrize("call, types_only, pypy", CASES)
def test_resolver_conformance(call, types_only, pypy):
    assert_conforms(call, types_only, pypy)
