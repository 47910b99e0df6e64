"""getpeercert() for a certificate with every field the stdlib decodes:
OCSP, caIssuers and crlDistributionPoints URIs, several SANs, a multi-valued
RDN.  The certificates are made with the openssl command; the reference is
the stdlib's own decoder (``_ssl._test_decode_cert``)."""

import shutil
import ssl as stdlib_ssl
import subprocess

import pytest

from cffisock import tls
from support.tls import ThreadedServer, connect

pytestmark = [
    pytest.mark.skipif(shutil.which("openssl") is None,
                       reason="the openssl CLI is missing"),
    pytest.mark.skipif(not hasattr(stdlib_ssl._ssl, "_test_decode_cert"),
                       reason="this stdlib has no _ssl._test_decode_cert reference"),
]

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
