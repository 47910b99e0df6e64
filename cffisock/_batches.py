"""Batched datagrams, beyond the stdlib: recvmmsg(2) and sendmmsg(2).

``sock.recvmmsg(count, bufsize, flags=0, timeout=None)``
    receives up to ``count`` datagrams of up to ``bufsize`` bytes each in one
    system call and returns a list of ``(data, address)`` pairs, oldest first.
``sock.recvmmsg_into(buffers, flags=0, timeout=None)``
    receives one datagram into each writable buffer, in order, and returns a
    list of ``(nbytes, address)`` pairs; nothing is allocated per datagram.
``sock.sendmmsg(messages, flags=0)``
    sends each ``(data, address)`` pair (``address`` None on a connected
    socket) in one system call and returns how many were sent.

Receiving waits for the first datagram exactly as ``recvfrom`` does (forever
on a blocking socket, up to the socket's timeout, or BlockingIOError on a
non-blocking socket), then takes the datagrams already queued, up to
``count`` (MSG_WAITFORONE).  With ``timeout`` (seconds, counted from the
first datagram) it keeps waiting for more until the batch is full or the
time is up; the batch may then be shorter than ``count``, never empty.
A datagram longer than its buffer is truncated, as with ``recvfrom``.

Nothing received is ever dropped: if the kernel reports an error (say,
ECONNREFUSED from an ICMP message) after datagrams of the batch have
arrived, the batch is returned and that error is raised by the socket's
next ``recvmmsg``/``recvmmsg_into`` call.

Sending follows ``send``: on a blocking socket the call blocks until the
kernel has taken the messages; with a timeout it waits for the first one
only, and a partial count is returned as it is.
"""

from operator import index
from time import monotonic

from cffisock._address import from_sockaddr, to_sockaddr
from cffisock._converters import bytes_like, release_all, writable_buffer
from cffisock._errors import oserror, timeout as _timeout_error
from cffisock._ffi import ffi, lib
from cffisock._scratch import new_uncleared
from cffisock._waiting import POLLIN, POLLOUT, interrupted, retry, wait_fd, would_block

_recvmmsg = lib.cffisock_recvmmsg
_sendmmsg = lib.cffisock_sendmmsg
_prepare = lib.cffisock_mmsg_prepare
_runs = lib.cffisock_mmsg_runs
_unpack = ffi.unpack
_new = ffi.new
_NULL = ffi.NULL
_WAITFORONE = lib.MSG_WAITFORONE
_DONTWAIT = lib.MSG_DONTWAIT


def _batch(count, with_names):
    """Uninitialised ``(messages, iovecs, names)`` arrays for ``count``
    datagrams (names is NULL without addresses); ``_prepare`` fills them."""
    names = new_uncleared("struct sockaddr_storage[]", count) if with_names else _NULL
    return (new_uncleared("struct mmsghdr[]", count),
            new_uncleared("struct iovec[]", count), names)


def _window(timeout, caller):
    """The collecting window of ``caller``'s ``timeout=`` in seconds (None:
    take only what is queued after the first datagram)."""
    if timeout is None:
        return None
    timeout = float(timeout)
    if not timeout >= 0.0:
        raise ValueError("%s() timeout must be a non-negative number" % caller)
    return timeout


def _receive(sock, messages, count, flags, timeout, caller):
    """Receive into the first ``count`` prepared ``messages``; return how
    many datagrams arrived (at least one)."""
    flags = index(flags)
    timeout = _window(timeout, caller)
    error, sock._batch_error = sock._batch_error, None
    if error is not None:
        raise error
    first = flags | _WAITFORONE
    received = _recvmmsg(sock._fd, messages, count, first, _NULL)
    if received < 0:
        received = retry(sock, -received, POLLIN, None, _recvmmsg,
                         messages, count, first, _NULL)
    if timeout is None:
        return received
    deadline = monotonic() + timeout
    more_flags = flags | _DONTWAIT
    while 0 < received < count:
        try:
            wait_fd(sock._fd, POLLIN, deadline)
        except _timeout_error:
            break
        more = _recvmmsg(sock._fd, messages + received, count - received, more_flags, _NULL)
        if more > 0:
            received += more
        elif more == 0:
            break
        elif not (would_block(-more) or interrupted(-more)):
            sock._batch_error = oserror(-more)  # the next batch raises it
            break
    return received


