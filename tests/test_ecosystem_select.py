"""cffisock sockets in the stdlib's readiness machinery: ``select.select``,
``select.poll``, ``select.epoll`` and every selector class report a cffisock
socket (the object, or its fileno()) as they report a stdlib one, and a
selectors echo server on cffisock sockets serves stdlib clients.

Every address is on loopback or in tmp_path, every loop is bounded in count.
"""

import errno
import os
import select
import selectors
import socket as stdlib_socket
from time import monotonic

import pytest

import cffisock
from support.comparison import assert_same_bytes
from support.loopback import cffisock_listener, echo_client


READ = selectors.EVENT_READ
WRITE = selectors.EVENT_WRITE


# ------------------------------------------------------------ select, selectors
#
# A *waiter* registers a target (a socket object or a descriptor) for some of
# READ and WRITE, waits up to ``timeout`` seconds, and returns the events
# reported, as a READ | WRITE mask.


def wait_select(target, events, timeout):
    """select.select on the target."""
    readers = [target] if events & READ else []
    writers = [target] if events & WRITE else []
    readable, writable, _ = select.select(readers, writers, [], timeout)
    return (READ if readable else 0) | (WRITE if writable else 0)


def _descriptor(target):
    return target if isinstance(target, int) else target.fileno()


def _poll_answer(pairs, target, read_bit, write_bit):
    """The READ | WRITE mask of a poll answer; every (fd, mask) pair must
    name the target's descriptor."""
    fd = _descriptor(target)
    mask = 0
    for reported, bits in pairs:
        assert reported == fd
        mask |= bits
    return (READ if mask & read_bit else 0) | (WRITE if mask & write_bit else 0)


def _poll_mask(events, read_bit, write_bit):
    return (read_bit if events & READ else 0) | (write_bit if events & WRITE else 0)


def wait_poll(target, events, timeout):
    """select.poll on the target (milliseconds)."""
    poller = select.poll()
    poller.register(target, _poll_mask(events, select.POLLIN, select.POLLOUT))
    return _poll_answer(poller.poll(timeout * 1000), target, select.POLLIN, select.POLLOUT)


def wait_epoll(target, events, timeout):
    """select.epoll on the target."""
    with select.epoll() as poller:
        poller.register(target, _poll_mask(events, select.EPOLLIN, select.EPOLLOUT))
        return _poll_answer(poller.poll(timeout), target, select.EPOLLIN, select.EPOLLOUT)


def selector_waiter(selector_class):
    """A waiter on a fresh ``selector_class``; it also checks the key the
    selector made: the registered object itself and its descriptor."""
    def wait(target, events, timeout):
        with selector_class() as selector:
            key = selector.register(target, events)
            assert key.fileobj is target and key.fd == _descriptor(target)
            mask = 0
            for ready, ready_events in selector.select(timeout):
                assert ready is key
                mask |= ready_events
            return mask
    return wait


#: Every selector class this platform has, by name (on Linux DefaultSelector
#: is EpollSelector; it is tested under both names).
SELECTOR_CLASSES = {name: getattr(selectors, name) for name in
                    ("DefaultSelector", "SelectSelector", "PollSelector", "EpollSelector")
                    if hasattr(selectors, name)}
WAITERS = {"select.select": wait_select, "select.poll": wait_poll, "select.epoll": wait_epoll}
WAITERS.update((name, selector_waiter(cls)) for name, cls in SELECTOR_CLASSES.items())


@pytest.fixture(params=sorted(WAITERS))
def wait(request):
    """Each waiter in turn."""
    return WAITERS[request.param]


@pytest.fixture(params=["object", "fileno"])
def registered(request):
    """What is handed to the waiter: the socket object, or its fileno()."""
    if request.param == "object":
        return lambda sock: sock
    return lambda sock: sock.fileno()


def test_connecting_socket_becomes_writable_and_not_readable(wait, registered, stdlib_listener):
    with cffisock.socket(stdlib_listener.family) as sock:
        sock.setblocking(False)
        assert sock.connect_ex(stdlib_listener.getsockname()) in (0, errno.EINPROGRESS)
        assert wait(registered(sock), READ | WRITE, 5) == WRITE
        assert sock.getsockopt(cffisock.SOL_SOCKET, cffisock.SO_ERROR) == 0
        assert sock.getpeername() == stdlib_listener.getsockname()


def test_readable_once_the_peer_sends(wait, registered, stream_pair):
    sock, peer = stream_pair
    assert wait(registered(sock), READ, 0) == 0
    peer.sendall(b"ping")
    assert wait(registered(sock), READ, 5) == READ
    assert sock.recv(16) == b"ping"
    assert wait(registered(sock), READ, 0) == 0


