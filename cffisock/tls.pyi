"""Type information for cffisock.tls, TLS over OpenSSL shaped like the
stdlib's ``ssl``.

Shapes follow typeshed's ``ssl`` stubs; parameter names, defaults and
return types are cffisock's own (``tests/test_typing.py`` holds this file
to the implementation's names).
"""

import ssl
import sys
from _typeshed import ReadableBuffer, StrOrBytesPath, WriteableBuffer
from collections.abc import Callable, Iterable
from enum import Enum, IntEnum, IntFlag
from typing import Any, Final, Literal, NamedTuple, NoReturn, TypedDict, overload, type_check_only

from typing_extensions import Self, TypeAlias

from cffisock import _Address, _RetAddress, _SendableFile, socket

OPENSSL_VERSION: Final[str]
OPENSSL_VERSION_NUMBER: Final[int]
OPENSSL_VERSION_INFO: Final[tuple[int, int, int, int, int]]
HAS_SNI: Final[bool]
HAS_ALPN: Final[bool]
HAS_ECDH: Final[bool]
HAS_NPN: Final[bool]
HAS_PSK: Final[bool]
HAS_PSK_TLS13: Final[bool]
HAS_PHA: Final[bool]
HAS_GET_GROUPS: Final[bool]
HAS_GET_SIGALGS: Final[bool]
HAS_SELECTED_SIGALGS: Final[bool]
HAS_NEVER_CHECK_COMMON_NAME: Final[bool]
HAS_SSLv2: Final[bool]
HAS_SSLv3: Final[bool]
HAS_TLSv1: Final[bool]
HAS_TLSv1_1: Final[bool]
HAS_TLSv1_2: Final[bool]
HAS_TLSv1_3: Final[bool]
PEM_HEADER: Final[str]
PEM_FOOTER: Final[str]
CHANNEL_BINDING_TYPES: list[str]
PROTOCOL_TLS_CLIENT: Final[int]
PROTOCOL_TLS_SERVER: Final[int]
PROTOCOL_TLS: Final[int]
PROTOCOL_SSLv23: Final[int]
PROTOCOL_TLSv1: Final[int]
PROTOCOL_TLSv1_1: Final[int]
PROTOCOL_TLSv1_2: Final[int]

# -- exceptions: each subclasses the stdlib's class of the same name ------------------

class SSLError(ssl.SSLError): ...
class SSLZeroReturnError(SSLError, ssl.SSLZeroReturnError): ...
class SSLWantReadError(SSLError, ssl.SSLWantReadError): ...
class SSLWantWriteError(SSLError, ssl.SSLWantWriteError): ...
class SSLSyscallError(SSLError, ssl.SSLSyscallError): ...
class SSLEOFError(SSLError, ssl.SSLEOFError): ...
class SSLCertVerificationError(SSLError, ssl.SSLCertVerificationError): ...

CertificateError = SSLCertVerificationError

# -- enums and flags ----------------------------------------------------------------

class TLSVersion(IntEnum):
    MINIMUM_SUPPORTED = -2
    MAXIMUM_SUPPORTED = -1
    SSLv3 = 768
    TLSv1 = 769
    TLSv1_1 = 770
    TLSv1_2 = 771
    TLSv1_3 = 772

class VerifyMode(IntEnum):
    CERT_NONE = 0
    CERT_OPTIONAL = 1
    CERT_REQUIRED = 2

CERT_NONE: Final = VerifyMode.CERT_NONE
CERT_OPTIONAL: Final = VerifyMode.CERT_OPTIONAL
CERT_REQUIRED: Final = VerifyMode.CERT_REQUIRED

@type_check_only
class _ASN1ObjectBase(NamedTuple):
    nid: int
    shortname: str
    longname: str
    oid: str

class _ASN1Object(_ASN1ObjectBase):
    def __new__(cls, oid: str) -> Self: ...
    @classmethod
    def fromnid(cls, nid: int) -> Self: ...
    @classmethod
    def fromname(cls, name: str) -> Self: ...

