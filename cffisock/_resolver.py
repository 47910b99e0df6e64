"""Name resolution through the C library's netdb functions.

getaddrinfo() and getnameinfo() raise gaierror with the C library's EAI_ code
and gai_strerror text; the gethostby* family raises herror with h_errno and
hstrerror text.  Every lookup is reentrant: getaddrinfo/getnameinfo are
thread-safe, and the gethostby* calls use the ``_r`` variants with a buffer
that grows on ERANGE, so threads resolving at once never share state.  cffi
releases the GIL around each call.

Deliberate differences, where the stdlib silently uses another name or
number than the one given: a host or port containing NUL raises ValueError in
getaddrinfo (the stdlib resolves the part before the NUL), and a port outside
0..65535, a flowinfo outside 0..2**20-1 or a scope id outside 0..2**32-1
raises OverflowError in getnameinfo (the stdlib truncates them).
"""

import functools
import os
import struct
import sys
from operator import index

from cffisock._addrinfo import addrinfo
from cffisock._converters import c_int, getaddrinfo_host, idna_name, nul_free, utf8_text
from cffisock._address import INET_ADDRESS_FORMAT, from_sockaddr, inet_tuple, resolve_ip
from cffisock._enums import FAMILY_MEMBERS as _family_members, KIND_MEMBERS as _kind_members
from cffisock._errors import check, gai_error, herror
from cffisock._ffi import ffi, lib
from cffisock._inet import ntop
from cffisock._scratch import new_uncleared

AF_INET = lib.AF_INET
AF_INET6 = lib.AF_INET6
_ERANGE = lib.ERANGE
_MAX_FLOWINFO = (1 << 20) - 1
_MAX_SCOPE_ID = (1 << 32) - 1
#: getservbyname/getservbyport without a protocol (None is refused, as in
#: the stdlib, whose argument is an optional str).
_ANY_PROTOCOL = object()
_NULL = ffi.NULL
_resolve = lib.cffisock_resolve
_address_entries = lib.cffisock_address_entries
_freeaddrinfo = lib.freeaddrinfo
_unpack = ffi.unpack
_cast = ffi.cast

# One flattened getaddrinfo entry (see cffi_src/netdb.py): socktype,
# protocol, has_canonname and the numeric address (family, port, flowinfo,
# scope_id, host), then pointers that only the rare cases read from cdata.
_ENTRY_SIZE = ffi.sizeof("struct cffisock_address_info")
_ENTRY_PREFIX = "=3i" + INET_ADDRESS_FORMAT
_ENTRY = struct.Struct(_ENTRY_PREFIX + "%dx" % (_ENTRY_SIZE - struct.calcsize(_ENTRY_PREFIX)))
_INLINE_ENTRIES = len(ffi.new("struct cffisock_address_list *").entries)
_new_list = functools.partial(new_uncleared, "struct cffisock_address_list *")
_new_entries = functools.partial(new_uncleared, "struct cffisock_address_info[]")


# -- getaddrinfo / getnameinfo ----------------------------------------------------


def _port_argument(port):
    if port is None:
        return ffi.NULL
    if type(port) is int:  # exactly int, as the stdlib: not bool or IntEnum
        return b"%d" % port
    if isinstance(port, str):
        port = port.encode("utf-8")
    elif not isinstance(port, bytes):
        raise OSError("Int or String expected")
    return nul_free(port)


def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    """Resolve ``host`` and ``port`` into a list of 5-tuples
    ``(family, type, proto, canonname, sockaddr)`` for socket() and connect().

    ``host`` is a name, a numeric address, bytes or None; ``port`` a service
    name, a number, bytes or None.
    """
    try:
        host = getaddrinfo_host(host)
        port = _port_argument(port)
    except (TypeError, ValueError, OSError):
        # The stdlib parses the four numbers first: their errors come first.
        for number in (family, type, proto, flags):
            c_int(number)
        raise
    found = _new_list()
    code = _resolve(host, port, family, type, proto, flags, found)
    if code != 0:
        raise gai_error(code, found.system_errno)
    try:
        count = found.count
        if count <= _INLINE_ENTRIES:
            flat = found.entries
        else:
            flat = _new_entries(count)
            _address_entries(found.first, flat)
        return _read_answers(flat, count)
    finally:
        _freeaddrinfo(found.first)


def _answers_unpacked(flat, count):
    """The getaddrinfo 5-tuples of ``count`` flattened entries, each read
    with one struct.unpack: on CPython, cheaper than reading cdata fields."""
    answers = []
    records = _ENTRY.iter_unpack(ffi.buffer(flat, count * _ENTRY_SIZE))
    for position, (kind, proto, has_canonname, family, port, flowinfo,
                   scope_id, host) in enumerate(records):
        if has_canonname or not (family == AF_INET or family == AF_INET6):
            # The rare cases read the entry's pointers.
            answers.append(_answer(flat[position], kind, proto, has_canonname,
                                   family, port, flowinfo, scope_id, host))
        else:
            answers.append((_family_members[family], _kind_members.get(kind, kind),
                            proto, "", inet_tuple(family, port, flowinfo, scope_id, host)))
    return answers


