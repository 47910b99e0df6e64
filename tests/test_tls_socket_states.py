"""An SSLSocket before it is connected and after it is closed behaves as
the stdlib's: its data calls are the plain socket's (which fail: there is no
peer), its connection details are None, getpeercert() and do_handshake()
raise ENOTCONN, read() and write() after close raise ValueError; once
connected, everything goes through TLS (a socket found connected without
connect() turns to TLS too).  SSLSocket() and SSLObject() are refused as the
stdlib refuses them."""

import errno
import socket as stdlib_socket
import ssl as stdlib_ssl
import struct
import time

import pytest

import cffisock
from cffisock import tls
from support.comparison import Raised, Returned, assert_same, outcome
from support.tls import ThreadedServer, client_context, echo, server_context

SIDES = {"stdlib": (stdlib_socket, stdlib_ssl), "cffisock": (cffisock, tls)}

#: Calls on a TLS socket that is not connected, and on one that was closed.
CALLS = {
    "recv": lambda s: s.recv(1),
    "recv_into": lambda s: s.recv_into(bytearray(1)),
    "recvfrom": lambda s: s.recvfrom(1),
    "recvfrom_into": lambda s: s.recvfrom_into(bytearray(1), 1),
    "send": lambda s: s.send(b"x"),
    "sendall": lambda s: s.sendall(b"x"),
    "sendto": lambda s: s.sendto(b"x", ("127.0.0.1", 9)),
    "read": lambda s: s.read(1),
    "write": lambda s: s.write(b"x"),
    "do_handshake": lambda s: s.do_handshake(),
    "cipher": lambda s: s.cipher(),
    "version": lambda s: s.version(),
    "selected_alpn_protocol": lambda s: s.selected_alpn_protocol(),
    "shared_ciphers": lambda s: s.shared_ciphers(),
    "compression": lambda s: s.compression(),
    "pending": lambda s: s.pending(),
    "session": lambda s: s.session,
    "session_reused": lambda s: s.session_reused,
    "get_channel_binding": lambda s: s.get_channel_binding(),
    "get_channel_binding of an unknown type": lambda s: s.get_channel_binding("tls-none"),
    "unwrap": lambda s: s.unwrap(),
    "dup": lambda s: s.dup(),
    "sendmsg": lambda s: s.sendmsg([b"x"]),
    "recvmsg": lambda s: s.recvmsg(1),
}
#: The stdlib's closed SSLSocket has no TLS object left, and these calls
#: meet its absence (AttributeError): not behaviour to copy.
STDLIB_CRASHES_AFTER_CLOSE = {"do_handshake", "getpeercert"}


