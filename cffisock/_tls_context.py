"""``SSLContext``: the settings and certificates TLS connections share, and
the connections made from them (``_tls_callbacks`` holds the C callbacks
through which OpenSSL asks a context for a key's password or a server name's
treatment).

A new context starts with the newest stdlib's defaults (``_tls_constants``):
TLS 1.2 at least, CPython 3.10+'s cipher list, compression and
renegotiation off; a ``PROTOCOL_TLS_CLIENT`` context verifies the peer's
chain and host name.
"""

import os
import sys
import warnings
from operator import index

from cffisock._converters import (INT_MAX, c_int, c_long, c_unsigned_long_masked, fs_path,
                                  parser_type_name, server_hostname as _server_hostname,
                                  utf8_text)
from cffisock._ffi import lib as _socket_lib
from cffisock._tls_callbacks import password_bytes, password_callback
from cffisock._tls_ciphers import openssl_names, stack_ciphers
from cffisock._tls_connection import _Connection
from cffisock._tls_constants import (CERT_NONE, CERT_REQUIRED, DEFAULT_CIPHERS,
                                     DEFAULT_OPTIONS, MODES, PINNED_VERSIONS, PROTOCOL_TLS_CLIENT,
                                     PROTOCOL_TLS_SERVER, VERIFY_MODE_FLAGS, VERSION_NUMBERS,
                                     Options, TLSVersion, VerifyFlags, VerifyMode, _SSLMethod)
from cffisock._tls_errors import SSLError, file_error, queue_error
from cffisock._tls_ffi import ffi, lib
from cffisock._tls_purpose import Purpose, purpose_oid
from cffisock._tls_socket import SSLObject, SSLSocket
from cffisock._tls_trust import ca_certificates, load_verify_locations, path_or_null, store_stats

_CHECKS_SIDES = sys.version_info >= (3, 10)

#: The two version bounds: their OpenSSL getter and setter, and the
#: TLSVersion that stands for OpenSSL's "no bound" (0) at that end.
_BOUNDS = {
    "minimum": (lib.SSL_CTX_get_min_proto_version, lib.SSL_CTX_set_min_proto_version,
                TLSVersion.MINIMUM_SUPPORTED),
    "maximum": (lib.SSL_CTX_get_max_proto_version, lib.SSL_CTX_set_max_proto_version,
                TLSVersion.MAXIMUM_SUPPORTED),
}


