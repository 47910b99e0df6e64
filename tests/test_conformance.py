"""Conformance: cffisock against the stdlib ``socket`` module, case by case.

Each case is a function of a module, ``run(mod)``: it builds what it needs
from that module, makes one call and returns a value.  The test runs it once
with the stdlib ``socket`` and once with ``cffisock`` and requires the same
outcome: equal (normalised) results, or an exception of the same type, with
the same errno (and strerror) for an OSError that has one, and the same
message for TypeError, ValueError, OverflowError and an errno-less OSError.

Messages are compared only where the stdlib's message is the same on CPython
3.9-3.13 and PyPy 3.9.  A case whose message differs between those
interpreters is marked ``types_only`` with the reason (one of the constants
below); only the exception types are compared then.

PyPy's socket module departs from CPython's in a few places (it accepts a
list as an address, raises ValueError for a tuple of the wrong length, ...).
cffisock follows CPython on every interpreter, so such a case carries a
``PyPyDiffers`` reference: on CPython the test checks that the stdlib still
behaves as the reference says, on PyPy the reference stands in for the
stdlib (types only).

Results are normalised so they do not depend on the run: enum members become
``(class name, member name, value)`` -- a plain int where the stdlib gives an
AddressFamily member is a difference -- and ephemeral ports and the temporary
directory of AF_UNIX paths are masked.

Every run of a case is checked for descriptors left open and for
ResourceWarnings (a socket left to the garbage collector).  All traffic stays
on 127.0.0.1, ::1 and UNIX sockets: '<broadcast>' is only bound (a local
operation), never sent to, and no name but 'localhost' is resolved (the
failing-name cases use AI_NUMERICHOST, so no resolver is asked).

Where the stdlib has a bug that cffisock deliberately does not copy, the
tests at the end check cffisock's documented behaviour instead.
"""

import array
import os
import shutil
import socket as stdlib
import tempfile

import pytest

import cffisock
from support.comparison import Index, PyPyDiffers, assert_conforms, case, many
from support.descriptors import collect_stale_sockets
from support.loopback import on_pair, requires_ipv6


ABSTRACT_NAME = "cffisock-conformance-%d-" % os.getpid()

# Why a case compares only exception types (the stdlib's messages differ):
INT_ARG = ("int conversion: 3.9 'an integer is required (got type str)', "
           "3.10+ \"'str' object cannot be interpreted as an integer\", "
           "PyPy 'expected integer, got str object'")
PYPY_WORDING = "PyPy words this message differently from CPython"
METHOD_PREFIX = ("CPython prefixes range errors with the method ('bind(): port must "
                 "be 0-65535.'), PyPy does not")
INET_ATON_ARG = ("3.9-3.12 'inet_aton() argument 1 must be str', 3.13 drops "
                 "'1', PyPy 'expected str, got ...'")
IDNA = "the idna codec's error changed in 3.12 and 3.13 (3.13: UnicodeEncodeError)"
ARGUMENT_COUNT = ("CPython's C function says 'takes 2 or 3 arguments (1 given)', "
                  "PyPy's Python-style signature 'missing 1 required positional argument'")


def case6(id, run, **options):
    """A case that needs an AF_INET6 socket and ::1."""
    return case(id, run, marks=[requires_ipv6], **options)


def call(name, *args, **kwargs):
    """Case: ``mod.<name>(*args, **kwargs)``."""
    return lambda mod: getattr(mod, name)(*args, **kwargs)


def on_socket(action, family="AF_INET", kind="SOCK_STREAM"):
    """Case: ``action(mod, sock)`` on a new socket of the module."""
    def run(mod):
        with mod.socket(getattr(mod, family), getattr(mod, kind)) as sock:
            return action(mod, sock)
    return run


def on_closed(action):
    """Case: ``action(mod, sock)`` on a TCP socket that has been closed."""
    def run(mod):
        sock = mod.socket(mod.AF_INET, mod.SOCK_STREAM)
        sock.close()
        return action(mod, sock)
    return run


def on_udp(action):
    """Case: ``action(mod, sender, receiver_address)`` between two UDP sockets
    on 127.0.0.1; returns ``(result, datagram received)``.  A datagram sent on
    loopback is queued at once; the 2 s timeout only bounds a failure."""
    def run(mod):
        with mod.socket(mod.AF_INET, mod.SOCK_DGRAM) as receiver, \
                mod.socket(mod.AF_INET, mod.SOCK_DGRAM) as sender:
            receiver.bind(("127.0.0.1", 0))
            receiver.settimeout(2)
            result = action(mod, sender, receiver.getsockname())
            return result, receiver.recv(100)
    return run


def on_refusing_port(action):
    """Case: ``action(mod, sock, address)`` where ``address`` is a bound but
    not listening TCP port on 127.0.0.1, so connecting to it is refused."""
    def run(mod):
        with mod.socket(mod.AF_INET, mod.SOCK_STREAM) as door, \
                mod.socket(mod.AF_INET, mod.SOCK_STREAM) as sock:
            door.bind(("127.0.0.1", 0))
            sock.settimeout(5)
            return action(mod, sock, door.getsockname())
    return run


def mask_port(name):
    """An INET/INET6 address with the (kernel-chosen) port masked."""
    return (name[0], "<port>") + tuple(name[2:])


def bind_inet(address, family="AF_INET"):
    """Case: bind a UDP socket to ``address``; return its masked name."""
    def action(mod, sock):
        sock.bind(address)
        return mask_port(sock.getsockname())
    return on_socket(action, family, "SOCK_DGRAM")


