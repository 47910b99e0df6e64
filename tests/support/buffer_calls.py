"""The registry of buffer scenarios and what they run on, for
``buffer_scenarios`` (see there for the property they serve).

``@scenario(callable, path, expect)`` registers ``run(side, resources,
buffer)``: one call of ``callable`` with the caller's ``buffer`` that goes
down ``path`` (returns, a timeout, EAGAIN...).  ``Side`` holds one side's
modules (the stdlib's ``socket`` and ``ssl`` or cffisock's) and TLS contexts
for a trustme CA; ``Resources`` opens the sockets a scenario needs and
closes them when it is done.  The scenarios live in ``buffer_calls_socket``
and ``buffer_calls_tls``.
"""

import builtins
from collections import namedtuple

KINDS = ("bytearray", "memoryview")
SIZE = 4096  # large enough for every call; TLS writes wait on 1 KiB ones
#: (callable, path, expected outcome (or {buffer kind: outcome}),
#: function(side, resources, buffer), initial buffer content (bytes, or a
#: function of the side giving them) or None for SIZE zero bytes, sides it
#: runs on)
Scenario = namedtuple("Scenario", "callable path expect run content sides")
SCENARIOS = []
BOTH = ("stdlib", "cffisock")


def scenario(callable_name, path, expect, content=None, sides=BOTH):
    """Register the decorated ``run(side, resources, buffer)``; ``expect``
    is "returns" or the name of the exception class (looked up in the
    side's socket and ssl modules, then the builtins), or a dict of them by
    buffer kind, for calls that take a bytearray but no memoryview."""
    def register(run):
        SCENARIOS.append(Scenario(callable_name, path, expect, run, content, sides))
        return run
    return register


#: What a call that takes bytes or bytearray, but no other bytes-like
#: object, does when it can: the memoryview is a bad argument.
ONLY_BYTEARRAY = {"bytearray": "returns", "memoryview": "TypeError"}


class Side:
    """The modules of one side: ``socket`` and ``ssl`` (the stdlib's or
    cffisock's), a trustme CA and leaf certificate, and TLS contexts of the
    side for them."""

    def __init__(self, name, ca, leaf):
        from support import tls as tls_support

        self.name = name
        self.ca = ca
        self.leaf = leaf
        self.socket = tls_support.SOCKET_MODULES[name]
        self.ssl = tls_support.SSL_MODULES[name]
        self.server_context = tls_support.server_context(name, leaf)
        self.client_context = tls_support.client_context(name, ca)

    def exception(self, name):
        for module in (self.socket, self.ssl, builtins):
            if hasattr(module, name):
                return getattr(module, name)
        raise LookupError(name)


class Resources:
    """What one scenario opens; all closed when it is done."""

    def __init__(self, side):
        self.side = side
        self._open = []

    def keep(self, *things):
        self._open.extend(things)
        return things if len(things) > 1 else things[0]

    def close_all(self):
        for thing in reversed(self._open):
            thing.close()

    def pair(self, kind=None, timeout=5.0):
        """A connected socketpair (AF_UNIX), both with ``timeout``."""
        socket = self.side.socket
        a, b = self.keep(*socket.socketpair(socket.AF_UNIX, kind or socket.SOCK_STREAM))
        a.settimeout(timeout)
        b.settimeout(timeout)
        return a, b

    def tls_pair(self):
        """``(client, server)``: TLS sockets over a socketpair after the
        handshake (driven without threads), both with a 5 s timeout."""
        side = self.side
        a, b = self.pair()
        client = self.keep(side.client_context.wrap_socket(
            a, server_hostname="localhost", do_handshake_on_connect=False))
        server = self.keep(side.server_context.wrap_socket(
            b, server_side=True, do_handshake_on_connect=False))
        shake_without_threads(side, client, server)
        return client, server

    def full_tls_client(self):
        """A TLS client whose peer reads nothing, written to until its
        socket is full (non-blocking), then given a 0.02 s timeout."""
        client, _server = self.tls_pair()
        client.setblocking(False)
        chunk = bytes(1024)  # a later write of SIZE bytes may retry it
        for _ in range(100000):
            try:
                client.send(chunk)
            except self.side.ssl.SSLWantWriteError:
                break
        client.settimeout(0.02)
        return client

    def full_pair(self, kind=None):
        """A socketpair whose first socket cannot send any more (its
        peer's buffer is full); the first socket is non-blocking."""
        a, b = self.pair(kind)
        a.setblocking(False)
        chunk = bytes(SIZE)
        for _ in range(100000):
            try:
                a.send(chunk)
            except BlockingIOError:
                return a, b
        raise RuntimeError("the socketpair never filled")

    def memory_pair(self):
        """``(client, deliver)``: an SSLObject of the side after the
        handshake with a second one, and the function that moves the
        records between them."""
        ssl = self.side.ssl
        bios = [ssl.MemoryBIO() for _ in range(4)]
        client = self.side.client_context.wrap_bio(bios[0], bios[1], server_hostname="localhost")
        server = self.side.server_context.wrap_bio(bios[2], bios[3], server_side=True)

        def deliver():
            bios[2].write(bios[1].read())
            bios[0].write(bios[3].read())

        for _ in range(20):
            done = 0
            for end in (client, server):
                try:
                    end.do_handshake()
                    done += 1
                except ssl.SSLWantReadError:
                    pass
            deliver()
            if done == 2:
                return client, server, deliver
        raise RuntimeError("the memory handshake did not finish")


def shake_without_threads(side, *ends):
    """Drive the handshakes of the TLS sockets ``ends`` (non-blocking,
    taking turns) until all are done; leave them blocking with a 5 s
    timeout."""
    for end in ends:
        end.setblocking(False)
    pending = list(ends)
    for _ in range(50):
        for end in list(pending):
            try:
                end.do_handshake()
                pending.remove(end)
            except (side.ssl.SSLWantReadError, side.ssl.SSLWantWriteError):
                pass
        if not pending:
            break
    else:
        raise RuntimeError("the TLS handshake did not finish")
    for end in ends:
        end.settimeout(5.0)
