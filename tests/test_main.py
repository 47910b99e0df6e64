"""``python -m cffisock``: the demo runs the spec's echo programs on
loopback and says what it did; ``resolve`` prints getaddrinfo as a table;
``--help`` describes every command; ``info`` reports the versions and what
the module supports, checked against the stdlib.  Every command runs as a
separate process.  ``serve`` and ``connect`` are test_main_serve_connect.py.
"""

import ctypes
import errno
import json
import platform
import re
import shutil
import socket as stdlib_socket
import ssl as stdlib_ssl
import subprocess
import sys
import tempfile

import pytest

import cffisock
from support.cli import ENV, run_main
from support.loopback import ipv6_loopback_works


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
            "from cffisock.cli import connect, info, resolve, serve, threads\n"
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
