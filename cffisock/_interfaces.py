"""Network interface names and indexes: if_nameindex, if_nametoindex,
if_indextoname."""

import os

from cffisock._converters import UINT_MAX, ULONG_MAX, fs_path
from cffisock._errors import check, oserror
from cffisock._ffi import ffi, lib


def if_nameindex():
    """Return a list of ``(index, name)`` for every network interface."""
    error = ffi.new("int *")
    names = lib.cffisock_if_nameindex(error)
    if names == ffi.NULL:
        raise oserror(error[0])
    try:
        interfaces = []
        position = 0
        while names[position].if_index != 0:
            interfaces.append((names[position].if_index,
                               os.fsdecode(ffi.string(names[position].if_name))))
            position += 1
        return interfaces
    finally:
        lib.if_freenameindex(names)


def if_nametoindex(if_name):
    """Return the index of the interface called ``if_name`` (str or bytes)."""
    index = lib.cffisock_if_nametoindex(fs_path(if_name))
    if index < 0:
        raise OSError("no interface with this name")
    return index


def if_indextoname(if_index):
    """Return the name of the interface with index ``if_index``."""
    if not isinstance(if_index, int):
        raise TypeError("an integer is required")
    if if_index < 0:
        raise OverflowError("can't convert negative value to unsigned int")
    if if_index > ULONG_MAX:
        raise OverflowError("Python int too large to convert to C unsigned long")
    if if_index > UINT_MAX:
        raise OverflowError("index is too large")
    name = ffi.new("char[]", lib.IF_NAMESIZE)
    check(lib.cffisock_if_indextoname(if_index, name))
    return os.fsdecode(ffi.string(name))
