"""Timeout values: validation and the module-wide default for new sockets."""

import math
from operator import index

_NANOSECONDS = 10**9
#: The stdlib keeps timeouts as signed 64-bit nanosecond counts.
_LIMIT = 2**63
_default_timeout = None


def timeout_value(value):
    """Return ``value`` as a timeout in seconds (float), or None.

    Accepts None, an integer (``__index__``) or any real number (a float,
    or what ``__float__`` converts: Fraction, Decimal), as Python 3.15
    does, on every version; like the stdlib it keeps whole nanoseconds, a
    fraction rounded up (1e-10 becomes 1e-09).  A NaN or negative value
    raises ValueError, one beyond 2**63 ns OverflowError, any other type
    TypeError.
    """
    if value is None:
        return None
    if not isinstance(value, (float, int)) and not hasattr(type(value), "__index__") \
            and hasattr(type(value), "__float__"):
        value = float(value)
    if isinstance(value, float):
        if math.isnan(value):
            raise ValueError("Invalid value NaN (not a number)")
        scaled = value * 1e9
        if not -_LIMIT <= scaled < _LIMIT:
            raise OverflowError("timestamp too large to convert to C _PyTime_t")
        # Away from zero, as CPython's _PyTime_ROUND_TIMEOUT.
        nanoseconds = math.ceil(scaled) if scaled >= 0 else math.floor(scaled)
    else:
        nanoseconds = index(value) * _NANOSECONDS
        if not -_LIMIT <= nanoseconds < _LIMIT:
            raise OverflowError("timestamp too large to convert to C _PyTime_t")
    if nanoseconds < 0:
        raise ValueError("Timeout value out of range")
    seconds, fraction = divmod(nanoseconds, _NANOSECONDS)
    return nanoseconds / 1e9 if fraction else float(seconds)


def getdefaulttimeout():
    """Return the timeout in seconds (float) given to new sockets, or None."""
    return _default_timeout


def setdefaulttimeout(timeout):
    """Set the timeout new socket objects start with (None: blocking)."""
    global _default_timeout
    _default_timeout = timeout_value(timeout)
