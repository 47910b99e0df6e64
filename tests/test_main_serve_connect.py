"""``python -m cffisock serve`` and ``connect`` (with and without ``--tls``):
they do what ``--help`` says, checked against the stdlib's ``socket`` and
``ssl`` as peers.  Every command runs as a separate process, on loopback.
"""

import contextlib
import errno
import re
import select
import signal
import socket as stdlib_socket
import ssl as stdlib_ssl
import subprocess
import tempfile
import threading
import time

import pytest

from support.cli import ENV, INTERRUPTIBLE_COMMAND, run_main
from support.loopback import free_port, recv_exactly, requires_ipv6
from support.tls import ThreadedServer, ca_text, echo, read_until_eof, server_context, write_pem


# Lines, bytes that are not UTF-8, and a last line without a newline.
INPUT = b"first line\n" + bytes(range(256)) + b"\n\r\n\nlast line, no newline"


@pytest.fixture
def start_main():
    """``start_main(*arguments)`` starts ``python -m cffisock`` (a Popen,
    binary pipes) that Ctrl-C interrupts; whatever still runs when the test
    ends is killed."""
    processes = []

    def start(*arguments, stdin=subprocess.DEVNULL):
        process = subprocess.Popen(INTERRUPTIBLE_COMMAND + list(arguments), stdin=stdin,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   env=ENV, cwd=tempfile.gettempdir())
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def finish(process, timeout=20):
    """Wait (bounded) for ``process``; return (status, stdout, stderr text)."""
    stdout, stderr = process.communicate(timeout=timeout)
    return process.returncode, stdout, stderr.decode("utf-8", "replace")


def finish_with_stdin_open(process, timeout=20):
    """finish() for a process whose input does not end (communicate()
    would close it): for a process that writes little."""
    try:
        process.wait(timeout)
        return finish(process)
    finally:
        process.stdin.close()


# ---------------------------------------------------------------- serve


def listening_address(process, timeout=20):
    """Wait (bounded) for serve's ``listening on HOST PORT``; return (host, port)."""
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, "serve printed nothing within %s s" % timeout
    line = process.stdout.readline().decode()
    match = re.fullmatch(r"listening on (\S+) (\d+)\n", line)
    assert match, (line, process.stderr.read() if process.poll() is not None else "")
    return match.group(1), int(match.group(2))


def start_serve(start_main, *options):
    process = start_main("serve", "0", *options)
    return process, listening_address(process)


def echo_through(address, payload, timeout=10):
    """Send ``payload`` to an echo server as a stdlib client, end the
    output, and return everything received until the server closes."""
    with stdlib_socket.create_connection(address, timeout=timeout) as client:
        sender = threading.Thread(target=client.sendall, args=(payload,))
        sender.start()  # while the main thread reads the echo
        try:
            received = recv_exactly(client, len(payload))
        finally:
            sender.join(timeout)
        client.shutdown(stdlib_socket.SHUT_WR)
        return received + read_until_eof(client)


def test_serve_on_port_zero_echoes_bytes_exactly_once(start_main):
    payload = bytes(range(256)) * 4096  # 1 MiB
    process, address = start_serve(start_main, "--once")
    assert address[0] == "127.0.0.1" and address[1] != 0
    assert echo_through(address, payload) == payload
    status, _, log = finish(process)
    assert status == 0, log
    assert re.fullmatch(r"accepted from 127\.0\.0\.1 port (\d+)\n"
                        r"closed 127\.0\.0\.1 port \1 \(1048576 bytes echoed\)\n", log)


def test_serve_handles_clients_concurrently(start_main):
    process, address = start_serve(start_main)
    first = stdlib_socket.create_connection(address, timeout=10)
    second = stdlib_socket.create_connection(address, timeout=10)
    with first, second:
        for turn in range(3):  # the turns interleave: both stay connected
            for name, client in (("first", first), ("second", second)):
                message = b"%s %d" % (name.encode(), turn)
                client.sendall(message)
                assert recv_exactly(client, len(message)) == message
        process.send_signal(signal.SIGTERM)
        status, _, log = finish(process)
        # Stopping shut both connections down: each client reads the end.
        assert first.recv(1) == b"" and second.recv(1) == b""
    assert status == 0, log
    assert log.count("accepted from 127.0.0.1 port") == 2
    assert "(21 bytes echoed)" in log and "(24 bytes echoed)" in log  # 3 x "first N", "second N"
    assert "\nstopped\n" in log


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT],
                         ids=["SIGTERM", "Ctrl-C"])
