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
"""

import signal
import sys
import threading
from time import monotonic

import cffisock
from cffisock._threads import start_shielded

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
    server = _EchoServer(listener, context, max_clients)
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        print("listening on %s %d" % listener.getsockname()[:2], flush=True)
        server.serve(once)
    except (KeyboardInterrupt, _Stopped):
        _log("stopped")
    except OSError as exc:
        _log("cannot accept: %s" % (exc,))
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.close()
    return 0


def _server_context(certfile, keyfile):
    from cffisock import tls

    context = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certfile, keyfile)
    return context


class _EchoServer:
    """The listener and the clients' threads and connections."""

    def __init__(self, listener, context, max_clients):
        self._listener = listener
        self._context = context
        self._slots = threading.BoundedSemaphore(max_clients) if max_clients else None
        self._lock = threading.Lock()
        self._clients = {}  # thread -> its connection (for close())
        self._closing = False

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
        join their threads (bounded)."""
        self._listener.close()
        with self._lock:
            self._closing = True
            threads = list(self._clients)
            for conn in self._clients.values():
                _shut_down(conn)
        deadline = monotonic() + _JOIN_TIMEOUT
        for thread in threads:
            thread.join(max(0.0, deadline - monotonic()))


def _shut_down(conn):
    """Wake the thread using ``conn``: its reads and writes end."""
    try:
        conn.shutdown(cffisock.SHUT_RDWR)
    except OSError:
        pass  # not connected any more: its thread sees that already