class Purpose(_ASN1Object, Enum):
    """What a context is for; the stdlib's ssl.Purpose members are taken too."""

    SERVER_AUTH = (129, "serverAuth", "TLS Web Server Authentication", "1.3.6.1.5.5.7.3.1")
    CLIENT_AUTH = (130, "clientAuth", "TLS Web Client Authentication", "1.3.6.1.5.5.7.3.2")

_Purpose: TypeAlias = _ASN1Object | ssl._ASN1Object

# Values of OpenSSL 3's headers; the build takes them from the compiler.
class Options(IntFlag):
    OP_ALL = 2147485776
    OP_NO_SSLv2 = 0
    OP_NO_SSLv3 = 33554432
    OP_NO_TLSv1 = 67108864
    OP_NO_TLSv1_1 = 268435456
    OP_NO_TLSv1_2 = 134217728
    OP_NO_TLSv1_3 = 536870912
    OP_NO_COMPRESSION = 131072
    OP_NO_TICKET = 16384
    OP_CIPHER_SERVER_PREFERENCE = 4194304
    OP_SINGLE_DH_USE = 0
    OP_SINGLE_ECDH_USE = 0
    OP_NO_RENEGOTIATION = 1073741824
    OP_ENABLE_MIDDLEBOX_COMPAT = 1048576
    OP_IGNORE_UNEXPECTED_EOF = 128
    OP_LEGACY_SERVER_CONNECT = 4

OP_ALL: Final = Options.OP_ALL
OP_NO_SSLv2: Final = Options.OP_NO_SSLv2
OP_NO_SSLv3: Final = Options.OP_NO_SSLv3
OP_NO_TLSv1: Final = Options.OP_NO_TLSv1
OP_NO_TLSv1_1: Final = Options.OP_NO_TLSv1_1
OP_NO_TLSv1_2: Final = Options.OP_NO_TLSv1_2
OP_NO_TLSv1_3: Final = Options.OP_NO_TLSv1_3
OP_NO_COMPRESSION: Final = Options.OP_NO_COMPRESSION
OP_NO_TICKET: Final = Options.OP_NO_TICKET
OP_CIPHER_SERVER_PREFERENCE: Final = Options.OP_CIPHER_SERVER_PREFERENCE
OP_SINGLE_DH_USE: Final = Options.OP_SINGLE_DH_USE
OP_SINGLE_ECDH_USE: Final = Options.OP_SINGLE_ECDH_USE
OP_NO_RENEGOTIATION: Final = Options.OP_NO_RENEGOTIATION
OP_ENABLE_MIDDLEBOX_COMPAT: Final = Options.OP_ENABLE_MIDDLEBOX_COMPAT
OP_IGNORE_UNEXPECTED_EOF: Final = Options.OP_IGNORE_UNEXPECTED_EOF
OP_LEGACY_SERVER_CONNECT: Final = Options.OP_LEGACY_SERVER_CONNECT

class VerifyFlags(IntFlag):
    VERIFY_DEFAULT = 0
    VERIFY_CRL_CHECK_LEAF = 4
    VERIFY_CRL_CHECK_CHAIN = 12
    VERIFY_X509_STRICT = 32
    VERIFY_ALLOW_PROXY_CERTS = 64
    VERIFY_X509_TRUSTED_FIRST = 32768
    VERIFY_X509_PARTIAL_CHAIN = 524288

VERIFY_DEFAULT: Final = VerifyFlags.VERIFY_DEFAULT
VERIFY_CRL_CHECK_LEAF: Final = VerifyFlags.VERIFY_CRL_CHECK_LEAF
VERIFY_CRL_CHECK_CHAIN: Final = VerifyFlags.VERIFY_CRL_CHECK_CHAIN
VERIFY_X509_STRICT: Final = VerifyFlags.VERIFY_X509_STRICT
VERIFY_ALLOW_PROXY_CERTS: Final = VerifyFlags.VERIFY_ALLOW_PROXY_CERTS
VERIFY_X509_PARTIAL_CHAIN: Final = VerifyFlags.VERIFY_X509_PARTIAL_CHAIN
VERIFY_X509_TRUSTED_FIRST: Final = VerifyFlags.VERIFY_X509_TRUSTED_FIRST