def test_serve_stops_cleanly(start_main, signal_number):
    process, address = start_serve(start_main)
    with stdlib_socket.create_connection(address, timeout=10) as client:
        client.sendall(b"ping")
        assert recv_exactly(client, 4) == b"ping"
        process.send_signal(signal_number)
        status, stdout, log = finish(process)
        assert client.recv(1) == b""
    assert status == 0, log
    assert stdout == b""  # the listening line was read already
    # Stopping shuts the client's connection down, and its thread says so.
    assert re.fullmatch(r"accepted from 127\.0\.0\.1 port (\d+)\nstopped\n"
                        r"closed 127\.0\.0\.1 port \1 \(4 bytes echoed\)\n", log), log


def test_serve_max_clients_makes_the_next_client_wait(start_main):
    process, address = start_serve(start_main, "--max-clients", "1")
    first = stdlib_socket.create_connection(address, timeout=10)
    with first, stdlib_socket.create_connection(address, timeout=10) as second:
        first.sendall(b"first")
        assert recv_exactly(first, 5) == b"first"
        second.sendall(b"second")  # accepted by the kernel, not yet served
        second.settimeout(0.5)
        with pytest.raises(stdlib_socket.timeout):
            second.recv(1)
        first.close()  # frees the one slot
        second.settimeout(10)
        assert recv_exactly(second, 6) == b"second"
    process.send_signal(signal.SIGTERM)
    status, _, log = finish(process)
    assert status == 0, log


def test_serve_says_when_the_port_is_taken(start_main):
    with stdlib_socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        status, stdout, log = finish(start_main("serve", str(port)))
    assert status == 1
    assert stdout == b""
    assert log.startswith("cannot serve on 127.0.0.1 port %d: [Errno %d] Address already in use"
                          % (port, errno.EADDRINUSE))
    assert log.count("\n") == 1


@requires_ipv6
def test_serve_on_ipv6_loopback(start_main):
    process, address = start_serve(start_main, "--host", "::1", "--once")
    assert address[0] == "::1"
    assert echo_through(address, b"over IPv6") == b"over IPv6"
    assert finish(process)[0] == 0


