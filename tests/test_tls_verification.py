"""Verifying the peer: a catalogue of certificates, each handshake run
twice against the same stdlib server -- once with a cffisock client, once
with a stdlib client -- plus host names, untrusted CAs, certificates with a
common name and no SAN, CA data in PEM and DER, and the system trust store
(SSL_CERT_FILE).

In the catalogue both clients must accept (then getpeercert() and the chains
agree), or both reject with the same stdlib exception class, OpenSSL reason,
verify_code and verify_message, and the server must see the same thing from
either client.  Certificates come from trustme (expired and not-yet-valid
ones through its not_before/not_after); everything is on 127.0.0.1.
"""

import datetime
import inspect
import shutil
import socket as stdlib_socket
import ssl as stdlib_ssl
import subprocess
import sys
from collections import namedtuple

import pytest
import trustme

import cffisock
from cffisock import tls
from support.cli import ENV
from support.comparison import failure
from support.loopback import recv_exactly
from support.tls import (
    ThreadedServer,
    client_context,
    connect,
    connect_cffisock,
    default_client_context,
    echo,
    read_until_eof,
    server_context,
    write_pem,
)


GREETING = b"catalogue"

# X509_V_ERR_* codes, as OpenSSL numbers them.
NOT_YET_VALID, EXPIRED, SELF_SIGNED, NO_LOCAL_ISSUER = 9, 10, 18, 20
HOSTNAME_MISMATCH, IP_ADDRESS_MISMATCH = 62, 64

Case = namedtuple("Case", "name server hostname client_cert require_client_cert "
                          "version verdict chains")
# server: the key of the PEM the server presents (see ``pki``).
# verdict: "accepted", ("rejected", verify_code) or "server rejects".
# chains: (unverified, verified) chain lengths when accepted.

CASES = [
    Case("valid chain with an intermediate", "intermediate_leaf_chain", "localhost",
         None, False, None, "accepted", (2, 3)),
    Case("leaf of the root", "root_leaf", "localhost", None, False, None, "accepted", (1, 2)),
    Case("expired", "expired", "localhost", None, False, None, ("rejected", EXPIRED), None),
    Case("not yet valid", "not_yet_valid", "localhost", None, False, None,
         ("rejected", NOT_YET_VALID), None),
    Case("wrong host name", "other_host", "localhost", None, False, None,
         ("rejected", HOSTNAME_MISMATCH), None),
    Case("IP SAN match", "ip_127_0_0_1", "127.0.0.1", None, False, None, "accepted", (1, 2)),
    Case("IP SAN mismatch", "ip_127_0_0_2", "127.0.0.1", None, False, None,
         ("rejected", IP_ADDRESS_MISMATCH), None),
    Case("self-signed", "self_signed", "localhost", None, False, None,
         ("rejected", SELF_SIGNED), None),
    Case("untrusted root", "untrusted", "localhost", None, False, None,
         ("rejected", NO_LOCAL_ISSUER), None),
    Case("missing intermediate", "intermediate_leaf_alone", "localhost", None, False, None,
         ("rejected", NO_LOCAL_ISSUER), None),
    Case("client certificate missing, TLS 1.2", "root_leaf", "localhost", None, True,
         "TLSv1_2", "server rejects", None),
    Case("client certificate missing, TLS 1.3", "root_leaf", "localhost", None, True,
         "TLSv1_3", "server rejects", None),
    # A server that trusts the root (for client certificates) finds it in
    # its store and sends it after the leaf.
    Case("client certificate verified, TLS 1.2", "root_leaf", "localhost", "client", True,
         "TLSv1_2", "accepted", (2, 2)),
    Case("client certificate verified, TLS 1.3", "root_leaf", "localhost", "client", True,
         "TLSv1_3", "accepted", (2, 2)),
]

#: The catalogue makes expired and not-yet-valid certificates.
needs_validity_dates = pytest.mark.skipif(
    "not_after" not in inspect.signature(trustme.CA.issue_cert).parameters,
    reason="this trustme has no not_before/not_after (trustme >= 1.1 needed)")