def connect_udp(address, family="AF_INET"):
    """Case: connect a UDP socket (no packet is sent); return the peer name,
    which shows the port exactly."""
    def action(mod, sock):
        sock.connect(address)
        return sock.getpeername()
    return on_socket(action, family, "SOCK_DGRAM")


def bind_unix(make_address):
    """Case: bind an AF_UNIX socket to ``make_address(directory)`` in a new
    short temporary directory; return its name with the directory masked."""
    def run(mod):
        directory = tempfile.mkdtemp(prefix="cs-", dir="/tmp")
        try:
            with mod.socket(mod.AF_UNIX, mod.SOCK_STREAM) as sock:
                sock.bind(make_address(directory))
                name = sock.getsockname()
        finally:
            shutil.rmtree(directory)
        if isinstance(name, str):
            return name.replace(directory, "<dir>")
        return name
    return run


def unix_path(length, convert=str):
    """``make_address``: a file system path of exactly ``length`` bytes,
    passed through ``convert`` (str, bytes, bytearray, memoryview)."""
    def make(directory):
        path = directory + "/"
        path += "p" * (length - len(path))
        return path if convert is str else convert(os.fsencode(path))
    return make


def abstract_name(length):
    """``make_address``: an abstract AF_UNIX name (leading NUL) of exactly
    ``length`` bytes."""
    name = b"\0" + ABSTRACT_NAME.encode()
    return lambda directory: name + b"a" * (length - len(name))


def autobind_name(mod, sock):
    """Bind to '' (Linux autobind) and describe the random name chosen."""
    sock.bind("")
    name = sock.getsockname()
    return type(name).__name__, len(name), name[:1]


def closed_fd():
    """A descriptor number that is not open."""
    fd = os.open(os.devnull, os.O_RDONLY)
    os.close(fd)
    return fd


def on_closed_fd(action):
    """Case: ``action(mod, fd)`` with a descriptor number that is not open."""
    def run(mod):
        try:
            return action(mod, closed_fd())
        finally:
            collect_stale_sockets()
    return run


def on_devnull_fd(action):
    """Case: ``action(mod, fd)`` with an open descriptor of /dev/null."""
    def run(mod):
        fd = os.open(os.devnull, os.O_RDONLY)
        try:
            return action(mod, fd)
        finally:
            os.close(fd)
            collect_stale_sockets()
    return run


def receive_into(method, size, nbytes=0):
    """Case part: ``b.<method>(bytearray(size), nbytes)`` and the buffer."""
    def action(mod, a, b):
        buffer = bytearray(size)
        result = getattr(b, method)(buffer, nbytes)
        return result, bytes(buffer)
    return action


def sent_and_received(method, data):
    """Case part: ``a.<method>(data)``, then what ``b`` received."""
    def action(mod, a, b):
        result = getattr(a, method)(data)
        return result, b.recv(100)
    return action


def makefile_kind(mode, **options):
    """Case part: the class of ``sock.makefile(mode, ...)`` (closed after)."""
    def action(mod, sock):
        with sock.makefile(mode, **options) as file:
            return type(file).__name__
    return action


def makefile_read(mod, sock):
    with sock.makefile("rb") as file:
        return file.read(1)


def settimeout_then_gettimeout(mod, sock):
    try:
        sock.settimeout(1.5)
    except OSError as exc:
        return exc.errno, sock.gettimeout()
    return None, sock.gettimeout()


def repr_of_closed(mod, sock):
    return repr(sock).replace(mod.__name__ + ".", "<module>.", 1)


def duplicate(mod, sock):
    sock.settimeout(2.5)
    with sock.dup() as copy:
        return (copy.family, copy.type, copy.proto, copy.gettimeout(),
                copy.get_inheritable(), copy.fileno() != sock.fileno())


def detach_open(mod, sock):
    fd = sock.detach()
    os.close(fd)
    return sock.fileno(), fd >= 0


def recvfrom_udp(mod):
    """A datagram over loopback: recvfrom's data and sender (port masked)."""
    with mod.socket(mod.AF_INET, mod.SOCK_DGRAM) as receiver, \
            mod.socket(mod.AF_INET, mod.SOCK_DGRAM) as sender:
        receiver.bind(("127.0.0.1", 0))
        receiver.settimeout(2)
        sender.sendto(b"ping", receiver.getsockname())
        data, address = receiver.recvfrom(100)
        return data, mask_port(address)


def nonblocking_accept(mod, sock):
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.setblocking(False)
    return sock.accept()


def nonblocking_socket(mod):
    """A socket made with SOCK_NONBLOCK: the flag is not part of its type."""
    with mod.socket(mod.AF_INET, mod.SOCK_STREAM | mod.SOCK_NONBLOCK) as sock:
        return sock.type, sock.gettimeout(), sock.getblocking()


def recv_with_timeout(mod, a, b):
    b.settimeout(0.01)
    return b.recv(10)


# -- the table ---------------------------------------------------------------------------

NOT_A_TUPLE = "PyPy unpacks any sequence (a list is accepted, a str gives ValueError)"
WRONG_ARITY = "PyPy raises ValueError (tuple unpacking) for a tuple of the wrong length"

