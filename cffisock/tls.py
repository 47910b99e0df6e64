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
"""

import errno
import os
import sys
import weakref
from enum import IntEnum, IntFlag
from operator import index

from cffisock._errors import oserror, timeout as _socket_timeout
from cffisock._ffi import lib as _socket_lib
from cffisock._socketobj import socket as _socket
from cffisock._converters import (INT_MAX as _INT_MAX, bytes_like, c_int, c_long, c_ssize_t,
                                  c_unsigned_long_masked, parser_type_name,
                                  release as _release, server_hostname as _server_hostname,
                                  writable_buffer)
from cffisock._sendfile import sendfile_by_reading
from cffisock._scratch import (BUFFER_SIZE as _BUFFER_SIZE, give_buffer as _give_buffer,
                               take_buffer as _take_buffer)
from cffisock._tls_cert import decode_certificate, der_bytes
from cffisock._tls_errors import (  # noqa: F401 (public names)
    CertificateError,
    SSLCertVerificationError,
    SSLEOFError,
    SSLError,
    SSLSyscallError,
    SSLWantReadError,
    SSLWantWriteError,
    SSLZeroReturnError,
    queue_error,
    tls_error,
)
from cffisock._tls_ffi import ffi, lib
from cffisock._tls_purpose import Purpose, _ASN1Object, purpose_oid  # noqa: F401 (public names)
from cffisock._waiting import POLLIN, POLLOUT, deadline_after, interrupted, wait_fd, would_block

OPENSSL_VERSION = ffi.string(lib.OpenSSL_version(0)).decode("ascii")
OPENSSL_VERSION_NUMBER = lib.OPENSSL_VERSION_NUMBER

HAS_SNI = HAS_ALPN = HAS_TLSv1_2 = HAS_TLSv1_3 = True
CHANNEL_BINDING_TYPES = ["tls-unique"]

#: The stdlib's protocol numbers for the two modern context kinds.
PROTOCOL_TLS_CLIENT = 16
PROTOCOL_TLS_SERVER = 17


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


globals().update(Options.__members__)


class VerifyFlags(IntFlag):
    VERIFY_DEFAULT = 0
    VERIFY_CRL_CHECK_LEAF = lib.X509_V_FLAG_CRL_CHECK
    VERIFY_CRL_CHECK_CHAIN = lib.X509_V_FLAG_CRL_CHECK | lib.X509_V_FLAG_CRL_CHECK_ALL
    VERIFY_X509_STRICT = lib.X509_V_FLAG_X509_STRICT
    VERIFY_X509_PARTIAL_CHAIN = lib.X509_V_FLAG_PARTIAL_CHAIN
    VERIFY_X509_TRUSTED_FIRST = lib.X509_V_FLAG_TRUSTED_FIRST


globals().update(VerifyFlags.__members__)

_VERSION_NUMBERS = frozenset(int(version) for version in TLSVersion)
_VERIFY_FLAGS = {
    CERT_NONE: lib.SSL_VERIFY_NONE,
    CERT_OPTIONAL: lib.SSL_VERIFY_PEER,
    CERT_REQUIRED: lib.SSL_VERIFY_PEER | lib.SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
}
_DEFAULT_OPTIONS = (
    Options.OP_ALL | lib.SSL_OP_NO_SSLv2 | lib.SSL_OP_NO_SSLv3
    | lib.SSL_OP_NO_COMPRESSION | lib.SSL_OP_NO_RENEGOTIATION
    | lib.SSL_OP_CIPHER_SERVER_PREFERENCE | lib.SSL_OP_SINGLE_DH_USE
    | lib.SSL_OP_SINGLE_ECDH_USE | lib.SSL_OP_ENABLE_MIDDLEBOX_COMPAT)
#: The TLS 1.2 cipher list of every new context: CPython 3.10+'s
#: (PY_SSL_DEFAULT_CIPHER_STRING), on every Python version: forward secrecy,
#: AEAD first, no SHA-1 MACs, no PSK, SRP, DSS or static-RSA key exchange.
_DEFAULT_CIPHERS = (b"@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES"
                    b":!aNULL:!eNULL:!aDSS:!SHA1:!AESCCM")
# As the stdlib: no partial writes, so one SSL_write takes a whole send (in
# as many records as it needs); a retried write may pass a moved buffer.
_MODES = lib.SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | lib.SSL_MODE_AUTO_RETRY
_HANDSHAKE = lib.CFFISOCK_SSL_HANDSHAKE
_READ = lib.CFFISOCK_SSL_READ
_WRITE = lib.CFFISOCK_SSL_WRITE
_SHUTDOWN = lib.CFFISOCK_SSL_SHUTDOWN
#: Each operation's name (in timeout messages), by its code.
_OPERATION_NAMES = {_HANDSHAKE: "handshake", _READ: "read", _WRITE: "write",
                    _SHUTDOWN: "shutdown"}
_ssl_io = lib.cffisock_ssl_io
_from_buffer = ffi.from_buffer
_unpack = ffi.unpack
#: What one connection's SSL holds in C memory once it has carried data
#: (the state and both record buffers), for ffi.gc: PyPy's collector counts
#: it, so that dropped connections are freed before their C memory piles up.
_SSL_MEMORY = 32 << 10


def _fsencode(path):
    return os.fsencode(path) if path is not None else ffi.NULL


def _password_bytes(password, from_callable=False):
    if isinstance(password, str):
        return password.encode("utf-8")
    if isinstance(password, (bytes, bytearray)):
        return bytes(password)
    raise TypeError("password callback must return a string" if from_callable
                    else "password should be a string or callable")


class _PasswordRequest:
    """What the password callback needs: the caller's password (or callable)
    and, afterwards, the exception it raised, if any."""

    def __init__(self, password):
        self.password = password
        self.error = None

    def answer(self, size):
        password = self.password
        if callable(password):
            password = _password_bytes(password(), from_callable=True)
        else:
            password = _password_bytes(password)
        if len(password) > size:
            raise ValueError("password cannot be longer than %d bytes" % size)
        return password


class SSLContext:
    """Settings and certificates shared by TLS connections.

    ``PROTOCOL_TLS_CLIENT`` contexts verify certificates and host names;
    ``PROTOCOL_TLS_SERVER`` contexts do not ask for client certificates
    unless ``verify_mode`` says so.  Both refuse TLS below 1.2.
    """

    def __init__(self, protocol=PROTOCOL_TLS_CLIENT):
        if protocol == PROTOCOL_TLS_CLIENT:
            method = lib.TLS_client_method()
        elif protocol == PROTOCOL_TLS_SERVER:
            method = lib.TLS_server_method()
        else:
            raise ValueError("invalid or unsupported protocol version %r" % (protocol,))
        ctx = lib.SSL_CTX_new(method)
        if ctx == ffi.NULL:
            raise queue_error()
        self._ctx = ffi.gc(ctx, lib.SSL_CTX_free)
        self.protocol = protocol
        self._check_hostname = False
        self._alpn = None
        self._keylog = None
        self._sni_callback = None
        self._post_handshake_auth = False
        lib.SSL_CTX_set_options(ctx, _DEFAULT_OPTIONS)
        lib.SSL_CTX_set_mode(ctx, _MODES)
        lib.SSL_CTX_set_min_proto_version(ctx, lib.TLS1_2_VERSION)
        if not lib.SSL_CTX_set_cipher_list(ctx, _DEFAULT_CIPHERS):
            lib.ERR_clear_error()
            raise SSLError("No cipher can be selected.")
        if protocol == PROTOCOL_TLS_CLIENT:
            self.verify_mode = CERT_REQUIRED
            self.check_hostname = True
        else:
            self.verify_mode = CERT_NONE
        param = lib.SSL_CTX_get0_param(ctx)
        lib.X509_VERIFY_PARAM_set_hostflags(param, lib.X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS)
        # As the stdlib: better chains when cross-signed intermediates exist.
        lib.X509_VERIFY_PARAM_set_flags(param, lib.X509_V_FLAG_TRUSTED_FIRST)

    # -- verification ---------------------------------------------------------------

    @property
    def verify_mode(self):
        """CERT_NONE, CERT_OPTIONAL or CERT_REQUIRED."""
        mode = lib.SSL_CTX_get_verify_mode(self._ctx)
        for name, flags in _VERIFY_FLAGS.items():
            if mode & ~lib.SSL_VERIFY_POST_HANDSHAKE == flags:
                return name
        raise ValueError("invalid return value %d" % mode)

    @verify_mode.setter
    def verify_mode(self, value):
        if c_int(value) not in _VERIFY_FLAGS:
            raise ValueError("invalid value for verify_mode")
        value = VerifyMode(value)
        if value == CERT_NONE and self._check_hostname:
            raise ValueError("Cannot set verify_mode to CERT_NONE when "
                             "check_hostname is enabled.")
        flags = _VERIFY_FLAGS[value]
        if self._post_handshake_auth and value != CERT_NONE:
            flags |= lib.SSL_VERIFY_POST_HANDSHAKE
        lib.SSL_CTX_set_verify(self._ctx, flags, ffi.NULL)

    @property
    def post_handshake_auth(self):
        """Whether TLS 1.3 post-handshake client authentication is enabled
        (clients offer it; servers may then call verify_client_post_handshake)."""
        return self._post_handshake_auth

    @post_handshake_auth.setter
    def post_handshake_auth(self, value):
        self._post_handshake_auth = bool(value)
        self.verify_mode = self.verify_mode  # re-apply the verify flags

    @property
    def keylog_filename(self):
        """A file to which TLS key material is appended (NSS key log
        format, for Wireshark), or None."""
        return self._keylog[0] if self._keylog else None

    @keylog_filename.setter
    def keylog_filename(self, filename):
        if filename is None:
            self._keylog = None
            lib.cffisock_set_keylog_file(self._ctx, ffi.NULL)
            return
        path = os.fsencode(filename)
        with open(path, "a"):
            pass  # fail now, like the stdlib, if it cannot be written
        owned = ffi.new("char[]", path)
        self._keylog = (filename, owned)  # the C callback reads this path
        lib.cffisock_set_keylog_file(self._ctx, owned)

    @property
    def sni_callback(self):
        """Server side: ``callback(ssl_socket, server_name, context)`` run
        when a client sends SNI; it may switch ``ssl_socket.context`` and may
        return an alert number to refuse the handshake."""
        return self._sni_callback

    @sni_callback.setter
    def sni_callback(self, callback):
        if callback is not None and not callable(callback):
            raise TypeError("not a callable object")
        if self.protocol == PROTOCOL_TLS_CLIENT and callback is not None:
            raise ValueError("sni_callback cannot be set on TLS_CLIENT context")
        self._sni_callback = callback
        lib.cffisock_set_sni_callback(self._ctx, callback is not None)

    @property
    def check_hostname(self):
        """Whether client connections check the server's host name."""
        return self._check_hostname

    @check_hostname.setter
    def check_hostname(self, value):
        value = bool(value)
        if value and self.verify_mode == CERT_NONE:
            self.verify_mode = CERT_REQUIRED
        self._check_hostname = value

    @property
    def hostname_checks_common_name(self):
        """Whether a certificate without a DNS name in its subjectAltName
        may match the host name by its subject's common name (default True,
        as the stdlib's; False refuses such certificates)."""
        flags = lib.X509_VERIFY_PARAM_get_hostflags(lib.SSL_CTX_get0_param(self._ctx))
        return not flags & lib.X509_CHECK_FLAG_NEVER_CHECK_SUBJECT

    @hostname_checks_common_name.setter
    def hostname_checks_common_name(self, value):
        param = lib.SSL_CTX_get0_param(self._ctx)
        flags = lib.X509_VERIFY_PARAM_get_hostflags(param)
        if value:
            flags &= ~lib.X509_CHECK_FLAG_NEVER_CHECK_SUBJECT
        else:
            flags |= lib.X509_CHECK_FLAG_NEVER_CHECK_SUBJECT
        lib.X509_VERIFY_PARAM_set_hostflags(param, flags)

    @property
    def verify_flags(self):
        """X509 verification flags (VerifyFlags)."""
        return VerifyFlags(lib.X509_VERIFY_PARAM_get_flags(lib.SSL_CTX_get0_param(self._ctx)))

    @verify_flags.setter
    def verify_flags(self, value):
        value = c_unsigned_long_masked(value)
        param = lib.SSL_CTX_get0_param(self._ctx)
        current = lib.X509_VERIFY_PARAM_get_flags(param)
        lib.X509_VERIFY_PARAM_clear_flags(param, current & ~value)
        lib.X509_VERIFY_PARAM_set_flags(param, value & ~current)

    # -- protocol versions and options ----------------------------------------------------

    def _version(self, getter):
        version = getter(self._ctx)
        return TLSVersion(version) if version else (
            TLSVersion.MINIMUM_SUPPORTED if getter is lib.SSL_CTX_get_min_proto_version
            else TLSVersion.MAXIMUM_SUPPORTED)

    def _set_version(self, setter, value):
        value = c_long(value)  # the stdlib: a C long, then no more than a C int
        if value > _INT_MAX:
            raise OverflowError("Option is too long")
        if value not in _VERSION_NUMBERS:
            raise ValueError("Unsupported TLS/SSL version 0x%x" % (value & 0xFFFFFFFF))
        number = value
        if value < 0:
            # As the stdlib: the bound's own end is OpenSSL's limit (0), the
            # other end the oldest or newest version there is.
            own_end = (TLSVersion.MINIMUM_SUPPORTED if setter is lib.SSL_CTX_set_min_proto_version
                       else TLSVersion.MAXIMUM_SUPPORTED)
            number = 0 if value == own_end else (
                lib.TLS1_VERSION if value == TLSVersion.MINIMUM_SUPPORTED else lib.TLS1_3_VERSION)
        if not setter(self._ctx, number):
            raise ValueError("Unsupported TLS/SSL version 0x%x" % number)
        if number == TLSVersion.SSLv3 and setter is lib.SSL_CTX_set_min_proto_version:
            lib.SSL_CTX_clear_options(self._ctx, lib.SSL_OP_NO_SSLv3)  # as the stdlib

    minimum_version = property(
        lambda self: self._version(lib.SSL_CTX_get_min_proto_version),
        lambda self, value: self._set_version(lib.SSL_CTX_set_min_proto_version, value),
        doc="The lowest TLS version allowed (TLSVersion).")
    maximum_version = property(
        lambda self: self._version(lib.SSL_CTX_get_max_proto_version),
        lambda self, value: self._set_version(lib.SSL_CTX_set_max_proto_version, value),
        doc="The highest TLS version allowed (TLSVersion).")

    @property
    def options(self):
        """OpenSSL options (Options flags)."""
        return Options(lib.SSL_CTX_get_options(self._ctx))

    @options.setter
    def options(self, value):
        current = lib.SSL_CTX_get_options(self._ctx)
        value = index(value)
        lib.SSL_CTX_clear_options(self._ctx, current & ~value)
        lib.SSL_CTX_set_options(self._ctx, value & ~current)

    # -- certificates -----------------------------------------------------------------

    def load_cert_chain(self, certfile, keyfile=None, password=None):
        """Load this side's certificate chain and private key (PEM files).

        ``password`` (str, bytes or a callable returning one) decrypts an
        encrypted key; OpenSSL asks for it (calling a callable) only when the
        key is encrypted.
        """
        if password is not None and not callable(password):
            _password_bytes(password)  # TypeError now for a wrong type
        request = _PasswordRequest(password)
        handle = ffi.new_handle(request)
        lib.SSL_CTX_set_default_passwd_cb_userdata(self._ctx, handle)
        lib.cffisock_set_password_callback(self._ctx, password is not None)
        try:
            if not lib.SSL_CTX_use_certificate_chain_file(self._ctx, _fsencode(certfile)):
                raise _file_error(certfile)
            if not lib.SSL_CTX_use_PrivateKey_file(
                    self._ctx, _fsencode(keyfile if keyfile is not None else certfile),
                    lib.SSL_FILETYPE_PEM):
                if request.error is not None:
                    lib.ERR_clear_error()
                    raise request.error
                raise _file_error(keyfile if keyfile is not None else certfile)
            if not lib.SSL_CTX_check_private_key(self._ctx):
                raise queue_error()
        finally:
            lib.cffisock_set_password_callback(self._ctx, False)
            lib.SSL_CTX_set_default_passwd_cb_userdata(self._ctx, ffi.NULL)
            del handle  # alive until OpenSSL is done with it

    def load_verify_locations(self, cafile=None, capath=None, cadata=None):
        """Trust the CA certificates in ``cafile``, ``capath`` and/or
        ``cadata`` (PEM text or DER bytes)."""
        if cafile is None and capath is None and cadata is None:
            raise TypeError("cafile, capath and cadata cannot be all omitted")
        if cafile is not None or capath is not None:
            if not lib.SSL_CTX_load_verify_locations(
                    self._ctx, _fsencode(cafile), _fsencode(capath)):
                raise _file_error(cafile or capath)
        if cadata is not None:
            self._load_cadata(cadata)

    def _load_cadata(self, cadata):
        store = lib.SSL_CTX_get_cert_store(self._ctx)
        try:
            empty = len(cadata if isinstance(cadata, str) else memoryview(cadata)) == 0
        except TypeError:
            raise TypeError("cadata should be an ASCII string or a bytes-like object") from None
        if empty:
            raise ValueError("Empty certificate data")
        if isinstance(cadata, str):
            if not cadata.isascii():
                raise TypeError("cadata should be an ASCII string or a bytes-like object")
            # A memory BIO reads the caller's buffer in place: it must be
            # memory cffi owns (a bytes object may move on PyPy).
            data = ffi.new("char[]", cadata.encode("ascii"))
            bio = ffi.gc(lib.BIO_new_mem_buf(data, len(data) - 1), lib.BIO_free)
            loaded = 0
            while True:
                certificate = lib.PEM_read_bio_X509(bio, ffi.NULL, ffi.NULL, ffi.NULL)
                if certificate == ffi.NULL:
                    break
                lib.X509_STORE_add_cert(store, certificate)
                lib.X509_free(certificate)
                loaded += 1
            lib.ERR_clear_error()
            if not loaded:
                raise SSLError(0, "no start line: cadata does not contain a certificate")
            return
        with bytes_like(cadata) as view:
            raw = ffi.buffer(view)[:]
        data = ffi.new("char[]", raw)  # cffi-owned: d2i_X509 reads it in place
        pointer = ffi.new("unsigned char **", ffi.cast("unsigned char *", data))
        end = len(raw)
        start = int(ffi.cast("uintptr_t", pointer[0]))
        while int(ffi.cast("uintptr_t", pointer[0])) - start < end:
            remaining = end - (int(ffi.cast("uintptr_t", pointer[0])) - start)
            certificate = lib.d2i_X509(ffi.NULL, ffi.cast("const unsigned char **", pointer),
                                       remaining)
            if certificate == ffi.NULL:
                raise queue_error()
            lib.X509_STORE_add_cert(store, certificate)
            lib.X509_free(certificate)
        del data  # alive until every certificate was read

    def set_default_verify_paths(self):
        """Trust the system's CA store (SSL_CERT_FILE/SSL_CERT_DIR honoured)."""
        if not lib.SSL_CTX_set_default_verify_paths(self._ctx):
            raise queue_error()

    def load_default_certs(self, purpose=Purpose.SERVER_AUTH):
        """Trust the system's CA store (on Linux the same for every
        ``purpose``, a Purpose member)."""
        purpose_oid(purpose)
        self.set_default_verify_paths()

    def set_ciphers(self, ciphers):
        """Set the TLS 1.2 cipher list (OpenSSL cipher list syntax)."""
        if not isinstance(ciphers, str):
            raise TypeError("set_ciphers() argument must be str, not %s"
                            % parser_type_name(ciphers))
        encoded = ciphers.encode("utf-8")
        if b"\0" in encoded:
            raise ValueError("embedded null character")
        if not lib.SSL_CTX_set_cipher_list(self._ctx, encoded):
            lib.ERR_clear_error()
            raise SSLError("No cipher can be selected.")

    def get_ciphers(self):
        """The enabled ciphers, as dicts with name, protocol and bits."""
        return [_cipher_dict(ffi.cast("SSL_CIPHER *", lib.OPENSSL_sk_value(stack, i)))
                for stack in [lib.cffisock_SSL_CTX_get_ciphers(self._ctx)]
                for i in range(lib.OPENSSL_sk_num(stack))]

    def set_alpn_protocols(self, alpn_protocols):
        """Offer (client) or accept (server) these ALPN protocol names."""
        wire = b""
        for protocol in alpn_protocols:
            encoded = bytes(protocol, "ascii")
            if not 0 < len(encoded) < 256:
                raise SSLError("ALPN protocols must be 1 to 255 in length")
            wire += bytes([len(encoded)]) + encoded
        alpn = ffi.new("struct cffisock_alpn *")
        buffer = ffi.new("unsigned char[]", wire)
        alpn.protocols = buffer
        alpn.length = len(wire)
        self._alpn = (alpn, buffer)  # owned here: the callback reads them
        if lib.SSL_CTX_set_alpn_protos(self._ctx, buffer, len(wire)) != 0:
            raise queue_error()
        lib.cffisock_set_alpn_select(self._ctx, alpn)

    def session_stats(self):
        """OpenSSL's session cache counters, as the stdlib names them."""
        ctx = self._ctx
        return {
            "number": lib.SSL_CTX_sess_number(ctx),
            "connect": lib.SSL_CTX_sess_connect(ctx),
            "connect_good": lib.SSL_CTX_sess_connect_good(ctx),
            "connect_renegotiate": lib.SSL_CTX_sess_connect_renegotiate(ctx),
            "accept": lib.SSL_CTX_sess_accept(ctx),
            "accept_good": lib.SSL_CTX_sess_accept_good(ctx),
            "accept_renegotiate": lib.SSL_CTX_sess_accept_renegotiate(ctx),
            "hits": lib.SSL_CTX_sess_hits(ctx),
            "misses": lib.SSL_CTX_sess_misses(ctx),
            "timeouts": lib.SSL_CTX_sess_timeouts(ctx),
            "cache_full": lib.SSL_CTX_sess_cache_full(ctx),
        }

    def _stored_certificates(self):
        """``(certificates, crl_count)`` of the context's certificate store;
        the ``X509 *`` are the store's.  Certificates of a ``capath``
        directory are there only once a verification looked them up (as
        with the stdlib)."""
        store = lib.SSL_CTX_get_cert_store(self._ctx)
        certificate = ffi.new("X509 **")
        certificates, crls = [], 0
        for position in range(lib.cffisock_store_size(store)):
            kind = lib.cffisock_store_object(store, position, certificate)
            if kind == lib.CFFISOCK_STORE_CERTIFICATE:
                certificates.append(certificate[0])
            elif kind == lib.CFFISOCK_STORE_CRL:
                crls += 1
        return certificates, crls

    def cert_store_stats(self):
        """How many certificates (and of them CA certificates) and CRLs the
        context's store holds: ``{'x509': ..., 'crl': ..., 'x509_ca': ...}``."""
        certificates, crls = self._stored_certificates()
        authorities = sum(1 for certificate in certificates if lib.X509_check_ca(certificate))
        return {"x509": len(certificates), "crl": crls, "x509_ca": authorities}

    def get_ca_certs(self, binary_form=False):
        """The CA certificates of the context's store: dicts as getpeercert()
        gives, or DER bytes with ``binary_form``."""
        encode = der_bytes if binary_form else decode_certificate
        return [encode(certificate) for certificate in self._stored_certificates()[0]
                if lib.X509_check_ca(certificate)]

    # -- connections --------------------------------------------------------------------

    def _new_connection(self, server_side, server_hostname, session):
        server_hostname = _server_hostname(server_hostname)
        if server_side and self.protocol == PROTOCOL_TLS_CLIENT:
            raise ValueError("Cannot create a server socket with a "
                             "PROTOCOL_TLS_CLIENT context")
        if not server_side and self.protocol == PROTOCOL_TLS_SERVER:
            raise ValueError("Cannot create a client socket with a "
                             "PROTOCOL_TLS_SERVER context")
        if server_side and server_hostname:
            raise ValueError("server_hostname can only be specified in client mode")
        if not server_side and self._check_hostname and not server_hostname:
            raise ValueError("check_hostname requires server_hostname")
        return _Connection(self, server_side, server_hostname, session)

    def wrap_socket(self, sock, server_side=False, do_handshake_on_connect=True,
                    suppress_ragged_eofs=True, server_hostname=None, session=None):
        """Return an SSLSocket that takes over ``sock`` (a connected or
        connectable cffisock socket); ``sock`` is detached."""
        if sock.getsockopt(_socket_lib.SOL_SOCKET, _socket_lib.SO_TYPE) != _socket_lib.SOCK_STREAM:
            raise NotImplementedError("only stream sockets are supported")
        connection = self._new_connection(server_side, server_hostname, session)
        return SSLSocket._create(sock, connection, do_handshake_on_connect,
                                 suppress_ragged_eofs)

    def wrap_bio(self, incoming, outgoing, server_side=False, server_hostname=None,
                 session=None):
        """Return an SSLObject reading TLS records from ``incoming`` and
        writing them to ``outgoing`` (both MemoryBIO)."""
        connection = self._new_connection(server_side, server_hostname, session)
        connection.attach_bios(incoming, outgoing)
        return SSLObject(connection)


