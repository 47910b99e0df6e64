"""Bytes-like arguments as cffi buffers, with the stdlib's error messages."""

from cffisock._arguments import parser_type_name
from cffisock._ffi import ffi

_from_buffer = ffi.from_buffer

#: Allocates receive buffers without zeroing them: the kernel overwrites
#: them, and only the bytes it wrote are read back.
new_uncleared = ffi.new_allocator(should_clear_after_alloc=False)


def bytes_like(data):
    """Return a cffi ``char[]`` view of a bytes-like object (no copy)."""
    try:
        return _from_buffer(data)
    except TypeError:
        raise TypeError("a bytes-like object is required, not '%s'"
                        % type(data).__name__) from None


def writable_buffer(buffer, caller):
    """Return a cffi ``char[]`` view of a writable bytes-like object.

    (``from_buffer("char[]", buffer, True)``: cffi parses keyword arguments
    slowly, so the hot paths that inline this pass require_writable by
    position.)"""
    try:
        return _from_buffer("char[]", buffer, True)
    except (TypeError, BufferError):
        raise TypeError("%s() argument 1 must be read-write bytes-like object, "
                        "not %s" % (caller, parser_type_name(buffer))) from None