AF_INET_CASES = [
    # Valid hosts of every accepted type.
    case("inet-ok-str", bind_inet(("127.0.0.1", 0))),
    case("inet-ok-bytes", bind_inet((b"127.0.0.1", 0))),
    case("inet-ok-bytearray", bind_inet((bytearray(b"127.0.0.1"), 0))),
    case("inet-ok-localhost", bind_inet(("localhost", 0))),
    case("inet-ok-any", bind_inet(("", 0))),
    # INADDR_BROADCAST is only bound (a local operation); nothing is sent.
    case("inet-broadcast", bind_inet(("<broadcast>", 0))),
    # Ports, shown exactly by a UDP connect (which sends nothing).
    case("inet-port-0", connect_udp(("127.0.0.1", 0))),
    case("inet-port-65535", connect_udp(("127.0.0.1", 65535))),
    case("inet-port-True", connect_udp(("127.0.0.1", True))),
    case("inet-port-negative", bind_inet(("127.0.0.1", -1)), types_only=METHOD_PREFIX),
    case("inet-port-65536", bind_inet(("127.0.0.1", 65536)), types_only=METHOD_PREFIX),
    case("inet-port-2**70", bind_inet(("127.0.0.1", 2**70)), types_only=METHOD_PREFIX),
    case("inet-connect-port-negative", connect_udp(("127.0.0.1", -1)),
         types_only=METHOD_PREFIX),
    case("inet-port-str", bind_inet(("127.0.0.1", "80")), types_only=INT_ARG),
    case("inet-port-float", bind_inet(("127.0.0.1", 1.0)), types_only=INT_ARG),
    case("inet-port-None", bind_inet(("127.0.0.1", None)), types_only=INT_ARG),
    # Shapes.
    case("inet-not-tuple-str", bind_inet("127.0.0.1"),
         pypy=PyPyDiffers(NOT_A_TUPLE, raises=TypeError)),
    case("inet-list", bind_inet(["127.0.0.1", 0]),
         pypy=PyPyDiffers(NOT_A_TUPLE, raises=TypeError)),
    case("inet-connect-list", connect_udp(["127.0.0.1", 0]),
         pypy=PyPyDiffers(NOT_A_TUPLE, raises=TypeError)),
    case("inet-1-tuple", bind_inet(("127.0.0.1",)),
         pypy=PyPyDiffers(WRONG_ARITY, raises=TypeError)),
    case("inet-3-tuple", bind_inet(("127.0.0.1", 0, 0)),
         pypy=PyPyDiffers(WRONG_ARITY, raises=TypeError)),
    case("inet-empty-tuple", bind_inet(()), pypy=PyPyDiffers(WRONG_ARITY, raises=TypeError)),
    # Host types and contents.
    case("inet-host-int", bind_inet((2130706433, 0)), types_only=PYPY_WORDING),
    case("inet-host-None", bind_inet((None, 0)), types_only=PYPY_WORDING),
    case("inet-host-memoryview", bind_inet((memoryview(b"127.0.0.1"), 0)),
         types_only=PYPY_WORDING),
    case("inet-host-nul-str", bind_inet(("127.0.0.1\0", 0))),
    case("inet-host-nul-bytes", bind_inet((b"127.0.0.1\0x", 0))),
]

AF_INET6_CASES = [
    case6("inet6-ok-2-tuple", bind_inet(("::1", 0), "AF_INET6")),
    case6("inet6-ok-3-tuple", bind_inet(("::1", 0, 0), "AF_INET6")),
    case6("inet6-ok-4-tuple", bind_inet(("::1", 0, 0, 0), "AF_INET6")),
    case6("inet6-ok-bytes", bind_inet((b"::1", 0), "AF_INET6")),
    case6("inet6-ok-any", bind_inet(("", 0), "AF_INET6")),
    case6("inet6-ok-flowinfo-max", bind_inet(("::1", 0, 2**20 - 1), "AF_INET6")),
    case6("inet6-connect", connect_udp(("::1", 9, 0, 0), "AF_INET6")),
    case6("inet6-1-tuple", bind_inet(("::1",), "AF_INET6"), types_only=PYPY_WORDING),
    case6("inet6-5-tuple", bind_inet(("::1", 0, 0, 0, 0), "AF_INET6"),
         types_only=PYPY_WORDING),
    case6("inet6-list", bind_inet(["::1", 0], "AF_INET6"),
         pypy=PyPyDiffers(NOT_A_TUPLE, raises=TypeError)),
    case6("inet6-not-tuple", bind_inet("::1", "AF_INET6"), types_only=PYPY_WORDING),
    case6("inet6-flowinfo-2**20", bind_inet(("::1", 0, 2**20), "AF_INET6"),
         types_only=METHOD_PREFIX),
    case6("inet6-flowinfo-negative", bind_inet(("::1", 0, -1), "AF_INET6"),
         types_only=METHOD_PREFIX),
    case6("inet6-flowinfo-str", bind_inet(("::1", 0, "0"), "AF_INET6"), types_only=INT_ARG),
    case6("inet6-port-negative", bind_inet(("::1", -1), "AF_INET6"), types_only=METHOD_PREFIX),
    case6("inet6-port-65536", bind_inet(("::1", 65536), "AF_INET6"), types_only=METHOD_PREFIX),
    case6("inet6-port-str", bind_inet(("::1", "0"), "AF_INET6"), types_only=INT_ARG),
    case6("inet6-host-int", bind_inet((1, 0), "AF_INET6"), types_only=PYPY_WORDING),
    case6("inet6-host-nul", bind_inet(("::1\0", 0), "AF_INET6")),
    case6("inet6-broadcast", bind_inet(("<broadcast>", 0), "AF_INET6")),
    # An IPv4 literal for AF_INET6: getaddrinfo fails (numerically, no DNS).
    case6("inet6-ipv4-literal", bind_inet(("127.0.0.1", 0), "AF_INET6"),
         pypy=PyPyDiffers("PyPy raises OSError('address family mismatched')",
                          raises=stdlib.gaierror)),
]