class AlertDescription(IntEnum):
    ALERT_DESCRIPTION_CLOSE_NOTIFY = 0
    ALERT_DESCRIPTION_UNEXPECTED_MESSAGE = 10
    ALERT_DESCRIPTION_BAD_RECORD_MAC = 20
    ALERT_DESCRIPTION_RECORD_OVERFLOW = 22
    ALERT_DESCRIPTION_DECOMPRESSION_FAILURE = 30
    ALERT_DESCRIPTION_HANDSHAKE_FAILURE = 40
    ALERT_DESCRIPTION_BAD_CERTIFICATE = 42
    ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE = 43
    ALERT_DESCRIPTION_CERTIFICATE_REVOKED = 44
    ALERT_DESCRIPTION_CERTIFICATE_EXPIRED = 45
    ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN = 46
    ALERT_DESCRIPTION_ILLEGAL_PARAMETER = 47
    ALERT_DESCRIPTION_UNKNOWN_CA = 48
    ALERT_DESCRIPTION_ACCESS_DENIED = 49
    ALERT_DESCRIPTION_DECODE_ERROR = 50
    ALERT_DESCRIPTION_DECRYPT_ERROR = 51
    ALERT_DESCRIPTION_PROTOCOL_VERSION = 70
    ALERT_DESCRIPTION_INSUFFICIENT_SECURITY = 71
    ALERT_DESCRIPTION_INTERNAL_ERROR = 80
    ALERT_DESCRIPTION_USER_CANCELLED = 90
    ALERT_DESCRIPTION_NO_RENEGOTIATION = 100
    ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION = 110
    ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE = 111
    ALERT_DESCRIPTION_UNRECOGNIZED_NAME = 112
    ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE = 113
    ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE = 114
    ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY = 115

ALERT_DESCRIPTION_CLOSE_NOTIFY: Final = AlertDescription.ALERT_DESCRIPTION_CLOSE_NOTIFY
ALERT_DESCRIPTION_UNEXPECTED_MESSAGE: Final = AlertDescription.ALERT_DESCRIPTION_UNEXPECTED_MESSAGE
ALERT_DESCRIPTION_BAD_RECORD_MAC: Final = AlertDescription.ALERT_DESCRIPTION_BAD_RECORD_MAC
ALERT_DESCRIPTION_RECORD_OVERFLOW: Final = AlertDescription.ALERT_DESCRIPTION_RECORD_OVERFLOW
ALERT_DESCRIPTION_DECOMPRESSION_FAILURE: Final = AlertDescription.ALERT_DESCRIPTION_DECOMPRESSION_FAILURE
ALERT_DESCRIPTION_HANDSHAKE_FAILURE: Final = AlertDescription.ALERT_DESCRIPTION_HANDSHAKE_FAILURE
ALERT_DESCRIPTION_BAD_CERTIFICATE: Final = AlertDescription.ALERT_DESCRIPTION_BAD_CERTIFICATE
ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE: Final = AlertDescription.ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE
ALERT_DESCRIPTION_CERTIFICATE_REVOKED: Final = AlertDescription.ALERT_DESCRIPTION_CERTIFICATE_REVOKED
ALERT_DESCRIPTION_CERTIFICATE_EXPIRED: Final = AlertDescription.ALERT_DESCRIPTION_CERTIFICATE_EXPIRED
ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN: Final = AlertDescription.ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN
ALERT_DESCRIPTION_ILLEGAL_PARAMETER: Final = AlertDescription.ALERT_DESCRIPTION_ILLEGAL_PARAMETER
ALERT_DESCRIPTION_UNKNOWN_CA: Final = AlertDescription.ALERT_DESCRIPTION_UNKNOWN_CA
ALERT_DESCRIPTION_ACCESS_DENIED: Final = AlertDescription.ALERT_DESCRIPTION_ACCESS_DENIED
ALERT_DESCRIPTION_DECODE_ERROR: Final = AlertDescription.ALERT_DESCRIPTION_DECODE_ERROR
ALERT_DESCRIPTION_DECRYPT_ERROR: Final = AlertDescription.ALERT_DESCRIPTION_DECRYPT_ERROR
ALERT_DESCRIPTION_PROTOCOL_VERSION: Final = AlertDescription.ALERT_DESCRIPTION_PROTOCOL_VERSION
ALERT_DESCRIPTION_INSUFFICIENT_SECURITY: Final = AlertDescription.ALERT_DESCRIPTION_INSUFFICIENT_SECURITY
ALERT_DESCRIPTION_INTERNAL_ERROR: Final = AlertDescription.ALERT_DESCRIPTION_INTERNAL_ERROR
ALERT_DESCRIPTION_USER_CANCELLED: Final = AlertDescription.ALERT_DESCRIPTION_USER_CANCELLED
ALERT_DESCRIPTION_NO_RENEGOTIATION: Final = AlertDescription.ALERT_DESCRIPTION_NO_RENEGOTIATION
ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION: Final = AlertDescription.ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION
ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE: Final = AlertDescription.ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE
ALERT_DESCRIPTION_UNRECOGNIZED_NAME: Final = AlertDescription.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE: Final = AlertDescription.ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE
ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE: Final = AlertDescription.ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE
ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY: Final = AlertDescription.ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY

