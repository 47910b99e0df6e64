"""cffisock.patch(): the stdlib ``socket`` module pointed at cffisock, and
unmodified stdlib clients and servers running on it.

Servers are the stdlib's own (http.server, socketserver, xmlrpc.server, an
SMTP responder on socketserver), on 127.0.0.1, serving from a thread; TLS
servers use the stdlib's ``ssl``, the independent peer.  Every test checks
that it leaks no descriptor and leaves the stdlib module unpatched.
"""

import asyncio
import contextlib
import http.client
import http.server
import json
import os
import smtplib
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
import xmlrpc.client
import xmlrpc.server

import pytest
import trustme

import cffisock
from cffisock import _patch, tls
from cffisock._socketio import SocketIO
from support.loopback import free_port, recv_exactly
from support.tls import client_context, echo, server_context, write_pem

pytestmark = pytest.mark.usefixtures("fd_leak_check")

#: The stdlib module's namespace and socket class, taken before any patch.
STDLIB = dict(vars(socket))
STDLIB_SOCKET = STDLIB["socket"]

#: What patch() replaces (where the stdlib module has the name).
REPLACED = {
    "socket", "SocketType", "socketpair", "fromfd", "create_connection",
    "create_server", "has_dualstack_ipv6", "getaddrinfo", "getnameinfo",
    "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getfqdn",
    "gethostname", "sethostname", "getservbyname", "getservbyport",
    "getprotobyname", "inet_aton", "inet_ntoa", "inet_pton", "inet_ntop",
    "htonl", "htons", "ntohl", "ntohs", "if_nameindex", "if_nametoindex",
    "if_indextoname", "send_fds", "recv_fds", "CMSG_LEN", "CMSG_SPACE",
    "getdefaulttimeout", "setdefaulttimeout",
}


@pytest.fixture(autouse=True)
def left_unpatched():
    """The test leaves the stdlib's socket class in the stdlib module."""
    yield
    assert socket.socket is STDLIB_SOCKET, "the test left the socket module patched"


@pytest.fixture
def default_timeouts():
    """Both modules' default timeouts are None again after the test."""
    yield
    socket.setdefaulttimeout(None)
    cffisock.setdefaulttimeout(None)


@pytest.fixture
def patched_socket(default_timeouts):
    """The test runs under the patch, with a default timeout of 10 s (given
    to the stdlib before the patch, which carries it over) bounding every
    socket the stdlib clients and servers make."""
    socket.setdefaulttimeout(10)
    with cffisock.patched():
        yield


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


# ---------------------------------------------------------------- the switch


def test_patch_replaces_the_socket_class_and_functions_and_unpatch_restores_them():
    before = dict(vars(socket))
    assert before == STDLIB
    with cffisock.patched():
        during = dict(vars(socket))
    after = dict(vars(socket))
    replaced = {name for name in before if during[name] is not before[name]}
    assert replaced == REPLACED & set(before)
    for name in replaced - {"create_connection"}:
        assert during[name] is getattr(cffisock, name), name
    assert during["create_connection"] is _patch.create_connection
    assert set(during) == set(before) == set(after)
    assert all(after[name] is before[name] for name in before)


def test_the_patched_class_is_a_socket_type_and_the_exceptions_stay_the_stdlib_s():
    with cffisock.patched():
        assert issubclass(socket.socket, socket.SocketType)
        for name in ("error", "gaierror", "herror", "timeout"):
            assert getattr(socket, name) is STDLIB[name]
            assert issubclass(getattr(cffisock, name), getattr(socket, name))


def test_patches_nest_and_unpatch_without_a_patch_does_nothing():
    cffisock.unpatch()
    assert socket.socket is STDLIB_SOCKET
    cffisock.patch()
    try:
        with cffisock.patched():
            cffisock.patch()
            cffisock.unpatch()
            assert socket.socket is cffisock.socket
        assert socket.socket is cffisock.socket
    finally:
        cffisock.unpatch()
    assert socket.socket is STDLIB_SOCKET
    cffisock.unpatch()
    assert socket.socket is STDLIB_SOCKET


def test_patched_unpatches_when_its_block_raises():
    with pytest.raises(ZeroDivisionError):
        with cffisock.patched():
            assert socket.socket is cffisock.socket
            1 / 0
    assert socket.socket is STDLIB_SOCKET