AF_UNIX_CASES = [
    case("unix-str", bind_unix(unix_path(40))),
    case("unix-bytes", bind_unix(unix_path(40, bytes))),
    case("unix-bytearray", bind_unix(unix_path(40, bytearray))),
    case("unix-memoryview", bind_unix(unix_path(40, memoryview)),
         pypy=PyPyDiffers("PyPy accepts only bytes and str paths",
                          like=bind_unix(unix_path(40, bytes)))),
    case("unix-path-107", bind_unix(unix_path(107))),
    case("unix-path-108", bind_unix(unix_path(108))),
    case("unix-path-109", bind_unix(unix_path(109))),
    case("unix-path-107-bytes", bind_unix(unix_path(107, bytes))),
    case("unix-path-108-bytes", bind_unix(unix_path(108, bytes))),
    case("unix-abstract-107", bind_unix(abstract_name(107))),
    case("unix-abstract-108", bind_unix(abstract_name(108))),
    case("unix-abstract-109", bind_unix(abstract_name(109))),
    case("unix-abstract-str", bind_unix(lambda d: abstract_name(30)(d).decode())),
    # (A path with a NUL inside is cffisock's documented ValueError: see below.)
    case("unix-int", bind_unix(lambda d: 42), types_only=PYPY_WORDING),
    case("unix-None", bind_unix(lambda d: None), types_only=PYPY_WORDING),
    case("unix-tuple", bind_unix(lambda d: (unix_path(40)(d),)), types_only=PYPY_WORDING),
    case("unix-autobind", on_socket(autobind_name, "AF_UNIX")),
    case("unix-connect-missing",
         on_socket(lambda m, s: s.connect("/nonexistent/cffisock"), "AF_UNIX")),
]

RECEIVE_CASES = [
    case("recv-ok", on_pair(lambda m, a, b: b.recv(100), b"data")),
    case("recv-0", on_pair(lambda m, a, b: b.recv(0), b"data")),
    case("recv-negative", on_pair(lambda m, a, b: b.recv(-1), b"data"),
         types_only=PYPY_WORDING),
    case("recv-float", on_pair(lambda m, a, b: b.recv(1.0), b"data"), types_only=INT_ARG),
    case("recv-str", on_pair(lambda m, a, b: b.recv("1"), b"data"), types_only=INT_ARG),
    case("recv-would-block", on_pair(lambda m, a, b: b.recv(10))),
    case("recv-timeout", on_pair(recv_with_timeout)),
    case("recvfrom-ok", on_pair(lambda m, a, b: b.recvfrom(100), b"data")),
    case("recvfrom-dgram", on_pair(lambda m, a, b: b.recvfrom(100), b"data", "SOCK_DGRAM")),
    case("recvfrom-udp", recvfrom_udp),
    case("recvfrom-negative", on_pair(lambda m, a, b: b.recvfrom(-1), b"data"),
         types_only=PYPY_WORDING),
    case("recvfrom-float", on_pair(lambda m, a, b: b.recvfrom(1.0), b"data"),
         types_only=INT_ARG),
    case("recv_into-ok", on_pair(receive_into("recv_into", 8), b"data")),
    case("recv_into-nbytes", on_pair(receive_into("recv_into", 8, 2), b"data")),
    case("recv_into-negative", on_pair(receive_into("recv_into", 8, -1), b"data")),
    case("recv_into-nbytes-too-large", on_pair(receive_into("recv_into", 4, 8), b"data")),
    case("recv_into-float", on_pair(receive_into("recv_into", 8, 1.0), b"data"),
         types_only=INT_ARG),
    case("recv_into-memoryview",
         on_pair(lambda m, a, b: b.recv_into(memoryview(bytearray(8))[2:]), b"data")),
    case("recv_into-array",
         on_pair(lambda m, a, b: b.recv_into(array.array("b", [0] * 8)), b"data")),
    case("recv_into-bytes", on_pair(lambda m, a, b: b.recv_into(b"12345678"), b"data"),
         types_only=PYPY_WORDING),
    case("recv_into-readonly-memoryview",
         on_pair(lambda m, a, b: b.recv_into(memoryview(b"12345678")), b"data"),
         types_only=PYPY_WORDING),
    case("recv_into-str", on_pair(lambda m, a, b: b.recv_into("12345678"), b"data"),
         types_only=PYPY_WORDING),
    case("recvfrom_into-ok", on_pair(receive_into("recvfrom_into", 8), b"data")),
    case("recvfrom_into-negative", on_pair(receive_into("recvfrom_into", 8, -1), b"data"),
         pypy=PyPyDiffers("PyPy ignores a negative nbytes", raises=ValueError)),
    case("recvfrom_into-nbytes-too-large",
         on_pair(receive_into("recvfrom_into", 4, 8), b"data")),
    case("recvfrom_into-float", on_pair(receive_into("recvfrom_into", 8, 1.0), b"data"),
         types_only=INT_ARG),
    case("recvfrom_into-bytes", on_pair(lambda m, a, b: b.recvfrom_into(b"12345678"), b"data"),
         types_only=PYPY_WORDING),
]

