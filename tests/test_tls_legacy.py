"""The functions Python 3.12 removed from ``ssl`` (wrap_socket,
match_hostname, RAND_pseudo_bytes): on the versions whose stdlib has them,
cffisock.tls has them too, with the same results, errors and warnings;
on newer versions neither has them."""

import socket as stdlib_socket
import ssl as stdlib_ssl
import sys
import warnings

import pytest

import cffisock
from cffisock import tls
from support.comparison import outcome_and_warnings

LEGACY = ("wrap_socket", "match_hostname", "RAND_pseudo_bytes")
HAS_LEGACY = sys.version_info < (3, 12)
needs_legacy = pytest.mark.skipif(not HAS_LEGACY, reason="Python 3.12 removed them from ssl")


@pytest.mark.parametrize("name", LEGACY)
def test_offered_where_the_stdlib_offers_them(name):
    assert hasattr(tls, name) is hasattr(stdlib_ssl, name) is HAS_LEGACY


CERT = {
    "subject": ((("commonName", "example.com"),),),
    "subjectAltName": (("DNS", "example.com"), ("DNS", "*.example.net"),
                       ("IP Address", "192.0.2.1"), ("IP Address", "2001:DB8:0:0:0:0:0:1\n")),
}
CN_ONLY = {"subject": ((("commonName", "cn.example"),),)}
HOSTS = ["example.com", "EXAMPLE.com", "www.example.net", "a.b.example.net", "example.net",
         "192.0.2.1", "192.0.2.2", "2001:db8::1", "127.1", "nothing.example", ""]
BAD_PATTERNS = ["*.*.example", "www.*.example", "*", "w*.example", "", "*.example"]


@needs_legacy
@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize("cert", [CERT, CN_ONLY, {}, None], ids=["san", "cn", "empty", "none"])
def test_match_hostname_decides_and_words_as_the_stdlib(cert, host):
    assert outcome_and_warnings(lambda: tls.match_hostname(cert, host)) == \
        outcome_and_warnings(lambda: stdlib_ssl.match_hostname(cert, host))


@needs_legacy
@pytest.mark.parametrize("pattern", BAD_PATTERNS)
@pytest.mark.parametrize("host", ["www.example", "a.b.example", "example"])
def test_match_hostname_refuses_the_patterns_the_stdlib_refuses(pattern, host):
    for cert in ({"subjectAltName": (("DNS", pattern),)},
                 {"subjectAltName": (("IP Address", "127.1"),)}):
        assert outcome_and_warnings(lambda: tls.match_hostname(cert, host)) == \
            outcome_and_warnings(lambda: stdlib_ssl.match_hostname(cert, host))


@needs_legacy
@pytest.mark.parametrize("n", [16, 0, -5, 2 ** 31, "16"])
def test_rand_pseudo_bytes_as_the_stdlib(n):
    ours, our_warnings = outcome_and_warnings(lambda: tls.RAND_pseudo_bytes(n))
    theirs, their_warnings = outcome_and_warnings(lambda: stdlib_ssl.RAND_pseudo_bytes(n))
    assert our_warnings == their_warnings
    assert ours[0] == theirs[0]
    if ours[0] == "raised":
        assert ours.name == theirs.name
    else:
        data, strong = ours.value
        assert len(data) == n and strong is True


@needs_legacy
def test_wrap_socket_checks_and_warns_as_the_stdlib(tmp_path):
    for arguments in ({"server_side": True}, {"keyfile": "key.pem"}, {}):
        results = []
        for socket_module, ssl_module in ((cffisock, tls), (stdlib_socket, stdlib_ssl)):
            with socket_module.socket() as sock:
                result, caught = outcome_and_warnings(ssl_module.wrap_socket, sock, **arguments)
                if result[0] == "returned":
                    assert isinstance(result.value, ssl_module.SSLSocket)
                    assert result.value.context.verify_mode == ssl_module.CERT_NONE
                    result.value.close()
                    result = ("returned",)
                results.append((result[:2], caught))
        assert results[0] == results[1]


@needs_legacy
def test_a_wrapped_socket_speaks_tls(ca, echo_server):
    with ca.cert_pem.tempfile() as ca_file:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            sock = tls.wrap_socket(cffisock.socket(), cert_reqs=tls.CERT_REQUIRED,
                                   ca_certs=ca_file)
    with sock:
        sock.settimeout(10)
        sock.connect(echo_server.address)
        assert sock.getpeercert()["subjectAltName"]
        sock.sendall(b"legacy")
        assert sock.recv(6) == b"legacy"