class SSLErrorNumber(IntEnum):
    SSL_ERROR_SSL = 1
    SSL_ERROR_WANT_READ = 2
    SSL_ERROR_WANT_WRITE = 3
    SSL_ERROR_WANT_X509_LOOKUP = 4
    SSL_ERROR_SYSCALL = 5
    SSL_ERROR_ZERO_RETURN = 6
    SSL_ERROR_WANT_CONNECT = 7
    SSL_ERROR_EOF = 8
    SSL_ERROR_INVALID_ERROR_CODE = 10

SSL_ERROR_SSL: Final = SSLErrorNumber.SSL_ERROR_SSL
SSL_ERROR_WANT_READ: Final = SSLErrorNumber.SSL_ERROR_WANT_READ
SSL_ERROR_WANT_WRITE: Final = SSLErrorNumber.SSL_ERROR_WANT_WRITE
SSL_ERROR_WANT_X509_LOOKUP: Final = SSLErrorNumber.SSL_ERROR_WANT_X509_LOOKUP
SSL_ERROR_SYSCALL: Final = SSLErrorNumber.SSL_ERROR_SYSCALL
SSL_ERROR_ZERO_RETURN: Final = SSLErrorNumber.SSL_ERROR_ZERO_RETURN
SSL_ERROR_WANT_CONNECT: Final = SSLErrorNumber.SSL_ERROR_WANT_CONNECT
SSL_ERROR_EOF: Final = SSLErrorNumber.SSL_ERROR_EOF
SSL_ERROR_INVALID_ERROR_CODE: Final = SSLErrorNumber.SSL_ERROR_INVALID_ERROR_CODE

# -- module functions ------------------------------------------------------------------

class DefaultVerifyPaths(NamedTuple):
    cafile: str | None
    capath: str | None
    openssl_cafile_env: str
    openssl_cafile: str
    openssl_capath_env: str
    openssl_capath: str

def get_default_verify_paths() -> DefaultVerifyPaths: ...
def RAND_status() -> bool: ...
def RAND_bytes(n: int, /) -> bytes: ...
def get_sigalgs() -> list[str]: ...
def RAND_add(string: str | ReadableBuffer, entropy: float, /) -> None: ...

if sys.version_info < (3, 12):
    # Deprecated, and offered only where the stdlib still has them.
    def RAND_pseudo_bytes(n: int, /) -> tuple[bytes, bool]: ...
    def match_hostname(cert: _PeerCertDict, hostname: str) -> None: ...
    def wrap_socket(
        sock: socket,
        keyfile: StrOrBytesPath | None = None,
        certfile: StrOrBytesPath | None = None,
        server_side: bool = False,
        cert_reqs: int = ...,
        ssl_version: int = ...,
        ca_certs: str | None = None,
        do_handshake_on_connect: bool = True,
        suppress_ragged_eofs: bool = True,
        ciphers: str | None = None,
    ) -> SSLSocket: ...