def _answers_from_cdata(flat, count):
    """The same, read field by field from cdata: on PyPy, whose JIT reads
    cdata fields for less than struct.unpack costs."""
    answers = []
    for position in range(count):
        entry = flat[position]
        numeric = entry.address
        family, kind = numeric.family, entry.socktype
        host = _unpack(_cast("char *", numeric.host) + 1, numeric.host[0])
        if entry.has_canonname or not (family == AF_INET or family == AF_INET6):
            answers.append(_answer(entry, kind, entry.protocol, entry.has_canonname,
                                   family, numeric.port, numeric.flowinfo,
                                   numeric.scope_id, host))
        else:
            answers.append((_family_members[family], _kind_members.get(kind, kind),
                            entry.protocol, "",
                            inet_tuple(family, numeric.port, numeric.flowinfo,
                                       numeric.scope_id, host)))
    return answers


def _answer(entry, kind, proto, has_canonname, family, port, flowinfo, scope_id, host):
    """One getaddrinfo 5-tuple from a flattened entry and its fields."""
    if family == AF_INET or family == AF_INET6:
        address = inet_tuple(family, port, flowinfo, scope_id, host)
    else:
        address = from_sockaddr(entry.address_pointer, entry.address_length)
    return (_family_members.get(family, family), _kind_members.get(kind, kind), proto,
            _text(entry.canonname) if has_canonname else "", address)


_read_answers = (_answers_from_cdata if sys.implementation.name == "pypy"
                 else _answers_unpacked)


def getnameinfo(sockaddr, flags):
    """Translate ``(host, port[, flowinfo[, scope_id]])`` into a
    ``(host, port)`` pair of strings, as NI_ ``flags`` say."""
    flags = c_int(flags)
    if not isinstance(sockaddr, tuple):
        raise TypeError("getnameinfo() argument 1 must be a tuple")
    if not 2 <= len(sockaddr) <= 4 or not isinstance(sockaddr[0], str):
        raise TypeError("getnameinfo(): illegal sockaddr argument")
    host, port, flowinfo, scope_id = sockaddr + (0, 0)[len(sockaddr) - 2:]
    host = nul_free(host.encode("utf-8"))
    port, flowinfo, scope_id = index(port), index(flowinfo), index(scope_id)
    if not 0 <= port <= 0xFFFF:
        raise OverflowError("getnameinfo(): port must be 0-65535.")
    if not 0 <= flowinfo <= _MAX_FLOWINFO:
        raise OverflowError("getnameinfo(): flowinfo must be 0-1048575.")
    if not 0 <= scope_id <= _MAX_SCOPE_ID:
        raise OverflowError("getnameinfo(): scope_id must be 0-4294967295.")
    with addrinfo(host, str(port).encode("ascii"),
                  0, lib.SOCK_DGRAM, 0, lib.AI_NUMERICHOST) as first:
        if first.ai_next != ffi.NULL:
            raise OSError("sockaddr resolved to multiple addresses")
        if first.ai_family == AF_INET:
            if len(sockaddr) != 2:
                raise OSError("IPv4 sockaddr must be 2 tuple")
        elif first.ai_family == AF_INET6:
            sin6 = ffi.cast("struct sockaddr_in6 *", first.ai_addr)
            sin6.sin6_flowinfo = lib.htonl(flowinfo)
            sin6.sin6_scope_id = scope_id
        host_text = ffi.new("char[]", lib.NI_MAXHOST)
        service_text = ffi.new("char[]", lib.NI_MAXSERV)
        system_errno = ffi.new("int *")
        code = lib.cffisock_getnameinfo(
            first.ai_addr, first.ai_addrlen, host_text, lib.NI_MAXHOST,
            service_text, lib.NI_MAXSERV, flags, system_errno)
    if code != 0:
        raise gai_error(code, system_errno[0])
    return ffi.string(host_text).decode("utf-8"), ffi.string(service_text).decode("utf-8")


def _text(pointer):
    return ffi.string(pointer).decode("utf-8")


# -- the gethostby* family --------------------------------------------------------


def gethostbyname(hostname):
    """Return the IPv4 address of ``hostname`` as a dotted string."""
    storage = resolve_ip(idna_name(hostname, "gethostbyname"), AF_INET)
    return ntop(AF_INET, ffi.addressof(ffi.cast("struct sockaddr_in *", storage).sin_addr))


def _lookup_host(lookup, family):
    """Run a gethostby*_r ``lookup(hostent, buffer, size, result, h_errno)``
    (through ``_lookup_entry``); return the stdlib's triple or raise herror."""
    h_errno = ffi.new("int *")

    def triple(hostent):
        if hostent.h_addrtype != family:
            raise OSError(lib.EAFNOSUPPORT, os.strerror(lib.EAFNOSUPPORT))
        return (_text(hostent.h_name), _string_list(hostent.h_aliases),
                [ntop(family, address) for address in _pointer_list(hostent.h_addr_list)])

    answer = _lookup_entry(
        lambda hostent, buffer, size, result: lookup(hostent, buffer, size, result, h_errno),
        "struct hostent *", triple, initial_size=16384)
    if answer is None:
        raise herror(h_errno[0], _text(lib.hstrerror(h_errno[0])))
    return answer


