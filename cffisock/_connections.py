"""Module-level ways to get sockets: socketpair, fromfd, create_connection,
create_server, and has_dualstack_ipv6.

As the stdlib's, each looks the socket class up when it is called (the
stdlib's look up their module's global ``socket``): cffisock's ``socket``,
or, while ``patch()`` has put these functions in the stdlib ``socket``
module, that module's.  So ``unittest.mock.patch("socket.socket", Fake)``
(or ``"cffisock.socket"``) makes them build a ``Fake``, patched or not.
"""

import builtins
import sys

from cffisock._constants import CONSTANTS
from cffisock._errors import check
from cffisock._ffi import ffi, lib
from cffisock._resolver import getaddrinfo

AF_UNIX = lib.AF_UNIX
AF_INET = lib.AF_INET
AF_INET6 = lib.AF_INET6
SOCK_STREAM = lib.SOCK_STREAM
_SOCK_CLOEXEC = lib.SOCK_CLOEXEC
_SO_REUSEADDR = CONSTANTS["SO_REUSEADDR"]
_SO_REUSEPORT = CONSTANTS.get("SO_REUSEPORT")


class _GlobalDefaultTimeout:
    """The default of create_connection's ``timeout``: keep the module's
    default timeout instead of setting one."""

    __slots__ = ()

    def __repr__(self):
        return "cffisock._GLOBAL_DEFAULT_TIMEOUT"


_GLOBAL_DEFAULT_TIMEOUT = _GlobalDefaultTimeout()

#: The module whose ``socket`` these functions make: "cffisock", or
#: "socket" while patch() is on (see the module's documentation).
socket_home = "cffisock"


def _socket_class():
    return sys.modules[socket_home].socket


def socketpair(family=AF_UNIX, type=SOCK_STREAM, proto=0):
    """Return a pair of connected, non-inheritable sockets."""
    fds = ffi.new("int[2]")
    check(lib.cffisock_socketpair(family, type | _SOCK_CLOEXEC, proto, fds))
    try:
        first = _socket_class()(family, type, proto, fileno=fds[0])
    except BaseException:
        lib.cffisock_close(fds[0])
        lib.cffisock_close(fds[1])
        raise
    try:
        second = _socket_class()(family, type, proto, fileno=fds[1])
    except BaseException:
        first.close()
        lib.cffisock_close(fds[1])
        raise
    return first, second


def fromfd(fd, family, type, proto=0):
    """Return a socket object on a non-inheritable duplicate of ``fd``."""
    copy = check(lib.cffisock_dup(fd))
    try:
        return _socket_class()(family, type, proto, fileno=copy)
    except BaseException:
        lib.cffisock_close(copy)
        raise


def _connect_one(family, type, proto, address, timeout, source_address):
    sock = _socket_class()(family, type, proto)
    try:
        if timeout is not _GLOBAL_DEFAULT_TIMEOUT:
            sock.settimeout(timeout)
        if source_address:
            sock.bind(source_address)
        sock.connect(address)
        return sock
    except BaseException:
        sock.close()
        raise


def create_connection(address, timeout=_GLOBAL_DEFAULT_TIMEOUT,
                      source_address=None, *, all_errors=False):
    """Connect to ``(host, port)``, trying every address getaddrinfo gives,
    and return the first socket that connects.

    If none does, the last error is raised; with ``all_errors=True`` an
    ExceptionGroup of all of them (Python 3.11+: before that there is no
    ExceptionGroup, and ``all_errors=True`` raises NotImplementedError).
    """
    if all_errors and not hasattr(builtins, "ExceptionGroup"):
        raise NotImplementedError(
            "create_connection(all_errors=True) needs ExceptionGroup (Python 3.11+)")
    host, port = address
    errors = []
    for family, type, proto, _canonname, sockaddr in getaddrinfo(
            host, port, 0, SOCK_STREAM):
        try:
            sock = _connect_one(family, type, proto, sockaddr, timeout,
                                source_address)
        except OSError as exc:
            if not all_errors:
                errors.clear()  # keep only the last one
            errors.append(exc)
            continue
        errors.clear()
        return sock
    if not errors:
        raise OSError("getaddrinfo returns an empty list")
    if all_errors:
        raise builtins.ExceptionGroup("create_connection failed", errors)
    try:
        raise errors[0]
    finally:
        errors.clear()  # break the reference cycle through the traceback


def has_dualstack_ipv6():
    """Return True if an AF_INET6 socket can accept IPv4 connections too
    (IPV6_V6ONLY can be turned off)."""
    try:
        with _socket_class()(AF_INET6, SOCK_STREAM) as sock:
            sock.setsockopt(lib.IPPROTO_IPV6, lib.IPV6_V6ONLY, 0)
            return True
    except OSError:
        return False


def create_server(address, *, family=AF_INET, backlog=None, reuse_port=False,
                  dualstack_ipv6=False):
    """Return a listening TCP socket bound to ``address``.

    SO_REUSEADDR is set; ``reuse_port`` sets SO_REUSEPORT; ``dualstack_ipv6``
    (family AF_INET6 only) accepts IPv4 connections as well.
    """
    if reuse_port and _SO_REUSEPORT is None:
        raise ValueError("SO_REUSEPORT not supported on this platform")
    if dualstack_ipv6:
        if not has_dualstack_ipv6():
            raise ValueError("dualstack_ipv6 not supported on this platform")
        if family != AF_INET6:
            raise ValueError("dualstack_ipv6 requires AF_INET6 family")
    sock = _socket_class()(family, SOCK_STREAM)
    try:
        sock.setsockopt(lib.SOL_SOCKET, _SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(lib.SOL_SOCKET, _SO_REUSEPORT, 1)
        if family == AF_INET6:
            sock.setsockopt(lib.IPPROTO_IPV6, lib.IPV6_V6ONLY,
                            0 if dualstack_ipv6 else 1)
        try:
            sock.bind(address)
        except OSError as exc:
            raise OSError(exc.errno, "%s (while attempting to bind on address %r)"
                          % (exc.strerror, address)) from None
        if backlog is None:
            sock.listen()
        else:
            sock.listen(backlog)
        return sock
    except BaseException:
        sock.close()
        raise
