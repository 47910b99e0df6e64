"""cffisock sockets in asyncio: the event loop's ``sock_*`` methods and the
asyncio APIs that take a ``sock=`` argument (on Linux none of them insists on
a real ``socket.socket``: they use the socket by duck typing), with the
stdlib as the peer; and the ``detach()`` hand-over between the two socket
classes, for code that does insist.

Every address is on loopback or in tmp_path, every loop is bounded in count,
and every event loop run is bounded in time (``run``).
"""

import asyncio
import os
import socket as stdlib_socket
import sys
import tempfile

import pytest

import cffisock
from support.comparison import assert_same_bytes
from support.loopback import cffisock_listener, echo_client, family_param, recv_exactly


requires_python_311 = pytest.mark.skipif(
    sys.version_info < (3, 11),
    reason="loop.sock_recvfrom/sock_sendto were added in Python 3.11")


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