SEND_DATA = [
    ("bytes", b"abc"),
    ("bytearray", bytearray(b"abc")),
    ("memoryview", memoryview(b"xabcx")[1:4]),
    ("array", array.array("i", [1, 2, 3])),
    ("str", "abc"),
    ("int", 3),
    ("None", None),
]


def send_to(data):
    return lambda mod, sender, to: sender.sendto(data, to)


# The messages for data that is not bytes-like: CPython quotes the type name
# ("not 'str'"), PyPy does not.
SEND_CASES = [
    case("%s-%s" % (method, name), on_pair(sent_and_received(method, data)),
         types_only=PYPY_WORDING)
    for method in ("send", "sendall")
    for name, data in SEND_DATA
] + [
    case("sendto-%s" % name, on_udp(send_to(data)), types_only=PYPY_WORDING)
    for name, data in SEND_DATA
] + [
    case("sendto-flags", on_udp(lambda m, s, to: s.sendto(b"abc", 0, to))),
    case("sendto-1-argument", on_udp(lambda m, s, to: s.sendto(b"abc")),
         types_only=ARGUMENT_COUNT),
    case("sendto-4-arguments", on_udp(lambda m, s, to: s.sendto(b"abc", 0, to, None)),
         types_only=ARGUMENT_COUNT),
    case("sendto-0-arguments", on_udp(lambda m, s, to: s.sendto()),
         types_only=ARGUMENT_COUNT),
    case("sendto-bad-address", on_udp(lambda m, s, to: s.sendto(b"abc", "x")),
         pypy=PyPyDiffers(NOT_A_TUPLE, raises=TypeError)),
    case("sendto-flags-str", on_udp(lambda m, s, to: s.sendto(b"abc", "0", to)),
         types_only=INT_ARG),
    case("send-flags-str", on_pair(lambda m, a, b: a.send(b"abc", "0")), types_only=INT_ARG),
    case("send-no-argument", on_pair(lambda m, a, b: a.send()), types_only=ARGUMENT_COUNT),
]

NO_OPTLEN_FORM = "PyPy has no setsockopt(level, option, None, optlen) form"


def set_then_get(value):
    """Case part: setsockopt(SO_REUSEADDR, value), then read it back."""
    def action(mod, sock):
        sock.setsockopt(mod.SOL_SOCKET, mod.SO_REUSEADDR, value)
        return sock.getsockopt(mod.SOL_SOCKET, mod.SO_REUSEADDR)
    return on_socket(action)


def setsockopt_call(*args):
    """Case: setsockopt(SOL_SOCKET, SO_REUSEADDR, *args)."""
    return on_socket(lambda m, s: s.setsockopt(m.SOL_SOCKET, m.SO_REUSEADDR, *args))


OPTION_CASES = [
    case("getsockopt-int", on_socket(lambda m, s: s.getsockopt(m.SOL_SOCKET, m.SO_TYPE))),
    case("getsockopt-unknown", on_socket(lambda m, s: s.getsockopt(m.SOL_SOCKET, 12345))),
    case("getsockopt-buflen-float",
         on_socket(lambda m, s: s.getsockopt(m.SOL_SOCKET, m.SO_TYPE, 4.0)),
         types_only=INT_ARG),
] + many("getsockopt-buflen",
         lambda n: on_socket(lambda m, s: s.getsockopt(m.SOL_SOCKET, m.SO_TYPE, n)),
         (0, -1, 1, 4, 1024, 1025)) + [
    case("setsockopt-int", set_then_get(1)),
    case("setsockopt-bool", set_then_get(True)),
    case("setsockopt-bytes", set_then_get((1).to_bytes(4, "little"))),
    case("setsockopt-negative", set_then_get(-1)),
    case("setsockopt-str", setsockopt_call("1"), types_only=PYPY_WORDING),
    case("setsockopt-None", setsockopt_call(None), types_only=PYPY_WORDING),
    case("setsockopt-2**40", setsockopt_call(2**40), types_only=PYPY_WORDING),
    case("setsockopt-None-optlen", setsockopt_call(None, 4),
         pypy=PyPyDiffers(NO_OPTLEN_FORM, raises=OSError)),
    case("setsockopt-None-optlen-0", setsockopt_call(None, 0),
         pypy=PyPyDiffers(NO_OPTLEN_FORM, raises=OSError)),
    case("setsockopt-int-with-optlen", setsockopt_call(1, 4), types_only=PYPY_WORDING),
]

TIMEOUT_CASES = many(
    "settimeout",
    lambda value: on_socket(lambda m, s: (s.settimeout(value), s.gettimeout(),
                                          s.getblocking())),
    (-1, -0.5, None, 0, 0.0, 1, 1.5, True),
) + many(
    "settimeout",
    lambda value: on_socket(lambda m, s: s.settimeout(value)),
    ("a", b"1"), types_only=INT_ARG,
) + [
    case("settimeout-nan", on_socket(lambda m, s: s.settimeout(float("nan"))),
         pypy=PyPyDiffers("PyPy accepts NaN", raises=ValueError)),
] + many(
    "settimeout",
    lambda value: on_socket(lambda m, s: s.settimeout(value)),
    (float("inf"), 1e300, 10**20),
    pypy=PyPyDiffers("PyPy accepts timeouts beyond CPython's _PyTime_t range",
                     raises=OverflowError),
)

