"""Fixtures shared by cffisock's tests.  Helpers live in ``support/``.

The tests import the *installed* cffisock (there is no tests/__init__.py;
pytest puts this directory, not the source tree, on sys.path, which is how
``from support.loopback import ...`` works).  Every socket is on loopback:
127.0.0.1, ::1, UNIX sockets or socketpair.
"""

import contextlib
import select
import socket as stdlib_socket
import socket
import threading

import pytest

import cffisock
from support.concurrency import BackgroundCall
from support.descriptors import open_fds
from support.loopback import FAMILIES, cffisock_listener, loopback_address
from support.patching import STDLIB_SOCKET
from support.tls import ThreadedServer, echo, server_context


@pytest.fixture(scope="module")
def ca():
    """A throw-away certificate authority (trustme) for the TLS tests."""
    import trustme

    return trustme.CA()


@pytest.fixture(scope="module")
def server_cert(ca):
    """A server certificate for localhost and 127.0.0.1, issued by ``ca``."""
    return ca.issue_cert("localhost", "127.0.0.1")


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


@pytest.fixture
def background():
    """``background(function, *args)`` starts a BackgroundCall; every call
    is joined (with a timeout) when the test ends."""
    calls = []

    def start(function, *args):
        call = BackgroundCall(function, args)
        calls.append(call)
        call.start()
        return call

    yield start
    for call in calls:
        call.join(10)
    assert not [call for call in calls if call.is_alive()], \
        "background threads still running after the test"


@pytest.fixture
def saturated_listener():
    """The address of a listener (backlog 0) whose accept queue is full, so
    that a further connect to it blocks: the kernel drops its SYN."""
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(cffisock.socket())
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        address = server.getsockname()
        for _ in range(8):
            probe = stack.enter_context(stdlib_socket.socket())
            probe.setblocking(False)
            probe.connect_ex(address)
            _, writable, _ = select.select([], [probe], [], 0.2)
            if not writable:
                break  # this connect is held back: the queue is full
        else:
            pytest.skip("this kernel completes connects to a listener whose "
                        "accept queue is full, so connect never blocks here")
        yield address


@pytest.fixture
def echo_server(server_cert):
    """A stdlib server on 127.0.0.1 that echoes one connection."""
    context = server_context("stdlib", server_cert, alpn=["h2", "http/1.1"])
    with ThreadedServer(echo, context, timeout=20) as server:
        yield server


@pytest.fixture
def released():
    """An Event a server handler waits on; set when the test ends."""
    event = threading.Event()
    yield event
    event.set()


@pytest.fixture(params=FAMILIES)
def family(request):
    """The family under test, as cffisock's constant (AF_INET, AF_INET6 on
    ::1, AF_UNIX); tests parametrize it indirectly by name."""
    return getattr(cffisock, request.param)


@pytest.fixture
def stdlib_listener(family, tmp_path):
    """A listening stdlib stream socket on loopback (10 s timeout)."""
    with stdlib_socket.socket(family) as listener:
        listener.bind(loopback_address(family, tmp_path))
        listener.listen()
        listener.settimeout(10)
        yield listener


@pytest.fixture
def stream_pair(stdlib_listener):
    """``(sock, peer)``: a non-blocking cffisock stream socket connected to
    a stdlib socket (10 s timeout)."""
    with cffisock.socket(stdlib_listener.family) as sock:
        sock.settimeout(10)
        sock.connect(stdlib_listener.getsockname())
        sock.setblocking(False)
        peer, _ = stdlib_listener.accept()
        with peer:
            peer.settimeout(10)
            yield sock, peer


@pytest.fixture
def accepted_pair(family, tmp_path):
    """``(conn, client)``: a non-blocking cffisock socket that a cffisock
    listener accepted from a stdlib client (10 s timeout)."""
    with cffisock_listener(family, tmp_path) as listener, stdlib_socket.socket(family) as client:
        client.settimeout(10)
        client.connect(listener.getsockname())
        conn, _ = listener.accept()
        with conn:
            conn.setblocking(False)
            yield conn, client


@pytest.fixture
def datagram_pair(family, tmp_path):
    """``(sock, peer)``: a bound non-blocking cffisock datagram socket and a
    bound stdlib one connected to it (10 s timeout) in the same family."""
    with cffisock.socket(family, cffisock.SOCK_DGRAM) as sock, \
            stdlib_socket.socket(family, stdlib_socket.SOCK_DGRAM) as peer:
        sock.bind(loopback_address(family, tmp_path, "sock.sock"))
        sock.setblocking(False)
        peer.bind(loopback_address(family, tmp_path, "peer.sock"))
        peer.connect(sock.getsockname())
        peer.settimeout(10)
        yield sock, peer


@pytest.fixture
def left_unpatched():
    """The test leaves the stdlib's socket class in the stdlib module."""
    yield
    assert stdlib_socket.socket is STDLIB_SOCKET, "the test left the socket module patched"


@pytest.fixture
def default_timeouts():
    """Both modules' default timeouts are None again after the test."""
    yield
    stdlib_socket.setdefaulttimeout(None)
    cffisock.setdefaulttimeout(None)


@pytest.fixture
def patched_socket(default_timeouts):
    """The test runs under the patch, with a default timeout of 10 s (given
    to the stdlib before the patch, which carries it over) bounding every
    socket the stdlib clients and servers make."""
    stdlib_socket.setdefaulttimeout(10)
    with cffisock.patched():
        yield

