"""Timeout values: validation and the module-wide default for new sockets."""

import math
from operator import index

_MAX_NANOSECONDS = 2.0 ** 63
_default_timeout = None


def timeout_value(value):
    """Return ``value`` as a timeout in seconds (float), or None.

    Accepts None, a float or an integer, like the stdlib; a negative or NaN
    value raises ValueError and any other type TypeError.
    """
    if value is None:
        return None
    if isinstance(value, float):
        seconds = value
        if math.isnan(seconds):
            raise ValueError("Invalid value NaN (not a number)")
    else:
        seconds = float(index(value))
    if seconds < 0:
        raise ValueError("Timeout value out of range")
    if seconds * 1e9 >= _MAX_NANOSECONDS:
        # The stdlib keeps timeouts as 64-bit nanosecond counts.
        raise OverflowError("timestamp too large to convert to C _PyTime_t")
    return seconds


def getdefaulttimeout():
    """Return the timeout in seconds (float) given to new sockets, or None."""
    return _default_timeout


def setdefaulttimeout(timeout):
    """Set the timeout new socket objects start with (None: blocking)."""
    global _default_timeout
    _default_timeout = timeout_value(timeout)
