"""Waiting for a descriptor, the errno rule every call follows, and the
retry loop of the socket system calls.

This is cffisock's counterpart of CPython's ``sock_call_ex``: a socket call is
made first without waiting; only when it fails does ``retry`` look at errno.
The rule (``interrupted``, ``would_block``) is the one place that classifies
an errno for the socket calls, the batched receives and the TLS operations:
EINTR is retried after Python has run the signal handlers (PEP 475: a
handler that raises ends the call with its exception); EAGAIN on a socket
with a positive timeout waits with ``poll`` (``wait_fd``) until the
descriptor is ready or the call's single deadline passes, then retries; any
other error raises OSError.  There are two retry loops, ``retry`` here and
``_Connection.run`` for TLS operations (which OpenSSL's wants also drive),
and one wait, ``wait_fd``.

Deadlines are ``time.monotonic()`` values; ``None`` means wait forever.
"""

import math
from time import monotonic

from cffisock._converters import INT_MAX
from cffisock._errors import oserror, timed_out
from cffisock._ffi import lib

EINTR = lib.EINTR
EAGAIN = lib.EAGAIN
EWOULDBLOCK = lib.EWOULDBLOCK
POLLIN = lib.POLLIN
POLLOUT = lib.POLLOUT
_poll_one = lib.cffisock_poll_one


def interrupted(err):
    """EINTR: a signal came and its handlers have run without raising, so
    the call is made again at once (PEP 475)."""
    return err == EINTR


def would_block(err):
    """EAGAIN/EWOULDBLOCK: the descriptor is not ready; a socket with a
    timeout waits for it, a non-blocking one raises BlockingIOError."""
    return err == EAGAIN or err == EWOULDBLOCK


def deadline_after(timeout):
    """Return the deadline ``timeout`` seconds from now (None: no deadline)."""
    if timeout is None:
        return None
    return monotonic() + timeout


def wait_fd(fd, events, deadline):
    """Block until ``fd`` has one of ``events`` or ``deadline`` passes.

    Raises the socket timeout exception when the deadline passes, OSError if
    poll fails; retries poll on EINTR with the time that is left.  Error and
    hang-up conditions count as ready: the following call reports them.  So
    does a closed socket's -1 (which poll would ignore, sleeping until the
    deadline): the following call fails with EBADF, as in CPython's
    internal_select.
    """
    if fd < 0:
        return
    while True:
        if deadline is None:
            milliseconds = -1
        else:
            remaining = deadline - monotonic()
            if remaining <= 0:
                raise timed_out()
            # Round up, as CPython does, so a wait never ends early.
            milliseconds = min(math.ceil(remaining * 1000), INT_MAX)
        ready = _poll_one(fd, events, milliseconds)
        if ready > 0:
            return
        if ready == 0:
            if deadline is not None and deadline - monotonic() > 0:
                continue  # poll rounds coarser than our deadline
            raise timed_out()
        if not interrupted(-ready):
            raise oserror(-ready)


def retry(sock, err, events, deadline, function, *args):
    """Finish the call ``function(sock._fd, *args)``, whose first attempt
    (made by the caller, without this loop) failed with ``err``; return the
    first non-negative result.

    ``function`` is a cffisock_ C wrapper, which returns -errno on failure.
    Each retry reads the socket's descriptor as it is then: -1 once another
    thread closed it, so the retry fails with EBADF instead of using a
    number that may name another file by now (as CPython's sock_call_ex,
    which reads sock_fd before each try).  ``sock`` also supplies the
    timeout; ``events`` is POLLIN or POLLOUT; ``deadline`` is the call's
    deadline if it already has one (sendall), else None and one is set at
    the first wait.
    """
    while True:
        if interrupted(err):
            pass  # the signal handlers have run (and did not raise): retry
        elif would_block(err) and sock._timeout:
            if deadline is None:
                deadline = monotonic() + sock._timeout
            wait_fd(sock._fd, events, deadline)
        else:
            raise oserror(err)
        result = function(sock._fd, *args)
        if result >= 0:
            return result
        err = -result