def _file_error(path):
    error = queue_error()
    if path is not None and not os.path.exists(os.fsdecode(path)):
        return FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
    return error


def _nid_name(nid):
    return ffi.string(lib.OBJ_nid2ln(nid)).decode("ascii") if nid != lib.NID_undef else None


def _cipher_dict(cipher):
    """The stdlib's dict for a cipher (get_ciphers)."""
    bits = ffi.new("int *")
    strength = lib.SSL_CIPHER_get_bits(cipher, bits)
    description = ffi.new("char[]", 256)
    lib.SSL_CIPHER_description(cipher, description, 255)
    text = ffi.string(description).decode("ascii")
    return {
        "id": lib.SSL_CIPHER_get_id(cipher),
        "name": ffi.string(lib.SSL_CIPHER_get_name(cipher)).decode("ascii"),
        "protocol": ffi.string(lib.SSL_CIPHER_get_version(cipher)).decode("ascii"),
        "description": text[:-1] if text.endswith("\n") else text,
        "strength_bits": strength,
        "alg_bits": bits[0],
        "aead": bool(lib.SSL_CIPHER_is_aead(cipher)),
        "symmetric": _nid_name(lib.SSL_CIPHER_get_cipher_nid(cipher)),
        "digest": _nid_name(lib.SSL_CIPHER_get_digest_nid(cipher)),
        "kea": _nid_name(lib.SSL_CIPHER_get_kx_nid(cipher)),
        "auth": _nid_name(lib.SSL_CIPHER_get_auth_nid(cipher)),
    }


