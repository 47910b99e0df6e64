"""TLS over OpenSSL for cffisock sockets, shaped like the stdlib's ``ssl``.

Secure by default: a client context (``create_default_context()`` or
``SSLContext(PROTOCOL_TLS_CLIENT)``) verifies the peer's certificate chain
and its host name (checked by OpenSSL: ``X509_VERIFY_PARAM_set1_host`` /
``set1_ip``), refuses anything below TLS 1.2, and turns compression and
renegotiation off.  Less is an explicit opt-out (``check_hostname = False``,
``verify_mode = CERT_NONE``).

``SSLContext.wrap_socket`` gives an ``SSLSocket`` over a cffisock socket,
whose timeout governs the handshake, reads, writes, ``sendall`` and
``unwrap`` with one deadline per call; ``SSLContext.wrap_bio`` gives a
sans-I/O ``SSLObject`` over two ``MemoryBIO`` objects.

This module is the public face; the parts live in ``_tls_constants``
(enums, defaults), ``_tls_context`` (SSLContext), ``_tls_connection``
(one connection, MemoryBIO, SSLSession), ``_tls_socket`` (SSLSocket,
SSLObject), ``_tls_cert``, ``_tls_ciphers``, ``_tls_errors``, ``_tls_purpose``,
``_tls_random``, ``_tls_records`` (the protocol's numbers), ``_tls_legacy``
(the functions Python 3.12 removed, on the versions that have them),
``_tls_shortcuts`` (ready-made contexts, get_server_certificate) and
``_tls_trust``.
"""

import sys

from cffisock._tls_connection import MemoryBIO, SSLSession  # noqa: F401 (public names)
from cffisock._tls_cert import (  # noqa: F401 (public names)
    PEM_FOOTER,
    PEM_HEADER,
    DER_cert_to_PEM_cert,
    PEM_cert_to_DER_cert,
    cert_time_to_seconds,
)
from cffisock._tls_constants import (  # noqa: F401 (public names)
    CERT_NONE,
    CERT_OPTIONAL,
    CERT_REQUIRED,
    CHANNEL_BINDING_TYPES,
    HAS_ALPN,
    HAS_ECDH,
    HAS_GET_GROUPS,
    HAS_GET_SIGALGS,
    HAS_NEVER_CHECK_COMMON_NAME,
    HAS_NPN,
    HAS_PHA,
    HAS_PSK,
    HAS_PSK_TLS13,
    HAS_SELECTED_SIGALGS,
    HAS_SNI,
    HAS_SSLv2,
    HAS_SSLv3,
    HAS_TLSv1,
    HAS_TLSv1_1,
    HAS_TLSv1_2,
    HAS_TLSv1_3,
    OPENSSL_VERSION,
    OPENSSL_VERSION_INFO,
    OPENSSL_VERSION_NUMBER,
    PROTOCOL_SSLv23,
    PROTOCOL_TLS,
    PROTOCOL_TLS_CLIENT,
    PROTOCOL_TLS_SERVER,
    PROTOCOL_TLSv1,
    PROTOCOL_TLSv1_1,
    PROTOCOL_TLSv1_2,
    Options,
    TLSVersion,
    VerifyFlags,
    VerifyMode,
    _DEFAULT_CIPHERS,
    _OPENSSL_API_VERSION,
    _PROTOCOL_NAMES,
    _SSLMethod,
)
from cffisock._tls_ciphers import get_sigalgs  # noqa: F401 (public names)
from cffisock._tls_context import SSLContext
from cffisock._tls_errors import (  # noqa: F401 (public names)
    CertificateError,
    SSLCertVerificationError,
    SSLEOFError,
    SSLError,
    SSLErrorNumber,
    SSLSyscallError,
    SSLWantReadError,
    SSLWantWriteError,
    SSLZeroReturnError,
)
from cffisock._tls_records import (  # noqa: F401 (public names, and the stdlib's private enums)
    AlertDescription,
    _TLSAlertType,
    _TLSContentType,
    _TLSMessageType,
)
from cffisock._tls_purpose import Purpose, _ASN1Object  # noqa: F401 (public names)
from cffisock._tls_random import RAND_add, RAND_bytes, RAND_status  # noqa: F401 (public names)
from cffisock._tls_shortcuts import (  # noqa: F401 (public names, and the stdlib modules' own)
    _create_default_https_context,
    _create_stdlib_context,
    _create_unverified_context,
    create_default_context,
    get_protocol_name,
    get_server_certificate,
)
from cffisock._tls_socket import SSLObject, SSLSocket  # noqa: F401 (public names)
from cffisock._tls_trust import DefaultVerifyPaths, get_default_verify_paths  # noqa: F401

if sys.version_info < (3, 12):  # the functions this version's stdlib still has
    from cffisock._tls_legacy import (  # noqa: F401 (public names, and the stdlib's own)
        RAND_pseudo_bytes,
        _inet_paton,
        match_hostname,
        wrap_socket,
    )

# As the stdlib's ssl: the flags' members are module constants too.
globals().update(Options.__members__)
globals().update(VerifyFlags.__members__)
globals().update(AlertDescription.__members__)
globals().update(SSLErrorNumber.__members__)
