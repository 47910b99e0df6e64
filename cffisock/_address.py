"""Socket addresses: Python address objects to C sockaddrs and back.

The forms are the socket module's:

* AF_INET: ``(host, port)``; ``''`` is INADDR_ANY, ``'<broadcast>'`` is
  INADDR_BROADCAST; a host that is not a dotted quad is resolved with
  getaddrinfo (the first address is used).
* AF_INET6: ``(host, port[, flowinfo[, scope_id]])``; ``''`` is the
  unspecified address.  Decoded addresses are always 4-tuples.
* AF_UNIX: a ``str`` (file system encoding) or bytes-like path; a leading NUL
  byte selects Linux's abstract namespace, which decodes to ``bytes``.
* AF_NETLINK: ``(pid, groups)``, two unsigned 32-bit numbers (pid 0 is the
  kernel, or, to bind, "assign one").

Errors follow the stdlib, in its order: TypeError for a wrong shape or type
(and for a host name with a NUL or one the IDNA codec refuses), gaierror
when a host name does not resolve, then OverflowError for an out-of-range
port or flowinfo (checked after the lookup, as the stdlib does), OSError for
a path too long.

Two deliberate differences, where the stdlib silently uses another address
than the one given: a flowinfo or scope id outside 0..2**20-1 or
0..2**32-1, or a netlink pid or groups outside 0..2**32-1, raises
OverflowError (the stdlib truncates them to 32 bits), and
a NUL inside a file system AF_UNIX path, str or bytes, raises ValueError
(the stdlib lets the kernel cut the path there).
Abstract names may hold any bytes.
"""

import functools
import os
import struct
from operator import index

from cffisock._addrinfo import addrinfo
from cffisock._converters import address_host, c_int, unix_path
from cffisock._ffi import ffi, lib
from cffisock._scratch import new_uncleared

AF_INET = lib.AF_INET
AF_INET6 = lib.AF_INET6
AF_UNIX = lib.AF_UNIX
AF_NETLINK = lib.AF_NETLINK
AF_UNSPEC = lib.AF_UNSPEC

STORAGE_SIZE = ffi.sizeof("struct sockaddr_storage")
_SUN_PATH_OFFSET = ffi.offsetof("struct sockaddr_un", "sun_path")
_SUN_PATH_SIZE = ffi.sizeof(ffi.typeof("struct sockaddr_un").fields[1][1].type)
_INET_SIZE = ffi.sizeof("struct sockaddr_in")
_INET6_SIZE = ffi.sizeof("struct sockaddr_in6")
_MAX_FLOWINFO = (1 << 20) - 1
_UINT32_MAX = (1 << 32) - 1
#: struct.unpack layout of ``struct cffisock_inet_address`` (see
#: cffi_src/arpa_inet.py): family, port, flowinfo, scope_id and the numeric
#: host as a Pascal string, which C structs embed to hand Python addresses.
INET_ADDRESS_FORMAT = "iiII64p"
_INET_ADDRESS = struct.Struct("=" + INET_ADDRESS_FORMAT)
if ffi.sizeof("struct cffisock_inet_address") != _INET_ADDRESS.size:
    raise ImportError("struct cffisock_inet_address has an unexpected layout")
_new_inet_address = functools.partial(new_uncleared, "struct cffisock_inet_address *")
_describe = lib.cffisock_inet_describe
#: struct.unpack layout of the start of ``struct cffisock_peer``
#: (cffi_src/peers.py): described, length, then the numeric address.
_PEER = struct.Struct("=iI" + INET_ADDRESS_FORMAT)
if ffi.offsetof("struct cffisock_peer", "storage") < _PEER.size:
    raise ImportError("struct cffisock_peer has an unexpected layout")
#: Decoded peer addresses by the bytes that describe them (peer_address);
#: emptied when it reaches _RECENT_PEERS entries.
_recent_peers = {}
_RECENT_PEERS = 256
_addressof = ffi.addressof
_buffer = ffi.buffer
_htons = lib.htons
_htonl = lib.htonl


def new_sockaddr():
    """Return ``(storage, socklen_t pointer)`` for a result address.

    The storage is a zeroed sockaddr_storage and the length is preset to its
    size, ready for accept, recvfrom, getsockname and getpeername.
    """
    return (ffi.new("struct sockaddr_storage *"),
            ffi.new("socklen_t *", STORAGE_SIZE))


def _port_number(port, caller):
    """The port as the stdlib parses it, a C int, before the host is
    resolved; its 0-65535 range is checked after (``_check_port``)."""
    try:
        return c_int(port)
    except OverflowError:
        raise OverflowError("%s(): port must be 0-65535." % caller) from None