class MemoryBIO:
    """An in-memory buffer of TLS bytes, for SSLObject."""

    def __init__(self):
        bio = lib.BIO_new(lib.BIO_s_mem())
        if bio == ffi.NULL:
            raise MemoryError()
        # An empty buffer means "no data yet" (WANT_READ), not end of file.
        lib.BIO_set_mem_eof_return(bio, -1)
        self._bio = ffi.gc(bio, lib.BIO_free)
        self._eof_written = False

    @property
    def pending(self):
        """The number of bytes buffered."""
        return lib.BIO_ctrl_pending(self._bio)

    @property
    def eof(self):
        """True once write_eof() was called and the buffer is empty."""
        return self._eof_written and self.pending == 0

    def read(self, size=-1):
        """Take up to ``size`` bytes (all if negative)."""
        size = self.pending if size < 0 else min(size, self.pending)
        if not size:
            return b""
        buffer = _take_buffer(size)
        try:
            return _unpack(buffer, max(lib.BIO_read(self._bio, buffer, size), 0))
        finally:
            _give_buffer(buffer, size)

    def write(self, data):
        """Append bytes; return how many."""
        if self._eof_written:
            raise SSLError(lib.SSL_ERROR_SSL, "cannot write() after write_eof()")
        view = bytes_like(data)
        try:
            size = len(view)
            written = lib.BIO_write(self._bio, view, size) if size else 0
        finally:
            _release(view)
        if written < 0:
            raise queue_error()
        return written

    def write_eof(self):
        """Mark the end of the stream: once drained, reads see EOF."""
        self._eof_written = True
        lib.BIO_set_mem_eof_return(self._bio, 0)


