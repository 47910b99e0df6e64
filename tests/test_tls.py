"""cffisock.tls against the stdlib's ssl module as an independent peer, with
certificates made by trustme; everything on 127.0.0.1."""

import errno
import hashlib
import socket as stdlib_socket
import ssl as stdlib_ssl
import threading

import pytest
import trustme

import cffisock
from cffisock import tls
from support.descriptors import decoy_at
from support.loopback import receive_now, recv_exactly
from support.tls import ThreadedServer, echo, read_until_eof, server_context


@pytest.fixture
def echo_server(server_cert):
    """A stdlib server on 127.0.0.1 that echoes one connection."""
    context = server_context("stdlib", server_cert, alpn=["h2", "http/1.1"])
    with ThreadedServer(echo, context, timeout=20) as server:
        yield server


def client_context(ca):
    return tls.create_default_context(cadata=ca.cert_pem.bytes().decode("ascii"))


def connect(context, address, hostname):
    raw = cffisock.create_connection(address, timeout=20)
    return context.wrap_socket(raw, server_hostname=hostname)


def test_default_client_context_is_secure():
    context = tls.create_default_context()
    assert context.verify_mode == tls.CERT_REQUIRED
    assert context.check_hostname is True
    assert context.minimum_version == tls.TLSVersion.TLSv1_2
    assert context.options & tls.OP_NO_COMPRESSION
    assert context.options & tls.OP_NO_RENEGOTIATION


def test_verified_client_talks_to_stdlib_server(ca, echo_server):
    context = client_context(ca)
    context.set_alpn_protocols(["http/1.1"])
    with connect(context, echo_server.address, "localhost") as sock:
        assert sock.version() in ("TLSv1.2", "TLSv1.3")
        assert sock.selected_alpn_protocol() == "http/1.1"
        name, protocol, bits = sock.cipher()
        assert bits >= 128
        payload = bytes(range(256)) * 4096  # 1 MiB
        sock.sendall(payload)
        assert hashlib.sha256(recv_exactly(sock, len(payload))).digest() == \
            hashlib.sha256(payload).digest()


def test_getpeercert_equals_the_stdlib(ca, server_cert, echo_server):
    with connect(client_context(ca), echo_server.address, "localhost") as sock:
        ours = sock.getpeercert()
        der = sock.getpeercert(binary_form=True)
    reference = stdlib_ssl.create_default_context(cadata=ca.cert_pem.bytes().decode())
    with ThreadedServer(echo, server_context("stdlib", server_cert)) as other:
        with reference.wrap_socket(stdlib_socket.create_connection(other.address, timeout=20),
                                   server_hostname="localhost") as theirs:
            assert ours == theirs.getpeercert()
            assert der == theirs.getpeercert(binary_form=True)


@pytest.mark.parametrize("hostname, message", [
    ("example.org", "Hostname mismatch, certificate is not valid for 'example.org'."),
    ("127.0.0.2", "IP address mismatch, certificate is not valid for '127.0.0.2'."),
])
def test_wrong_host_name_is_refused_like_the_stdlib(ca, echo_server, hostname, message):
    with pytest.raises(stdlib_ssl.SSLCertVerificationError) as info:
        connect(client_context(ca), echo_server.address, hostname)
    assert isinstance(info.value, tls.SSLCertVerificationError)
    assert info.value.verify_message == message
    assert info.value.reason == "CERTIFICATE_VERIFY_FAILED"
    assert info.value.library == "SSL"


def test_untrusted_certificate_is_refused(echo_server):
    with pytest.raises(tls.SSLCertVerificationError) as info:
        connect(client_context(trustme.CA()), echo_server.address, "localhost")
    assert info.value.verify_message == "unable to get local issuer certificate"


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


def test_memory_bios_drive_a_handshake_with_the_stdlib(ca, server_cert):
    stdlib_context = server_context("stdlib", server_cert)
    client_in, client_out = tls.MemoryBIO(), tls.MemoryBIO()
    server_in, server_out = stdlib_ssl.MemoryBIO(), stdlib_ssl.MemoryBIO()
    client = client_context(ca).wrap_bio(client_in, client_out, server_hostname="localhost")
    server = stdlib_context.wrap_bio(server_in, server_out, server_side=True)
    done = [False, False]
    for _ in range(20):
        for index, (side, incoming, outgoing, peer_in) in enumerate([
                (client, client_in, client_out, server_in),
                (server, server_in, server_out, client_in)]):
            if not done[index]:
                try:
                    side.do_handshake()
                    done[index] = True
                except (tls.SSLWantReadError, stdlib_ssl.SSLWantReadError):
                    pass
            peer_in.write(outgoing.read())
        if all(done):
            break
    assert all(done)
    client.write(b"over memory")
    server_in.write(client_out.read())
    assert server.read(100) == b"over memory"


def test_spec_ssl_function_warns_writes_and_reads_until_eof(server_cert):
    context = server_context("stdlib", server_cert)
    listener = stdlib_socket.create_server(("127.0.0.1", 0))
    received = []

    def serve_once():
        conn, _ = listener.accept()
        conn.settimeout(20)
        with context.wrap_socket(conn, server_side=True) as tls_conn:
            received.append(recv_exactly(tls_conn, 4))
            tls_conn.sendall(b"reply until EOF")
            try:
                tls_conn.unwrap()  # close_notify: the client's read() ends
            except (stdlib_ssl.SSLError, OSError):
                pass  # the client closes without answering close_notify

    thread = threading.Thread(target=serve_once, daemon=True)
    thread.start()
    try:
        with cffisock.create_connection(listener.getsockname(), timeout=20) as raw:
            with pytest.warns(DeprecationWarning, match="no certificate verification"):
                ssl_object = cffisock.ssl(raw)
            assert ssl_object.write(b"spec") == 4
            assert ssl_object.read() == b"reply until EOF"
    finally:
        thread.join(20)
        listener.close()
    assert received == [b"spec"]


