"""Reusable C memory for the receive paths.

With cffi, an allocation costs a good part of what a small receive's system
call does, so receive buffers and peer structs are kept for reuse in lists:
a call pops one (allocating only when none is spare) and appends it back
when it is done.  ``list.pop``/``append`` are atomic (under the GIL and on
PyPy), so two threads never hold the same one, and a signal handler that
receives while a call is waiting gets its own.  At most KEPT spares of each
kind stay allocated between calls.
"""

from cffisock._buffers import new_uncleared
from cffisock._ffi import ffi

#: The size of a spare receive buffer: receives up to this size use one.
BUFFER_SIZE = 65536
#: How many spares of each kind are kept between calls.
KEPT = 16

spare_buffers = []
spare_peers = []


def new_buffer():
    """A receive buffer of BUFFER_SIZE bytes (uncleared)."""
    return new_uncleared("char[]", BUFFER_SIZE)


#: The bytes of a ``struct cffisock_peer`` before its sockaddr storage:
#: the fields peer_address reads (and knows decoded addresses by).
PEER_FIELDS = ffi.offsetof("struct cffisock_peer", "storage")


def new_peer():
    """A ``(peer, fields)`` pair: a ``struct cffisock_peer`` for
    recvfrom/accept (uncleared: the C helpers fill what Python reads) and a
    buffer view of its PEER_FIELDS leading bytes, made once with it."""
    peer = new_uncleared("struct cffisock_peer *")
    return peer, ffi.buffer(peer, PEER_FIELDS)
