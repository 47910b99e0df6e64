"""The ``serve`` command: an echo server, one thread per client.

``serve PORT`` listens with ``cffisock.create_server`` on ``host`` (PORT 0
picks a free port), prints ``listening on HOST PORT`` on standard output
once it listens, and sends every byte each client sends back to it until
that client closes.  Standard error gets one line per connection
(``accepted from ...``, ``closed ...``).  With TLS, each connection's
handshake runs in its own thread, so a slow client holds up no one else.

``once`` ends the server when its first client has gone; ``max_clients``
serves at most that many clients at a time (the next ones wait in the
listen backlog).  Ctrl-C or SIGTERM ends it cleanly: the listener and the
clients' connections are closed, the threads joined, exit status 0.

A thread accepts the clients; the main thread only waits for a signal, in
a read of a pipe that ``signal.set_wakeup_fd`` has Python's C-level signal
handler write to.  Python runs a handler between two bytecodes of the main
thread, so a signal that arrives after the last such point but before a
blocking call (``accept``) has started does not interrupt that call: the
handler waits until the call returns, and Ctrl-C was lost while no client
came.  The pipe has the signal's byte whenever it arrived, so the read
returns and the handler runs.
"""

import os
import signal
import sys
import threading
from time import monotonic

import cffisock
from cffisock.cli.threads import release_tls_state, start_shielded

_CHUNK = 65536
_HANDSHAKE_TIMEOUT = 10.0  # a client that does not finish its TLS handshake by then is dropped
_JOIN_TIMEOUT = 10.0  # for the client threads, once their connections are shut down

_log_lock = threading.Lock()


def _log(text):
    with _log_lock:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()


class _Stopped(Exception):
    """SIGTERM arrived (raised in the main thread by its handler)."""


def _stop(signum, frame):
    raise _Stopped()


def run(port, host="127.0.0.1", use_tls=False, certfile=None, keyfile=None,
        once=False, max_clients=None):
    """Serve until stopped; return the exit status (1, with a line on
    standard error, if the server cannot start or accept)."""
    try:
        context = _server_context(certfile, keyfile) if use_tls else None
        family, _, _, _, address = cffisock.getaddrinfo(
            host, port, 0, cffisock.SOCK_STREAM, 0, cffisock.AI_PASSIVE)[0]
        listener = cffisock.create_server(address, family=family)
    except (OSError, ValueError) as exc:
        _log("cannot serve on %s port %d: %s" % (host, port, exc))
        return 1
    wakeup, woken = _wakeup_pipe()
    server = _EchoServer(listener, context, max_clients, wakeup)
    previous = signal.signal(signal.SIGTERM, _stop)
    previous_wakeup = signal.set_wakeup_fd(wakeup)
    try:
        print("listening on %s %d" % listener.getsockname()[:2], flush=True)
        server.start(once)
        server.wait(woken)
    except (KeyboardInterrupt, _Stopped):
        _log("stopped")
    except OSError as exc:
        _log("cannot accept: %s" % (exc,))
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.close()
        signal.set_wakeup_fd(previous_wakeup)
        server.forget_wakeup()
        os.close(wakeup)
        os.close(woken)
    return 0


def _wakeup_pipe():
    """``(write end, read end)``: a pipe for signal.set_wakeup_fd, whose
    write end must not block (the C-level handler cannot wait); the main
    thread's read does."""
    woken, wakeup = os.pipe()
    os.set_blocking(wakeup, False)
    return wakeup, woken


def _server_context(certfile, keyfile):
    from cffisock import tls

    context = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certfile, keyfile)
    return context