MISC_SOCKET_CASES = [
    case("listen-negative", on_socket(lambda m, s: s.listen(-1))),
    case("listen-0", on_socket(lambda m, s: s.listen(0))),
    case("listen-default", on_socket(lambda m, s: s.listen())),
    case("listen-str", on_socket(lambda m, s: s.listen("1")), types_only=INT_ARG),
    case("listen-2**40", on_socket(lambda m, s: s.listen(2**40)), types_only=PYPY_WORDING),
    case("shutdown-5", on_pair(lambda m, a, b: a.shutdown(5))),
    case("shutdown-negative", on_pair(lambda m, a, b: a.shutdown(-1))),
    case("shutdown-str", on_pair(lambda m, a, b: a.shutdown("1")), types_only=INT_ARG),
    case("shutdown-SHUT_WR", on_pair(lambda m, a, b: (a.shutdown(m.SHUT_WR), b.recv(10)))),
    case("shutdown-not-connected", on_socket(lambda m, s: s.shutdown(m.SHUT_RDWR))),
    case("getpeername-not-connected", on_socket(lambda m, s: s.getpeername())),
    case("getsockname-unbound", on_socket(lambda m, s: s.getsockname())),
    case("bind-twice", on_socket(lambda m, s: (s.bind(("127.0.0.1", 0)),
                                               s.bind(("127.0.0.1", 0))))),
    case("family-type-proto", on_socket(lambda m, s: (s.family, s.type, s.proto))),
    case("family-type-proto-unix-dgram",
         on_socket(lambda m, s: (s.family, s.type, s.proto), "AF_UNIX", "SOCK_DGRAM")),
    case("get_inheritable-new", on_socket(lambda m, s: s.get_inheritable())),
    case("set_inheritable", on_socket(lambda m, s: (s.set_inheritable(True),
                                                    s.get_inheritable()))),
    case("dup", on_socket(duplicate)),
    case("detach", on_socket(detach_open)),
    case("accept-not-listening", on_socket(lambda m, s: s.accept())),
    case("accept-would-block", on_socket(nonblocking_accept)),
    case("connect-refused", on_refusing_port(lambda m, s, to: s.connect(to))),
    case("connect_ex-refused", on_refusing_port(lambda m, s, to: s.connect_ex(to))),
    case("connect_ex-bad-port", on_socket(lambda m, s: s.connect_ex(("127.0.0.1", "x"))),
         types_only=INT_ARG),
] + [
    case("makefile-%s%s" % (mode, "-unbuffered" if options else ""),
         on_socket(makefile_kind(mode, **options)))
    for mode, options in [("r", {}), ("w", {}), ("rw", {}), ("rb", {}), ("wb", {}),
                          ("rwb", {}), ("rb", {"buffering": 0}), ("r", {"buffering": 0}),
                          ("x", {}), ("rt", {})]
]

CONSTRUCTOR_CASES = [
    case("socket-defaults", on_socket(lambda m, s: (s.family, s.type, s.proto,
                                                    s.gettimeout()))),
    case("socket-nonblock-flag", nonblocking_socket),
    case("socket-family-12345", call("socket", family=12345)),
    case("socket-type-12345", lambda m: m.socket(m.AF_INET, 12345)),
    case("socket-proto-12345", lambda m: m.socket(m.AF_INET, m.SOCK_STREAM, 12345)),
    case("socket-family-str", call("socket", "AF_INET"), types_only=INT_ARG),
    case("socket-fileno-negative", call("socket", fileno=-5)),
    case("socket-fileno-closed", on_closed_fd(lambda m, fd: m.socket(fileno=fd))),
    case("socket-fileno-closed-explicit",
         on_closed_fd(lambda m, fd: m.socket(m.AF_INET, m.SOCK_STREAM, 0, fd))),
    case("socket-fileno-not-socket", on_devnull_fd(lambda m, fd: m.socket(fileno=fd))),
    case("socket-fileno-str", call("socket", fileno="3"), types_only=INT_ARG),
]

CLOSED_SOCKET_CASES = [
    case("closed-" + name, on_closed(action), **options)
    for name, action, options in [
        ("fileno", lambda m, s: s.fileno(), {}),
        ("close-again", lambda m, s: s.close(), {}),
        ("detach", lambda m, s: s.detach(), {}),
        ("family-type-proto", lambda m, s: (s.family, s.type, s.proto), {}),
        ("timeout", lambda m, s: (s.timeout, s.gettimeout(), s.getblocking()), {}),
        ("repr", repr_of_closed, {}),
        ("accept", lambda m, s: s.accept(), {}),
        ("bind", lambda m, s: s.bind(("127.0.0.1", 0)), {}),
        # The address is checked before the descriptor.
        ("bind-bad-address", lambda m, s: s.bind("x"),
         {"pypy": PyPyDiffers(NOT_A_TUPLE, raises=TypeError)}),
        ("connect", lambda m, s: s.connect(("127.0.0.1", 9)), {}),
        ("connect_ex", lambda m, s: s.connect_ex(("127.0.0.1", 9)), {}),
        ("dup", lambda m, s: s.dup(), {}),
        ("get_inheritable", lambda m, s: s.get_inheritable(), {}),
        ("set_inheritable", lambda m, s: s.set_inheritable(True), {}),
        ("getpeername", lambda m, s: s.getpeername(), {}),
        ("getsockname", lambda m, s: s.getsockname(), {}),
        ("getsockopt", lambda m, s: s.getsockopt(m.SOL_SOCKET, m.SO_TYPE), {}),
        ("getsockopt-buflen", lambda m, s: s.getsockopt(m.SOL_SOCKET, m.SO_TYPE, 4), {}),
        ("setsockopt", lambda m, s: s.setsockopt(m.SOL_SOCKET, m.SO_REUSEADDR, 1), {}),
        ("listen", lambda m, s: s.listen(), {}),
        ("recv", lambda m, s: s.recv(10), {}),
        ("recv_into", lambda m, s: s.recv_into(bytearray(10)), {}),
        ("recvfrom", lambda m, s: s.recvfrom(10), {}),
        ("recvfrom_into", lambda m, s: s.recvfrom_into(bytearray(10)), {}),
        ("send", lambda m, s: s.send(b"x"), {}),
        ("sendall", lambda m, s: s.sendall(b"x"), {}),
        ("sendto", lambda m, s: s.sendto(b"x", ("127.0.0.1", 9)), {}),
        ("setblocking", lambda m, s: s.setblocking(False), {}),
        ("settimeout", settimeout_then_gettimeout, {}),
        ("shutdown", lambda m, s: s.shutdown(m.SHUT_RDWR), {}),
        ("makefile", makefile_kind("rwb"), {}),
        ("makefile-read", makefile_read, {}),
    ]
]

