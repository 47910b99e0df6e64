"""cffisock.tls's module-level names beside the context and the sockets:
the HAS_* flags, OPENSSL_VERSION_INFO, the protocol's enums, the error
numbers, certificates' text forms and times, the default verify paths and
the random generator, each against the running interpreter's ``ssl``."""

import ssl as stdlib_ssl
import sys

import pytest

from cffisock import tls
from support.comparison import ON_PYPY, outcome_and_warnings
from support.tls import ThreadedServer, client_context, connect, server_context

SAME_OPENSSL = tls.OPENSSL_VERSION_NUMBER == stdlib_ssl.OPENSSL_VERSION_NUMBER

#: HAS_* flags that may differ from this stdlib's, and why.
FLAGS_THAT_DIFFER = {
    # Older stdlibs (3.9, PyPy) say True when OpenSSL has NPN; cffisock
    # offers ALPN only.
    "HAS_NPN": False,
}


@pytest.mark.parametrize("name", sorted(name for name in dir(stdlib_ssl)
                                        if name.startswith("HAS_")))
def test_has_flags_say_what_the_stdlib_says(name):
    if name in FLAGS_THAT_DIFFER:
        assert getattr(tls, name) is FLAGS_THAT_DIFFER[name]
    elif not SAME_OPENSSL:
        pytest.skip("this stdlib's ssl links another OpenSSL (%s)" % stdlib_ssl.OPENSSL_VERSION)
    else:
        assert getattr(tls, name) is getattr(stdlib_ssl, name)


def test_openssl_version_info_splits_the_version_number():
    major, minor, fix, patch, status = tls.OPENSSL_VERSION_INFO
    assert tls.OPENSSL_VERSION.startswith("OpenSSL %d.%d.%d" % (major, minor, patch)) or \
        tls.OPENSSL_VERSION.startswith("OpenSSL %d.%d.%d" % (major, minor, fix))
    if SAME_OPENSSL:
        assert tls.OPENSSL_VERSION_INFO == stdlib_ssl.OPENSSL_VERSION_INFO


@pytest.mark.parametrize("name", ["AlertDescription", "SSLErrorNumber", "_TLSContentType",
                                  "_TLSMessageType", "_TLSAlertType"])
def test_enums_have_the_stdlibs_members_in_its_order(name):
    ours, theirs = getattr(tls, name), getattr(stdlib_ssl, name, None)
    if theirs is None:
        pytest.skip("this stdlib's ssl has no %s" % name)
    if ON_PYPY and name == "SSLErrorNumber":
        pytest.skip("PyPy's ssl numbers its errors its own way (SSL_ERROR_NONE, _NO_SOCKET); "
                    "CPython's enum is the reference")
    assert [(member, int(value)) for member, value in ours.__members__.items()] == \
        [(member, int(value)) for member, value in theirs.__members__.items()]
    assert ours.__module__ == "cffisock.tls"


@pytest.mark.parametrize("enum_name", ["AlertDescription", "SSLErrorNumber"])
def test_enum_members_are_module_constants_too(enum_name):
    for member, value in getattr(tls, enum_name).__members__.items():
        assert getattr(tls, member) is value
        assert getattr(tls, member) == getattr(stdlib_ssl, member)


def test_protocol_constants_are_sslmethod_members_as_in_the_stdlib():
    assert repr(tls.PROTOCOL_TLS_CLIENT) == repr(stdlib_ssl.PROTOCOL_TLS_CLIENT)
    assert repr(tls.PROTOCOL_TLS_SERVER) == repr(stdlib_ssl.PROTOCOL_TLS_SERVER)
    assert tls.SSLContext(tls.PROTOCOL_TLS_SERVER).protocol is tls.PROTOCOL_TLS_SERVER
    assert tls._PROTOCOL_NAMES[tls.PROTOCOL_TLS_CLIENT] == "PROTOCOL_TLS_CLIENT"


def test_verify_allow_proxy_certs_is_the_stdlibs_flag():
    if not hasattr(stdlib_ssl, "VERIFY_ALLOW_PROXY_CERTS"):
        pytest.skip("this stdlib's ssl has no VERIFY_ALLOW_PROXY_CERTS (new in 3.10)")
    assert int(tls.VERIFY_ALLOW_PROXY_CERTS) == int(stdlib_ssl.VERIFY_ALLOW_PROXY_CERTS)
    assert list(tls.VerifyFlags.__members__) == list(stdlib_ssl.VerifyFlags.__members__)


def test_der_and_pem_round_trip_as_the_stdlibs(ca):
    ca_der = stdlib_ssl.PEM_cert_to_DER_cert(ca.cert_pem.bytes().decode("ascii"))
    pem = tls.DER_cert_to_PEM_cert(ca_der)
    assert pem == stdlib_ssl.DER_cert_to_PEM_cert(ca_der)
    assert tls.PEM_cert_to_DER_cert(pem) == ca_der
    assert tls.DER_cert_to_PEM_cert(bytearray(ca_der)) == pem
    assert (tls.PEM_HEADER, tls.PEM_FOOTER) == (stdlib_ssl.PEM_HEADER, stdlib_ssl.PEM_FOOTER)