def test_spec_ssl_object_never_uses_its_closed_sockets_number(server_cert):
    """The caller owns the socket under the spec's SSL object: once it is
    closed, read and write raise OSError(EBADF), and a new socket that got
    the number meanwhile is neither read from nor written to."""
    def greet_then_wait(conn):
        conn.sendall(b"hello")
        return read_until_eof(conn)

    with ThreadedServer(greet_then_wait, server_context("stdlib", server_cert)) as server:
        raw = cffisock.create_connection(server.address, timeout=10)
        with pytest.warns(DeprecationWarning):
            ssl_object = cffisock.ssl(raw)
        number = raw.fileno()
        raw.close()
        with decoy_at(number) as (decoy, decoy_peer):
            for call, argument in ((ssl_object.read, 5), (ssl_object.write, b"data")):
                with pytest.raises(OSError) as raised:
                    call(argument)
                assert raised.value.errno == errno.EBADF
            assert receive_now(decoy_peer) == b"", "bytes were written to the new socket"
            assert receive_now(decoy) == b"decoy", "the new socket's data was taken"


def test_timeout_bounds_a_tls_read(ca, echo_server):
    with connect(client_context(ca), echo_server.address, "localhost") as sock:
        sock.settimeout(0.3)
        with pytest.raises(cffisock.timeout):
            sock.recv(10)


def test_nonblocking_socket_surfaces_want_read(ca, echo_server):
    with connect(client_context(ca), echo_server.address, "localhost") as sock:
        sock.setblocking(False)
        with pytest.raises(stdlib_ssl.SSLWantReadError):
            sock.recv(10)


def test_der_cadata_and_cafile_verify_like_pem(ca, echo_server, tmp_path):
    der = stdlib_ssl.PEM_cert_to_DER_cert(ca.cert_pem.bytes().decode("ascii"))
    context = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cadata=der)
    with connect(context, echo_server.address, "localhost") as sock:
        sock.sendall(b"der")
        assert recv_exactly(sock, 3) == b"der"
    cafile = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(cafile))
    tls.SSLContext(tls.PROTOCOL_TLS_CLIENT).load_verify_locations(cafile=str(cafile))
    with pytest.raises(FileNotFoundError):
        tls.SSLContext(tls.PROTOCOL_TLS_CLIENT).load_verify_locations(
            cafile=str(tmp_path / "missing.pem"))


def test_sni_callback_sees_the_name_and_can_switch_context(ca, server_cert, tmp_path):
    other_cert = ca.issue_cert("other.test")
    first = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    second = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    for context, cert in ((first, server_cert), (second, other_cert)):
        with cert.private_key_and_cert_chain_pem.tempfile() as pem:
            context.load_cert_chain(pem)
    seen = []

    def choose(ssl_socket, server_name, context):
        seen.append((server_name, context is first))
        if server_name == "other.test":
            ssl_socket.context = second

    first.sni_callback = choose
    listener = cffisock.create_server(("127.0.0.1", 0))

    def serve():
        conn, _ = listener.accept()
        conn.settimeout(20)
        with first.wrap_socket(conn, server_side=True) as tls_conn:
            tls_conn.sendall(b"hi")
            tls_conn.recv(1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        client = stdlib_ssl.create_default_context(cadata=ca.cert_pem.bytes().decode())
        with client.wrap_socket(stdlib_socket.create_connection(
                listener.getsockname(), timeout=20), server_hostname="other.test") as sock:
            assert recv_exactly(sock, 2) == b"hi"
            assert ("DNS", "other.test") in sock.getpeercert()["subjectAltName"]
    finally:
        thread.join(20)
        listener.close()
    assert seen == [("other.test", True)]


def test_keylog_filename_records_secrets(ca, echo_server, tmp_path):
    keylog = tmp_path / "keys.log"
    context = client_context(ca)
    context.keylog_filename = str(keylog)
    assert context.keylog_filename == str(keylog)
    with connect(context, echo_server.address, "localhost") as sock:
        sock.sendall(b"k")
        assert recv_exactly(sock, 1) == b"k"
    lines = keylog.read_text().splitlines()
    assert lines and all(line.split()[0].isupper() for line in lines)


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


def test_want_errors_have_the_stdlib_attributes(ca, echo_server):
    with connect(client_context(ca), echo_server.address, "localhost") as sock:
        sock.setblocking(False)
        with pytest.raises(tls.SSLWantReadError) as info:
            sock.recv(1)
    assert info.value.library is None and info.value.reason is None


def test_asyncio_drives_cffisock_contexts_on_both_sides(ca, server_cert):
    # asyncio hands the stdlib's ssl.MemoryBIO objects to wrap_bio and
    # drives the SSLObject itself: cffisock's context on both ends.
    import asyncio

    server_side = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    with server_cert.private_key_and_cert_chain_pem.tempfile() as pem:
        server_side.load_cert_chain(pem)
    client_side = client_context(ca)

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
