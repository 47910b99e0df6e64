"""The data calls of a socket: send, sendall, sendto, recv, recv_into,
recvfrom, recvfrom_into -- the hot paths.

They are functions of the socket (``self``), bound as its methods in the
class body of ``_socketobj.socket``.  Each makes the system call first and
only on failure enters ``_waiting.retry`` (EINTR retried, EAGAIN waited for
when there is a timeout, one deadline per call).  Receives without a
caller's buffer use spare buffers (``_scratch``); a caller's buffer is
viewed, never copied, and the view released when the call ends.
"""

from operator import index

from cffisock import _scratch
from cffisock._address import peer_address, to_sockaddr
from cffisock._converters import (bytes_like, c_int, c_ssize_t, release as _release,
                                  writable_buffer)
from cffisock._ffi import ffi, lib
from cffisock._waiting import POLLIN, POLLOUT, deadline_after, retry

_send = lib.cffisock_send
_recv = lib.cffisock_recv
_sendto = lib.cffisock_sendto
_recvfrom_peer = lib.cffisock_recvfrom_peer
_unpack = ffi.unpack
_from_buffer = ffi.from_buffer
_BUFFER_SIZE = _scratch.BUFFER_SIZE
_take_spare = _scratch.spare_buffers.pop
_give_spare = _scratch.spare_buffers.append
_new_buffer = _scratch.new_buffer
_take_buffer = _scratch.take_buffer
_give_buffer = _scratch.give_buffer
_spare_peers = _scratch.spare_peers
_new_peer = _scratch.new_peer


def send(self, data, flags=0):
    """Send ``data``; return the number of bytes sent."""
    # bytes go to C as they are; anything else through a buffer view,
    # released when the call ends (see cffisock._converters).
    view = data if type(data) is bytes else bytes_like(data)
    try:
        size = len(view)
        sent = _send(self._fd, view, size, flags)
        if sent < 0:
            sent = retry(self, -sent, POLLOUT, None, _send, view, size, flags)
        return sent
    finally:
        if view is not data:
            _release(view)


def sendall(self, data, flags=0):
    """Send all of ``data``; the timeout bounds the whole call."""
    view = data if type(data) is bytes else bytes_like(data)
    try:
        size = len(view)
        sent = _send(self._fd, view, size, flags)
        if sent != size:
            deadline = deadline_after(self._timeout) if self._timeout else None
            if view is data:  # the rest goes from an offset: a view of the bytes
                with bytes_like(data) as whole:
                    self._send_rest(whole, sent, flags, deadline)
            else:
                self._send_rest(view, sent, flags, deadline)
    finally:
        if view is not data:
            _release(view)


def _send_all(self, view, deadline):
    """Send all of the cdata ``view`` by ``deadline`` (sendfile's
    fallback, which sets one deadline for many of these)."""
    self._send_rest(view, _send(self._fd, view, len(view), 0), 0, deadline)


def _send_rest(self, view, sent, flags, deadline):
    """Send the cdata ``view`` from where a first send that returned
    ``sent`` (bytes, or -errno) left it, until ``deadline``."""
    size = len(view)
    total = 0
    while True:
        if sent < 0:
            sent = retry(self, -sent, POLLOUT, deadline, _send,
                         view + total, size - total, flags)
        total += sent
        if total >= size:
            return
        sent = _send(self._fd, view + total, size - total, flags)


def sendto(self, /, *arguments):
    """sendto(data[, flags], address): send a datagram to ``address``
    (positional arguments only, counted in CPython's words)."""
    if len(arguments) == 2:
        data, address = arguments
        flags = 0
    elif len(arguments) == 3:
        data, flags, address = arguments
    else:
        raise TypeError("sendto() takes 2 or 3 arguments (%d given)" % len(arguments))
    view = data if type(data) is bytes else bytes_like(data)
    try:
        sockaddr, length = to_sockaddr(self._family, address, "sendto")
        size = len(view)
        sent = _sendto(self._fd, view, size, flags, sockaddr, length)
        if sent < 0:
            sent = retry(self, -sent, POLLOUT, None, _sendto,
                         view, size, flags, sockaddr, length)
        return sent
    finally:
        if view is not data:
            _release(view)


def recv(self, bufsize, flags=0):
    """Receive up to ``bufsize`` bytes; b'' means the peer closed."""
    if type(bufsize) is not int or not 0 < bufsize <= _BUFFER_SIZE:
        return self._recv_other_size(bufsize, flags)
    try:  # _take_buffer inlined: the hot path
        buffer = _take_spare()
    except IndexError:
        buffer = _new_buffer()
    try:
        received = _recv(self._fd, buffer, bufsize, flags)
        if received < 0:
            received = retry(self, -received, POLLIN, None, _recv,
                             buffer, bufsize, flags)
        if received <= bufsize:
            return _unpack(buffer, received)
        return _received_bytes(buffer, bufsize, received)
    finally:
        _give_spare(buffer)


