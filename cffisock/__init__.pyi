"""Type information for cffisock, the stdlib ``socket`` module's interface
over cffi.

Shapes follow typeshed's ``socket`` stubs; parameter names, defaults and
return types are cffisock's own (``tests/test_typing.py`` holds this file
to the implementation's names).  The enum members carry the values of the
Linux headers; like every constant here, a name the platform's headers lack
is absent at run time, as in the stdlib.
"""

import _socket
import sys
from _typeshed import ReadableBuffer, StrOrBytesPath, WriteableBuffer
from collections.abc import Iterable
from contextlib import AbstractContextManager
from enum import IntEnum, IntFlag
from io import BufferedReader, BufferedRWPair, BufferedWriter, IOBase, RawIOBase, TextIOWrapper
from typing import (
    Any,
    Final,
    Literal,
    Protocol,
    SupportsFloat,
    SupportsIndex,
    overload,
    type_check_only,
)

from typing_extensions import Self, TypeAlias

__version__: str
__all__: list[str]

# -- addresses and ancillary data ---------------------------------------------------

#: What bind/connect/sendto take: a (host, port[, flowinfo, scope_id])
#: tuple, or an AF_UNIX path (str or bytes-like).
_Address: TypeAlias = tuple[Any, ...] | str | ReadableBuffer
#: What getsockname/recvfrom/accept return: its shape depends on the family.
_RetAddress: TypeAlias = Any
#: A received control message: (level, type, data).
_CMSG: TypeAlias = tuple[int, int, bytes]
#: A control message to send: (level, type, bytes-like data).
_CMSGArg: TypeAlias = tuple[int, int, ReadableBuffer]
#: What getaddrinfo resolves a name to: an AF_INET or AF_INET6 address.
_IPAddress: TypeAlias = tuple[str, int] | tuple[str, int, int, int]
#: A host name or numeric address, as the gethostby* calls take it.
_HostName: TypeAlias = str | bytes | bytearray

# -- exceptions ---------------------------------------------------------------------

error = OSError

class herror(_socket.herror):
    """A resolver error from the gethostby* family: (h_errno, text)."""

class gaierror(_socket.gaierror):
    """A getaddrinfo/getnameinfo error: (EAI_ code, gai_strerror text)."""

if sys.version_info >= (3, 10):
    timeout = TimeoutError
else:
    class timeout(_socket.timeout, TimeoutError):
        """The socket's timeout expired (socket.timeout on Python 3.9)."""

# -- the socket object -----------------------------------------------------------------

@type_check_only
class _SendableFile(Protocol):
    """What sendfile() reads: a binary file (with fileno() for sendfile(2))."""

    def read(self, size: int, /) -> bytes: ...
    def seek(self, offset: int, /) -> object: ...

