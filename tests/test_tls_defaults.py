"""TLS defaults at least as strict as the newest stdlib's, compared field by
field with the running interpreter's ``ssl``, and secure where it counts.

The four contexts code gets without configuring anything --
``SSLContext(PROTOCOL_TLS_CLIENT)``, ``SSLContext(PROTOCOL_TLS_SERVER)``,
``create_default_context()`` and ``create_default_context(Purpose.
CLIENT_AUTH)`` -- have the stdlib's cipher list (names, in order),
options, verify flags, verify mode, host name checks and version bounds,
except where cffisock is deliberately stricter.  Each such difference is
named below (``DELIBERATE``) and in the README; the test applies exactly
those to the stdlib's values and then wants equality.

Secure defaults: a client context from ``create_default_context()`` verifies
the chain and the host name, refuses anything below TLS 1.2 (a TLS 1.1
server is refused in the handshake), and has compression and renegotiation
off -- an ``openssl s_server`` that asks for a renegotiation in the middle
of a TLS 1.2 connection gets a no_renegotiation alert and the connection
ends with an SSLError (the same peer renegotiates with a context that allows
it, which shows the peer really asked).
"""

import os
import socket as stdlib_socket
import ssl as stdlib_ssl
import subprocess
import sys
import time
import warnings

import pytest

import cffisock
from cffisock import tls
from support.comparison import ON_PYPY
from support.loopback import free_port, recv_exactly
from support.openssl import OPENSSL, requires_openssl_cli, stop, wait_for_output
from support.tls import (
    ThreadedServer,
    ca_text,
    client_context,
    connect,
    read_until_eof,
    server_context,
    write_pem,
)


#: CPython 3.10+'s PY_SSL_DEFAULT_CIPHER_STRING (Modules/_ssl.c), which
#: cffisock sets on every version.
NEWEST_CIPHERS = ("@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:!aNULL:!eNULL"
                  ":!aDSS:!SHA1:!AESCCM")
OLDER_STDLIB = sys.version_info < (3, 10)  # CPython 3.9 and PyPy 3.9

CONTEXTS = {
    "SSLContext(PROTOCOL_TLS_CLIENT)": lambda ssl: ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT),
    "SSLContext(PROTOCOL_TLS_SERVER)": lambda ssl: ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER),
    "create_default_context()": lambda ssl: ssl.create_default_context(),
    "create_default_context(Purpose.CLIENT_AUTH)":
        lambda ssl: ssl.create_default_context(ssl.Purpose.CLIENT_AUTH),
}


def settings(context):
    return {
        "ciphers": [cipher["name"] for cipher in context.get_ciphers()],
        "options": int(context.options),
        "verify_flags": int(context.verify_flags),
        "verify_mode": int(context.verify_mode),
        "check_hostname": context.check_hostname,
        "hostname_checks_common_name": context.hostname_checks_common_name,
        "minimum_version": int(context.minimum_version),
        "maximum_version": int(context.maximum_version),
    }


def _newest_ciphers():
    context = stdlib_ssl.SSLContext(stdlib_ssl.PROTOCOL_TLS_CLIENT)
    context.set_ciphers(NEWEST_CIPHERS)
    return [cipher["name"] for cipher in context.get_ciphers()]


def deliberate(name, expected):
    """The stdlib's settings ``expected`` of context ``name`` with what
    cffisock does on purpose instead: each difference, and why."""
    # Renegotiation off on every context: a TLS 1.2 renegotiation is a
    # denial-of-service lever and an attack surface (README, TLS security).
    expected["options"] |= tls.OP_NO_RENEGOTIATION
    if OLDER_STDLIB:
        # Newer stdlib behaviours that are security fixes, applied on every
        # version: 3.10's cipher list (forward secrecy, no SHA-1 MACs, no
        # PSK/SRP/static RSA), TLS 1.2 as the floor, and a truncated stream
        # reported as such (3.9 sets OP_IGNORE_UNEXPECTED_EOF, which reads
        # a cut-off connection as a clean close).
        expected["ciphers"] = _newest_ciphers()
        expected["minimum_version"] = int(tls.TLSVersion.TLSv1_2)
        expected["options"] &= ~tls.OP_IGNORE_UNEXPECTED_EOF
    if name.startswith("create_default_context") and sys.version_info < (3, 13):
        # 3.13's strict chain checks (gh-107361), on every version.
        expected["verify_flags"] |= tls.VERIFY_X509_STRICT | tls.VERIFY_X509_PARTIAL_CHAIN
    return expected


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_a_default_context_is_the_stdlibs_but_where_deliberately_stricter(name):
    ours = settings(CONTEXTS[name](tls))
    assert ours == deliberate(name, settings(CONTEXTS[name](stdlib_ssl)))


