"""TLS connections as Python objects: ``SSLSocket`` (a cffisock socket
speaking TLS over its descriptor) and ``SSLObject`` (sans-I/O, over two
memory BIOs), with what they share in ``_TLSMethods``.

Every way they send application bytes goes through TLS; the socket methods
that would pass TLS by (datagrams, ancillary data, ``dup``) are refused as
the stdlib refuses them.  A closed or detached ``SSLSocket`` has descriptor
-1, which its connection reads before every operation (EBADF, never a
number that may name another file by then).
"""

import errno
import sys
import warnings

from cffisock._converters import bytes_like, release as _release, writable_buffer
from cffisock._sendfile import sendfile_by_reading
from cffisock._socketobj import socket as _socket
from cffisock._tls_connection import read_bytes, read_size
from cffisock._tls_constants import CHANNEL_BINDING_TYPES, HANDSHAKE, READ, SHUTDOWN, WRITE
from cffisock._tls_errors import SSLError, SSLEOFError, queue_error
from cffisock._tls_ffi import ffi, lib

_from_buffer = ffi.from_buffer
_ENOTCONN, _EINVAL = errno.ENOTCONN, errno.EINVAL

#: The TypeError of a direct call of SSLSocket() or SSLObject(), in the
#: stdlib's words.
_NO_CONSTRUCTOR = ("%s does not have a public constructor. "
                   "Instances are returned by SSLContext.%s().")


class _TLSMethods:
    """What SSLSocket and SSLObject share: read, the shutdown, and the
    negotiated details.  Each class gives ``_run`` (one operation, waiting
    or raising the want) and ``_read_into`` (a read into a cdata buffer)."""

    __slots__ = ()

    def read(self, len=1024, buffer=None):
        """Read up to ``len`` decrypted bytes (into ``buffer`` if given,
        returning their count), through the class's ``_read_into``."""
        if buffer is None:
            return read_bytes(len, self._read_into)
        target = writable_buffer(buffer, "read")
        try:
            return self._read_into(target, read_size(len, target.__len__()))
        finally:
            _release(target)

    def _shut_down(self):
        """SSL_shutdown as CPython's _ssl makes it: a second call when the
        first only sent close_notify, to take the peer's (through the
        class's ``_run``, which waits or raises the want)."""
        if self._run(SHUTDOWN) == 0:
            self._run(SHUTDOWN)

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

    def group(self):
        """The key exchange group negotiated ('x25519', 'secp384r1'...),
        or None (before the handshake, or a key exchange without one)."""
        return self._connection.group()

    def client_sigalg(self):
        """The signature algorithm of the client's certificate proof, or
        None (3.15's).  NotImplementedError on an OpenSSL before 3.5, as
        CPython's."""
        return self._connection.sigalg("client")

    def server_sigalg(self):
        """The signature algorithm of the server's certificate proof, or
        None (3.15's).  NotImplementedError on an OpenSSL before 3.5, as
        CPython's."""
        return self._connection.sigalg("server")

    def selected_npn_protocol(self):
        """None: cffisock negotiates no NPN (ALPN replaced it).  Deprecated,
        with the stdlib's warning, from Python 3.10 on."""
        if sys.version_info >= (3, 10):
            warnings.warn("ssl NPN is deprecated, use ALPN instead", DeprecationWarning,
                          stacklevel=2)
        return None

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
        """The TLS session, for resumption; a client may set one (of its
        context) before the handshake, to resume it."""
        return self._connection.session()

    @session.setter
    def session(self, session):
        self._connection.set_session(session)

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

    __module__ = "cffisock.tls"
    __slots__ = ("_connection", "__weakref__")

    def __init__(self, *args, **kwargs):
        raise TypeError(_NO_CONSTRUCTOR % (self.__class__.__name__, "wrap_bio"))

    @classmethod
    def _create(cls, connection):
        self = cls.__new__(cls)
        self._connection = connection
        connection.owner = self
        return self

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
        self._run(HANDSHAKE)

    def _read_into(self, target, size):
        return self._run(READ, target, size) if size else 0

    def write(self, data):
        """Encrypt ``data``; return the number of bytes taken."""
        view = bytes_like(data)
        try:
            return self._run(WRITE, view, view.__len__())
        finally:
            _release(view)

    def unwrap(self):
        """Send close_notify and take the peer's (SSLWantReadError until the
        peer's has come in)."""
        self._shut_down()


def _while_tls(method, otherwise=None):
    """An SSLSocket reader of the connection's details: ``method``'s
    result while the socket's calls go through TLS, else ``otherwise``."""
    def reader(self):
        return method(self) if self._tls_ready() else otherwise
    reader.__name__ = reader.__qualname__ = method.__name__
    reader.__doc__ = method.__doc__
    return reader


def _refused(name, exception):
    """A socket method that TLS sockets refuse with ``exception``."""
    def refused(self, *args, **kwargs):
        raise exception("%s not allowed on instances of %s" % (name, self.__class__))
    refused.__name__ = refused.__qualname__ = name
    return refused