class _Connection:
    """One OpenSSL ``SSL`` and the operations on it.

    ``run(operation, buffer, size, wait)`` performs one TLS operation through
    ``cffisock_ssl_io``; ``wait(want_write)`` is called when OpenSSL needs
    the socket to become readable or writable (it raises to give up).
    """

    def __init__(self, context, server_side, server_hostname, session):
        ssl = lib.SSL_new(context._ctx)
        if ssl == ffi.NULL:
            raise queue_error()
        self.ssl = ffi.gc(ssl, lib.SSL_free, _SSL_MEMORY)
        self.context = context
        # The owner and the handle that leads OpenSSL's callbacks back here
        # are weak references: a reference cycle through either would keep
        # OpenSSL's memory (some 30 KB a connection) until Python's cycle
        # collector runs, where the stdlib frees it when the socket goes.
        self._owner = None
        self._handle = ffi.new_handle(weakref.ref(self))
        lib.SSL_set_app_data(ssl, self._handle)
        self.server_side = server_side
        self.server_hostname = server_hostname
        self.handshake_done = False
        # The descriptor OpenSSL reads and writes (attach_fd); -1 once the
        # socket gave it up; None over memory BIOs.
        self.fd = None
        # One result struct per operation: a reader thread and a writer
        # thread may share a connection (as with the stdlib, whose results
        # are C locals), and must not overwrite each other's byte counts.
        self._outcomes = {operation: ffi.new("struct cffisock_ssl_outcome *")
                          for operation in _OPERATION_NAMES}
        lib.SSL_set_mode(ssl, _MODES)
        if server_side:
            lib.SSL_set_accept_state(ssl)
        else:
            lib.SSL_set_connect_state(ssl)
            if context.post_handshake_auth:
                lib.SSL_set_post_handshake_auth(ssl, 1)
            if server_hostname:
                self._set_hostname(server_hostname)
            if session is not None:
                if not lib.SSL_set_session(ssl, session._session):
                    raise queue_error()

    @property
    def owner(self):
        """The SSLSocket or SSLObject over this connection (for sni_callback)."""
        return self._owner()

    @owner.setter
    def owner(self, owner):
        self._owner = weakref.ref(owner)

    def _set_hostname(self, hostname):
        """SNI and the name to check, for ``hostname`` as
        _converters.server_hostname made it (ASCII text: a second IDNA pass would refuse names the
        stdlib takes, such as b'\\x01..')."""
        encoded = hostname.encode("ascii")
        is_ip = _is_ip_address(encoded)
        if not is_ip:
            # SNI is sent whenever a host name (not an address) is given.
            if not lib.SSL_set_tlsext_host_name(self.ssl, encoded):
                raise queue_error()
        if self.context.check_hostname:
            param = lib.SSL_get0_param(self.ssl)
            ok = (lib.X509_VERIFY_PARAM_set1_ip_asc(param, encoded) if is_ip
                  else lib.X509_VERIFY_PARAM_set1_host(param, encoded, len(encoded)))
            if not ok:
                raise queue_error()

    def run_on_fd(self, timeout, operation, buffer=ffi.NULL, size=0, deadline=None):
        """run() on the attached descriptor with the socket's ``timeout``:
        wait with poll until the deadline (one per call unless given); a
        non-blocking socket (timeout 0.0) raises SSLWantRead/WriteError.

        The first attempt is made here, without the waiting machinery:
        most reads and writes complete at once."""
        if self.fd != -1:  # else run() raises EBADF
            result = _ssl_io(self.ssl, operation, buffer, size, self._outcomes[operation])
            if result > 0:
                return result
        else:
            result = None
        if deadline is None and timeout:
            deadline = deadline_after(timeout)

        def wait(want_write):
            if timeout == 0.0:
                self.raise_want(want_write)
            # The descriptor as it is now: -1 once the socket was closed
            # meanwhile (no wait; run() then raises EBADF).
            wait_fd(self.fd, POLLOUT if want_write else POLLIN, deadline)

        try:
            return self.run(operation, buffer, size, wait, result)
        except _socket_timeout:
            raise _socket_timeout("The %s operation timed out"
                                  % _OPERATION_NAMES[operation]) from None

    def raise_want(self, want_write):
        """The ``wait`` of a call that must not wait (memory BIOs, a
        non-blocking socket): raise SSLWantWriteError or SSLWantReadError."""
        raise tls_error(self.ssl, -1, lib.SSL_ERROR_WANT_WRITE if want_write
                        else lib.SSL_ERROR_WANT_READ, 0, 0)

    def write_all(self, timeout, view, deadline=None):
        """Send all of the cdata ``view``, one deadline for the whole call
        (``deadline`` if given, else ``timeout`` from now); partial writes
        continue from where they stopped."""
        size = view.__len__()
        if deadline is None and timeout:
            deadline = deadline_after(timeout)
        total = 0
        while total < size:
            total += self.run_on_fd(timeout, _WRITE, view + total, size - total,
                                    deadline)

    def attach_fd(self, fd):
        if not lib.SSL_set_fd(self.ssl, fd):
            raise queue_error()
        self.fd = fd

    def release_fd(self):
        """The socket is giving its descriptor up (close, detach): from now
        on no operation reaches OpenSSL, which would use the number."""
        self.fd = -1

    def attach_bios(self, incoming, outgoing):
        """Read records from ``incoming`` and write them to ``outgoing``.

        cffisock MemoryBIOs are handed to OpenSSL directly.  Other objects
        with the MemoryBIO interface (the stdlib's ``ssl.MemoryBIO``, which
        asyncio passes) are bridged: bytes are moved between them and two
        internal MemoryBIOs around each operation (``pump_in``/``pump_out``);
        ``bridge`` holds them, or None.
        """
        self.bridge = None
        if not (isinstance(incoming, MemoryBIO) and isinstance(outgoing, MemoryBIO)):
            self.bridge = (incoming, outgoing)
            incoming, outgoing = MemoryBIO(), MemoryBIO()
        # SSL_set_bio takes over one reference of each BIO; the MemoryBIO
        # objects keep theirs.
        lib.BIO_up_ref(incoming._bio)
        lib.BIO_up_ref(outgoing._bio)
        lib.SSL_set_bio(self.ssl, incoming._bio, outgoing._bio)
        self._bios = (incoming, outgoing)

    def pump_in(self):
        """Bridged BIOs: move the caller's incoming bytes (and EOF) in."""
        theirs, ours = self.bridge[0], self._bios[0]
        data = theirs.read()
        if data:
            ours.write(data)
        if theirs.eof and not ours._eof_written:
            ours.write_eof()

    def pump_out(self):
        """Bridged BIOs: move the records OpenSSL wrote to the caller's BIO."""
        data = self._bios[1].read()
        if data:
            self.bridge[1].write(data)

    def run(self, operation, buffer, size, wait, result=None):
        """Perform ``operation`` until it completes; return its byte count
        (or SSL_shutdown's result).  ``result``: what a first attempt the
        caller made returned (its outcome struct holds the rest), or None.

        A read that meets the peer's close_notify before this side sent one
        returns 0, the end of the stream; once both sides sent theirs, it
        raises SSLZeroReturnError (as CPython's _ssl decides, by
        SSL_get_shutdown)."""
        outcome = self._outcomes[operation]
        while True:
            if result is None:
                if self.fd == -1:
                    # Closed or detached, maybe by another thread while this
                    # one waited: the number may name another file by now.
                    raise oserror(errno.EBADF)
                result = _ssl_io(self.ssl, operation, buffer, size, outcome)
            if result > 0 or (operation == _SHUTDOWN and result == 0):
                return result
            ssl_error = outcome.ssl_error
            if ssl_error == lib.SSL_ERROR_NONE:
                return result  # a write of 0 bytes, which succeeded
            if ssl_error == lib.SSL_ERROR_WANT_READ:
                wait(False)
            elif ssl_error == lib.SSL_ERROR_WANT_WRITE:
                wait(True)
            elif (ssl_error == lib.SSL_ERROR_SYSCALL and would_block(outcome.system_errno)
                  and not outcome.error_code):
                # The socket would block, but OpenSSL's record of it (the SSL's
                # rwstate, the BIO's retry flags) was reset by a call in the
                # other direction on another thread: wait as for a want.
                wait(operation == _WRITE)
            elif (ssl_error == lib.SSL_ERROR_SYSCALL and interrupted(outcome.system_errno)
                  and not outcome.error_code):
                pass  # PEP 475: the signal handlers ran; retry
            elif (ssl_error == lib.SSL_ERROR_ZERO_RETURN and operation == _READ
                  and lib.SSL_get_shutdown(self.ssl) == lib.SSL_RECEIVED_SHUTDOWN):
                return 0
            else:
                raise tls_error(self.ssl, result, ssl_error, outcome.system_errno,
                                outcome.error_code, self.server_hostname)
            result = None

    # -- what the connection negotiated ---------------------------------------------------

    def getpeercert(self, binary_form):
        if not self.handshake_done:
            raise ValueError("handshake not done yet")
        certificate = lib.SSL_get1_peer_certificate(self.ssl)
        if certificate == ffi.NULL:
            return None
        try:
            if binary_form:
                return der_bytes(certificate)
            if lib.SSL_get_verify_result(self.ssl) != lib.X509_V_OK or \
                    self.context.verify_mode == CERT_NONE:
                return {}
            return decode_certificate(certificate)
        finally:
            lib.X509_free(certificate)

    def chain(self, stack):
        if stack == ffi.NULL:
            return []
        return [der_bytes(ffi.cast("X509 *", lib.OPENSSL_sk_value(stack, i)))
                for i in range(lib.OPENSSL_sk_num(stack))]

    def cipher(self):
        current = lib.SSL_get_current_cipher(self.ssl)
        if current == ffi.NULL:
            return None
        details = _cipher_dict(current)
        return details["name"], details["protocol"], details["strength_bits"]

    def version(self):
        if not self.handshake_done:
            return None
        return ffi.string(lib.SSL_get_version(self.ssl)).decode("ascii")

    def selected_alpn_protocol(self):
        data = ffi.new("unsigned char **")
        length = ffi.new("unsigned int *")
        lib.SSL_get0_alpn_selected(self.ssl, data, length)
        if data[0] == ffi.NULL or length[0] == 0:
            return None
        return ffi.unpack(ffi.cast("char *", data[0]), length[0]).decode("ascii")

    def tls_unique(self):
        """The 'tls-unique' channel binding: the first Finished message of
        the handshake, or None before it."""
        buffer = ffi.new("char[]", 128)
        # The first Finished: the client's in a full handshake, the server's
        # in a resumed one (CPython: reused ^ !server_side).
        ours = bool(lib.SSL_session_reused(self.ssl)) == self.server_side
        length = (lib.SSL_get_finished if ours else lib.SSL_get_peer_finished)(
            self.ssl, buffer, 128)
        return ffi.unpack(buffer, length) if length else None

    def switch_context(self, context):
        lib.SSL_set_SSL_CTX(self.ssl, context._ctx)
        self.context = context

    def shared_ciphers(self):
        offered = lib.cffisock_SSL_get_client_ciphers(self.ssl)
        if not self.server_side or offered == ffi.NULL:
            return None
        ours = {details["name"] for details in self.context.get_ciphers()}
        shared = [_cipher_dict(ffi.cast("SSL_CIPHER *", lib.OPENSSL_sk_value(offered, i)))
                  for i in range(lib.OPENSSL_sk_num(offered))]
        return [(c["name"], c["protocol"], c["strength_bits"])
                for c in shared if c["name"] in ours]

    def session(self):
        session = lib.SSL_get1_session(self.ssl)
        if session == ffi.NULL:
            return None
        return SSLSession(ffi.gc(session, lib.SSL_SESSION_free))