class SSLContext:
    """Settings and certificates shared by TLS connections.

    ``PROTOCOL_TLS_CLIENT`` contexts verify certificates and host names;
    ``PROTOCOL_TLS_SERVER`` contexts do not ask for client certificates
    unless ``verify_mode`` says so.  All refuse TLS below 1.2.  Without a
    protocol, as the stdlib's, a context is ``PROTOCOL_TLS`` (either side,
    verifying nothing until told to; deprecated from Python 3.10 on, with
    the stdlib's warnings): ask for ``PROTOCOL_TLS_CLIENT`` instead.
    """

    __module__ = "cffisock.tls"

    #: The classes of the connections ``wrap_socket`` and ``wrap_bio`` make
    #: (subclasses of SSLSocket and SSLObject may take their place).
    sslsocket_class = SSLSocket
    sslobject_class = SSLObject

    @property
    def __class__(self):
        """The stdlib's ``ssl.SSLContext`` once the program has imported
        ``ssl`` (cffisock never imports it), so that the checks of code
        written for the stdlib, ``isinstance(context, ssl.SSLContext)``
        (asyncio's ``start_tls`` and ``create_server``, trustme), accept a
        cffisock context; ``type(context)`` is cffisock's class.  No stdlib
        code runs on the context: its methods are cffisock's, and the
        stdlib's, called on it, refuse it (TypeError)."""
        stdlib_class = getattr(sys.modules.get("ssl"), "SSLContext", None)
        return stdlib_class if isinstance(stdlib_class, type) else type(self)

    def __init__(self, protocol=None):
        if protocol is None:  # the stdlib's default, deprecated from 3.10 on
            if sys.version_info >= (3, 10):
                warnings.warn("ssl.SSLContext() without protocol argument is deprecated.",
                              DeprecationWarning, stacklevel=2)
            protocol = _SSLMethod.PROTOCOL_TLS
        if protocol == PROTOCOL_TLS_CLIENT:
            method = lib.TLS_client_method()
        elif protocol == PROTOCOL_TLS_SERVER:
            method = lib.TLS_server_method()
        elif protocol in _SSLMethod.__members__.values():
            method = lib.TLS_method()
            if sys.version_info >= (3, 10):  # as the stdlib from 3.10 on
                warnings.warn("ssl.%s is deprecated" % _SSLMethod(protocol).name,
                              DeprecationWarning, stacklevel=2)
        else:
            raise ValueError("invalid or unsupported protocol version %r" % (protocol,))
        ctx = lib.SSL_CTX_new(method)
        if ctx == ffi.NULL:
            raise queue_error()
        self._ctx = ffi.gc(ctx, lib.SSL_CTX_free)
        self.protocol = _SSLMethod(protocol)
        self._checks_hostname = False
        self._alpn = None
        self._keylog = None
        self._sni_callback = None
        self._psk_client_callback = self._psk_server_callback = None
        self._offers_pha = False
        lib.SSL_CTX_set_options(ctx, DEFAULT_OPTIONS)
        lib.SSL_CTX_set_mode(ctx, MODES)
        self._pinned = PINNED_VERSIONS.get(protocol)
        if self._pinned is None:
            lib.SSL_CTX_set_min_proto_version(ctx, lib.TLS1_2_VERSION)
        else:  # one version only, as OpenSSL's TLSv1_2_method() and the like
            lib.SSL_CTX_set_min_proto_version(ctx, self._pinned)
            lib.SSL_CTX_set_max_proto_version(ctx, self._pinned)
        if not lib.SSL_CTX_set_cipher_list(ctx, DEFAULT_CIPHERS):
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
        for name, flags in VERIFY_MODE_FLAGS.items():
            if mode & ~lib.SSL_VERIFY_POST_HANDSHAKE == flags:
                return name
        raise ValueError("invalid return value %d" % mode)

    @verify_mode.setter
    def verify_mode(self, value):
        if c_int(value) not in VERIFY_MODE_FLAGS:
            raise ValueError("invalid value for verify_mode")
        value = VerifyMode(value)
        if value == CERT_NONE and self._checks_hostname:
            raise ValueError("Cannot set verify_mode to CERT_NONE when "
                             "check_hostname is enabled.")
        flags = VERIFY_MODE_FLAGS[value]
        if self._offers_pha and value != CERT_NONE:
            flags |= lib.SSL_VERIFY_POST_HANDSHAKE
        lib.SSL_CTX_set_verify(self._ctx, flags, ffi.NULL)

    @property
    def post_handshake_auth(self):
        """Whether TLS 1.3 post-handshake client authentication is enabled
        (clients offer it; servers may then call verify_client_post_handshake)."""
        return self._offers_pha

    @post_handshake_auth.setter
    def post_handshake_auth(self, value):
        self._offers_pha = bool(value)
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
        with open(path, "a") as keylog:  # fail now, like the stdlib, if it cannot be written
            if keylog.tell() == 0:  # a new file starts with the stdlib's header line
                keylog.write("# TLS secrets log file, generated by OpenSSL / Python\n")
        owned = ffi.new("char[]", path)
        self._keylog = (filename, owned)  # the C callback reads this path
        lib.cffisock_set_keylog_file(self._ctx, owned)

    @property
    def sni_callback(self):
        """Server side: ``callback(ssl_socket, server_name, context)`` run
        when a client sends SNI (``server_name`` in its ASCII form, IDNA
        A-labels, as the stdlib gives it); it may switch
        ``ssl_socket.context`` and may return an alert number to refuse the
        handshake."""
        return self._sni_callback

    @sni_callback.setter
    def sni_callback(self, callback):
        if callback is not None and not callable(callback):
            raise TypeError("not a callable object")
        if self.protocol == PROTOCOL_TLS_CLIENT and callback is not None:
            raise ValueError("sni_callback cannot be set on TLS_CLIENT context")
        self._sni_callback = callback
        lib.cffisock_set_sni_callback(self._ctx, callback is not None)

    def set_servername_callback(self, server_name_callback):
        """The older form of ``sni_callback``, which it sets (the callback
        sees the same ASCII name)."""
        if server_name_callback is not None and not callable(server_name_callback):
            raise TypeError("not a callable object")
        self.sni_callback = server_name_callback

    def set_psk_client_callback(self, callback):
        """Client side: ``callback(identity_hint)`` (the server's hint, str,
        or None; always None in TLS 1.3) returns ``(identity, key)``: the
        identity (str or None) and pre-shared key (bytes) to use.  None
        removes it."""
        if self.protocol == PROTOCOL_TLS_SERVER:
            raise SSLError(0, "Cannot add PSK client callback to a PROTOCOL_TLS_SERVER context")
        if callback is not None and not callable(callback):
            raise TypeError("callback must be callable")
        self._psk_client_callback = callback
        lib.cffisock_set_psk_client_callback(self._ctx, callback is not None)

    def set_psk_server_callback(self, callback, identity_hint=None):
        """Server side: ``callback(identity)`` (the client's identity, str
        or None) returns the pre-shared key (bytes; empty refuses the
        client); ``identity_hint`` (str) is sent to TLS 1.2 clients.  None
        removes it."""
        if identity_hint is not None and not isinstance(identity_hint, str):
            raise TypeError("set_psk_server_callback() argument 'identity_hint' must be "
                            "str or None, not %s" % parser_type_name(identity_hint))
        if self.protocol == PROTOCOL_TLS_CLIENT:
            raise SSLError(0, "Cannot add PSK server callback to a PROTOCOL_TLS_CLIENT context")
        if callback is not None and not callable(callback):
            raise TypeError("callback must be callable")
        hint = (ffi.NULL if identity_hint is None
                else utf8_text(identity_hint, "set_psk_server_callback", 2))
        if not lib.cffisock_set_psk_server_callback(self._ctx, callback is not None, hint):
            lib.ERR_clear_error()
            raise SSLError(0, "failed to set identity hint")
        self._psk_server_callback = callback

    @property
    def check_hostname(self):
        """Whether client connections check the server's host name."""
        return self._checks_hostname

    @check_hostname.setter
    def check_hostname(self, value):
        value = bool(value)
        if value and self.verify_mode == CERT_NONE:
            self.verify_mode = CERT_REQUIRED
        self._checks_hostname = value

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

    minimum_version = property(
        lambda self: _version_bound(self, "minimum"),
        lambda self, value: _set_version_bound(self, "minimum", value),
        doc="The lowest TLS version allowed (TLSVersion).")
    maximum_version = property(
        lambda self: _version_bound(self, "maximum"),
        lambda self, value: _set_version_bound(self, "maximum", value),
        doc="The highest TLS version allowed (TLSVersion).")

    @property
    def options(self):
        """OpenSSL options (Options flags)."""
        return Options(lib.SSL_CTX_get_options(self._ctx))

    @options.setter
    def options(self, value):
        current = lib.SSL_CTX_get_options(self._ctx)
        value = index(value)
        if value & ~current & _VERSION_OPTIONS and sys.version_info >= (3, 10):
            warnings.warn("ssl.OP_NO_SSL*/ssl.OP_NO_TLS* options are deprecated",
                          DeprecationWarning, stacklevel=2)
        lib.SSL_CTX_clear_options(self._ctx, current & ~value)
        lib.SSL_CTX_set_options(self._ctx, value & ~current)

    @property
    def num_tickets(self):
        """How many TLS 1.3 session tickets a server sends after the
        handshake (2 by default)."""
        return lib.SSL_CTX_get_num_tickets(self._ctx)

    @num_tickets.setter
    def num_tickets(self, value):
        value = c_long(value)
        if value < 0:
            raise ValueError("value must be non-negative")
        if self.protocol != PROTOCOL_TLS_SERVER:
            raise ValueError("SSLContext is not a server context.")
        if not lib.SSL_CTX_set_num_tickets(self._ctx, value):
            raise ValueError("failed to set num tickets.")

    @property
    def security_level(self):
        """OpenSSL's security level of the context (read-only)."""
        return lib.SSL_CTX_get_security_level(self._ctx)

    # -- certificates -----------------------------------------------------------------

    def load_cert_chain(self, certfile, keyfile=None, password=None):
        """Load this side's certificate chain and private key (PEM files).

        ``password`` (str, bytes or a callable returning one) decrypts an
        encrypted key; OpenSSL asks for it (calling a callable) only when the
        key is encrypted.
        """
        if password is not None and not callable(password):
            password_bytes(password)  # TypeError now for a wrong type
        keyfile = keyfile if keyfile is not None else certfile
        with password_callback(self._ctx, password) as request:
            if not lib.SSL_CTX_use_certificate_chain_file(self._ctx, path_or_null(certfile)):
                raise file_error(certfile)
            if not lib.SSL_CTX_use_PrivateKey_file(self._ctx, path_or_null(keyfile),
                                                   lib.SSL_FILETYPE_PEM):
                if request.error is not None:
                    lib.ERR_clear_error()
                    raise request.error
                raise file_error(keyfile)
            if not lib.SSL_CTX_check_private_key(self._ctx):
                raise queue_error()

    def load_dh_params(self, path, /):
        """Use the Diffie-Hellman parameters of the PEM file ``path`` (a "DH
        PARAMETERS" block) for DHE key exchange; OSError if the file cannot
        be opened, SSLError if it holds no such parameters."""
        sys_errno = ffi.new("int *")
        if not lib.cffisock_load_dh_params(self._ctx, fs_path(path), sys_errno):
            if sys_errno[0]:
                lib.ERR_clear_error()
                raise OSError(sys_errno[0], os.strerror(sys_errno[0]), path)
            raise queue_error()

    def load_verify_locations(self, cafile=None, capath=None, cadata=None):
        """Trust the CA certificates in ``cafile``, ``capath`` and/or
        ``cadata`` (PEM text or DER bytes)."""
        load_verify_locations(self._ctx, cafile, capath, cadata)

    def set_default_verify_paths(self):
        """Trust the system's CA store (SSL_CERT_FILE/SSL_CERT_DIR honoured)."""
        if not lib.SSL_CTX_set_default_verify_paths(self._ctx):
            raise queue_error()

    def load_default_certs(self, purpose=Purpose.SERVER_AUTH):
        """Trust the system's CA store (on Linux the same for every
        ``purpose``, a Purpose member)."""
        purpose_oid(purpose)
        self.set_default_verify_paths()

    def set_ecdh_curve(self, name, /):
        """Offer only the elliptic curve ``name`` (an OpenSSL short name such
        as "prime256v1", str or bytes) for ECDH key exchange."""
        nid = lib.OBJ_sn2nid(fs_path(name))
        if nid == 0:
            raise ValueError("unknown elliptic curve name %r" % (name,))
        if not lib.SSL_CTX_set1_groups(self._ctx, ffi.new("int[1]", [nid]), 1):
            raise queue_error()

    def set_ciphers(self, ciphers):
        """Set the TLS 1.2 cipher list (OpenSSL cipher list syntax)."""
        if not lib.SSL_CTX_set_cipher_list(self._ctx, _names("set_ciphers", ciphers)):
            lib.ERR_clear_error()
            raise SSLError("No cipher can be selected.")

    def set_ciphersuites(self, ciphersuites, /):
        """Set the TLS 1.3 cipher suites ("TLS_AES_256_GCM_SHA384:...";
        names OpenSSL does not know are left out, as long as one is known)."""
        _set_names(self, "set_ciphersuites", ciphersuites, lib.SSL_CTX_set_ciphersuites,
                   "No cipher suite can be selected.")

    def set_groups(self, grouplist, /):
        """Set the key exchange groups offered, in order of preference
        ("X25519:secp256r1:...")."""
        _set_names(self, "set_groups", grouplist, lib.SSL_CTX_set1_groups_list,
                   "unrecognized group")

    def get_groups(self, /, *, include_aliases=False):
        """The key exchange groups this context may offer within its version
        bounds (3.15's), their aliases too with ``include_aliases``.
        NotImplementedError on an OpenSSL before 3.5, as CPython's."""
        if not lib.CFFISOCK_HAS_GET_GROUPS:
            raise NotImplementedError("get_groups() requires OpenSSL 3.5 or later")
        return openssl_names(lib.cffisock_implemented_groups(self._ctx, bool(include_aliases)))

    def set_client_sigalgs(self, sigalgslist, /):
        """Set the signature algorithms allowed for client authentication
        ("rsa_pss_rsae_sha256:ecdsa_secp256r1_sha256:...")."""
        _set_names(self, "set_client_sigalgs", sigalgslist,
                   lib.SSL_CTX_set1_client_sigalgs_list, "unrecognized signature algorithm")

    def set_server_sigalgs(self, sigalgslist, /):
        """Set the signature algorithms allowed for the server's
        certificate proof (the same syntax)."""
        _set_names(self, "set_server_sigalgs", sigalgslist, lib.SSL_CTX_set1_sigalgs_list,
                   "unrecognized signature algorithm")

    def get_ciphers(self):
        """The enabled ciphers, as dicts with name, protocol and bits."""
        return stack_ciphers(lib.cffisock_SSL_CTX_get_ciphers(self._ctx))

    def set_npn_protocols(self, npn_protocols):
        """NPN, which ALPN replaced, is not offered (HAS_NPN is False): after
        the stdlib's checks (and, from 3.10 on, its deprecation warning),
        what a stdlib without NPN raises: 3.9's NotImplementedError, and
        from 3.10 on the AttributeError of its missing C method."""
        if sys.version_info >= (3, 10):
            warnings.warn("ssl NPN is deprecated, use ALPN instead", DeprecationWarning,
                          stacklevel=2)
        for protocol in npn_protocols:
            if not 0 < len(bytes(protocol, "ascii")) < 256:
                raise SSLError("NPN protocols must be 1 to 255 in length")
        if sys.version_info >= (3, 10):
            raise AttributeError("'SSLContext' object has no attribute '_set_npn_protocols'")
        raise NotImplementedError("The NPN extension requires OpenSSL 1.0.1 or later.")

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
        return {name: getattr(lib, "SSL_CTX_sess_" + name)(self._ctx) for name in (
            "number", "connect", "connect_good", "connect_renegotiate", "accept",
            "accept_good", "accept_renegotiate", "hits", "misses", "timeouts", "cache_full")}

    def cert_store_stats(self):
        """How many certificates (and of them CA certificates) and CRLs the
        context's store holds: ``{'x509': ..., 'crl': ..., 'x509_ca': ...}``."""
        return store_stats(self._ctx)

    def get_ca_certs(self, binary_form=False):
        """The CA certificates of the context's store: dicts as getpeercert()
        gives, or DER bytes with ``binary_form``."""
        return ca_certificates(self._ctx, binary_form)

    # -- connections --------------------------------------------------------------------

    def _new_connection(self, server_side, server_hostname, session):
        """A connection of this context (the callers have checked
        ``server_hostname`` against the side and check_hostname)."""
        server_hostname = _server_hostname(server_hostname)
        # From 3.10 on the stdlib refuses a connection of the other side than
        # the context's; 3.9's lets OpenSSL fail its handshake (SSLError:
        # "called a function you should not call").
        if server_side and self.protocol == PROTOCOL_TLS_CLIENT and _CHECKS_SIDES:
            raise SSLError(0, "Cannot create a server socket with a PROTOCOL_TLS_CLIENT context")
        if not server_side and self.protocol == PROTOCOL_TLS_SERVER and _CHECKS_SIDES:
            raise SSLError(0, "Cannot create a client socket with a PROTOCOL_TLS_SERVER context")
        return _Connection(self, server_side, server_hostname, session)

    def wrap_socket(self, sock, server_side=False, do_handshake_on_connect=True,
                    suppress_ragged_eofs=True, server_hostname=None, session=None):
        """Return an SSLSocket that takes over ``sock`` (a connected or
        connectable cffisock socket); ``sock`` is detached.  As the stdlib's:
        the argument checks leave ``sock`` alone; a failure after them (a
        host name that does not encode, a handshake) closes it."""
        if sock.getsockopt(_socket_lib.SOL_SOCKET, _socket_lib.SO_TYPE) != _socket_lib.SOCK_STREAM:
            raise NotImplementedError("only stream sockets are supported")
        if server_side:
            if server_hostname:
                raise ValueError("server_hostname can only be specified in client mode")
            if session is not None:
                raise ValueError("session can only be specified in client mode")
        if self._checks_hostname and not server_hostname:
            raise ValueError("check_hostname requires server_hostname")
        try:
            connection = self._new_connection(server_side, server_hostname, session)
        except BaseException:
            sock.close()  # (the stdlib's has taken the descriptor over by then, and closes it)
            raise
        return self.sslsocket_class._create(sock, connection, do_handshake_on_connect,
                                            suppress_ragged_eofs)

    def wrap_bio(self, incoming, outgoing, server_side=False, server_hostname=None,
                 session=None):
        """Return an SSLObject reading TLS records from ``incoming`` and
        writing them to ``outgoing`` (both MemoryBIO)."""
        if server_side and server_hostname:
            raise ValueError("server_hostname can only be specified in client mode")
        if not server_side and self._checks_hostname and not server_hostname:
            raise ValueError("check_hostname requires server_hostname")
        connection = self._new_connection(server_side, server_hostname, session)
        connection.attach_bios(incoming, outgoing)
        return self.sslobject_class._create(connection)


