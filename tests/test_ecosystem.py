"""cffisock sockets in the stdlib's event machinery: select, selectors, asyncio.

Everything here hands a cffisock socket (the object, or its fileno()) to
stdlib code that was written for ``socket.socket`` and checks that it works
with the stdlib as the peer: readiness reported by ``select.select``,
``select.poll``, ``select.epoll`` and every selector class; a selectors echo
server; asyncio's ``loop.sock_*`` methods; the asyncio APIs that take a
``sock=`` argument (on Linux none of them insists on a real
``socket.socket``: they use the socket by duck typing); and the ``detach()``
hand-over between the two socket classes, for code that does insist.

Every address is on loopback or in tmp_path, every loop is bounded in count,
and every event loop run is bounded in time (``run``).
"""

import asyncio
import errno
import os
import select
import selectors
import socket as stdlib_socket
import sys
import tempfile
from time import monotonic

import pytest

import cffisock
from support.loopback import recv_exactly, requires_ipv6

READ = selectors.EVENT_READ
WRITE = selectors.EVENT_WRITE

requires_python_311 = pytest.mark.skipif(
    sys.version_info < (3, 11),
    reason="loop.sock_recvfrom/sock_sendto were added in Python 3.11")

# ------------------------------------------------------------------ addresses


def family_param(name, *values):
    """A pytest param for the address family ``name`` (with ``values`` before
    it); AF_INET6 needs a working ::1."""
    return pytest.param(*values, name, id="-".join(values + (name,)),
                        marks=[requires_ipv6] if name == "AF_INET6" else [])


FAMILIES = [family_param(name) for name in ("AF_INET", "AF_INET6", "AF_UNIX")]


def loopback_address(family, directory, name="server.sock"):
    """An address to bind to in ``family``: port 0 on loopback, or a path
    in ``directory`` for AF_UNIX."""
    if family == cffisock.AF_UNIX:
        return str(directory / name)
    return {cffisock.AF_INET: ("127.0.0.1", 0), cffisock.AF_INET6: ("::1", 0)}[family]


def cffisock_listener(family, directory):
    """A listening cffisock stream socket on loopback."""
    return cffisock.create_server(loopback_address(family, directory), family=family)


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


def assert_same_bytes(received, sent):
    """Assert ``received == sent`` without pytest diffing megabytes."""
    assert len(received) == len(sent)
    if received != sent:
        offset = next(i for i, (a, b) in enumerate(zip(received, sent)) if a != b)
        pytest.fail("the bytes differ from offset %d on" % offset)


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


def echo_client(family, address, payload, chunk=1 << 15):
    """A stdlib client: send ``payload`` a chunk at a time, reading each
    chunk's echo before the next; return everything echoed."""
    echoed = []
    with stdlib_socket.socket(family) as client:
        client.settimeout(10)
        client.connect(address)
        for start in range(0, len(payload), chunk):
            piece = payload[start:start + chunk]
            client.sendall(piece)
            echoed.append(recv_exactly(client, len(piece)))
    return b"".join(echoed)


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


# ------------------------------------------------------ asyncio: loop.sock_*


def run(coroutine_function, *args):
    """Run ``coroutine_function(*args)`` in a fresh event loop in debug
    mode (where the loop.sock_* methods insist on a non-blocking socket),
    bounded at 30 seconds."""
    return asyncio.run(asyncio.wait_for(coroutine_function(*args), 30), debug=True)


async def still_pending(task):
    """Give ``task`` 50 ms of loop time and assert it is still waiting."""
    await asyncio.sleep(0.05)
    assert not task.done()
    return task


async def in_thread(function, *args):
    """``function(*args)`` (a blocking stdlib peer call) in the loop's
    default executor."""
    return await asyncio.get_running_loop().run_in_executor(None, function, *args)


def test_sock_connect(stdlib_listener):
    async def main():
        loop = asyncio.get_running_loop()
        with cffisock.socket(stdlib_listener.family) as sock:
            sock.setblocking(False)
            await loop.sock_connect(sock, stdlib_listener.getsockname())
            peer, _ = stdlib_listener.accept()
            with peer:
                peer.sendall(b"connected")
                return sock.getpeername(), await loop.sock_recv(sock, 64)

    assert run(main) == (stdlib_listener.getsockname(), b"connected")


def test_sock_accept(family, tmp_path):
    async def main():
        loop = asyncio.get_running_loop()
        with cffisock_listener(family, tmp_path) as listener, \
                stdlib_socket.socket(family) as client:
            listener.setblocking(False)
            accepting = await still_pending(asyncio.ensure_future(loop.sock_accept(listener)))
            client.settimeout(10)
            client.connect(listener.getsockname())
            conn, address = await accepting
            with conn:
                client.sendall(b"accepted")
                received = await loop.sock_recv(conn, 64)
                return type(conn), conn.getblocking(), address, client.getsockname(), received

    kind, blocking, address, client_address, received = run(main)
    assert (kind, blocking, received) == (cffisock.socket, False, b"accepted")
    assert address == client_address