def _read_size(length, available=None):
    """The byte count a read asks OpenSSL for, decided as the stdlib's
    ``_ssl`` does: ``length`` is a C ssize_t; without a buffer it must not be
    negative; into a buffer of ``available`` bytes, a ``length`` that is not
    positive or exceeds the buffer means the whole buffer (never more)."""
    length = c_ssize_t(length)
    if available is None:
        if length < 0:
            raise ValueError("size should not be negative")
        return length
    return length if 0 < length <= available else available


def _read_bytes(size, read_into):
    """A read without a buffer: ``size`` checked as _read_size does, then
    the bytes ``read_into(buffer, size)`` stored, through a spare receive
    buffer when ``size`` allows (as the plain socket's recv)."""
    if type(size) is not int or not 0 < size <= _BUFFER_SIZE:
        size = _read_size(size)
        if not size:
            return b""
    buffer = _take_buffer(size)
    try:
        return _unpack(buffer, read_into(buffer, size))
    finally:
        _give_buffer(buffer, size)


def _is_ip_address(encoded):
    probe = ffi.new("unsigned char[16]")
    return any(_socket_lib.inet_pton(family, encoded, probe) == 1
               for family in (_socket_lib.AF_INET, _socket_lib.AF_INET6))


class SSLSession:
    """A TLS session, to resume with ``wrap_socket(..., session=)``."""

    def __init__(self, session):
        self._session = session

    @property
    def id(self):
        """The session id (bytes)."""
        length = ffi.new("unsigned int *")
        data = lib.SSL_SESSION_get_id(self._session, length)
        return ffi.unpack(ffi.cast("char *", data), length[0])

    time = property(lambda self: lib.SSL_SESSION_get_time(self._session),
                    doc="When the session was made (seconds since the epoch).")
    timeout = property(lambda self: lib.SSL_SESSION_get_timeout(self._session),
                       doc="The session's lifetime in seconds.")
    ticket_lifetime_hint = property(
        lambda self: lib.SSL_SESSION_get_ticket_lifetime_hint(self._session),
        doc="The server's hint for the ticket's lifetime in seconds.")
    has_ticket = property(lambda self: bool(lib.SSL_SESSION_has_ticket(self._session)),
                          doc="Whether the session carries a ticket.")

    def __eq__(self, other):
        if not isinstance(other, SSLSession):
            return NotImplemented
        return self.id == other.id

    def __hash__(self):
        return hash(self.id)


