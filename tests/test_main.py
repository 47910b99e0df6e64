"""``python -m cffisock``: the demo runs the spec's echo programs on
loopback and says what it did."""

import os
import shutil
import subprocess
import sys
import tempfile

import cffisock
from conftest import ipv6_loopback_works

ENV = dict(os.environ,
           PYTHONPATH=os.path.dirname(os.path.dirname(cffisock.__file__)))


def run_main(*arguments):
    # Run outside the source tree: "-m" puts the working directory first on
    # sys.path, and the tree's cffisock/ has no compiled module.
    return subprocess.run([sys.executable, "-m", "cffisock", *arguments],
                          capture_output=True, text=True, env=ENV, timeout=60,
                          cwd=tempfile.gettempdir())


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
    import socket as stdlib

    result = run_main("resolve", "127.0.0.1", "80", "--type", "stream")
    assert result.returncode == 0, result.stderr
    expected = [[family.name, kind.name, str(proto), canonname or "-", repr(address)]
                for family, kind, proto, canonname, address in stdlib.getaddrinfo(
                    "127.0.0.1", 80, 0, stdlib.SOCK_STREAM, 0, stdlib.AI_CANONNAME)]
    assert table_rows(result.stdout) == expected


def test_resolve_reports_a_name_that_cannot_be_resolved():
    # A label over 63 bytes fails locally, before any DNS query.
    result = run_main("resolve", "a" * 64 + ".invalid")
    assert result.returncode == 1
    assert result.stdout.startswith("cannot resolve ")
