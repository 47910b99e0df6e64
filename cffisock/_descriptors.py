"""``close(fd)`` and ``dup(fd)``: the stdlib's functions on a socket's bare
descriptor, for code that holds the number rather than a socket object.

Unlike the stdlib's, a number beyond a C int is refused (OverflowError)
rather than cut to 32 bits, which would close or copy another descriptor
(the stdlib's ``close(2**32)`` closes descriptor 0)."""

from cffisock._converters import c_int
from cffisock._errors import check, oserror
from cffisock._ffi import lib

_ECONNRESET = lib.ECONNRESET


def close(fd, /):
    """Close the socket descriptor ``fd`` (OSError, EBADF, for one that is
    not open; a reset connection is closed all the same, as the stdlib's)."""
    result = lib.cffisock_close(c_int(fd))
    if result < 0 and result != -_ECONNRESET:
        raise oserror(-result)


def dup(fd, /):
    """A new, non-inheritable descriptor for the socket descriptor ``fd``."""
    return check(lib.cffisock_dup(c_int(fd)))
