"""Load: a selectors-based echo server on cffisock (non-blocking sockets)
holding 1,000 connections at once, each exchanging 100 messages, and
10,000 short-lived connections one after another; every byte is compared.

The server runs here; the clients (stdlib sockets, ``load_clients.py``) run
in a child process, so that each side has a CPU.  Everything is on
127.0.0.1.
"""

import json
import os
import selectors
import subprocess
import sys
import time

import pytest

import cffisock
from support.stress import descriptor_count, descriptor_limit, report, scaled

pytestmark = pytest.mark.stress

HELD = scaled(1000, 20)
MESSAGES = 100
SHORT_LIVED = scaled(10_000, 100)
CLIENTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "load_clients.py")
WELCOME = b"+"


class EchoServer:
    """An echo server on a non-blocking cffisock listener, driven by a
    selector: it sends ``+`` on each connection it accepts, echoes what
    arrives (what the peer does not take yet waits for EVENT_WRITE), and
    closes a connection at its end of stream.

    Counts: ``accepted``, ``open``, ``peak`` (most connections open at
    once), ``peak_descriptors`` (this process's, at that moment) and
    ``echoed`` (bytes).
    """

    def __init__(self, listener):
        listener.setblocking(False)
        self.listener = listener
        self.selector = selectors.DefaultSelector()
        self.selector.register(listener, selectors.EVENT_READ)
        self.accepted = self.open = self.peak = self.peak_descriptors = self.echoed = 0

    def serve(self, connections, clients, seconds):
        """Serve until ``connections`` were accepted and all closed, or the
        ``clients`` process exited; fail if ``seconds`` pass first."""
        deadline = time.monotonic() + seconds
        while self.accepted < connections or self.open:
            if time.monotonic() > deadline:
                pytest.fail("the server still had %d of %d connections to serve after %s s"
                            % (connections - self.accepted + self.open, connections, seconds))
            events = self.selector.select(0.5)
            if not events and clients.poll() is not None:
                return
            for key, mask in events:
                if key.fileobj is self.listener:
                    self._accept()
                elif mask & selectors.EVENT_READ:
                    self._read(key.fileobj, key.data)
                else:
                    self._write(key.fileobj, key.data)

    def close(self):
        for key in list(self.selector.get_map().values()):
            if key.fileobj is not self.listener:
                key.fileobj.close()
        self.selector.close()

    def _accept(self):
        for _ in range(1024):
            try:
                conn, _ = self.listener.accept()
            except BlockingIOError:
                return
            conn.setblocking(False)
            conn.setsockopt(cffisock.IPPROTO_TCP, cffisock.TCP_NODELAY, 1)
            pending = bytearray(WELCOME)
            self.selector.register(conn, selectors.EVENT_WRITE, pending)
            self.accepted += 1
            self.open += 1
            if self.open > self.peak:
                self.peak = self.open
                self.peak_descriptors = descriptor_count()

    def _read(self, conn, pending):
        try:
            data = conn.recv(1 << 16)
        except BlockingIOError:
            return
        if not data:
            self.selector.unregister(conn)
            conn.close()
            self.open -= 1
            return
        pending += data
        self.echoed += len(data)
        self._write(conn, pending)

    def _write(self, conn, pending):
        try:
            sent = conn.send(pending)
        except BlockingIOError:
            sent = 0
        del pending[:sent]
        wanted = selectors.EVENT_WRITE if pending else selectors.EVENT_READ
        if self.selector.get_key(conn).events != wanted:
            self.selector.modify(conn, wanted, pending)


def run_clients(arguments, connections, held, seconds=150):
    """Run load_clients.py against a fresh EchoServer until the clients are
    done (``connections`` of them, ``held`` open at once at most); return
    ``(server, the clients' figures, seconds)``."""
    with descriptor_limit(held + 512), \
            cffisock.create_server(("127.0.0.1", 0), backlog=min(connections, 4096)) as listener:
        server = EchoServer(listener)
        command = [sys.executable, CLIENTS, arguments[0], str(listener.getsockname()[1])]
        command += [str(argument) for argument in arguments[1:]]
        started = time.monotonic()
        clients = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        try:
            server.serve(connections, clients, seconds)
            output, errors = clients.communicate(timeout=30)
        finally:
            if clients.poll() is None:
                clients.kill()
                clients.communicate()
            server.close()
        elapsed = time.monotonic() - started
    assert clients.returncode == 0, errors
    return server, json.loads(output), elapsed


def test_an_echo_server_holds_1000_connections_of_100_messages_each():
    """1,000 connections open at once on one selector loop, each carrying
    100 messages of 1 to 2,048 bytes, every echo checked by the client; the
    server saw them all open together and echoed every byte."""
    server, clients, elapsed = run_clients(["hold", HELD, MESSAGES], HELD, HELD)
    report("echo server, connections held", connections=HELD, messages=clients["messages"],
           mib=round(clients["bytes"] / (1 << 20), 1), peak_connections=server.peak,
           peak_descriptors=server.peak_descriptors, seconds=round(elapsed, 1))
    assert clients["messages"] == HELD * MESSAGES
    assert (server.accepted, server.peak, server.open) == (HELD, HELD, 0)
    assert server.echoed == clients["bytes"]


def test_an_echo_server_serves_10000_short_lived_connections():
    """10,000 connections one after another (connect, one message, its
    echo, close) to the same selector loop: each is accepted, served and
    closed, every echo checked."""
    server, clients, elapsed = run_clients(["short", SHORT_LIVED], SHORT_LIVED, 1)
    report("echo server, short-lived connections", connections=SHORT_LIVED,
           mib=round(clients["bytes"] / (1 << 20), 1), peak_connections=server.peak,
           seconds=round(elapsed, 1))
    assert clients["connections"] == SHORT_LIVED
    assert (server.accepted, server.open) == (SHORT_LIVED, 0)
    assert server.echoed == clients["bytes"]