def _pointer_list(array):
    items = []
    position = 0
    while array[position] != ffi.NULL:
        items.append(array[position])
        position += 1
    return items


def _string_list(array):
    return [_text(item) for item in _pointer_list(array)]


def gethostbyname_ex(hostname):
    """Return ``(hostname, aliases, addresses)`` of an IPv4 host name."""
    name = idna_name(hostname, "gethostbyname_ex")
    resolve_ip(name, AF_INET)  # raises gaierror as the stdlib does
    return _lookup_host(
        lambda hostent, buffer, size, result, h_errno: lib.gethostbyname_r(
            name, hostent, buffer, size, result, h_errno), AF_INET)


def gethostbyaddr(ip_address):
    """Return ``(hostname, aliases, addresses)`` for an IPv4 or IPv6 address
    (or a name, which is resolved first)."""
    storage = resolve_ip(idna_name(ip_address, "gethostbyaddr"), lib.AF_UNSPEC)
    family = storage.ss_family
    if family == AF_INET:
        address = ffi.addressof(ffi.cast("struct sockaddr_in *", storage).sin_addr)
    else:
        address = ffi.addressof(ffi.cast("struct sockaddr_in6 *", storage).sin6_addr)
    length = ffi.sizeof(address[0])
    return _lookup_host(
        lambda hostent, buffer, size, result, h_errno: lib.gethostbyaddr_r(
            address, length, family, hostent, buffer, size, result, h_errno),
        family)


def getfqdn(name=""):
    """Return a fully qualified name for ``name`` (default: this host): the
    first of the host's primary name and aliases that contains a dot, else
    the name itself."""
    name = name.strip()
    if not name or name in ("0.0.0.0", "::"):
        name = gethostname()
    try:
        hostname, aliases, _addresses = gethostbyaddr(name)
    except OSError:
        return name
    for candidate in [hostname] + aliases:
        if "." in candidate:
            return candidate
    return hostname


def gethostname():
    """Return the host name of this machine."""
    buffer = ffi.new("char[]", 1024)
    check(lib.cffisock_gethostname(buffer, 1024))
    return os.fsdecode(ffi.string(buffer))


def sethostname(name):
    """Set this machine's host name (needs privileges)."""
    if isinstance(name, str):
        name = os.fsencode(name)
    else:
        name = bytes(memoryview(name))
    check(lib.cffisock_sethostname(nul_free(name, "embedded null byte"), len(name)))


# -- services and protocols -----------------------------------------------------------


def _lookup_entry(lookup, entry_type, extract, initial_size=1024):
    """Run a get*_r ``lookup(entry, buffer, size, result)`` with a growing
    buffer; return ``extract(entry)``, or None if nothing was found.

    The entry's strings live in the buffer, so they are read here, while
    the buffer is alive."""
    entry = ffi.new(entry_type)
    result = ffi.new(entry_type + "*")
    size = initial_size
    while True:
        buffer = ffi.new("char[]", size)
        if lookup(entry, buffer, size, result) != _ERANGE:
            break
        size *= 2
    found = extract(entry) if result[0] != ffi.NULL else None
    del buffer  # alive until the strings were read
    return found


def _protocol_argument(protocolname, caller):
    if protocolname is _ANY_PROTOCOL:
        return ffi.NULL
    return utf8_text(protocolname, caller, 2)


def getservbyname(servicename, protocolname=_ANY_PROTOCOL):
    """Return the port number of a service name ('http'), optionally for one
    protocol ('tcp' or 'udp')."""
    name = utf8_text(servicename, "getservbyname")
    protocol = _protocol_argument(protocolname, "getservbyname")
    port = _lookup_entry(
        lambda servent, buffer, size, result: lib.getservbyname_r(
            name, protocol, servent, buffer, size, result), "struct servent *",
        lambda servent: lib.ntohs(servent.s_port))
    if port is None:
        raise OSError("service/proto not found")
    return port


def getservbyport(port, protocolname=_ANY_PROTOCOL):
    """Return the service name of a port number, optionally for one
    protocol."""
    port = c_int(port)
    protocol = _protocol_argument(protocolname, "getservbyport")
    if not 0 <= port <= 0xFFFF:
        raise OverflowError("getservbyport: port must be 0-65535.")
    name = _lookup_entry(
        lambda servent, buffer, size, result: lib.getservbyport_r(
            lib.htons(port), protocol, servent, buffer, size, result),
        "struct servent *", lambda servent: _text(servent.s_name))
    if name is None:
        raise OSError("port/proto not found")
    return name


def getprotobyname(protocolname):
    """Return the number of a protocol name ('tcp', 'icmp')."""
    name = utf8_text(protocolname, "getprotobyname")
    number = _lookup_entry(
        lambda protoent, buffer, size, result: lib.getprotobyname_r(
            name, protoent, buffer, size, result), "struct protoent *",
        lambda protoent: protoent.p_proto)
    if number is None:
        raise OSError("protocol not found")
    return number
