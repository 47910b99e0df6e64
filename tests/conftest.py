"""Shared helpers for cffisock's tests.

The tests import the *installed* cffisock (there is no tests/__init__.py and
pytest is run as ``pytest``, not ``python -m pytest``, so the source tree is
not on sys.path).  Every socket is on loopback: 127.0.0.1, ::1, UNIX sockets
or socketpair.
"""

import os

import pytest

import cffisock


def open_fds():
    """Return the set of descriptors this process has open."""
    return set(int(name) for name in os.listdir("/proc/self/fd"))


def ipv6_loopback_works():
    """True if this machine can bind and connect on ::1."""
    try:
        with cffisock.socket(cffisock.AF_INET6) as server:
            server.bind(("::1", 0))
            server.listen()
            with cffisock.create_connection(server.getsockname()[:2], timeout=5):
                return True
    except OSError:
        return False


requires_ipv6 = pytest.mark.skipif(
    not ipv6_loopback_works(),
    reason="this machine has no working IPv6 loopback (::1)")


@pytest.fixture
def fd_leak_check():
    """Fail the test if it leaves more descriptors open than it found."""
    before = open_fds()
    yield
    leaked = open_fds() - before
    # A descriptor opened by the test and still open is a leak; allow for
    # descriptors of the test machinery that may come and go (none expected).
    assert not leaked, "descriptors leaked: %s" % sorted(leaked)


@pytest.fixture
def tcp_listener():
    """A listening cffisock TCP socket on 127.0.0.1 (closed afterwards)."""
    with cffisock.create_server(("127.0.0.1", 0)) as server:
        yield server


@pytest.fixture
def connected_pair(tcp_listener):
    """``(client, server_side)``: a connected cffisock TCP pair on loopback."""
    client = cffisock.create_connection(tcp_listener.getsockname(), timeout=10)
    server_side, _ = tcp_listener.accept()
    with client, server_side:
        yield client, server_side
