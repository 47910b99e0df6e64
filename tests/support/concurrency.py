"""Calls in a background thread, a listener served by a thread, SIGALRM for
the duration of a block, and timed calls."""

import contextlib
import signal
import socket as stdlib_socket
import threading
import time

import pytest


class Interrupted(Exception):
    """What a test's signal handler raises, to end the call it interrupts."""


class ListeningThread:
    """A stdlib listener on 127.0.0.1 (``address``) that a daemon thread
    serves with the subclass's ``serve()``, started by ``start()``.
    ``close()`` (or leaving the ``with`` block) waits for the thread,
    bounded by ``timeout`` seconds more, closes the listener and raises what
    ``serve`` raised."""

    def __init__(self, timeout):
        self.listener = stdlib_socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(timeout)
        self.address = self.listener.getsockname()
        self.timeout = timeout
        self.error = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()

    def _run(self):
        try:
            self.serve()
        except Exception as exc:  # raised by close()
            self.error = exc

    def close(self):
        self._thread.join(self.timeout + 5)
        self.listener.close()
        assert not self._thread.is_alive(), "%s still running" % type(self).__name__
        if self.error is not None:
            raise self.error

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


class BackgroundCall(threading.Thread):
    """``function(*args)`` running in a daemon thread; ``result()`` joins it
    (bounded) and returns its value or re-raises its exception."""

    def __init__(self, function, args):
        super().__init__(daemon=True)
        self._call = (function, args)
        self._value = None
        self._error = None

    def run(self):
        function, args = self._call
        try:
            self._value = function(*args)
        except BaseException as exc:  # handed to the test by result()
            self._error = exc

    def result(self, timeout=10):
        self.join(timeout)
        assert not self.is_alive(), "background call still running after %s s" % timeout
        if self._error is not None:
            raise self._error
        return self._value


@contextlib.contextmanager
def sigalrm(handler, first, interval=0.0):
    """SIGALRM to ``handler`` for the block, through setitimer: first after
    ``first`` seconds, then every ``interval`` (0: once).  Afterwards the
    timer is cancelled and the previous handler restored."""
    previous = signal.signal(signal.SIGALRM, handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, first, interval)
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# -- helpers -------------------------------------------------------------------


def time_raising(exception, function, *args):
    """Call ``function(*args)``, which must raise ``exception``; return the
    seconds it took."""
    start = time.monotonic()
    with pytest.raises(exception):
        function(*args)
    return time.monotonic() - start


def block_sigalrm_in_this_thread():
    """Keep SIGALRM for the main thread, whose calls the EINTR tests time."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])


def send_after(sock, delay, data, cancelled=None):
    """Peer-thread body: wait ``delay`` seconds (or until ``cancelled`` is
    set), then send ``data``."""
    block_sigalrm_in_this_thread()
    if cancelled is None:
        time.sleep(delay)
    else:
        cancelled.wait(delay)
    sock.sendall(data)
