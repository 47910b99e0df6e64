"""SSLContext settings and what they do on a real connection: the SNI
callback, keylog_filename, post-handshake authentication, verification
flags, version bounds, cipher lists (and get_ciphers' dicts), and the TLS
exception classes that code written for the stdlib's ssl catches.
Everything is on 127.0.0.1, with the stdlib's ``ssl`` as the peer.
"""

import os
import platform
import socket as stdlib_socket
import ssl as stdlib_ssl
import sys
import subprocess
import threading
import warnings

import pytest
import trustme

import cffisock
from cffisock import tls
from support.comparison import Raised, outcome
from support.loopback import recv_exactly
from support.openssl import OPENSSL, requires_openssl_cli
from support.tls import (
    ThreadedServer,
    ca_text,
    client_context,
    connect,
    connect_cffisock,
    default_client_context,
    load_identity,
    server_context,
)


def test_default_client_context_is_secure():
    context = tls.create_default_context()
    assert context.verify_mode == tls.CERT_REQUIRED
    assert context.check_hostname is True
    assert context.minimum_version == tls.TLSVersion.TLSv1_2
    assert context.options & tls.OP_NO_COMPRESSION
    assert context.options & tls.OP_NO_RENEGOTIATION


def test_sni_callback_sees_the_name_and_can_switch_context(ca, server_cert, tmp_path):
    other_cert = ca.issue_cert("other.test")
    first = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    second = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    for context, cert in ((first, server_cert), (second, other_cert)):
        with cert.private_key_and_cert_chain_pem.tempfile() as pem:
            context.load_cert_chain(pem)
    seen = []

    def choose(ssl_socket, server_name, context):
        seen.append((server_name, context is first))
        if server_name == "other.test":
            ssl_socket.context = second

    first.sni_callback = choose
    listener = cffisock.create_server(("127.0.0.1", 0))

    def serve():
        conn, _ = listener.accept()
        conn.settimeout(20)
        with first.wrap_socket(conn, server_side=True) as tls_conn:
            tls_conn.sendall(b"hi")
            tls_conn.recv(1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        client = stdlib_ssl.create_default_context(cadata=ca.cert_pem.bytes().decode())
        with client.wrap_socket(stdlib_socket.create_connection(
                listener.getsockname(), timeout=20), server_hostname="other.test") as sock:
            assert recv_exactly(sock, 2) == b"hi"
            assert ("DNS", "other.test") in sock.getpeercert()["subjectAltName"]
    finally:
        thread.join(20)
        listener.close()
    assert seen == [("other.test", True)]


def test_keylog_filename_records_secrets(ca, echo_server, tmp_path):
    keylog = tmp_path / "keys.log"
    context = default_client_context(ca)
    context.keylog_filename = str(keylog)
    assert context.keylog_filename == str(keylog)
    with connect_cffisock(context, echo_server.address, "localhost") as sock:
        sock.sendall(b"k")
        assert recv_exactly(sock, 1) == b"k"
    lines = keylog.read_text().splitlines()
    assert lines and all(line.split()[0].isupper() for line in lines)


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


@pytest.mark.parametrize("client_curve, handshakes",
                         [("secp384r1", True), ("prime256v1", False)])
def test_set_ecdh_curve_limits_the_key_exchange_to_that_curve(ca, server_cert, client_curve,
                                                              handshakes):
    context = server_context("cffisock", server_cert)
    context.set_ecdh_curve(b"secp384r1")
    client = client_context("stdlib", ca)
    client.set_ecdh_curve(client_curve)
    with ThreadedServer(lambda conn: conn.version(), context, side="cffisock") as threaded:
        if handshakes:
            with connect("stdlib", client, threaded.address) as sock:
                assert sock.version() == "TLSv1.3"
        else:
            with pytest.raises(stdlib_ssl.SSLError):
                connect("stdlib", client, threaded.address).close()


@pytest.mark.parametrize("name, error", [("no-such-curve", ValueError), (None, TypeError),
                                         (1, TypeError), ("prime\0256v1", ValueError)])
def test_set_ecdh_curve_refuses_what_the_stdlib_refuses(name, error):
    with pytest.raises(error) as ours:
        tls.SSLContext(tls.PROTOCOL_TLS_SERVER).set_ecdh_curve(name)
    if platform.python_implementation() == "PyPy":
        return  # PyPy's ssl has types and words of its own here; CPython's are the reference
    with pytest.raises(error) as theirs:
        stdlib_ssl.SSLContext(stdlib_ssl.PROTOCOL_TLS_SERVER).set_ecdh_curve(name)
    assert str(ours.value) == str(theirs.value)


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


@pytest.mark.parametrize("name", [
    "SSLError", "SSLZeroReturnError", "SSLWantReadError", "SSLWantWriteError",
    "SSLSyscallError", "SSLEOFError", "SSLCertVerificationError", "CertificateError",
])
def test_exceptions_are_caught_by_the_stdlib_class_of_the_same_name(name):
    ours = getattr(tls, name)
    assert issubclass(ours, getattr(stdlib_ssl, name))
    assert issubclass(ours, tls.SSLError) and issubclass(ours, OSError)


DEPRECATED_PROTOCOLS = ["PROTOCOL_TLS", "PROTOCOL_SSLv23", "PROTOCOL_TLSv1", "PROTOCOL_TLSv1_1",
                        "PROTOCOL_TLSv1_2"]


def _context_and_warnings(module, name):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        context = module.SSLContext(getattr(module, name))
    return context, [(w.category, str(w.message), w.filename) for w in caught]


@pytest.mark.parametrize("name", DEPRECATED_PROTOCOLS)
def test_deprecated_protocols_make_the_stdlibs_contexts_and_warnings(name):
    ours, our_warnings = _context_and_warnings(tls, name)
    theirs, their_warnings = _context_and_warnings(stdlib_ssl, name)
    assert repr(ours.protocol) == repr(theirs.protocol)
    assert (ours.verify_mode, ours.check_hostname) == (theirs.verify_mode, theirs.check_hostname)
    assert [(category, message) for category, message, _ in our_warnings] == \
        [(category, message) for category, message, _ in their_warnings]
    assert all(filename == __file__ for _, _, filename in our_warnings)
    if name in ("PROTOCOL_TLS", "PROTOCOL_SSLv23"):
        # cffisock keeps its TLS 1.2 floor on every Python version.
        assert ours.minimum_version == tls.TLSVersion.TLSv1_2
    else:
        assert (ours.minimum_version, ours.maximum_version) == \
            (theirs.minimum_version, theirs.maximum_version)


@pytest.mark.parametrize("name", ["PROTOCOL_TLSv1", "PROTOCOL_TLSv1_1", "PROTOCOL_TLSv1_2"])
def test_contexts_pinned_to_one_version_refuse_new_bounds_as_the_stdlib(name):
    messages = {}
    for module in (tls, stdlib_ssl):
        context, _ = _context_and_warnings(module, name)
        for bound, version in (("minimum_version", "TLSv1_2"), ("maximum_version", "TLSv1_3")):
            with pytest.raises(ValueError) as refused:
                setattr(context, bound, getattr(module.TLSVersion, version))
            messages[module, bound] = str(refused.value)
    # CPython's words (PyPy's ssl drops the space after "support").
    assert messages[tls, "minimum_version"] == messages[tls, "maximum_version"] == (
        "The context's protocol doesn't support modification of highest and lowest version.")


def test_a_context_pinned_to_tls12_negotiates_tls12_with_a_tls13_server(ca, server_cert):
    client, _ = _context_and_warnings(tls, "PROTOCOL_TLSv1_2")
    client.load_verify_locations(cadata=ca_text(ca))
    client.verify_mode = tls.CERT_REQUIRED
    with ThreadedServer(lambda conn: conn.version(), server_context("stdlib", server_cert),
                        side="stdlib") as threaded:
        with connect("cffisock", client, threaded.address) as sock:
            assert sock.version() == "TLSv1.2"
    assert threaded.result() == "TLSv1.2"


def test_a_generic_context_serves_and_connects(ca, server_cert):
    server, _ = _context_and_warnings(tls, "PROTOCOL_TLS")
    load_identity(server, server_cert)
    client, _ = _context_and_warnings(tls, "PROTOCOL_TLS")
    with ThreadedServer(lambda conn: conn.version(), server, side="cffisock") as threaded:
        with connect("cffisock", client, threaded.address, server_hostname=None) as sock:
            assert sock.version() == "TLSv1.3"
            assert sock.getpeercert() == {}  # CERT_NONE: not verified


def test_num_tickets_and_security_level_are_the_stdlibs():
    ours = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    theirs = stdlib_ssl.SSLContext(stdlib_ssl.PROTOCOL_TLS_SERVER)
    assert ours.num_tickets == theirs.num_tickets
    if hasattr(theirs, "security_level"):  # the stdlib's from 3.10 on
        assert ours.security_level == theirs.security_level
    ours.num_tickets = 0
    assert ours.num_tickets == 0
    for value, error in ((-1, ValueError), ("2", TypeError), (2 ** 70, OverflowError)):
        with pytest.raises(error):
            ours.num_tickets = value
        if platform.python_implementation() != "PyPy":  # PyPy's ssl checks less
            with pytest.raises(error):
                theirs.num_tickets = value
    with pytest.raises(ValueError, match="not a server context"):
        tls.SSLContext(tls.PROTOCOL_TLS_CLIENT).num_tickets = 1
    with pytest.raises(AttributeError):
        ours.security_level = 1
    assert ours.security_level == 2  # the cipher list's @SECLEVEL=2


def test_a_server_with_no_tickets_sends_none(ca, server_cert):
    context = server_context("cffisock", server_cert)
    context.num_tickets = 0
    with ThreadedServer(lambda conn: conn.sendall(b"x"), context, side="cffisock") as threaded:
        with connect("stdlib", client_context("stdlib", ca), threaded.address) as sock:
            assert sock.recv(1) == b"x"
            assert sock.session is not None and not sock.session.has_ticket


@pytest.mark.parametrize("client_name, seen_name", [("localhost", "localhost"),
                                                    ("bücher.example", "xn--bcher-kva.example")])
def test_set_servername_callback_sees_the_ascii_name_as_the_stdlibs(server_cert, client_name,
                                                                    seen_name):
    seen = {}
    for side, module in (("cffisock", tls), ("stdlib", stdlib_ssl)):
        context = server_context(side, server_cert)

        def record(conn, name, ctx, side=side, context=context):
            seen[side] = (name, ctx is context)

        context.set_servername_callback(record)
        client = stdlib_ssl.SSLContext(stdlib_ssl.PROTOCOL_TLS_CLIENT)
        client.check_hostname, client.verify_mode = False, stdlib_ssl.CERT_NONE
        with ThreadedServer(lambda conn: conn.sendall(b"x"), context, side=side) as threaded:
            with connect("stdlib", client, threaded.address, server_hostname=client_name) as sock:
                assert sock.recv(1) == b"x"
    assert seen["cffisock"] == seen["stdlib"] == (seen_name, True)


def test_set_servername_callback_refuses_what_the_stdlib_refuses():
    for module in (tls, stdlib_ssl):
        context = module.SSLContext(module.PROTOCOL_TLS_SERVER)
        with pytest.raises(TypeError, match="not a callable object"):
            context.set_servername_callback(42)
        context.set_servername_callback(lambda *args: None)
        context.set_servername_callback(None)
        assert context.sni_callback is None


@pytest.mark.parametrize("load", [
    lambda context: context.load_verify_locations(cafile="/etc/ssl/certs\0/ca.pem"),
    lambda context: context.load_verify_locations(capath=b"/etc/ssl\0certs"),
    lambda context: context.load_cert_chain("/etc/ssl/certs\0/cert.pem"),
])
def test_paths_with_a_nul_are_refused_as_the_stdlib(load):
    with pytest.raises(ValueError) as ours:
        load(tls.SSLContext(tls.PROTOCOL_TLS_SERVER))
    if platform.python_implementation() == "PyPy":
        return  # PyPy's ssl cuts the path at the NUL; CPython's is the reference
    with pytest.raises(ValueError) as theirs:
        load(stdlib_ssl.SSLContext(stdlib_ssl.PROTOCOL_TLS_SERVER))
    assert str(ours.value) == str(theirs.value)


# -- Diffie-Hellman parameters and CA data: the stdlib's outcomes ---------------------


def dh_parameters(tmp_path, algorithm):
    path = tmp_path / ("%s.pem" % algorithm)
    subprocess.run([OPENSSL, "genpkey", "-genparam", "-algorithm", algorithm, "-pkeyopt",
                    "group:ffdhe2048", "-out", str(path)], check=True, timeout=60)
    return path


@requires_openssl_cli
@pytest.mark.parametrize("algorithm", ["DH", "DHX"])
def test_loaded_dh_parameters_serve_a_dhe_handshake(ca, tmp_path, algorithm):
    rsa_cert = ca.issue_cert("localhost", key_type=trustme.KeyType.RSA)  # DHE signs with RSA
    server = server_context("cffisock", rsa_cert, version="TLSv1_2")
    server.load_dh_params(dh_parameters(tmp_path, algorithm))
    server.set_ciphers("kEDH")
    client = client_context("cffisock", ca, version="TLSv1_2")
    with ThreadedServer(lambda conn: conn.cipher(), server, side="cffisock") as listener:
        with connect("cffisock", client, listener.address) as conn:
            assert conn.cipher()[0].startswith("DHE-")
    assert listener.result(0)[0].startswith("DHE-")


@requires_openssl_cli
def test_load_dh_params_fails_as_the_stdlib_s(server_cert, tmp_path):
    with server_cert.cert_chain_pems[0].tempfile() as certificate:
        for path in (str(dh_parameters(tmp_path, "DH")), os.fsencode(tmp_path / "DH.pem"),
                     str(tmp_path / "missing.pem"), certificate, None):
            expected = outcome(stdlib_ssl.SSLContext(stdlib_ssl.PROTOCOL_TLS_SERVER)
                               .load_dh_params, path)
            actual = outcome(tls.SSLContext(tls.PROTOCOL_TLS_SERVER).load_dh_params, path)
            assert_same_tls_outcome(expected, actual)


def test_cadata_without_a_certificate_fails_as_the_stdlib_s(ca):
    der = stdlib_ssl.PEM_cert_to_DER_cert(ca.cert_pem.bytes().decode())
    for cadata in ("broken", b"broken", der + b"A", der + der, "x\n" + ca_text(ca) + "\ny"):
        expected = outcome(stdlib_ssl.SSLContext(stdlib_ssl.PROTOCOL_TLS_CLIENT)
                           .load_verify_locations, cadata=cadata)
        actual = outcome(tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
                         .load_verify_locations, cadata=cadata)
        assert_same_tls_outcome(expected, actual)


def assert_same_tls_outcome(expected, actual):
    """The same outcome: for an exception, its class, errno, OpenSSL reason
    and message (but the stdlib's "(_ssl.c:NNNN)" at its end)."""
    assert type(actual) is type(expected), (expected, actual)
    if isinstance(expected, Raised):
        assert (actual.type, actual.errno, actual.failure) == \
            (expected.type, expected.errno, expected.failure)
        assert expected.message.startswith(actual.message), (expected.message, actual.message)
