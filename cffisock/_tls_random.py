"""OpenSSL's random generator, as the stdlib's ``ssl.RAND_status``,
``RAND_bytes`` and ``RAND_add``."""

from cffisock._converters import INT_MAX, bytes_like, clinic_int, release
from cffisock._tls_errors import queue_error
from cffisock._tls_ffi import ffi, lib


def RAND_status():
    """True if OpenSSL's generator has been seeded with enough data."""
    return bool(lib.RAND_status())


def RAND_bytes(n, /):
    """``n`` cryptographically strong random bytes (SSLError if OpenSSL's
    generator cannot give them)."""
    n = clinic_int(n)
    if n < 0:
        raise ValueError("num must be positive")
    buffer = ffi.new("unsigned char[]", n)
    if lib.RAND_bytes(buffer, n) != 1:
        raise queue_error()
    return ffi.buffer(buffer, n)[:]


def RAND_add(string, entropy, /):
    """Mix ``string`` (str, as UTF-8, or bytes-like) into OpenSSL's
    generator, counting it as ``entropy`` bytes of randomness."""
    if not (hasattr(type(entropy), "__float__") or hasattr(type(entropy), "__index__")):
        raise TypeError("must be real number, not %s" % type(entropy).__name__)
    entropy = float(entropy)
    if isinstance(string, str):
        string = string.encode("utf-8")
    view = bytes_like(string)
    try:
        if len(view) > INT_MAX:
            raise OverflowError("string is too long")
        lib.RAND_add(view, len(view), entropy)
    finally:
        release(view)
