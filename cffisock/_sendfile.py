"""socket.sendfile(): the sendfile(2) system call, with the stdlib's
fallback to read()+send where the system call cannot serve (a file without
a descriptor, or not a regular file), and for sockets whose bytes must pass
through their own send path (TLS: sendfile(2) would send the file in the
clear).

The stdlib's rules hold on every path: the argument checks, ``offset`` and
``count``, and the file position left after the last byte sent (also when
the call raises); the socket's timeout bounds the whole call, one deadline.
"""

import io
import os
import stat

from cffisock._converters import bytes_like
from cffisock._ffi import ffi, lib
from cffisock._waiting import POLLOUT, deadline_after, retry

_BLOCK = 1 << 30  # the largest piece handed to one sendfile(2) call
#: What one read() of the fallback asks for: the stdlib reads 8 KiB, and a
#: TLS sendfile in 64 KiB blocks (four records a write) takes less than half
#: the time.
_READ_BLOCK = 1 << 16


def _check_arguments(sock, file, offset, count):
    if "b" not in getattr(file, "mode", "b"):
        raise ValueError("file should be opened in binary mode")
    if not sock.type & lib.SOCK_STREAM:
        raise ValueError("only SOCK_STREAM type sockets are supported")
    if count is not None:
        if not isinstance(count, int):
            raise TypeError("count must be a positive integer (got {!r})".format(count))
        if count <= 0:
            raise ValueError("count must be a positive integer (got {!r})".format(count))
    if sock.gettimeout() == 0:
        raise ValueError("non-blocking sockets are not supported")


def _regular_file_descriptor(file):
    """The descriptor of ``file`` if sendfile(2) can read it, else None."""
    try:
        fd = file.fileno()
    except (AttributeError, io.UnsupportedOperation):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
    except OSError:
        return None
    return fd


def sendfile(sock, file, offset=0, count=None):
    """Send ``count`` bytes (default: to the end) of ``file`` from
    ``offset`` over the plain socket ``sock``; return the number sent."""
    _check_arguments(sock, file, offset, count)
    fd = _regular_file_descriptor(file)
    if fd is None:
        return _send_by_reading(sock, file, offset, count)
    size = os.fstat(fd).st_size
    remaining = (size - offset) if count is None else min(count, size - offset)
    position = ffi.new("off_t *", offset)
    deadline = deadline_after(sock.gettimeout())
    total = 0
    try:
        while remaining > 0:
            piece = min(remaining, _BLOCK)
            sent = lib.cffisock_sendfile(sock.fileno(), fd, position, piece)
            if sent < 0:
                sent = retry(sock, -sent, POLLOUT, deadline, lib.cffisock_sendfile,
                             fd, position, piece)
            if sent == 0:
                break  # the file ended early
            total += sent
            remaining -= sent
    finally:
        if total > 0 and hasattr(file, "seek"):
            file.seek(offset + total)
    return total


def sendfile_by_reading(sock, file, offset=0, count=None):
    """sendfile() for a socket that must send through its own path (TLS):
    the same checks and results, the file read and handed to
    ``sock._send_all``, never to sendfile(2)."""
    _check_arguments(sock, file, offset, count)
    return _send_by_reading(sock, file, offset, count)


def _send_by_reading(sock, file, offset, count):
    """Read ``file`` from ``offset`` and send what it gives with
    ``sock._send_all(view, deadline)``, up to ``count`` bytes."""
    deadline = deadline_after(sock.gettimeout())
    if offset:
        file.seek(offset)
    total = 0
    try:
        while count is None or total < count:
            block = _READ_BLOCK if count is None else min(_READ_BLOCK, count - total)
            data = file.read(block)
            if not data:
                break
            with bytes_like(data) as view:
                sock._send_all(view, deadline)
            total += len(data)
    finally:
        if total > 0 and hasattr(file, "seek"):
            file.seek(offset + total)
    return total
