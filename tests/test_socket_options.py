"""Socket options: getsockopt and setsockopt in their int, bytes and
(None, optlen) forms, checked against the stdlib and the kernel.

Every socket is on loopback (127.0.0.1) or a socketpair.
"""

import contextlib
import ctypes
import socket as stdlib_socket
import struct

import pytest

import cffisock
from support.comparison import outcome, same_outcome
from support.loopback import connected_tcp, on_socket


# -- socket options ------------------------------------------------------------------------


def test_getsockopt_int_form_matches_the_stdlib():
    def options(mod):
        with contextlib.ExitStack() as stack:
            client, _ = connected_tcp(mod, stack)
            return [client.getsockopt(level, name) for level, name in [
                (mod.SOL_SOCKET, mod.SO_TYPE),
                (mod.SOL_SOCKET, mod.SO_ERROR),
                (mod.SOL_SOCKET, mod.SO_ACCEPTCONN),
                (mod.SOL_SOCKET, mod.SO_KEEPALIVE),
                (mod.IPPROTO_TCP, mod.TCP_NODELAY),
            ]]

    reference, result = same_outcome(options)
    assert result == reference
    assert result[1][0] == cffisock.SOCK_STREAM


@pytest.mark.parametrize("value", [0, 1, True])
def test_setsockopt_int_form_is_read_back(value):
    with cffisock.socket() as sock:
        sock.setsockopt(cffisock.SOL_SOCKET, cffisock.SO_KEEPALIVE, value)
        assert bool(sock.getsockopt(cffisock.SOL_SOCKET, cffisock.SO_KEEPALIVE)) is bool(value)


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_setsockopt_bytes_form_and_getsockopt_buflen(kind):
    linger = struct.pack("ii", 1, 7)
    with cffisock.socket() as sock:
        sock.setsockopt(cffisock.SOL_SOCKET, cffisock.SO_LINGER, kind(linger))
        assert sock.getsockopt(cffisock.SOL_SOCKET, cffisock.SO_LINGER, len(linger)) == linger


def test_getsockopt_buflen_truncates_like_the_stdlib():
    def sndbuf_bytes(mod):
        with mod.socket() as sock:
            return (sock.getsockopt(mod.SOL_SOCKET, mod.SO_TYPE, 8),
                    sock.getsockopt(mod.SOL_SOCKET, mod.SO_TYPE, 2))

    reference, result = same_outcome(sndbuf_bytes)
    assert result == reference


@pytest.mark.parametrize("buflen", [0, -1, 1024, 1025])
def test_getsockopt_buflen_limits_like_the_stdlib(buflen):
    reference, result = same_outcome(
        on_socket(lambda m, s: s.getsockopt(m.SOL_SOCKET, m.SO_TYPE, buflen)))
    assert result == reference


def libc_setsockopt_null(fd, level, option, optlen):
    """The C library's own ``setsockopt(fd, level, option, NULL, optlen)``,
    as an outcome: the kernel's answer, whichever Python runs the tests
    (PyPy's socket module has no ``None, optlen`` form)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.setsockopt.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                ctypes.c_void_p, ctypes.c_uint]
    if libc.setsockopt(fd, level, option, None, optlen) == 0:
        return ("returned", None)
    code = ctypes.get_errno()
    return ("raised", type(OSError(code, "")).__name__, code)


@pytest.mark.parametrize("option, optlen", [
    ("SO_BINDTODEVICE", 0),
    ("SO_REUSEADDR", 0),
    ("SO_REUSEADDR", 4),
])
def test_setsockopt_none_optlen_form_passes_null_to_the_kernel(option, optlen):
    option = getattr(cffisock, option)
    with stdlib_socket.socket() as reference_socket, cffisock.socket() as sock:
        reference = libc_setsockopt_null(
            reference_socket.fileno(), cffisock.SOL_SOCKET, option, optlen)
        result = outcome(sock.setsockopt, cffisock.SOL_SOCKET, option, None, optlen)
    assert result == reference


def test_setsockopt_none_without_optlen_raises_typeerror():
    with cffisock.socket() as sock:
        with pytest.raises(TypeError):
            sock.setsockopt(cffisock.SOL_SOCKET, cffisock.SO_REUSEADDR, None)


def test_setsockopt_unknown_option_raises_like_the_stdlib():
    reference, result = same_outcome(
        on_socket(lambda m, s: s.setsockopt(m.SOL_SOCKET, 0x7FFF, 1)))
    assert result == reference
    assert result[0] == "raised"
