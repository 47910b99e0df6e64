"""Ready-made contexts and one-call helpers of the ``ssl`` module:
``create_default_context`` (alias ``_create_default_https_context``, the name
http.client and urllib call), ``_create_unverified_context`` (alias
``_create_stdlib_context``, which the stdlib's own clients, ftplib, imaplib,
poplib and smtplib, call by that private name), ``get_server_certificate``
and ``get_protocol_name``."""

import os
import sys

from cffisock._connections import _GLOBAL_DEFAULT_TIMEOUT, create_connection
from cffisock._tls_cert import DER_cert_to_PEM_cert
from cffisock._tls_constants import (CERT_NONE, CERT_REQUIRED, PROTOCOL_TLS, PROTOCOL_TLS_CLIENT,
                                     PROTOCOL_TLS_SERVER, VerifyFlags, _PROTOCOL_NAMES)
from cffisock._tls_context import SSLContext
from cffisock._tls_purpose import Purpose, purpose_oid


def _protocol_for(purpose):
    """The context kind ``purpose`` (a Purpose member, cffisock's or the
    stdlib's) asks for: client for SERVER_AUTH, server for CLIENT_AUTH."""
    oid = purpose_oid(purpose)
    if oid == Purpose.SERVER_AUTH.oid:
        return PROTOCOL_TLS_CLIENT
    if oid == Purpose.CLIENT_AUTH.oid:
        return PROTOCOL_TLS_SERVER
    raise ValueError(purpose)


def _trust_and_log_keys(context, purpose, cafile, capath, cadata):
    """Trust the given CAs or, if the context verifies, the system's; write
    key material to $SSLKEYLOGFILE if set (unless ``python -E``)."""
    if cafile or capath or cadata:
        context.load_verify_locations(cafile, capath, cadata)
    elif context.verify_mode != CERT_NONE:
        context.load_default_certs(purpose)
    keylog = os.environ.get("SSLKEYLOGFILE")
    if keylog and not sys.flags.ignore_environment:
        context.keylog_filename = keylog
    return context


def create_default_context(purpose=Purpose.SERVER_AUTH, *, cafile=None, capath=None,
                           cadata=None):
    """A context with secure settings for ``purpose``, as the stdlib's
    (on Python 3.9, as 3.9's, a PROTOCOL_TLS context set up the same way).

    ``Purpose.SERVER_AUTH`` (the default): a client context that verifies
    the server's chain and host name; ``Purpose.CLIENT_AUTH``: a server
    context (which asks for no client certificate unless told to).  Either
    trusts the given CAs, or (a client) the system's CA store; checks
    chains with VERIFY_X509_STRICT and VERIFY_X509_PARTIAL_CHAIN on every
    Python version (the stdlib from 3.13 on); takes TLS 1.2 at least; and
    writes key material to $SSLKEYLOGFILE if set (unless ``python -E``).
    """
    protocol = _protocol_for(purpose)
    if sys.version_info >= (3, 10):
        context = SSLContext(protocol)
    else:  # as 3.9's: a PROTOCOL_TLS context, set up as the purpose's kind would be
        context = SSLContext(PROTOCOL_TLS)
        if protocol == PROTOCOL_TLS_CLIENT:
            context.verify_mode = CERT_REQUIRED
            context.check_hostname = True
    context.verify_flags |= VerifyFlags.VERIFY_X509_PARTIAL_CHAIN | VerifyFlags.VERIFY_X509_STRICT
    return _trust_and_log_keys(context, purpose, cafile, capath, cadata)


#: What http.client and urllib call for a default HTTPS context.
_create_default_https_context = create_default_context


def _create_unverified_context(protocol=None, *, cert_reqs=CERT_NONE, check_hostname=False,
                               purpose=Purpose.SERVER_AUTH, certfile=None, keyfile=None,
                               cafile=None, capath=None, cadata=None):
    """The stdlib modules' context: like create_default_context() for
    ``purpose``, but verifying nothing unless asked (``cert_reqs``,
    ``check_hostname``), with this side's certificate if given, and the key
    log of $SSLKEYLOGFILE (unless ``python -E``)."""
    kind = _protocol_for(purpose)  # (TypeError for a purpose that is not one)
    if protocol is None:  # 3.9's default was PROTOCOL_TLS; 3.10's, the purpose's kind
        protocol = kind if sys.version_info >= (3, 10) else PROTOCOL_TLS
    context = SSLContext(protocol)
    context.check_hostname = check_hostname
    if cert_reqs is not None:
        context.verify_mode = cert_reqs
    if check_hostname:
        context.check_hostname = True
    if keyfile and not certfile:
        raise ValueError("certfile must be specified")
    if certfile or keyfile:
        context.load_cert_chain(certfile, keyfile)
    return _trust_and_log_keys(context, purpose, cafile, capath, cadata)


_create_stdlib_context = _create_unverified_context


def get_server_certificate(addr, ssl_version=PROTOCOL_TLS_CLIENT, ca_certs=None,
                           timeout=_GLOBAL_DEFAULT_TIMEOUT):
    """The PEM certificate the server at ``addr`` (host, port) presents,
    verified against ``ca_certs`` if given; ``timeout`` bounds the connect."""
    host, _ = addr
    context = _create_stdlib_context(ssl_version,
                                     cert_reqs=CERT_REQUIRED if ca_certs is not None
                                     else CERT_NONE,
                                     cafile=ca_certs)
    with create_connection(addr, timeout=timeout) as sock:
        with context.wrap_socket(sock, server_hostname=host) as tls_sock:
            der = tls_sock.getpeercert(True)
    return DER_cert_to_PEM_cert(der)


def get_protocol_name(protocol_code):
    """The PROTOCOL_* name of a protocol number, or '<unknown>'."""
    return _PROTOCOL_NAMES.get(protocol_code, "<unknown>")
