"""TLS connections carrying data, with the stdlib's ``ssl`` as the peer on
either side: a verified client, a cffisock server, a listening TLS socket,
asyncio driving cffisock contexts, partial writes, recv_into and read
lengths (never past the caller's buffer), tls-unique and session
attributes.  Everything is on 127.0.0.1.
"""

import hashlib
import os
import platform
import socket as stdlib_socket
import ssl as stdlib_ssl
import threading
import time

import pytest

import cffisock
from cffisock import tls
from support.comparison import outcome
from support.loopback import recv_exactly
from support.tls import (
    SIDES,
    ThreadedServer,
    client_context,
    connect,
    connect_cffisock,
    default_client_context,
    read_until_eof,
    server_context,
)


def test_verified_client_talks_to_stdlib_server(ca, echo_server):
    context = default_client_context(ca)
    context.set_alpn_protocols(["http/1.1"])
    with connect_cffisock(context, echo_server.address, "localhost") as sock:
        assert sock.version() in ("TLSv1.2", "TLSv1.3")
        assert sock.selected_alpn_protocol() == "http/1.1"
        name, protocol, bits = sock.cipher()
        assert bits >= 128
        payload = bytes(range(256)) * 4096  # 1 MiB
        sock.sendall(payload)
        assert hashlib.sha256(recv_exactly(sock, len(payload))).digest() == \
            hashlib.sha256(payload).digest()


def test_stdlib_client_talks_to_cffisock_server(ca, server_cert):
    context = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    with server_cert.private_key_and_cert_chain_pem.tempfile() as pem:
        context.load_cert_chain(pem)
    context.set_alpn_protocols(["h2", "http/1.1"])
    listener = cffisock.create_server(("127.0.0.1", 0))
    results = {}

    def serve():
        conn, _ = listener.accept()
        conn.settimeout(20)
        with context.wrap_socket(conn, server_side=True) as tls_conn:
            results["alpn"] = tls_conn.selected_alpn_protocol()
            while True:
                data = tls_conn.recv(65536)
                if not data:
                    break
                tls_conn.sendall(data)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        client = stdlib_ssl.create_default_context(cadata=ca.cert_pem.bytes().decode())
        client.set_alpn_protocols(["h2"])
        with client.wrap_socket(stdlib_socket.create_connection(
                listener.getsockname(), timeout=20), server_hostname="localhost") as sock:
            payload = b"cffisock server " * 65536
            sock.sendall(payload)
            assert recv_exactly(sock, len(payload)) == payload
            assert sock.selected_alpn_protocol() == "h2"
    finally:
        thread.join(20)
        listener.close()
    assert results["alpn"] == "h2"


def test_listening_tls_socket_accepts_tls_connections(ca, server_cert):
    context = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    with server_cert.private_key_and_cert_chain_pem.tempfile() as pem:
        context.load_cert_chain(pem)
    with context.wrap_socket(cffisock.create_server(("127.0.0.1", 0)),
                             server_side=True) as listener:
        listener.settimeout(20)
        with pytest.raises(NotImplementedError):
            listener.dup()
        client = stdlib_ssl.create_default_context(cadata=ca.cert_pem.bytes().decode())
        result = {}

        def connect_client():
            with client.wrap_socket(stdlib_socket.create_connection(
                    listener.getsockname(), timeout=20), server_hostname="localhost") as sock:
                result["reply"] = recv_exactly(sock, 5)

        thread = threading.Thread(target=connect_client, daemon=True)
        thread.start()
        conn, _ = listener.accept()
        with conn:
            assert isinstance(conn, tls.SSLSocket)
            assert conn.version() is not None
            conn.sendall(b"hello")
        thread.join(20)
    assert result == {"reply": b"hello"}


def test_asyncio_drives_cffisock_contexts_on_both_sides(ca, server_cert):
    # asyncio hands the stdlib's ssl.MemoryBIO objects to wrap_bio and
    # drives the SSLObject itself: cffisock's context on both ends.
    import asyncio

    server_side = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    with server_cert.private_key_and_cert_chain_pem.tempfile() as pem:
        server_side.load_cert_chain(pem)
    client_side = default_client_context(ca)

    async def handle(reader, writer):
        writer.write((await reader.readexactly(5))[::-1])
        await writer.drain()
        writer.close()

    async def exchange():
        server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=server_side)
        port = server.sockets[0].getsockname()[1]
        try:
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", port, ssl=client_side, server_hostname="localhost")
            writer.write(b"hello")
            reply = await reader.readexactly(5)
            names = writer.get_extra_info("peercert")["subjectAltName"]
            writer.close()
            return reply, names
        finally:
            server.close()
            await server.wait_closed()

    reply, names = asyncio.run(asyncio.wait_for(exchange(), 20))
    assert reply == b"olleh"
    assert ("DNS", "localhost") in names


# ---------------------------------------------------------------- partial writes, recv_into

PARTIAL_TOTAL = 8 << 20


def slow_reader(conn):
    """Read PARTIAL_TOTAL bytes 1 KiB per call, pausing now and then;
    answer with their sha256 (hex)."""
    digest = hashlib.sha256()
    received = 0
    for count in range(PARTIAL_TOTAL):
        if received >= PARTIAL_TOTAL:
            break
        chunk = conn.recv(1024)
        if not chunk:
            break
        digest.update(chunk)
        received += len(chunk)
        if count % 256 == 0:
            time.sleep(0.001)
    conn.sendall(digest.hexdigest().encode("ascii"))
    read_until_eof(conn)
    return received


