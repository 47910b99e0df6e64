"""What a context offers to negotiate beyond the TLS 1.2 cipher list, on
every Python version (3.15's API, within OpenSSL 3.0's means): TLS 1.3
cipher suites (set_ciphersuites), key exchange groups (set_groups, and the
connection's group()), signature algorithms (set_client_sigalgs,
set_server_sigalgs); and 3.14's HAS_PHA."""

import ssl as stdlib_ssl

import pytest
import trustme

import cffisock
from cffisock import tls
from support.comparison import outcome
from support.tls import ThreadedServer, ca_text, connect, load_identity

SETTERS = {
    "set_ciphersuites": ("TLS_AES_256_GCM_SHA384", "XXX", "No cipher suite can be selected."),
    "set_groups": ("secp384r1:x25519", "P-256:foo", "unrecognized group"),
    "set_client_sigalgs": ("rsa_pss_rsae_sha256", "rsa_pss_rsae_sha256:foo",
                           "unrecognized signature algorithm"),
    "set_server_sigalgs": ("rsa_pss_rsae_sha256", "rsa_pss_rsae_sha256:foo",
                           "unrecognized signature algorithm"),
}


@pytest.mark.parametrize("name", sorted(SETTERS))
def test_a_setter_takes_a_list_and_refuses_an_unknown_name_with_the_stdlib_s_words(name):
    good, bad, message = SETTERS[name]
    setter = getattr(tls.SSLContext(tls.PROTOCOL_TLS_CLIENT), name)
    assert setter(good) is None
    refused = outcome(setter, bad)
    assert refused[:2] == ("raised", "SSLError") and refused.args == (0, message)
    assert (refused.failure[1], getattr(refused, "library", None)) == (None, None)
    with pytest.raises(TypeError, match=r"^%s\(\) argument must be str, not bytes$" % name):
        setter(good.encode())
    with pytest.raises(ValueError, match="embedded null character"):
        setter(good + "\0")
    with pytest.raises(TypeError):
        setter(sigalgslist=good)  # positional only, as the stdlib's


def rsa_server(ca):
    context = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    load_identity(context, ca.issue_cert("localhost", key_type=trustme.KeyType.RSA))
    return context


def client_of(ca, version="TLSv1_3"):
    context = tls.create_default_context(cadata=ca_text(ca))
    member = getattr(tls.TLSVersion, version)
    context.minimum_version = context.maximum_version = member
    return context


def handshake(server, client):
    """``(what the client saw, what the server saw)``: cipher name and group."""
    def seen(conn):
        return conn.cipher()[0], conn.group()
    with ThreadedServer(seen, server, side="cffisock") as listener:
        with connect("cffisock", client, listener.address) as sock:
            ours = seen(sock)
    return ours, listener.result()


@pytest.mark.parametrize("version", ["TLSv1_2", "TLSv1_3"])
@pytest.mark.parametrize("group", ["secp384r1", "x25519", "secp256r1"])
def test_both_ends_report_the_group_the_server_chose(ca, group, version):
    server = rsa_server(ca)
    server.set_groups(group)
    (_, client_group), (_, server_group) = handshake(server, client_of(ca, version))
    assert client_group == server_group == group


def test_no_group_in_common_fails_the_handshake(ca):
    server, client = rsa_server(ca), client_of(ca)
    server.set_groups("secp384r1")
    client.set_groups("secp256r1")
    with pytest.raises(tls.SSLError):
        handshake(server, client)


def test_group_is_none_before_the_handshake_and_on_an_unconnected_socket(ca):
    client = client_of(ca)
    assert client.wrap_bio(tls.MemoryBIO(), tls.MemoryBIO(),
                           server_hostname="localhost").group() is None
    with client.wrap_socket(cffisock.socket(), server_hostname="localhost") as sock:
        assert sock.group() is None


@pytest.mark.parametrize("suite", ["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"])
def test_the_tls13_suite_is_one_of_the_set(ca, suite):
    server = rsa_server(ca)
    server.set_ciphersuites(suite)
    (client_cipher, _), (server_cipher, _) = handshake(server, client_of(ca))
    assert client_cipher == server_cipher == suite