def _check_port(port, caller):
    if not 0 <= port <= 0xFFFF:
        raise OverflowError("%s(): port must be 0-65535." % caller)


def resolve_ip(name, family):
    """Return a sockaddr_storage holding the address of ``name`` (bytes).

    The stdlib's rules (CPython's ``setipaddr``): ``b''`` is the wildcard
    address, ``b'<broadcast>'`` and ``b'255.255.255.255'`` INADDR_BROADCAST
    (AF_INET only), numeric addresses are parsed without a lookup, and any
    other name is resolved with getaddrinfo for ``family`` (AF_INET, AF_INET6
    or AF_UNSPEC), its first address taken.  The storage's family says which
    family was found.
    """
    storage = ffi.new("struct sockaddr_storage *")
    if name == b"" and family != AF_UNSPEC:
        storage.ss_family = family  # the wildcard: the zeroed address
        return storage
    if name == b"":
        with addrinfo(ffi.NULL, b"0", family, lib.SOCK_DGRAM, 0,
                      lib.AI_PASSIVE) as first:
            if first.ai_next != ffi.NULL:
                raise OSError("wildcard resolved to multiple address")
            ffi.memmove(storage, first.ai_addr, min(first.ai_addrlen, STORAGE_SIZE))
        return storage
    if name in (b"<broadcast>", b"255.255.255.255"):
        if family not in (AF_INET, AF_UNSPEC):
            raise OSError("address family mismatched")
        sin = ffi.cast("struct sockaddr_in *", storage)
        sin.sin_family = AF_INET
        sin.sin_addr.s_addr = _htonl(lib.INADDR_BROADCAST)
        return storage
    if family in (AF_UNSPEC, AF_INET):
        sin = ffi.cast("struct sockaddr_in *", storage)
        if lib.inet_pton(AF_INET, name, ffi.addressof(sin.sin_addr)) == 1:
            sin.sin_family = AF_INET
            return storage
    if family in (AF_UNSPEC, AF_INET6) and b"%" not in name:
        sin6 = ffi.cast("struct sockaddr_in6 *", storage)
        if lib.inet_pton(AF_INET6, name, ffi.addressof(sin6.sin6_addr)) == 1:
            sin6.sin6_family = AF_INET6
            return storage
    with addrinfo(name, ffi.NULL, family) as first:
        ffi.memmove(storage, first.ai_addr, min(first.ai_addrlen, STORAGE_SIZE))
    if storage.ss_family not in (AF_INET, AF_INET6):
        raise OSError("unknown address family")
    return storage


def _require_tuple(address, caller, family_name):
    """TypeError, in the stdlib's words, unless ``address`` is a tuple."""
    if not isinstance(address, tuple):
        raise TypeError("%s(): %s address must be tuple, not %s"
                        % (caller, family_name, type(address).__name__))


def _inet(address, caller):
    _require_tuple(address, caller, "AF_INET")
    if len(address) != 2:
        raise TypeError("AF_INET address must be a pair (host, port)")
    host, port = address
    host = address_host(host)
    port = _port_number(port, caller)
    storage = resolve_ip(host, AF_INET)
    _check_port(port, caller)
    ffi.cast("struct sockaddr_in *", storage).sin_port = _htons(port)
    return storage, _INET_SIZE


def _inet6(address, caller):
    _require_tuple(address, caller, "AF_INET6")
    if not 2 <= len(address) <= 4:
        raise TypeError(
            "AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])")
    host, port, flowinfo, scope_id = address + (0, 0)[len(address) - 2:]
    host = address_host(host)
    port = _port_number(port, caller)
    flowinfo = index(flowinfo)
    scope_id = index(scope_id)
    storage = resolve_ip(host, AF_INET6)
    _check_port(port, caller)
    if not 0 <= flowinfo <= _MAX_FLOWINFO:
        raise OverflowError("%s(): flowinfo must be 0-1048575." % caller)
    if not 0 <= scope_id <= _UINT32_MAX:
        raise OverflowError("%s(): scope_id must be 0-4294967295." % caller)
    sin6 = ffi.cast("struct sockaddr_in6 *", storage)
    sin6.sin6_port = _htons(port)
    # The tuple's flowinfo and scope id win over what a lookup found.
    sin6.sin6_flowinfo = _htonl(flowinfo)
    sin6.sin6_scope_id = scope_id
    return storage, _INET6_SIZE


