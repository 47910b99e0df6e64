"""C integer arguments: Python integers checked as the stdlib's argument
parser checks its "i" and "n" formats (OverflowError beyond a C int or a
ssize_t)."""

from operator import index

from cffisock._ffi import ffi

INT_MAX = (1 << (8 * ffi.sizeof("int") - 1)) - 1
INT_MIN = -INT_MAX - 1
SSIZE_MAX = (1 << (8 * ffi.sizeof("ssize_t") - 1)) - 1


def c_int(value):
    """Return ``value`` (an int or an object with __index__) if a C int can
    hold it; raise OverflowError, with the stdlib's words, if not."""
    value = index(value)
    if value > INT_MAX:
        raise OverflowError("signed integer is greater than maximum")
    if value < INT_MIN:
        raise OverflowError("signed integer is less than minimum")
    return value


def c_ssize_t(value):
    """Return ``value`` (an int or an object with __index__) if a ssize_t
    can hold it; raise OverflowError, with the stdlib's words, if not."""
    value = index(value)
    if not -SSIZE_MAX - 1 <= value <= SSIZE_MAX:
        raise OverflowError("Python int too large to convert to C ssize_t")
    return value