@pytest.mark.parametrize("timeout", [None, 20.0], ids=["blocking", "timeout"])
def test_sendall_survives_partial_writes(ca, server_cert, timeout):
    payload = os.urandom(PARTIAL_TOTAL)
    with ThreadedServer(slow_reader, server_context("stdlib", server_cert),
                        timeout=30) as server:
        with connect("cffisock", client_context("cffisock", ca), server.address) as sock:
            sock.settimeout(timeout)
            assert sock.sendall(payload) is None
            digest = recv_exactly(sock, 64)
    assert server.result() == PARTIAL_TOTAL
    assert digest == hashlib.sha256(payload).hexdigest().encode("ascii")


def send_then_wait(conn):
    conn.sendall(b"0123456789abcdef")
    return read_until_eof(conn)


def fill_buffers(sock):
    """recv_into a memoryview slice, then a bytearray with nbytes."""
    buffer = bytearray(b"." * 24)
    first = sock.recv_into(memoryview(buffer)[4:10])
    second = sock.recv_into(buffer, 3)
    return first, second, bytes(buffer)


@pytest.mark.parametrize("side", SIDES)
def test_recv_into_writes_into_the_callers_buffer(ca, server_cert, side):
    with ThreadedServer(send_then_wait, server_context("stdlib", server_cert)) as server:
        with connect(side, client_context(side, ca), server.address) as sock:
            result = fill_buffers(sock)
    assert result == (6, 3, b"678.012345" + b"." * 14)


def send_a_record_then_wait(conn):
    conn.sendall(bytes(range(48)))  # what the reads below take, in one record
    return read_until_eof(conn)


def read_with_every_length(sock):
    """Reads with lengths that are absent, zero, negative, too large or not
    integers, into a window of a guarded buffer; the guard bytes around the
    window show whether a read ever wrote past the buffer it was given."""
    backing = bytearray(b"#" * 30)
    window = memoryview(backing)[10:20]
    calls = [
        (sock.recv_into, window, 50), (sock.recv_into, window, -1),
        (sock.recv_into, window, 0), (sock.read, 4, window), (sock.read, -3, window),
        (sock.read, 0), (sock.recv, 0), (sock.read, -1), (sock.recv, -2),
        (sock.recv_into, window, "5"), (sock.recv_into, window, 2 ** 70),
        (sock.read, 3), (sock.recv, 1),
    ]
    results = [outcome(call, *args) for call, *args in calls]
    return results, bytes(backing)


RAISED = {name: ("raised", name, None)
          for name in ("ValueError", "TypeError", "OverflowError")}
#: What read_with_every_length gets from a peer that sent bytes(range(48)).
READS_OF_EVERY_LENGTH = (
    [("returned", 10), ("returned", 10), ("returned", 10), ("returned", 4),
     ("returned", 10), ("returned", b""), ("returned", b""), RAISED["ValueError"],
     RAISED["ValueError"], RAISED["TypeError"], RAISED["OverflowError"],
     ("returned", bytes(range(44, 47))), ("returned", bytes(range(47, 48)))],
    b"#" * 10 + bytes(range(34, 44)) + b"#" * 10,
)


def test_read_lengths_follow_the_stdlib_and_never_pass_the_buffer(ca, server_cert):
    """As CPython's _ssl: with a buffer, a length that is not positive or
    exceeds it means the whole buffer; without one, 0 reads nothing and a
    negative length is a ValueError; no read asks OpenSSL for more than the
    buffer holds (recv_into(buffer, 50) on a 10-byte buffer reads at most
    10 bytes: the guard bytes show it).  PyPy's ssl is no reference:
    it clamps nbytes=2**70 to the buffer (and reads on), where CPython
    raises OverflowError."""
    sides = SIDES if platform.python_implementation() == "CPython" else ["cffisock"]
    results = {}
    for side in sides:
        with ThreadedServer(send_a_record_then_wait, server_context("stdlib", server_cert)) as server:
            with connect(side, client_context(side, ca), server.address) as sock:
                results[side] = read_with_every_length(sock)
    assert results["cffisock"] == READS_OF_EVERY_LENGTH
    assert results.get("stdlib", READS_OF_EVERY_LENGTH) == READS_OF_EVERY_LENGTH


@pytest.mark.parametrize("server_side", [
    "cffisock",
    pytest.param("stdlib", marks=pytest.mark.skipif(
        platform.python_implementation() == "PyPy",
        reason="PyPy's ssl takes the other Finished message for tls-unique")),
])
def test_tls_unique_matches_the_peer(ca, server_cert, server_side):
    def peer_binding(conn):
        conn.recv(1)
        return conn.get_channel_binding("tls-unique")

    server = server_context(server_side, server_cert, version="TLSv1_2")
    with ThreadedServer(peer_binding, server, side=server_side) as threaded:
        with connect("cffisock", client_context("cffisock", ca), threaded.address) as sock:
            ours = sock.get_channel_binding("tls-unique")
            sock.sendall(b"x")
            with pytest.raises(ValueError, match="not implemented"):
                sock.get_channel_binding("tls-server-end-point")
    assert ours and ours == threaded.result()


def test_session_attributes(ca, server_cert):
    def serve(conn):
        conn.sendall(b"x")
        conn.recv(1)

    server = server_context("stdlib", server_cert, version="TLSv1_2")
    with ThreadedServer(serve, server) as threaded:
        with connect("cffisock", client_context("cffisock", ca), threaded.address) as sock:
            assert sock.recv(1) == b"x"
            session = sock.session
            sock.sendall(b"y")
    assert isinstance(session.id, bytes) and session.id
    assert session.timeout > 0 and session.time > 0
    assert session.has_ticket in (True, False)
    assert session == session and hash(session) == hash(session)