def _unix(address, caller):
    path = unix_path(address)
    # Linux: an empty path autobinds to a fresh abstract name, and is sent
    # like an abstract one, without a terminating NUL.
    abstract = path[:1] in (b"", b"\0")
    if len(path) > _SUN_PATH_SIZE or (not abstract and len(path) == _SUN_PATH_SIZE):
        raise OSError("AF_UNIX path too long")
    sun = ffi.new("struct sockaddr_un *")
    sun.sun_family = AF_UNIX
    ffi.memmove(sun.sun_path, path, len(path))
    # A file system path is sent with its terminating NUL (the zeroed
    # storage has it); an abstract name is exactly its bytes.
    length = _SUN_PATH_OFFSET + len(path) + (0 if abstract else 1)
    return sun, length


def _netlink(address, caller):
    _require_tuple(address, caller, "AF_NETLINK")
    if len(address) != 2:
        raise TypeError("AF_NETLINK address must be a pair (pid, groups)")
    pid, groups = (index(number) for number in address)
    if not (0 <= pid <= _UINT32_MAX and 0 <= groups <= _UINT32_MAX):
        raise OverflowError("%s(): pid and groups must be 0-4294967295." % caller)
    nl = ffi.new("struct sockaddr_nl *")
    nl.nl_family = AF_NETLINK
    nl.nl_pid = pid
    nl.nl_groups = groups
    return nl, ffi.sizeof(nl[0])


_ENCODERS = {AF_INET: _inet, AF_INET6: _inet6, AF_UNIX: _unix, AF_NETLINK: _netlink}


def to_sockaddr(family, address, caller):
    """Return ``(sockaddr, length)`` for ``address`` in ``family``.

    ``sockaddr`` is the cdata that owns the C address (a struct sockaddr_in,
    _in6 or _un): pass it itself to the C call, never a cast of it, so that it
    stays alive.  ``caller`` names the method in error messages, as the
    stdlib does.
    """
    encoder = _ENCODERS.get(family)
    if encoder is None:
        raise OSError("%s(): bad family" % caller)
    return encoder(address, caller)


def inet_tuple(family, port, flowinfo, scope_id, host):
    """The Python form of a described AF_INET or AF_INET6 address (the
    fields of ``struct cffisock_inet_address``, host as bytes)."""
    if family == AF_INET:
        return (host.decode("ascii"), port)
    return (host.decode("ascii"), port, flowinfo, scope_id)


def peer_address(peer, fields):
    """The Python form of the address in a ``struct cffisock_peer`` filled
    by cffisock_recvfrom_peer or cffisock_accept_peer; ``fields`` is the
    buffer view of its leading fields (``_scratch.new_peer``).

    An AF_INET or AF_INET6 peer is fully described by those bytes (the C
    side zeroes them before it writes), so the addresses of recent peers are
    kept by them: a datagram server that hears from the same peers again
    gets their tuples without decoding them again."""
    raw = fields[:]
    address = _recent_peers.get(raw)
    if address is not None:
        return address
    described, length, family, port, flowinfo, scope_id, host = _PEER.unpack_from(raw)
    if not described:
        return from_sockaddr(_addressof(peer, "storage"), length)
    address = inet_tuple(family, port, flowinfo, scope_id, host)
    if len(_recent_peers) >= _RECENT_PEERS:
        _recent_peers.clear()
    _recent_peers[raw] = address
    return address


def from_sockaddr(address, length):
    """Return the Python form of the C address at ``address`` (any pointer
    to a sockaddr, alive for the call) of ``length`` bytes.

    A zero length (an unconnected datagram peer, a TCP recvfrom) gives None;
    an unknown family gives ``(family, raw bytes)`` like the stdlib.
    """
    if length == 0:
        return None
    numeric = _new_inet_address()
    if _describe(address, length, numeric):
        return inet_tuple(*_INET_ADDRESS.unpack(_buffer(numeric)))
    family = numeric.family
    if family == AF_UNIX:
        sun = ffi.cast("struct sockaddr_un *", address)
        path_length = max(0, min(length - _SUN_PATH_OFFSET, _SUN_PATH_SIZE))
        raw = ffi.unpack(sun.sun_path, path_length)
        if raw[:1] == b"\0":
            return raw  # Linux abstract namespace: the exact bytes
        return os.fsdecode(raw.split(b"\0", 1)[0])
    if family == AF_NETLINK and length >= ffi.sizeof("struct sockaddr_nl"):
        nl = ffi.cast("struct sockaddr_nl *", address)
        return (nl.nl_pid, nl.nl_groups)
    data_offset = ffi.offsetof("struct sockaddr", "sa_family") + ffi.sizeof("sa_family_t")
    raw = ffi.unpack(ffi.cast("char *", address) + data_offset, max(0, length - data_offset))
    return (family, raw)
