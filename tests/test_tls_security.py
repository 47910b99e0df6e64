"""TLS security: secure defaults, renegotiation refused, and hostile peers.

Defaults: a client context from ``create_default_context()`` verifies the
chain and the host name, refuses anything below TLS 1.2 (a TLS 1.1 server
is refused in the handshake), and has compression and renegotiation off --
an ``openssl s_server`` that asks for a renegotiation in the middle of a
TLS 1.2 connection gets a no_renegotiation alert and the connection ends
with an SSLError (the same peer renegotiates with a context that allows it,
which shows the peer really asked).

Hostile peers are raw TCP servers in a thread on 127.0.0.1: garbage instead
of records, garbage inside well-formed record headers, a handshake cut off
in the middle of the ServerHello, a record longer than TLS allows
(2**14 + 2048 bytes of ciphertext), a certificate from an untrusted CA, one
for another host.  In each case the cffisock client raises the SSLError
subclass named here, and the stdlib's, faced with the same peer, raises the
same class with the same OpenSSL reason; nothing waits past the socket's
timeout; the socket is closed afterwards (the peer sees the connection
end); no descriptor is left open.  The server side too: a cffisock.tls
server fed garbage, an oversized record or half a ClientHello by a raw
client fails the same way and closes the connection.
"""

import contextlib
import gc
import platform
import sys
import random
import socket as stdlib_socket
import ssl as stdlib_ssl
import subprocess
import threading
import time
import warnings

import pytest
import trustme

import cffisock
from cffisock import tls
from support.comparison import failure
from support.loopback import free_port, recv_exactly
from test_tls_behaviour import recv_record
from test_tls_interop import OPENSSL, requires_openssl_cli, stop, wait_for_output
from support.tls import (
    ThreadedServer,
    client_context,
    connect,
    read_until_eof,
    server_context,
    write_pem,
)

#: PyPy's ssl is its own, with Python 3.9's errors (SSLZeroReturnError for an
#: unexpected EOF, RuntimeError for some garbage), and so is CPython 3.9's
#: (cffisock.tls follows today's ssl): only CPython 3.10+ is compared.
STDLIB_IS_A_REFERENCE = (platform.python_implementation() == "CPython"
                         and sys.version_info >= (3, 10))
#: Every hostile exchange must end well within this (the socket timeout).
TIMEOUT = 5
GARBAGE = random.Random(7).randbytes(4096)
#: The largest TLSCiphertext fragment RFC 5246 allows is 2**14 + 2048.
OVERSIZED = 2**14 + 2048 + 1


# ---------------------------------------------------------------- defaults


# (The client defaults' values: test_tls.py, test_default_client_context_is_secure.)


def test_verification_is_not_dropped_silently_and_servers_refuse_old_versions():
    context = tls.create_default_context()
    assert context.options & tls.OP_NO_SSLv3
    # Turning verification off takes turning host name checks off first.
    with pytest.raises(ValueError):
        context.verify_mode = tls.CERT_NONE
    assert context.verify_mode == tls.CERT_REQUIRED
    # A client SSLObject that checks host names needs one.
    with pytest.raises(ValueError, match="server_hostname"):
        context.wrap_bio(tls.MemoryBIO(), tls.MemoryBIO())
    server = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    assert server.minimum_version == tls.TLSVersion.TLSv1_2
    assert server.options & tls.OP_NO_RENEGOTIATION


def test_a_tls_1_1_server_is_refused_by_the_default_client(ca, server_cert, fd_leak_check):
    old = server_context("stdlib", server_cert)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TLS 1.1 is, indeed
        old.minimum_version = old.maximum_version = stdlib_ssl.TLSVersion.TLSv1_1
    old.set_ciphers("ALL:@SECLEVEL=0")  # OpenSSL 3 needs level 0 for TLS 1.1
    with ThreadedServer(lambda conn: None, old) as server:
        with pytest.raises(tls.SSLError) as info:
            connect("cffisock", client_context("cffisock", ca), server.address)
    assert info.value.reason in ("UNSUPPORTED_PROTOCOL", "TLSV1_ALERT_PROTOCOL_VERSION",
                                 "NO_PROTOCOLS_AVAILABLE"), info.value


