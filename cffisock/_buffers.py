"""Bytes-like arguments as cffi buffers, with the stdlib's error messages.

A view (``ffi.from_buffer``) holds an export of the caller's object for as
long as it lives: a bytearray cannot be resized and a memoryview cannot be
released meanwhile.  The stdlib lets go of its buffer before a call returns
or raises; so does cffisock.  A view must not outlive the call that made it,
because an exception keeps the frames of its traceback, and with them their
locals, alive (CPython then crashes tearing down a memoryview that still has
an export).  So every call releases its views on every path: ``with view:``
(a cdata is a context manager that releases itself) or, on the hot paths,
``try``/``finally: release(view)``, which costs half as much; for many
views, the list protocol of ``held`` and ``release_all``.
"""

from cffisock._arguments import parser_type_name
from cffisock._ffi import ffi

_from_buffer = ffi.from_buffer
#: Lets go of a view at once (the caller's object is free again).
release = ffi.release

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


def held(views, view):
    """Append ``view`` to ``views``, the list of what one call holds, and
    return it.  A call that makes several views collects them so, and ends
    with ``release_all(views)`` in a ``finally``: a conversion that fails
    half-way leaves none of the earlier ones held."""
    views.append(view)
    return view


def release_all(views):
    """Release every view of ``views`` (made by bytes_like/writable_buffer)."""
    for view in views:
        release(view)