MALFORMED_PEM = ["not a certificate", stdlib_ssl.PEM_HEADER + "\nAAAA\n",
                 "\n" + stdlib_ssl.PEM_HEADER + "\nAAAA\n" + stdlib_ssl.PEM_FOOTER]


@pytest.mark.parametrize("text", MALFORMED_PEM)
def test_malformed_pem_raises_the_stdlibs_error(text):
    with pytest.raises(ValueError) as ours:
        tls.PEM_cert_to_DER_cert(text)
    with pytest.raises(ValueError) as theirs:
        stdlib_ssl.PEM_cert_to_DER_cert(text)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("text", ["May  9 00:00:00 2007 GMT", "Jan  5 09:34:43 2018 GMT",
                                  "JAN  5 09:34:43 2018 GMT", "Dec 31 23:59:60 2008 GMT",
                                  "Jan  5 09:34 2018 GMT", "Jon  5 09:34:43 2018 GMT",
                                  "Jan  5 09:34:43 2018 UTC", "Jan  5 09:34:43 2018"])
def test_cert_time_to_seconds_as_the_stdlibs(text):
    try:
        expected = stdlib_ssl.cert_time_to_seconds(text)
    except ValueError as exc:
        with pytest.raises(ValueError) as ours:
            tls.cert_time_to_seconds(text)
        assert str(ours.value) == str(exc)
    else:
        assert tls.cert_time_to_seconds(text) == expected


def test_default_verify_paths_are_the_stdlibs():
    if not SAME_OPENSSL:
        pytest.skip("this stdlib's ssl links another OpenSSL (%s)" % stdlib_ssl.OPENSSL_VERSION)
    assert tls.get_default_verify_paths() == tuple(stdlib_ssl.get_default_verify_paths())
    assert tls.get_default_verify_paths()._fields == stdlib_ssl.DefaultVerifyPaths._fields


def test_default_verify_paths_follow_the_environment(tmp_path, monkeypatch):
    cafile = tmp_path / "ca.pem"
    cafile.write_text("")
    paths = tls.get_default_verify_paths()
    monkeypatch.setenv(paths.openssl_cafile_env, str(cafile))
    monkeypatch.setenv(paths.openssl_capath_env, str(tmp_path / "missing"))
    moved = tls.get_default_verify_paths()
    assert (moved.cafile, moved.capath) == (str(cafile), None)


def test_random_bytes_are_fresh_and_sized():
    assert tls.RAND_status() is True
    first, second = tls.RAND_bytes(32), tls.RAND_bytes(32)
    assert type(first) is bytes and len(first) == 32 and first != second
    assert tls.RAND_bytes(0) == b""
    tls.RAND_add("text", 1.0)
    tls.RAND_add(bytearray(b"bytes"), 0)


@pytest.mark.parametrize("call", [
    lambda ssl: ssl.RAND_bytes(-1),
    lambda ssl: ssl.RAND_bytes(1.5),
    pytest.param(lambda ssl: ssl.RAND_bytes(-2 ** 40), marks=pytest.mark.skipif(
        ON_PYPY, reason="PyPy's ssl checks the sign before the size (ValueError)")),
    pytest.param(lambda ssl: ssl.RAND_bytes(2 ** 40), marks=pytest.mark.skipif(
        ON_PYPY, reason="PyPy's ssl tries to allocate the 1 TiB (MemoryError)")),
    lambda ssl: ssl.RAND_add(1, 1.0),
    lambda ssl: ssl.RAND_add(b"x", "1.0"),
    lambda ssl: ssl.RAND_add(b"x"),
])
def test_random_functions_refuse_bad_arguments_as_the_stdlib(call):
    with pytest.raises(Exception) as theirs:
        call(stdlib_ssl)
    with pytest.raises(type(theirs.value)):
        call(tls)


@pytest.mark.skipif(ON_PYPY, reason="PyPy's ssl words these messages its own way")
def test_random_errors_have_the_stdlibs_messages():
    with pytest.raises(ValueError, match="^num must be positive$"):
        tls.RAND_bytes(-1)


def test_selected_npn_protocol_is_none_with_the_stdlibs_warning(ca, server_cert):
    context = server_context("cffisock", server_cert)
    with ThreadedServer(lambda conn: conn.version(), context, side="cffisock",
                        connections=2) as threaded:
        with connect("stdlib", client_context("stdlib", ca), threaded.address) as theirs, \
                connect("cffisock", client_context("cffisock", ca), threaded.address) as ours:
            outcomes = []
            for sock in (theirs, ours):
                result, caught = outcome_and_warnings(sock.selected_npn_protocol)
                outcomes.append((result.value, caught))
    assert outcomes[0] == outcomes[1]
    assert outcomes[1][0] is None