def _recv_other_size(self, bufsize, flags):
    """recv() of a ``bufsize`` other than an int of 1..BUFFER_SIZE:
    converted and checked as the stdlib does; 0 returns b'' without a
    system call, as the stdlib's; a larger one gets a buffer of its own.
    (No recursion into recv(): on Python 3.9 and PyPy, index(True) is
    still a bool.)"""
    bufsize = index(bufsize)
    if not 0 < bufsize <= _BUFFER_SIZE and not _receive_count(bufsize, flags, "recv"):
        return b""
    buffer = _take_buffer(bufsize)
    try:
        received = _recv(self._fd, buffer, bufsize, flags)
        if received < 0:
            received = retry(self, -received, POLLIN, None, _recv,
                             buffer, bufsize, flags)
        return _received_bytes(buffer, bufsize, received)
    finally:
        _give_buffer(buffer, bufsize)


def recv_into(self, buffer, nbytes=0, flags=0):
    """Receive into ``buffer`` (up to ``nbytes``, default its size);
    return the number of bytes received."""
    try:
        target = _from_buffer("char[]", buffer, True)
    except (TypeError, BufferError):
        target = writable_buffer(buffer, "recv_into")  # raises the stdlib's error
    try:
        if nbytes == 0 and type(nbytes) is int:
            nbytes = len(target)
        else:
            nbytes = _receive_size(target, nbytes, "recv_into")
        if not nbytes:
            return 0  # as the stdlib: no system call for 0 bytes
        received = _recv(self._fd, target, nbytes, flags)
        if received < 0:
            received = retry(self, -received, POLLIN, None, _recv,
                             target, nbytes, flags)
        return received
    finally:
        _release(target)


def recvfrom(self, bufsize, flags=0):
    """Receive up to ``bufsize`` bytes; return ``(data, address)``."""
    if type(bufsize) is not int:
        bufsize = index(bufsize)
    if not 0 < bufsize <= _BUFFER_SIZE:
        _receive_count(bufsize, flags, "recvfrom")  # 0 still asks the kernel, as the stdlib
    buffer = _take_buffer(bufsize)
    try:
        received, address = self._recvfrom(buffer, bufsize, flags)
        if received <= bufsize:
            return _unpack(buffer, received), address
        return _received_bytes(buffer, bufsize, received), address
    finally:
        _give_buffer(buffer, bufsize)


def recvfrom_into(self, buffer, nbytes=0, flags=0):
    """Receive into ``buffer``; return ``(nbytes, address)``."""
    with writable_buffer(buffer, "recvfrom_into") as target:
        nbytes = _receive_size(target, nbytes, "recvfrom_into")
        return self._recvfrom(target, nbytes, flags)


def _recvfrom(self, target, nbytes, flags):
    try:
        spare = _spare_peers.pop()
    except IndexError:
        spare = _new_peer()
    peer = spare[0]
    try:
        received = _recvfrom_peer(self._fd, target, nbytes, flags, peer)
        if received < 0:
            received = retry(self, -received, POLLIN, None, _recvfrom_peer,
                             target, nbytes, flags, peer)
        return received, peer_address(peer, spare[1])
    finally:
        _spare_peers.append(spare)


#: The stdlib's wording when ``nbytes`` exceeds the buffer, per method.
_BUFFER_TOO_SMALL = {
    "recv_into": "buffer too small for requested bytes",
    "recvfrom_into": "nbytes is greater than the length of the buffer",
}


def _receive_count(bufsize, flags, caller):
    """Check a receive size outside the common 1.._BUFFER_SIZE, in the
    stdlib's order (both arguments parsed first: OverflowError beyond a
    ssize_t, TypeError for bad flags; then ValueError if negative); return
    it."""
    bufsize = c_ssize_t(bufsize)
    c_int(flags)
    if bufsize < 0:
        raise ValueError("negative buffersize in %s" % caller)
    return bufsize


def _received_bytes(buffer, bufsize, received):
    """The bytes a receive into ``buffer`` returns.  With MSG_TRUNC the
    kernel reports a datagram's whole length, which may exceed the buffer:
    the stdlib's length is kept, padded with zeros, and no memory beyond
    what the kernel wrote is read."""
    if received <= bufsize:
        return _unpack(buffer, received)
    return _unpack(buffer, bufsize) + bytes(received - bufsize)


def _receive_size(target, nbytes, caller):
    nbytes = c_ssize_t(nbytes)
    if nbytes < 0:
        raise ValueError("negative buffersize in %s" % caller)
    if nbytes == 0:
        return len(target)
    if nbytes > len(target):
        raise ValueError(_BUFFER_TOO_SMALL[caller])
    return nbytes