def DER_cert_to_PEM_cert(der_cert_bytes: ReadableBuffer) -> str: ...
def PEM_cert_to_DER_cert(pem_cert_string: str) -> bytes: ...
def cert_time_to_seconds(cert_time: str) -> int: ...
def get_server_certificate(
    addr: tuple[str, int], ssl_version: int = ..., ca_certs: str | None = None,
    timeout: float | None = ...,
) -> str: ...
def get_protocol_name(protocol_code: int) -> str: ...

# -- what the calls take and give -------------------------------------------------------

#: A key's password: text, bytes, or a callable that returns one.
_PasswordType: TypeAlias = Callable[[], str | bytes | bytearray] | str | bytes | bytearray
#: sni_callback(connection, server_name, context): None, or an alert number.
_SNICallback: TypeAlias = Callable[[SSLSocket | SSLObject, str | None, SSLContext], int | None]
#: getpeercert(): the stdlib's dict of the certificate's fields.
_CertNames: TypeAlias = tuple[tuple[str, str], ...]
_PeerCertDict: TypeAlias = dict[str, str | tuple[_CertNames, ...] | _CertNames]
#: What wrap_bio reads from and writes to: a MemoryBIO of either module.
_BIO: TypeAlias = MemoryBIO | ssl.MemoryBIO

@type_check_only
class _Cipher(TypedDict):
    """A get_ciphers() entry, as the stdlib's."""

    aead: bool
    alg_bits: int
    auth: str | None
    description: str
    digest: str | None
    id: int
    kea: str | None
    name: str
    protocol: str
    strength_bits: int
    symmetric: str | None

# -- the classes ------------------------------------------------------------------------

class SSLContext:
    """Settings and certificates shared by TLS connections."""

    protocol: int
    sslsocket_class: type[SSLSocket]
    sslobject_class: type[SSLObject]
    def __init__(self, protocol: int | None = None) -> None: ...

    # Each setter takes a plain int as well as the enum (or any object for
    # the booleans); the getters give the enum types.
    @property
    def verify_mode(self) -> VerifyMode: ...
    @verify_mode.setter
    def verify_mode(self, value: int) -> None: ...
    @property
    def verify_flags(self) -> VerifyFlags: ...
    @verify_flags.setter
    def verify_flags(self, value: int) -> None: ...
    @property
    def check_hostname(self) -> bool: ...
    @check_hostname.setter
    def check_hostname(self, value: object) -> None: ...
    @property
    def hostname_checks_common_name(self) -> bool: ...
    @hostname_checks_common_name.setter
    def hostname_checks_common_name(self, value: object) -> None: ...
    @property
    def post_handshake_auth(self) -> bool: ...
    @post_handshake_auth.setter
    def post_handshake_auth(self, value: object) -> None: ...
    @property
    def minimum_version(self) -> TLSVersion: ...
    @minimum_version.setter
    def minimum_version(self, value: int) -> None: ...
    @property
    def maximum_version(self) -> TLSVersion: ...
    @maximum_version.setter
    def maximum_version(self, value: int) -> None: ...
    @property
    def options(self) -> Options: ...
    @options.setter
    def options(self, value: int) -> None: ...
    keylog_filename: StrOrBytesPath | None
    sni_callback: _SNICallback | None

    def load_cert_chain(
        self,
        certfile: StrOrBytesPath,
        keyfile: StrOrBytesPath | None = None,
        password: _PasswordType | None = None,
    ) -> None: ...
    def load_verify_locations(
        self,
        cafile: StrOrBytesPath | None = None,
        capath: StrOrBytesPath | None = None,
        cadata: str | ReadableBuffer | None = None,
    ) -> None: ...
    def set_default_verify_paths(self) -> None: ...
    def load_dh_params(self, path: StrOrBytesPath, /) -> None: ...
    def load_default_certs(self, purpose: _Purpose = ...) -> None: ...
    num_tickets: int
    @property
    def security_level(self) -> int: ...
    def set_servername_callback(self, server_name_callback: _SNICallback | None) -> None: ...
    def set_npn_protocols(self, npn_protocols: Iterable[str]) -> NoReturn: ...
    def set_ciphersuites(self, ciphersuites: str, /) -> None: ...
    def set_groups(self, grouplist: str, /) -> None: ...
    def get_groups(self, /, *, include_aliases: bool = False) -> list[str]: ...
    def set_client_sigalgs(self, sigalgslist: str, /) -> None: ...
    def set_server_sigalgs(self, sigalgslist: str, /) -> None: ...
    def set_psk_client_callback(
        self, callback: Callable[[str | None], tuple[str | None, bytes]] | None
    ) -> None: ...
    def set_psk_server_callback(
        self, callback: Callable[[str | None], bytes] | None, identity_hint: str | None = None
    ) -> None: ...
    def set_ecdh_curve(self, name: StrOrBytesPath, /) -> None: ...
    def set_ciphers(self, ciphers: str) -> None: ...
    def get_ciphers(self) -> list[_Cipher]: ...
    def set_alpn_protocols(self, alpn_protocols: Iterable[str]) -> None: ...
    def session_stats(self) -> dict[str, int]: ...
    def cert_store_stats(self) -> dict[str, int]: ...
    @overload
    def get_ca_certs(self, binary_form: Literal[False] = False) -> list[_PeerCertDict]: ...
    @overload
    def get_ca_certs(self, binary_form: Literal[True]) -> list[bytes]: ...
    @overload
    def get_ca_certs(self, binary_form: bool) -> list[_PeerCertDict] | list[bytes]: ...
    def wrap_socket(
        self,
        sock: socket,
        server_side: bool = False,
        do_handshake_on_connect: bool = True,
        suppress_ragged_eofs: bool = True,
        server_hostname: str | bytes | None = None,
        session: SSLSession | None = None,
    ) -> SSLSocket: ...
    def wrap_bio(
        self,
        incoming: _BIO,
        outgoing: _BIO,
        server_side: bool = False,
        server_hostname: str | bytes | None = None,
        session: SSLSession | None = None,
    ) -> SSLObject: ...

