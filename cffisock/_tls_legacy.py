"""The module functions that Python 3.12 removed from ``ssl``:
``wrap_socket``, ``match_hostname`` and ``RAND_pseudo_bytes``.
``cffisock.tls`` offers them on the Python versions whose stdlib still has
them (3.9 to 3.11, and PyPy 3.9), with that version's deprecation warnings
(3.10 and 3.11 warn), so code written for those versions runs unchanged.

``match_hostname`` checks a ``getpeercert()`` dict as the stdlib's did
(RFC 6125: one wildcard, only as the whole leftmost label; IP addresses
only against IP subjectAltNames; the subject's common name only when there
is no DNS or IP subjectAltName).  Connections never rely on it: OpenSSL
checks host names during the handshake.
"""

import sys
import warnings

from cffisock._inet import inet_aton, inet_ntoa, inet_pton
from cffisock._ffi import lib as _socket_lib
from cffisock._tls_constants import CERT_NONE, PROTOCOL_TLS
from cffisock._tls_context import SSLContext
from cffisock._tls_errors import CertificateError, queue_error
from cffisock._converters import clinic_int
from cffisock._tls_ffi import ffi, lib

#: The versions whose stdlib warns that these functions are deprecated.
_WARNS = sys.version_info >= (3, 10)


def _deprecated(message):
    if _WARNS:
        warnings.warn(message, DeprecationWarning, stacklevel=3)


def wrap_socket(sock, keyfile=None, certfile=None, server_side=False, cert_reqs=CERT_NONE,
                ssl_version=PROTOCOL_TLS, ca_certs=None, do_handshake_on_connect=True,
                suppress_ragged_eofs=True, ciphers=None):
    """An SSLSocket over ``sock`` from a context made for the call (which
    verifies nothing unless ``cert_reqs`` says so): use
    ``SSLContext.wrap_socket``."""
    _deprecated("ssl.wrap_socket() is deprecated, use SSLContext.wrap_socket()")
    if server_side and not certfile:
        raise ValueError("certfile must be specified for server-side operations")
    if keyfile and not certfile:
        raise ValueError("certfile must be specified")
    context = SSLContext(ssl_version)  # (which warns too, as the stdlib's)
    context.verify_mode = cert_reqs
    if ca_certs:
        context.load_verify_locations(ca_certs)
    if certfile:
        context.load_cert_chain(certfile, keyfile)
    if ciphers:
        context.set_ciphers(ciphers)
    return context.wrap_socket(sock=sock, server_side=server_side,
                               do_handshake_on_connect=do_handshake_on_connect,
                               suppress_ragged_eofs=suppress_ragged_eofs)


def RAND_pseudo_bytes(n, /):
    """``(n random bytes, whether they are cryptographically strong)``:
    use RAND_bytes."""
    n = clinic_int(n)  # (before the warning, as the stdlib's converter)
    _deprecated("ssl.RAND_pseudo_bytes() is deprecated")
    if n < 0:
        raise ValueError("num must be positive")
    buffer = ffi.new("unsigned char[]", n)
    result = lib.RAND_bytes(buffer, n)
    if result not in (0, 1):
        raise queue_error()
    lib.ERR_clear_error()
    return ffi.buffer(buffer, n)[:], result == 1


def match_hostname(cert, hostname):
    """Check that ``cert`` (a getpeercert() dict) names ``hostname``;
    CertificateError if it does not."""
    _deprecated("ssl.match_hostname() is deprecated")
    if not cert:
        raise ValueError("empty or no certificate, match_hostname needs a SSL socket or "
                         "SSL context with either CERT_OPTIONAL or CERT_REQUIRED")
    try:
        host_ip = _inet_paton(hostname)
    except ValueError:
        host_ip = None  # a name, not an address
    names = []
    for kind, value in cert.get("subjectAltName", ()):
        if kind == "DNS":
            if host_ip is None and _dns_name_matches(value, hostname):
                return
            names.append(value)
        elif kind == "IP Address":
            if host_ip is not None and _inet_paton(value.rstrip()) == host_ip:
                return
            names.append(value)
    if not names:  # the subject's common name counts only without subjectAltNames
        for relative_name in cert.get("subject", ()):
            for key, value in relative_name:
                if key == "commonName":
                    if _dns_name_matches(value, hostname):
                        return
                    names.append(value)
    if len(names) > 1:
        raise CertificateError("hostname %r doesn't match either of %s"
                               % (hostname, ", ".join(map(repr, names))))
    if names:
        raise CertificateError("hostname %r doesn't match %r" % (hostname, names[0]))
    raise CertificateError("no appropriate commonName or subjectAltName fields were found")


def _dns_name_matches(pattern, hostname):
    """Whether the certificate's DNS name ``pattern`` matches ``hostname``
    (case-insensitively; ``*`` only as the whole leftmost label, standing
    for one non-empty label).  CertificateError for a pattern RFC 6125
    does not allow."""
    if not pattern:
        return False
    wildcards = pattern.count("*")
    if not wildcards:
        return pattern.lower() == hostname.lower()
    if wildcards > 1:
        raise CertificateError("too many wildcards in certificate DNS name: {!r}.".format(pattern))
    leftmost, dot, rest = pattern.partition(".")
    if "*" in rest:
        raise CertificateError(
            "wildcard can only be present in the leftmost label: {!r}.".format(pattern))
    if not dot:
        raise CertificateError(
            "sole wildcard without additional labels are not support: {!r}.".format(pattern))
    if leftmost != "*":
        raise CertificateError(
            "partial wildcards in leftmost label are not supported: {!r}.".format(pattern))
    host_leftmost, dot, host_rest = hostname.partition(".")
    if not host_leftmost or not dot:
        return False
    return rest.lower() == host_rest.lower()


def _inet_paton(text):
    """The packed form of an IPv4 address in dotted-quad form (exactly, as
    inet_ntoa gives it back) or of an IPv6 address; ValueError for
    anything else, naming a short or trailing IPv4 form as such.  (Named
    as the stdlib's helper, which its tests call.)"""
    try:
        packed = inet_aton(text)
    except OSError:
        pass
    else:
        if inet_ntoa(packed) != text:
            raise ValueError("{!r} is not a quad-dotted IPv4 address.".format(text))
        return packed
    try:
        return inet_pton(_socket_lib.AF_INET6, text)
    except OSError:
        pass
    raise ValueError("{!r} is neither an IPv4 nor an IP6 address.".format(text))
