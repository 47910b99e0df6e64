"""Context settings whose effect shows on a real connection: the system
trust store (SSL_CERT_FILE), TLS 1.3 post-handshake client authentication,
verification flags, cipher lists and the ciphers both sides share."""

import os
import platform
import ssl as stdlib_ssl
import subprocess
import sys

import pytest

import cffisock
from cffisock import tls
from support.tls import (
    ThreadedServer,
    ca_text,
    client_context,
    connect,
    echo,
    server_context,
    write_pem,
)

SCRIPT = """
import sys
import cffisock
from cffisock import tls
context = tls.create_default_context()   # the system store: SSL_CERT_FILE
raw = cffisock.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
with context.wrap_socket(raw, server_hostname="localhost") as sock:
    print(sock.version())
"""


def test_default_verify_paths_honour_ssl_cert_file(ca, server_cert, tmp_path):
    cafile = write_pem(tmp_path, "ca.pem", ca.cert_pem)
    env = dict(os.environ, SSL_CERT_FILE=cafile,
               PYTHONPATH=os.path.dirname(os.path.dirname(cffisock.__file__)))
    with ThreadedServer(echo, server_context("stdlib", server_cert)) as server:
        result = subprocess.run([sys.executable, "-c", SCRIPT, str(server.address[1])],
                                capture_output=True, text=True, env=env, timeout=60,
                                cwd=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("TLSv1.")


def test_without_the_ca_in_the_store_verification_fails(server_cert, tmp_path):
    import trustme

    env = dict(os.environ,
               SSL_CERT_FILE=write_pem(tmp_path, "other.pem", trustme.CA().cert_pem),
               PYTHONPATH=os.path.dirname(os.path.dirname(cffisock.__file__)))
    with ThreadedServer(echo, server_context("stdlib", server_cert)) as server:
        result = subprocess.run([sys.executable, "-c", SCRIPT, str(server.address[1])],
                                capture_output=True, text=True, env=env, timeout=60,
                                cwd=str(tmp_path))
    assert result.returncode != 0
    assert "CERTIFICATE_VERIFY_FAILED" in result.stderr


def test_post_handshake_authentication(ca, server_cert):
    client_cert = ca.issue_cert("client@example.test")
    server = server_context("stdlib", server_cert, version="TLSv1_3")
    server.load_verify_locations(cadata=ca_text(ca))
    server.verify_mode = stdlib_ssl.CERT_OPTIONAL
    server.post_handshake_auth = True

    def ask_for_certificate(conn):
        assert conn.getpeercert() is None  # none yet: not asked in the handshake
        conn.verify_client_post_handshake()
        conn.sendall(b"?")
        conn.recv(1)  # the client's certificate arrives with its next record
        return conn.getpeercert()["subjectAltName"]

    context = client_context("cffisock", ca, identity=client_cert)
    context.post_handshake_auth = True
    assert context.post_handshake_auth is True
    with ThreadedServer(ask_for_certificate, server) as threaded:
        with connect("cffisock", context, threaded.address) as sock:
            assert sock.recv(1) == b"?"
            sock.sendall(b"!")
    assert ("email", "client@example.test") in threaded.result()


def test_the_certificate_store_is_described_like_the_stdlibs(ca, server_cert, tmp_path):
    """cert_store_stats and get_ca_certs (both forms) over a store holding
    a CA and a leaf certificate, and over the system's default store."""
    both = tmp_path / "ca-and-leaf.pem"
    both.write_bytes(ca.cert_pem.bytes() + server_cert.cert_chain_pems[0].bytes())
    described = {}
    for name, module in (("stdlib", stdlib_ssl), ("cffisock", tls)):
        context = module.SSLContext(module.PROTOCOL_TLS_CLIENT)
        empty = (context.cert_store_stats(), context.get_ca_certs())
        context.load_verify_locations(str(both))
        default = module.create_default_context()
        described[name] = (empty, context.cert_store_stats(), context.get_ca_certs(),
                           context.get_ca_certs(binary_form=True),
                           default.cert_store_stats(), default.get_ca_certs(True))
    assert described["cffisock"][:2] == (({"x509": 0, "crl": 0, "x509_ca": 0}, []),
                                         {"x509": 2, "crl": 0, "x509_ca": 1})
    assert described["cffisock"][3] == [stdlib_ssl.PEM_cert_to_DER_cert(ca.cert_pem.bytes().decode())]
    assert described["cffisock"] == described["stdlib"]


def test_verify_flags_round_trip():
    context = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
    context.verify_flags = tls.VERIFY_X509_STRICT | tls.VERIFY_X509_PARTIAL_CHAIN
    assert context.verify_flags & tls.VERIFY_X509_STRICT
    assert context.verify_flags & tls.VERIFY_X509_PARTIAL_CHAIN
    context.verify_flags = tls.VERIFY_DEFAULT
    assert not context.verify_flags & tls.VERIFY_X509_STRICT


@pytest.mark.parametrize("value", [2**63, 2**63 - 1, 2**31, -2**63, -2**63 - 1, -2**31 - 1])
@pytest.mark.parametrize("attribute", ["minimum_version", "maximum_version"])
def test_a_version_at_the_c_long_bounds_fails_as_the_stdlibs(attribute, value):
    """A C long first (OverflowError beyond it, -2**63 - 1 included), then
    no more than a C int.  Compared with the stdlib on CPython 3.10+, the
    reference: 3.9's ssl casts the long to an int unchecked (-2**63 becomes
    0, "no bound", and is accepted) and words its ValueError "Unsupported
    protocol version"; PyPy's ssl is its own."""
    compare = (platform.python_implementation() == "CPython"
               and sys.version_info >= (3, 10))
    outcomes = []
    for module in (tls, stdlib_ssl) if compare else (tls,):
        with pytest.raises((OverflowError, ValueError)) as raised:
            setattr(module.SSLContext(module.PROTOCOL_TLS_CLIENT), attribute, value)
        outcomes.append((type(raised.value), str(raised.value)))
    expected = OverflowError if value > 2**31 - 1 or value < -2**63 else ValueError
    assert outcomes[0][0] is expected
    assert outcomes[-1] == outcomes[0]


@pytest.mark.parametrize("value", [None, 5, b"ALL"])
def test_set_ciphers_names_a_wrong_type_as_the_stdlib(value):
    """Compared with the stdlib on CPython (PyPy's ssl takes bytes and
    words its errors its own way)."""
    on_cpython = platform.python_implementation() == "CPython"
    messages = []
    for module in (tls, stdlib_ssl) if on_cpython else (tls,):
        with pytest.raises(TypeError) as raised:
            module.SSLContext(module.PROTOCOL_TLS_CLIENT).set_ciphers(value)
        messages.append(str(raised.value))
    assert messages[0] == "set_ciphers() argument must be str, not %s" % (
        "None" if value is None else type(value).__name__)
    assert messages[-1] == messages[0]


def test_set_ciphers_limits_tls12_and_shared_ciphers(ca, server_cert):
    with pytest.raises(tls.SSLError):
        tls.SSLContext(tls.PROTOCOL_TLS_SERVER).set_ciphers("NO-SUCH-CIPHER")
    context = server_context("cffisock", server_cert, version="TLSv1_2")
    context.set_ciphers("ECDHE+AESGCM")
    names = [cipher["name"] for cipher in context.get_ciphers()]
    tls12 = [cipher for cipher in context.get_ciphers() if cipher["protocol"] == "TLSv1.2"]
    assert tls12 and all("GCM" in cipher["name"] for cipher in tls12)

    def shared(conn):
        return conn.shared_ciphers(), conn.cipher()

    with ThreadedServer(shared, context, side="cffisock") as threaded:
        with connect("stdlib", client_context("stdlib", ca), threaded.address) as sock:
            client_cipher = sock.cipher()
    shared_list, server_cipher = threaded.result()
    assert server_cipher == client_cipher
    assert server_cipher[0] in [name for name, _, _ in shared_list]
    assert set(name for name, _, _ in shared_list) <= set(names)