class MemoryBIO:
    """An in-memory buffer of TLS bytes, for SSLObject."""

    def __init__(self) -> None: ...
    @property
    def pending(self) -> int: ...
    @property
    def eof(self) -> bool: ...
    def read(self, size: int = -1) -> bytes: ...
    def write(self, data: ReadableBuffer) -> int: ...
    def write_eof(self) -> None: ...

class SSLSession:
    """A TLS session, to resume with wrap_socket(..., session=)."""

    @property
    def id(self) -> bytes: ...
    @property
    def time(self) -> int: ...
    @property
    def timeout(self) -> int: ...
    @property
    def ticket_lifetime_hint(self) -> int: ...
    @property
    def has_ticket(self) -> bool: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

class _TLSMethods:
    """What SSLSocket and SSLObject share: the negotiated details."""

    @overload
    def getpeercert(self, binary_form: Literal[False] = False) -> _PeerCertDict | None: ...
    @overload
    def getpeercert(self, binary_form: Literal[True]) -> bytes | None: ...
    @overload
    def getpeercert(self, binary_form: bool) -> _PeerCertDict | bytes | None: ...
    def get_verified_chain(self) -> list[bytes]: ...
    def get_unverified_chain(self) -> list[bytes]: ...
    def cipher(self) -> tuple[str, str, int] | None: ...
    def shared_ciphers(self) -> list[tuple[str, str, int]] | None: ...
    def version(self) -> str | None: ...
    def selected_alpn_protocol(self) -> str | None: ...
    def selected_npn_protocol(self) -> None: ...
    def group(self) -> str | None: ...
    def client_sigalg(self) -> str | None: ...
    def server_sigalg(self) -> str | None: ...
    def get_channel_binding(self, cb_type: str = "tls-unique") -> bytes | None: ...
    def compression(self) -> str | None: ...  # always None: compression is off
    def pending(self) -> int: ...
    def verify_client_post_handshake(self) -> None: ...
    @property
    def session(self) -> SSLSession | None: ...
    @session.setter
    def session(self, session: SSLSession) -> None: ...
    @property
    def session_reused(self) -> bool | None: ...  # None: an SSLSocket not yet connected
    @property
    def server_hostname(self) -> str | bytes | None: ...
    @property
    def server_side(self) -> bool: ...
    @property
    def context(self) -> SSLContext: ...
    @context.setter
    def context(self, context: SSLContext) -> None: ...

