"""Unmodified stdlib clients and servers running on cffisock.patch():
http.server and http.client, urllib, socketserver (TCP and UDP), smtplib,
xmlrpc, asyncio streams, and HTTPS with cffisock's or the stdlib's TLS.

Servers are the stdlib's own (http.server, socketserver, xmlrpc.server, an
SMTP responder on socketserver), on 127.0.0.1, serving from a thread; TLS
servers use the stdlib's ``ssl``, the independent peer.  Every test checks
that it leaks no descriptor and leaves the stdlib module unpatched.
"""

import asyncio
import contextlib
import http.client
import http.server
import os
import smtplib
import socket
import socketserver
import ssl
import sys
import threading
import urllib.request
import xmlrpc.client
import xmlrpc.server

import pytest
import trustme

import cffisock
from cffisock import tls
from cffisock._socketio import SocketIO
from support.loopback import recv_exactly
from support.tls import client_context, echo, server_context


#: Every test leaves the stdlib module unpatched and leaks no descriptor.
pytestmark = pytest.mark.usefixtures("left_unpatched", "fd_leak_check")


# ---------------------------------------------------------------- servers


class RecordingServer:
    """A socketserver mix-in: ``request_types`` gets the class of each
    request's socket, ``errors`` each exception of a request handler
    (instead of a traceback on stderr)."""

    def __init__(self, *args, **kwargs):
        self.request_types = []
        self.errors = []
        super().__init__(*args, **kwargs)

    def finish_request(self, request, client_address):
        self.request_types.append(type(self.request_socket(request)))
        super().finish_request(request, client_address)

    @staticmethod
    def request_socket(request):
        """The socket a request came on."""
        return request

    def handle_error(self, request, client_address):
        self.errors.append(sys.exc_info()[1])


