"""Arguments converted as CPython's argument parser converts them, and the
C limits they are checked against.

Each converter mirrors one of CPython's -- a getargs format unit ("i", "n",
"y*", "w*", "et", "s") or a converter of ``Modules/socketmodule.c`` or
``Lib/ssl.py`` -- with the stdlib's exception types and messages; its
docstring names the stdlib APIs that use it.  Host names go through four
converters because the stdlib has four rules for them (which encoding, and
whether a NUL is a TypeError or a ValueError).

Buffer views (``bytes_like``, ``writable_buffer``) hold an export of the
caller's object while they live: a bytearray cannot be resized and a
memoryview cannot be released meanwhile.  A view must not outlive its call,
since the frames of a raised exception's traceback keep their locals alive
(CPython crashes tearing down a memoryview whose export a view still
holds).  So every call releases its views on every path, as the stdlib
releases its buffers: ``with view:`` (a cdata is a context manager that
releases itself) or, on the hot paths, ``try``/``finally: release(view)``,
which costs half as much; for many views, ``held`` and ``release_all``.
"""

import os
from operator import index

from cffisock._ffi import ffi

_BITS = 8

#: The C limits, from this platform's type sizes.
INT_MAX = (1 << (_BITS * ffi.sizeof("int") - 1)) - 1
INT_MIN = -INT_MAX - 1
UINT_MAX = (1 << (_BITS * ffi.sizeof("unsigned int"))) - 1
LONG_MAX = (1 << (_BITS * ffi.sizeof("long") - 1)) - 1
LONG_MIN = -LONG_MAX - 1
ULONG_MAX = (1 << (_BITS * ffi.sizeof("unsigned long"))) - 1
SSIZE_MAX = (1 << (_BITS * ffi.sizeof("ssize_t") - 1)) - 1

_from_buffer = ffi.from_buffer
#: Lets go of a buffer view at once (the caller's object is free again).
release = ffi.release


def parser_type_name(value):
    """The type in "argument N must be X, not <type>" messages, as CPython's
    argument parser (getargs and Argument Clinic) writes it: "None" for
    None, else the type's name.  (Errors raised elsewhere, such as the
    buffer protocol's, name NoneType.)"""
    return "None" if value is None else type(value).__name__


# -- integers ------------------------------------------------------------------


def c_int(value):
    """"i": ``value`` (an int or an object with __index__) if a C int can
    hold it, else OverflowError with the stdlib's words.  socket(), flags,
    socket options and levels, listen's backlog, getservbyport's port."""
    value = index(value)
    if value > INT_MAX:
        raise OverflowError("signed integer is greater than maximum")
    if value < INT_MIN:
        raise OverflowError("signed integer is less than minimum")
    return value


def clinic_int(value):
    """Argument Clinic's ``int``: ``value`` (an int or an object with
    __index__) if a C int can hold it, else OverflowError in
    _PyLong_AsInt's words.  ssl.RAND_bytes."""
    value = index(value)
    if not INT_MIN <= value <= INT_MAX:
        raise OverflowError("Python int too large to convert to C int")
    return value


def is_c_int(value):
    """Whether c_int would take ``value``."""
    try:
        c_int(value)
    except (TypeError, OverflowError):
        return False
    return True


def c_ssize_t(value):
    """"n": ``value`` if a ssize_t can hold it.  Receive sizes (recv,
    recv_into, recvmsg's ancbufsize), SSLSocket.read's length."""
    value = index(value)
    if not -SSIZE_MAX - 1 <= value <= SSIZE_MAX:
        raise OverflowError("Python int too large to convert to C ssize_t")
    return value


def c_long(value):
    """"l": ``value`` if a C long can hold it.  SSLContext.minimum_version,
    maximum_version and num_tickets."""
    value = index(value)
    if not LONG_MIN <= value <= LONG_MAX:
        raise OverflowError("Python int too large to convert to C long")
    return value


def c_unsigned_long_masked(value):
    """"k": ``value`` modulo 2**(bits of unsigned long), never an error for
    an int.  SSLContext.verify_flags."""
    return index(value) & ULONG_MAX


# -- buffers ---------------------------------------------------------------------


def bytes_like(data):
    """"y*": a cffi ``char[]`` view of a bytes-like object (no copy), to be
    released when the call ends.  send, sendall, sendto, sendmsg and its
    ancillary data, setsockopt's value, TLS writes, MemoryBIO.write."""
    try:
        return _from_buffer(data)
    except TypeError:
        raise TypeError("a bytes-like object is required, not '%s'"
                        % type(data).__name__) from None