def _datagrams(messages, names, count):
    """Return ``(lengths, addresses)`` of the first ``count`` received
    ``messages``: a list of lengths and a list of source addresses, one per
    datagram, where each run of datagrams from one source shares one
    address object (found in C, so an address is built once per run)."""
    summary = new_uncleared("unsigned int[]", 3 * count)
    lengths, run_of, run_starts = summary, summary + count, summary + 2 * count
    runs = _runs(messages, count, lengths, run_of, run_starts)
    sources = []
    for start in _unpack(run_starts, runs):
        sources.append(from_sockaddr(names + start, messages[start].msg_hdr.msg_namelen))
    return _unpack(lengths, count), [sources[run] for run in _unpack(run_of, count)]


def recvmmsg(sock, count, bufsize, flags=0, timeout=None):
    """Receive up to ``count`` datagrams of up to ``bufsize`` bytes each;
    return ``[(data, address), ...]``."""
    count, bufsize = index(count), index(bufsize)
    if count <= 0:
        raise ValueError("recvmmsg() count must be positive")
    if bufsize < 0:
        raise ValueError("negative buffersize in recvmmsg")
    buffer = new_uncleared("char[]", max(count * bufsize, 1))
    messages, iov, names = _batch(count, True)
    _prepare(messages, iov, names, count, buffer, bufsize, _NULL, _NULL)
    received = _receive(sock, messages, count, flags, timeout, "recvmmsg")
    data = _unpack(buffer, received * bufsize)
    lengths, addresses = _datagrams(messages, names, received)
    offsets = range(0, received * bufsize, bufsize) if bufsize else [0] * received
    return [(data[offset:offset + length], address)
            for offset, length, address in zip(offsets, lengths, addresses)]


def recvmmsg_into(sock, buffers, flags=0, timeout=None):
    """Receive one datagram into each of ``buffers`` (writable bytes-like
    objects), in order; return ``[(nbytes, address), ...]``."""
    views = []
    try:
        for buffer in buffers:
            views.append(writable_buffer(buffer, "recvmmsg_into"))
        count = len(views)
        if not count:
            raise ValueError("recvmmsg_into() needs at least one buffer")
        messages, iov, names = _batch(count, True)
        _prepare(messages, iov, names, count, _NULL, 0,
                 _new("void *[]", views), _new("size_t[]", [len(view) for view in views]))
        received = _receive(sock, messages, count, flags, timeout, "recvmmsg_into")
        return list(zip(*_datagrams(messages, names, received)))
    finally:
        release_all(views)


def _message(item):
    """One ``(data, address)`` item of sendmmsg, checked like sendto's."""
    if not isinstance(item, (tuple, list)) or len(item) != 2:
        raise TypeError("sendmmsg() messages must be (data, address) pairs, not %s"
                        % (type(item).__name__,))
    return item


def sendmmsg(sock, messages, flags=0):
    """Send each ``(data, address)`` of ``messages`` (address None on a
    connected socket); return the number of messages sent."""
    items = [_message(item) for item in messages]
    flags = index(flags)
    count = len(items)
    if not count:
        return 0
    views = []
    try:
        for data, _ in items:
            views.append(bytes_like(data))
        return _send_batch(sock, items, views, flags)
    finally:
        release_all(views)


def _send_batch(sock, items, views, flags):
    """sendmmsg(2) of ``items`` whose data the cdata ``views`` hold."""
    count = len(items)
    batch, iov, _ = _batch(count, False)
    _prepare(batch, iov, _NULL, count, _NULL, 0,
             _new("void *[]", views), _new("size_t[]", [len(view) for view in views]))
    last_address = sockaddr = length = None
    addresses = []  # keeps each C address alive for the call
    for position, (_, address) in enumerate(items):
        if address is not None:
            if address is not last_address:  # the same object: the same C address
                sockaddr, length = to_sockaddr(sock._family, address, "sendmmsg")
                addresses.append(sockaddr)
                last_address = address
            header = batch[position].msg_hdr
            header.msg_name = sockaddr
            header.msg_namelen = length
    sent = _sendmmsg(sock._fd, batch, count, flags)
    if sent < 0:
        sent = retry(sock, -sent, POLLOUT, None, _sendmmsg, batch, count, flags)
    return sent