def unverified_client(ssl_module):
    context = ssl_module.SSLContext(ssl_module.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl_module.CERT_NONE
    return context


def call_on_unconnected(side, name):
    socket_module, ssl_module = SIDES[side]
    with unverified_client(ssl_module).wrap_socket(socket_module.socket()) as sock:
        return outcome(CALLS[name], sock)


def call_on_closed(side, name):
    socket_module, ssl_module = SIDES[side]
    sock = unverified_client(ssl_module).wrap_socket(socket_module.socket())
    sock.close()
    return outcome(CALLS[name], sock)


#: Messages that name the socket (its repr names its class's module).
NAMES_THE_SOCKET = {"unwrap"}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_an_unconnected_tls_socket_answers_as_the_stdlib_s(name):
    assert_same(call_on_unconnected("stdlib", name), call_on_unconnected("cffisock", name),
                types_only=name in NAMES_THE_SOCKET)


@pytest.mark.parametrize("name", sorted(set(CALLS) - STDLIB_CRASHES_AFTER_CLOSE))
def test_a_closed_tls_socket_answers_as_the_stdlib_s(name):
    assert_same(call_on_closed("stdlib", name), call_on_closed("cffisock", name),
                types_only=name in NAMES_THE_SOCKET)


def test_getpeercert_and_do_handshake_of_an_unconnected_socket_raise_enotconn():
    for name in ("do_handshake",):
        result = call_on_unconnected("cffisock", name)
        assert isinstance(result, Raised) and result.errno == errno.ENOTCONN
    with unverified_client(tls).wrap_socket(cffisock.socket()) as sock:
        with pytest.raises(OSError) as raised:
            sock.getpeercert()
        assert raised.value.errno == errno.ENOTCONN


def test_a_closed_socket_refuses_getpeercert_and_do_handshake_with_ebadf():
    sock = unverified_client(tls).wrap_socket(cffisock.socket())
    sock.close()
    for call in (sock.getpeercert, sock.do_handshake):
        with pytest.raises(OSError) as raised:
            call()
        assert raised.value.errno == errno.EBADF


def test_read_and_write_after_close_raise_value_error(ca, server_cert):
    server = server_context("cffisock", server_cert)
    with ThreadedServer(echo, server, side="cffisock") as listener:
        sock = client_context("cffisock", ca).wrap_socket(cffisock.socket(),
                                                          server_hostname="localhost")
        sock.connect(listener.address)
        sock.close()
        with pytest.raises(ValueError, match="^Read on closed or unwrapped SSL socket.$"):
            sock.read(1)
        with pytest.raises(ValueError, match="^Write on closed or unwrapped SSL socket.$"):
            sock.write(b"x")


def test_connect_ex_shakes_hands_and_returns_zero(ca, server_cert):
    server = server_context("cffisock", server_cert)
    with ThreadedServer(echo, server, side="cffisock") as listener:
        with client_context("cffisock", ca).wrap_socket(
                cffisock.socket(), server_hostname="localhost") as sock:
            assert sock.connect_ex(listener.address) == 0
            assert sock.version() is not None and sock.getpeercert()
            with pytest.raises(ValueError, match="already-connected"):
                sock.connect(listener.address)


def test_a_socket_connected_behind_tls_s_back_turns_to_tls(ca, server_cert):
    """A connect() that timed out may complete later: the socket's data
    calls then go through TLS, never in the clear."""
    server = server_context("cffisock", server_cert)
    with ThreadedServer(echo, server, side="cffisock") as listener:
        with client_context("cffisock", ca).wrap_socket(
                cffisock.socket(), server_hostname="localhost") as sock:
            # As if the kernel finished a connect the socket gave up on.
            cffisock.socket.connect(sock, listener.address)
            sock.sendall(b"ping")
            assert sock.recv(4) == b"ping"
            assert sock.version() is not None


@pytest.mark.parametrize("side", sorted(SIDES))
def test_direct_construction_is_refused_with_the_stdlib_s_type_error(side):
    socket_module, ssl_module = SIDES[side]
    with socket_module.socket() as sock:
        with pytest.raises(TypeError, match="^SSLSocket does not have a public constructor. "
                           r"Instances are returned by SSLContext.wrap_socket\(\).$"):
            ssl_module.SSLSocket(sock)
    bio = ssl_module.MemoryBIO()
    with pytest.raises(TypeError, match="^SSLObject does not have a public constructor. "
                       r"Instances are returned by SSLContext.wrap_bio\(\).$"):
        ssl_module.SSLObject(bio, bio)


@pytest.mark.parametrize("side", sorted(SIDES))
def test_a_context_makes_connections_of_its_chosen_classes(side):
    socket_module, ssl_module = SIDES[side]

    class MySSLSocket(ssl_module.SSLSocket):
        pass

    class MySSLObject(ssl_module.SSLObject):
        pass

    context = ssl_module.SSLContext(ssl_module.PROTOCOL_TLS_SERVER)
    assert context.sslsocket_class is ssl_module.SSLSocket
    context.sslsocket_class, context.sslobject_class = MySSLSocket, MySSLObject
    with context.wrap_socket(socket_module.socket(), server_side=True) as sock:
        assert type(sock) is MySSLSocket
    assert type(context.wrap_bio(ssl_module.MemoryBIO(), ssl_module.MemoryBIO(),
                                 server_side=True)) is MySSLObject


def test_unconnected_details_are_none():
    for name in ("cipher", "version", "session", "session_reused", "selected_alpn_protocol"):
        assert call_on_unconnected("cffisock", name) == Returned(None)
    assert call_on_unconnected("cffisock", "pending") == Returned(0)


def reset_after_sending(sock, data):
    """Send ``data`` on ``sock``, then close it with a reset (SO_LINGER 0)."""
    sock.sendall(data)
    sock.setsockopt(cffisock.SOL_SOCKET, cffisock.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


@pytest.mark.parametrize("side", sorted(SIDES))
@pytest.mark.parametrize("wrapped_end", ["client", "server"])
def test_plain_bytes_left_by_a_peer_that_reset_are_refused_at_wrap(
        side, wrapped_end, ca, server_cert, fd_leak_check):
    """CVE-2023-40217's fix, on every version: bytes a peer sent in the
    clear before resetting the connection never reach the caller of a TLS
    socket; wrapping raises SSLError and closes the socket (no descriptor
    is left open)."""
    socket_module, ssl_module = SIDES[side]
    with socket_module.create_server(("127.0.0.1", 0)) as listener:
        client = socket_module.create_connection(listener.getsockname(), timeout=10)
        accepted, _ = listener.accept()
        wrapped, peer = (client, accepted) if wrapped_end == "client" else (accepted, client)
        reset_after_sending(peer, b"HTTP/1.0 307 Temporary Redirect\r\n\r\n")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # until the reset has arrived
            try:
                wrapped.getpeername()
            except OSError:
                break
            time.sleep(0.01)
        if wrapped_end == "client":
            context = client_context(side, ca)
            options = {"server_hostname": "localhost"}
        else:
            context = server_context(side, server_cert)
            options = {"server_side": True}
        with pytest.raises(ssl_module.SSLError) as refused:
            context.wrap_socket(wrapped, **options)
    assert "before TLS handshake with data" in refused.value.reason
    assert refused.value.library is None and refused.value.args[0] == errno.ENOTCONN


@pytest.mark.parametrize("side", sorted(SIDES))
@pytest.mark.parametrize("arguments, error", [
    ({"server_side": True, "server_hostname": "localhost"}, ValueError),
    ({"server_side": True, "session": object()}, ValueError),
    ({}, ValueError),  # check_hostname requires server_hostname
])
def test_a_refused_argument_leaves_the_socket_to_its_owner(side, arguments, error):
    socket_module, ssl_module = SIDES[side]
    context = ssl_module.SSLContext(ssl_module.PROTOCOL_TLS_CLIENT)
    with socket_module.socket() as sock:
        with pytest.raises(error):
            context.wrap_socket(sock, **arguments)
        assert sock.fileno() != -1


def test_a_failure_after_the_checks_closes_the_socket(fd_leak_check):
    """As 3.13's stdlib (earlier ones left the descriptor to the collector):
    a host name that does not encode, or a connected non-blocking socket
    asked to shake hands at once."""
    context = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
    sock = cffisock.socket()
    with pytest.raises(UnicodeError):
        context.wrap_socket(sock, server_hostname=".pythontest.net")
    assert sock.fileno() == -1
    left, right = cffisock.socketpair()
    with right:
        left.setblocking(False)
        context.check_hostname = False
        with pytest.raises(ValueError, match="do_handshake_on_connect should not be specified "
                           "for non-blocking sockets"):
            context.wrap_socket(left)
    assert left.fileno() == -1
