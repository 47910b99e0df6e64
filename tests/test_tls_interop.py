"""TLS 1.2 and 1.3 interop: cffisock against the stdlib's ssl, against
itself and against the openssl command-line tool, on 127.0.0.1.

Only cffisock's side pins the version (minimum_version = maximum_version),
so the negotiated version shows the pin works; ALPN is checked on both ends.
"""

import hashlib
import os
import subprocess

import pytest

import cffisock
from support.comparison import failure, outcome
from support.loopback import recv_exactly
from support.openssl import OPENSSL, openssl_s_server, requires_openssl_cli
from support.tls import (
    ThreadedServer,
    client_context,
    connect,
    echo,
    read_until_eof,
    server_context,
    write_pem,
)


VERSIONS = ["TLSv1_2", "TLSv1_3"]
DOTTED = {"TLSv1_2": "TLSv1.2", "TLSv1_3": "TLSv1.3"}
CLI_FLAGS = {"TLSv1_2": "-tls1_2", "TLSv1_3": "-tls1_3"}
PAIRS = [("cffisock", "stdlib"), ("stdlib", "cffisock"), ("cffisock", "cffisock")]
PAIR_IDS = ["%s-client-%s-server" % pair for pair in PAIRS]
SERVER_ALPN = ["h2", "http/1.1"]
CLIENT_ALPN = ["spdy/3", "http/1.1"]  # the one protocol in common: http/1.1


def pinned(side, version):
    """The version to pin on ``side``: only cffisock's end is pinned."""
    return version if side == "cffisock" else None


def negotiated(conn):
    return {"version": conn.version(), "alpn": conn.selected_alpn_protocol(),
            "cipher": conn.cipher()[0]}


def negotiated_then_echo(conn):
    details = negotiated(conn)
    echo(conn)
    return details


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("client_side, server_side", PAIRS, ids=PAIR_IDS)
def test_pinned_version_alpn_and_echo(ca, server_cert, client_side, server_side, version):
    server = server_context(server_side, server_cert, alpn=SERVER_ALPN,
                            version=pinned(server_side, version))
    client = client_context(client_side, ca, alpn=CLIENT_ALPN,
                            version=pinned(client_side, version))
    payload = b"interop %s " % version.encode() * 1000
    with ThreadedServer(negotiated_then_echo, server, side=server_side) as listener:
        with connect(client_side, client, listener.address) as sock:
            sock.sendall(payload)
            assert recv_exactly(sock, len(payload)) == payload
            seen_by_client = negotiated(sock)
    assert seen_by_client == listener.result()
    assert seen_by_client["version"] == DOTTED[version]
    assert seen_by_client["alpn"] == "http/1.1"


def handshake_outcomes(client_side, server_side, ca, server_cert):
    """A TLS 1.2-only client against a TLS 1.3-only server:
    ((client outcome, its TLS failure if it raised), server outcome)."""
    server = server_context(server_side, server_cert, version="TLSv1_3")
    client = client_context(client_side, ca, version="TLSv1_2")
    with ThreadedServer(negotiated, server, side=server_side) as listener:
        client_outcome = outcome(lambda: connect(client_side, client, listener.address).close())
    kind, value = listener.outcomes[0]
    return ((client_outcome, getattr(client_outcome, "failure", None)),
            (kind, failure(value) if kind == "raised" else value))


@pytest.mark.parametrize("client_side, server_side", PAIRS, ids=PAIR_IDS)
def test_disjoint_versions_fail_like_the_stdlib(ca, server_cert, client_side, server_side):
    reference = handshake_outcomes("stdlib", "stdlib", ca, server_cert)
    assert reference[0][0][0] == reference[1][0] == "raised"
    assert handshake_outcomes(client_side, server_side, ca, server_cert) == reference


