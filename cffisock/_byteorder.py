"""htons/htonl/ntohs/ntohl with the stdlib's range checks (OverflowError)."""

from operator import index

from cffisock._ffi import lib


def _unsigned16(name, value):
    value = index(value)
    if value < 0:
        raise OverflowError(
            "%s: can't convert negative Python int to C 16-bit unsigned integer"
            % name)
    if value > 0xFFFF:
        raise OverflowError(
            "%s: Python int too large to convert to C 16-bit unsigned integer"
            % name)
    return value


def _unsigned32(value):
    # Like the stdlib, only a real int is accepted here (no __index__).
    if not isinstance(value, int):
        raise TypeError("expected int, %s found" % type(value).__name__)
    if value < 0:
        raise OverflowError("can't convert negative value to unsigned int")
    if value > 0xFFFFFFFF:
        raise OverflowError("int larger than 32 bits")
    return value


def htons(x):
    """Convert a 16-bit integer from host to network byte order."""
    return lib.htons(_unsigned16("htons", x))


def ntohs(x):
    """Convert a 16-bit integer from network to host byte order."""
    return lib.ntohs(_unsigned16("ntohs", x))


def htonl(x):
    """Convert a 32-bit integer from host to network byte order."""
    return lib.htonl(_unsigned32(x))


def ntohl(x):
    """Convert a 32-bit integer from network to host byte order."""
    return lib.ntohl(_unsigned32(x))