def test_server_sigalgs_the_client_accepts_decide_the_handshake(ca):
    client = client_of(ca)
    client.set_server_sigalgs("rsa_pss_rsae_sha384")  # what the client accepts
    handshake(rsa_server(ca), client)
    client.set_server_sigalgs("ecdsa_secp256r1_sha256")  # not the RSA server's
    with pytest.raises(tls.SSLError):
        handshake(rsa_server(ca), client)


def test_client_sigalgs_the_server_accepts_decide_client_authentication(ca):
    server = rsa_server(ca)
    server.load_verify_locations(cadata=ca_text(ca))
    server.verify_mode = tls.CERT_REQUIRED
    client = client_of(ca)
    load_identity(client, ca.issue_cert("client.test", key_type=trustme.KeyType.RSA))
    server.set_client_sigalgs("rsa_pss_rsae_sha256")
    handshake(server, client)
    server.set_client_sigalgs("ecdsa_secp256r1_sha256")  # not the RSA client's
    with pytest.raises((tls.SSLError, ConnectionResetError, BrokenPipeError)):
        handshake(server, client)


def test_has_pha_says_what_the_stdlib_says():
    """3.14's flag (on older stdlibs: TLS 1.3 there, which has PHA in
    OpenSSL)."""
    if stdlib_ssl.OPENSSL_VERSION_NUMBER != tls.OPENSSL_VERSION_NUMBER:
        pytest.skip("this stdlib's ssl links another OpenSSL (%s)" % stdlib_ssl.OPENSSL_VERSION)
    assert tls.HAS_PHA is getattr(stdlib_ssl, "HAS_PHA", stdlib_ssl.HAS_TLSv1_3)


needs_3_5 = pytest.mark.skipif(not tls.HAS_GET_GROUPS,
                               reason="%s: the listings need OpenSSL 3.5" % tls.OPENSSL_VERSION)
lacks_3_5 = pytest.mark.skipif(tls.HAS_GET_GROUPS, reason="this OpenSSL has them (3.5+)")


def test_the_flags_follow_the_openssl_version_of_the_build():
    assert tls.HAS_GET_SIGALGS is (tls._OPENSSL_API_VERSION >= (3, 4))
    assert tls.HAS_GET_GROUPS is tls.HAS_SELECTED_SIGALGS is (tls._OPENSSL_API_VERSION >= (3, 5))


@lacks_3_5
def test_what_needs_a_newer_openssl_raises_not_implemented_as_the_stdlib_s():
    """get_groups (OpenSSL 3.5), get_sigalgs (3.4), client_sigalg and
    server_sigalg (3.5): NotImplementedError; the getters of a socket not
    connected yet answer None first."""
    context = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
    with pytest.raises(NotImplementedError):
        context.get_groups()
    if not tls.HAS_GET_SIGALGS:
        with pytest.raises(NotImplementedError):
            tls.get_sigalgs()
    bio = context.wrap_bio(tls.MemoryBIO(), tls.MemoryBIO(), server_hostname="localhost")
    for getter in (bio.client_sigalg, bio.server_sigalg):
        with pytest.raises(NotImplementedError):
            getter()
    with context.wrap_socket(cffisock.socket(), server_hostname="localhost") as sock:
        assert (sock.client_sigalg(), sock.server_sigalg()) == (None, None)


@needs_3_5
def test_the_listings_and_the_selected_sigalgs(ca):
    context = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
    assert "secp256r1" in context.get_groups()
    assert "P-256" in context.get_groups(include_aliases=True)
    assert "rsa_pss_rsae_sha256" in tls.get_sigalgs()
    server = rsa_server(ca)
    server.set_server_sigalgs("rsa_pss_rsae_sha384")
    with ThreadedServer(lambda conn: (conn.server_sigalg(), conn.client_sigalg()), server,
                        side="cffisock") as listener:
        with connect("cffisock", client_of(ca), listener.address) as sock:
            seen = (sock.server_sigalg(), sock.client_sigalg())
    assert seen == listener.result() == ("rsa_pss_rsae_sha384", None)
