"""``python -m cffisock``: the demo runs the spec's echo programs on
loopback and says what it did; ``resolve``, ``connect``, ``serve`` and
``info`` do what ``--help`` says, checked against the stdlib's ``socket``
and ``ssl`` as peers.  Every command runs as a separate process.
"""

import contextlib
import ctypes
import errno
import json
import os
import platform
import re
import select
import shutil
import signal
import socket as stdlib_socket
import ssl as stdlib_ssl
import subprocess
import sys
import tempfile
import threading
import time

import pytest

import cffisock
from support.loopback import free_port, ipv6_loopback_works, recv_exactly, requires_ipv6
from support.tls import ThreadedServer, ca_text, echo, read_until_eof, server_context, write_pem

ENV = dict(os.environ,
           PYTHONPATH=os.path.dirname(os.path.dirname(cffisock.__file__)))
COMMAND = [sys.executable, "-m", "cffisock"]
# Lines, bytes that are not UTF-8, and a last line without a newline.
INPUT = b"first line\n" + bytes(range(256)) + b"\n\r\n\nlast line, no newline"


def run_main(*arguments, input=None, text=True, timeout=60):
    # Run outside the source tree: "-m" puts the working directory first on
    # sys.path, and the tree's cffisock/ has no compiled module.
    return subprocess.run(COMMAND + list(arguments), input=input,
                          capture_output=True, text=text, env=ENV, timeout=timeout,
                          cwd=tempfile.gettempdir())


@pytest.fixture
def start_main():
    """``start_main(*arguments)`` starts ``python -m cffisock`` (a Popen,
    binary pipes); whatever still runs when the test ends is killed."""
    processes = []

    def start(*arguments, stdin=subprocess.DEVNULL):
        process = subprocess.Popen(COMMAND + list(arguments), stdin=stdin,
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


def test_demo_echoes_over_every_family():
    result = run_main()
    assert result.returncode == 0, result.stderr
    assert "IPv4: echo intact" in result.stdout
    assert "UNIX: echo intact" in result.stdout
    if ipv6_loopback_works():
        assert "IPv6: echo intact" in result.stdout
    else:
        assert "IPv6: skipped" in result.stdout
    assert "client: received b'Hello, world'" in result.stdout
    if shutil.which("openssl"):
        assert "TLS: echo intact" in result.stdout
        assert "client: verified localhost, TLSv1." in result.stdout
    else:
        assert "the openssl command (for a throw-away CA) is missing" in result.stdout


def test_demo_command_is_the_default():
    assert run_main("demo").stdout.count("echo intact") == \
        run_main().stdout.count("echo intact")


def test_unknown_command_is_refused():
    result = run_main("no-such-command")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def table_rows(output):
    lines = output.splitlines()
    assert lines[0].split() == ["family", "type", "proto", "canonname", "address"]
    return [line.split(None, 4) for line in lines[1:]]


def test_resolve_prints_getaddrinfo_as_a_table():
    result = run_main("resolve", "127.0.0.1", "80", "--type", "stream")
    assert result.returncode == 0, result.stderr
    expected = [[family.name, kind.name, str(proto), canonname or "-", repr(address)]
                for family, kind, proto, canonname, address in stdlib_socket.getaddrinfo(
                    "127.0.0.1", 80, 0, stdlib_socket.SOCK_STREAM, 0,
                    stdlib_socket.AI_CANONNAME)]
    assert table_rows(result.stdout) == expected


def test_resolve_reports_a_name_that_cannot_be_resolved():
    # A label over 63 bytes fails locally, before any DNS query.
    result = run_main("resolve", "a" * 64 + ".invalid")
    assert result.returncode == 1
    assert result.stdout.startswith("cannot resolve ")


def test_the_commands_import_no_socket_ssl_select_or_selectors():
    # The commands' own imports (info adds cffi).  Not the demo's: it runs
    # the openssl command through subprocess, which imports select; nor
    # cffisock.tls's: its exceptions subclass the stdlib's from _ssl, which
    # on PyPy is Python code that imports socket.
    code = ("import sys\n"
            "import cffi\n"
            "from cffisock import __main__, _connect_command, _info_command, "
            "_resolve_command, _serve_command\n"
            "print(sorted(m for m in ('socket', 'ssl', 'select', 'selectors') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-s", "-c", code], capture_output=True,
                            text=True, env=ENV, timeout=30, cwd=tempfile.gettempdir())
    assert (result.returncode, result.stdout) == (0, "[]\n"), result.stderr