@pytest.mark.parametrize("separate_key", [False, True], ids=["key-in-certfile", "keyfile"])
def test_serve_tls_is_verified_by_a_stdlib_client(start_main, tmp_path, ca, server_cert,
                                                  separate_key):
    if separate_key:
        files = ["--certfile", write_pem(tmp_path, "cert.pem", *server_cert.cert_chain_pems),
                 "--keyfile", write_pem(tmp_path, "key.pem", server_cert.private_key_pem)]
    else:
        files = ["--certfile", write_pem(tmp_path, "server.pem", server_cert.private_key_pem,
                                         *server_cert.cert_chain_pems)]
    process, address = start_serve(start_main, "--tls", *files, "--once")
    context = stdlib_ssl.create_default_context(cadata=ca_text(ca))
    payload = bytes(range(256)) * 64
    with stdlib_socket.create_connection(address, timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as client:
            subject = dict(pair for rdn in client.getpeercert()["subject"] for pair in rdn)
            client.sendall(payload)
            assert recv_exactly(client, len(payload)) == payload
    assert subject["organizationName"].startswith("trustme")
    status, _, log = finish(process)
    assert status == 0, log
    assert "(%d bytes echoed)" % len(payload) in log


def test_serve_tls_logs_a_failed_handshake_and_goes_on(start_main, tmp_path, server_cert):
    certfile = write_pem(tmp_path, "server.pem", server_cert.private_key_pem,
                         *server_cert.cert_chain_pems)
    process, address = start_serve(start_main, "--tls", "--certfile", certfile)
    with stdlib_socket.create_connection(address, timeout=10) as plain:
        plain.sendall(b"this is not TLS\r\n\r\n")
        # The server gives up on the handshake and closes: the end, or a
        # reset if it left some of our bytes unread.
        with contextlib.suppress(ConnectionResetError):
            read_until_eof(plain)
    verifying = stdlib_ssl.create_default_context()  # does not trust the trustme CA
    with stdlib_socket.create_connection(address, timeout=10) as raw:
        with pytest.raises(stdlib_ssl.SSLCertVerificationError):
            verifying.wrap_socket(raw, server_hostname="localhost")
    process.send_signal(signal.SIGTERM)
    status, _, log = finish(process)
    assert status == 0, log
    assert log.count("(0 bytes echoed, then [SSL: ") == 2, log


# ---------------------------------------------------------------- connect


def connect_main(*arguments, input=INPUT):
    """``connect`` with ``input`` piped in: (status, stdout bytes, stderr text)."""
    result = run_main("connect", *arguments, input=input, text=False, timeout=30)
    return result.returncode, result.stdout, result.stderr.decode("utf-8", "replace")


def test_connect_sends_stdin_and_prints_the_echo(fd_leak_check):
    with ThreadedServer(echo) as server:
        status, stdout, log = connect_main(*map(str, server.address))
    assert status == 0, log
    assert stdout == INPUT  # byte for byte
    assert server.result() == len(INPUT)  # the server saw the input end (SHUT_WR)
    assert log == "connected to 127.0.0.1 port %d\n" % server.address[1]


def test_connect_ends_when_the_peer_closes_while_stdin_is_open(start_main):
    def greet(conn):
        conn.sendall(b"greeting\n")

    with ThreadedServer(greet) as server:
        process = start_main("connect", *map(str, server.address), stdin=subprocess.PIPE)
        status, stdout, log = finish_with_stdin_open(process)
    assert status == 0, log
    assert stdout == b"greeting\n"
    assert "Fatal Python error" not in log  # the stdin thread does not hold up the exit


def test_connect_waits_at_most_timeout_for_the_peer_to_close():
    release = threading.Event()

    def read_and_hold(conn):
        data = read_until_eof(conn)
        conn.sendall(data)
        release.wait(20)  # keeps the connection open
        return data

    with ThreadedServer(read_and_hold, timeout=30) as server:
        started = time.monotonic()
        status, stdout, log = connect_main(*map(str, server.address), "--timeout", "1")
        elapsed = time.monotonic() - started
        release.set()
    assert status == 0, log
    assert stdout == INPUT
    assert "the peer did not close within 1 s of the end of the input" in log
    assert 1 <= elapsed < 15


def test_connect_ends_quietly_when_its_output_is_closed(start_main):
    sent = threading.Event()

    def flood_and_hold(conn):
        conn.sendall(b"x" * (1 << 22))  # more than the pipe holds
        sent.wait(20)

    with ThreadedServer(flood_and_hold, timeout=30) as server:
        process = start_main("connect", *map(str, server.address))
        process.stdout.read(10)
        process.stdout.close()  # as "| head -c 10" does
        status, _, log = finish(process)
        sent.set()
    assert status == 0, log
    assert log == "connected to 127.0.0.1 port %d\n" % server.address[1]


def test_connect_interrupted_by_ctrl_c_exits_130_without_a_traceback(start_main):
    release = threading.Event()

    with ThreadedServer(lambda conn: release.wait(20), timeout=30) as server:
        process = start_main("connect", *map(str, server.address), stdin=subprocess.PIPE)
        try:
            # Wait (bounded) until it has connected: its first line on stderr.
            ready, _, _ = select.select([process.stderr], [], [], 20)
            assert ready
            assert process.stderr.readline().startswith(b"connected to ")
            process.send_signal(signal.SIGINT)
            status, stdout, log = finish_with_stdin_open(process)
        finally:
            release.set()
    assert (status, stdout, log) == (130, b"", "")


def test_connect_to_a_closed_port_fails_in_one_line():
    port = free_port()
    status, stdout, log = connect_main("127.0.0.1", str(port))
    assert status == 1
    assert stdout == b""
    assert log == "cannot connect to 127.0.0.1 port %d: [Errno %d] Connection refused\n" % (
        port, errno.ECONNREFUSED)


def test_connect_and_serve_talk_to_each_other(start_main):
    process, (host, port) = start_serve(start_main, "--once")
    status, stdout, log = connect_main(host, str(port))
    assert (status, stdout) == (0, INPUT), log
    assert finish(process)[0] == 0


# ---------------------------------------------------------------- connect --tls


def echo_exactly(size):
    """A TLS server's handler: read ``size`` bytes, send them back, close
    (a TLS client cannot end its output without ending the connection)."""
    def handler(conn):
        data = recv_exactly(conn, size)
        conn.sendall(data)
        return data

    return handler


def tls_server(server_cert, handler):
    return ThreadedServer(handler, context=server_context("stdlib", server_cert))


def test_connect_tls_verifies_the_server_with_cafile(tmp_path, ca, server_cert):
    cafile = write_pem(tmp_path, "ca.pem", ca.cert_pem)
    with tls_server(server_cert, echo_exactly(len(INPUT))) as server:
        status, stdout, log = connect_main(
            "127.0.0.1", str(server.address[1]), "--tls", "--cafile", cafile,
            "--server-hostname", "localhost")
        assert server.result() == INPUT
    assert status == 0, log
    assert stdout == INPUT
    assert re.search(r"^TLS: TLSv1\.[23], cipher \S+ \(\d+ bits\)$", log, re.MULTILINE), log
    assert re.search(r"^verified peer: organizationName=trustme", log, re.MULTILINE), log


def test_connect_tls_checks_an_address_against_the_certificate(tmp_path, ca, server_cert):
    cafile = write_pem(tmp_path, "ca.pem", ca.cert_pem)  # the certificate names 127.0.0.1
    with tls_server(server_cert, echo_exactly(len(INPUT))) as server:
        status, stdout, log = connect_main(*map(str, server.address), "--tls",
                                           "--cafile", cafile)
    assert (status, stdout) == (0, INPUT), log


@pytest.mark.parametrize("options, reason", [
    ([], "unable to get local issuer certificate"),  # the trustme CA is not trusted
    (["--server-hostname", "example.org"], "Hostname mismatch"),
], ids=["unknown-ca", "wrong-name"])
def test_connect_tls_verification_failure_is_one_clear_line(tmp_path, ca, server_cert,
                                                            options, reason):
    if options:
        options = ["--cafile", write_pem(tmp_path, "ca.pem", ca.cert_pem)] + options
    with tls_server(server_cert, echo_exactly(len(INPUT))) as server:
        status, stdout, log = connect_main(*map(str, server.address), "--tls", *options)
    assert status == 1
    assert stdout == b""
    connected, failed = log.splitlines()
    assert connected == "connected to 127.0.0.1 port %d" % server.address[1]
    assert failed.startswith("TLS handshake with 127.0.0.1 port %d failed: "
                             "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
                             % server.address[1])
    assert reason in failed
    assert failed.endswith("(give the server's CA with --cafile, or --insecure)")


def test_connect_tls_insecure_skips_verification_and_says_so(server_cert):
    with tls_server(server_cert, echo_exactly(len(INPUT))) as server:
        status, stdout, log = connect_main(*map(str, server.address), "--tls", "--insecure")
    assert (status, stdout) == (0, INPUT), log
    assert log.startswith("warning: --insecure: the server's certificate and host name "
                          "are NOT verified\n")
    assert "peer certificate NOT verified\n" in log


def test_connect_tls_reports_an_unreadable_cafile(tmp_path):
    status, stdout, log = connect_main("127.0.0.1", str(free_port()), "--tls",
                                       "--cafile", str(tmp_path / "missing.pem"))
    assert status == 1
    assert log.startswith("cannot load the CA certificates: [Errno 2] No such file")
    assert log.count("\n") == 1
