"""Buffer scenarios of TLS: SSLSocket, SSLObject, MemoryBIO, context
loading and the spec's ssl() object (registered with
``buffer_calls.scenario``)."""

import threading

from buffer_calls import ONLY_BYTEARRAY, scenario


# ---------------------------------------------------------------- TLS sockets


@scenario("SSLSocket.recv_into", "returns", "returns")
def _(side, res, buffer):
    client, server = res.tls_pair()
    server.sendall(b"x" * 8)
    return client.recv_into(buffer)


@scenario("SSLSocket.recv_into", "timeout", "timeout")
def _(side, res, buffer):
    client, _server = res.tls_pair()
    client.settimeout(0.02)
    return client.recv_into(buffer)


@scenario("SSLSocket.recv_into", "want read (non-blocking)", "SSLWantReadError")
def _(side, res, buffer):
    client, _server = res.tls_pair()
    client.setblocking(False)
    return client.recv_into(buffer)


@scenario("SSLSocket.recv_into", "nbytes beyond a ssize_t", "OverflowError")
def _(side, res, buffer):
    return res.tls_pair()[0].recv_into(buffer, 1 << 64)


@scenario("SSLSocket.read", "returns", "returns")
def _(side, res, buffer):
    client, server = res.tls_pair()
    server.sendall(b"x" * 8)
    return client.read(len(buffer), buffer)


@scenario("SSLSocket.read", "timeout", "timeout")
def _(side, res, buffer):
    client, _server = res.tls_pair()
    client.settimeout(0.02)
    return client.read(len(buffer), buffer)


def _tls_send_scenarios(name, send, after_close="OSError"):
    @scenario("SSLSocket." + name, "returns", "returns")
    def _(side, res, buffer):
        return send(res.tls_pair()[0], buffer)

    @scenario("SSLSocket." + name, "timeout", "timeout")
    def _(side, res, buffer):
        return send(res.full_tls_client(), buffer)

    # After close, the plain socket's send and sendall meet EBADF; write is
    # refused first (ValueError), as the stdlib's.
    @scenario("SSLSocket." + name, "after close", after_close)
    def _(side, res, buffer):
        client = res.tls_pair()[0]
        client.close()
        return send(client, buffer)


_tls_send_scenarios("send", lambda sock, buffer: sock.send(buffer))
_tls_send_scenarios("sendall", lambda sock, buffer: sock.sendall(buffer))
_tls_send_scenarios("write", lambda sock, buffer: sock.write(buffer), after_close="ValueError")


@scenario("SSLObject.read", "returns", "returns")
def _(side, res, buffer):
    client, server, deliver = res.memory_pair()
    server.write(b"x" * 8)
    deliver()
    return client.read(len(buffer), buffer)


@scenario("SSLObject.read", "want read", "SSLWantReadError")
def _(side, res, buffer):
    return res.memory_pair()[0].read(len(buffer), buffer)


@scenario("SSLObject.write", "returns", "returns")
def _(side, res, buffer):
    return res.memory_pair()[0].write(buffer)


@scenario("SSLObject.write", "after the peer's close_notify", "SSLError")
def _(side, res, buffer):
    client, server, deliver = res.memory_pair()
    for end in (server, client):
        try:
            end.unwrap()
        except side.ssl.SSLWantReadError:
            pass
        deliver()
    return client.write(buffer)


@scenario("MemoryBIO.write", "returns", "returns")
def _(side, res, buffer):
    return side.ssl.MemoryBIO().write(buffer)


@scenario("MemoryBIO.write", "after write_eof", "SSLError")
def _(side, res, buffer):
    bio = side.ssl.MemoryBIO()
    bio.write_eof()
    return bio.write(buffer)


def _ca_der(side):
    import ssl

    return ssl.PEM_cert_to_DER_cert(side.ca.cert_pem.bytes().decode("ascii"))


@scenario("SSLContext.load_verify_locations", "DER cadata: returns", "returns",
          content=_ca_der)
def _(side, res, buffer):
    return side.ssl.SSLContext(side.ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cadata=buffer)


@scenario("SSLContext.load_verify_locations", "DER cadata that is not DER", "SSLError",
          content=b"\x30\x03\x02\x01")
def _(side, res, buffer):
    return side.ssl.SSLContext(side.ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cadata=buffer)


@scenario("create_default_context", "DER cadata: returns", "returns", content=_ca_der)
def _(side, res, buffer):
    return side.ssl.create_default_context(cadata=buffer)


@scenario("create_default_context", "DER cadata that is not DER", "SSLError",
          content=b"\x30\x03\x02\x01")
def _(side, res, buffer):
    return side.ssl.create_default_context(cadata=buffer)


@scenario("SSLContext.load_cert_chain", "a bytearray password: returns", ONLY_BYTEARRAY,
          content=b"password")
def _(side, res, buffer):
    context = side.ssl.SSLContext(side.ssl.PROTOCOL_TLS_SERVER)
    with side.leaf.private_key_and_cert_chain_pem.tempfile() as path:
        return context.load_cert_chain(path, password=buffer)


@scenario("SSLContext.load_cert_chain", "a bytearray password, no such file",
          {"bytearray": "OSError", "memoryview": "TypeError"},
          content=b"password")
def _(side, res, buffer):
    context = side.ssl.SSLContext(side.ssl.PROTOCOL_TLS_SERVER)
    return context.load_cert_chain("/nonexistent/cffisock-buffers.pem", password=buffer)


@scenario("ssl().write", "returns", "returns", sides=("cffisock",))
def _(side, res, buffer):
    return _legacy_object(side, res).write(buffer)


@scenario("ssl().write", "EBADF after the socket closed", "OSError", sides=("cffisock",))
def _(side, res, buffer):
    legacy = _legacy_object(side, res)
    legacy._sock.close()
    return legacy.write(buffer)


def _legacy_object(side, res):
    """The spec's ssl() object over a socketpair, its server a thread."""
    import warnings

    import cffisock

    a, b = res.pair()
    server = res.keep(side.server_context.wrap_socket(
        b, server_side=True, do_handshake_on_connect=False))
    thread = threading.Thread(target=server.do_handshake, daemon=True)
    thread.start()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        legacy = cffisock.ssl(a)
    thread.join(5)
    return legacy


@scenario("RAND_add", "mixed in: returns", "returns", content=b"seed material")
def _(side, res, buffer):
    return side.ssl.RAND_add(buffer, 1.0)


@scenario("RAND_add", "entropy that is not a number", "TypeError", content=b"seed material")
def _(side, res, buffer):
    return side.ssl.RAND_add(buffer, "much")