# ---------------------------------------------------------------- --help

COMMANDS = ["demo", "resolve", "connect", "serve", "info"]


def test_help_lists_every_command_with_a_description_and_an_example():
    result = run_main("--help")
    assert result.returncode == 0, result.stderr
    listing, epilog = result.stdout.split("\ncommands:\n")
    for command in COMMANDS:
        # argparse's list of commands: the name, then its one-line help.
        assert re.search(r"^ +%s +\w" % command, listing, re.MULTILINE), command
        # The epilog: what the command does, and an example.
        assert re.search(r"^  %s +\w" % command, epilog, re.MULTILINE), command
        assert "python -m cffisock %s" % command in epilog


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_its_own_help(command):
    result = run_main(command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m cffisock %s" % command)


@pytest.mark.parametrize("arguments, message", [
    (["connect", "127.0.0.1", "1", "--cafile", "ca.pem"], "--cafile: only with --tls"),
    (["connect", "127.0.0.1", "1", "--insecure"], "--insecure: only with --tls"),
    (["connect", "127.0.0.1", "1", "--tls", "--insecure", "--cafile", "ca.pem"],
     "not allowed with argument"),
    (["connect", "127.0.0.1", "65536"], "65536: must be 0..65535"),
    (["connect", "127.0.0.1", "1", "--timeout", "0"], "0: must be positive"),
    (["serve", "0", "--tls"], "--tls needs --certfile"),
    (["serve", "0", "--keyfile", "key.pem"], "--keyfile: only with --tls"),
    (["serve", "0", "--max-clients", "0"], "0: must be at least 1"),
])
def test_bad_options_are_refused_before_anything_runs(arguments, message):
    result = run_main(*arguments, timeout=30)
    assert result.returncode == 2
    assert message in result.stderr


# ---------------------------------------------------------------- info


def mapped_libssl(statement):
    """(the libssl files a fresh interpreter has mapped after ``statement``,
    whether it has the stdlib's ssl modules loaded)."""
    code = ("%s\nimport json, sys\nprint(json.dumps([sorted({line.split()[-1] for line in "
            "open('/proc/self/maps') if '/libssl.so' in line}), "
            "'ssl' in sys.modules or '_ssl' in sys.modules]))" % statement)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                            text=True, env=ENV, timeout=30, cwd=tempfile.gettempdir())
    assert result.returncode == 0, result.stderr
    return tuple(json.loads(result.stdout))


def libssl_version(path):
    """What the OpenSSL library at ``path`` says its version is (run time)."""
    library = ctypes.CDLL(path)
    library.OpenSSL_version.restype = ctypes.c_char_p
    library.OpenSSL_version.argtypes = [ctypes.c_int]
    return library.OpenSSL_version(0).decode("ascii")  # 0: OPENSSL_VERSION


def info_fields(output):
    """The first lines of ``info``: {"interpreter": "CPython 3.11.7 (...)", ...}."""
    fields = {}
    for line in output.splitlines():
        if not line:
            break
        name, value = line.split(None, 1)
        fields[name] = value
    return fields


