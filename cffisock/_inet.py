"""inet_aton/inet_ntoa/inet_pton/inet_ntop: text and packed IP addresses."""


from cffisock._converters import bytes_copy, c_int, utf8_text
from cffisock._errors import oserror
from cffisock._ffi import ffi, lib

_PACKED_SIZES = {lib.AF_INET: 4, lib.AF_INET6: 16}


def inet_aton(ip_string):
    """Return the 4 packed bytes of a dotted IPv4 address (the C library's
    inet_aton rules: '127.1' is accepted)."""
    packed = ffi.new("struct in_addr *")
    if lib.inet_aton(utf8_text(ip_string, "inet_aton"), packed) == 0:
        raise OSError("illegal IP address string passed to inet_aton")
    return bytes(ffi.buffer(packed))


def inet_ntoa(packed_ip):
    """Return the dotted-quad text of 4 packed bytes."""
    packed = bytes_copy(packed_ip)
    if len(packed) != 4:
        raise OSError("packed IP wrong length for inet_ntoa")
    return "%d.%d.%d.%d" % tuple(packed)


def inet_pton(address_family, ip_string):
    """Return the packed bytes of an address of ``address_family``."""
    address_family = c_int(address_family)
    text = utf8_text(ip_string, "inet_pton", 2)
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
    packed = bytes_copy(packed_ip)
    if size is None:
        raise ValueError("unknown address family %d" % address_family)
    if len(packed) != size:
        raise ValueError("invalid length of packed IP address string")
    return ntop(address_family, packed)
