"""Message I/O: sendmsg/recvmsg with ancillary data, and descriptor passing.

The shapes are the stdlib's: ``sendmsg(buffers, ancdata, flags, address)``
with ancdata items ``(level, type, bytes-like)``; ``recvmsg(bufsize,
ancbufsize, flags)`` returning ``(data, ancdata, msg_flags, address)``;
``recvmsg_into(buffers, ancbufsize, flags)`` returning ``(nbytes, ancdata,
msg_flags, address)``.  Control messages are built and walked in C with the
CMSG_ macros.

One deliberate difference: descriptors received with SCM_RIGHTS are made
non-inheritable atomically (MSG_CMSG_CLOEXEC), as every other descriptor
cffisock creates (PEP 446); the stdlib leaves them inheritable.
"""

from array import array
from operator import index

from cffisock._address import from_sockaddr, new_sockaddr, to_sockaddr
from cffisock._ffi import ffi, lib
from cffisock._converters import (INT_MAX, bytes_like, c_int, c_ssize_t, held, release_all,
                                  writable_buffer)
from cffisock._scratch import new_uncleared as _new_uncleared
from cffisock._waiting import POLLIN, POLLOUT, retry

_INT_SIZE = ffi.sizeof("int")


#: The stdlib's limit on a control message's size (socklen_t taken as a C int).
_SOCKLEN_LIMIT = INT_MAX


def CMSG_LEN(length):
    """The cmsg_len of a control message carrying ``length`` bytes; as in
    the stdlib, the result must stay within a C int."""
    length = index(length)
    if length < 0 or length > _SOCKLEN_LIMIT - lib.cffisock_cmsg_len(0):
        raise OverflowError("CMSG_LEN() argument out of range")
    return lib.cffisock_cmsg_len(length)


def CMSG_SPACE(length):
    """The buffer space a control message of ``length`` data bytes takes;
    as in the stdlib, the padding before and after the data included, it
    must stay within a C int."""
    length = index(length)
    if length < 0 or length > _SOCKLEN_LIMIT - lib.cffisock_cmsg_space(1):
        raise OverflowError("CMSG_SPACE() argument out of range")
    return lib.cffisock_cmsg_space(length)


def _iovecs(buffers, view_of, views):
    """An iovec array over ``buffers`` and how many there are; the views
    ``view_of`` makes are collected in ``views`` (see _converters.held)."""
    ours = [held(views, view_of(buffer)) for buffer in buffers]
    iov = ffi.new("struct iovec[]", max(len(ours), 1))
    for position, view in enumerate(ours):
        iov[position].iov_base = view
        iov[position].iov_len = len(view)
    return iov, len(ours)


def _control_item(item, views):
    """One ``(level, type, data)`` ancillary item, checked like the stdlib;
    the view of its data is collected in ``views``."""
    if not isinstance(item, (tuple, list)) or len(item) != 3:
        raise TypeError("[sendmsg() ancillary data items]() argument must be "
                        "sequence of length 3, not %s"
                        % (len(item) if isinstance(item, (tuple, list))
                           else type(item).__name__))
    level, kind, data = item
    return c_int(level), c_int(kind), held(views, bytes_like(data))


def sendmsg(sock, buffers, ancdata=(), flags=0, address=None):
    """Send ``buffers`` (bytes-like objects) and control messages."""
    views = []
    try:
        return _send_message(sock, buffers, ancdata, flags, address, views)
    finally:
        release_all(views)


def _send_message(sock, buffers, ancdata, flags, address, views):
    message = ffi.new("struct msghdr *")
    iov, message.msg_iovlen = _iovecs(buffers, bytes_like, views)
    message.msg_iov = iov  # the array lives as long as ``iov``
    if address is not None:
        sockaddr, length = to_sockaddr(sock._family, address, "sendmsg")
        message.msg_name = sockaddr
        message.msg_namelen = length
    items = [_control_item(item, views) for item in ancdata]
    if items:
        control = ffi.new("char[]", sum(lib.cffisock_cmsg_space(len(data))
                                        for _, _, data in items))
        message.msg_control = control
        message.msg_controllen = len(control)
        for position, (level, kind, data) in enumerate(items):
            if lib.cffisock_cmsg_put(message, position, level, kind, data, len(data)) < 0:
                raise RuntimeError("unexpected NULL result from CMSG_NXTHDR")
    sent = lib.cffisock_sendmsg(sock._fd, message, flags)
    if sent < 0:
        sent = retry(sock, -sent, POLLOUT, None, lib.cffisock_sendmsg,
                     message, flags)
    return sent