class HTTPServer(RecordingServer, http.server.ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins the handler threads


class TCPServer(RecordingServer, socketserver.ThreadingTCPServer):
    pass


class UDPServer(RecordingServer, socketserver.UDPServer):
    @staticmethod
    def request_socket(request):
        data, sock = request
        return sock


class XMLRPCServer(RecordingServer, xmlrpc.server.SimpleXMLRPCServer):
    pass


@contextlib.contextmanager
def serving(server):
    """Run ``server.serve_forever()`` in a thread while the block runs (it
    gets the server's address); then shut the server down and close it."""
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.server_address
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
    assert not thread.is_alive(), "server thread still running"


class EchoHTTPHandler(http.server.BaseHTTPRequestHandler):
    """GET answers with the request's path, POST with the request's body."""

    def do_GET(self):
        self.reply(self.path.encode("ascii"))

    def do_POST(self):
        self.reply(self.rfile.read(int(self.headers["Content-Length"])))

    def reply(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass  # the tests check what was served, not the log


@contextlib.contextmanager
def serving_https(server_cert):
    """An EchoHTTPHandler server behind the stdlib's ``ssl``, serving while
    the block runs; the block gets ``(server, address)``."""
    server = HTTPServer(("127.0.0.1", 0), EchoHTTPHandler)
    # The handshake happens on the handler's first read, in its own thread.
    server.socket = server_context("stdlib", server_cert).wrap_socket(
        server.socket, server_side=True, do_handshake_on_connect=False)
    with serving(server) as address:
        yield server, address


def http_exchange(connection, method, path, body=None):
    """Send one request on a new http.client connection, then close it;
    return the class of the connection's socket, the response status and
    the response body."""
    with contextlib.closing(connection):
        connection.request(method, path, body=body)
        socket_type = type(connection.sock)
        response = connection.getresponse()
        return socket_type, response.status, response.read()


# ---------------------------------------------------------------- stdlib clients and servers


def test_http_server_and_http_client(patched_socket):
    payload = os.urandom(1 << 20)
    server = HTTPServer(("127.0.0.1", 0), EchoHTTPHandler)
    assert type(server.socket) is cffisock.socket
    with serving(server) as (host, port):
        get = http_exchange(http.client.HTTPConnection(host, port), "GET", "/some/path?query=1")
        post = http_exchange(http.client.HTTPConnection(host, port), "POST", "/echo", payload)
    assert get == (cffisock.socket, 200, b"/some/path?query=1")
    assert post == (cffisock.socket, 200, payload)
    assert server.request_types == [cffisock.socket] * 2
    assert server.errors == []


def test_urllib_request(patched_socket):
    server = HTTPServer(("127.0.0.1", 0), EchoHTTPHandler)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with serving(server) as (host, port):
        # No timeout argument: urllib passes the stdlib's default sentinel.
        with opener.open("http://%s:%d/from/urllib" % (host, port)) as response:
            raw = response.fp.raw
            assert type(raw) is SocketIO and type(raw._sock) is cffisock.socket
            assert raw._sock.gettimeout() == 10.0
            assert response.read() == b"/from/urllib"
    assert server.request_types == [cffisock.socket]


class EchoHandler(socketserver.BaseRequestHandler):
    """Sends back all it receives until the client shuts its side down."""

    def handle(self):
        echo(self.request)


def test_socketserver_tcp(patched_socket, background):
    payload = os.urandom(1 << 20)
    server = TCPServer(("127.0.0.1", 0), EchoHandler)
    with serving(server) as address:
        for connect in (socket.create_connection, connect_with_socket):
            with connect(address) as client:
                assert type(client) is cffisock.socket
                sending = background(send_and_shut_down, client, payload)
                assert recv_exactly(client, len(payload) + 1) == payload
                sending.result()
    assert server.request_types == [cffisock.socket] * 2
    assert type(server.socket) is cffisock.socket
    assert server.errors == []


def connect_with_socket(address):
    """A client made as socket.socket() and connect()."""
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        client.connect(address)
    except BaseException:
        client.close()
        raise
    return client


def send_and_shut_down(sock, data):
    sock.sendall(data)
    sock.shutdown(socket.SHUT_WR)


class ReversingDatagramHandler(socketserver.BaseRequestHandler):
    """Answers each datagram with its bytes reversed."""

    def handle(self):
        data, sock = self.request
        sock.sendto(data[::-1], self.client_address)


def test_socketserver_udp(patched_socket):
    server = UDPServer(("127.0.0.1", 0), ReversingDatagramHandler)
    with serving(server) as address:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
            assert type(client) is cffisock.socket
            for size in (1, 1000, server.max_packet_size):
                datagram = os.urandom(size)
                client.sendto(datagram, address)
                assert client.recvfrom(65536) == (datagram[::-1], address)
    assert type(server.socket) is cffisock.socket
    assert server.request_types == [cffisock.socket] * 3
    assert server.errors == []


class SMTPResponder(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: greeting, EHLO/HELO, MAIL, RCPT, DATA
    and QUIT.  Each message goes to ``server.messages`` as
    ``(sender, recipients, data)``, its data un-dot-stuffed."""

    def handle(self):
        self.reply("220 localhost responder")
        sender, recipients = None, []
        for _ in range(100):
            line = self.rfile.readline(1000)
            verb, _, argument = line.rstrip(b"\r\n").partition(b" ")
            verb = verb.upper()
            if not line or verb == b"QUIT":
                self.reply("221 bye")
                return
            if verb in (b"EHLO", b"HELO"):
                self.reply("250 localhost")
            elif verb in (b"MAIL", b"RCPT"):
                address = argument.partition(b":")[2]
                if verb == b"MAIL":
                    sender = address
                else:
                    recipients.append(address)
                self.reply("250 OK")
            elif verb == b"DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                self.server.messages.append((sender, recipients, self.read_data()))
                self.reply("250 OK")
            else:
                self.reply("502 not implemented")

    def reply(self, text):
        self.wfile.write(text.encode("ascii") + b"\r\n")

    def read_data(self):
        lines = []
        for _ in range(100000):
            line = self.rfile.readline(10000)
            if line in (b".\r\n", b""):
                break
            lines.append(line[1:] if line.startswith(b".") else line)
        return b"".join(lines)


def test_smtplib_against_a_local_responder(patched_socket):
    message = b"From: alice@example.org\r\nSubject: cffisock\r\n\r\n" + b"".join(
        b".line %d starts with a dot\r\nline %d: %s\r\n" % (i, i, os.urandom(30).hex().encode())
        for i in range(2000))
    server = TCPServer(("127.0.0.1", 0), SMTPResponder)
    server.messages = []
    with serving(server) as (host, port):
        # local_hostname spares smtplib a getfqdn() of this machine's name.
        with smtplib.SMTP(host, port, local_hostname="localhost") as smtp:
            assert type(smtp.sock) is cffisock.socket
            refused = smtp.sendmail("alice@example.org",
                                    ["bob@example.org", "carol@example.org"], message)
    assert refused == {}
    assert server.messages == [
        (b"<alice@example.org>", [b"<bob@example.org>", b"<carol@example.org>"], message)]
    assert server.request_types == [cffisock.socket]
    assert server.errors == []


class RecordingTransport(xmlrpc.client.Transport):
    """An xmlrpc.client transport that records the class of the socket each
    request went out on."""

    def __init__(self):
        super().__init__()
        self.socket_types = []

    def send_request(self, host, handler, request_body, debug):
        connection = super().send_request(host, handler, request_body, debug)
        self.socket_types.append(type(connection.sock))
        return connection


def test_xmlrpc(patched_socket):
    text = os.urandom(1 << 19).hex()  # 1 MiB of characters
    server = XMLRPCServer(("127.0.0.1", 0), logRequests=False)
    server.register_function(lambda a, b: a + b, "add")
    server.register_function(lambda text: text[::-1], "reverse")
    transport = RecordingTransport()
    with serving(server) as (host, port):
        with xmlrpc.client.ServerProxy("http://%s:%d/" % (host, port),
                                       transport=transport) as proxy:
            assert proxy.add(2, 40) == 42
            assert proxy.reverse(text) == text[::-1]
    assert transport.socket_types == [cffisock.socket] * 2
    assert server.request_types == [cffisock.socket] * 2
    assert server.errors == []


def test_asyncio_streams(patched_socket):
    payload = os.urandom(1 << 18)

    async def reverse(reader, writer):
        writer.write((await reader.read())[::-1])
        await writer.drain()
        writer.close()

    async def exchange():
        server = await asyncio.start_server(reverse, "127.0.0.1", 0)
        async with server:
            reader, writer = await asyncio.open_connection(*server.sockets[0].getsockname())
            socket_types = [type(server.sockets[0]._sock),
                            type(writer.get_extra_info("socket")._sock)]
            writer.write(payload)
            writer.write_eof()
            answer = await reader.read()
            writer.close()
            await writer.wait_closed()
        return socket_types, answer

    async def bounded():
        return await asyncio.wait_for(exchange(), 30)

    socket_types, answer = asyncio.run(bounded())
    assert socket_types == [cffisock.socket] * 2
    assert answer == payload[::-1]


# ---------------------------------------------------------------- HTTPS


def test_https_through_http_client_with_a_cffisock_tls_context(patched_socket, ca, server_cert):
    payload = os.urandom(1 << 20)
    with serving_https(server_cert) as (server, (host, port)):
        connection = http.client.HTTPSConnection(
            host, port, context=client_context("cffisock", ca))
        exchange = http_exchange(connection, "POST", "/echo", payload)
    assert exchange == (tls.SSLSocket, 200, payload)
    assert issubclass(tls.SSLSocket, cffisock.socket)
    assert server.request_types == [ssl.SSLSocket]
    assert server.errors == []


def test_https_with_the_wrong_ca_fails_verification(patched_socket, server_cert):
    with serving_https(server_cert) as (server, (host, port)):
        connection = http.client.HTTPSConnection(
            host, port, context=client_context("cffisock", trustme.CA()))
        with pytest.raises(ssl.SSLCertVerificationError) as info:
            http_exchange(connection, "GET", "/")
    assert isinstance(info.value, tls.SSLCertVerificationError)
    assert info.value.verify_message == "unable to get local issuer certificate"
    # The server saw the client give up during the handshake.
    assert len(server.errors) == 1 and isinstance(server.errors[0], ssl.SSLError)


def test_https_through_http_client_needs_no_patch(default_timeouts, ca, server_cert):
    # Unpatched, http.client connects a stdlib socket; cffisock.tls takes
    # over its descriptor, so the TLS connection is cffisock's all the same.
    socket.setdefaulttimeout(10)
    with serving_https(server_cert) as (server, (host, port)):
        connection = http.client.HTTPSConnection(
            host, port, context=client_context("cffisock", ca))
        exchange = http_exchange(connection, "GET", "/unpatched")
    assert exchange == (tls.SSLSocket, 200, b"/unpatched")
    assert server.request_types == [ssl.SSLSocket]


def test_a_stdlib_ssl_context_takes_over_a_cffisock_socket(patched_socket, ca, server_cert):
    with serving_https(server_cert) as (server, (host, port)):
        raw = socket.create_connection((host, port))
        with client_context("stdlib", ca).wrap_socket(raw, server_hostname=host) as wrapped:
            assert type(raw) is cffisock.socket and raw.fileno() == -1  # detached
            assert type(wrapped) is ssl.SSLSocket
        connection = http.client.HTTPSConnection(
            host, port, context=client_context("stdlib", ca))
        exchange = http_exchange(connection, "GET", "/stdlib-ssl")
    assert exchange == (ssl.SSLSocket, 200, b"/stdlib-ssl")