def test_a_connection_uses_no_compression(ca, server_cert, fd_leak_check):
    with ThreadedServer(read_until_eof, server_context("stdlib", server_cert)) as server:
        with connect("cffisock", client_context("cffisock", ca), server.address) as sock:
            assert sock.compression() is None
            assert sock.version() in ("TLSv1.2", "TLSv1.3")


# ---------------------------------------------------------------- renegotiation


def renegotiation_outcome(context, pem, reply):
    """Connect to ``openssl s_server -tls1_2`` with ``context`` and let the
    server ask for a renegotiation ('R' on its standard input: with a
    request for a client certificate, so that a refusal ends the
    connection); then send it a line and read the next one, which the
    server sends only if ``reply``.  Return what happened, and how many
    renegotiations the client made."""
    for _ in range(5):
        port = free_port()
        server = subprocess.Popen(
            [OPENSSL, "s_server", "-accept", "127.0.0.1:%d" % port, "-cert", pem,
             "-key", pem, "-tls1_2", "-naccept", "1"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            if not wait_for_output(server, b"ACCEPT"):
                continue
            with connect("cffisock", context, ("127.0.0.1", port), timeout=TIMEOUT) as sock:
                assert sock.version() == "TLSv1.2"
                server.stdin.write(b"R\n")  # SSL_renegotiate: a HelloRequest
                server.stdin.flush()
                try:
                    sock.sendall(b"after\n")
                    assert wait_for_output(server, b"after")
                    if reply:
                        server.stdin.write(b"reply\n")
                        server.stdin.flush()
                    # The client's read meets the HelloRequest.
                    received = recv_exactly(sock, 6)
                except tls.SSLError as exc:
                    return ("raised", type(exc), exc.reason)
                return ("returned", received, context.session_stats()["connect_renegotiate"])
        finally:
            stop(server)
    pytest.fail("openssl s_server did not start on 127.0.0.1")


@requires_openssl_cli
def test_a_server_requested_renegotiation_is_refused(ca, server_cert, tmp_path, fd_leak_check):
    pem = write_pem(tmp_path, "server.pem", server_cert.private_key_and_cert_chain_pem)
    # The client answers the HelloRequest with a no_renegotiation alert; the
    # server gives up with a handshake_failure alert: an SSLError, at once.
    start = time.monotonic()
    refused = renegotiation_outcome(client_context("cffisock", ca), pem, reply=False)
    assert refused == ("raised", tls.SSLError, "SSLV3_ALERT_HANDSHAKE_FAILURE")
    assert time.monotonic() - start < TIMEOUT
    # The control: allowed, the same peer renegotiates and goes on talking.
    allowing = client_context("cffisock", ca)
    allowing.options &= ~tls.OP_NO_RENEGOTIATION
    assert renegotiation_outcome(allowing, pem, reply=True) == ("returned", b"reply\n", 1)


# ---------------------------------------------------------------- hostile servers


def first_server_flight(conn, context):
    """The records a real (stdlib) TLS server answers the client's
    ClientHello with: ServerHello and the rest of its first flight."""
    incoming, outgoing = stdlib_ssl.MemoryBIO(), stdlib_ssl.MemoryBIO()
    server = context.wrap_bio(incoming, outgoing, server_side=True)
    incoming.write(recv_record(conn))
    with pytest.raises(stdlib_ssl.SSLWantReadError):
        server.do_handshake()
    return outgoing.read()


def ends_after(data, read_first=True):
    """A hostile server: read the ClientHello, send ``data``, then wait for
    the client to close; return True if it did."""
    def handler(conn):
        if read_first:
            recv_record(conn)
        conn.sendall(data)
        return read_until_eof(conn, limit=1 << 20) is not None
    return handler


def cut_in_server_hello(server_cert):
    stdlib_context = server_context("stdlib", server_cert)

    def handler(conn):
        flight = first_server_flight(conn, stdlib_context)
        conn.sendall(flight[:40])  # record header, then half a ServerHello
        conn.shutdown(stdlib_socket.SHUT_WR)
        return read_until_eof(conn) is not None
    return handler


def with_certificate(identity):
    """A real TLS server presenting ``identity`` (it reads until the
    client leaves)."""
    return server_context("stdlib", identity)


HOSTILE_SERVERS = {
    # name: (raw handler or TLS server context factory, the SSLError class)
    "garbage instead of records": (lambda cert: ends_after(GARBAGE), tls.SSLError),
    "garbage in record headers": (
        lambda cert: ends_after(b"\x16\x03\x03\x00\x40" + GARBAGE[:64]), tls.SSLError),
    "an alert of an unknown kind": (
        lambda cert: ends_after(b"\x15\x03\x03\x00\x02\x02\xfe"), tls.SSLError),
    "cut in the middle of the ServerHello": (cut_in_server_hello, tls.SSLEOFError),
    "a record longer than TLS allows": (
        lambda cert: ends_after(b"\x16\x03\x03" + OVERSIZED.to_bytes(2, "big")
                                + bytes(OVERSIZED)), tls.SSLError),
}

CERTIFICATE_SERVERS = {
    # name: (identity for (ca, server_cert), verify code)
    "an untrusted certificate": (lambda ca, cert: trustme.CA().issue_cert("localhost"), 20),
    "a certificate for another host": (lambda ca, cert: ca.issue_cert("elsewhere.example"),
                                       62),
}


def hostile_outcome(side, ca, server):
    """Connect a verifying ``side`` client to ``server`` (a ThreadedServer);
    return (failure of the exception, seconds, the raw socket's fileno)."""
    raw = SSL_SIDES[side].create_connection(server.address, timeout=TIMEOUT)
    start = time.monotonic()
    try:
        client_context(side, ca).wrap_socket(raw, server_hostname="localhost")
    except Exception as exc:  # the outcome under test
        return exc, time.monotonic() - start, raw
    finally:
        if side == "stdlib":
            raw.close()  # the stdlib's wrap_socket leaves it to the caller
    raise AssertionError("the handshake with a hostile server succeeded")


SSL_SIDES = {"stdlib": stdlib_socket, "cffisock": cffisock}


def assert_fails_cleanly(ca, make_server, expected, verify_code=None):
    """The cffisock client fails with ``expected`` (exactly that class),
    like the stdlib, in time, and leaves the connection closed."""
    outcomes = {}
    for side in ("stdlib", "cffisock"):
        with make_server() as server:
            exc, seconds, raw = hostile_outcome(side, ca, server)
            outcomes[side] = failure(exc)
            assert seconds < TIMEOUT, (side, seconds)
            if side == "cffisock":
                assert type(exc) is expected, exc
                assert raw.fileno() == -1  # wrap_socket took it and closed it
                if verify_code is not None:
                    assert exc.verify_code == verify_code, exc
        # The server saw the client leave (its handler returned, or failed
        # because the client closed or reset the connection).
        kind, value = server.outcomes[0]
        assert kind == "returned" or isinstance(value, (OSError, stdlib_ssl.SSLError)), value
        del exc  # its traceback holds the socket of the side that raised it
    if STDLIB_IS_A_REFERENCE:
        assert outcomes["cffisock"] == outcomes["stdlib"]
    else:
        # PyPy's wrap_socket leaves its socket open (to the collector) when
        # the handshake fails with anything but OSError or ValueError.
        gc.collect()


@pytest.mark.parametrize("name", list(HOSTILE_SERVERS))
def test_a_hostile_server_gets_a_clean_ssl_error(ca, server_cert, fd_leak_check, name):
    make_handler, expected = HOSTILE_SERVERS[name]
    assert_fails_cleanly(ca, lambda: ThreadedServer(make_handler(server_cert), timeout=TIMEOUT),
                         expected)


@pytest.mark.parametrize("name", list(CERTIFICATE_SERVERS))
def test_an_unexpected_certificate_gets_a_verification_error(ca, server_cert, fd_leak_check,
                                                              name):
    make_identity, verify_code = CERTIFICATE_SERVERS[name]
    context = with_certificate(make_identity(ca, server_cert))
    assert_fails_cleanly(
        ca, lambda: ThreadedServer(read_until_eof, context, timeout=TIMEOUT),
        tls.SSLCertVerificationError, verify_code)


# ---------------------------------------------------------------- hostile clients

HOSTILE_CLIENTS = {
    # name: (what the raw client sends, then closes its sending side)
    "garbage instead of a ClientHello": (GARBAGE, tls.SSLError),
    "a record longer than TLS allows": (
        b"\x16\x03\x01" + OVERSIZED.to_bytes(2, "big") + bytes(OVERSIZED), tls.SSLError),
    "half a ClientHello": (None, tls.SSLEOFError),
}


def half_a_client_hello():
    """The first half of a real ClientHello (from a stdlib SSLObject)."""
    outgoing = stdlib_ssl.MemoryBIO()
    client = stdlib_ssl.create_default_context().wrap_bio(
        stdlib_ssl.MemoryBIO(), outgoing, server_hostname="localhost")
    with pytest.raises(stdlib_ssl.SSLWantReadError):
        client.do_handshake()
    hello = outgoing.read()
    return hello[:len(hello) // 2]


def send_and_end(raw, data):
    """Send ``data`` and shut down the sending side; the server may refuse
    and close first (EPIPE, ECONNRESET, ENOTCONN), which ends it too."""
    with contextlib.suppress(OSError):
        raw.sendall(data)
        raw.shutdown(stdlib_socket.SHUT_WR)


def server_outcome(side, server_cert, data):
    """A ``side`` TLS server accepts a raw client that sends ``data`` and
    shuts down its sending side; return the server's exception and
    connection, once the raw client saw the connection end."""
    with SSL_SIDES[side].create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(TIMEOUT)
        with stdlib_socket.create_connection(listener.getsockname(), timeout=TIMEOUT) as raw:
            sender = threading.Thread(target=send_and_end, args=(raw, data))
            sender.start()
            conn, _ = listener.accept()
            conn.settimeout(TIMEOUT)
            start = time.monotonic()
            try:
                server_context(side, server_cert).wrap_socket(conn, server_side=True)
            except Exception as exc:  # the outcome under test
                error = exc
            else:
                raise AssertionError("the handshake with a hostile client succeeded")
            finally:
                conn.close()
            assert time.monotonic() - start < TIMEOUT
            sender.join(TIMEOUT)
            # The server closed the connection: the raw client reads its
            # alert (if any), then the end (a reset, if the server closed
            # with unread bytes).
            with contextlib.suppress(ConnectionResetError):
                read_until_eof(raw, limit=1 << 16)
                assert raw.recv(1) == b""
    return error, conn


@pytest.mark.parametrize("name", list(HOSTILE_CLIENTS))
def test_a_tls_server_fed_garbage_fails_cleanly(server_cert, fd_leak_check, name):
    data, expected = HOSTILE_CLIENTS[name]
    data = half_a_client_hello() if data is None else data
    theirs, _ = server_outcome("stdlib", server_cert, data)
    ours, conn = server_outcome("cffisock", server_cert, data)
    assert type(ours) is expected, ours
    if STDLIB_IS_A_REFERENCE:
        assert failure(ours) == failure(theirs)
