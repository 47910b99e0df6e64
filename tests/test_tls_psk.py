"""Pre-shared keys (3.13's SSLContext.set_psk_client_callback and
set_psk_server_callback, HAS_PSK; 3.15's HAS_PSK_TLS13), on every Python
version: TLS 1.2 PSK suites and TLS 1.3 external PSKs, between cffisock
ends, against the stdlib where it has them, and against openssl s_server."""

import socket as stdlib_socket
import ssl as stdlib_ssl
import sys

import pytest

import cffisock
from cffisock import tls
from support.openssl import openssl_s_server, requires_openssl_cli
from support.tls import SSL_MODULES, ThreadedServer

KEY = bytes.fromhex("deadbeef")
VERSIONS = ["TLSv1_2", "TLSv1_3"]
SIDES_WITH_PSK = ["cffisock"] + (["stdlib"] if getattr(stdlib_ssl, "HAS_PSK", False) else [])

pytestmark = pytest.mark.skipif(not tls.HAS_PSK, reason="this OpenSSL is built without PSK")


def psk_context(side, protocol, version):
    module = SSL_MODULES[side]
    context = module.SSLContext(getattr(module, protocol))
    if protocol == "PROTOCOL_TLS_CLIENT":
        context.check_hostname = False
        context.verify_mode = module.CERT_NONE
    member = getattr(module.TLSVersion, version)
    context.minimum_version = context.maximum_version = member
    context.set_ciphers("PSK")
    return context


def client(side, version, callback):
    context = psk_context(side, "PROTOCOL_TLS_CLIENT", version)
    context.set_psk_client_callback(callback)
    return context


def server(side, version, callback, hint=None):
    context = psk_context(side, "PROTOCOL_TLS_SERVER", version)
    context.set_psk_server_callback(callback, hint)
    return context


def talk(client_side, client_context, server_side, server_context):
    """Connect, echo a line; return (client's version, what the server saw)."""
    with ThreadedServer(lambda conn: (conn.sendall(conn.recv(5)), conn.version())[1],
                        server_context, side=server_side) as listener:
        socket_module = cffisock if client_side == "cffisock" else stdlib_socket
        with client_context.wrap_socket(socket_module.create_connection(
                listener.address, timeout=10)) as sock:
            sock.sendall(b"hello")
            assert sock.recv(5) == b"hello"
            version = sock.version()
    return version, listener.result()


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("client_side", SIDES_WITH_PSK)
@pytest.mark.parametrize("server_side", SIDES_WITH_PSK)
def test_a_shared_key_connects_and_identities_travel(client_side, server_side, version):
    if client_side == server_side == "stdlib":
        pytest.skip("the stdlib on both ends tests nothing of cffisock")
    seen = {}

    def client_callback(hint):
        seen["hint"] = hint
        return "客户身份", KEY  # UTF-8 identities, as the stdlib's test

    def server_callback(identity):
        seen["identity"] = identity
        return KEY

    dotted = version.replace("_", ".")
    result = talk(client_side, client(client_side, version, client_callback),
                  server_side, server(server_side, version, server_callback, "身份暗示"))
    assert result == (dotted, dotted)
    assert seen["identity"] == "客户身份"
    # The hint reaches TLS 1.2 clients only (TLS 1.3 has none).
    assert seen["hint"] == ("身份暗示" if version == "TLSv1_2" else None)


@pytest.mark.parametrize("version", VERSIONS)
def test_a_wrong_key_fails_the_handshake(version):
    context = client("cffisock", version, lambda hint: (None, bytes.fromhex("cafebabe")))
    with pytest.raises(tls.SSLError):
        talk("cffisock", context, "cffisock", server("cffisock", version, lambda identity: KEY))


@pytest.mark.parametrize("failure", ["raises", "wrong type", "too long"])
def test_a_failing_client_callback_is_reported_and_fails_the_handshake(failure):
    def callback(hint):
        if failure == "raises":
            raise ZeroDivisionError
        if failure == "wrong type":
            return [None, KEY]
        return None, b"k" * 10000

    reports = []
    hook, sys.unraisablehook = sys.unraisablehook, reports.append
    try:
        with pytest.raises(tls.SSLError):
            talk("cffisock", client("cffisock", "TLSv1_2", callback),
                 "cffisock", server("cffisock", "TLSv1_2", lambda identity: KEY))
    finally:
        sys.unraisablehook = hook
    assert len(reports) == 1
    assert reports[0].err_msg.startswith(
        "Exception ignored in ssl PSK client callback while calling callback")
    assert reports[0].exc_type is {"raises": ZeroDivisionError, "wrong type": TypeError,
                                   "too long": ValueError}[failure]


@pytest.mark.parametrize("side", SIDES_WITH_PSK)
def test_the_setters_refuse_what_the_stdlib_refuses(side):
    module = SSL_MODULES[side]
    client_context = module.SSLContext(module.PROTOCOL_TLS_CLIENT)
    server_context = module.SSLContext(module.PROTOCOL_TLS_SERVER)
    with pytest.raises(module.SSLError, match="Cannot add PSK server callback to a "
                       "PROTOCOL_TLS_CLIENT context"):
        client_context.set_psk_server_callback(lambda identity: KEY)
    with pytest.raises(module.SSLError, match="Cannot add PSK client callback to a "
                       "PROTOCOL_TLS_SERVER context"):
        server_context.set_psk_client_callback(lambda hint: (None, KEY))
    with pytest.raises(TypeError, match="callback must be callable"):
        client_context.set_psk_client_callback(42)
    with pytest.raises(TypeError):
        server_context.set_psk_server_callback(lambda identity: KEY, 42)
    client_context.set_psk_client_callback(None)
    server_context.set_psk_server_callback(None)


@requires_openssl_cli
@pytest.mark.parametrize("version", VERSIONS)
def test_openssl_s_server_takes_the_key_and_sends_its_hint(version):
    flag = {"TLSv1_2": "-tls1_2", "TLSv1_3": "-tls1_3"}[version]
    hints = []

    def callback(hint):
        hints.append(hint)
        return "cffisock", KEY

    with openssl_s_server(flag, "-nocert", "-psk", KEY.hex(), "-psk_identity", "cffisock",
                          "-psk_hint", "openssl-hint") as port:
        context = client("cffisock", version, callback)
        with context.wrap_socket(cffisock.create_connection(("127.0.0.1", port),
                                                            timeout=10)) as sock:
            sock.sendall(b"hello\n")
            assert sock.recv(6) == b"olleh\n"  # -rev: the line reversed
    assert hints == (["openssl-hint"] if version == "TLSv1_2" else [None])
