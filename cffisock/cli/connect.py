"""The ``connect`` command: a line-oriented client, a tiny netcat/s_client.

``connect HOST PORT`` connects with ``cffisock.create_connection``; with
``--tls`` it shakes hands with ``cffisock.tls``, verifying the server's
certificate chain and host name unless ``--insecure`` says not to.  Then a
thread sends standard input to the peer line by line while the main thread
writes everything the peer sends to standard output, byte for byte.  What
the client has to say (where it connected, the TLS version and cipher, the
verified subject, errors) goes to standard error, so standard output carries
only the peer's bytes.

The session ends cleanly (exit status 0) when the peer closes, or after the
end of standard input: plain TCP then shuts down its sending side, so the
peer sees the input end, and the client keeps printing until the peer
closes, at most ``timeout`` seconds.  TLS has no half-close that leaves the
replies readable (OpenSSL answers a TCP half-close with an alert, and
``unwrap`` fails on data that arrives after our close_notify), so a TLS
client says nothing at the end of its input and waits the same way.
Failing to connect or to verify the server, or losing the connection, gives
exit status 1 and one line on standard error.
"""

import io
import os
import sys
import threading

import cffisock
from cffisock.cli.threads import release_tls_state, start_shielded
from cffisock._waiting import POLLIN, POLLOUT, wait_fd

_CHUNK = 65536
#: How long the receiver waits at the end for the sender to free its
#: OpenSSL state (it only has to return from a wait).
_RELEASE_TIMEOUT = 5.0


