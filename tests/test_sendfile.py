"""socket.sendfile(): the system call for regular files, the stdlib's
read+sendall fallback otherwise, and the stdlib's argument checks."""

import hashlib
import io
import socket as stdlib_socket
import threading

import pytest

import cffisock
from support.loopback import recv_exactly

PAYLOAD = bytes(range(256)) * 4096 + b"tail"  # 1 MiB + 4 bytes


@pytest.fixture
def payload_file(tmp_path):
    path = tmp_path / "payload.bin"
    path.write_bytes(PAYLOAD)
    with open(path, "rb") as handle:
        yield handle


def send_and_collect(send, expected_size):
    """Run ``send(sock)`` on a cffisock client while a stdlib server
    collects; return (its return value, the bytes the server got)."""
    with stdlib_socket.create_server(("127.0.0.1", 0)) as server:
        received = {}

        def collect():
            conn, _ = server.accept()
            with conn:
                conn.settimeout(20)
                received["data"] = recv_exactly(conn, expected_size)

        thread = threading.Thread(target=collect, daemon=True)
        thread.start()
        with cffisock.create_connection(server.getsockname(), timeout=20) as sock:
            result = send(sock)
        thread.join(20)
    return result, received["data"]


@pytest.mark.parametrize("offset, count", [(0, None), (1000, None), (0, 5000), (7, 1 << 30)])
def test_sendfile_sends_the_requested_range(payload_file, offset, count):
    end = len(PAYLOAD) if count is None else min(len(PAYLOAD), offset + count)
    sent, data = send_and_collect(
        lambda sock: sock.sendfile(payload_file, offset, count), end - offset)
    assert sent == end - offset
    assert hashlib.sha256(data).digest() == hashlib.sha256(PAYLOAD[offset:end]).digest()
    assert payload_file.tell() == end  # like the stdlib: after the last byte sent


def test_sendfile_falls_back_for_files_without_a_descriptor():
    source = io.BytesIO(PAYLOAD)
    sent, data = send_and_collect(lambda sock: sock.sendfile(source, 10, 100000), 100000)
    assert sent == 100000 and data == PAYLOAD[10:100010]


@pytest.mark.parametrize("arguments, exception", [
    ({"count": 0}, ValueError),
    ({"count": -1}, ValueError),
    ({"count": 1.5}, TypeError),
])
def test_bad_counts_raise_like_the_stdlib(payload_file, arguments, exception):
    for module in (stdlib_socket, cffisock):
        with module.socket() as sock:
            with pytest.raises(exception):
                sock.sendfile(payload_file, **arguments)


def test_text_files_datagram_and_nonblocking_sockets_are_refused(payload_file, tmp_path):
    text = tmp_path / "text.txt"
    text.write_text("x")
    for module in (stdlib_socket, cffisock):
        with module.socket() as sock, open(text) as handle:
            with pytest.raises(ValueError, match="binary mode"):
                sock.sendfile(handle)
        with module.socket(module.AF_INET, module.SOCK_DGRAM) as sock:
            with pytest.raises(ValueError, match="SOCK_STREAM"):
                sock.sendfile(payload_file)
        with module.socket() as sock:
            sock.setblocking(False)
            with pytest.raises(ValueError, match="non-blocking"):
                sock.sendfile(payload_file)
