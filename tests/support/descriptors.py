"""Descriptors: which ones this process has open, and tools for the tests
that check a socket never touches a descriptor number it gave up."""

import contextlib
import gc
import os
import platform
import socket as stdlib_socket


def open_fds():
    """Return the set of descriptors this process has open."""
    return set(int(name) for name in os.listdir("/proc/self/fd"))


def collect_stale_sockets():
    """Run the collector on PyPy, where a stdlib socket() that fails on a
    given descriptor leaves a half-built object holding the number, which
    closes that number when it is collected -- possibly after the number was
    reused by a later test or case, which would then fail with EBADF.  A test
    that hands the stdlib descriptors calls this while the number is free."""
    if platform.python_implementation() == "PyPy":
        gc.collect()


@contextlib.contextmanager
def decoy_at(number):
    """Make descriptor ``number`` (just released by a closed socket) name a
    new stdlib socketpair end holding b"decoy"; yield ``(decoy, decoy_peer)``
    and close all three afterwards.  A call that still used the old number
    would take the decoy's data or write to its peer (see
    support.loopback.receive_now)."""
    first, second = stdlib_socket.socketpair()
    decoy, decoy_peer = (second, first) if second.fileno() == number else (first, second)
    try:
        if decoy.fileno() != number:
            os.dup2(decoy.fileno(), number, inheritable=False)
        decoy_peer.sendall(b"decoy")
        yield decoy, decoy_peer
    finally:
        if decoy.fileno() != number:
            os.close(number)
        decoy.close()
        decoy_peer.close()
