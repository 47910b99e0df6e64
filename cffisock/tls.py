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
SSLObject), ``_tls_cert``, ``_tls_ciphers``, ``_tls_errors`` and
``_tls_purpose``.
"""

import os
import sys

from cffisock._tls_connection import MemoryBIO, SSLSession  # noqa: F401 (public names)
from cffisock._tls_constants import (  # noqa: F401 (public names)
    CERT_NONE,
    CERT_OPTIONAL,
    CERT_REQUIRED,
    CHANNEL_BINDING_TYPES,
    OPENSSL_VERSION,
    OPENSSL_VERSION_NUMBER,
    PROTOCOL_TLS_CLIENT,
    PROTOCOL_TLS_SERVER,
    Options,
    TLSVersion,
    VerifyFlags,
    VerifyMode,
)
from cffisock._tls_context import SSLContext
from cffisock._tls_errors import (  # noqa: F401 (public names)
    CertificateError,
    SSLCertVerificationError,
    SSLEOFError,
    SSLError,
    SSLSyscallError,
    SSLWantReadError,
    SSLWantWriteError,
    SSLZeroReturnError,
)
from cffisock._tls_purpose import Purpose, _ASN1Object, purpose_oid as _purpose_oid  # noqa: F401
from cffisock._tls_socket import SSLObject, SSLSocket  # noqa: F401 (public names)

HAS_SNI = HAS_ALPN = HAS_TLSv1_2 = HAS_TLSv1_3 = True

# As the stdlib's ssl: the flags' members are module constants too.
globals().update(Options.__members__)
globals().update(VerifyFlags.__members__)


def create_default_context(purpose=Purpose.SERVER_AUTH, *, cafile=None, capath=None,
                           cadata=None):
    """A context with secure settings for ``purpose``, as the stdlib's.

    ``Purpose.SERVER_AUTH`` (the default): a client context that verifies
    the server's chain and host name; ``Purpose.CLIENT_AUTH``: a server
    context (which asks for no client certificate unless told to).  Either
    trusts the given CAs, or (a client) the system's CA store; checks
    chains with VERIFY_X509_STRICT and VERIFY_X509_PARTIAL_CHAIN on every
    Python version (the stdlib from 3.13 on); takes TLS 1.2 at least; and
    writes key material to $SSLKEYLOGFILE if set (unless ``python -E``).
    """
    oid = _purpose_oid(purpose)
    if oid == Purpose.SERVER_AUTH.oid:
        context = SSLContext(PROTOCOL_TLS_CLIENT)
    elif oid == Purpose.CLIENT_AUTH.oid:
        context = SSLContext(PROTOCOL_TLS_SERVER)
    else:
        raise ValueError(purpose)
    context.verify_flags |= VerifyFlags.VERIFY_X509_PARTIAL_CHAIN | VerifyFlags.VERIFY_X509_STRICT
    if cafile or capath or cadata:
        context.load_verify_locations(cafile, capath, cadata)
    elif context.verify_mode != CERT_NONE:
        context.load_default_certs(purpose)
    keylog = os.environ.get("SSLKEYLOGFILE")
    if keylog and not sys.flags.ignore_environment:
        context.keylog_filename = keylog
    return context
