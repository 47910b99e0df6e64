"""TLS defaults at least as strict as the newest stdlib's, compared field by
field with the running interpreter's ``ssl``.

The four contexts code gets without configuring anything --
``SSLContext(PROTOCOL_TLS_CLIENT)``, ``SSLContext(PROTOCOL_TLS_SERVER)``,
``create_default_context()`` and ``create_default_context(Purpose.
CLIENT_AUTH)`` -- have the stdlib's cipher list (names, in order),
options, verify flags, verify mode, host name checks and version bounds,
except where cffisock is deliberately stricter.  Each such difference is
named below (``DELIBERATE``) and in the README; the test applies exactly
those to the stdlib's values and then wants equality.
"""

import os
import platform
import shutil
import socket as stdlib_socket
import ssl as stdlib_ssl
import subprocess
import sys

import pytest

import cffisock
from cffisock import tls
from support.tls import ThreadedServer, ca_text

#: CPython 3.10+'s PY_SSL_DEFAULT_CIPHER_STRING (Modules/_ssl.c), which
#: cffisock sets on every version.
NEWEST_CIPHERS = ("@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:!aNULL:!eNULL"
                  ":!aDSS:!SHA1:!AESCCM")
OLDER_STDLIB = sys.version_info < (3, 10)  # CPython 3.9 and PyPy 3.9
ON_PYPY = platform.python_implementation() == "PyPy"

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
    server = tls.create_default_context(module.Purpose.CLIENT_AUTH)
    client = tls.create_default_context(module.Purpose.SERVER_AUTH)
    assert (server.protocol, client.protocol) == (tls.PROTOCOL_TLS_SERVER, tls.PROTOCOL_TLS_CLIENT)


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
