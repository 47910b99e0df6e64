"""cffisock.patch(): the stdlib ``socket`` module pointed at cffisock -- what
it replaces, nesting, threads, the default timeout, the exception classes --
and a program that patches first thing.  Unmodified stdlib clients and
servers running on the patch are test_patch_stdlib_clients.py.

Every test checks that it leaks no descriptor and leaves the stdlib module
unpatched.
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest

import cffisock
from cffisock import _patch
from support.loopback import free_port, recv_exactly
from support.patching import STDLIB, STDLIB_SOCKET
from support.tls import write_pem


#: Every test leaves the stdlib module unpatched and leaks no descriptor.
pytestmark = pytest.mark.usefixtures("left_unpatched", "fd_leak_check")


#: What patch() replaces (where the stdlib module has the name).
REPLACED = {
    "socket", "SocketType", "socketpair", "fromfd", "create_connection",
    "create_server", "has_dualstack_ipv6", "getaddrinfo", "getnameinfo",
    "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getfqdn",
    "gethostname", "sethostname", "getservbyname", "getservbyport",
    "getprotobyname", "inet_aton", "inet_ntoa", "inet_pton", "inet_ntop",
    "htonl", "htons", "ntohl", "ntohs", "if_nameindex", "if_nametoindex",
    "if_indextoname", "send_fds", "recv_fds", "CMSG_LEN", "CMSG_SPACE",
    "getdefaulttimeout", "setdefaulttimeout", "close", "dup",
}


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


def test_mock_patching_socket_socket_reaches_create_connection_under_the_patch(
        tcp_listener, patched_socket):
    """The stdlib's create_connection looks its module's ``socket`` up when
    called; the patched one does too, so a test double installed with
    unittest.mock.patch("socket.socket") is what it builds."""
    from unittest import mock

    stdlib_module = socket
    built = []

    class Recording(cffisock.socket):
        def __init__(self, *args, **kwargs):
            built.append(args)
            super().__init__(*args, **kwargs)

    with mock.patch("socket.socket", Recording):
        with stdlib_module.create_connection(tcp_listener.getsockname(), timeout=5) as sock:
            assert isinstance(sock, Recording)
        with stdlib_module.create_server(("127.0.0.1", 0)) as server:
            assert isinstance(server, Recording)
    assert len(built) == 2
    with stdlib_module.create_connection(tcp_listener.getsockname(), timeout=5) as sock:
        assert type(sock) is cffisock.socket  # the double is gone with mock's patch


def test_mock_patching_cffisock_socket_reaches_its_own_functions(tcp_listener):
    from unittest import mock

    class Recording(cffisock.socket):
        pass

    with mock.patch("cffisock.socket", Recording):
        with cffisock.create_connection(tcp_listener.getsockname(), timeout=5) as sock:
            assert type(sock) is Recording
        first, second = cffisock.socketpair()
        with first, second:
            assert type(first) is type(second) is Recording
