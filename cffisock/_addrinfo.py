"""The C library's getaddrinfo(), as a context manager over its result list.

Used where one entry is wanted: the resolution of host names in socket
addresses and getnameinfo(); the list is freed when the block ends.
(getaddrinfo() itself reads the whole list flattened in C: see _resolver.)
"""

from contextlib import contextmanager

from cffisock._errors import gai_error
from cffisock._ffi import ffi, lib


@contextmanager
def addrinfo(host, port, family=0, type=0, proto=0, flags=0):
    """Yield the first ``struct addrinfo *`` for ``host``/``port`` (bytes or
    ffi.NULL); raise gaierror (OSError for EAI_SYSTEM) on failure."""
    hints = ffi.new("struct addrinfo *")
    hints.ai_family = family
    hints.ai_socktype = type
    hints.ai_protocol = proto
    hints.ai_flags = flags
    result = ffi.new("struct addrinfo **")
    system_errno = ffi.new("int *")
    code = lib.cffisock_getaddrinfo(host, port, hints, result, system_errno)
    if code != 0:
        raise gai_error(code, system_errno[0])
    try:
        yield result[0]
    finally:
        lib.freeaddrinfo(result[0])
