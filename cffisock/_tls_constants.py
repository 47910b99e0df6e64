"""The ``ssl`` module's constants and enums with the stdlib's names and
values, the settings every new context starts with, and the operation codes
of the C helper ``cffisock_ssl_io``.

The enums say they belong to ``cffisock.tls`` (their repr, pickling), which
re-exports them and puts the Options and VerifyFlags members in its own
namespace, as the stdlib's ``ssl`` does.
"""

from enum import IntEnum, IntFlag

from cffisock._tls_ffi import ffi, lib

OPENSSL_VERSION = ffi.string(lib.OpenSSL_version(0)).decode("ascii")
#: The OpenSSL in use (as the stdlib: the library's own number).
OPENSSL_VERSION_NUMBER = lib.OpenSSL_version_num()


def _version_info(number):
    """(major, minor, fix, patch, status) of an OPENSSL_VERSION_NUMBER, as
    the stdlib's OPENSSL_VERSION_INFO splits it."""
    fields = []
    for bits in (4, 8, 8, 8, 8):
        fields.append(number & ((1 << bits) - 1))
        number >>= bits
    status, patch, fix, minor, major = fields
    return major, minor, fix, patch, status


OPENSSL_VERSION_INFO = _version_info(OPENSSL_VERSION_NUMBER)
#: The OpenSSL whose headers cffisock was built with (the stdlib's private
#: name, which its tests read).
_OPENSSL_API_VERSION = _version_info(lib.OPENSSL_VERSION_NUMBER)

CHANNEL_BINDING_TYPES = ["tls-unique"]

#: What this OpenSSL build and cffisock can do, as the stdlib's flags say it.
HAS_SNI = HAS_ALPN = HAS_TLSv1_2 = HAS_TLSv1_3 = HAS_NEVER_CHECK_COMMON_NAME = True
HAS_ECDH = bool(lib.CFFISOCK_HAS_ECDH)
HAS_SSLv2 = False  # OpenSSL 1.1 and later have none
HAS_SSLv3 = bool(lib.CFFISOCK_HAS_SSLv3)
HAS_TLSv1 = bool(lib.CFFISOCK_HAS_TLSv1)
HAS_TLSv1_1 = bool(lib.CFFISOCK_HAS_TLSv1_1)
HAS_NPN = False  # next protocol negotiation is not offered (ALPN is)
HAS_PSK = bool(lib.CFFISOCK_HAS_PSK)  # SSLContext.set_psk_client/server_callback
HAS_PSK_TLS13 = bool(lib.CFFISOCK_HAS_PSK_TLS13)  # TLS 1.3 external PSKs (3.15's flag)
HAS_PHA = bool(lib.CFFISOCK_HAS_PHA)  # TLS 1.3 post-handshake authentication (3.14's flag)
#: Whether this build's OpenSSL has what 3.15's listings and selected
#: signature algorithms need (3.5: get_groups(), client_sigalg(),
#: server_sigalg(); 3.4: get_sigalgs()).  Without it they raise
#: NotImplementedError, as CPython's do.
HAS_GET_GROUPS = bool(lib.CFFISOCK_HAS_GET_GROUPS)
HAS_GET_SIGALGS = bool(lib.CFFISOCK_HAS_GET_SIGALGS)
HAS_SELECTED_SIGALGS = bool(lib.CFFISOCK_HAS_SELECTED_SIGALGS)


class _SSLMethod(IntEnum):
    """The stdlib's protocol numbers: the two modern context kinds, and the
    deprecated generic one (PROTOCOL_TLS, alias PROTOCOL_SSLv23) and ones
    pinned to a single version."""
    PROTOCOL_TLS = 2
    PROTOCOL_TLSv1 = 3
    PROTOCOL_TLSv1_1 = 4
    PROTOCOL_TLSv1_2 = 5
    PROTOCOL_TLS_CLIENT = 16
    PROTOCOL_TLS_SERVER = 17


_SSLMethod.PROTOCOL_SSLv23 = _SSLMethod.PROTOCOL_TLS
(PROTOCOL_TLS, PROTOCOL_TLSv1, PROTOCOL_TLSv1_1, PROTOCOL_TLSv1_2, PROTOCOL_TLS_CLIENT,
 PROTOCOL_TLS_SERVER) = _SSLMethod
PROTOCOL_SSLv23 = PROTOCOL_TLS
_PROTOCOL_NAMES = {member: name for name, member in _SSLMethod.__members__.items()}

#: The protocols pinned to one TLS version, and the version.
PINNED_VERSIONS = {PROTOCOL_TLSv1: lib.TLS1_VERSION, PROTOCOL_TLSv1_1: lib.TLS1_1_VERSION,
                   PROTOCOL_TLSv1_2: lib.TLS1_2_VERSION}


class TLSVersion(IntEnum):
    MINIMUM_SUPPORTED = -2
    MAXIMUM_SUPPORTED = -1
    SSLv3 = 0x0300  # as the stdlib has it (OpenSSL 3 refuses it in a handshake)
    TLSv1 = lib.TLS1_VERSION
    TLSv1_1 = lib.TLS1_1_VERSION
    TLSv1_2 = lib.TLS1_2_VERSION
    TLSv1_3 = lib.TLS1_3_VERSION


class VerifyMode(IntEnum):
    CERT_NONE = 0
    CERT_OPTIONAL = 1
    CERT_REQUIRED = 2