def writable_buffer(buffer, caller):
    """"w*": a cffi ``char[]`` view of a writable bytes-like object, to be
    released when the call ends.  recv_into, recvfrom_into, recvmsg_into,
    SSLSocket.read(len, buffer).

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


def bytes_copy(data):
    """"y*", then copied: the bytes of a bytes-like object (no view is
    kept).  inet_ntoa, inet_ntop, AF_UNIX paths given as bytes-like."""
    try:
        return bytes(memoryview(data))
    except TypeError:
        raise TypeError("a bytes-like object is required, not '%s'"
                        % type(data).__name__) from None


# -- text --------------------------------------------------------------------------


def nul_free(encoded, message="embedded null character"):
    """``encoded`` if it holds no NUL byte, else ValueError(``message``)."""
    if b"\0" in encoded:
        raise ValueError(message)
    return encoded


def fs_path(value):
    """PyUnicode_FSConverter: a str (in the file-system encoding), bytes or
    os.PathLike as bytes holding no NUL.  if_nametoindex,
    SSLContext.load_cert_chain, load_verify_locations and set_ecdh_curve."""
    return nul_free(os.fsencode(value), "embedded null byte")


def utf8_text(text, caller, position=1):
    """"s": a str as UTF-8 bytes without NUL (TypeError for another type,
    naming argument ``position`` of ``caller``).  inet_aton, inet_pton,
    getservbyname, getservbyport's protocol, getprotobyname."""
    if not isinstance(text, str):
        raise TypeError("%s() argument %d must be str, not %s"
                        % (caller, position, parser_type_name(text)))
    return nul_free(text.encode("utf-8"))


def unix_path(path):
    """An AF_UNIX path as bytes: a str in the file system encoding, or a
    bytes-like object.  A file system path must not contain NUL
    (ValueError, where the stdlib lets the kernel cut the path); an abstract
    name (leading NUL) may.  bind, connect, sendto... on AF_UNIX sockets."""
    encoded = os.fsencode(path) if isinstance(path, str) else bytes_copy(path)
    if encoded[:1] != b"\0" and b"\0" in encoded:
        raise ValueError("embedded null character")
    return encoded


# -- host names: four rules, as in the stdlib --------------------------------------


def address_host(host):
    """The host of an AF_INET or AF_INET6 address tuple (CPython's
    ``idna_converter``): a str as ASCII if it can be, else through the IDNA
    codec; bytes or bytearray as they are; a NUL is a TypeError.  bind,
    connect, sendto and every other call that takes an address tuple."""
    if isinstance(host, str):
        try:
            encoded = host.encode("ascii")
        except UnicodeEncodeError:
            try:
                encoded = host.encode("idna")
            except UnicodeError:
                raise TypeError("encoding of hostname failed") from None
    elif isinstance(host, (bytes, bytearray)):
        encoded = bytes(host)
    else:
        raise TypeError("str, bytes or bytearray expected, not %s"
                        % type(host).__name__)
    if b"\0" in encoded:
        raise TypeError("host name must not contain null character")
    return encoded


def idna_name(name, caller):
    """"et" with the IDNA codec: a str through it, bytes or bytearray as
    they are; a NUL is a TypeError.  gethostbyname, gethostbyname_ex,
    gethostbyaddr."""
    if isinstance(name, str):
        encoded = name.encode("idna")
    elif isinstance(name, (bytes, bytearray)):
        encoded = bytes(name)
    else:
        raise TypeError("%s() argument 1 must be str, bytes or bytearray, not %s"
                        % (caller, parser_type_name(name)))
    if b"\0" in encoded:
        raise TypeError("%s() argument 1 must be encoded string without null "
                        "bytes, not %s" % (caller, type(name).__name__))
    return encoded


_idna_hosts = {}
_IDNA_HOSTS_KEPT = 256


def getaddrinfo_host(host):
    """getaddrinfo's host: None (ffi.NULL), a str always through the IDNA
    codec (remembered, up to a bound, for the next call: a program resolves
    the same few names again and again), or bytes.  A NUL is a ValueError
    (the stdlib resolves the part before it)."""
    if host is None:
        return ffi.NULL
    if isinstance(host, str):
        encoded = _idna_hosts.get(host)
        if encoded is None:
            encoded = nul_free(host.encode("idna"))
            if len(_idna_hosts) >= _IDNA_HOSTS_KEPT:
                _idna_hosts.clear()
            _idna_hosts[host] = encoded
        return encoded
    if not isinstance(host, bytes):
        raise TypeError("getaddrinfo() argument 1 must be string or None")
    return nul_free(host)


def server_hostname(hostname):
    """A TLS server host name as the stdlib's ``SSLContext._encode_hostname``
    keeps it: a str through the IDNA codec, bytes as ASCII, both as str;
    a NUL is a TypeError, an empty name or one that starts with a dot a
    ValueError.  wrap_socket and wrap_bio's ``server_hostname``."""
    if hostname is None:
        return None
    text = (hostname.encode("idna") if isinstance(hostname, str) else hostname).decode("ascii")
    if "\0" in text:
        raise TypeError("argument must be encoded string without null bytes, not str")
    if text[:1] in ("", "."):
        raise ValueError("server_hostname cannot be an empty string or start with a leading dot.")
    return text