@pytest.mark.skipif(sys.version_info < (3, 10), reason=(
    "the stdlib's defaults before 3.10 are not the newest: the comparison above "
    "covers this interpreter"))
def test_on_a_newer_stdlib_only_renegotiation_and_the_strict_chain_flags_differ():
    for name, make in CONTEXTS.items():
        ours, theirs = settings(make(tls)), settings(make(stdlib_ssl))
        differing = {key for key in ours if ours[key] != theirs[key]}
        allowed = {"options"} | (
            {"verify_flags"} if name.startswith("create_default_context")
            and sys.version_info < (3, 13) else set())
        assert differing <= allowed, name
        assert ours["options"] ^ theirs["options"] == tls.OP_NO_RENEGOTIATION


def test_the_default_cipher_list_has_no_weak_suites():
    names = settings(tls.SSLContext(tls.PROTOCOL_TLS_CLIENT))["ciphers"]
    assert names == _newest_ciphers()
    # No PSK, SRP or NULL suites, no SHA-1 MACs ("...-SHA"), no static-RSA
    # key exchange (names that start with the cipher).
    assert not [name for name in names
                if any(weak in name for weak in ("PSK", "SRP", "NULL")) or name.endswith("-SHA")
                or name.startswith(("AES", "CAMELLIA", "DES", "ARIA", "SEED"))]


def test_op_all_has_the_stdlibs_value():
    assert int(tls.OP_ALL) == int(stdlib_ssl.OP_ALL)
    assert int(tls.Options.OP_ALL) == int(stdlib_ssl.Options.OP_ALL)


# ---------------------------------------------------------------- Purpose


def test_purpose_members_are_the_stdlibs():
    for name in ("SERVER_AUTH", "CLIENT_AUTH"):
        ours, theirs = getattr(tls.Purpose, name), getattr(stdlib_ssl.Purpose, name)
        assert tuple(ours) == tuple(theirs)
        assert (ours.nid, ours.shortname, ours.longname, ours.oid) == tuple(theirs)
        assert str(ours) == str(theirs).replace("ssl.", "")  # "Purpose.SERVER_AUTH"


#: PyPy's ssl._ASN1Object checks no argument type and no NUL (CPython's, the
#: reference, raise; the CPython environments compare these).
PYPY_TAKES_ANYTHING = pytest.mark.skipif(
    ON_PYPY, reason="PyPy's _ASN1Object takes bytes and NULs, which CPython refuses: "
                    "compared on the CPython environments")


@pytest.mark.parametrize("call", [
    ("__new__", "1.3.6.1.5.5.7.3.1"), ("__new__", "1.2.3"), ("__new__", "serverAuth"),
    pytest.param(("__new__", b"1.2"), marks=PYPY_TAKES_ANYTHING),
    pytest.param(("__new__", "1.2\0"), marks=PYPY_TAKES_ANYTHING),
    ("fromnid", 129), ("fromnid", 0), ("fromnid", -1), ("fromnid", 100000),
    ("fromname", "serverAuth"), ("fromname", "TLS Web Client Authentication"),
    ("fromname", "1.3.6.1.5.5.7.3.2"), ("fromname", "no such object"),
], ids=repr)
def test_asn1_objects_are_looked_up_like_the_stdlibs(call):
    outcomes = []
    for module in (tls, stdlib_ssl):
        method, argument = call
        try:
            if method == "__new__":
                value = module._ASN1Object(argument)
            else:
                value = getattr(module._ASN1Object, method)(argument)
            outcomes.append(("returned", tuple(value)))
        except Exception as exc:
            outcomes.append(("raised", type(exc), str(exc)))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("module", [tls, stdlib_ssl], ids=["cffisock", "stdlib"])
def test_create_default_context_takes_either_modules_purpose(module):
    """The context each purpose gives is of the kind this Python's stdlib
    gives (3.10+: a server and a client context; 3.9: PROTOCOL_TLS, set up
    to verify servers for SERVER_AUTH)."""
    for purpose in ("CLIENT_AUTH", "SERVER_AUTH"):
        ours = tls.create_default_context(getattr(module.Purpose, purpose))
        theirs = stdlib_ssl.create_default_context(getattr(stdlib_ssl.Purpose, purpose))
        assert (ours.protocol.name, int(ours.verify_mode), ours.check_hostname) == \
            (theirs.protocol.name, int(theirs.verify_mode), theirs.check_hostname)