class _TLSMethods:
    """What SSLSocket and SSLObject share: read, the shutdown, and the
    negotiated details.  Each class gives ``_run`` (one operation, waiting
    or raising the want) and ``_read_into`` (a read into a cdata buffer)."""

    __slots__ = ()

    def read(self, len=1024, buffer=None):
        """Read up to ``len`` decrypted bytes (into ``buffer`` if given,
        returning their count), through the class's ``_read_into``."""
        if buffer is None:
            return _read_bytes(len, self._read_into)
        target = writable_buffer(buffer, "read")
        try:
            return self._read_into(target, _read_size(len, target.__len__()))
        finally:
            _release(target)

    def _shut_down(self):
        """SSL_shutdown as CPython's _ssl makes it: a second call when the
        first only sent close_notify, to take the peer's (through the
        class's ``_run``, which waits or raises the want)."""
        if self._run(_SHUTDOWN) == 0:
            self._run(_SHUTDOWN)

    def getpeercert(self, binary_form=False):
        """The peer's certificate: a dict (empty if it was not verified),
        DER bytes with ``binary_form=True``, or None if there is none."""
        return self._connection.getpeercert(binary_form)

    def get_verified_chain(self):
        """The verified chain, leaf first, as DER bytes."""
        return self._connection.chain(lib.cffisock_SSL_get0_verified_chain(self._connection.ssl))

    def get_unverified_chain(self):
        """The chain the peer sent, as DER bytes."""
        return self._connection.chain(lib.cffisock_SSL_get_peer_cert_chain(self._connection.ssl))

    def cipher(self):
        """``(name, protocol, secret bits)`` of the negotiated cipher."""
        return self._connection.cipher()

    def version(self):
        """The negotiated protocol ('TLSv1.3'), or None before the handshake."""
        return self._connection.version()

    def selected_alpn_protocol(self):
        """The ALPN protocol both sides chose, or None."""
        return self._connection.selected_alpn_protocol()

    def get_channel_binding(self, cb_type="tls-unique"):
        """The channel binding data of ``cb_type`` (only 'tls-unique')."""
        if cb_type not in CHANNEL_BINDING_TYPES:
            raise ValueError("{0} channel binding type not implemented".format(cb_type))
        return self._connection.tls_unique()

    def compression(self):
        """The compression in use: always None (cffisock turns it off)."""
        return None

    def pending(self):
        """Decrypted bytes ready to read without I/O."""
        return lib.SSL_pending(self._connection.ssl)

    @property
    def session(self):
        """The TLS session, for resumption."""
        return self._connection.session()

    @property
    def session_reused(self):
        """True if the handshake resumed a session."""
        return bool(lib.SSL_session_reused(self._connection.ssl))

    @property
    def server_hostname(self):
        return self._connection.server_hostname

    @property
    def server_side(self):
        return self._connection.server_side

    @property
    def context(self):
        """The SSLContext; the sni_callback may switch it."""
        return self._connection.context

    @context.setter
    def context(self, context):
        self._connection.switch_context(context)

    def shared_ciphers(self):
        """Server side: the ciphers the client offered that this side
        supports, as (name, protocol, bits); None on the client side."""
        return self._connection.shared_ciphers()

    def verify_client_post_handshake(self):
        """Ask a TLS 1.3 client for its certificate after the handshake."""
        if not lib.SSL_verify_client_post_handshake(self._connection.ssl):
            raise queue_error()


