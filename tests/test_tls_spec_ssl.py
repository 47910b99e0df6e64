"""The spec's ``ssl()`` function and the object it returns (the Python 2
style ``socket.ssl``): it warns, writes and reads until EOF, presents a
client certificate, and never uses the number of a socket it closed.
Everything is on 127.0.0.1.
"""

import errno
import socket as stdlib_socket
import ssl as stdlib_ssl
import threading

import pytest

import cffisock
from support.descriptors import decoy_at
from support.loopback import receive_now, recv_exactly
from support.tls import ThreadedServer, echo, read_until_eof, server_context, write_pem


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


# ---------------------------------------------------------------- the spec's ssl()


def echo_for_a_client_certificate(conn):
    der = conn.getpeercert(binary_form=True)
    echo(conn)
    return der


def test_spec_ssl_presents_a_client_certificate(ca, server_cert, tmp_path, fd_leak_check):
    client_cert = ca.issue_cert("client.localhost")
    keyfile = write_pem(tmp_path, "client.key", client_cert.private_key_pem)
    certfile = write_pem(tmp_path, "client.pem", *client_cert.cert_chain_pems)
    demanding = server_context("stdlib", server_cert, client_ca=ca)
    with ThreadedServer(echo_for_a_client_certificate, demanding) as server:
        with cffisock.create_connection(server.address, timeout=10) as raw:
            with pytest.warns(DeprecationWarning):
                ssl_object = cffisock.ssl(raw, keyfile, certfile)
            assert ssl_object.write(b"spec ssl") == 8
            assert ssl_object.read(8) == b"spec ssl"
    expected = stdlib_ssl.PEM_cert_to_DER_cert(
        client_cert.cert_chain_pems[0].bytes().decode("ascii"))
    assert server.result() == expected