def test_info_prints_the_versions():
    import cffi
    from cffisock import tls

    result = run_main("info")
    assert result.returncode == 0, result.stderr
    fields = info_fields(result.stdout)
    assert fields["interpreter"].startswith("%s %s (%s)" % (
        platform.python_implementation(), platform.python_version(), sys.executable))
    assert fields["cffisock"] == cffisock.__version__
    assert fields["cffi"] == cffi.__version__
    assert fields["OpenSSL"] == "%s (headers 0x%x)" % (tls.OPENSSL_VERSION,
                                                       tls.OPENSSL_VERSION_NUMBER)
    cffisock_libssl, stdlib_loaded = mapped_libssl("import cffisock._ssl_cffi")
    assert not stdlib_loaded  # the libssl mapped is cffisock's alone
    assert len(cffisock_libssl) == 1
    assert fields["OpenSSL"].startswith(libssl_version(cffisock_libssl[0]) + " (")
    # The stdlib's ssl.OPENSSL_VERSION is comparable if its _ssl, imported
    # alone, maps that same library, and reads the version at run time as
    # CPython does (PyPy's is OPENSSL_VERSION_TEXT, from the headers it was
    # built with).
    stdlib_libssl, _ = mapped_libssl("import _ssl")
    if stdlib_libssl == cffisock_libssl and platform.python_implementation() == "CPython":
        assert fields["OpenSSL"].startswith(stdlib_ssl.OPENSSL_VERSION + " (")


def stdlib_socket_outcome(family, socket_type, proto):
    """What the stdlib's socket() does with the same numbers."""
    try:
        stdlib_socket.socket(family, socket_type, proto).close()
        return "works"
    except OSError as exc:
        return errno.errorcode[exc.errno]


FAMILIES = ["AF_UNIX", "AF_INET6", "AF_PACKET", "AF_CAN", "AF_VSOCK", "AF_ALG",
            "AF_TIPC", "AF_RDS"]
MODULE_NAMES = ["SO_REUSEPORT", "TCP_NODELAY", "TCP_KEEPIDLE", "TCP_FASTOPEN",
                "IP_PKTINFO", "IPV6_RECVPKTINFO", "SCM_CREDENTIALS",
                "MSG_CMSG_CLOEXEC", "if_nameindex", "sethostname"]
SOCKET_METHODS = ["sendmsg", "recvmsg", "sendfile"]


def test_info_json_agrees_with_the_module_and_the_stdlib():
    from cffisock import tls

    result = run_main("info", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["interpreter"]["executable"] == sys.executable
    assert report["cffisock"] == cffisock.__version__
    assert report["openssl"]["version"] == tls.OPENSSL_VERSION
    assert report["features"] == dict(
        [(name, hasattr(cffisock, name)) for name in MODULE_NAMES]
        + [("socket." + name, hasattr(cffisock.socket, name)) for name in SOCKET_METHODS])
    assert report["tls"] == {
        "TLS 1.3": tls.HAS_TLSv1_3, "ALPN": tls.HAS_ALPN,
        "post-handshake auth": hasattr(tls.SSLContext, "post_handshake_auth")}
    assert list(report["families"]) == FAMILIES
    for name, probe in report["families"].items():
        assert probe["compiled"] == hasattr(cffisock, name), name
        if probe["compiled"]:
            assert probe["socket"] == stdlib_socket_outcome(
                getattr(cffisock, name), getattr(cffisock, probe["type"]),
                probe["proto"]), name
    assert report["families"]["AF_INET6"]["loopback"] == ipv6_loopback_works()


def test_info_text_shows_each_family_as_the_json_does():
    report = json.loads(run_main("info", "--json").stdout)
    text = run_main("info").stdout
    for name, probe in report["families"].items():
        line = re.search(r"^  %s +(yes|no) +(.*)$" % name, text, re.MULTILINE)
        assert line, name
        if not probe["compiled"]:
            assert line.groups() == ("no", "not compiled")
        elif probe["socket"] == "works":
            assert line.group(1) == "yes"
            assert line.group(2).startswith("compiled, socket() works")
        else:
            assert line.groups() == ("no", "compiled, socket() -> " + probe["socket"])
    ipv6 = "works" if report["families"]["AF_INET6"]["loopback"] else "does not work"
    assert ", ::1 %s" % ipv6 in text


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