@pytest.mark.parametrize("purpose", ["x", None, ("a", "b", "c", "d"), 1],
                         ids=["str", "None", "tuple", "int"])
def test_a_purpose_that_is_no_asn1_object_is_a_type_error(purpose):
    for module in (tls, stdlib_ssl):
        with pytest.raises(TypeError):
            module.create_default_context(purpose)
        with pytest.raises(TypeError):
            module.SSLContext(module.PROTOCOL_TLS_CLIENT).load_default_certs(purpose)


def test_another_asn1_object_is_a_value_error():
    """As 3.10+'s stdlib, on every version: 3.9's (and PyPy's) gives a
    context that verifies nothing for a purpose it does not know."""
    with pytest.raises(ValueError):
        tls.create_default_context(tls._ASN1Object("1.3.6.1.5.5.7.3.3"))
    if not OLDER_STDLIB:
        with pytest.raises(ValueError):
            stdlib_ssl.create_default_context(stdlib_ssl._ASN1Object("1.3.6.1.5.5.7.3.3"))


def test_a_client_auth_context_serves_and_asks_for_no_certificate(ca, server_cert, background):
    """create_default_context(Purpose.CLIENT_AUTH) gives a server context
    (it gave a client context, which cannot serve)."""
    context = tls.create_default_context(tls.Purpose.CLIENT_AUTH)
    with server_cert.private_key_and_cert_chain_pem.tempfile() as path:
        context.load_cert_chain(path)
    with cffisock.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(10)

        def serve():
            accepted, _ = listener.accept()
            accepted.settimeout(10)
            with context.wrap_socket(accepted, server_side=True) as served:
                served.sendall(b"served")
                return served.getpeercert()

        call = background(serve)
        client = stdlib_ssl.create_default_context(cadata=ca_text(ca))
        raw = stdlib_socket.create_connection(listener.getsockname(), timeout=10)
        with client.wrap_socket(raw, server_hostname="localhost") as sock:
            assert sock.recv(6) == b"served"
        assert call.result() is None  # no client certificate asked for


def test_create_default_context_writes_keys_where_sslkeylogfile_says(tmp_path):
    """As the stdlib's, unless Python runs with -E (PyPy's ssl has no
    keylog_filename: cffisock's is checked alone there)."""
    script = ("from cffisock import tls; import ssl; "
              "print(tls.create_default_context().keylog_filename, "
              "getattr(ssl.create_default_context(), 'keylog_filename', 'absent'))")
    keylog = str(tmp_path / "keys.log")
    env = dict(os.environ, SSLKEYLOGFILE=keylog)
    for flags, expected in (([], keylog), (["-E"], "None")):
        result = subprocess.run([sys.executable, *flags, "-c", script], capture_output=True,
                                text=True, env=env, timeout=60, cwd=str(tmp_path))
        assert result.returncode == 0, result.stderr
        ours, theirs = result.stdout.split()
        assert ours == expected
        assert theirs == (expected if not ON_PYPY else "absent")


# ---------------------------------------------------------------- stream sockets only


@pytest.mark.parametrize("family", ["AF_INET", "AF_UNIX"])
def test_wrapping_a_datagram_socket_is_refused_as_the_stdlib_refuses_it(family):
    raised = []
    for socket_module, module in ((stdlib_socket, stdlib_ssl), (cffisock, tls)):
        with socket_module.socket(getattr(socket_module, family),
                                  socket_module.SOCK_DGRAM) as sock:
            with pytest.raises(NotImplementedError) as info:
                module.SSLContext(module.PROTOCOL_TLS_CLIENT).wrap_socket(
                    sock, server_hostname="localhost")
            assert sock.fileno() != -1  # refused before it took the socket over
            raised.append(str(info.value))
    assert raised[0] == raised[1] == "only stream sockets are supported"


def test_the_platform_is_what_the_comparison_assumes():
    """The version rule above keys on the interpreter's version: PyPy's ssl
    follows CPython 3.9's defaults, as its version says."""
    assert OLDER_STDLIB or not ON_PYPY


#: Every hostile exchange must end well within this (the socket timeout).
TIMEOUT = 5


# ---------------------------------------------------------------- defaults


