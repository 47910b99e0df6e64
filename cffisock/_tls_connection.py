"""One TLS connection: an OpenSSL ``SSL`` over a socket's descriptor or
two memory BIOs, and the operations on it (``_Connection``); ``MemoryBIO``;
``SSLSession``.

``_Connection.run`` is the retry loop of TLS operations: it makes an
operation through the C helper ``cffisock_ssl_io`` until it completes,
waiting when OpenSSL wants the socket readable or writable (or raising the
want, for memory BIOs and non-blocking sockets) and following the errno
rule of ``_waiting``.
"""

import errno
import weakref

from cffisock._converters import bytes_like, c_ssize_t, release as _release
from cffisock._errors import oserror, timeout as _socket_timeout
from cffisock._ffi import lib as _socket_lib
from cffisock._scratch import (BUFFER_SIZE as _BUFFER_SIZE, give_buffer as _give_buffer,
                               take_buffer as _take_buffer)
from cffisock._tls_cert import decode_certificate, der_bytes
from cffisock._tls_ciphers import cipher_dict, stack_ciphers
from cffisock._tls_constants import (CERT_NONE, HANDSHAKE, MODES, OPERATION_NAMES, READ,
                                     SHUTDOWN, WRITE)
from cffisock._tls_errors import SSLError, queue_error, tls_error
from cffisock._tls_ffi import ffi, lib
from cffisock._waiting import POLLIN, POLLOUT, deadline_after, interrupted, wait_fd, would_block

_ssl_io = lib.cffisock_ssl_io
_unpack = ffi.unpack
#: What one connection's SSL holds in C memory once it has carried data
#: (the state and both record buffers), for ffi.gc: PyPy's collector counts
#: it, so that dropped connections are freed before their C memory piles up.
SSL_MEMORY = 32 << 10


class MemoryBIO:
    """An in-memory buffer of TLS bytes, for SSLObject."""

    __module__ = "cffisock.tls"

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