#: The 16-bit functions above 65535 only warn on Python 3.9: they are not
#: compared (see test_16bit_out_of_range_raises_overflow).
BYTE_ORDER_CASES = [
    case("%s-%r" % (name, value), call(name, value),
         types_only=PYPY_WORDING if value < 0 else None)
    for name in ("htons", "ntohs")
    for value in (-1, 0, 1, 0x1234, 65535)
] + [
    case("%s-%r" % (name, value), call(name, value),
         types_only=PYPY_WORDING if not 0 <= value < 2**32 else None)
    for name in ("htonl", "ntohl")
    for value in (-1, 0, 65535, 65536, 0x12345678, 2**32 - 1, 2**32, 2**64)
] + [
    case("%s-%r" % (name, value), call(name, value), types_only=INT_ARG)
    for name in ("htons", "ntohs", "htonl", "ntohl")
    for value in (1.0, "1", None)
] + [
    case("%s-True" % name, call(name, True)) for name in ("htons", "ntohs", "htonl", "ntohl")
] + [
    case("%s-index" % name, call(name, Index(0x1234))) for name in ("htons", "ntohs")
] + [
    case("%s-index" % name, call(name, Index(0x1234)),
         pypy=PyPyDiffers("PyPy's htonl/ntohl accept __index__ objects, CPython's "
                          "only int", raises=TypeError))
    for name in ("htonl", "ntohl")
]

EMBEDDED_NUL = "PyPy ignores what follows a NUL"

INET_CASES = many("inet_aton", lambda v: call("inet_aton", v), (
    "1.2.3.4", "127.1", "0x7f.1", "255.255.255.255", "1.2.3.x", "", "1.2.3.4.5",
    "256.1.1.1", "é", " 1.2.3.4",
)) + many("inet_aton", lambda v: call("inet_aton", v), ("1.2.3.4\0", "\0"),
          pypy=PyPyDiffers(EMBEDDED_NUL, raises=ValueError)) + many(
    "inet_aton", lambda v: call("inet_aton", v), (b"1.2.3.4", None),
    types_only=INET_ATON_ARG,
) + many("inet_ntoa", lambda v: call("inet_ntoa", v), (
    b"\1\2\3", b"\1\2\3\4", b"\1\2\3\4\5", b"", bytearray(b"\x7f\0\0\1"),
    memoryview(b"\xff\xff\xff\xff"),
)) + many("inet_ntoa", lambda v: call("inet_ntoa", v), ("1234", 1234, None),
          types_only=PYPY_WORDING,
) + many("inet_pton-v4", lambda v: lambda m: m.inet_pton(m.AF_INET, v), (
    "1.2.3.4", "127.1", "1.2.3.256", "", "::1", "é",
)) + many("inet_pton-v6", lambda v: lambda m: m.inet_pton(m.AF_INET6, v), (
    "::1", "::", "fe80::1:2:3:4", "::ffff:1.2.3.4", "1:2:3:4:5:6:7:8", "1::2::3",
    "1.2.3.4", "12345::", "",
)) + [
    case("inet_pton-v4-nul", lambda m: m.inet_pton(m.AF_INET, "1.2.3.4\0"),
         pypy=PyPyDiffers(EMBEDDED_NUL, raises=ValueError)),
    case("inet_pton-v6-nul", lambda m: m.inet_pton(m.AF_INET6, "::1\0"),
         pypy=PyPyDiffers(EMBEDDED_NUL, raises=ValueError)),
    case("inet_pton-v4-bytes", lambda m: m.inet_pton(m.AF_INET, b"1.2.3.4"),
         types_only=PYPY_WORDING),
    case("inet_pton-v6-bytes", lambda m: m.inet_pton(m.AF_INET6, b"::1"),
         types_only=PYPY_WORDING),
    case("inet_pton-family-99", call("inet_pton", 99, "1.2.3.4"),
         pypy=PyPyDiffers("PyPy raises OSError('unknown address family') without errno",
                          raises=OSError)),
    case("inet_pton-family-str", call("inet_pton", "AF_INET", "1.2.3.4"),
         types_only=INT_ARG),
] + many("inet_ntop-v4", lambda v: lambda m: m.inet_ntop(m.AF_INET, v), (
    b"\1\2\3\4", bytearray(b"\x7f\0\0\1"), b"\1\2\3", b"\1\2\3\4\5", b"",
)) + many("inet_ntop-v6", lambda v: lambda m: m.inet_ntop(m.AF_INET6, v), (
    b"\0" * 15 + b"\1", b"\0" * 16, b"\xfe\x80" + b"\0" * 13 + b"\1",
    b"\0" * 10 + b"\xff\xff\1\2\3\4", b"\0" * 15, b"\0" * 17,
)) + [
    case("inet_ntop-v4-str", lambda m: m.inet_ntop(m.AF_INET, "1234"),
         types_only=PYPY_WORDING),
    case("inet_ntop-v4-None", lambda m: m.inet_ntop(m.AF_INET, None),
         types_only=PYPY_WORDING),
    case("inet_ntop-v6-str", lambda m: m.inet_ntop(m.AF_INET6, "0" * 16),
         types_only=PYPY_WORDING),
    case("inet_ntop-family-99", call("inet_ntop", 99, b"\1\2\3\4"),
         pypy=PyPyDiffers("PyPy raises OSError('unknown address family')",
                          raises=ValueError)),
    case("inet_ntop-family-99-str", call("inet_ntop", 99, "1234"),
         types_only=PYPY_WORDING),
    case("inet_ntop-family-str", call("inet_ntop", "AF_INET", b"\1\2\3\4"),
         types_only=INT_ARG),
]