class socket:
    """socket(family=AF_INET, type=SOCK_STREAM, proto=0, fileno=None)"""

    def __init__(
        self,
        family: AddressFamily | int = -1,
        type: SocketKind | int = -1,
        proto: int = -1,
        fileno: SupportsIndex | None = None,
    ) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc_info: object) -> None: ...
    # A family or type without an enum member is a plain int at run time;
    # typed as typeshed types the stdlib's.
    @property
    def family(self) -> AddressFamily: ...
    @property
    def type(self) -> SocketKind: ...
    @property
    def proto(self) -> int: ...
    @property
    def timeout(self) -> float | None: ...

    # life cycle
    def fileno(self) -> int: ...
    def close(self) -> None: ...
    def detach(self) -> int: ...
    def dup(self) -> Self: ...
    def get_inheritable(self) -> bool: ...
    def set_inheritable(self, inheritable: bool) -> None: ...

    # blocking mode and timeouts
    def settimeout(self, value: SupportsFloat | SupportsIndex | None) -> None: ...
    def gettimeout(self) -> float | None: ...
    def setblocking(self, flag: bool) -> None: ...
    def getblocking(self) -> bool: ...

    # addresses and options
    def bind(self, address: _Address) -> None: ...
    def listen(self, backlog: int = ...) -> None: ...
    def getsockname(self) -> _RetAddress: ...
    def getpeername(self) -> _RetAddress: ...
    @overload
    def getsockopt(self, level: int, optname: int, buflen: None = None) -> int: ...
    @overload  # (a buflen of 0 means the int form, as in the stdlib)
    def getsockopt(self, level: int, optname: int, buflen: int) -> bytes: ...
    @overload
    def setsockopt(self, level: int, optname: int, value: int | ReadableBuffer) -> None: ...
    @overload
    def setsockopt(self, level: int, optname: int, value: None, optlen: int) -> None: ...
    def shutdown(self, how: int) -> None: ...

    # connections
    def connect(self, address: _Address) -> None: ...
    def connect_ex(self, address: _Address) -> int: ...
    def accept(self) -> tuple[socket, _RetAddress]: ...

    # data
    def send(self, data: ReadableBuffer, flags: int = 0) -> int: ...
    def sendall(self, data: ReadableBuffer, flags: int = 0) -> None: ...
    @overload
    def sendto(self, data: ReadableBuffer, address: _Address, /) -> int: ...
    @overload
    def sendto(self, data: ReadableBuffer, flags: int, address: _Address, /) -> int: ...
    def recv(self, bufsize: int, flags: int = 0) -> bytes: ...
    def recv_into(self, buffer: WriteableBuffer, nbytes: int = 0, flags: int = 0) -> int: ...
    def recvfrom(self, bufsize: int, flags: int = 0) -> tuple[bytes, _RetAddress]: ...
    def recvfrom_into(
        self, buffer: WriteableBuffer, nbytes: int = 0, flags: int = 0
    ) -> tuple[int, _RetAddress]: ...

    # messages and descriptors
    def sendmsg(
        self,
        buffers: Iterable[ReadableBuffer],
        ancdata: Iterable[_CMSGArg] = ...,
        flags: int = 0,
        address: _Address | None = None,
    ) -> int: ...
    def recvmsg(
        self, bufsize: int, ancbufsize: int = 0, flags: int = 0
    ) -> tuple[bytes, list[_CMSG], int, _RetAddress]: ...
    def recvmsg_into(
        self, buffers: Iterable[WriteableBuffer], ancbufsize: int = 0, flags: int = 0
    ) -> tuple[int, list[_CMSG], int, _RetAddress]: ...
    def sendfile(self, file: _SendableFile, offset: int = 0, count: int | None = None) -> int: ...

    # batched datagrams (recvmmsg(2)/sendmmsg(2), beyond the stdlib)
    def recvmmsg(
        self, count: int, bufsize: int, flags: int = 0, timeout: float | None = None
    ) -> list[tuple[bytes, _RetAddress]]: ...
    def recvmmsg_into(
        self, buffers: Iterable[WriteableBuffer], flags: int = 0, timeout: float | None = None
    ) -> list[tuple[int, _RetAddress]]: ...
    def sendmmsg(
        self, messages: Iterable[tuple[ReadableBuffer, _Address | None]], flags: int = 0
    ) -> int: ...

    # files: the io class depends on the mode and buffering, as with open()
    @overload
    def makefile(
        self,
        mode: Literal["b", "rb", "br", "wb", "bw", "rwb", "rbw", "wrb", "wbr", "brw", "bwr"],
        buffering: Literal[0],
        *,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> _SocketIO: ...
    @overload
    def makefile(
        self,
        mode: Literal["rwb", "rbw", "wrb", "wbr", "brw", "bwr"],
        buffering: Literal[-1, 1] | None = None,
        *,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> BufferedRWPair: ...
    @overload
    def makefile(
        self,
        mode: Literal["rb", "br"],
        buffering: Literal[-1, 1] | None = None,
        *,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> BufferedReader: ...
    @overload
    def makefile(
        self,
        mode: Literal["wb", "bw"],
        buffering: Literal[-1, 1] | None = None,
        *,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> BufferedWriter: ...
    @overload
    def makefile(
        self,
        mode: Literal["b", "rb", "br", "wb", "bw", "rwb", "rbw", "wrb", "wbr", "brw", "bwr"],
        buffering: int,
        *,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> IOBase: ...
    @overload
    def makefile(
        self,
        mode: Literal["r", "w", "rw", "wr"] = "r",
        buffering: int | None = None,
        *,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> TextIOWrapper: ...

SocketType = socket

@type_check_only
class _SocketIO(RawIOBase):
    """The raw file makefile(mode, 0) returns (cffisock._socketio.SocketIO)."""

    def readinto(self, buffer: WriteableBuffer) -> int | None: ...
    def write(self, data: ReadableBuffer) -> int | None: ...
    @property
    def name(self) -> int: ...
    @property
    def mode(self) -> Literal["rb", "wb", "rwb"]: ...

# -- module functions ---------------------------------------------------------------

def socketpair(
    family: AddressFamily | int = ..., type: SocketKind | int = ..., proto: int = 0
) -> tuple[socket, socket]: ...
def close(fd: SupportsIndex, /) -> None: ...
def dup(fd: SupportsIndex, /) -> int: ...
def fromfd(
    fd: SupportsIndex, family: AddressFamily | int, type: SocketKind | int, proto: int = 0
) -> socket: ...
def create_connection(
    address: tuple[str | bytes | None, str | bytes | int | None],
    timeout: float | None = ...,
    source_address: _Address | None = None,
    *,
    all_errors: bool = False,
) -> socket: ...  # all_errors=True: NotImplementedError before 3.11
def create_server(
    address: _Address,
    *,
    family: AddressFamily | int = ...,
    backlog: int | None = None,
    reuse_port: bool = False,
    dualstack_ipv6: bool = False,
) -> socket: ...
def has_dualstack_ipv6() -> bool: ...
def send_fds(
    sock: socket,
    buffers: Iterable[ReadableBuffer],
    fds: Iterable[int],
    flags: int = 0,
    address: _Address | None = None,
) -> int: ...
def recv_fds(
    sock: socket, bufsize: int, maxfds: int, flags: int = 0
) -> tuple[bytes, list[int], int, _RetAddress]: ...
def CMSG_LEN(length: int) -> int: ...
def CMSG_SPACE(length: int) -> int: ...

# resolver
def getaddrinfo(
    host: str | bytes | None,
    port: str | bytes | int | None,
    family: int = 0,
    type: int = 0,
    proto: int = 0,
    flags: int = 0,
) -> list[tuple[AddressFamily, SocketKind, int, str, _IPAddress]]: ...
def getnameinfo(
    sockaddr: tuple[str, int] | tuple[str, int, int] | tuple[str, int, int, int], flags: int
) -> tuple[str, str]: ...
def gethostbyname(hostname: _HostName) -> str: ...
def gethostbyname_ex(hostname: _HostName) -> tuple[str, list[str], list[str]]: ...
def gethostbyaddr(ip_address: _HostName) -> tuple[str, list[str], list[str]]: ...
def getfqdn(name: str = "") -> str: ...
def gethostname() -> str: ...
def sethostname(name: str | ReadableBuffer) -> None: ...
def getservbyname(servicename: str, protocolname: str = ...) -> int: ...
def getservbyport(port: int, protocolname: str = ...) -> str: ...
def getprotobyname(protocolname: str) -> int: ...
def if_nameindex() -> list[tuple[int, str]]: ...
def if_nametoindex(if_name: str | bytes) -> int: ...
def if_indextoname(if_index: int) -> str: ...

# byte order and address text
def htons(x: int) -> int: ...
def htonl(x: int) -> int: ...
def ntohs(x: int) -> int: ...
def ntohl(x: int) -> int: ...
def inet_aton(ip_string: str) -> bytes: ...
def inet_ntoa(packed_ip: ReadableBuffer) -> str: ...
def inet_pton(address_family: int, ip_string: str) -> bytes: ...
def inet_ntop(address_family: int, packed_ip: ReadableBuffer) -> str: ...

# timeouts
def getdefaulttimeout() -> float | None: ...
def setdefaulttimeout(timeout: SupportsFloat | SupportsIndex | None) -> None: ...

has_ipv6: bool

# the spec's ssl(): TLS without any certificate check (DeprecationWarning)
@type_check_only
class _SpecSSLObject:
    """What ssl() returns (cffisock._legacy_ssl.SpecSSLObject)."""

    def write(self, s: ReadableBuffer) -> int: ...
    def read(self, n: int | None = None) -> bytes: ...

def ssl(
    sock: socket, keyfile: StrOrBytesPath | None = None, certfile: StrOrBytesPath | None = None
) -> _SpecSSLObject: ...

# the drop-in: make the stdlib socket module use cffisock
def patch() -> None: ...
def unpatch() -> None: ...
def patched() -> AbstractContextManager[None]: ...

# -- the enums and constants --------------------------------------------------------

class AddressFamily(IntEnum):
    AF_UNSPEC = 0
    AF_UNIX = 1
    AF_INET = 2
    AF_AX25 = 3
    AF_IPX = 4
    AF_APPLETALK = 5
    AF_NETROM = 6
    AF_BRIDGE = 7
    AF_ATMPVC = 8
    AF_X25 = 9
    AF_INET6 = 10
    AF_ROSE = 11
    AF_NETBEUI = 13
    AF_SECURITY = 14
    AF_KEY = 15
    AF_NETLINK = 16
    AF_ROUTE = 16
    AF_PACKET = 17
    AF_ASH = 18
    AF_ECONET = 19
    AF_ATMSVC = 20
    AF_RDS = 21
    AF_SNA = 22
    AF_IRDA = 23
    AF_PPPOX = 24
    AF_WANPIPE = 25
    AF_LLC = 26
    AF_CAN = 29
    AF_TIPC = 30
    AF_BLUETOOTH = 31
    AF_ALG = 38
    AF_VSOCK = 40
    AF_QIPCRTR = 42

class SocketKind(IntEnum):
    SOCK_STREAM = 1
    SOCK_DGRAM = 2
    SOCK_RAW = 3
    SOCK_RDM = 4
    SOCK_SEQPACKET = 5
    SOCK_NONBLOCK = 2048
    SOCK_CLOEXEC = 524288

class MsgFlag(IntFlag):
    MSG_OOB = 1
    MSG_PEEK = 2
    MSG_DONTROUTE = 4
    MSG_CTRUNC = 8
    MSG_TRUNC = 32
    MSG_DONTWAIT = 64
    MSG_EOR = 128
    MSG_WAITALL = 256
    MSG_CONFIRM = 2048
    MSG_ERRQUEUE = 8192
    MSG_NOSIGNAL = 16384
    MSG_MORE = 32768
    MSG_FASTOPEN = 536870912
    MSG_CMSG_CLOEXEC = 1073741824

class AddressInfo(IntFlag):
    AI_PASSIVE = 1
    AI_CANONNAME = 2
    AI_NUMERICHOST = 4
    AI_V4MAPPED = 8
    AI_ALL = 16
    AI_ADDRCONFIG = 32
    AI_NUMERICSERV = 1024

AF_ALG: Final = AddressFamily.AF_ALG
AF_APPLETALK: Final = AddressFamily.AF_APPLETALK
AF_ASH: Final = AddressFamily.AF_ASH
AF_ATMPVC: Final = AddressFamily.AF_ATMPVC
AF_ATMSVC: Final = AddressFamily.AF_ATMSVC
AF_AX25: Final = AddressFamily.AF_AX25
AF_BLUETOOTH: Final = AddressFamily.AF_BLUETOOTH
AF_BRIDGE: Final = AddressFamily.AF_BRIDGE
AF_CAN: Final = AddressFamily.AF_CAN
AF_DECnet: Final[int]
AF_ECONET: Final = AddressFamily.AF_ECONET
AF_INET: Final = AddressFamily.AF_INET
AF_INET6: Final = AddressFamily.AF_INET6
AF_IPX: Final = AddressFamily.AF_IPX
AF_IRDA: Final = AddressFamily.AF_IRDA
AF_KEY: Final = AddressFamily.AF_KEY
AF_LLC: Final = AddressFamily.AF_LLC
AF_NETBEUI: Final = AddressFamily.AF_NETBEUI
AF_NETLINK: Final = AddressFamily.AF_NETLINK
AF_NETROM: Final = AddressFamily.AF_NETROM
AF_PACKET: Final = AddressFamily.AF_PACKET
AF_PPPOX: Final = AddressFamily.AF_PPPOX
AF_QIPCRTR: Final = AddressFamily.AF_QIPCRTR
AF_RDS: Final = AddressFamily.AF_RDS
AF_ROSE: Final = AddressFamily.AF_ROSE
AF_ROUTE: Final = AddressFamily.AF_ROUTE
AF_SECURITY: Final = AddressFamily.AF_SECURITY
AF_SNA: Final = AddressFamily.AF_SNA
AF_TIPC: Final = AddressFamily.AF_TIPC
AF_UNIX: Final = AddressFamily.AF_UNIX
AF_UNSPEC: Final = AddressFamily.AF_UNSPEC
AF_VSOCK: Final = AddressFamily.AF_VSOCK
AF_WANPIPE: Final = AddressFamily.AF_WANPIPE
AF_X25: Final = AddressFamily.AF_X25

SOCK_CLOEXEC: Final = SocketKind.SOCK_CLOEXEC
SOCK_DGRAM: Final = SocketKind.SOCK_DGRAM
SOCK_NONBLOCK: Final = SocketKind.SOCK_NONBLOCK
SOCK_RAW: Final = SocketKind.SOCK_RAW
SOCK_RDM: Final = SocketKind.SOCK_RDM
SOCK_SEQPACKET: Final = SocketKind.SOCK_SEQPACKET
SOCK_STREAM: Final = SocketKind.SOCK_STREAM

SO_ACCEPTCONN: Final[int]
SO_BINDTODEVICE: Final[int]
SO_BINDTOIFINDEX: Final[int]
SO_BROADCAST: Final[int]
SO_DEBUG: Final[int]
SO_DOMAIN: Final[int]
SO_DONTROUTE: Final[int]
SO_ERROR: Final[int]
SO_INCOMING_CPU: Final[int]
SO_J1939_ERRQUEUE: Final[int]
SO_J1939_FILTER: Final[int]
SO_J1939_PROMISC: Final[int]
SO_J1939_SEND_PRIO: Final[int]
SO_KEEPALIVE: Final[int]
SO_LINGER: Final[int]
SO_MARK: Final[int]
SO_OOBINLINE: Final[int]
SO_PASSCRED: Final[int]
SO_PASSSEC: Final[int]
SO_PEERCRED: Final[int]
SO_PEERSEC: Final[int]
SO_PRIORITY: Final[int]
SO_PROTOCOL: Final[int]
SO_RCVBUF: Final[int]
SO_RCVLOWAT: Final[int]
SO_RCVTIMEO: Final[int]
SO_REUSEADDR: Final[int]
SO_REUSEPORT: Final[int]
SO_SNDBUF: Final[int]
SO_SNDLOWAT: Final[int]
SO_SNDTIMEO: Final[int]
SO_TYPE: Final[int]
SO_VM_SOCKETS_BUFFER_MAX_SIZE: Final[int]
SO_VM_SOCKETS_BUFFER_MIN_SIZE: Final[int]
SO_VM_SOCKETS_BUFFER_SIZE: Final[int]

MSG_CMSG_CLOEXEC: Final = MsgFlag.MSG_CMSG_CLOEXEC
MSG_CONFIRM: Final = MsgFlag.MSG_CONFIRM
MSG_CTRUNC: Final = MsgFlag.MSG_CTRUNC
MSG_DONTROUTE: Final = MsgFlag.MSG_DONTROUTE
MSG_DONTWAIT: Final = MsgFlag.MSG_DONTWAIT
MSG_EOR: Final = MsgFlag.MSG_EOR
MSG_ERRQUEUE: Final = MsgFlag.MSG_ERRQUEUE
MSG_FASTOPEN: Final = MsgFlag.MSG_FASTOPEN
MSG_MORE: Final = MsgFlag.MSG_MORE
MSG_NOSIGNAL: Final = MsgFlag.MSG_NOSIGNAL
MSG_OOB: Final = MsgFlag.MSG_OOB
MSG_PEEK: Final = MsgFlag.MSG_PEEK
MSG_TRUNC: Final = MsgFlag.MSG_TRUNC
MSG_WAITALL: Final = MsgFlag.MSG_WAITALL

SOL_ALG: Final[int]
SOL_CAN_BASE: Final[int]
SOL_CAN_RAW: Final[int]
SOL_IP: Final[int]
SOL_RDS: Final[int]
SOL_SOCKET: Final[int]
SOL_TCP: Final[int]
SOL_TIPC: Final[int]
SOL_UDP: Final[int]

IPPROTO_AH: Final[int]
IPPROTO_DSTOPTS: Final[int]
IPPROTO_EGP: Final[int]
IPPROTO_ESP: Final[int]
IPPROTO_FRAGMENT: Final[int]
IPPROTO_GRE: Final[int]
IPPROTO_HOPOPTS: Final[int]
IPPROTO_ICMP: Final[int]
IPPROTO_ICMPV6: Final[int]
IPPROTO_IDP: Final[int]
IPPROTO_IGMP: Final[int]
IPPROTO_IP: Final[int]
IPPROTO_IPIP: Final[int]
IPPROTO_IPV6: Final[int]
IPPROTO_MPTCP: Final[int]
IPPROTO_NONE: Final[int]
IPPROTO_PIM: Final[int]
IPPROTO_PUP: Final[int]
IPPROTO_RAW: Final[int]
IPPROTO_ROUTING: Final[int]
IPPROTO_RSVP: Final[int]
IPPROTO_SCTP: Final[int]
IPPROTO_TCP: Final[int]
IPPROTO_TP: Final[int]
IPPROTO_UDP: Final[int]
IPPROTO_UDPLITE: Final[int]

IPPORT_RESERVED: Final[int]
IPPORT_USERRESERVED: Final[int]

INADDR_ALLHOSTS_GROUP: Final[int]
INADDR_ANY: Final[int]
INADDR_BROADCAST: Final[int]
INADDR_LOOPBACK: Final[int]
INADDR_MAX_LOCAL_GROUP: Final[int]
INADDR_NONE: Final[int]
INADDR_UNSPEC_GROUP: Final[int]

IP_ADD_MEMBERSHIP: Final[int]
IP_ADD_SOURCE_MEMBERSHIP: Final[int]
IP_BIND_ADDRESS_NO_PORT: Final[int]
IP_BLOCK_SOURCE: Final[int]
IP_DEFAULT_MULTICAST_LOOP: Final[int]
IP_DEFAULT_MULTICAST_TTL: Final[int]
IP_DROP_MEMBERSHIP: Final[int]
IP_DROP_SOURCE_MEMBERSHIP: Final[int]
IP_HDRINCL: Final[int]
IP_MAX_MEMBERSHIPS: Final[int]
IP_MULTICAST_IF: Final[int]
IP_MULTICAST_LOOP: Final[int]
IP_MULTICAST_TTL: Final[int]
IP_OPTIONS: Final[int]
IP_PKTINFO: Final[int]
IP_RECVOPTS: Final[int]
IP_RECVRETOPTS: Final[int]
IP_RECVTOS: Final[int]
IP_RETOPTS: Final[int]
IP_TOS: Final[int]
IP_TRANSPARENT: Final[int]
IP_TTL: Final[int]
IP_UNBLOCK_SOURCE: Final[int]
IP_RECVERR: Final[int]
IP_RECVORIGDSTADDR: Final[int]
IP_RECVTTL: Final[int]

IPV6_CHECKSUM: Final[int]
IPV6_DONTFRAG: Final[int]
IPV6_DSTOPTS: Final[int]
IPV6_HOPLIMIT: Final[int]
IPV6_HOPOPTS: Final[int]
IPV6_JOIN_GROUP: Final[int]
IPV6_LEAVE_GROUP: Final[int]
IPV6_MULTICAST_HOPS: Final[int]
IPV6_MULTICAST_IF: Final[int]
IPV6_MULTICAST_LOOP: Final[int]
IPV6_NEXTHOP: Final[int]
IPV6_PATHMTU: Final[int]
IPV6_PKTINFO: Final[int]
IPV6_RECVDSTOPTS: Final[int]
IPV6_RECVHOPLIMIT: Final[int]
IPV6_RECVHOPOPTS: Final[int]
IPV6_RECVPATHMTU: Final[int]
IPV6_RECVPKTINFO: Final[int]
IPV6_RECVRTHDR: Final[int]
IPV6_RECVTCLASS: Final[int]
IPV6_RTHDR: Final[int]
IPV6_RTHDRDSTOPTS: Final[int]
IPV6_RTHDR_TYPE_0: Final[int]
IPV6_TCLASS: Final[int]
IPV6_UNICAST_HOPS: Final[int]
IPV6_V6ONLY: Final[int]

EAI_ADDRFAMILY: Final[int]
EAI_AGAIN: Final[int]
EAI_BADFLAGS: Final[int]
EAI_FAIL: Final[int]
EAI_FAMILY: Final[int]
EAI_MEMORY: Final[int]
EAI_NODATA: Final[int]
EAI_NONAME: Final[int]
EAI_OVERFLOW: Final[int]
EAI_SERVICE: Final[int]
EAI_SOCKTYPE: Final[int]
EAI_SYSTEM: Final[int]

AI_ADDRCONFIG: Final = AddressInfo.AI_ADDRCONFIG
AI_ALL: Final = AddressInfo.AI_ALL
AI_CANONNAME: Final = AddressInfo.AI_CANONNAME
AI_NUMERICHOST: Final = AddressInfo.AI_NUMERICHOST
AI_NUMERICSERV: Final = AddressInfo.AI_NUMERICSERV
AI_PASSIVE: Final = AddressInfo.AI_PASSIVE
AI_V4MAPPED: Final = AddressInfo.AI_V4MAPPED

NI_DGRAM: Final[int]
NI_IDN: Final[int]
NI_MAXHOST: Final[int]
NI_MAXSERV: Final[int]
NI_NAMEREQD: Final[int]
NI_NOFQDN: Final[int]
NI_NUMERICHOST: Final[int]
NI_NUMERICSERV: Final[int]

TCP_CC_INFO: Final[int]
TCP_CONGESTION: Final[int]
TCP_CORK: Final[int]
TCP_DEFER_ACCEPT: Final[int]
TCP_FASTOPEN: Final[int]
TCP_FASTOPEN_CONNECT: Final[int]
TCP_FASTOPEN_KEY: Final[int]
TCP_FASTOPEN_NO_COOKIE: Final[int]
TCP_INFO: Final[int]
TCP_INQ: Final[int]
TCP_KEEPCNT: Final[int]
TCP_KEEPIDLE: Final[int]
TCP_KEEPINTVL: Final[int]
TCP_LINGER2: Final[int]
TCP_MAXSEG: Final[int]
TCP_MD5SIG: Final[int]
TCP_MD5SIG_EXT: Final[int]
TCP_NODELAY: Final[int]
TCP_NOTSENT_LOWAT: Final[int]
TCP_QUEUE_SEQ: Final[int]
TCP_QUICKACK: Final[int]
TCP_REPAIR: Final[int]
TCP_REPAIR_OPTIONS: Final[int]
TCP_REPAIR_QUEUE: Final[int]
TCP_REPAIR_WINDOW: Final[int]
TCP_SAVED_SYN: Final[int]
TCP_SAVE_SYN: Final[int]
TCP_SYNCNT: Final[int]
TCP_THIN_DUPACK: Final[int]
TCP_THIN_LINEAR_TIMEOUTS: Final[int]
TCP_TIMESTAMP: Final[int]
TCP_TX_DELAY: Final[int]
TCP_ULP: Final[int]
TCP_USER_TIMEOUT: Final[int]
TCP_WINDOW_CLAMP: Final[int]
TCP_ZEROCOPY_RECEIVE: Final[int]

SHUT_RD: Final[int]
SHUT_RDWR: Final[int]
SHUT_WR: Final[int]

SCM_CREDENTIALS: Final[int]
SCM_J1939_DEST_ADDR: Final[int]
SCM_J1939_DEST_NAME: Final[int]
SCM_J1939_ERRQUEUE: Final[int]
SCM_J1939_PRIO: Final[int]
SCM_RIGHTS: Final[int]

SOMAXCONN: Final[int]

# Linux families beside the spec's (present where the build's headers define them)
ALG_OP_DECRYPT: Final[int]
ALG_OP_ENCRYPT: Final[int]
ALG_OP_SIGN: Final[int]
ALG_OP_VERIFY: Final[int]
ALG_SET_AEAD_ASSOCLEN: Final[int]
ALG_SET_AEAD_AUTHSIZE: Final[int]
ALG_SET_IV: Final[int]
ALG_SET_KEY: Final[int]
ALG_SET_OP: Final[int]
ALG_SET_PUBKEY: Final[int]
CAN_BCM: Final[int]
CAN_BCM_CAN_FD_FRAME: Final[int]
CAN_BCM_RX_ANNOUNCE_RESUME: Final[int]
CAN_BCM_RX_CHANGED: Final[int]
CAN_BCM_RX_CHECK_DLC: Final[int]
CAN_BCM_RX_DELETE: Final[int]
CAN_BCM_RX_FILTER_ID: Final[int]
CAN_BCM_RX_NO_AUTOTIMER: Final[int]
CAN_BCM_RX_READ: Final[int]
CAN_BCM_RX_RTR_FRAME: Final[int]
CAN_BCM_RX_SETUP: Final[int]
CAN_BCM_RX_STATUS: Final[int]
CAN_BCM_RX_TIMEOUT: Final[int]
CAN_BCM_SETTIMER: Final[int]
CAN_BCM_STARTTIMER: Final[int]
CAN_BCM_TX_ANNOUNCE: Final[int]
CAN_BCM_TX_COUNTEVT: Final[int]
CAN_BCM_TX_CP_CAN_ID: Final[int]
CAN_BCM_TX_DELETE: Final[int]
CAN_BCM_TX_EXPIRED: Final[int]
CAN_BCM_TX_READ: Final[int]
CAN_BCM_TX_RESET_MULTI_IDX: Final[int]
CAN_BCM_TX_SEND: Final[int]
CAN_BCM_TX_SETUP: Final[int]
CAN_BCM_TX_STATUS: Final[int]
CAN_EFF_FLAG: Final[int]
CAN_EFF_MASK: Final[int]
CAN_ERR_FLAG: Final[int]
CAN_ERR_MASK: Final[int]
CAN_ISOTP: Final[int]
CAN_ISOTP_CF_BROADCAST: Final[int]
CAN_ISOTP_CHK_PAD_DATA: Final[int]
CAN_ISOTP_CHK_PAD_LEN: Final[int]
CAN_ISOTP_DEFAULT_EXT_ADDRESS: Final[int]
CAN_ISOTP_DEFAULT_FLAGS: Final[int]
CAN_ISOTP_DEFAULT_FRAME_TXTIME: Final[int]
CAN_ISOTP_DEFAULT_LL_MTU: Final[int]
CAN_ISOTP_DEFAULT_LL_TX_DL: Final[int]
CAN_ISOTP_DEFAULT_LL_TX_FLAGS: Final[int]
CAN_ISOTP_DEFAULT_PAD_CONTENT: Final[int]
CAN_ISOTP_DEFAULT_RECV_BS: Final[int]
CAN_ISOTP_DEFAULT_RECV_STMIN: Final[int]
CAN_ISOTP_DEFAULT_RECV_WFTMAX: Final[int]
CAN_ISOTP_EXTEND_ADDR: Final[int]
CAN_ISOTP_FORCE_RXSTMIN: Final[int]
CAN_ISOTP_FORCE_TXSTMIN: Final[int]
CAN_ISOTP_HALF_DUPLEX: Final[int]
CAN_ISOTP_LISTEN_MODE: Final[int]
CAN_ISOTP_LL_OPTS: Final[int]
CAN_ISOTP_OPTS: Final[int]
CAN_ISOTP_RECV_FC: Final[int]
CAN_ISOTP_RX_EXT_ADDR: Final[int]
CAN_ISOTP_RX_PADDING: Final[int]
CAN_ISOTP_RX_STMIN: Final[int]
CAN_ISOTP_SF_BROADCAST: Final[int]
CAN_ISOTP_TX_PADDING: Final[int]
CAN_ISOTP_TX_STMIN: Final[int]
CAN_ISOTP_WAIT_TX_DONE: Final[int]
CAN_J1939: Final[int]
CAN_RAW: Final[int]
CAN_RAW_ERR_FILTER: Final[int]
CAN_RAW_FD_FRAMES: Final[int]
CAN_RAW_FILTER: Final[int]
CAN_RAW_JOIN_FILTERS: Final[int]
CAN_RAW_LOOPBACK: Final[int]
CAN_RAW_RECV_OWN_MSGS: Final[int]
CAN_RTR_FLAG: Final[int]
CAN_SFF_MASK: Final[int]
EAGAIN: Final[int]
EBADF: Final[int]
ETHERTYPE_ARP: Final[int]
ETHERTYPE_IP: Final[int]
ETHERTYPE_IPV6: Final[int]
ETHERTYPE_VLAN: Final[int]
ETH_P_ALL: Final[int]
EWOULDBLOCK: Final[int]
IOCTL_VM_SOCKETS_GET_LOCAL_CID: Final[int]
IPV6_HDRINCL: Final[int]
IPV6_RECVERR: Final[int]
IP_FREEBIND: Final[int]
J1939_EE_INFO_NONE: Final[int]
J1939_EE_INFO_TX_ABORT: Final[int]
J1939_FILTER_MAX: Final[int]
J1939_IDLE_ADDR: Final[int]
J1939_MAX_UNICAST_ADDR: Final[int]
J1939_NLA_BYTES_ACKED: Final[int]
J1939_NLA_PAD: Final[int]
J1939_NO_ADDR: Final[int]
J1939_NO_NAME: Final[int]
J1939_NO_PGN: Final[int]
J1939_PGN_ADDRESS_CLAIMED: Final[int]
J1939_PGN_ADDRESS_COMMANDED: Final[int]
J1939_PGN_MAX: Final[int]
J1939_PGN_PDU1_MAX: Final[int]
J1939_PGN_REQUEST: Final[int]
NETLINK_AUDIT: Final[int]
NETLINK_CONNECTOR: Final[int]
NETLINK_CRYPTO: Final[int]
NETLINK_DNRTMSG: Final[int]
NETLINK_ECRYPTFS: Final[int]
NETLINK_FIB_LOOKUP: Final[int]
NETLINK_FIREWALL: Final[int]
NETLINK_GENERIC: Final[int]
NETLINK_IP6_FW: Final[int]
NETLINK_ISCSI: Final[int]
NETLINK_KOBJECT_UEVENT: Final[int]
NETLINK_NETFILTER: Final[int]
NETLINK_NFLOG: Final[int]
NETLINK_RDMA: Final[int]
NETLINK_ROUTE: Final[int]
NETLINK_SCSITRANSPORT: Final[int]
NETLINK_SELINUX: Final[int]
NETLINK_SMC: Final[int]
NETLINK_SOCK_DIAG: Final[int]
NETLINK_USERSOCK: Final[int]
NETLINK_XFRM: Final[int]
PACKET_BROADCAST: Final[int]
PACKET_FASTROUTE: Final[int]
PACKET_HOST: Final[int]
PACKET_LOOPBACK: Final[int]
PACKET_MULTICAST: Final[int]
PACKET_OTHERHOST: Final[int]
PACKET_OUTGOING: Final[int]
PF_CAN: Final[int]
PF_PACKET: Final[int]
PF_RDS: Final[int]
SO_ORIGINAL_DST: Final[int]
TIPC_ADDR_ID: Final[int]
TIPC_ADDR_NAME: Final[int]
TIPC_ADDR_NAMESEQ: Final[int]
TIPC_CFG_SRV: Final[int]
TIPC_CLUSTER_SCOPE: Final[int]
TIPC_CONN_TIMEOUT: Final[int]
TIPC_CRITICAL_IMPORTANCE: Final[int]
TIPC_DEST_DROPPABLE: Final[int]
TIPC_HIGH_IMPORTANCE: Final[int]
TIPC_IMPORTANCE: Final[int]
TIPC_LOW_IMPORTANCE: Final[int]
TIPC_MEDIUM_IMPORTANCE: Final[int]
TIPC_NODE_SCOPE: Final[int]
TIPC_PUBLISHED: Final[int]
TIPC_SRC_DROPPABLE: Final[int]
TIPC_SUBSCR_TIMEOUT: Final[int]
TIPC_SUB_CANCEL: Final[int]
TIPC_SUB_PORTS: Final[int]
TIPC_SUB_SERVICE: Final[int]
TIPC_TOP_SRV: Final[int]
TIPC_WAIT_FOREVER: Final[int]
TIPC_WITHDRAWN: Final[int]
TIPC_ZONE_SCOPE: Final[int]
UDPLITE_RECV_CSCOV: Final[int]
UDPLITE_SEND_CSCOV: Final[int]
VMADDR_CID_ANY: Final[int]
VMADDR_CID_HOST: Final[int]
VMADDR_CID_LOCAL: Final[int]
VMADDR_PORT_ANY: Final[int]
VM_SOCKETS_INVALID_VERSION: Final[int]