CERT_NONE, CERT_OPTIONAL, CERT_REQUIRED = VerifyMode

#: SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS (the same bit in OpenSSL 1.1 and 3),
#: which the stdlib takes out of OP_ALL: it keeps the CBC countermeasure.
_OP_DONT_INSERT_EMPTY_FRAGMENTS = 0x800


class Options(IntFlag):
    OP_ALL = lib.SSL_OP_ALL & ~_OP_DONT_INSERT_EMPTY_FRAGMENTS  # the stdlib's value
    OP_NO_SSLv2 = lib.SSL_OP_NO_SSLv2
    OP_NO_SSLv3 = lib.SSL_OP_NO_SSLv3
    OP_NO_TLSv1 = lib.SSL_OP_NO_TLSv1
    OP_NO_TLSv1_1 = lib.SSL_OP_NO_TLSv1_1
    OP_NO_TLSv1_2 = lib.SSL_OP_NO_TLSv1_2
    OP_NO_TLSv1_3 = lib.SSL_OP_NO_TLSv1_3
    OP_NO_COMPRESSION = lib.SSL_OP_NO_COMPRESSION
    OP_NO_TICKET = lib.SSL_OP_NO_TICKET
    OP_CIPHER_SERVER_PREFERENCE = lib.SSL_OP_CIPHER_SERVER_PREFERENCE
    OP_SINGLE_DH_USE = lib.SSL_OP_SINGLE_DH_USE
    OP_SINGLE_ECDH_USE = lib.SSL_OP_SINGLE_ECDH_USE
    OP_NO_RENEGOTIATION = lib.SSL_OP_NO_RENEGOTIATION
    OP_ENABLE_MIDDLEBOX_COMPAT = lib.SSL_OP_ENABLE_MIDDLEBOX_COMPAT
    OP_IGNORE_UNEXPECTED_EOF = lib.SSL_OP_IGNORE_UNEXPECTED_EOF
    OP_LEGACY_SERVER_CONNECT = lib.SSL_OP_LEGACY_SERVER_CONNECT


class VerifyFlags(IntFlag):
    VERIFY_DEFAULT = 0
    VERIFY_CRL_CHECK_LEAF = lib.X509_V_FLAG_CRL_CHECK
    VERIFY_CRL_CHECK_CHAIN = lib.X509_V_FLAG_CRL_CHECK | lib.X509_V_FLAG_CRL_CHECK_ALL
    VERIFY_X509_STRICT = lib.X509_V_FLAG_X509_STRICT
    VERIFY_ALLOW_PROXY_CERTS = lib.X509_V_FLAG_ALLOW_PROXY_CERTS
    VERIFY_X509_TRUSTED_FIRST = lib.X509_V_FLAG_TRUSTED_FIRST
    VERIFY_X509_PARTIAL_CHAIN = lib.X509_V_FLAG_PARTIAL_CHAIN


for _enum in (_SSLMethod, TLSVersion, VerifyMode, Options, VerifyFlags):
    _enum.__module__ = "cffisock.tls"

VERSION_NUMBERS = frozenset(int(version) for version in TLSVersion)
#: The SSL_VERIFY_ flags of each verify mode.
VERIFY_MODE_FLAGS = {
    CERT_NONE: lib.SSL_VERIFY_NONE,
    CERT_OPTIONAL: lib.SSL_VERIFY_PEER,
    CERT_REQUIRED: lib.SSL_VERIFY_PEER | lib.SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
}
DEFAULT_OPTIONS = (
    Options.OP_ALL | lib.SSL_OP_NO_SSLv2 | lib.SSL_OP_NO_SSLv3
    | lib.SSL_OP_NO_COMPRESSION | lib.SSL_OP_NO_RENEGOTIATION
    | lib.SSL_OP_CIPHER_SERVER_PREFERENCE | lib.SSL_OP_SINGLE_DH_USE
    | lib.SSL_OP_SINGLE_ECDH_USE | lib.SSL_OP_ENABLE_MIDDLEBOX_COMPAT)
#: The TLS 1.2 cipher list of every new context: CPython 3.10+'s
#: (PY_SSL_DEFAULT_CIPHER_STRING), on every Python version: forward secrecy,
#: AEAD first, no SHA-1 MACs, no PSK, SRP, DSS or static-RSA key exchange.
DEFAULT_CIPHERS = (b"@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES"
                   b":!aNULL:!eNULL:!aDSS:!SHA1:!AESCCM")
_DEFAULT_CIPHERS = DEFAULT_CIPHERS.decode("ascii")  # the stdlib's private name for it
#: As the stdlib: no partial writes, so one SSL_write takes a whole send (in
#: as many records as it needs); a retried write may pass a moved buffer.
MODES = lib.SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | lib.SSL_MODE_AUTO_RETRY

#: The operations of ``cffisock_ssl_io``.
HANDSHAKE = lib.CFFISOCK_SSL_HANDSHAKE
READ = lib.CFFISOCK_SSL_READ
WRITE = lib.CFFISOCK_SSL_WRITE
SHUTDOWN = lib.CFFISOCK_SSL_SHUTDOWN
#: Each operation's name (in timeout messages), by its code.
OPERATION_NAMES = {HANDSHAKE: "handshake", READ: "read", WRITE: "write", SHUTDOWN: "shutdown"}