def unverified_client_over(sock, certfile=None, keyfile=None):
    """The spec's ``ssl()``: a client connection over the connected socket
    ``sock`` that verifies nothing (presenting ``certfile``/``keyfile`` if
    given), its handshake done within the socket's timeout."""
    context = SSLContext(PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = CERT_NONE
    if certfile is not None:
        context.load_cert_chain(certfile, keyfile)
    connection = context._new_connection(False, None, None)
    connection.attach_socket(sock)
    connection.shake_hands(sock.gettimeout())
    return connection


# -- lists of names -----------------------------------------------------------------------


def _names(caller, names):
    """A list of names for OpenSSL ("A:B:C"): a str (Argument Clinic's
    words otherwise), UTF-8 without NUL."""
    if not isinstance(names, str):
        raise TypeError("%s() argument must be str, not %s" % (caller, parser_type_name(names)))
    encoded = names.encode("utf-8")
    if b"\0" in encoded:
        raise ValueError("embedded null character")
    return encoded


def _set_names(context, caller, names, setter, failure):
    """Give ``setter`` the list ``names``; SSLError(0, ``failure``) if
    OpenSSL refuses it (the stdlib's words)."""
    if setter(context._ctx, _names(caller, names)) <= 0:
        lib.ERR_clear_error()
        raise SSLError(0, failure)


# -- version bounds ------------------------------------------------------------------------

#: The options that switch protocol versions off, and the versions, whose
#: use the stdlib deprecates from 3.10 on (version bounds say it instead).
_VERSION_OPTIONS = (lib.SSL_OP_NO_SSLv2 | lib.SSL_OP_NO_SSLv3 | lib.SSL_OP_NO_TLSv1
                    | lib.SSL_OP_NO_TLSv1_1 | lib.SSL_OP_NO_TLSv1_2 | lib.SSL_OP_NO_TLSv1_3)
_DEPRECATED_VERSIONS = {TLSVersion.SSLv3, TLSVersion.TLSv1, TLSVersion.TLSv1_1}


def _version_bound(context, which):
    """The ``which`` ("minimum" or "maximum") version bound of ``context``
    as a TLSVersion; a context pinned to one version reports no bound, as
    the stdlib's fixed-version contexts do."""
    getter, _, unbounded = _BOUNDS[which]
    version = 0 if context._pinned else getter(context._ctx)
    return TLSVersion(version) if version else unbounded


def _set_version_bound(context, which, value):
    """Set the ``which`` version bound, with the stdlib's checks: a C long,
    then no more than a C int, then a TLSVersion value; a context pinned to
    one version refuses."""
    _, setter, unbounded = _BOUNDS[which]
    ctx = context._ctx
    value = c_long(value)
    if value > INT_MAX:
        raise OverflowError("Option is too long")
    if context._pinned:
        raise ValueError("The context's protocol doesn't support modification of "
                         "highest and lowest version.")
    if value not in VERSION_NUMBERS:
        raise ValueError("Unsupported TLS/SSL version 0x%x" % (value & 0xFFFFFFFF))
    if value in _DEPRECATED_VERSIONS and sys.version_info >= (3, 10):
        warnings.warn("ssl.TLSVersion.%s is deprecated" % TLSVersion(value).name,
                      DeprecationWarning, stacklevel=3)
    number = value
    if value < 0:
        # As the stdlib: the bound's own end is OpenSSL's limit (0), the
        # other end the oldest or newest version there is.
        number = 0 if value == unbounded else (
            lib.TLS1_VERSION if value == TLSVersion.MINIMUM_SUPPORTED else lib.TLS1_3_VERSION)
    if not setter(ctx, number):
        raise ValueError("Unsupported TLS/SSL version 0x%x" % number)
    if number == TLSVersion.SSLv3 and which == "minimum":
        lib.SSL_CTX_clear_options(ctx, lib.SSL_OP_NO_SSLv3)  # as the stdlib