class PKI:
    """The catalogue's certificates: a root the clients trust, an
    intermediate under it, and strangers, written as PEM files."""

    def __init__(self, directory):
        self.root = trustme.CA()
        intermediate = self.root.create_child_ca()
        now = datetime.datetime.now(datetime.timezone.utc)
        day = datetime.timedelta(days=1)
        issued = {
            "root_leaf": self.root.issue_cert("localhost", "127.0.0.1"),
            "expired": self.root.issue_cert("localhost", not_before=now - 2 * day,
                                            not_after=now - day),
            "not_yet_valid": self.root.issue_cert("localhost", not_before=now + day,
                                                  not_after=now + 2 * day),
            "other_host": self.root.issue_cert("not-this-host.invalid"),
            "ip_127_0_0_1": self.root.issue_cert("127.0.0.1"),
            "ip_127_0_0_2": self.root.issue_cert("127.0.0.2"),
            "untrusted": trustme.CA().issue_cert("localhost"),
            "intermediate_leaf_chain": intermediate.issue_cert("localhost"),
            "client": self.root.issue_cert("client.localhost"),
        }
        self.certs = issued
        self.paths = {name: write_pem(directory, name + ".pem",
                                      cert.private_key_and_cert_chain_pem)
                      for name, cert in issued.items()}
        leaf = issued["intermediate_leaf_chain"]
        # The leaf without the intermediate that issued it.
        self.paths["intermediate_leaf_alone"] = write_pem(
            directory, "leaf_alone.pem", leaf.private_key_pem, leaf.cert_chain_pems[0])
        # A CA certificate is self-signed: serve one as the leaf.
        stranger = trustme.CA()
        self.paths["self_signed"] = write_pem(
            directory, "self_signed.pem", stranger.private_key_pem, stranger.cert_pem)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return PKI(tmp_path_factory.mktemp("catalogue"))


def handshake(side, context, address, hostname):
    """Connect, read the server's greeting; return what the client saw."""
    with connect(side, context, address, hostname) as sock:
        assert sock.recv(len(GREETING)) == GREETING
        return {
            "peercert": sock.getpeercert(),
            "der": sock.getpeercert(binary_form=True),
            "version": sock.version(),
            "chains": chains(sock),
        }


def chains(sock):
    """(unverified, verified) chains as DER lists, where the side has them
    (the stdlib's SSLSocket only from Python 3.13 on)."""
    if not hasattr(sock, "get_verified_chain"):
        return None
    return ([bytes(der) for der in sock.get_unverified_chain()],
            [bytes(der) for der in sock.get_verified_chain()])


def greet(conn):
    """The server's part: greet, then wait for the client to close; return
    the client certificate the server saw."""
    client_certificate = conn.getpeercert(binary_form=True)
    conn.sendall(GREETING)
    read_until_eof(conn)
    return client_certificate


def run_case(case, pki, side):
    """One client of ``side`` against a fresh stdlib server for ``case``:
    (client outcome, server outcome)."""
    server = server_context("stdlib", pki.paths[case.server], version=case.version,
                            client_ca=pki.root if case.require_client_cert else None)
    client = client_context(side, pki.root, version=case.version,
                            identity=pki.paths[case.client_cert] if case.client_cert else None)
    with ThreadedServer(greet, server) as listener:
        try:
            client_outcome = ("accepted", handshake(side, client, listener.address,
                                                    case.hostname))
        except Exception as exc:
            client_outcome = ("rejected", exc)
    kind, value = listener.outcomes[0]
    return client_outcome, (kind, failure(value) if kind == "raised" else value)


@needs_validity_dates
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_cffisock_and_stdlib_clients_agree(case, pki, fd_leak_check):
    (theirs, their_server), (ours, our_server) = [run_case(case, pki, side)
                                                  for side in ("stdlib", "cffisock")]
    assert our_server == their_server, "the server saw different clients"
    assert ours[0] == theirs[0], "stdlib %s, cffisock %s: %r" % (theirs[0], ours[0], ours[1])

    if case.verdict == "accepted":
        assert theirs[0] == "accepted"
        mine, reference = ours[1], theirs[1]
        assert mine["peercert"] == reference["peercert"]
        assert mine["der"] == reference["der"]
        assert mine["version"] == reference["version"]
        unverified, verified = mine["chains"]
        assert (len(unverified), len(verified)) == case.chains
        assert unverified[0] == verified[0] == mine["der"]
        if reference["chains"] is not None:
            assert mine["chains"] == reference["chains"]
        return

    mine, reference = failure(ours[1]), failure(theirs[1])
    assert mine == reference
    assert isinstance(ours[1], tls.SSLError)  # cffisock's own class
    if case.verdict == "server rejects":
        # The server turned the client away: an alert, not a verification error.
        assert reference[0] == "SSLError"
        assert their_server[0] == "raised"
    else:
        expected_code = case.verdict[1]
        assert reference[0] == "SSLCertVerificationError"
        assert reference[2] == expected_code
        assert isinstance(ours[1], stdlib_ssl.SSLCertVerificationError)


@needs_validity_dates
def test_mismatch_messages_name_the_host_like_the_stdlib(pki):
    """Spelled out for the two messages the stdlib writes itself."""
    messages = {}
    for case in CASES:
        if case.verdict in (("rejected", HOSTNAME_MISMATCH), ("rejected", IP_ADDRESS_MISMATCH)):
            (_, exc), _ = run_case(case, pki, "cffisock")
            messages[case.name] = exc.verify_message
    assert messages == {
        "wrong host name": "Hostname mismatch, certificate is not valid for 'localhost'.",
        "IP SAN mismatch": "IP address mismatch, certificate is not valid for '127.0.0.1'.",
    }