_SESSION_ID_CONTEXT = b"cffisock"


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
        self.ssl = ffi.gc(ssl, lib.SSL_free, SSL_MEMORY)
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
        # The socket whose descriptor OpenSSL reads and writes (a weak
        # reference, see attach_socket), or None over memory BIOs.
        self._socket = None
        # One result struct per operation: a reader thread and a writer
        # thread may share a connection (as with the stdlib, whose results
        # are C locals), and must not overwrite each other's byte counts.
        self._outcomes = {operation: ffi.new("struct cffisock_ssl_outcome *")
                          for operation in OPERATION_NAMES}
        lib.SSL_set_mode(ssl, MODES)
        if server_side:
            lib.SSL_set_accept_state(ssl)
            # The id a server's sessions (cache and tickets) carry, without
            # which OpenSSL refuses to resume one when it verifies client
            # certificates.  (A client's must stay empty: a TLS 1.3 client
            # would refuse its external PSK's session as another context's.)
            lib.SSL_set_session_id_context(ssl, _SESSION_ID_CONTEXT, len(_SESSION_ID_CONTEXT))
        else:
            lib.SSL_set_connect_state(ssl)
            if context.post_handshake_auth:
                lib.SSL_set_post_handshake_auth(ssl, 1)
            if server_hostname:
                self._set_hostname(server_hostname)
            if session is not None:
                self.set_session(session)

    @property
    def owner(self):
        """The SSLSocket or SSLObject over this connection (for sni_callback)."""
        return self._owner()

    @owner.setter
    def owner(self, owner):
        self._owner = weakref.ref(owner)

    def _set_hostname(self, hostname):
        """SNI and the name to check, for ``hostname`` as
        _converters.server_hostname made it (ASCII text: a second IDNA pass
        would refuse names the stdlib takes, such as b'\\x01..')."""
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
        """run() on the socket's descriptor with the socket's ``timeout``:
        wait with poll until the deadline (one per call unless given); a
        non-blocking socket (timeout 0.0) raises SSLWantRead/WriteError.

        The first attempt is made here, without the waiting machinery:
        most reads and writes complete at once.  It reads the socket's
        descriptor without descriptor()'s call: this is the hot path."""
        owner = self._socket()
        if owner is not None and owner._fd != -1:  # else run() raises EBADF
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
            wait_fd(self.descriptor(), POLLOUT if want_write else POLLIN, deadline)

        try:
            return self.run(operation, buffer, size, wait, result)
        except _socket_timeout:
            raise _socket_timeout("The %s operation timed out"
                                  % OPERATION_NAMES[operation]) from None

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
            total += self.run_on_fd(timeout, WRITE, view + total, size - total,
                                    deadline)

    def shake_hands(self, timeout):
        """The handshake over the socket, bounded by ``timeout``."""
        self.run_on_fd(timeout, HANDSHAKE)

    def read_into(self, timeout, buffer, size):
        """Read up to ``size`` decrypted bytes into the cdata ``buffer`` from
        the socket, bounded by ``timeout``; return their count."""
        return self.run_on_fd(timeout, READ, buffer, size)

    def attach_socket(self, sock):
        """Read and write records through ``sock``'s descriptor.  The socket
        stays the one source of the number: each operation reads it from the
        socket first, and none reaches OpenSSL (which would use the number,
        maybe another file's by then) once the socket gave it up."""
        if not lib.SSL_set_fd(self.ssl, sock.fileno()):
            raise queue_error()
        self._socket = weakref.ref(sock)

    def descriptor(self):
        """The socket's descriptor as it is now: -1 once the socket gave it
        up (closed, detached, or gone), None over memory BIOs."""
        if self._socket is None:
            return None
        sock = self._socket()
        return sock.fileno() if sock is not None else -1

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
                if self.descriptor() == -1:
                    # Closed or detached, maybe by another thread while this
                    # one waited: the number may name another file by now.
                    raise oserror(errno.EBADF)
                result = _ssl_io(self.ssl, operation, buffer, size, outcome)
            if result > 0 or (operation == SHUTDOWN and result == 0):
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
                wait(operation == WRITE)
            elif (ssl_error == lib.SSL_ERROR_SYSCALL and interrupted(outcome.system_errno)
                  and not outcome.error_code):
                pass  # PEP 475: the signal handlers ran; retry
            elif (ssl_error == lib.SSL_ERROR_ZERO_RETURN and operation == READ
                  and lib.SSL_get_shutdown(self.ssl) == lib.SSL_RECEIVED_SHUTDOWN):
                return 0
            else:
                raise tls_error(self.ssl, result, ssl_error, outcome.system_errno,
                                outcome.error_code, self.server_hostname,
                                transfer=operation in (READ, WRITE))
            result = None

    # -- what the connection negotiated ---------------------------------------------------

    def getpeercert(self, binary_form):
        if not lib.SSL_is_init_finished(self.ssl):  # (a write or read may have done it)
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
        details = cipher_dict(current)
        return details["name"], details["protocol"], details["strength_bits"]

    def version(self):
        if not lib.SSL_is_init_finished(self.ssl):
            return None
        return ffi.string(lib.SSL_get_version(self.ssl)).decode("ascii")

    def group(self):
        return _name_or_none(lib.cffisock_group_name(self.ssl))

    def sigalg(self, signer):
        """The signature algorithm the ``signer`` ("client" or "server")
        used: this end's or the peer's, whichever that is; None if none."""
        if not lib.CFFISOCK_HAS_SELECTED_SIGALGS:
            raise NotImplementedError("%s_sigalg() requires OpenSSL 3.5 or later" % signer)
        own = (signer == "server") == self.server_side
        return _name_or_none(lib.cffisock_signature_name(self.ssl, own))

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
        shared = stack_ciphers(offered)
        return [(c["name"], c["protocol"], c["strength_bits"])
                for c in shared if c["name"] in ours]

    def session(self):
        """The connection's session as an SSLSession of its own: a copy, as
        the stdlib's, because OpenSSL marks a connection's session not
        resumable when the connection is freed without a TLS shutdown (as
        a closed socket's is), which would leave nothing to resume."""
        session = lib.SSL_get0_session(self.ssl)
        if session == ffi.NULL:
            return None
        return SSLSession(ffi.gc(_copy_session(session), lib.SSL_SESSION_free), self.context)

    def set_session(self, session):
        """Resume ``session`` (an SSLSession of this connection's context)
        in the coming handshake, with the stdlib's checks."""
        if not isinstance(session, SSLSession):
            raise TypeError("Value is not a SSLSession.")
        if session._context is not self.context:
            raise ValueError("Session refers to a different SSLContext.")
        if self.server_side:
            raise ValueError("Cannot set session for server-side SSLSocket.")
        if lib.SSL_is_init_finished(self.ssl):
            raise ValueError("Cannot set session after handshake.")
        # A copy again (see session()): this connection's end must not
        # spoil the caller's session for the next one.
        copy = _copy_session(session._session)
        try:
            if not lib.SSL_set_session(self.ssl, copy):
                raise queue_error()
        finally:
            lib.SSL_SESSION_free(copy)  # SSL_set_session took its own reference


def _copy_session(session):
    """A new ``SSL_SESSION *`` equal to ``session`` (the caller frees it)."""
    copy = lib.SSL_SESSION_dup(session)
    if copy == ffi.NULL:
        raise queue_error()
    return copy


def _name_or_none(name):
    """The text of a name OpenSSL gave (a ``const char *``), or None."""
    return ffi.string(name).decode("utf-8", "surrogateescape") if name != ffi.NULL else None


def read_size(length, available=None):
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


def read_bytes(size, read_into):
    """A read without a buffer: ``size`` checked as read_size does, then
    the bytes ``read_into(buffer, size)`` stored, through a spare receive
    buffer when ``size`` allows (as the plain socket's recv)."""
    if type(size) is not int or not 0 < size <= _BUFFER_SIZE:
        size = read_size(size)
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

    __module__ = "cffisock.tls"

    def __init__(self, session, context):
        self._session = session
        self._context = context  # sessions resume only on their context

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
