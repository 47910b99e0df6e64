"""The ``demo`` command: the spec's echo server and client on loopback.

Each round runs the spec's server (socket, bind, listen, accept, recv/send
until EOF) in a thread and the spec's client (socket, connect, send, recv)
against it, over IPv4, IPv6 (when this machine has ::1), a UNIX socket in
Linux's abstract namespace, and TLS over IPv4: a throw-away CA made with the
``openssl`` command, a server certificate for localhost, a client that
verifies it, and the negotiated version, cipher and ALPN protocol printed.
"""

import os
import shutil
import subprocess
import tempfile
import threading

import cffisock as socket
from cffisock.cli.threads import release_tls_state

GREETING = b"Hello, world"


def _serve_one_client(server, log, wrap):
    try:
        conn, addr = server.accept()
        log("server: connected by %r" % (addr,))
        conn = wrap(conn)
        with conn:
            while True:
                data = conn.recv(1024)
                if not data:
                    break
                conn.sendall(data)
        log("server: client closed, connection done")
    finally:
        release_tls_state()  # before the demo's join returns (see cli.threads)


def _plain(sock):
    return sock


def echo_round(family, address, log, wrap_server=_plain, wrap_client=_plain):
    """Run one echo exchange; return the bytes the client got back.

    ``wrap_server``/``wrap_client`` may turn each side's connected socket
    into another (a TLS socket)."""
    with socket.socket(family, socket.SOCK_STREAM) as server:
        server.settimeout(10)
        server.bind(address)
        server.listen(1)
        bound = server.getsockname()
        log("server: listening on %r" % (bound,))
        thread = threading.Thread(target=_serve_one_client,
                                  args=(server, log, wrap_server))
        thread.start()
        try:
            client = socket.socket(family, socket.SOCK_STREAM)
            client.settimeout(10)
            client.connect(bound)
            with wrap_client(client) as client:
                client.sendall(GREETING)
                # Read the echo, then close: the server's loop ends at EOF.
                # (No half-close: TLS has none, and OpenSSL answers a TCP
                # half-close with an alert.)
                received = b""
                while len(received) < len(GREETING):
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


def _openssl(*arguments, cwd):
    subprocess.run(["openssl", *arguments], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_throwaway_ca(directory):
    """Make ca.pem and server.pem/server.key (localhost, 127.0.0.1)."""
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    # keyUsage: create_default_context() checks chains with
    # VERIFY_X509_STRICT, which wants it in a CA certificate.
    _openssl("req", "-x509", *key, "-keyout", "ca.key", "-out", "ca.pem",
             "-days", "1", "-subj", "/CN=cffisock demo CA",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=directory)
    _openssl("req", *key, "-keyout", "server.key", "-out", "server.csr",
             "-subj", "/CN=localhost", cwd=directory)
    with open(os.path.join(directory, "san.ext"), "w") as extensions:
        extensions.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey",
             "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "1",
             "-extfile", "san.ext", cwd=directory)


def tls_round(log):
    """The echo exchange over TLS with a verified client; return the bytes
    the client got back, or None if the openssl command is missing."""
    from cffisock import tls

    if shutil.which("openssl") is None:
        log("skipped: the openssl command (for a throw-away CA) is missing")
        return None
    with tempfile.TemporaryDirectory() as directory:
        make_throwaway_ca(directory)
        log("made a throw-away CA and a certificate for localhost")
        server_context = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
        server_context.load_cert_chain(os.path.join(directory, "server.pem"),
                                       os.path.join(directory, "server.key"))
        server_context.set_alpn_protocols(["echo/1", "http/1.1"])
        client_context = tls.create_default_context(
            cafile=os.path.join(directory, "ca.pem"))
        client_context.set_alpn_protocols(["echo/1"])

    def wrap_client(sock):
        tls_sock = client_context.wrap_socket(sock, server_hostname="localhost")
        log("client: verified localhost, %s, %s, ALPN %s" % (
            tls_sock.version(), tls_sock.cipher()[0],
            tls_sock.selected_alpn_protocol()))
        return tls_sock

    return echo_round(
        socket.AF_INET, ("127.0.0.1", 0), log,
        wrap_server=lambda sock: server_context.wrap_socket(sock, server_side=True),
        wrap_client=wrap_client)


def run(print_line=print):
    """Run every demo round; return 0 if each echoed the greeting intact."""
    lock = threading.Lock()
    unlocked_print = print_line

    def print_line(text):  # the server thread and the client both log
        with lock:
            unlocked_print(text)

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
        failures += _report(name, received, print_line)
    print_line("== TLS echo (AF_INET, verified) ==")
    received = tls_round(lambda text: print_line("  " + text))
    if received is not None:
        failures += _report("TLS", received, print_line)
    return 1 if failures else 0


def _report(name, received, print_line):
    ok = received == GREETING
    print_line("  %s: %s" % (name, "echo intact" if ok else "ECHO MISMATCH"))
    return not ok
