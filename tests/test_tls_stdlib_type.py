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


#: Public names of PyPy's ssl.SSLContext that belong to its implementation
#: (its C-level slots and helpers), not to the ssl API.
IMPLEMENTATION_DETAILS = {"alpn_protocols", "ctx", "set_hostname",
                          "set_min_max_proto_version"}


@pytest.mark.parametrize("name", sorted(set(public_members()) - IMPLEMENTATION_DETAILS))
def test_every_public_member_of_the_stdlib_context_is_cffisock_s(name):
    context = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    assert hasattr(context, name)
    ours = inspect.getattr_static(context, name)
    theirs = inspect.getattr_static(stdlib_ssl.SSLContext, name)
    assert ours is not theirs
    if isinstance(theirs, type):  # sslsocket_class, sslobject_class
        assert ours.__module__ == "cffisock.tls"


def state(context):
    """What a context does: its settings, as its own properties report them,
    and the attributes cffisock's code keeps."""
    settings = {name: getattr(context, name) for name in (
        "check_hostname", "verify_mode", "verify_flags", "options", "minimum_version",
        "maximum_version", "post_handshake_auth", "hostname_checks_common_name",
        "keylog_filename", "sni_callback", "num_tickets", "protocol")}
    return settings, {name: value for name, value in vars(context).items()
                      if name in OWN_ATTRIBUTES}


OWN_ATTRIBUTES = set(vars(tls.SSLContext(tls.PROTOCOL_TLS_SERVER)))


@pytest.mark.parametrize("name", public_members(classes=False))
def test_no_stdlib_member_acts_on_a_cffisock_context(name):
    """Each stdlib member, called on a cffisock context (a property read and
    written with a changed value), raises, or leaves the context as it was
    (PyPy's ssl is Python: a setter may store an attribute of its own, which
    no cffisock code reads), or, for the methods written over public ones,
    acts through cffisock's own."""
    context = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    before = state(context)
    theirs = inspect.getattr_static(stdlib_ssl.SSLContext, name)
    if hasattr(theirs, "__set__"):  # a property or slot
        outcome(theirs.__get__, context, stdlib_ssl.SSLContext)
        value = getattr(context, name, None)
        changed = outcome(theirs.__set__, context,
                          (not value) if isinstance(value, bool) else value)
        assert changed[0] == "raised" or state(context) == before, changed
        return
    method = getattr(stdlib_ssl.SSLContext, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # set_npn_protocols
        result = outcome(method, context, *ARGUMENTS.get(name, ()))
    if name in THROUGH_CFFISOCK:
        control = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
        assert result[0] == outcome(getattr(control, name), *ARGUMENTS.get(name, ()))[0]
    else:
        assert result[0] == "raised" or state(context) == before, result


def test_trustme_configures_a_cffisock_context():
    ca = trustme.CA()
    server = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    client = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
    ca.issue_cert("localhost").configure_cert(server)
    ca.configure_trust(client)
    assert client.cert_store_stats()["x509_ca"] == 1


def test_asyncio_starts_tls_with_cffisock_contexts(ca, server_cert):
    """loop.start_tls (under StreamWriter.start_tls and create_server's
    upgrades) checks isinstance(context, ssl.SSLContext), then drives the
    context with the stdlib's MemoryBIOs: on both ends here."""
    server_context = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    load_identity(server_context, server_cert)
    client_context = tls.create_default_context(cadata=ca_text(ca))

    class Upper(asyncio.Protocol):
        """A STARTTLS server: to b"STARTTLS" it answers b"GO" and upgrades
        the connection, then answers each chunk in capitals."""

        def connection_made(self, transport):
            self.transport, self.upgrade = transport, None

        def data_received(self, data):
            if self.upgrade is None:
                assert data == b"STARTTLS"
                self.transport.write(b"GO")
                loop = asyncio.get_running_loop()
                self.upgrade = loop.create_task(
                    loop.start_tls(self.transport, self, server_context, server_side=True))
            else:  # (the TLS transport: start_tls may deliver data before it returns)
                asyncio.get_running_loop().create_task(self.reply(data))

        async def reply(self, data):
            (await self.upgrade).write(data.upper())

    class Client(asyncio.Protocol):
        def __init__(self):
            self.answers = asyncio.Queue()

        def data_received(self, data):
            self.answers.put_nowait(data)

    async def main():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Upper, "127.0.0.1", 0)
        async with server:
            transport, client = await loop.create_connection(
                Client, *server.sockets[0].getsockname())
            transport.write(b"STARTTLS")
            assert await asyncio.wait_for(client.answers.get(), 10) == b"GO"
            secure = await asyncio.wait_for(loop.start_tls(
                transport, client, client_context, server_hostname="localhost"), 10)
            secure.write(b"over tls")
            answer = await asyncio.wait_for(client.answers.get(), 10)
            version = secure.get_extra_info("ssl_object").version()
            secure.close()
            return answer, version

    assert asyncio.run(main()) == (b"OVER TLS", "TLSv1.3")
