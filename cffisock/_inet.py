"""inet_aton/inet_ntoa/inet_pton/inet_ntop: text and packed IP addresses."""


from cffisock._arguments import parser_type_name
from cffisock._errors import oserror
from cffisock._ffi import ffi, lib
from cffisock._integers import c_int

_PACKED_SIZES = {lib.AF_INET: 4, lib.AF_INET6: 16}


def _text_argument(text, caller):
    if not isinstance(text, str):
        raise TypeError("%s() argument %s must be str, not %s"
                        % (caller, 1 if caller == "inet_aton" else 2,
                           parser_type_name(text)))
    if "\0" in text:
        raise ValueError("embedded null character")
    return text.encode("utf-8")


def _packed_argument(packed):
    try:
        return bytes(memoryview(packed))
    except TypeError:
        raise TypeError("a bytes-like object is required, not '%s'"
                        % type(packed).__name__) from None


def inet_aton(ip_string):
    """Return the 4 packed bytes of a dotted IPv4 address (the C library's
    inet_aton rules: '127.1' is accepted)."""
    packed = ffi.new("struct in_addr *")
    if lib.inet_aton(_text_argument(ip_string, "inet_aton"), packed) == 0:
        raise OSError("illegal IP address string passed to inet_aton")
    return bytes(ffi.buffer(packed))


def inet_ntoa(packed_ip):
    """Return the dotted-quad text of 4 packed bytes."""
    packed = _packed_argument(packed_ip)
    if len(packed) != 4:
        raise OSError("packed IP wrong length for inet_ntoa")
    return "%d.%d.%d.%d" % tuple(packed)


def inet_pton(address_family, ip_string):
    """Return the packed bytes of an address of ``address_family``."""
    address_family = c_int(address_family)
    text = _text_argument(ip_string, "inet_pton")
    size = _PACKED_SIZES.get(address_family)
    if size is None:
        raise oserror(lib.EAFNOSUPPORT)
    packed = ffi.new("unsigned char[]", size)
    if lib.inet_pton(address_family, text, packed) != 1:
        raise OSError("illegal IP address string passed to inet_pton")
    return bytes(ffi.buffer(packed))


def ntop(address_family, address):
    """Return the text form of the C address at ``address`` (a pointer to
    an in_addr or in6_addr of ``address_family``)."""
    text = ffi.new("char[]", lib.INET6_ADDRSTRLEN)
    if lib.inet_ntop(address_family, address, text, lib.INET6_ADDRSTRLEN) == ffi.NULL:
        # Only an unknown family or a short buffer can fail, and neither
        # reaches here; errno is read at once, before any other call.
        raise oserror(ffi.errno)
    return ffi.string(text).decode("ascii")


def inet_ntop(address_family, packed_ip):
    """Return the text of a packed address of ``address_family``."""
    address_family = c_int(address_family)
    size = _PACKED_SIZES.get(address_family)
    packed = _packed_argument(packed_ip)
    if size is None:
        raise ValueError("unknown address family %d" % address_family)
    if len(packed) != size:
        raise ValueError("invalid length of packed IP address string")
    return ntop(address_family, packed)
