"""Certificates and keys: getpeercert() equal to the stdlib's (with every
field the stdlib decodes), the certificate store's statistics, and loading
keys and certificates -- passwords in every form, password callables, bad
PEM files -- as the stdlib does.  Everything is on 127.0.0.1.
"""

import shutil
import socket as stdlib_socket
import ssl as stdlib_ssl
import subprocess

import pytest
import trustme
from cryptography.hazmat.primitives import serialization

from cffisock import tls
from support.comparison import stands_for
from support.tls import (
    SIDES,
    SSL_MODULES,
    ThreadedServer,
    connect,
    connect_cffisock,
    default_client_context,
    echo,
    server_context,
    write_pem,
)


def test_getpeercert_equals_the_stdlib(ca, server_cert, echo_server):
    with connect_cffisock(default_client_context(ca), echo_server.address, "localhost") as sock:
        ours = sock.getpeercert()
        der = sock.getpeercert(binary_form=True)
    reference = stdlib_ssl.create_default_context(cadata=ca.cert_pem.bytes().decode())
    with ThreadedServer(echo, server_context("stdlib", server_cert)) as other:
        with reference.wrap_socket(stdlib_socket.create_connection(other.address, timeout=20),
                                   server_hostname="localhost") as theirs:
            assert ours == theirs.getpeercert()
            assert der == theirs.getpeercert(binary_form=True)


EXTENSIONS = """\
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1,email:admin@example.test,URI:https://example.test/
authorityInfoAccess=OCSP;URI:http://ocsp.example.test/,caIssuers;URI:http://ca.example.test/ca.der
crlDistributionPoints=URI:http://crl.example.test/ca.crl,URI:http://crl2.example.test/ca.crl
"""