def _numbers(ancbufsize, flags):
    """recvmsg's ``ancbufsize`` and ``flags`` as the stdlib parses them."""
    return c_ssize_t(ancbufsize), c_int(flags)


def _receive(sock, iov, count, ancbufsize, flags):
    """recvmsg(2) into ``count`` iovecs; ``ancbufsize`` and ``flags`` are
    ints already (``_numbers``)."""
    if ancbufsize < 0:
        raise ValueError("negative buffer size in recvmsg()")
    if ancbufsize > _SOCKLEN_LIMIT:
        raise ValueError("invalid ancillary data buffer length")
    message = ffi.new("struct msghdr *")
    storage, length = new_sockaddr()
    message.msg_name = storage
    message.msg_namelen = length[0]
    message.msg_iov = iov
    message.msg_iovlen = count
    control = ffi.new("char[]", ancbufsize) if ancbufsize else ffi.NULL
    message.msg_control = control
    message.msg_controllen = ancbufsize
    # PEP 446: descriptors arrive non-inheritable.  The kernel echoes the
    # flag in msg_flags; it is hidden again unless the caller asked for it.
    hidden = ~lib.MSG_CMSG_CLOEXEC if not flags & lib.MSG_CMSG_CLOEXEC else ~0
    flags |= lib.MSG_CMSG_CLOEXEC
    received = lib.cffisock_recvmsg(sock._fd, message, flags)
    if received < 0:
        received = retry(sock, -received, POLLIN, None, lib.cffisock_recvmsg,
                         message, flags)
    ancdata = []
    level, kind = ffi.new("int *"), ffi.new("int *")
    data, size = ffi.new("unsigned char **"), ffi.new("size_t *")
    position = 0
    while ancbufsize and lib.cffisock_cmsg_get(message, position, level, kind, data, size) == 0:
        ancdata.append((level[0], kind[0], ffi.unpack(ffi.cast("char *", data[0]), size[0])))
        position += 1
    address = from_sockaddr(storage, message.msg_namelen)
    return received, ancdata, message.msg_flags & hidden, address


def recvmsg(sock, bufsize, ancbufsize=0, flags=0):
    """Receive up to ``bufsize`` bytes and up to ``ancbufsize`` bytes of
    control messages."""
    # The stdlib converts every number before it checks any of them.
    bufsize = c_ssize_t(bufsize)
    ancbufsize, flags = _numbers(ancbufsize, flags)
    if bufsize < 0:
        raise ValueError("negative buffer size in recvmsg()")
    buffer = _new_uncleared("char[]", max(bufsize, 1))
    iov = ffi.new("struct iovec *")
    iov.iov_base = buffer
    iov.iov_len = bufsize
    received, ancdata, msg_flags, address = _receive(sock, iov, 1, ancbufsize, flags)
    # With MSG_TRUNC the kernel reports a datagram's whole length, which may
    # exceed the buffer: only what the buffer holds is data (the stdlib's too).
    return ffi.unpack(buffer, min(received, bufsize)), ancdata, msg_flags, address


def recvmsg_into(sock, buffers, ancbufsize=0, flags=0):
    """Receive into ``buffers`` (writable bytes-like objects) in order."""
    ancbufsize, flags = _numbers(ancbufsize, flags)
    views = []
    try:
        iov, count = _iovecs(buffers, _writable_for_recvmsg_into, views)
        return _receive(sock, iov, count, ancbufsize, flags)
    finally:
        release_all(views)


def _writable_for_recvmsg_into(buffer):
    return writable_buffer(buffer, "recvmsg_into")


def send_fds(sock, buffers, fds, flags=0, address=None):
    """Send ``buffers`` and the descriptors ``fds`` (SCM_RIGHTS)."""
    descriptors = ffi.new("int[]", [index(fd) for fd in fds])
    return sock.sendmsg(buffers, [(lib.SOL_SOCKET, lib.SCM_RIGHTS, ffi.buffer(descriptors))],
                        flags, address)


def recv_fds(sock, bufsize, maxfds, flags=0):
    """Receive up to ``maxfds`` descriptors with up to ``bufsize`` bytes;
    return ``(data, fds, msg_flags, address)``.  Descriptors beyond
    ``maxfds`` are closed by the kernel and MSG_CTRUNC is set."""
    data, ancdata, msg_flags, address = sock.recvmsg(
        bufsize, CMSG_LEN(index(maxfds) * _INT_SIZE), flags)
    fds = []
    for level, kind, payload in ancdata:
        if level == lib.SOL_SOCKET and kind == lib.SCM_RIGHTS:
            received = array("i")
            received.frombytes(payload[:len(payload) - len(payload) % received.itemsize])
            fds.extend(received)
    return data, fds, msg_flags, address
