"""Broken and hostile TLS peers: garbage instead of records, garbage inside
well-formed record headers, a handshake cut off in the middle of the
ServerHello, a record longer than TLS allows (2**14 + 2048 bytes of
ciphertext), a certificate from an untrusted CA or for another host, resets
and unexpected EOFs.

Peers are raw TCP servers (or clients) in a thread on 127.0.0.1.  In each
case the cffisock side raises the SSLError subclass named here, and the
stdlib's, faced with the same peer, raises the same class with the same
OpenSSL reason; nothing waits past the socket's timeout; the socket is
closed afterwards (the peer sees the connection end); no descriptor is left
open.
"""

import contextlib
import gc
import platform
import random
import socket as stdlib_socket
import ssl as stdlib_ssl
import struct
import sys
import threading
import time

import pytest
import trustme

import cffisock
from cffisock import tls
from support.comparison import Raised, failure, outcome
from support.tls import (
    SIDES,
    ThreadedServer,
    bio_handshake,
    client_context,
    connect,
    read_until_eof,
    recv_record,
    server_context,
)


def stdlib_maps_unexpected_eof():
    """True if this stdlib reports OpenSSL 3's "unexpected EOF" as
    SSLEOFError (CPython 3.10 on); older ones say SSLZeroReturnError."""
    context = stdlib_ssl.SSLContext(stdlib_ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = stdlib_ssl.CERT_NONE
    incoming, outgoing = stdlib_ssl.MemoryBIO(), stdlib_ssl.MemoryBIO()
    client = context.wrap_bio(incoming, outgoing)
    for _ in range(2):
        try:
            client.do_handshake()
        except stdlib_ssl.SSLWantReadError:
            incoming.write(b"\x16\x03\x03\x40\x00" + b"x" * 100)  # a truncated record
            incoming.write_eof()
        except stdlib_ssl.SSLEOFError:
            return True
        except stdlib_ssl.SSLError:
            return False
    return False


STDLIB_MAPS_UNEXPECTED_EOF = stdlib_maps_unexpected_eof()


# ---------------------------------------------------------------- broken peers

GARBAGE_1KIB = random.Random(20240601).randbytes(1024)


def send_garbage(conn):
    conn.sendall(GARBAGE_1KIB)
    read_until_eof(conn)


def truncated_record_header(conn):
    recv_record(conn)
    conn.sendall(b"\x16\x03\x03\x40\x00" + b"x" * 100)  # announces 16 KiB, sends 100 B
    conn.shutdown(stdlib_socket.SHUT_WR)
    read_until_eof(conn)


def close_after_client_hello(conn):
    recv_record(conn)  # then the server's close sends FIN


def reset_after_client_hello(conn):
    conn.recv(1)
    conn.setsockopt(stdlib_socket.SOL_SOCKET, stdlib_socket.SO_LINGER,
                    struct.pack("ii", 1, 0))  # the close sends RST


def reset_after_a_byte(conn):
    conn.recv(1)
    conn.setsockopt(stdlib_socket.SOL_SOCKET, stdlib_socket.SO_LINGER,
                    struct.pack("ii", 1, 0))  # the close sends RST


def truncated_application_record(context):
    def handler(conn):
        server, outgoing = bio_handshake(conn, context)
        server.write(b"cut short" * 100)
        record = outgoing.read()
        conn.sendall(record[:len(record) // 2])
        conn.shutdown(stdlib_socket.SHUT_WR)
        read_until_eof(conn)
    return handler


BROKEN_PEERS = {
    # name: (handler factory, suppress_ragged_eofs, what a current stdlib does)
    "garbage instead of a handshake": (lambda context: send_garbage, True, "SSLError"),
    "truncated record header": (lambda context: truncated_record_header, True, "SSLEOFError"),
    "FIN in mid-handshake": (lambda context: close_after_client_hello, True, "SSLEOFError"),
    "RST in mid-handshake": (lambda context: reset_after_client_hello, True,
                             "ConnectionResetError"),
    "truncated data record": (truncated_application_record, False, "SSLEOFError"),
    "truncated data record, ragged EOF suppressed": (truncated_application_record, True,
                                                    None),
}


def talk_to_broken_peer(side, ca, handler, suppress_ragged_eofs):
    context = client_context(side, ca)
    with ThreadedServer(handler) as server:
        def client():
            with connect(side, context, server.address,
                         suppress_ragged_eofs=suppress_ragged_eofs) as sock:
                return sock.recv(4096)
        start = time.monotonic()
        result = outcome(client)
        assert time.monotonic() - start < 5
    return result


@pytest.mark.parametrize("name", list(BROKEN_PEERS))
def test_a_broken_peer_fails_like_the_stdlib(ca, server_cert, fd_leak_check, name):
    make_handler, suppress_ragged_eofs, expected = BROKEN_PEERS[name]
    theirs, ours = [talk_to_broken_peer(side, ca,
                                        make_handler(server_context("stdlib", server_cert)),
                                        suppress_ragged_eofs)
                    for side in ("stdlib", "cffisock")]
    if expected is None:
        assert ours == theirs == ("returned", b"")
        return
    assert ours[:2] == ("raised", expected)
    if expected == "SSLEOFError":
        # Older stdlibs say SSLZeroReturnError here; OpenSSL's reason is
        # compared by the next test.
        if STDLIB_MAPS_UNEXPECTED_EOF:
            assert ours[1] == theirs[1]
    else:
        assert ours.failure == theirs.failure  # class and OpenSSL's reason


@pytest.mark.parametrize("suppress_ragged_eofs", [True, False])
def test_a_read_on_a_reset_connection_fails_as_this_python_s_stdlib(ca, server_cert,
                                                                    suppress_ragged_eofs):
    """SSL_read_ex fails with ECONNRESET after the handshake: CPython 3.13+
    (gh-115627), 3.9 and PyPy raise ConnectionResetError, ragged EOFs
    suppressed or not; CPython 3.10-3.12 take it for an EOF in violation of
    the protocol (so a read returns b'' when ragged EOFs are suppressed).
    cffisock does as the running interpreter's stdlib (the version rule)."""
    results = {}
    for side in SIDES:
        with ThreadedServer(reset_after_a_byte, server_context("stdlib", server_cert)) as server:
            with connect(side, client_context(side, ca), server.address,
                         suppress_ragged_eofs=suppress_ragged_eofs) as sock:
                sock.sendall(b"x")
                results[side] = outcome(sock.recv, 10)
    assert results["cffisock"][:2] == results["stdlib"][:2]
    if isinstance(results["stdlib"], Raised):
        assert results["cffisock"].failure[0] == results["stdlib"].failure[0]
    eof = platform.python_implementation() == "CPython" and (3, 10) <= sys.version_info < (3, 13)
    expected = (("returned", b"") if suppress_ragged_eofs else ("raised", "SSLEOFError")) \
        if eof else ("raised", "ConnectionResetError")
    assert results["cffisock"][:2] == expected


def test_a_write_on_a_reset_connection_fails_as_this_python_s_stdlib(ca, server_cert):
    """The write's side of the same rule: BrokenPipeError, or on CPython
    3.10-3.12 an SSLEOFError."""
    results = {}
    for side in SIDES:
        with ThreadedServer(reset_after_a_byte, server_context("stdlib", server_cert)) as server:
            with connect(side, client_context(side, ca), server.address) as sock:
                sock.sendall(b"x")
                deadline = time.monotonic() + 10

                def write_until_it_fails():
                    while time.monotonic() < deadline:
                        sock.send(b"y" * 1024)
                        time.sleep(0.001)
                    return "never failed"
                results[side] = outcome(write_until_it_fails)
    assert results["cffisock"][:2] == results["stdlib"][:2]
    assert results["cffisock"][1] in ("BrokenPipeError", "ConnectionResetError", "SSLEOFError")


@pytest.mark.parametrize("name", [name for name, (_, _, expected) in BROKEN_PEERS.items()
                                  if expected == "SSLEOFError"])
def test_an_unexpected_eof_names_openssls_reason_like_the_stdlib(ca, server_cert, name):
    make_handler, suppress_ragged_eofs, _ = BROKEN_PEERS[name]
    handler = make_handler(server_context("stdlib", server_cert))
    context = client_context("cffisock", ca)
    with ThreadedServer(handler) as server:
        with pytest.raises(tls.SSLEOFError) as info:
            with connect("cffisock", context, server.address,
                         suppress_ragged_eofs=suppress_ragged_eofs) as sock:
                sock.recv(4096)
    # What CPython 3.10+ reports for OpenSSL 3's SSL_R_UNEXPECTED_EOF_WHILE_READING.
    assert (getattr(info.value, "library", None), getattr(info.value, "reason", None)) == \
        ("SSL", "UNEXPECTED_EOF_WHILE_READING")


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
