"""A cffisock.tls context passes the stdlib's type check,
``isinstance(context, ssl.SSLContext)`` (asyncio's start_tls and
create_server, trustme), once the program has imported ``ssl``, while its
type stays cffisock's; and no stdlib code can act on it silently: every
public member of ``ssl.SSLContext`` is cffisock's own, and the stdlib's,
called on a cffisock context, refuse it or, the two written in Python over
public methods, act through cffisock's."""

import asyncio
import inspect
import ssl as stdlib_ssl
import sys
import warnings

import pytest
import trustme

from cffisock import tls
from support.comparison import outcome
from support.tls import ca_text, load_identity

#: Arguments for calling a stdlib member (the context comes first).
ARGUMENTS = {
    "load_cert_chain": ("cert.pem",), "load_dh_params": ("dh.pem",),
    "load_verify_locations": ("ca.pem",), "set_alpn_protocols": (["h2"],),
    "set_ciphers": ("DEFAULT",), "set_ecdh_curve": ("prime256v1",),
    "set_npn_protocols": (["h2"],), "set_servername_callback": (None,),
    "wrap_bio": (tls.MemoryBIO(), tls.MemoryBIO()),
    "set_psk_client_callback": (None,), "set_psk_server_callback": (None,),
}
#: Stdlib methods written in Python over public methods: on a cffisock
#: context they run cffisock's (the same effect as its own method).
THROUGH_CFFISOCK = {
    "load_default_certs": "calls set_default_verify_paths()",
    "set_servername_callback": "sets sni_callback",
}


def public_members(classes=True):
    """The public names of ssl.SSLContext (with or without the class
    attributes sslsocket_class and sslobject_class)."""
    return sorted(name for name in dir(stdlib_ssl.SSLContext) if not name.startswith("_")
                  and (classes or not isinstance(getattr(stdlib_ssl.SSLContext, name), type)))


def test_a_context_passes_the_stdlib_s_type_check_and_keeps_its_type():
    context = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
    assert isinstance(context, stdlib_ssl.SSLContext)
    assert type(context) is tls.SSLContext and isinstance(context, tls.SSLContext)
    assert not isinstance(stdlib_ssl.SSLContext(stdlib_ssl.PROTOCOL_TLS_CLIENT), tls.SSLContext)


@pytest.mark.parametrize("name", public_members())
def test_every_public_member_of_the_stdlib_context_is_cffisock_s(name):
    context = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    assert hasattr(context, name)
    ours = inspect.getattr_static(context, name)
    theirs = inspect.getattr_static(stdlib_ssl.SSLContext, name)
    assert ours is not theirs
    if isinstance(theirs, type):  # sslsocket_class, sslobject_class
        assert ours.__module__ == "cffisock.tls"


@pytest.mark.parametrize("name", public_members(classes=False))
def test_no_stdlib_member_acts_on_a_cffisock_context(name):
    context = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    theirs = inspect.getattr_static(stdlib_ssl.SSLContext, name)
    if hasattr(theirs, "__set__"):  # a property: read and write both refused
        value = getattr(context, name)
        with pytest.raises((TypeError, AttributeError)):
            theirs.__get__(context, stdlib_ssl.SSLContext)
        with pytest.raises((TypeError, AttributeError)):
            theirs.__set__(context, value)
        assert getattr(context, name) == value
        return
    method = getattr(stdlib_ssl.SSLContext, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # set_npn_protocols
        result = outcome(method, context, *ARGUMENTS.get(name, ()))
    if name in THROUGH_CFFISOCK:
        control = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
        assert result[0] == outcome(getattr(control, name), *ARGUMENTS.get(name, ()))[0]
    else:
        assert result[0] == "raised", result


def test_trustme_configures_a_cffisock_context():
    ca = trustme.CA()
    server = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    client = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
    ca.issue_cert("localhost").configure_cert(server)
    ca.configure_trust(client)
    assert client.cert_store_stats()["x509_ca"] == 1


def test_asyncio_starts_tls_on_a_stream_with_cffisock_contexts(ca, server_cert):
    """StreamWriter.start_tls (loop.start_tls) checks
    isinstance(context, ssl.SSLContext), then drives it with the stdlib's
    MemoryBIOs."""
    server_context = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    load_identity(server_context, server_cert)
    client_context = tls.create_default_context(cadata=ca_text(ca))

    async def main():
        async def serve(reader, writer):
            await writer.start_tls(server_context)
            writer.write((await reader.readline()).upper())
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        async with server:
            reader, writer = await asyncio.open_connection(*server.sockets[0].getsockname())
            await writer.start_tls(client_context, server_hostname="localhost")
            writer.write(b"over tls\n")
            line = await asyncio.wait_for(reader.readline(), 10)
            version = writer.get_extra_info("ssl_object").version()
            writer.close()
            return line, version

    if sys.version_info < (3, 11):
        pytest.skip("StreamWriter.start_tls is Python 3.11's")
    line, version = asyncio.run(main())
    assert line == b"OVER TLS\n" and version == "TLSv1.3"