def test_threads_patching_at_once_always_see_the_patch_inside_their_blocks():
    threads, rounds = 8, 200
    start = threading.Barrier(threads, timeout=10)
    unpatched_inside, finished = [], []

    def patch_and_check():
        start.wait()
        for _ in range(rounds):
            with cffisock.patched():
                time.sleep(0)  # let the other threads run inside the block
                if socket.socket is not cffisock.socket:
                    unpatched_inside.append(threading.get_ident())
        finished.append(threading.get_ident())

    workers = [threading.Thread(target=patch_and_check, daemon=True)
               for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert not [worker for worker in workers if worker.is_alive()]
    assert len(finished) == threads
    assert unpatched_inside == []
    assert socket.socket is STDLIB_SOCKET


def test_the_default_timeout_goes_over_with_the_patch_and_back(default_timeouts, tcp_listener):
    socket.setdefaulttimeout(3.5)
    with cffisock.patched():
        assert socket.getdefaulttimeout() == 3.5
        with socket.socket() as sock:
            assert type(sock) is cffisock.socket and sock.gettimeout() == 3.5
        # Both modules' "keep the default" sentinels keep it.
        for sentinel in (socket._GLOBAL_DEFAULT_TIMEOUT, cffisock._GLOBAL_DEFAULT_TIMEOUT):
            with socket.create_connection(tcp_listener.getsockname(), sentinel) as sock:
                assert sock.gettimeout() == 3.5
                tcp_listener.accept()[0].close()
        socket.setdefaulttimeout(7.0)
    assert socket.getdefaulttimeout() == 7.0
    with socket.socket() as sock:
        assert type(sock) is STDLIB_SOCKET and sock.gettimeout() == 7.0


def test_the_stdlib_exception_classes_catch_cffisock_errors(patched_socket):
    with pytest.raises(socket.gaierror) as info:
        socket.getaddrinfo("not-a-number", 80, flags=socket.AI_NUMERICHOST)
    assert isinstance(info.value, cffisock.gaierror)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", free_port()), timeout=5)
    with socket.create_server(("127.0.0.1", 0)) as listener, \
            socket.create_connection(listener.getsockname()) as client:
        client.settimeout(0.05)
        with pytest.raises(socket.timeout):
            client.recv(1)
        listener.accept()[0].close()


def test_what_was_made_before_the_patch_stays_stdlib_but_accepts_cffisock_sockets():
    with socket.create_server(("127.0.0.1", 0)) as listener:
        with cffisock.patched():
            assert type(listener) is STDLIB_SOCKET
            with socket.create_connection(listener.getsockname(), timeout=10) as client:
                accepted, _ = listener.accept()
                with accepted:
                    # The stdlib's accept() looks its class up in the module.
                    assert type(client) is type(accepted) is cffisock.socket
                    client.sendall(b"ping")
                    assert recv_exactly(accepted, 4) == b"ping"


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


# ---------------------------------------------------------------- usual usage

PATCH_FIRST = """
import sys

ssl_imported_before = "ssl" in sys.modules
import cffisock
cffisock.patch()  # first thing, before the stdlib's network modules

import functools, http.server, json, ssl, threading, urllib.request
import _socket

directory, cafile, identity = sys.argv[1:]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=directory)
plain = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
secure = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
server_context.load_cert_chain(identity)
secure.socket = server_context.wrap_socket(secure.socket, server_side=True)
for server in (plain, secure):
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
opener = urllib.request.build_opener(
    urllib.request.ProxyHandler({}),
    urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=cafile)))

def name(cls):
    return cls.__module__ + "." + cls.__qualname__

report = {"ssl imported before the patch": ssl_imported_before,
          "SSLSocket is a stdlib socket": issubclass(ssl.SSLSocket, _socket.socket),
          "listener": name(type(plain.socket))}
for scheme, server in (("http", plain), ("https", secure)):
    url = "%s://127.0.0.1:%d/page.txt" % (scheme, server.server_address[1])
    with opener.open(url, timeout=10) as response:
        report[scheme] = [name(type(response.fp.raw._sock)), response.read().decode()]
for server in (plain, secure):
    server.shutdown()
    server.server_close()
print(json.dumps(report))
"""


def test_patching_first_thing_in_a_program(tmp_path, ca, server_cert):
    (tmp_path / "page.txt").write_text("served on cffisock\n")
    cafile = write_pem(tmp_path, "ca.pem", ca.cert_pem)
    identity = write_pem(tmp_path, "identity.pem", server_cert.private_key_and_cert_chain_pem)
    root = os.path.dirname(os.path.dirname(cffisock.__file__))
    env = {"PYTHONPATH": root, "PATH": os.environ.get("PATH", os.defpath)}
    result = subprocess.run(
        [sys.executable, "-s", "-c", PATCH_FIRST, str(tmp_path), cafile, identity],
        cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "ssl imported before the patch": False,
        "SSLSocket is a stdlib socket": True,
        "listener": "cffisock.socket",
        "http": ["cffisock.socket", "served on cffisock\n"],
        # The stdlib's ssl takes the cffisock socket over (see _patch).
        "https": ["ssl.SSLSocket", "served on cffisock\n"],
    }