# A receiver makes one loop.sock_recv* call for up to 64 bytes and returns
# (data, the sender's address, or None for the calls that give none).


async def _recv(loop, sock):
    return await loop.sock_recv(sock, 64), None


async def _recv_into(loop, sock):
    buffer = bytearray(64)
    received = await loop.sock_recv_into(sock, buffer)
    return bytes(buffer[:received]), None


async def _recvfrom(loop, sock):
    return await loop.sock_recvfrom(sock, 64)


async def _recvfrom_into(loop, sock):
    buffer = bytearray(64)
    received, address = await loop.sock_recvfrom_into(sock, buffer)
    return bytes(buffer[:received]), address


@pytest.mark.parametrize("receive, pair_fixture", [
    pytest.param(_recv, "stream_pair", id="sock_recv"),
    pytest.param(_recv_into, "stream_pair", id="sock_recv_into"),
    pytest.param(_recvfrom, "datagram_pair", id="sock_recvfrom", marks=requires_python_311),
    pytest.param(_recvfrom_into, "datagram_pair", id="sock_recvfrom_into",
                 marks=requires_python_311),
])
def test_receiving_waits_for_the_peer(request, family, receive, pair_fixture):
    sock, peer = request.getfixturevalue(pair_fixture)
    sender = peer.getsockname() if sock.type == cffisock.SOCK_DGRAM else None

    async def main():
        loop = asyncio.get_running_loop()
        receiving = await still_pending(asyncio.ensure_future(receive(loop, sock)))
        peer.send(b"late bytes")
        return await receiving

    assert run(main) == (b"late bytes", sender)


def test_large_sock_sendall_waits_for_writability(stream_pair):
    sock, peer = stream_pair
    # A small send buffer: 8 MiB cannot fit into the kernel's buffers, so
    # sock_sendall must wait for the peer to read, registered for writing.
    sock.setsockopt(cffisock.SOL_SOCKET, cffisock.SO_SNDBUF, 1 << 16)
    payload = os.urandom(8 << 20)

    async def main():
        loop = asyncio.get_running_loop()
        sending = await still_pending(asyncio.ensure_future(loop.sock_sendall(sock, payload)))
        receiving = asyncio.ensure_future(in_thread(recv_exactly, peer, len(payload)))
        assert await sending is None
        return await receiving

    assert_same_bytes(run(main), payload)


def test_cancelled_sock_recv_leaves_the_socket_usable(stream_pair):
    sock, peer = stream_pair

    async def main():
        loop = asyncio.get_running_loop()
        receiving = await still_pending(asyncio.ensure_future(loop.sock_recv(sock, 64)))
        receiving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await receiving
        # The cancelled call took its reader off the descriptor...
        assert not loop.remove_reader(sock.fileno())
        # ...and consumed nothing: the next call gets every byte.
        peer.sendall(b"after the cancel")
        received = await loop.sock_recv(sock, 64)
        await loop.sock_sendall(sock, b"reply")
        return received

    assert run(main) == b"after the cancel"
    assert recv_exactly(peer, 5) == b"reply"


def test_sock_sendfile(fd_leak_check, stream_pair):
    sock, peer = stream_pair
    payload = os.urandom(1 << 20)

    async def main():
        loop = asyncio.get_running_loop()
        receiving = asyncio.ensure_future(in_thread(recv_exactly, peer, len(payload)))
        with tempfile.TemporaryFile() as file:
            file.write(payload)
            file.seek(0)
            sent = await loop.sock_sendfile(sock, file)
        return sent, await receiving

    sent, received = run(main)
    assert sent == len(payload)
    assert_same_bytes(received, payload)


def test_debug_loop_refuses_a_blocking_cffisock_socket_as_a_stdlib_one(stream_pair):
    sock, peer = stream_pair
    sock.settimeout(5)

    async def main():
        messages = []
        for blocking in (sock, peer):
            with pytest.raises(ValueError) as info:
                await asyncio.get_running_loop().sock_recv(blocking, 1)
            messages.append(str(info.value))
        return messages

    cffisock_message, stdlib_message = run(main)
    assert cffisock_message == stdlib_message == "the socket must be non-blocking"


@requires_python_311
def test_sock_sendto(datagram_pair):
    sock, peer = datagram_pair

    async def main():
        return await asyncio.get_running_loop().sock_sendto(sock, b"datagram", peer.getsockname())

    assert run(main) == 8
    assert peer.recvfrom(64) == (b"datagram", sock.getsockname())


# --------------------------------------------- asyncio: APIs that take sock=


_MAX_WAKEUPS = 100000