PORT_TYPE = "PyPy raises TypeError for a port that is neither int, str, bytes nor None"


def gai(*args, **kwargs):
    """Case: getaddrinfo(*args, **kwargs); a str argument naming a constant
    (AF_*, SOCK_*, AI_*) in ``kwargs`` is looked up in the module."""
    def run(mod):
        resolved = {key: getattr(mod, value) if isinstance(value, str) else value
                    for key, value in kwargs.items()}
        return mod.getaddrinfo(*args, **resolved)
    return run


GETADDRINFO_CASES = [
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

CASES = (AF_INET_CASES + AF_INET6_CASES + AF_UNIX_CASES + RECEIVE_CASES + SEND_CASES
         + OPTION_CASES + TIMEOUT_CASES + MISC_SOCKET_CASES + CONSTRUCTOR_CASES
         + CLOSED_SOCKET_CASES + BYTE_ORDER_CASES + INET_CASES + GETADDRINFO_CASES)


@pytest.mark.parametrize("run, types_only, pypy", CASES)
def test_conformance(run, types_only, pypy):
    assert_conforms(run, types_only, pypy)


def test_case_ids_are_unique():
    ids = [param.id for param in CASES]
    assert len(ids) == len(set(ids))


# -- cffisock's documented behaviour where the stdlib has a bug --------------------


@pytest.mark.parametrize("scope_id", [2**32, 2**40, -1])
@pytest.mark.parametrize("method", ["bind", "connect"])
def test_scope_id_out_of_range_raises_overflow(fd_leak_check, method, scope_id):
    # The stdlib parses the scope id with the "I" format, which truncates
    # silently (2**32 becomes 0, -1 becomes 2**32-1); cffisock refuses it
    # (the docstring of cffisock/_address.py).
    with cffisock.socket(cffisock.AF_INET6, cffisock.SOCK_DGRAM) as sock:
        with pytest.raises(OverflowError, match="scope_id"):
            getattr(sock, method)(("::1", 0, 0, scope_id))


def test_scope_id_out_of_range_raises_overflow_in_sendto(fd_leak_check):
    with cffisock.socket(cffisock.AF_INET6, cffisock.SOCK_DGRAM) as sock:
        with pytest.raises(OverflowError, match="scope_id"):
            sock.sendto(b"x", ("::1", 9, 0, 2**32))


@pytest.mark.parametrize("name", ["htons", "ntohs"])
@pytest.mark.parametrize("value", [65536, 2**31, 2**32 - 1, 2**32])
def test_16bit_out_of_range_raises_overflow(name, value):
    # Python 3.9's stdlib only warns (DeprecationWarning) and truncates from
    # 65536 on; cffisock raises OverflowError, as Python 3.10+ does.
    with pytest.raises(OverflowError, match="16-bit"):
        getattr(cffisock, name)(value)


@pytest.mark.parametrize("path", ["/tmp/cffisock-a\0b", "relative\0",
                                  b"/tmp/cffisock-a\0b", bytearray(b"rel\0")])
def test_unix_path_with_nul_raises_value_error(fd_leak_check, path):
    # The stdlib passes the NUL to the kernel, which silently binds the
    # prefix (a different path).  cffisock's documented behaviour
    # (cffisock/_address.py) refuses it, before anything is created.
    with cffisock.socket(cffisock.AF_UNIX) as sock:
        with pytest.raises(ValueError, match="null"):
            sock.bind(path)
        assert sock.getsockname() in ("", b"")


@pytest.mark.parametrize("host, port", [("127.0.0.1\0", 80), ("127.0.0.1\0x", 80),
                                        (b"127.0.0.1\0", 80), ("127.0.0.1", "80\0x"),
                                        ("127.0.0.1", b"80\0")])
def test_getaddrinfo_with_nul_raises_value_error(host, port):
    # The stdlib resolves the part before the NUL, a different name than
    # the one given; cffisock refuses it (cffisock/_resolver.py).
    with pytest.raises(ValueError, match="embedded null character"):
        cffisock.getaddrinfo(host, port)
