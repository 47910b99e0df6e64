"""``python -m cffisock``: the demo runs the spec's echo programs on
loopback and says what it did."""

import os
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


def test_demo_command_is_the_default():
    assert run_main("demo").stdout.count("echo intact") == \
        run_main().stdout.count("echo intact")


def test_unknown_command_is_refused():
    result = run_main("no-such-command")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
