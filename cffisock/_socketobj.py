"""The socket object: one descriptor and the socket system calls on it.

Every call goes to the C library through cffi (which releases the GIL), the
system call first and, only on failure, ``_waiting.retry``, the socket
calls' retry loop (EINTR retried, PEP 475; EAGAIN waited for with poll when
there is a timeout, one deadline per call).  The data calls, the hot paths,
are functions of ``_transfers`` bound here as methods; messages, batches and
sendfile are in ``_messages``, ``_batches`` and ``_sendfile``.  A closed socket keeps
descriptor -1, so its calls fail in the kernel with EBADF exactly as the
stdlib's do; no per-call "is it closed" check is needed.

Timeout modes follow the stdlib: ``None`` is a blocking descriptor; ``0.0``
and positive timeouts make the descriptor O_NONBLOCK, and a positive timeout
waits with poll when the call would block.
"""

import warnings
from _thread import RLock
from operator import index

from cffisock import _batches, _messages, _timeouts, _transfers
from cffisock._address import from_sockaddr, new_sockaddr, peer_address, to_sockaddr
from cffisock._converters import INT_MAX, INT_MIN, bytes_like, c_int, is_c_int
from cffisock._enums import as_family, as_kind
from cffisock._errors import check, oserror, timeout as _timeout_error
from cffisock._ffi import ffi, lib
from cffisock._scratch import new_peer as _new_peer
from cffisock._waiting import POLLIN, POLLOUT, deadline_after, interrupted, retry, wait_fd

_accept_peer = lib.cffisock_accept_peer
_close = lib.cffisock_close

_SOCK_CLOEXEC = lib.SOCK_CLOEXEC
_SOCK_NONBLOCK = lib.SOCK_NONBLOCK
_TYPE_FLAGS = _SOCK_CLOEXEC | _SOCK_NONBLOCK
_EINPROGRESS = lib.EINPROGRESS
_EISCONN = lib.EISCONN
_EWOULDBLOCK = lib.EWOULDBLOCK
_ECONNRESET = lib.ECONNRESET
#: Held while a socket gives its descriptor up (_take_fd); reentrant, since
#: another socket's finalizer may run in the thread that holds it.
_taking_fd = RLock()
_NO_BACKLOG = object()