class Recorder(asyncio.Protocol):
    """Keeps every byte received; ``until(size)`` waits for that many."""

    def __init__(self):
        self.data = bytearray()
        self.lost = False
        self._changed = asyncio.Event()

    def data_received(self, data):
        self.data += data
        self._changed.set()

    def connection_lost(self, exc):
        self.lost = True
        self._changed.set()

    async def until(self, size):
        """Wait until ``size`` bytes came (or the connection was lost)."""
        for _ in range(_MAX_WAKEUPS):
            if len(self.data) >= size or self.lost:
                return bytes(self.data)
            self._changed.clear()
            await self._changed.wait()
        raise AssertionError("no %d bytes after %d wake-ups" % (size, _MAX_WAKEUPS))


TRANSPORT_MAKERS = {
    "loop.create_connection": (
        "stream_pair", lambda loop, sock: loop.create_connection(Recorder, sock=sock)),
    "loop.connect_accepted_socket": (
        "accepted_pair", lambda loop, sock: loop.connect_accepted_socket(Recorder, sock=sock)),
}


@pytest.mark.parametrize("api", sorted(TRANSPORT_MAKERS))
def test_transport_over_a_cffisock_socket(fd_leak_check, request, family, api):
    pair_fixture, make_transport = TRANSPORT_MAKERS[api]
    sock, peer = request.getfixturevalue(pair_fixture)
    sock.setsockopt(cffisock.SOL_SOCKET, cffisock.SO_SNDBUF, 1 << 16)
    chunks = [os.urandom(1 << 16) for _ in range(64)]
    fd = sock.fileno()

    async def main():
        loop = asyncio.get_running_loop()
        transport, recorder = await make_transport(loop, sock)
        try:
            assert transport.get_extra_info("socket").fileno() == fd
            assert transport.get_extra_info("peername") == peer.getsockname()
            for chunk in chunks:
                transport.write(chunk)
            # What the kernel did not take waits in the transport for
            # writability (from 3.12 on it is sent with sock.sendmsg).
            assert transport.get_write_buffer_size() > 0
            received = await in_thread(recv_exactly, peer, 4 << 20)
            peer.sendall(b"pong")
            return received, await recorder.until(4)
        finally:
            transport.close()

    received, reply = run(main)
    assert_same_bytes(received, b"".join(chunks))
    assert reply == b"pong"
    assert sock.fileno() == -1  # the transport closed the cffisock socket


SENT_FIRST = b"the peer speaks first"


def check_streams_round_trip(open_streams, sock, peer):
    """``peer`` (a blocking stdlib socket connected to ``sock``, of either
    class) has sent SENT_FIRST.  Asyncio streams from ``open_streams(sock)``
    must be on ``sock``, read those bytes, send a reply that reaches the
    peer, and close ``sock`` when they close."""
    async def main():
        reader, writer = await open_streams(sock)
        try:
            assert writer.get_extra_info("socket").fileno() == sock.fileno()
            received = await reader.readexactly(len(SENT_FIRST))
            writer.write(received.upper())
            await writer.drain()
            return received, await in_thread(recv_exactly, peer, len(SENT_FIRST))
        finally:
            writer.close()
            await writer.wait_closed()

    assert run(main) == (SENT_FIRST, SENT_FIRST.upper())
    assert sock.fileno() == -1


STREAM_OPENERS = {
    "asyncio.open_connection": lambda sock: asyncio.open_connection(sock=sock),
    "asyncio.open_unix_connection": lambda sock: asyncio.open_unix_connection(sock=sock),
}


@pytest.mark.parametrize("api, family", [
    family_param(name, "asyncio.open_connection") for name in ("AF_INET", "AF_INET6", "AF_UNIX")
] + [family_param("AF_UNIX", "asyncio.open_unix_connection")], indirect=["family"])
def test_streams_over_a_cffisock_socket(fd_leak_check, api, stream_pair):
    sock, peer = stream_pair
    peer.sendall(SENT_FIRST)
    check_streams_round_trip(STREAM_OPENERS[api], sock, peer)


class EchoProtocol(asyncio.Protocol):
    """Sends every byte straight back."""

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


async def echo_handler(reader, writer):
    """asyncio streams: send every byte straight back until end of stream."""
    for _ in range(_MAX_WAKEUPS):
        data = await reader.read(1 << 16)
        if not data:
            break
        writer.write(data)
        await writer.drain()
    writer.close()


SERVER_STARTERS = {
    "loop.create_server": lambda listener: asyncio.get_running_loop().create_server(
        EchoProtocol, sock=listener),
    "asyncio.start_server": lambda listener: asyncio.start_server(echo_handler, sock=listener),
    "loop.create_unix_server": lambda listener: asyncio.get_running_loop().create_unix_server(
        EchoProtocol, sock=listener),
    "asyncio.start_unix_server": lambda listener: asyncio.start_unix_server(
        echo_handler, sock=listener),
}


