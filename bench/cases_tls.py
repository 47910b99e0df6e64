"""Case 5: TLS 1.3 bulk transfer over TCP loopback.

Both ends use the implementation under test: a forked child is the server
(``wrap_socket(server_side=True)``) and sends 64 KiB ``sendall`` chunks, the
parent is a verifying client (CA and host name 'localhost') receiving with
``recv_into``; the handshake happens once per side, before the rounds.  The
certificates come from a throw-away CA made with the ``openssl`` command
(cffisock's demo helper).  The C floor does the same with OpenSSL's
SSL_read/SSL_write loops.
"""

import contextlib
import os
import shutil
import socket as stdlib_socket
import ssl as stdlib_ssl
import tempfile
from functools import partial

import cffisock
from cffisock import tls as cffisock_tls
from cffisock.cli.demo import make_throwaway_ca
from cases_sockets import bulk_per_round, connected, receive_total, send_chunks, serve_rounds
from common import BYTES_PER_S, Case, Row, check, fork_peer, timed_loop

CHUNK = 64 << 10
SIDES = [("stdlib", stdlib_socket, stdlib_ssl), ("cffisock", cffisock, cffisock_tls)]


def _contexts(tls, directory):
    """``(server, client)`` contexts of the ``tls`` module, TLS 1.3 only."""
    server = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(os.path.join(directory, "server.pem"),
                           os.path.join(directory, "server.key"))
    client = tls.create_default_context(cafile=os.path.join(directory, "ca.pem"))
    for context in (server, client):
        context.minimum_version = context.maximum_version = tls.TLSVersion.TLSv1_3
    return server, client


def _serve(context, sock, rounds, total):
    """The child's work: shake hands as the server, then send ``total``
    bytes per go byte."""
    with context.wrap_socket(sock, server_side=True) as server:
        serve_rounds(rounds, partial(server.recv, 1),
                     partial(send_chunks, server.sendall, b"t" * CHUNK, total // CHUNK))


def _floor_serve(lib, ffi, fd, directory, rounds, total):
    server = lib.floor_tls_server(fd, os.path.join(directory, "server.pem").encode(),
                                  os.path.join(directory, "server.key").encode())
    if server == ffi.NULL:
        raise OSError("the C floor's TLS server handshake failed")
    go, data = ffi.new("char[]", 1), ffi.new("char[]", b"t" * CHUNK)
    try:
        serve_rounds(rounds, lambda: lib.floor_tls_recv_total(server, go, 1, 1) == 0,
                     lambda: check(lib.floor_tls_send_total(server, data, CHUNK, total),
                                   "floor_tls_send_total"))
    finally:
        lib.floor_tls_free(server)


def _floor_receive_total(total, lib, client, go, buffer):
    check(lib.floor_tls_send_total(client, go, 1, 1), "floor_tls_send_total")
    check(lib.floor_tls_recv_total(client, buffer, CHUNK, total), "floor_tls_recv_total")


def per_round(plan):
    """TLS bytes per measured round: a quarter of the bulk volume."""
    rounds = plan.measured_rounds(TLS_BULK.rounds)
    return bulk_per_round(plan, rounds * 4, CHUNK)


@contextlib.contextmanager
def _sides(plan, lib, ffi):
    if shutil.which("openssl") is None:
        raise RuntimeError("case 5 needs the openssl command for its throw-away CA")
    total = per_round(plan)
    child_rounds = plan.warmup_rounds(*TLS_BULK.warmup) + plan.measured_rounds(TLS_BULK.rounds)
    sides = {}
    with contextlib.ExitStack() as stack:
        directory = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-tls-"))
        make_throwaway_ca(directory)
        for name, module, tls in SIDES:
            server_context, client_context = _contexts(tls, directory)
            mine, theirs = connected(module, "TCP")
            fork_peer(stack, theirs, partial(_serve, server_context, theirs, child_rounds, total))
            client = stack.enter_context(
                client_context.wrap_socket(mine, server_hostname="localhost"))
            sides[name] = timed_loop(receive_total, total, partial(client.sendall, b"g"),
                                     client.recv_into, bytearray(CHUNK))
        mine, theirs = connected(stdlib_socket, "TCP")
        fork_peer(stack, theirs, partial(_floor_serve, lib, ffi, theirs.fileno(), directory,
                                         child_rounds, total))
        stack.enter_context(mine)
        client = lib.floor_tls_client(mine.fileno(), os.path.join(directory, "ca.pem").encode(),
                                      b"localhost")
        if client == ffi.NULL:
            raise OSError("the C floor's TLS client handshake failed")
        stack.callback(lib.floor_tls_free, client)
        sides["C"] = timed_loop(_floor_receive_total, total, lib, client,
                                ffi.new("char[]", b"g"), ffi.new("char[]", CHUNK))
        yield sides


TLS_BULK = Case(
    number=5,
    title="TLS 1.3 bulk transfer over TCP loopback",
    rows=[Row("(5) TLS 1.3 bulk, TCP loopback, 64 KiB sendall/recv_into", "cffisock",
              "stdlib", "C", BYTES_PER_S, "5")],
    open=_sides,
    details=lambda plan: "%d MiB per round" % (per_round(plan) >> 20),
    rounds=32,
    warmup=(1, 4),
    note=("A forked child is the TLS server and sends 64 KiB `sendall` chunks, "
          "the parent a verifying client receiving with `recv_into` (64 KiB "
          "buffer; OpenSSL returns one 16 KiB record per read); both ends are "
          "the implementation under test (stdlib `ssl` or `cffisock.tls`), "
          "TLS 1.3 with the default cipher suite, handshake before the rounds. "
          "Each round starts with a one-byte go message over TLS."),
)

CASES = [TLS_BULK]