@needs_validity_dates
def test_server_sees_the_client_certificate(pki):
    case = next(case for case in CASES if case.client_cert and case.version == "TLSv1_3")
    _, server_outcome = run_case(case, pki, "cffisock")
    pem = pki.certs["client"].cert_chain_pems[0].bytes().decode("ascii")
    assert server_outcome == ("returned", stdlib_ssl.PEM_cert_to_DER_cert(pem))


@pytest.mark.parametrize("hostname, message", [
    ("example.org", "Hostname mismatch, certificate is not valid for 'example.org'."),
    ("127.0.0.2", "IP address mismatch, certificate is not valid for '127.0.0.2'."),
])
def test_wrong_host_name_is_refused_like_the_stdlib(ca, echo_server, hostname, message):
    with pytest.raises(stdlib_ssl.SSLCertVerificationError) as info:
        connect_cffisock(default_client_context(ca), echo_server.address, hostname)
    assert isinstance(info.value, tls.SSLCertVerificationError)
    assert info.value.verify_message == message
    assert info.value.reason == "CERTIFICATE_VERIFY_FAILED"
    assert info.value.library == "SSL"


def test_untrusted_certificate_is_refused(echo_server):
    with pytest.raises(tls.SSLCertVerificationError) as info:
        connect_cffisock(default_client_context(trustme.CA()), echo_server.address, "localhost")
    assert info.value.verify_message == "unable to get local issuer certificate"


def test_der_cadata_and_cafile_verify_like_pem(ca, echo_server, tmp_path):
    der = stdlib_ssl.PEM_cert_to_DER_cert(ca.cert_pem.bytes().decode("ascii"))
    context = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cadata=der)
    with connect_cffisock(context, echo_server.address, "localhost") as sock:
        sock.sendall(b"der")
        assert recv_exactly(sock, 3) == b"der"
    cafile = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(cafile))
    tls.SSLContext(tls.PROTOCOL_TLS_CLIENT).load_verify_locations(cafile=str(cafile))
    with pytest.raises(FileNotFoundError):
        tls.SSLContext(tls.PROTOCOL_TLS_CLIENT).load_verify_locations(
            cafile=str(tmp_path / "missing.pem"))


# ---------------------------------------------------------------- host names


@pytest.fixture(scope="module")
def common_name_only(tmp_path_factory):
    """A CA and a certificate for CN=localhost with no subjectAltName."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command (to make a certificate without SAN) is missing")
    directory = tmp_path_factory.mktemp("cn-only")
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]

    def openssl(*arguments):
        subprocess.run(["openssl", *arguments], cwd=str(directory), check=True,
                       capture_output=True, timeout=60)

    openssl("req", "-x509", *key, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=CN-only CA", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl("req", *key, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=localhost")
    openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "leaf.pem", "-days", "2")
    return directory


@pytest.mark.parametrize("checks_common_name", [True, False])
def test_hostname_checks_common_name_decides_a_certificate_without_san(common_name_only,
                                                                        checks_common_name):
    server = stdlib_ssl.SSLContext(stdlib_ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(str(common_name_only / "leaf.pem"), str(common_name_only / "leaf.key"))
    outcomes = {}
    for side, socket_module, module in (("stdlib", stdlib_socket, stdlib_ssl),
                                        ("cffisock", cffisock, tls)):
        client = module.SSLContext(module.PROTOCOL_TLS_CLIENT)
        client.load_verify_locations(str(common_name_only / "ca.pem"))
        assert client.hostname_checks_common_name is True  # the default
        client.hostname_checks_common_name = checks_common_name
        assert client.hostname_checks_common_name is checks_common_name
        with ThreadedServer(lambda conn: conn.recv(1), server) as threaded:
            raw = socket_module.create_connection(threaded.address, timeout=10)
            try:
                with client.wrap_socket(raw, server_hostname="localhost") as sock:
                    sock.sendall(b"x")
                    outcomes[side] = "verified"
            except stdlib_ssl.SSLCertVerificationError as exc:
                outcomes[side] = exc.verify_code
            finally:
                raw.close()
    assert outcomes["cffisock"] == outcomes["stdlib"]
    assert (outcomes["cffisock"] == "verified") is checks_common_name


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
    env = dict(ENV, SSL_CERT_FILE=cafile)
    with ThreadedServer(echo, server_context("stdlib", server_cert)) as server:
        result = subprocess.run([sys.executable, "-c", SCRIPT, str(server.address[1])],
                                capture_output=True, text=True, env=env, timeout=60,
                                cwd=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("TLSv1.")


def test_without_the_ca_in_the_store_verification_fails(server_cert, tmp_path):
    import trustme

    env = dict(ENV, SSL_CERT_FILE=write_pem(tmp_path, "other.pem", trustme.CA().cert_pem))
    with ThreadedServer(echo, server_context("stdlib", server_cert)) as server:
        result = subprocess.run([sys.executable, "-c", SCRIPT, str(server.address[1])],
                                capture_output=True, text=True, env=env, timeout=60,
                                cwd=str(tmp_path))
    assert result.returncode != 0
    assert "CERTIFICATE_VERIFY_FAILED" in result.stderr
