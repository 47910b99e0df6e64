"""Details that code written for the stdlib's ssl module reads: cipher
dicts, the tls-unique channel binding, session attributes, and when the
key's password callback is called."""

import platform
import ssl as stdlib_ssl

import pytest

from cffisock import tls
from support.tls import ThreadedServer, client_context, connect, server_context


CPYTHON_CIPHER_KEYS = ["id", "name", "protocol", "description", "strength_bits",
                       "alg_bits", "aead", "symmetric", "digest", "kea", "auth"]


def test_get_ciphers_equals_the_stdlib_for_the_same_cipher_string():
    ours = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
    theirs = stdlib_ssl.SSLContext(stdlib_ssl.PROTOCOL_TLS_CLIENT)
    for context in (ours, theirs):
        context.set_ciphers("ECDHE+AESGCM:ECDHE+CHACHA20")
    ciphers = ours.get_ciphers()
    assert all(list(cipher) == CPYTHON_CIPHER_KEYS for cipher in ciphers)
    if platform.python_implementation() == "PyPy":
        # PyPy's get_ciphers is no reference: it keeps OpenSSL's newline in
        # the description and returns cdata pointers under a misspelled
        # 'symmmetric' key.  Compare what it gets right.
        comparable = ["id", "name", "protocol", "strength_bits", "alg_bits", "aead"]
        assert [[cipher[key] for key in comparable] for cipher in ciphers] == \
            [[cipher[key] for key in comparable] for cipher in theirs.get_ciphers()]
        assert [cipher["description"] for cipher in ciphers] == \
            [cipher["description"].rstrip("\n") for cipher in theirs.get_ciphers()]
    else:
        assert ciphers == theirs.get_ciphers()


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


@pytest.fixture
def encrypted_key_pem(server_cert, tmp_path):
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(server_cert.private_key_pem.bytes(), None)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret"))
    path = tmp_path / "encrypted.pem"
    path.write_bytes(encrypted + b"".join(blob.bytes() for blob in server_cert.cert_chain_pems))
    return str(path)


def test_password_callable_is_called_only_for_an_encrypted_key(server_cert, tmp_path,
                                                                encrypted_key_pem):
    calls = []

    def password():
        calls.append(1)
        return "secret"

    plain = tmp_path / "plain.pem"
    plain.write_bytes(server_cert.private_key_and_cert_chain_pem.bytes())
    tls.SSLContext(tls.PROTOCOL_TLS_SERVER).load_cert_chain(str(plain), password=password)
    assert calls == []
    tls.SSLContext(tls.PROTOCOL_TLS_SERVER).load_cert_chain(encrypted_key_pem,
                                                            password=password)
    assert calls == [1]


def test_password_callable_errors_propagate_like_the_stdlib(encrypted_key_pem):
    def failing():
        raise KeyError("from the callback")

    for module in (tls, stdlib_ssl):
        context = module.SSLContext(module.PROTOCOL_TLS_SERVER)
        with pytest.raises(KeyError, match="from the callback"):
            context.load_cert_chain(encrypted_key_pem, password=failing)
        with pytest.raises(TypeError, match="password callback must return a string"):
            context.load_cert_chain(encrypted_key_pem, password=lambda: 42)
        with pytest.raises(TypeError, match="password should be a string or callable"):
            context.load_cert_chain(encrypted_key_pem, password=42)


@pytest.mark.parametrize("name", [
    "SSLError", "SSLZeroReturnError", "SSLWantReadError", "SSLWantWriteError",
    "SSLSyscallError", "SSLEOFError", "SSLCertVerificationError", "CertificateError",
])
def test_exceptions_are_caught_by_the_stdlib_class_of_the_same_name(name):
    ours = getattr(tls, name)
    assert issubclass(ours, getattr(stdlib_ssl, name))
    assert issubclass(ours, tls.SSLError) and issubclass(ours, OSError)