class SSLObject(_TLSMethods):
    """A TLS connection over two MemoryBIOs (no I/O of its own): each call
    either completes or raises SSLWantReadError/SSLWantWriteError."""

    __slots__ = ("_connection", "__weakref__")

    def __init__(self, connection):
        self._connection = connection
        connection.owner = self

    def _run(self, operation, buffer=ffi.NULL, size=0):
        connection = self._connection
        if connection.bridge is None:
            return connection.run(operation, buffer, size, connection.raise_want)
        connection.pump_in()
        try:
            return connection.run(operation, buffer, size, connection.raise_want)
        finally:
            connection.pump_out()

    def do_handshake(self):
        """Advance the handshake."""
        self._run(_HANDSHAKE)
        self._connection.handshake_done = True

    def _read_into(self, target, size):
        return self._run(_READ, target, size) if size else 0

    def write(self, data):
        """Encrypt ``data``; return the number of bytes taken."""
        view = bytes_like(data)
        try:
            return self._run(_WRITE, view, view.__len__())
        finally:
            _release(view)

    def unwrap(self):
        """Send close_notify and take the peer's (SSLWantReadError until the
        peer's has come in)."""
        self._shut_down()


def _refused(name, exception):
    """A socket method that TLS sockets refuse with ``exception``."""
    def refused(self, *args, **kwargs):
        raise exception("%s not allowed on instances of %s" % (name, self.__class__))
    refused.__name__ = refused.__qualname__ = name
    return refused