@pytest.mark.parametrize("client_alpn, chosen", [
    (["spdy/3", "http/1.1"], "http/1.1"),
    (["http/1.1", "h2"], "h2"),  # the server's preference wins
    (["spdy/3"], None),  # no protocol in common: on without ALPN, as the stdlib
])
@pytest.mark.parametrize("client_side, server_side", PAIRS, ids=PAIR_IDS)
def test_alpn_is_chosen_as_the_stdlib_chooses(ca, server_cert, client_side, server_side,
                                              client_alpn, chosen):
    server = server_context(server_side, server_cert, alpn=SERVER_ALPN)
    client = client_context(client_side, ca, alpn=client_alpn)
    with ThreadedServer(lambda conn: conn.selected_alpn_protocol(), server,
                        side=server_side) as listener:
        with connect(client_side, client, listener.address) as sock:
            assert sock.selected_alpn_protocol() == chosen
    assert listener.result() == chosen


# ---------------------------------------------------------------- session resumption


def greet_and_report_resumption(conn):
    conn.sendall(b"hello")
    read_until_eof(conn)
    return conn.session_reused


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("server_side", ["stdlib", "cffisock"])
def test_session_resumption(ca, server_cert, server_side, version):
    server = server_context(server_side, server_cert)
    client = client_context("cffisock", ca, version=version)
    with ThreadedServer(greet_and_report_resumption, server, side=server_side,
                        connections=2) as listener:
        with connect("cffisock", client, listener.address) as first:
            # TLS 1.3 sends its tickets after the handshake: read past them.
            assert first.recv(5) == b"hello"
            session = first.session
            assert session is not None
            assert first.session_reused is False
        with connect("cffisock", client, listener.address, session=session) as second:
            assert second.recv(5) == b"hello"
            assert second.session_reused is True
            assert second.version() == DOTTED[version]
    assert [listener.result(0), listener.result(1)] == [False, True]
    client_stats, server_stats = client.session_stats(), server.session_stats()
    assert (client_stats["connect_good"], client_stats["hits"]) == (2, 1)
    assert (server_stats["accept_good"], server_stats["hits"]) == (2, 1)


@pytest.mark.parametrize("version", VERSIONS)
def test_a_session_resumes_again_after_the_connections_using_it_closed(
        ca, server_cert, version):
    """Connections closed without a TLS shutdown (as a socket's close)
    spoil their own copy of the session only, as with the stdlib."""
    server = server_context("cffisock", server_cert)
    client = client_context("cffisock", ca, version=version)
    with ThreadedServer(greet_and_report_resumption, server, side="cffisock",
                        connections=3) as listener:
        with connect("cffisock", client, listener.address) as first:
            assert first.recv(5) == b"hello"
            session = first.session
        for _ in range(2):
            with connect("cffisock", client, listener.address, session=session) as again:
                assert again.recv(5) == b"hello"
                assert again.session_reused is True
                # TLS 1.3 resumes into a session of its own (new tickets).
                assert (again.session == session) is (version == "TLSv1_2")
    assert [listener.result(n) for n in range(3)] == [False, True, True]


@pytest.mark.parametrize("client_side", ["stdlib", "cffisock"])
def test_a_server_that_verifies_clients_resumes_their_sessions(ca, server_cert, client_side):
    """A server resumes sessions only of its session id context, which
    OpenSSL requires when it verifies client certificates (as the
    stdlib's, which sets one)."""
    client_cert = ca.issue_cert("client.test")
    server = server_context("cffisock", server_cert, client_ca=ca)
    client = client_context(client_side, ca, identity=client_cert, version="TLSv1_2")
    with ThreadedServer(greet_and_report_resumption, server, side="cffisock",
                        connections=2) as listener:
        with connect(client_side, client, listener.address) as first:
            assert first.recv(5) == b"hello"
            session = first.session
        with connect(client_side, client, listener.address, session=session) as second:
            assert second.recv(5) == b"hello" and second.session_reused is True
    assert [listener.result(0), listener.result(1)] == [False, True]