def openssl(directory, *arguments):
    subprocess.run(["openssl", *arguments], cwd=str(directory), check=True,
                   capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    directory = tmp_path_factory.mktemp("fields")
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    # keyUsage: create_default_context() checks with VERIFY_X509_STRICT.
    openssl(directory, "req", "-x509", *key, "-keyout", "ca.key", "-out", "ca.pem",
            "-days", "2", "-subj", "/CN=Fields CA",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl(directory, "req", *key, "-keyout", "leaf.key", "-out", "leaf.csr",
            "-subj", "/C=NL/O=cffisock+OU=tests/CN=localhost")
    (directory / "leaf.ext").write_text(EXTENSIONS)
    openssl(directory, "x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey",
            "ca.key", "-CAcreateserial", "-out", "leaf.pem", "-days", "2",
            "-extfile", "leaf.ext")
    return directory


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl CLI is missing")
@pytest.mark.skipif(not hasattr(stdlib_ssl._ssl, "_test_decode_cert"),
                    reason="this stdlib has no _ssl._test_decode_cert reference")
def test_getpeercert_decodes_every_field_like_the_stdlib(certificates):
    server = stdlib_ssl.SSLContext(stdlib_ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(str(certificates / "leaf.pem"), str(certificates / "leaf.key"))
    client = tls.create_default_context(cafile=str(certificates / "ca.pem"))
    with ThreadedServer(lambda conn: conn.recv(1), server) as threaded:
        with connect("cffisock", client, threaded.address) as sock:
            decoded = sock.getpeercert()
            sock.sendall(b"x")
    reference = stdlib_ssl._ssl._test_decode_cert(str(certificates / "leaf.pem"))
    assert decoded == reference
    assert decoded["OCSP"] == ("http://ocsp.example.test/",)
    assert len(decoded["crlDistributionPoints"]) == 2


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


# ---------------------------------------------------------------- key and certificate files

PASSWORD = "correct horse"


@pytest.fixture(scope="module")
def key_files(server_cert, tmp_path_factory):
    """Paths: the certificate, its key encrypted with PASSWORD, and files
    that are missing, malformed or hold a key of another certificate."""
    directory = tmp_path_factory.mktemp("keys")
    key = serialization.load_pem_private_key(server_cert.private_key_pem.bytes(), None)
    encrypted = directory / "encrypted.key"
    encrypted.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(PASSWORD.encode())))
    malformed = directory / "malformed.pem"
    malformed.write_text("-----BEGIN CERTIFICATE-----\nnot base64 at all!\n"
                         "-----END CERTIFICATE-----\n")
    other = trustme.CA().issue_cert("localhost")
    return {
        "cert": write_pem(directory, "cert.pem", *server_cert.cert_chain_pems),
        "encrypted key": str(encrypted),
        "key": write_pem(directory, "plain.key", server_cert.private_key_pem),
        "other key": write_pem(directory, "other.key", other.private_key_pem),
        "missing": str(directory / "missing.pem"),
        "malformed": str(malformed),
    }


def load_outcome(side, method, *args, **kwargs):
    """The stdlib class of what ``context.method(*args)`` raised, or
    "returned"."""
    module = SSL_MODULES[side]
    context = module.SSLContext(module.PROTOCOL_TLS_SERVER)
    try:
        getattr(context, method)(*args, **kwargs)
    except Exception as exc:
        return stands_for(type(exc)).__name__
    return "returned"


RIGHT_PASSWORDS = {
    "str": PASSWORD,
    "bytes": PASSWORD.encode(),
    "bytearray": bytearray(PASSWORD.encode()),
    "callable returning str": lambda: PASSWORD,
    "callable returning bytes": lambda: PASSWORD.encode(),
}


@pytest.mark.parametrize("password", list(RIGHT_PASSWORDS.values()), ids=list(RIGHT_PASSWORDS))
def test_the_right_password_in_every_form_decrypts_the_key(key_files, fd_leak_check,
                                                          password):
    for side in SIDES:
        assert load_outcome(side, "load_cert_chain", key_files["cert"],
                            key_files["encrypted key"], password) == "returned", side


@pytest.mark.parametrize("password", ["wrong", b"wrong", lambda: "wrong"],
                         ids=["str", "bytes", "callable"])
def test_a_wrong_password_is_an_ssl_error(key_files, fd_leak_check, password):
    results = [load_outcome(side, "load_cert_chain", key_files["cert"],
                            key_files["encrypted key"], password) for side in SIDES]
    assert results == ["SSLError", "SSLError"]
    context = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    with pytest.raises(tls.SSLError):
        context.load_cert_chain(key_files["cert"], key_files["encrypted key"], password)


BAD_FILES = [
    # (what, method, file names, keyword argument, a current stdlib's answer)
    ("missing certificate", "load_cert_chain", ["missing"], None, "FileNotFoundError"),
    ("missing key", "load_cert_chain", ["cert", "missing"], None, "FileNotFoundError"),
    ("missing CA file", "load_verify_locations", ["missing"], "cafile", "FileNotFoundError"),
    ("malformed certificate", "load_cert_chain", ["malformed"], None, "SSLError"),
    ("malformed key", "load_cert_chain", ["cert", "malformed"], None, "SSLError"),
    ("malformed CA file", "load_verify_locations", ["malformed"], "cafile", "SSLError"),
    ("key of another certificate", "load_cert_chain", ["cert", "other key"], None,
     "SSLError"),
]


@pytest.mark.parametrize("what, method, names, keyword, expected", BAD_FILES,
                         ids=[case[0] for case in BAD_FILES])
def test_bad_pem_files_fail_like_the_stdlib(key_files, fd_leak_check, what, method,
                                            names, keyword, expected):
    paths = [key_files[name] for name in names]
    arguments = ([], {keyword: paths[0]}) if keyword else (paths, {})
    results = [load_outcome(side, method, *arguments[0], **arguments[1]) for side in SIDES]
    assert results == [expected, expected]


def test_a_good_unencrypted_key_loads(key_files, fd_leak_check):
    assert [load_outcome(side, "load_cert_chain", key_files["cert"], key_files["key"])
            for side in SIDES] == ["returned", "returned"]


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
