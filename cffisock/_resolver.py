"""Name resolution through the C library's netdb functions.

getaddrinfo() returns the stdlib's 5-tuples ``(family, type, proto,
canonname, sockaddr)`` with AddressFamily/SocketKind members and addresses in
the socket module's forms; failures raise gaierror with the C library's code
and text.

One deliberate difference: a host or port containing NUL raises ValueError,
where the stdlib silently resolves the part before the NUL.
"""

from cffisock._address import from_sockaddr
from cffisock._enums import as_family, as_kind
from cffisock._errors import check, gai_error
from cffisock._ffi import ffi, lib


def _host_argument(host):
    if host is None:
        return ffi.NULL
    if isinstance(host, str):
        # The stdlib always applies the IDNA codec to a str host.
        host = host.encode("idna")
    elif not isinstance(host, bytes):
        raise TypeError("getaddrinfo() argument 1 must be string or None")
    if b"\0" in host:
        raise ValueError("embedded null character")
    return host


def _port_argument(port):
    if port is None:
        return ffi.NULL
    if isinstance(port, int):
        return str(port).encode("ascii")
    if isinstance(port, str):
        port = port.encode("utf-8")
    elif not isinstance(port, bytes):
        raise OSError("Int or String expected")
    if b"\0" in port:
        raise ValueError("embedded null character")
    return port


def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    """Resolve ``host`` and ``port`` into a list of 5-tuples
    ``(family, type, proto, canonname, sockaddr)`` for socket() and connect().

    ``host`` is a name, a numeric address, bytes or None; ``port`` a service
    name, a number, bytes or None.
    """
    host = _host_argument(host)
    port = _port_argument(port)
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
    answers = []
    try:
        info = result[0]
        while info != ffi.NULL:
            canonname = info.ai_canonname
            answers.append((
                as_family(info.ai_family),
                as_kind(info.ai_socktype),
                info.ai_protocol,
                ffi.string(canonname).decode("utf-8") if canonname != ffi.NULL else "",
                from_sockaddr(info.ai_addr, info.ai_addrlen),
            ))
            info = info.ai_next
    finally:
        lib.freeaddrinfo(result[0])
    return answers


def gethostname():
    """Return the host name of this machine."""
    buffer = ffi.new("char[]", 1024)
    check(lib.cffisock_gethostname(buffer, 1024))
    return ffi.string(buffer).decode("utf-8", "surrogateescape")