# (The client defaults' values: test_tls_context.py, test_default_client_context_is_secure.)


def test_verification_is_not_dropped_silently_and_servers_refuse_old_versions():
    context = tls.create_default_context()
    assert context.options & tls.OP_NO_SSLv3
    # Turning verification off takes turning host name checks off first.
    with pytest.raises(ValueError):
        context.verify_mode = tls.CERT_NONE
    assert context.verify_mode == tls.CERT_REQUIRED
    # A client SSLObject that checks host names needs one.
    with pytest.raises(ValueError, match="server_hostname"):
        context.wrap_bio(tls.MemoryBIO(), tls.MemoryBIO())
    server = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    assert server.minimum_version == tls.TLSVersion.TLSv1_2
    assert server.options & tls.OP_NO_RENEGOTIATION


def test_a_tls_1_1_server_is_refused_by_the_default_client(ca, server_cert, fd_leak_check):
    old = server_context("stdlib", server_cert)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TLS 1.1 is, indeed
        old.minimum_version = old.maximum_version = stdlib_ssl.TLSVersion.TLSv1_1
    old.set_ciphers("ALL:@SECLEVEL=0")  # OpenSSL 3 needs level 0 for TLS 1.1
    with ThreadedServer(lambda conn: None, old) as server:
        with pytest.raises(tls.SSLError) as info:
            connect("cffisock", client_context("cffisock", ca), server.address)
    assert info.value.reason in ("UNSUPPORTED_PROTOCOL", "TLSV1_ALERT_PROTOCOL_VERSION",
                                 "NO_PROTOCOLS_AVAILABLE"), info.value


def test_a_connection_uses_no_compression(ca, server_cert, fd_leak_check):
    with ThreadedServer(read_until_eof, server_context("stdlib", server_cert)) as server:
        with connect("cffisock", client_context("cffisock", ca), server.address) as sock:
            assert sock.compression() is None
            assert sock.version() in ("TLSv1.2", "TLSv1.3")


# ---------------------------------------------------------------- renegotiation


def renegotiation_outcome(context, pem, reply):
    """Connect to ``openssl s_server -tls1_2`` with ``context`` and let the
    server ask for a renegotiation ('R' on its standard input: with a
    request for a client certificate, so that a refusal ends the
    connection); then send it a line and read the next one, which the
    server sends only if ``reply``.  Return what happened, and how many
    renegotiations the client made."""
    for _ in range(5):
        port = free_port()
        server = subprocess.Popen(
            [OPENSSL, "s_server", "-accept", "127.0.0.1:%d" % port, "-cert", pem,
             "-key", pem, "-tls1_2", "-naccept", "1"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            if not wait_for_output(server, b"ACCEPT"):
                continue
            with connect("cffisock", context, ("127.0.0.1", port), timeout=TIMEOUT) as sock:
                assert sock.version() == "TLSv1.2"
                server.stdin.write(b"R\n")  # SSL_renegotiate: a HelloRequest
                server.stdin.flush()
                try:
                    sock.sendall(b"after\n")
                    assert wait_for_output(server, b"after")
                    if reply:
                        server.stdin.write(b"reply\n")
                        server.stdin.flush()
                    # The client's read meets the HelloRequest.
                    received = recv_exactly(sock, 6)
                except tls.SSLError as exc:
                    return ("raised", type(exc), exc.reason)
                return ("returned", received, context.session_stats()["connect_renegotiate"])
        finally:
            stop(server)
    pytest.fail("openssl s_server did not start on 127.0.0.1")


@requires_openssl_cli
def test_a_server_requested_renegotiation_is_refused(ca, server_cert, tmp_path, fd_leak_check):
    pem = write_pem(tmp_path, "server.pem", server_cert.private_key_and_cert_chain_pem)
    # The client answers the HelloRequest with a no_renegotiation alert; the
    # server gives up with a handshake_failure alert: an SSLError, at once.
    start = time.monotonic()
    refused = renegotiation_outcome(client_context("cffisock", ca), pem, reply=False)
    assert refused == ("raised", tls.SSLError, "SSLV3_ALERT_HANDSHAKE_FAILURE")
    assert time.monotonic() - start < TIMEOUT
    # The control: allowed, the same peer renegotiates and goes on talking.
    allowing = client_context("cffisock", ca)
    allowing.options &= ~tls.OP_NO_RENEGOTIATION
    assert renegotiation_outcome(allowing, pem, reply=True) == ("returned", b"reply\n", 1)
