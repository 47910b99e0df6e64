"""C memory for the receive paths: uncleared allocations, and spares kept
for reuse.

With cffi, an allocation costs a good part of what a small receive's system
call does, so receive buffers and peer structs are kept for reuse in deques
of at most KEPT: a call pops one (allocating only when none is spare) and
appends it back when it is done (a full deque drops its oldest, which the
collector frees).  ``deque.pop``/``append`` are atomic (under the GIL and
on PyPy), so two threads never hold the same one, and a signal handler that
receives while a call is waiting gets its own; unlike a list's, they never
reallocate the deque's storage as it empties and fills.
"""

from collections import deque

from cffisock._ffi import ffi

#: Allocates C memory without zeroing it, for buffers and structs the C
#: side fills before Python reads them (receive buffers: the kernel
#: overwrites them, and only the bytes it wrote are read back).
new_uncleared = ffi.new_allocator(should_clear_after_alloc=False)

#: The size of a spare receive buffer: receives up to this size use one.
BUFFER_SIZE = 65536
#: How many spares of each kind are kept between calls.
KEPT = 16

spare_buffers = deque(maxlen=KEPT)
spare_peers = deque(maxlen=KEPT)


def new_buffer():
    """A receive buffer of BUFFER_SIZE bytes (uncleared)."""
    return new_uncleared("char[]", BUFFER_SIZE)


def take_buffer(size):
    """A receive buffer of at least ``size`` bytes: a spare one when the size
    allows, else a new one.  The caller hands it to give_buffer when done."""
    if size <= BUFFER_SIZE:
        try:
            return spare_buffers.pop()
        except IndexError:
            return new_buffer()
    return new_uncleared("char[]", size)


def give_buffer(buffer, size):
    """Keep ``buffer``, which take_buffer(``size``) returned, as a spare if
    it is one of the spare size (a larger one is left to the collector)."""
    if size <= BUFFER_SIZE:
        spare_buffers.append(buffer)


#: The bytes of a ``struct cffisock_peer`` before its sockaddr storage:
#: the fields peer_address reads (and knows decoded addresses by).
PEER_FIELDS = ffi.offsetof("struct cffisock_peer", "storage")


def new_peer():
    """A ``(peer, fields)`` pair: a ``struct cffisock_peer`` for
    recvfrom/accept (uncleared: the C helpers fill what Python reads) and a
    buffer view of its PEER_FIELDS leading bytes, made once with it."""
    peer = new_uncleared("struct cffisock_peer *")
    return peer, ffi.buffer(peer, PEER_FIELDS)