def test_listening_socket_readable_when_a_client_connects(wait, registered, family, tmp_path):
    with cffisock_listener(family, tmp_path) as listener, stdlib_socket.socket(family) as client:
        listener.setblocking(False)
        assert wait(registered(listener), READ, 0) == 0
        client.settimeout(10)
        client.connect(listener.getsockname())
        assert wait(registered(listener), READ, 5) == READ
        conn, _ = listener.accept()
        with conn:
            client.sendall(b"x")
            assert wait(registered(conn), READ, 5) == READ
            assert conn.recv(1) == b"x"


def test_end_of_stream_is_readable(wait, registered, stream_pair):
    sock, peer = stream_pair
    peer.close()
    assert wait(registered(sock), READ, 5) == READ
    assert sock.recv(16) == b""


@pytest.mark.parametrize("selector_name", sorted(SELECTOR_CLASSES))
@pytest.mark.parametrize("family", ["AF_INET"], indirect=True)
def test_selector_knows_the_socket_and_its_descriptor_as_one(selector_name, stream_pair):
    sock, _ = stream_pair
    with SELECTOR_CLASSES[selector_name]() as selector:
        selector.register(sock, READ)
        with pytest.raises(KeyError):
            selector.register(sock.fileno(), READ)
        assert selector.get_key(sock.fileno()).fileobj is sock
        # A closed socket's fileno() is -1, as the stdlib's: the selector
        # then finds the registration by the object itself.
        sock.close()
        assert selector.unregister(sock).fileobj is sock
        assert len(selector.get_map()) == 0


# ------------------------------------------------------ a selectors echo server

_MAX_ROUNDS = 100000


class SelectorEchoServer:
    """Echo every byte on a non-blocking cffisock listener's connections,
    all in one thread with one ``selectors.DefaultSelector``.  Bytes that
    cannot be sent yet wait in a buffer while the connection is also
    registered for writing; reading goes on meanwhile."""

    def __init__(self, listener):
        self._listener = listener
        self._selector = selectors.DefaultSelector()
        self._unsent = {}
        self._echoed = {}

    def serve(self, connections, seconds):
        """Serve until ``connections`` connections were accepted and closed
        by their clients; return the byte count echoed on each."""
        self._listener.setblocking(False)
        self._selector.register(self._listener, READ)
        deadline = monotonic() + seconds
        finished = []
        try:
            for _ in range(_MAX_ROUNDS):
                if len(finished) == connections:
                    return finished
                assert monotonic() < deadline, "the echo server ran out of time"
                for key, events in self._selector.select(timeout=0.5):
                    if key.fileobj is self._listener:
                        self._accept()
                        continue
                    if events & WRITE:
                        self._send(key.fileobj)
                    if events & READ and not self._receive(key.fileobj):
                        finished.append(self._close(key.fileobj))
            raise AssertionError("the echo server made %d rounds" % _MAX_ROUNDS)
        finally:
            for conn in list(self._unsent):
                self._close(conn)
            self._selector.close()

    def _accept(self):
        conn, _ = self._listener.accept()
        conn.setblocking(False)
        self._unsent[conn] = bytearray()
        self._echoed[conn] = 0
        self._selector.register(conn, READ)

    def _receive(self, conn):
        """Read what is there and echo it; False at end of stream."""
        data = conn.recv(1 << 16)
        if data:
            self._unsent[conn] += data
            self._send(conn)
        return bool(data)

    def _send(self, conn):
        unsent = self._unsent[conn]
        try:
            sent = conn.send(unsent) if unsent else 0
        except BlockingIOError:
            sent = 0
        del unsent[:sent]
        self._echoed[conn] += sent
        self._selector.modify(conn, READ | WRITE if unsent else READ)

    def _close(self, conn):
        """Forget ``conn`` and close it; return the bytes echoed on it."""
        self._selector.unregister(conn)
        conn.close()
        del self._unsent[conn]
        return self._echoed.pop(conn)


def test_selectors_echo_server_serves_several_stdlib_clients(
        fd_leak_check, background, family, tmp_path):
    payloads = [os.urandom(100000 + 7919 * number) for number in range(6)]
    with cffisock_listener(family, tmp_path) as listener:
        server = background(SelectorEchoServer(listener).serve, len(payloads), 30)
        clients = [background(echo_client, family, listener.getsockname(), payload)
                   for payload in payloads]
        for client, payload in zip(clients, payloads):
            assert_same_bytes(client.result(30), payload)
        assert sorted(server.result(30)) == sorted(len(payload) for payload in payloads)


def test_stdlib_selectors_watch_a_cffisock_socket(connected_pair):
    client, server_side = connected_pair
    with selectors.DefaultSelector() as selector:
        selector.register(server_side, selectors.EVENT_READ)
        assert selector.select(timeout=0) == []
        client.sendall(b"ready")
        events = selector.select(timeout=10)
        assert [key.fileobj for key, _ in events] == [server_side]
    assert server_side.recv(5) == b"ready"