class socket:
    """socket(family=AF_INET, type=SOCK_STREAM, proto=0, fileno=None)

    A socket object, as the stdlib's ``socket.socket``.  With ``fileno`` the
    object adopts that descriptor, and a family, type or protocol left at -1
    is read from the descriptor.
    """

    __module__ = "cffisock"
    __slots__ = ("_fd", "_family", "_type", "_proto", "_timeout",
                 "_io_refs", "_closed", "_batch_error", "__weakref__")

    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        self._fd = -1
        if fileno is None:
            if family == -1:
                family = lib.AF_INET
            if type == -1:
                type = lib.SOCK_STREAM
            if proto == -1:
                proto = 0
            fd = check(lib.cffisock_socket(family, type | _SOCK_CLOEXEC, proto))
        else:
            fd = c_int(fileno)
            if fd < 0:
                raise ValueError("negative file descriptor")
            family, type, proto = _describe(fd, family, type, proto)
        self._adopt(fd, family, type, proto)

    @classmethod
    def _from_fd(cls, fd, family, type, proto):
        """Wrap a descriptor known to be a socket of this family and type."""
        sock = cls.__new__(cls)
        sock._adopt(fd, family, type, proto)
        return sock

    def _adopt(self, fd, family, type, proto):
        self._io_refs = 0
        self._closed = False
        # An error that ended a batched receive after datagrams had arrived,
        # raised by the next one (see _batches).
        self._batch_error = None
        self._fd = fd
        self._family = as_family(family)
        self._type = as_kind(type & ~_TYPE_FLAGS)
        self._proto = proto
        if type & _SOCK_NONBLOCK:
            self._timeout = 0.0
        else:
            self._timeout = None
            default = _timeouts.getdefaulttimeout()
            if default is not None:
                self.settimeout(default)

    # -- identity and life cycle -------------------------------------------

    family = property(lambda self: self._family,
                      doc="The socket's address family (AddressFamily).")
    type = property(lambda self: self._type,
                    doc="The socket's type (SocketKind).")
    proto = property(lambda self: self._proto,
                     doc="The socket's protocol number.")
    timeout = property(lambda self: self._timeout,
                       doc="The timeout in seconds, or None (blocking).")

    def fileno(self):
        """Return the descriptor, or -1 once the socket is closed."""
        return self._fd

    def __repr__(self):
        closed = getattr(self, "_closed", False)
        text = "<%s.%s%s fd=%i, family=%s, type=%s, proto=%i" % (
            self.__class__.__module__, self.__class__.__qualname__,
            " [closed]" if closed else "", self._fd, self._family,
            self._type, self._proto)
        if not closed:
            try:
                local = self.getsockname()
                if local:
                    text += ", laddr=%s" % (local,)
            except OSError:
                pass
            try:
                remote = self.getpeername()
                if remote:
                    text += ", raddr=%s" % (remote,)
            except OSError:
                pass
        return text + ">"

    def __getstate__(self):
        raise TypeError("cannot pickle %r object" % type(self).__name__)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if not self._closed:
            self.close()

    def close(self):
        """Close the socket; idempotent.  Files from makefile() keep the
        descriptor open until they are closed too."""
        self._closed = True
        if self._io_refs <= 0:
            self._real_close()

    def _real_close(self):
        fd = self._take_fd()
        if fd < 0:
            return
        result = _close(fd)
        # ECONNRESET means the peer reset the connection; the descriptor is
        # closed all the same (the stdlib ignores it too).
        if result < 0 and result != -_ECONNRESET:
            raise oserror(-result)

    def _file_opened(self):
        """Called by a makefile() file when it is made: it holds the
        descriptor open until it is closed (see close)."""
        self._io_refs += 1

    def _decref_socketios(self):
        """Called by a makefile() file when it is closed."""
        if self._io_refs > 0:
            self._io_refs -= 1
        if self._closed:
            self.close()

    def detach(self):
        """Close the socket object without closing the descriptor; return it."""
        self._closed = True
        return self._take_fd()

    def _take_fd(self):
        """Give the descriptor up: return it (-1 if already given up) and
        leave -1.  One step under a lock, so that of two threads closing
        one socket only one gets the number: a second close(2) of it could
        close another file that got the number in between."""
        with _taking_fd:
            fd, self._fd = self._fd, -1
        return fd

    def __del__(self):
        if getattr(self, "_fd", -1) >= 0:
            warnings.warn("unclosed %r" % (self,), ResourceWarning,
                          stacklevel=2, source=self)
            try:
                self._real_close()
            except OSError:
                pass

    def dup(self):
        """Return a new socket object on a non-inheritable copy of the
        descriptor, with the same timeout."""
        fd = check(lib.cffisock_dup(self._fd))
        try:
            sock = self.__class__(self._family, self._type, self._proto, fileno=fd)
        except BaseException:
            _close(fd)
            raise
        sock.settimeout(self._timeout)
        return sock

    def get_inheritable(self):
        """Return True if child processes inherit the descriptor."""
        return bool(check(lib.cffisock_get_inheritable(self._fd)))

    def set_inheritable(self, inheritable):
        """Set whether child processes inherit the descriptor."""
        check(lib.cffisock_set_inheritable(self._fd, bool(inheritable)))

    # -- blocking mode and timeouts -------------------------------------------

    def settimeout(self, value):
        """Set the timeout: None blocks, 0.0 never blocks, a positive number
        of seconds bounds each blocking call."""
        seconds = _timeouts.timeout_value(value)
        self._timeout = seconds
        check(lib.cffisock_set_nonblocking(self._fd, seconds is not None))

    def gettimeout(self):
        """Return the timeout in seconds (float), or None."""
        return self._timeout

    def setblocking(self, flag):
        """setblocking(True) is settimeout(None); setblocking(False) is
        settimeout(0.0)."""
        self.settimeout(None if flag else 0.0)

    def getblocking(self):
        """Return False only in non-blocking mode (timeout 0.0)."""
        return self._timeout != 0.0

    # -- addresses and options ---------------------------------------------------

    def bind(self, address):
        """Bind the socket to ``address``."""
        sockaddr, length = to_sockaddr(self._family, address, "bind")
        check(lib.cffisock_bind(self._fd, sockaddr, length))

    def listen(self, backlog=_NO_BACKLOG):
        """Listen for connections (default backlog: min(SOMAXCONN, 128))."""
        if backlog is _NO_BACKLOG:
            backlog = min(lib.SOMAXCONN, 128)
        check(lib.cffisock_listen(self._fd, max(c_int(backlog), 0)))

    def _name(self, function):
        storage, length = new_sockaddr()
        check(function(self._fd, storage, length))
        return from_sockaddr(storage, length[0])

    def getsockname(self):
        """Return the socket's own address."""
        return self._name(lib.cffisock_getsockname)

    def getpeername(self):
        """Return the address of the connected peer."""
        return self._name(lib.cffisock_getpeername)

    def getsockopt(self, level, optname, buflen=None):
        """Return an integer option, or with ``buflen`` the option's bytes
        (a ``buflen`` of 0 means the integer form, as in the stdlib)."""
        level, optname = c_int(level), c_int(optname)
        if buflen is None or buflen == 0:
            value = ffi.new("int *")
            length = ffi.new("socklen_t *", ffi.sizeof("int"))
            check(lib.cffisock_getsockopt(self._fd, level, optname, value, length))
            return value[0]
        buflen = c_int(buflen)
        if not 0 < buflen <= 1024:
            raise OSError("getsockopt buflen out of range")
        buffer = ffi.new("char[]", buflen)
        length = ffi.new("socklen_t *", buflen)
        check(lib.cffisock_getsockopt(self._fd, level, optname, buffer, length))
        return ffi.unpack(buffer, length[0])

    def setsockopt(self, level, optname, value, optlen=None):
        """setsockopt(level, optname, int | bytes-like)
        setsockopt(level, optname, None, optlen)"""
        if optlen is not None:
            # The stdlib's last parse of the four arguments ("iiy*") words
            # every error of this form.
            if value is not None or not (is_c_int(level) and is_c_int(optname)):
                raise TypeError("setsockopt() takes exactly 3 arguments (4 given)")
            result = lib.cffisock_setsockopt(self._fd, level, optname, ffi.NULL,
                                             index(optlen))
        elif isinstance(value, int) and INT_MIN <= value <= INT_MAX:
            result = lib.cffisock_setsockopt(self._fd, c_int(level), c_int(optname),
                                             ffi.new("int *", value), ffi.sizeof("int"))
        else:
            level, optname = c_int(level), c_int(optname)
            with bytes_like(value) as buffer:
                result = lib.cffisock_setsockopt(self._fd, level, optname, buffer,
                                                 len(buffer))
        check(result)

    def shutdown(self, how):
        """Shut down reading (SHUT_RD), writing (SHUT_WR) or both."""
        check(lib.cffisock_shutdown(self._fd, how))

    # -- connections ----------------------------------------------------------

    def _connect(self, address, raise_timeout):
        """connect(2) with the socket's timeout; return the errno (0: done)."""
        sockaddr, length = to_sockaddr(self._family, address, "connect")
        err = -lib.cffisock_connect(self._fd, sockaddr, length)
        if err == 0:
            return 0
        if interrupted(err):
            # PEP 475: the handlers ran; the connection goes on in the
            # kernel, so wait for it unless the socket never waits.
            wait = self._timeout != 0.0
        else:
            wait = err == _EINPROGRESS and bool(self._timeout)
        if not wait:
            return err
        try:
            wait_fd(self._fd, POLLOUT, deadline_after(self._timeout))
        except _timeout_error:
            if raise_timeout:
                raise
            return _EWOULDBLOCK
        err = self.getsockopt(lib.SOL_SOCKET, lib.SO_ERROR)
        return 0 if err == _EISCONN else err

    def connect(self, address):
        """Connect to the socket at ``address``."""
        err = self._connect(address, True)
        if err:
            raise oserror(err)

    def connect_ex(self, address):
        """Like connect(), but return the errno (0 on success) instead of
        raising for the connect call's own errors."""
        return self._connect(address, False)

    def _accept(self):
        peer, fields = _new_peer()
        fd = _accept_peer(self._fd, _SOCK_CLOEXEC, peer)
        if fd < 0:
            fd = retry(self, -fd, POLLIN, None, _accept_peer, _SOCK_CLOEXEC, peer)
        try:
            return fd, peer_address(peer, fields)
        except BaseException:
            _close(fd)
            raise

    def accept(self):
        """Accept a connection; return ``(socket, address)``.

        The new socket is non-inheritable and starts with the default
        timeout, like the stdlib's.
        """
        fd, address = self._accept()
        return socket._from_fd(fd, self._family, self._type, self._proto), address

    # -- data: the hot paths, functions of cffisock._transfers ---------------------

    send = _transfers.send
    sendall = _transfers.sendall
    _send_all = _transfers._send_all
    _send_rest = _transfers._send_rest
    sendto = _transfers.sendto
    recv = _transfers.recv
    _recv_other_size = _transfers._recv_other_size
    recv_into = _transfers.recv_into
    recvfrom = _transfers.recvfrom
    recvfrom_into = _transfers.recvfrom_into
    _recvfrom = _transfers._recvfrom

    # -- messages and descriptors ---------------------------------------------------

    def sendmsg(self, buffers, ancdata=(), flags=0, address=None):
        """Send the data of ``buffers`` and control messages ``ancdata``
        (``(level, type, data)`` items); return the number of bytes sent."""
        return _messages.sendmsg(self, buffers, ancdata, flags, address)

    def recvmsg(self, bufsize, ancbufsize=0, flags=0):
        """Return ``(data, ancdata, msg_flags, address)``."""
        return _messages.recvmsg(self, bufsize, ancbufsize, flags)

    def recvmsg_into(self, buffers, ancbufsize=0, flags=0):
        """Return ``(nbytes, ancdata, msg_flags, address)``."""
        return _messages.recvmsg_into(self, buffers, ancbufsize, flags)

    def sendfile(self, file, offset=0, count=None):
        """Send a file's bytes with sendfile(2) (read+send where the file
        has no regular descriptor); return the number of bytes sent."""
        from cffisock._sendfile import sendfile

        return sendfile(self, file, offset, count)

    # -- batched datagrams (beyond the stdlib; see cffisock._batches) ---------

    def recvmmsg(self, count, bufsize, flags=0, timeout=None):
        """Receive up to ``count`` datagrams of up to ``bufsize`` bytes in
        one system call; return ``[(data, address), ...]``.  Waits for the
        first as recvfrom does; ``timeout`` seconds more for the rest."""
        return _batches.recvmmsg(self, count, bufsize, flags, timeout)

    def recvmmsg_into(self, buffers, flags=0, timeout=None):
        """Receive one datagram into each writable buffer; return
        ``[(nbytes, address), ...]``."""
        return _batches.recvmmsg_into(self, buffers, flags, timeout)

    def sendmmsg(self, messages, flags=0):
        """Send ``(data, address)`` pairs in one system call; return how
        many messages were sent."""
        return _batches.sendmmsg(self, messages, flags)

    # -- files -------------------------------------------------------------------------

    def makefile(self, mode="r", buffering=None, *,
                 encoding=None, errors=None, newline=None):
        """Return a file object over the socket (modes r, w, b and their
        combinations).  The socket stays open until the file is closed too."""
        from cffisock._socketio import open_socket_file

        return open_socket_file(self, mode, buffering, encoding, errors, newline)


def _describe(fd, family, type, proto):
    """Check that ``fd`` is a socket; fill in a -1 family, type or proto.

    Like the stdlib: getsockname() proves it is a socket (EBADF, ENOTSOCK
    raise) and gives the family; SO_TYPE and SO_PROTOCOL give the rest.
    """
    storage, length = new_sockaddr()
    check(lib.cffisock_getsockname(fd, storage, length))
    if family == -1:
        family = storage.ss_family
    value = ffi.new("int *")
    size = ffi.new("socklen_t *")
    answers = []
    for given, option in ((type, lib.SO_TYPE), (proto, lib.SO_PROTOCOL)):
        if given == -1:
            size[0] = ffi.sizeof("int")
            check(lib.cffisock_getsockopt(fd, lib.SOL_SOCKET, option, value, size))
            given = value[0]
        answers.append(given)
    return family, answers[0], answers[1]


SocketType = socket