def _say(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


class _Failure(Exception):
    """The session could not start; the message is one line for standard error."""


def run(host, port, use_tls=False, cafile=None, insecure=False,
        server_hostname=None, timeout=10.0):
    """Run one session with ``(host, port)``; return the exit status.

    ``timeout`` bounds connecting, the TLS handshake, and the wait for the
    peer to close after the input ended.  ``server_hostname`` is the name
    TLS verifies (default: ``host``)."""
    try:
        sock = _open(host, port, use_tls, cafile, insecure, server_hostname, timeout)
    except _Failure as failure:
        _say(str(failure))
        return 1
    with sock:
        return _Session(sock, half_close=not use_tls, timeout=timeout).run()


def _open(host, port, use_tls, cafile, insecure, server_hostname, timeout):
    """The connected socket, its TLS handshake done with ``use_tls``."""
    # The context first: a --cafile that cannot be read fails before connecting.
    context = _client_context(cafile, insecure) if use_tls else None
    try:
        sock = cffisock.create_connection((host, port), timeout=timeout)
    except (OSError, ValueError) as exc:
        raise _Failure("cannot connect to %s port %d: %s" % (host, port, exc)) from None
    _say("connected to %s port %d" % sock.getpeername()[:2])
    if context is None:
        return sock
    try:
        sock = context.wrap_socket(sock, server_hostname=server_hostname or host)
    except (OSError, ValueError) as exc:
        sock.close()
        raise _Failure("TLS handshake with %s port %d failed: %s"
                       % (host, port, _explain(exc))) from None
    _describe_tls(sock)
    return sock


def _client_context(cafile, insecure):
    from cffisock import tls

    try:
        context = tls.create_default_context(cafile=cafile)
    except OSError as exc:
        raise _Failure("cannot load the CA certificates: %s" % (exc,)) from None
    if insecure:
        context.check_hostname = False
        context.verify_mode = tls.CERT_NONE
        _say("warning: --insecure: the server's certificate and host name "
             "are NOT verified")
    return context


def _distinguished_name(name):
    return ", ".join("%s=%s" % pair for rdn in name for pair in rdn)


def _describe_tls(sock):
    cipher, _, bits = sock.cipher()
    _say("TLS: %s, cipher %s (%d bits)" % (sock.version(), cipher, bits))
    certificate = sock.getpeercert()
    if certificate:
        _say("verified peer: %s (issuer: %s)" % (
            _distinguished_name(certificate["subject"]),
            _distinguished_name(certificate["issuer"])))
    else:
        _say("peer certificate NOT verified")


def _explain(exc):
    """A handshake failure's message, with a hint if verification failed."""
    if getattr(exc, "verify_code", None):  # SSLCertVerificationError
        return "%s (give the server's CA with --cafile, or --insecure)" % (exc,)
    return str(exc)


class _Session:
    """Standard input to the socket (a thread), the socket to standard
    output (the caller's thread).

    The two threads share the socket, and an OpenSSL connection must not be
    used by two threads at once, so the socket is made non-blocking and
    every call on it is made under a lock, while the waiting (poll) is done
    outside it: a sender waiting for room never keeps the receiver from
    draining the socket, or the reverse.  Plain TCP goes the same way.

    A sender through with the input frees its OpenSSL state
    (``threads.release_tls_state``) before it ends, and the receiver waits
    for that before the process exits.  A sender whose input ends after the
    receiver finished must not touch OpenSSL or end while the process exits:
    it waits there for good, until the exit ends it.
    """

    def __init__(self, sock, half_close, timeout):
        self._sock = sock
        self._fd = sock.fileno()
        self._half_close = half_close
        self._timeout = timeout
        self._lock = threading.Lock()
        self._done = threading.Event()  # the receiver has finished
        self._input_over = False  # the sender is through with the input (under _lock)
        self._released = threading.Event()  # ... and with its OpenSSL state
        self._gave_up = False  # the input ended and the peer did not close in time
        self._send_error = None
        if half_close:
            self._want_read = self._want_write = ()
        else:
            from cffisock import tls

            self._want_read = tls.SSLWantReadError
            self._want_write = tls.SSLWantWriteError
        sock.setblocking(False)

    def run(self):
        """Copy both ways until the session ends; return the exit status."""
        # A daemon: it may stay blocked reading a terminal after the peer closed.
        start_shielded(threading.Thread(target=self._send_input, daemon=True))
        try:
            self._receive()
        except OSError as exc:
            if not self._gave_up:  # else: the end our own shutdown made
                _say("connection lost: %s" % (exc,))
                return 1
        finally:
            with self._lock:
                self._done.set()
                input_over = self._input_over
            if input_over:  # else it reads standard input, and will not end
                self._released.wait(_RELEASE_TIMEOUT)
        if self._send_error is not None:
            _say("not all of the input was sent: %s" % (self._send_error,))
        if self._gave_up:
            _say("the peer did not close within %g s of the end of the input; "
                 "closing" % self._timeout)
        return 0

    def _call(self, events, method, *args):
        """``method(*args)`` once the socket lets it complete; it waits for
        ``events`` (POLLIN or POLLOUT) when the socket would block, or for
        what TLS asks for."""
        while True:
            with self._lock:
                if self._done.is_set():
                    raise ConnectionAbortedError("the session has ended")
                try:
                    return method(*args)
                except BlockingIOError:
                    wanted = events
                except self._want_read:
                    wanted = POLLIN
                except self._want_write:
                    wanted = POLLOUT
            wait_fd(self._fd, wanted, None)

    def _receive(self):
        """Copy the socket to standard output until the peer closes (or
        whoever reads standard output goes away, as ``| head`` does)."""
        out = sys.stdout.buffer
        while not self._gave_up:
            data = self._call(POLLIN, self._sock.recv, _CHUNK)
            if not data:
                return
            try:
                out.write(data)
                out.flush()
            except BrokenPipeError:
                # Point standard output at /dev/null, so that Python's own
                # flush at exit does not fail on the broken pipe again.
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, out.fileno())
                os.close(devnull)
                return

    def _send_input(self):
        try:
            # A reader of its own: sys.stdin's would stay locked by this
            # daemon thread, and the interpreter aborts if it needs that
            # lock at exit.
            lines = io.open(0, "rb", closefd=False)
            for line in iter(lines.readline, b""):
                self._send_all(line)
            if self._half_close:  # (through _call for the lock)
                self._call(POLLOUT, self._sock.shutdown, cffisock.SHUT_WR)
        except OSError as exc:
            self._send_error = exc
        with self._lock:
            self._input_over = True
            late = self._done.is_set()
        if late:  # the process may be exiting: neither OpenSSL nor an end
            threading.Event().wait()
        release_tls_state()
        self._released.set()
        if not self._done.wait(self._timeout):
            self._give_up()

    def _give_up(self):
        """The peer did not close in time: shut the connection down both
        ways, which ends the receiver's wait (its next read sees the end)."""
        self._gave_up = True
        with self._lock:
            if not self._done.is_set():
                try:
                    self._sock.shutdown(cffisock.SHUT_RDWR)
                except OSError:
                    pass  # no longer connected: the receiver gets that error

    def _send_all(self, data):
        view = memoryview(data)
        while view:
            view = view[self._call(POLLOUT, self._sock.send, view):]
