"""The spec's four example programs (examples/), run as real processes on
loopback: each server serves one client, which must get its greeting back."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from support.cli import ENV
from support.loopback import requires_ipv6

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_example_pair(server_name, client_name, server_host, client_host):
    """Start the server, connect the client to its port, return both outputs."""
    server = subprocess.Popen(
        [sys.executable, str(EXAMPLES / server_name), server_host, "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    try:
        first_line = server.stdout.readline()
        assert first_line.startswith("Listening on "), (
            first_line + server.stderr.read())
        port = ast.literal_eval(first_line[len("Listening on "):])[1]
        client = subprocess.run(
            [sys.executable, str(EXAMPLES / client_name), client_host, str(port)],
            capture_output=True, text=True, env=ENV, timeout=30)
        server_rest, server_errors = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert client.returncode == 0, client.stderr
    assert server.returncode == 0, server_errors
    return client.stdout, server_rest


@pytest.mark.parametrize("server_name, client_name", [
    ("echo_server.py", "echo_client.py"),
    ("echo_server_dualstack.py", "echo_client_dualstack.py"),
])
def test_ipv4_examples_echo(server_name, client_name):
    client_out, server_out = run_example_pair(
        server_name, client_name, "127.0.0.1", "127.0.0.1")
    assert client_out == "Received b'Hello, world'\n"
    assert server_out.startswith("Connected by ('127.0.0.1', ")


@requires_ipv6
def test_dualstack_examples_over_ipv6():
    client_out, server_out = run_example_pair(
        "echo_server_dualstack.py", "echo_client_dualstack.py", "::1", "::1")
    assert client_out == "Received b'Hello, world'\n"
    assert server_out.startswith("Connected by ('::1', ")


def test_dualstack_client_tries_every_address():
    # 'localhost' resolves to ::1 and/or 127.0.0.1; with the server only on
    # 127.0.0.1 the client must get past any address that refuses.
    client_out, server_out = run_example_pair(
        "echo_server_dualstack.py", "echo_client_dualstack.py",
        "127.0.0.1", "localhost")
    assert client_out == "Received b'Hello, world'\n"
    assert server_out.startswith("Connected by ('127.0.0.1', ")