def _certificate_of_the_server(module, server_cert, **options):
    context = server_context("stdlib", server_cert)
    with ThreadedServer(lambda conn: None, context, side="stdlib") as threaded:
        return module.get_server_certificate(threaded.address, **options)


def test_get_server_certificate_gives_the_stdlibs_pem(ca, server_cert, tmp_path):
    cafile = tmp_path / "ca.pem"
    cafile.write_bytes(ca.cert_pem.bytes())
    ours = _certificate_of_the_server(tls, server_cert)
    assert ours == _certificate_of_the_server(stdlib_ssl, server_cert)
    assert tls.PEM_cert_to_DER_cert(ours) == stdlib_ssl.PEM_cert_to_DER_cert(
        server_cert.cert_chain_pems[0].bytes().decode("ascii"))
    assert _certificate_of_the_server(tls, server_cert, ca_certs=str(cafile), timeout=10) == ours


def test_get_server_certificate_verifies_against_ca_certs(server_cert, tmp_path):
    import trustme

    other = tmp_path / "other-ca.pem"
    other.write_bytes(trustme.CA().cert_pem.bytes())
    with pytest.raises(tls.SSLCertVerificationError):
        _certificate_of_the_server(tls, server_cert, ca_certs=str(other))


@pytest.mark.parametrize("purpose", ["SERVER_AUTH", "CLIENT_AUTH"])
@pytest.mark.parametrize("options", [{}, {"cert_reqs": "CERT_REQUIRED"},
                                     {"cert_reqs": "CERT_REQUIRED", "check_hostname": True}])
def test_the_stdlib_modules_context_is_the_stdlibs(purpose, options):
    def made(module):
        arguments = {name: getattr(module, value) if isinstance(value, str) else value
                     for name, value in options.items()}
        context = module._create_stdlib_context(purpose=getattr(module.Purpose, purpose),
                                                **arguments)
        return int(context.protocol), context.verify_mode, context.check_hostname

    if sys.version_info < (3, 10):
        # 3.9's (and PyPy's) makes PROTOCOL_TLS contexts; cffisock, 3.10's kinds.
        assert made(tls)[1:] == made(stdlib_ssl)[1:]
    else:
        assert made(tls) == made(stdlib_ssl)
    assert tls._create_unverified_context is tls._create_stdlib_context
    assert tls._create_default_https_context is tls.create_default_context


def test_the_stdlib_modules_context_refuses_what_the_stdlibs_refuses():
    for module in (tls, stdlib_ssl):
        with pytest.raises(ValueError, match="certfile must be specified"):
            module._create_stdlib_context(keyfile="key.pem")
        with pytest.raises(TypeError):
            module._create_stdlib_context(purpose="SERVER_AUTH")


def test_get_protocol_name_names_the_protocols():
    for name in ("PROTOCOL_TLS_CLIENT", "PROTOCOL_TLS_SERVER", "PROTOCOL_TLS"):
        assert tls.get_protocol_name(getattr(tls, name)) == name
    assert tls.get_protocol_name(99) == stdlib_ssl.get_protocol_name(99) == "<unknown>"


def test_the_private_names_the_stdlib_tests_read_are_the_stdlib_s():
    # The cipher list is 3.10+'s on every version (3.9's and PyPy's is weaker).
    if sys.version_info >= (3, 10) and not ON_PYPY:
        assert tls._DEFAULT_CIPHERS == stdlib_ssl._DEFAULT_CIPHERS
    assert tls._DEFAULT_CIPHERS.startswith("@SECLEVEL=2:ECDH+AESGCM:")
    if not SAME_OPENSSL:
        pytest.skip("this stdlib's ssl links another OpenSSL (%s)" % stdlib_ssl.OPENSSL_VERSION)
    assert tls._OPENSSL_API_VERSION[:2] == stdlib_ssl._OPENSSL_API_VERSION[:2]
    assert tls.OPENSSL_VERSION_NUMBER == stdlib_ssl.OPENSSL_VERSION_NUMBER


@pytest.mark.parametrize("protocol, server_side", [("PROTOCOL_TLS_SERVER", False),
                                                   ("PROTOCOL_TLS_CLIENT", True)])
def test_a_connection_of_the_other_side_is_refused_as_this_stdlib_refuses_it(protocol,
                                                                            server_side):
    """3.10+ refuse it at once (SSLError); 3.9 made it, and its handshake
    fails ("called a function you should not call")."""
    outcomes = []
    for module in (stdlib_ssl, tls):
        context = module.SSLContext(getattr(module, protocol))
        context.check_hostname = False
        try:
            obj = context.wrap_bio(module.MemoryBIO(), module.MemoryBIO(),
                                   server_side=server_side)
        except module.SSLError as exc:
            outcomes.append(("refused", exc.args[0], exc.args[1].split(" (_ssl.c")[0],
                             exc.reason, exc.library))
            continue
        try:
            obj.do_handshake()
        except module.SSLError as exc:
            outcomes.append(("SSLError", "called a function you should not call" in str(exc)))
        else:
            outcomes.append(("shook hands",))
    assert outcomes[1] == outcomes[0]