@pytest.mark.parametrize("api, family", [
    family_param(name, api)
    for api in ("loop.create_server", "asyncio.start_server")
    for name in ("AF_INET", "AF_INET6", "AF_UNIX")
] + [
    family_param("AF_UNIX", api)
    for api in ("loop.create_unix_server", "asyncio.start_unix_server")
], indirect=["family"])
def test_server_on_a_cffisock_listener(fd_leak_check, api, family, tmp_path):
    payloads = [os.urandom(100000 + 7919 * number) for number in range(3)]

    async def main():
        listener = cffisock_listener(family, tmp_path)
        try:
            server = await SERVER_STARTERS[api](listener)
        except BaseException:
            listener.close()
            raise
        try:  # from here on the server owns the listener
            assert [sock.fileno() for sock in server.sockets] == [listener.fileno()]
            echoed = await asyncio.gather(*(
                in_thread(echo_client, family, listener.getsockname(), payload)
                for payload in payloads))
        finally:
            server.close()
            await server.wait_closed()
        return echoed, listener.fileno()

    echoed, fileno_after = run(main)
    for received, payload in zip(echoed, payloads):
        assert_same_bytes(received, payload)
    assert fileno_after == -1  # closing the server closed the cffisock listener


class DatagramEcho(asyncio.DatagramProtocol):
    """Sends every datagram back, reversed, to where it came from."""

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, address):
        self.transport.sendto(data[::-1], address)


def test_create_datagram_endpoint_on_a_cffisock_socket(fd_leak_check, datagram_pair):
    sock, peer = datagram_pair
    address = sock.getsockname()
    messages = [b"datagram %d" % number for number in range(5)]

    async def main():
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(DatagramEcho, sock=sock)
        try:
            replies = []
            for message in messages:
                peer.send(message)
                replies.append(await in_thread(peer.recvfrom, 64))
            return replies
        finally:
            transport.close()

    assert run(main) == [(message[::-1], address) for message in messages]
    assert sock.fileno() == -1


def test_start_server_with_a_cffisock_listener_and_tls_context(fd_leak_check, ca, server_cert):
    # cffisock's socket and cffisock.tls's context on the server, the
    # stdlib's ssl in asyncio's client.
    import ssl

    from cffisock import tls

    server_context = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    with server_cert.private_key_and_cert_chain_pem.tempfile() as pem:
        server_context.load_cert_chain(pem)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    server_sides = []

    async def handle(reader, writer):
        server_sides.append(writer.get_extra_info("ssl_object"))
        writer.write((await reader.readexactly(5))[::-1])
        await writer.drain()
        writer.close()

    async def main():
        listener = cffisock.create_server(("127.0.0.1", 0))
        server = await asyncio.start_server(handle, sock=listener, ssl=server_context)
        try:
            reader, writer = await asyncio.open_connection(
                *listener.getsockname(), ssl=client_context, server_hostname="localhost")
            writer.write(b"hello")
            reply = await reader.readexactly(5)
            writer.close()
            await writer.wait_closed()
            return reply
        finally:
            server.close()
            await server.wait_closed()

    assert run(main) == b"olleh"
    assert [type(side) for side in server_sides] == [tls.SSLObject]


# ------------------------------------------------ the detach() hand-over


def test_detached_cffisock_descriptor_serves_as_a_stdlib_socket(fd_leak_check, stream_pair):
    sock, peer = stream_pair
    peer.sendall(SENT_FIRST)  # still unread at the hand-over
    fd = sock.detach()
    sock.close()  # the detached object no longer owns the descriptor
    std = stdlib_socket.socket(fileno=fd)
    assert (std.family, std.type, std.fileno()) == (peer.family, stdlib_socket.SOCK_STREAM, fd)
    check_streams_round_trip(STREAM_OPENERS["asyncio.open_connection"], std, peer)


def test_detached_stdlib_descriptor_serves_as_a_cffisock_socket(fd_leak_check, stdlib_listener):
    with stdlib_socket.socket(stdlib_listener.family) as std:
        std.settimeout(10)
        std.connect(stdlib_listener.getsockname())
        expected = (std.family, std.type,
                    std.getsockopt(stdlib_socket.SOL_SOCKET, stdlib_socket.SO_PROTOCOL))
        peer, _ = stdlib_listener.accept()
        peer.sendall(SENT_FIRST)  # still unread at the hand-over
        fd = std.detach()  # closing std now leaves the descriptor open
    with cffisock.socket(fileno=fd) as sock, peer:
        assert (sock.family, sock.type, sock.proto) == expected
        assert sock.getpeername() == stdlib_listener.getsockname()
        peer.settimeout(10)
        check_streams_round_trip(STREAM_OPENERS["asyncio.open_connection"], sock, peer)