class _EchoServer:
    """The listener and the clients' threads and connections."""

    def __init__(self, listener, context, max_clients, wakeup):
        self._listener = listener
        self._context = context
        self._slots = threading.BoundedSemaphore(max_clients) if max_clients else None
        self._lock = threading.Lock()
        self._clients = {}  # thread -> its connection (for close())
        self._closing = False
        self._wakeup = wakeup  # the pipe the main thread waits on (None once closed)
        self._acceptor = None
        self._ended = False  # the acceptor has ended (set before it says so)
        self._failure = None  # what ended it, if not close()

    def start(self, once):
        """Start accepting clients in a thread (see serve)."""
        self._acceptor = threading.Thread(target=self._accept_clients, args=(once,),
                                          daemon=True)
        start_shielded(self._acceptor)  # SIGTERM and Ctrl-C stay the main thread's

    def wait(self, woken):
        """Wait (main thread) until the acceptor has ended, and raise what
        ended it; a signal's handler raises meanwhile (``woken`` is the
        wakeup pipe's read end: it never sleeps through a signal)."""
        while not self._ended:
            os.read(woken, 512)
        if self._failure is not None:
            raise self._failure

    def forget_wakeup(self):
        """Write no more to the wakeup pipe (which may then be closed, even
        if the acceptor has not ended)."""
        with self._lock:
            self._wakeup = None

    def _accept_clients(self, once):
        """The acceptor thread: serve, then record how it ended and wake
        the main thread."""
        try:
            self.serve(once)
        except OSError as exc:
            if not self._closing:  # else close() ended the accept
                self._failure = exc
        except BaseException as exc:
            self._failure = exc
        finally:
            self._ended = True  # before the byte: wait() checks it before reading
            with self._lock:
                if self._wakeup is not None:
                    try:
                        os.write(self._wakeup, b"\0")
                    except BlockingIOError:
                        pass  # the pipe is full: the main thread reads it anyway

    def serve(self, once):
        """Accept clients, each in a thread of its own; with ``once``,
        return when the first one has gone."""
        while True:
            if self._slots is not None:
                self._slots.acquire()
            conn, address = self._listener.accept()
            thread = threading.Thread(target=self._serve_client, args=(conn, address),
                                      daemon=True)
            self._track(thread, conn)
            start_shielded(thread)  # SIGTERM and Ctrl-C stay the main thread's
            if once:
                thread.join()
                return

    def _track(self, thread, conn):
        """Remember ``thread``'s current connection (so close() can end it);
        shut it down at once if the server is closing."""
        with self._lock:
            self._clients[thread] = conn
            if self._closing:
                _shut_down(conn)

    def _serve_client(self, conn, address):
        peer = "%s port %d" % address[:2]
        _log("accepted from %s" % peer)
        echoed = 0
        ending = "ended by an unexpected error"  # replaced below
        try:
            if self._context is not None:
                conn.settimeout(_HANDSHAKE_TIMEOUT)
                conn = self._context.wrap_socket(conn, server_side=True)
                conn.settimeout(None)
                self._track(threading.current_thread(), conn)
            for data in iter(lambda: conn.recv(_CHUNK), b""):
                conn.sendall(data)
                echoed += len(data)
            ending = "%d bytes echoed" % echoed
        except OSError as exc:
            ending = "%d bytes echoed, then %s" % (echoed, exc)
        finally:
            conn.close()
            release_tls_state()  # before close() can find this thread gone
            if self._slots is not None:
                self._slots.release()
            try:
                _log("closed %s (%s)" % (peer, ending))
            finally:
                # Last: close() joins the threads it finds here, so once a
                # thread is gone from _clients it writes nothing more (a
                # daemon thread writing while the interpreter exits is fatal).
                with self._lock:
                    del self._clients[threading.current_thread()]

    def close(self):
        """Close the listener, shut every client's connection down, and
        join the threads (bounded)."""
        with self._lock:
            self._closing = True
            # Ends the acceptor's accept (EINVAL), and any later one at once
            # (close() alone would not wake it).
            _shut_down(self._listener)
            for conn in self._clients.values():
                _shut_down(conn)
        deadline = monotonic() + _JOIN_TIMEOUT
        if self._acceptor is not None:
            # First: until it has ended it may start one more client thread
            # (whose connection _track shuts down at once).
            self._acceptor.join(max(0.0, deadline - monotonic()))
        with self._lock:
            threads = list(self._clients)
        for thread in threads:
            thread.join(max(0.0, deadline - monotonic()))
        self._listener.close()


def _shut_down(conn):
    """Wake the thread using ``conn``: its reads and writes end."""
    try:
        conn.shutdown(cffisock.SHUT_RDWR)
    except OSError:
        pass  # not connected any more: its thread sees that already
