"""socket.sendfile(): the sendfile(2) system call, with the stdlib's
fallback to read()+sendall() where the system call cannot serve (a file
without a descriptor, or not a regular file)."""

import io
import os
import stat

from cffisock._ffi import ffi, lib
from cffisock._waiting import POLLOUT, deadline_after, retry

_BLOCK = 1 << 30  # the largest piece handed to one sendfile(2) call


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
    ``offset``; return the number sent and leave the file position after the
    last byte sent.  The socket's timeout bounds the whole call."""
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
                             sock.fileno(), fd, position, piece)
            if sent == 0:
                break  # the file ended early
            total += sent
            remaining -= sent
    finally:
        if total > 0 and hasattr(file, "seek"):
            file.seek(offset + total)
    return total


def _send_by_reading(sock, file, offset, count):
    if offset:
        file.seek(offset)
    total = 0
    while count is None or total < count:
        block = 8192 if count is None else min(8192, count - total)
        data = file.read(block)
        if not data:
            break
        sock.sendall(data)
        total += len(data)
    return total
