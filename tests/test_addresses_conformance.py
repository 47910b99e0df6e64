"""Socket addresses against the stdlib, case by case: AF_INET, AF_INET6 and
AF_UNIX addresses of every form and of wrong types and shapes, through
bind, connect and sendto (the table: see support/comparison.py); and
cffisock's documented behaviour where the stdlib silently changes the
address (a scope id out of range, a NUL in a path).

All traffic stays on 127.0.0.1, ::1 and UNIX sockets: '<broadcast>' is only
bound (a local operation), never sent to.
"""

import os
import shutil
import socket as stdlib
import tempfile

import pytest

import cffisock
from support.comparison import (
    INT_ARG,
    NOT_A_TUPLE,
    PYPY_WORDING,
    PyPyDiffers,
    assert_conforms,
    case,
    mask_port,
    table,
)
from support.loopback import on_socket, requires_ipv6


ABSTRACT_NAME = "cffisock-conformance-%d-" % os.getpid()


METHOD_PREFIX = ("CPython prefixes range errors with the method ('bind(): port must "
                 "be 0-65535.'), PyPy does not")


WRONG_ARITY = "PyPy raises ValueError (tuple unpacking) for a tuple of the wrong length"


def case6(id, run, **options):
    """A case that needs an AF_INET6 socket and ::1."""
    return case(id, run, marks=[requires_ipv6], **options)


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


CASES = table(AF_INET_CASES, AF_INET6_CASES, AF_UNIX_CASES)


@pytest.mark.parametrize("run, types_only, pypy", CASES)
def test_conformance(run, types_only, pypy):
    assert_conforms(run, types_only, pypy)


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
