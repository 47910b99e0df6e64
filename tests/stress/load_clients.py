"""The clients of the load tests (tests/stress/test_stress_load.py), run as
a separate process so that they and the server under test use both CPUs.

Stdlib sockets only (an independent peer).  The server sends one byte,
``+``, on each connection it accepts, then echoes what it receives.

    python load_clients.py hold PORT CONNECTIONS MESSAGES
        Open CONNECTIONS connections to 127.0.0.1:PORT, wait until every
        one has its ``+`` (the server then holds them all at once), then
        exchange MESSAGES messages on each, all connections at the same
        time (one selector loop), and close them.
    python load_clients.py short PORT CONNECTIONS
        CONNECTIONS connections one after another: connect, ``+``, one
        message, its echo, close.

Each message has its own size (1 to 2048 bytes) and content; every echo is
compared with it byte for byte.  Prints one JSON object (connections,
messages, bytes, seconds); exits with status 1 and a message on standard
error at the first difference, or when a bound (120 s) is passed.
"""

import json
import random
import selectors
import socket
import sys
import time

SECONDS = 120
WELCOME = b"+"
_BLOCK = random.Random("load").randbytes(1 << 16)


def message(connection, index):
    """Message ``index`` of connection ``connection``."""
    size = 1 + (connection * 7919 + index * 104729) % 2048
    start = (connection * 131 + index * 977) % (len(_BLOCK) - size)
    return _BLOCK[start:start + size]


def fail(text):
    sys.stderr.write("load_clients: %s\n" % text)
    sys.exit(1)


def connect(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def receive_exactly(sock, size):
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            fail("the server closed a connection early")
        data += chunk
    return data


class Exchange:
    """One connection's messages: send one, read its echo, send the next."""

    def __init__(self, number, sock, messages):
        self.number, self.sock, self.messages = number, sock, messages
        self.index = 0
        self.outgoing = memoryview(message(number, 0))
        self.incoming = bytearray()

    def writable(self):
        """Send what is left of the current message; True once all is sent."""
        sent = self.sock.send(self.outgoing)
        self.outgoing = self.outgoing[sent:]
        return not self.outgoing

    def readable(self):
        """Read echo bytes; True once the last message's echo is complete."""
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            fail("connection %d closed by the server" % self.number)
        self.incoming += chunk
        expected = message(self.number, self.index)
        if len(self.incoming) < len(expected):
            return False
        if self.incoming != expected:
            fail("connection %d, message %d: the echo differs" % (self.number, self.index))
        self.incoming = bytearray()
        self.index += 1
        if self.index == self.messages:
            return True
        self.outgoing = memoryview(message(self.number, self.index))
        return False


def hold(port, connections, messages, deadline):
    socks = [connect(port) for _ in range(connections)]
    for sock in socks:
        if receive_exactly(sock, 1) != WELCOME:
            fail("no welcome byte")
    selector = selectors.DefaultSelector()
    for number, sock in enumerate(socks):
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_WRITE, Exchange(number, sock, messages))
    open_exchanges, total = connections, 0
    while open_exchanges:
        if time.monotonic() > deadline:
            fail("%d connections still exchanging after %d s" % (open_exchanges, SECONDS))
        for key, events in selector.select(1):
            exchange = key.data
            if events & selectors.EVENT_WRITE:
                if exchange.writable():
                    selector.modify(key.fileobj, selectors.EVENT_READ, exchange)
            elif exchange.readable():
                total += sum(len(message(exchange.number, i)) for i in range(messages))
                selector.unregister(key.fileobj)
                key.fileobj.close()
                open_exchanges -= 1
            elif not exchange.outgoing:
                continue  # more of this echo to come
            else:
                selector.modify(key.fileobj, selectors.EVENT_WRITE, exchange)
    return total


def short(port, connections, deadline):
    total = 0
    for number in range(connections):
        if time.monotonic() > deadline:
            fail("%d of %d connections done after %d s" % (number, connections, SECONDS))
        with connect(port) as sock:
            if receive_exactly(sock, 1) != WELCOME:
                fail("no welcome byte")
            data = message(number, 0)
            sock.sendall(data)
            if receive_exactly(sock, len(data)) != data:
                fail("connection %d: the echo differs" % number)
            total += len(data)
    return total


def main(argv):
    mode, port, connections = argv[0], int(argv[1]), int(argv[2])
    messages = int(argv[3]) if mode == "hold" else 1
    started = time.monotonic()
    deadline = started + SECONDS
    if mode == "hold":
        total = hold(port, connections, messages, deadline)
    else:
        total = short(port, connections, deadline)
    print(json.dumps({"connections": connections, "messages": connections * messages,
                      "bytes": total, "seconds": round(time.monotonic() - started, 2)}))


if __name__ == "__main__":
    main(sys.argv[1:])
