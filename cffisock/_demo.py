"""The ``demo`` command: the spec's echo server and client on loopback.

Each round runs the spec's server (socket, bind, listen, accept, recv/send
until EOF) in a thread and the spec's client (socket, connect, send, recv)
against it, over IPv4, IPv6 (when this machine has ::1) and a UNIX socket
in Linux's abstract namespace, and prints what happened.
"""

import os
import threading

import cffisock as socket

GREETING = b"Hello, world"


def _serve_one_client(server, log):
    conn, addr = server.accept()
    log("server: connected by %r" % (addr,))
    with conn:
        while True:
            data = conn.recv(1024)
            if not data:
                break
            conn.sendall(data)
    log("server: client closed, connection done")


def echo_round(family, address, log):
    """Run one echo exchange; return the bytes the client got back."""
    with socket.socket(family, socket.SOCK_STREAM) as server:
        server.settimeout(10)
        server.bind(address)
        server.listen(1)
        bound = server.getsockname()
        log("server: listening on %r" % (bound,))
        thread = threading.Thread(target=_serve_one_client, args=(server, log))
        thread.start()
        try:
            with socket.socket(family, socket.SOCK_STREAM) as client:
                client.settimeout(10)
                client.connect(bound)
                client.sendall(GREETING)
                client.shutdown(socket.SHUT_WR)
                received = b""
                while True:
                    chunk = client.recv(1024)
                    if not chunk:
                        break
                    received += chunk
            log("client: received %r" % (received,))
        finally:
            thread.join(10)
    return received


def _ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


def run(print_line=print):
    """Run every demo round; return 0 if each echoed the greeting intact."""
    rounds = [("IPv4", socket.AF_INET, ("127.0.0.1", 0))]
    if _ipv6_loopback():
        rounds.append(("IPv6", socket.AF_INET6, ("::1", 0)))
    else:
        print_line("IPv6: skipped, this machine has no ::1")
    rounds.append(("UNIX", socket.AF_UNIX,
                   b"\0cffisock-demo-%d" % os.getpid()))
    failures = 0
    for name, family, address in rounds:
        print_line("== %s echo (%s) ==" % (name, family.name))
        received = echo_round(family, address,
                              lambda text, name=name: print_line("  " + text))
        ok = received == GREETING
        failures += not ok
        print_line("  %s: %s" % (name, "echo intact" if ok else "ECHO MISMATCH"))
    return 1 if failures else 0
