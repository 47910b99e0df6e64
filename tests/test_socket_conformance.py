"""The socket object against the stdlib ``socket`` module, case by case:
receiving, sending, options, timeouts, construction, closed sockets and
more, with good arguments and bad ones of every kind (the table: see
support/comparison.py), and how a None argument is named in a TypeError.

Each case is a function of a module, ``run(mod)``: it builds what it needs
from that module, makes one call and returns a value.  The test runs it once
with the stdlib ``socket`` and once with ``cffisock`` and requires the same
outcome, no descriptor left open and no ResourceWarning.  Results are
normalised so they do not depend on the run: ephemeral ports are masked.
All traffic stays on 127.0.0.1 and UNIX sockets.
"""

import array
import os
import socket as stdlib_socket

import pytest

import cffisock
from support.comparison import (
    ARGUMENT_COUNT,
    Call,
    INT_ARG,
    NOT_A_TUPLE,
    ON_PYPY,
    PYPY_WORDING,
    PyPyDiffers,
    assert_conforms,
    case,
    many,
    mask_port,
    table,
)
from support.descriptors import collect_stale_sockets
from support.loopback import on_closed_socket, on_pair, on_socket


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
    case("socket-family-12345", Call("socket", family=12345)),
    case("socket-type-12345", lambda m: m.socket(m.AF_INET, 12345)),
    case("socket-proto-12345", lambda m: m.socket(m.AF_INET, m.SOCK_STREAM, 12345)),
    case("socket-family-str", Call("socket", "AF_INET"), types_only=INT_ARG),
    case("socket-fileno-negative", Call("socket", fileno=-5)),
    case("socket-fileno-closed", on_closed_fd(lambda m, fd: m.socket(fileno=fd))),
    case("socket-fileno-closed-explicit",
         on_closed_fd(lambda m, fd: m.socket(m.AF_INET, m.SOCK_STREAM, 0, fd))),
    case("socket-fileno-not-socket", on_devnull_fd(lambda m, fd: m.socket(fileno=fd))),
    case("socket-fileno-str", Call("socket", fileno="3"), types_only=INT_ARG),
]

CLOSED_SOCKET_CASES = [
    case("closed-" + name, on_closed_socket(action), **options)
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


CASES = table(RECEIVE_CASES, SEND_CASES, OPTION_CASES, TIMEOUT_CASES, MISC_SOCKET_CASES,
              CONSTRUCTOR_CASES, CLOSED_SOCKET_CASES)


@pytest.mark.parametrize("run, types_only, pypy", CASES)
def test_conformance(run, types_only, pypy):
    assert_conforms(run, types_only, pypy)


def test_case_ids_are_unique():
    ids = [param.id for param in CASES]
    assert len(ids) == len(set(ids))


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
    for module in (cffisock,) if ON_PYPY else (cffisock, stdlib_socket):
        with pytest.raises(TypeError) as raised:
            NONE_ARGUMENTS[name](module)
        messages[module] = str(raised.value)
    assert messages[cffisock].endswith(", not None")
    assert messages.get(stdlib_socket, messages[cffisock]) == messages[cffisock]