def test_a_session_is_set_with_the_stdlib_s_checks(ca, server_cert):
    server = server_context("cffisock", server_cert)
    client = client_context("cffisock", ca, version="TLSv1_2")
    with ThreadedServer(greet_and_report_resumption, server, side="cffisock",
                        connections=2) as listener:
        with connect("cffisock", client, listener.address) as first:
            assert first.recv(5) == b"hello"
            session = first.session
            with pytest.raises(ValueError, match="^Cannot set session after handshake.$"):
                first.session = session
            with pytest.raises(TypeError, match="^Value is not a SSLSession.$"):
                first.session = object()
        other = client_context("cffisock", ca)
        with other.wrap_socket(cffisock.socket(), server_hostname="localhost") as unconnected:
            assert unconnected.session is None and unconnected.session_reused is None
            with pytest.raises(ValueError, match="^Session refers to a different SSLContext.$"):
                unconnected.session = session
        with client.wrap_socket(cffisock.socket(), server_hostname="localhost") as later:
            later.session = session  # before connecting, as the stdlib allows
            later.connect(listener.address)
            assert later.recv(5) == b"hello" and later.session_reused is True


# ---------------------------------------------------------------- bulk data

BULK = 16 << 20


def store_and_forward(conn):
    """Receive BULK bytes, then send them back; return their sha256."""
    data = recv_exactly(conn, BULK)
    conn.sendall(data)
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("client_side, server_side", PAIRS, ids=PAIR_IDS)
def test_16_mib_each_way_intact(ca, server_cert, client_side, server_side):
    payload = os.urandom(BULK)
    digest = hashlib.sha256(payload).hexdigest()
    server = server_context(server_side, server_cert)
    with ThreadedServer(store_and_forward, server, side=server_side, timeout=30) as listener:
        with connect(client_side, client_context(client_side, ca), listener.address,
                     timeout=30) as sock:
            sock.sendall(payload)
            returned = recv_exactly(sock, BULK)
    assert listener.result() == digest
    assert len(returned) == BULK
    assert hashlib.sha256(returned).hexdigest() == digest


def read_line(sock, limit=1 << 16):
    line = b""
    while not line.endswith(b"\n") and len(line) < limit:
        chunk = sock.recv(1)
        if not chunk:
            break
        line += chunk
    return line


@requires_openssl_cli
@pytest.mark.parametrize("version", VERSIONS)
def test_cffisock_client_against_openssl_s_server(ca, server_cert, tmp_path, version):
    pem = write_pem(tmp_path, "server.pem", server_cert.private_key_and_cert_chain_pem)
    client = client_context("cffisock", ca, alpn=CLIENT_ALPN, version=version)
    with openssl_s_server("-cert", pem, "-key", pem, CLI_FLAGS[version],
                          "-alpn", ",".join(SERVER_ALPN)) as port:
        with connect("cffisock", client, ("127.0.0.1", port)) as sock:
            assert sock.version() == DOTTED[version]
            assert sock.selected_alpn_protocol() == "http/1.1"
            assert sock.getpeercert()["subjectAltName"] == (
                ("DNS", "localhost"), ("IP Address", "127.0.0.1"))
            for line in (b"hello openssl\n", b"second line\n"):
                sock.sendall(line)
                assert read_line(sock) == line[-2::-1] + b"\n"


def receive_until_eof(conn):
    return negotiated(conn), read_until_eof(conn)


@requires_openssl_cli
@pytest.mark.parametrize("version", VERSIONS)
def test_openssl_s_client_against_cffisock_server(ca, server_cert, tmp_path, version):
    cafile = write_pem(tmp_path, "ca.pem", ca.cert_pem)
    server = server_context("cffisock", server_cert, alpn=SERVER_ALPN, version=version)
    message = b"hello from s_client\n"
    with ThreadedServer(receive_until_eof, server, side="cffisock") as listener:
        process = subprocess.Popen(
            [OPENSSL, "s_client", "-connect", "127.0.0.1:%d" % listener.address[1],
             "-CAfile", cafile, "-verify_return_error", "-servername", "localhost",
             "-verify_hostname", "localhost", "-alpn", "http/1.1", CLI_FLAGS[version]],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            out, err = process.communicate(message, timeout=20)
        finally:
            process.kill()
            process.wait(10)
    assert process.returncode == 0, err.decode(errors="replace")
    text = out.decode(errors="replace")
    assert "Verify return code: 0 (ok)" in text
    assert "ALPN protocol: http/1.1" in text
    details, received = listener.result()
    assert received == message
    assert details["version"] == DOTTED[version]
    assert details["alpn"] == "http/1.1"