class SSLObject(_TLSMethods):
    """A TLS connection over two MemoryBIOs: each call completes or raises
    SSLWantReadError/SSLWantWriteError."""

    # Refused (TypeError, as the stdlib's): SSLContext.wrap_bio makes them.
    def __init__(self, *args: Any, **kwargs: Any) -> None: ...

    def do_handshake(self) -> None: ...
    @overload
    def read(self, len: int = 1024, buffer: None = None) -> bytes: ...
    @overload
    def read(self, len: int, buffer: WriteableBuffer) -> int: ...
    def write(self, data: ReadableBuffer) -> int: ...
    def unwrap(self) -> None: ...

class SSLSocket(_TLSMethods, socket):
    """A cffisock socket speaking TLS (from SSLContext.wrap_socket)."""

    # Refused (TypeError, as the stdlib's): SSLContext.wrap_socket makes them.
    def __init__(self, *args: Any, **kwargs: Any) -> None: ...

    def do_handshake(self, block: bool = False) -> None: ...
    def accept(self) -> tuple[SSLSocket, _RetAddress]: ...
    def dup(self) -> NoReturn: ...
    def connect(self, address: _Address) -> None: ...
    def connect_ex(self, address: _Address) -> int: ...
    @overload
    def read(self, len: int = 1024, buffer: None = None) -> bytes: ...
    @overload
    def read(self, len: int, buffer: WriteableBuffer) -> int: ...
    def write(self, data: ReadableBuffer) -> int: ...
    def recv(self, buflen: int = 1024, flags: int = 0) -> bytes: ...
    def recv_into(self, buffer: WriteableBuffer, nbytes: int | None = None, flags: int = 0) -> int: ...
    def send(self, data: ReadableBuffer, flags: int = 0) -> int: ...
    def sendall(self, data: ReadableBuffer, flags: int = 0) -> None: ...
    def sendfile(self, file: _SendableFile, offset: int = 0, count: int | None = None) -> int: ...
    def unwrap(self) -> socket: ...

    # Datagram calls would bypass TLS: refused (ValueError) once the socket
    # is connected; before, the plain socket's, which fail (no peer).
    @overload
    def sendto(self, data: ReadableBuffer, flags_or_addr: _Address, addr: None = None) -> int: ...
    @overload
    def sendto(self, data: ReadableBuffer, flags_or_addr: int, addr: _Address) -> int: ...
    def recvfrom(self, buflen: int = 1024, flags: int = 0) -> tuple[bytes, _RetAddress]: ...
    def recvfrom_into(
        self, buffer: WriteableBuffer, nbytes: int | None = None, flags: int = 0
    ) -> tuple[int, _RetAddress]: ...
    # Ancillary-data and batched calls: always refused (NotImplementedError).
    def sendmsg(self, *args: Any, **kwargs: Any) -> NoReturn: ...
    def recvmsg(self, *args: Any, **kwargs: Any) -> NoReturn: ...
    def recvmsg_into(self, *args: Any, **kwargs: Any) -> NoReturn: ...
    def sendmmsg(self, *args: Any, **kwargs: Any) -> NoReturn: ...
    def recvmmsg(self, *args: Any, **kwargs: Any) -> NoReturn: ...
    def recvmmsg_into(self, *args: Any, **kwargs: Any) -> NoReturn: ...

def create_default_context(
    purpose: _Purpose = ...,
    *,
    cafile: StrOrBytesPath | None = None,
    capath: StrOrBytesPath | None = None,
    cadata: str | ReadableBuffer | None = None,
) -> SSLContext: ...