class SSLSocket(_TLSMethods, _socket):
    """A cffisock socket speaking TLS (from ``SSLContext.wrap_socket``).

    Its calls go through TLS from the moment a connected socket is wrapped
    or ``connect()`` is called until it is closed, detached or unwrapped
    (the stdlib's ``_sslobj is not None``).  Before that, as the stdlib's,
    the data calls are the plain socket's, which fail (nothing is
    connected), and the connection's details are None; a socket found
    connected all the same (a connect that timed out and completed later)
    turns to TLS then, so no application byte ever passes in the clear.
    """

    __module__ = "cffisock.tls"
    __slots__ = ("_connection", "_suppress_ragged_eofs", "_handshake_on_connect", "_live")

    def __init__(self, *args, **kwargs):
        raise TypeError(_NO_CONSTRUCTOR % (self.__class__.__name__, "wrap_socket"))

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
        self._live = False
        self.settimeout(timeout)
        connection.attach_socket(self)
        try:
            _socket.getpeername(self)
        except OSError as err:
            self._refuse_data_before_handshake(err.errno)
            return self  # not connected yet: connect() will shake hands
        self._live = True
        if do_handshake_on_connect:
            try:
                if self._timeout == 0.0:
                    raise ValueError("do_handshake_on_connect should not be specified "
                                     "for non-blocking sockets")
                self.do_handshake()
            except BaseException:
                self.close()
                raise
        return self

    def _refuse_data_before_handshake(self, cause):
        """A socket found not connected (getpeername failed with ``cause``)
        may be one the peer reset after sending plain bytes: they must not
        reach the caller, who would take them for TLS's.  SSLError (and the
        socket closed) if any wait, as the stdlib does since CVE-2023-40217
        (on every version here)."""
        timeout = self._timeout
        self.settimeout(0.0)
        try:
            waiting = _socket.recv(self, 1)
        except OSError as err:
            if err.errno not in (_ENOTCONN, _EINVAL):
                raise
            waiting = b""
        finally:
            self.settimeout(timeout)
        if waiting:
            reason = "Closed before TLS handshake with data in recv buffer."
            error = SSLError(cause, reason)
            error.reason, error.library = reason, None
            self.close()
            raise error

    def _tls_ready(self):
        """Whether the socket's calls go through TLS now (see the class)."""
        if not self._live and self._fd != -1:
            try:
                _socket.getpeername(self)
            except OSError:
                return False
            self._live = True
        return self._live

    def _require_connection(self):
        """OSError (ENOTCONN, or EBADF once closed) unless the socket is
        connected, as the stdlib's _check_connected."""
        if not self._tls_ready():
            _socket.getpeername(self)  # raises: not connected, or closed

    def _take_fd(self):
        self._live = False  # closed, detached or unwrapped: TLS is over
        return _socket._take_fd(self)

    def _run(self, operation, buffer=ffi.NULL, size=0):
        return self._connection.run_on_fd(self._timeout, operation,
                                          buffer, size)

    def do_handshake(self, block=False):
        """Perform the TLS handshake (the socket's timeout bounds it; with
        ``block``, a non-blocking socket blocks for it).  OSError ENOTCONN
        on a socket not connected."""
        self._require_connection()
        timeout = self._timeout
        if block and timeout == 0.0:
            self.settimeout(None)
        try:
            self._run(HANDSHAKE)
        finally:
            if block and timeout == 0.0:
                self.settimeout(timeout)

    def accept(self):
        """Accept a connection and wrap it as a server-side SSLSocket."""
        sock, address = _socket.accept(self)
        return self.context.wrap_socket(
            sock, server_side=True,
            do_handshake_on_connect=self._handshake_on_connect,
            suppress_ragged_eofs=self._suppress_ragged_eofs), address

    def dup(self):
        raise NotImplementedError("Can't dup() %s instances" % self.__class__.__name__)

    def _start_connect(self):
        if self.server_side:
            raise ValueError("can't connect in server-side mode")
        if self._tls_ready():
            raise ValueError("attempt to connect already-connected SSLSocket!")
        self._live = True

    def connect(self, address):
        """Connect, then shake hands if do_handshake_on_connect."""
        self._start_connect()
        try:
            _socket.connect(self, address)
        except (OSError, ValueError):
            self._live = False
            raise
        if self._handshake_on_connect:
            self.do_handshake()

    def connect_ex(self, address):
        """Connect and return 0 or the errno, as the plain socket's; once
        connected, shake hands if do_handshake_on_connect."""
        self._start_connect()
        try:
            result = _socket.connect_ex(self, address)
        except (OSError, ValueError):
            self._live = False
            raise
        if not result and self._handshake_on_connect:
            self.do_handshake()
        return result

    def getpeercert(self, binary_form=False):
        self._require_connection()
        return self._connection.getpeercert(binary_form)

    getpeercert.__doc__ = _TLSMethods.getpeercert.__doc__

    def _read_into(self, target, size):
        if not size:
            return 0
        try:
            return self._connection.run_on_fd(self._timeout, READ, target, size)
        except SSLEOFError:
            if self._suppress_ragged_eofs:
                return 0
            raise

    def read(self, len=1024, buffer=None):
        if not (self._live or self._tls_ready()):
            raise ValueError("Read on closed or unwrapped SSL socket.")
        return _TLSMethods.read(self, len, buffer)

    read.__doc__ = _TLSMethods.read.__doc__

    def write(self, data):
        """Encrypt and send ``data``; return the number of bytes taken."""
        if not (self._live or self._tls_ready()):
            raise ValueError("Write on closed or unwrapped SSL socket.")
        return self._write(data)

    def _write(self, data):
        view = bytes_like(data)
        try:
            return self._connection.run_on_fd(self._timeout, WRITE, view, view.__len__())
        finally:
            _release(view)

    def recv(self, buflen=1024, flags=0):
        if not (self._live or self._tls_ready()):
            return _socket.recv(self, buflen, flags)
        if flags:
            raise ValueError("non-zero flags not allowed in calls to recv() on %s"
                             % self.__class__)
        return read_bytes(buflen, self._read_into)

    def recv_into(self, buffer, nbytes=None, flags=0):
        if not (self._live or self._tls_ready()):
            return _socket.recv_into(self, buffer, nbytes or 0, flags)
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
                size = read_size(nbytes, size)
            return self._read_into(target, size)
        finally:
            _release(target)

    def send(self, data, flags=0):
        if not (self._live or self._tls_ready()):
            return _socket.send(self, data, flags)
        if flags:
            raise ValueError("non-zero flags not allowed in calls to send() on %s"
                             % self.__class__)
        return self._write(data)

    def sendall(self, data, flags=0):
        """Send all of ``data``; the timeout bounds the whole call."""
        if not (self._live or self._tls_ready()):
            return _socket.sendall(self, data, flags)
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
        if not self._tls_ready():
            raise ValueError("No SSL wrapper around " + str(self))
        self._shut_down()
        timeout = self._timeout
        family, kind, proto = self._family, self._type, self._proto
        plain = _socket._from_fd(self.detach(), family, kind, proto)
        plain.settimeout(timeout)
        return plain

    # The connection's details: None (pending: 0) while the calls are not
    # TLS's, as the stdlib's.
    cipher = _while_tls(_TLSMethods.cipher)
    version = _while_tls(_TLSMethods.version)
    selected_alpn_protocol = _while_tls(_TLSMethods.selected_alpn_protocol)
    group = _while_tls(_TLSMethods.group)
    client_sigalg = _while_tls(_TLSMethods.client_sigalg)
    server_sigalg = _while_tls(_TLSMethods.server_sigalg)
    shared_ciphers = _while_tls(_TLSMethods.shared_ciphers)
    pending = _while_tls(_TLSMethods.pending, 0)
    session_reused = property(_while_tls(_TLSMethods.session_reused.fget))
    session = property(_while_tls(_TLSMethods.session.fget), _TLSMethods.session.fset)

    def get_channel_binding(self, cb_type="tls-unique"):
        if not self._tls_ready():
            if cb_type not in CHANNEL_BINDING_TYPES:
                raise ValueError("{0} channel binding type not implemented".format(cb_type))
            return None
        return _TLSMethods.get_channel_binding(self, cb_type)

    get_channel_binding.__doc__ = _TLSMethods.get_channel_binding.__doc__

    # Datagram calls would bypass TLS: refused while the calls are TLS's,
    # and the plain socket's (which fail: nothing is connected) before, as
    # the stdlib's.  Ancillary data and cffisock's batched calls: refused.
    def sendto(self, data, flags_or_addr, addr=None):
        if self._tls_ready():
            raise ValueError("sendto not allowed on instances of %s" % self.__class__)
        if addr is None:
            return _socket.sendto(self, data, flags_or_addr)
        return _socket.sendto(self, data, flags_or_addr, addr)

    def recvfrom(self, buflen=1024, flags=0):
        if self._tls_ready():
            raise ValueError("recvfrom not allowed on instances of %s" % self.__class__)
        return _socket.recvfrom(self, buflen, flags)

    def recvfrom_into(self, buffer, nbytes=None, flags=0):
        if self._tls_ready():
            raise ValueError("recvfrom_into not allowed on instances of %s" % self.__class__)
        return _socket.recvfrom_into(self, buffer, nbytes or 0, flags)

    sendmsg = _refused("sendmsg", NotImplementedError)
    recvmsg = _refused("recvmsg", NotImplementedError)
    recvmsg_into = _refused("recvmsg_into", NotImplementedError)
    sendmmsg = _refused("sendmmsg", NotImplementedError)
    recvmmsg = _refused("recvmmsg", NotImplementedError)
    recvmmsg_into = _refused("recvmmsg_into", NotImplementedError)