class SSLSocket(_TLSMethods, _socket):
    """A cffisock socket speaking TLS (from ``SSLContext.wrap_socket``)."""

    __slots__ = ("_connection", "_suppress_ragged_eofs", "_handshake_on_connect")

    @classmethod
    def _create(cls, sock, connection, do_handshake_on_connect, suppress_ragged_eofs):
        timeout = sock.gettimeout()
        family, kind, proto = sock.family, sock.type, sock.proto
        fd = sock.detach()
        self = cls._from_fd(fd, family, kind, proto)
        self._connection = connection
        connection.owner = self
        self._suppress_ragged_eofs = suppress_ragged_eofs
        self._handshake_on_connect = do_handshake_on_connect
        self.settimeout(timeout)
        connection.attach_fd(fd)
        try:
            self.getpeername()
        except OSError:
            return self  # not connected yet: connect() will shake hands
        if do_handshake_on_connect:
            try:
                self.do_handshake()
            except BaseException:
                self.close()
                raise
        return self

    def _run(self, operation, buffer=ffi.NULL, size=0):
        return self._connection.run_on_fd(self._timeout, operation,
                                          buffer, size)

    def do_handshake(self, block=False):
        """Perform the TLS handshake (the socket's timeout bounds it)."""
        self._run(_HANDSHAKE)
        self._connection.handshake_done = True

    def accept(self):
        """Accept a connection and wrap it as a server-side SSLSocket."""
        sock, address = _socket.accept(self)
        return self.context.wrap_socket(
            sock, server_side=True,
            do_handshake_on_connect=self._handshake_on_connect,
            suppress_ragged_eofs=self._suppress_ragged_eofs), address

    def _real_close(self):
        self._connection.release_fd()  # before the number is released
        _socket._real_close(self)

    def detach(self):
        """Give up the descriptor and return it; the TLS connection ends
        here (later calls raise OSError(EBADF))."""
        self._connection.release_fd()
        return _socket.detach(self)

    def dup(self):
        raise NotImplementedError("Can't dup() %s instances" % self.__class__.__name__)

    def connect(self, address):
        """Connect, then shake hands if do_handshake_on_connect."""
        _socket.connect(self, address)
        if self._handshake_on_connect:
            self.do_handshake()

    def _read_into(self, target, size):
        if not size:
            return 0
        try:
            return self._connection.run_on_fd(self._timeout, _READ, target, size)
        except SSLEOFError:
            if self._suppress_ragged_eofs:
                return 0
            raise

    def write(self, data):
        """Encrypt and send ``data``; return the number of bytes taken."""
        view = bytes_like(data)
        try:
            return self._connection.run_on_fd(self._timeout, _WRITE, view, view.__len__())
        finally:
            _release(view)

    def recv(self, buflen=1024, flags=0):
        if flags:
            raise ValueError("non-zero flags not allowed in calls to recv() on %s"
                             % self.__class__)
        return _read_bytes(buflen, self._read_into)

    def recv_into(self, buffer, nbytes=None, flags=0):
        if flags:
            raise ValueError("non-zero flags not allowed in calls to recv_into() on %s"
                             % self.__class__)
        try:
            target = _from_buffer("char[]", buffer, True)
        except (TypeError, BufferError):
            target = writable_buffer(buffer, "recv_into")  # raises the stdlib's error
        try:
            size = target.__len__()
            if nbytes is not None:
                size = _read_size(nbytes, size)
            return self._read_into(target, size)
        finally:
            _release(target)

    def send(self, data, flags=0):
        if flags:
            raise ValueError("non-zero flags not allowed in calls to send() on %s"
                             % self.__class__)
        return self.write(data)

    def sendall(self, data, flags=0):
        """Send all of ``data``; the timeout bounds the whole call."""
        if flags:
            raise ValueError("non-zero flags not allowed in calls to sendall() on %s"
                             % self.__class__)
        view = bytes_like(data)
        try:
            self._connection.write_all(self._timeout, view)
        finally:
            _release(view)

    def sendfile(self, file, offset=0, count=None):
        """Send a file's bytes through TLS, as the stdlib's: read from the
        file and encrypted (never sendfile(2), which would send them in the
        clear); the socket.sendfile() checks, results and file position,
        one deadline for the call.  Return the number of bytes sent."""
        return sendfile_by_reading(self, file, offset, count)

    def _send_all(self, view, deadline):
        self._connection.write_all(self._timeout, view, deadline)

    def unwrap(self):
        """Shut TLS down and return the plain cffisock socket."""
        self._shut_down()
        timeout = self._timeout
        family, kind, proto = self._family, self._type, self._proto
        plain = _socket._from_fd(self.detach(), family, kind, proto)
        plain.settimeout(timeout)
        return plain

    # Datagram and ancillary-data calls would bypass TLS: refused, with the
    # stdlib's exception types (and the same for cffisock's batched calls).
    sendto = _refused("sendto", ValueError)
    recvfrom = _refused("recvfrom", ValueError)
    recvfrom_into = _refused("recvfrom_into", ValueError)
    sendmsg = _refused("sendmsg", NotImplementedError)
    recvmsg = _refused("recvmsg", NotImplementedError)
    recvmsg_into = _refused("recvmsg_into", NotImplementedError)
    sendmmsg = _refused("sendmmsg", NotImplementedError)
    recvmmsg = _refused("recvmmsg", NotImplementedError)
    recvmmsg_into = _refused("recvmmsg_into", NotImplementedError)


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
    oid = purpose_oid(purpose)
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


@ffi.def_extern()
def cffisock_sni_python(ssl, alert):
    """The server name callback: run the context's sni_callback."""
    connection = ffi.from_handle(lib.SSL_get_app_data(ssl))()
    callback = connection.context.sni_callback
    if callback is None:
        return lib.SSL_TLSEXT_ERR_OK
    name = lib.SSL_get_servername(ssl, lib.TLSEXT_NAMETYPE_host_name)
    server_name = ffi.string(name).decode("idna") if name != ffi.NULL else None
    try:
        result = callback(connection.owner, server_name, connection.context)
    except BaseException as exc:  # reported, and the handshake fails
        sys.unraisablehook(_Unraisable(exc, callback))
        alert[0] = lib.SSL_AD_INTERNAL_ERROR
        return lib.SSL_TLSEXT_ERR_ALERT_FATAL
    if result is None:
        return lib.SSL_TLSEXT_ERR_OK
    alert[0] = int(result)
    return lib.SSL_TLSEXT_ERR_ALERT_FATAL


class _Unraisable:
    """What sys.unraisablehook expects (the stdlib reports an exception in
    sni_callback the same way)."""

    def __init__(self, exc, callback):
        self.exc_type = type(exc)
        self.exc_value = exc
        self.exc_traceback = exc.__traceback__
        self.err_msg = "Exception ignored in sni_callback"
        self.object = callback


@ffi.def_extern()
def cffisock_password_python(buffer, size, rwflag, userdata):
    """OpenSSL asks for the password of an encrypted key."""
    request = ffi.from_handle(userdata)
    try:
        password = request.answer(size)
    except Exception as exc:  # raised again by load_cert_chain
        request.error = exc
        return -1
    ffi.memmove(buffer, password, len(password))
    return len(password)
