"""cffisock: Python's socket module as a cffi binding (API mode).

``import cffisock as socket`` gives the stdlib ``socket`` module's interface:
the socket class, module functions, constants, enums and exceptions, all
implemented over cffisock's own compiled C declarations.
"""

from cffisock import _enums
from cffisock._byteorder import htonl, htons, ntohl, ntohs
from cffisock._connections import (  # noqa: F401 (_GLOBAL_DEFAULT_TIMEOUT)
    _GLOBAL_DEFAULT_TIMEOUT,
    create_connection,
    create_server,
    fromfd,
    has_dualstack_ipv6,
    socketpair,
)
from cffisock._descriptors import close, dup  # noqa: F401 (public names)
from cffisock._errors import error, gaierror, herror, timeout
from cffisock._inet import inet_aton, inet_ntoa, inet_ntop, inet_pton
from cffisock._messages import CMSG_LEN, CMSG_SPACE, recv_fds, send_fds
from cffisock._interfaces import if_indextoname, if_nameindex, if_nametoindex
from cffisock._patch import patch, patched, unpatch
from cffisock._resolver import (
    getaddrinfo,
    getfqdn,
    gethostbyaddr,
    gethostbyname,
    gethostbyname_ex,
    gethostname,
    getnameinfo,
    getprotobyname,
    getservbyname,
    getservbyport,
    sethostname,
)
from cffisock._socketobj import SocketType, socket
from cffisock._timeouts import getdefaulttimeout, setdefaulttimeout

# The constants (AF_INET...), as the enum members where there is one, and
# the enums AddressFamily, SocketKind, MsgFlag and AddressInfo.
_enums.install(globals())

#: cffisock is built with IPv6 support (whether the host has an IPv6
#: address is another matter: see has_dualstack_ipv6 and getaddrinfo).
has_ipv6 = True

__version__ = "0.1.0"

__all__ = [
    "CMSG_LEN", "CMSG_SPACE", "recv_fds", "send_fds",
    "AddressFamily", "AddressInfo", "MsgFlag", "SocketKind", "SocketType",
    "create_connection", "create_server", "error", "fromfd", "gaierror",
    "getaddrinfo", "getdefaulttimeout", "getfqdn", "gethostbyaddr",
    "gethostbyname", "gethostbyname_ex", "gethostname", "getnameinfo",
    "getprotobyname", "getservbyname", "getservbyport", "has_dualstack_ipv6",
    "has_ipv6", "herror", "htonl", "htons", "if_indextoname", "if_nameindex",
    "if_nametoindex", "inet_aton", "inet_ntoa", "inet_ntop", "inet_pton",
    "ntohl", "ntohs", "patch", "patched", "unpatch",
    "setdefaulttimeout", "sethostname", "socket",
    "socketpair", "ssl", "timeout",
]
__all__.extend(name for name in _enums.CONSTANTS)


def __getattr__(name):
    # The spec's ssl() loads OpenSSL only when it is first used.
    if name == "ssl":
        from cffisock._legacy_ssl import ssl

        return ssl
    raise AttributeError("module 'cffisock' has no attribute %r" % (name,))
