"""A recording TCP relay on 127.0.0.1, to see what crosses the wire.

``Relay(target)`` listens on ``relay.address`` and, for one client,
connects to ``target`` and copies bytes both ways until both sides closed
(or ``timeout`` seconds passed), keeping a copy of each direction:
``relay.upstream`` (client to target) and ``relay.downstream``.  A
connection reset ends a direction as its end of stream does.  Stdlib
sockets and ``selectors``: the relay is test machinery, not under test.
"""

import selectors
import socket
import time

from support.concurrency import ListeningThread


class Relay(ListeningThread):
    def __init__(self, target, timeout=20):
        super().__init__(timeout)
        self._target = target
        self.upstream = bytearray()
        self.downstream = bytearray()
        self.start()

    def serve(self):
        client, _ = self.listener.accept()
        with client, socket.create_connection(self._target, timeout=self.timeout) as server:
            self._copy(client, server)

    def _copy(self, client, server):
        routes = {client: (server, self.upstream), server: (client, self.downstream)}
        deadline = time.monotonic() + self.timeout
        with selectors.DefaultSelector() as selector:
            for sock in routes:
                selector.register(sock, selectors.EVENT_READ)
            while routes and time.monotonic() < deadline:
                for key, _ in selector.select(timeout=0.1):
                    source = key.fileobj
                    destination, record = routes[source]
                    try:
                        data = source.recv(65536)
                        if data:
                            destination.sendall(data)
                    except ConnectionError:  # a reset ends the direction too
                        data = b""
                    if data:
                        record += data
                    else:  # this direction ended: pass the end on
                        selector.unregister(source)
                        del routes[source]
                        try:
                            destination.shutdown(socket.SHUT_WR)
                        except OSError:
                            pass


def shares_a_window(recording, secret, width=16):
    """True if any ``width``-byte window of ``secret`` occurs in
    ``recording``."""
    windows = {bytes(secret[i:i + width]) for i in range(len(secret) - width + 1)}
    recording = bytes(recording)
    return any(recording[i:i + width] in windows for i in range(len(recording) - width + 1))
