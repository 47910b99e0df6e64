"""No export of a caller's buffer outlives the call that took it.

Every public function and method that takes a caller's buffer (bytes-like
data to send or receive into, an address, cadata, a password) is called
with a bytearray and with a memoryview on the paths that return and the
paths that raise (timeout, EAGAIN, EBADF after close, a bad argument),
with the exception kept in a reference cycle; right afterwards the buffer
must be free (it resizes, the memoryview releases) and collecting the cycle
must be clean.  The scenarios (``support/buffer_scenarios.py``) run in one
child process, so that a crash (CPython can crash tearing down a
memoryview that a view in a traceback still holds) fails these tests
instead of killing the run.  The stdlib runs them too, as the control.

Which callables take a buffer is an explicit table, held to the public API
by introspection: a new public callable that is in neither table fails
``test_every_public_callable_is_classified``.
"""

import inspect
import json
import os
import subprocess
import sys

import pytest

import cffisock
from cffisock import _legacy_ssl, _socketio, tls
from support import buffer_scenarios
from support.introspection import public_members, public_module_names

SCRIPT = buffer_scenarios.__file__

#: Public callables that take a caller's buffer: each has scenarios.
TAKES_A_BUFFER = {
    "inet_ntoa", "inet_ntop", "send_fds", "gethostbyname", "gethostbyname_ex",
    "gethostbyaddr", "sethostname",
    "socket.bind", "socket.connect", "socket.connect_ex", "socket.recv_into",
    "socket.recvfrom_into", "socket.recvmsg_into", "socket.recvmmsg_into", "socket.send",
    "socket.sendall", "socket.sendto", "socket.sendmsg", "socket.sendmmsg",
    "socket.setsockopt",
    "SSLSocket.connect", "SSLSocket.connect_ex", "SSLSocket.sendto",
    "SSLSocket.recvfrom_into", "SSLSocket.recv_into", "SSLSocket.read", "SSLSocket.send",
    "SSLSocket.sendall", "SSLSocket.write",
    "SSLObject.read", "SSLObject.write", "MemoryBIO.write",
    "SSLContext.load_verify_locations", "SSLContext.load_cert_chain", "create_default_context",
    "SocketIO.readinto", "SocketIO.write", "SocketIO.writelines",
    "ssl().write", "RAND_add",
}

_NUMBERS = "numbers, str names or socket objects only"
_NEGOTIATED = "reports what the TLS connection negotiated"
_REFUSED = "refused on TLS sockets: raises before it looks at its arguments"
_OWN_BUFFERS = "receives into buffers of its own"
_FILE = "a file's own bytes, read by the call (SSLSocket.sendfile: through SSLSocket.sendall)"
_IO = "io machinery: reads into buffers of its own, or none at all"
_BASE64 = "read by the stdlib's base64 module, which makes and releases its own view"

#: Public callables that take no caller's buffer, and why.
NO_BUFFER = {
    **dict.fromkeys([
        "CMSG_LEN", "CMSG_SPACE", "close", "dup", "create_connection", "create_server", "fromfd",
        "getaddrinfo", "getdefaulttimeout", "getfqdn", "gethostname", "getnameinfo",
        "getprotobyname", "getservbyname", "getservbyport", "has_dualstack_ipv6", "htonl",
        "htons", "if_indextoname", "if_nameindex", "if_nametoindex", "inet_aton",
        "inet_pton", "ntohl", "ntohs", "patch", "patched", "recv_fds", "setdefaulttimeout",
        "socketpair", "unpatch", "ssl",
        "socket.accept", "socket.close", "socket.detach", "socket.dup", "socket.fileno",
        "socket.get_inheritable", "socket.getblocking", "socket.getpeername",
        "socket.getsockname", "socket.getsockopt", "socket.gettimeout", "socket.listen",
        "socket.makefile", "socket.set_inheritable", "socket.setblocking",
        "socket.settimeout", "socket.shutdown",
        "SSLSocket.accept", "SSLSocket.do_handshake", "SSLSocket.dup",
        "SSLSocket.unwrap", "SSLObject.do_handshake", "SSLObject.unwrap",
        "MemoryBIO.write_eof", "SSLContext.cert_store_stats", "SSLContext.get_ca_certs",
        "SSLContext.get_ciphers", "SSLContext.load_default_certs", "SSLContext.session_stats",
        "SSLContext.set_alpn_protocols", "SSLContext.set_ciphers",
        "SSLContext.set_default_verify_paths", "SSLContext.wrap_bio",
        "SSLContext.wrap_socket", "SSLContext.set_ecdh_curve",
        "SSLContext.set_servername_callback", "SSLContext.load_dh_params",
        "SSLContext.set_psk_client_callback", "SSLContext.set_psk_server_callback",
        "SSLContext.set_npn_protocols", "SSLContext.set_ciphersuites",
        "SSLContext.set_groups", "SSLContext.set_client_sigalgs",
        "SSLContext.set_server_sigalgs", "SSLContext.get_groups", "get_sigalgs", "RAND_bytes",
        "RAND_status", "cert_time_to_seconds",
        "get_default_verify_paths", "PEM_cert_to_DER_cert", "get_server_certificate",
        "get_protocol_name",
    ], _NUMBERS),
    "DER_cert_to_PEM_cert": _BASE64,
    **dict.fromkeys([
        "socket.recv", "socket.recvfrom", "socket.recvmsg", "socket.recvmmsg",
        "SSLSocket.recv", "SSLSocket.recvfrom", "MemoryBIO.read", "ssl().read",
    ], _OWN_BUFFERS),
    **dict.fromkeys(["socket.sendfile", "SSLSocket.sendfile"], _FILE),
    **dict.fromkeys(["SSLContext.sslsocket_class", "SSLContext.sslobject_class"],
                    "classes: their methods are classified as SSLSocket's and SSLObject's"),
    **dict.fromkeys([
        "SSLSocket.sendmsg", "SSLSocket.recvmsg", "SSLSocket.recvmsg_into",
        "SSLSocket.sendmmsg", "SSLSocket.recvmmsg", "SSLSocket.recvmmsg_into",
    ], _REFUSED),
    **{"%s.%s" % (cls, name): _NEGOTIATED for cls in ("SSLSocket", "SSLObject")
       for name in ("cipher", "compression", "get_channel_binding", "get_unverified_chain",
                    "get_verified_chain", "getpeercert", "pending", "selected_alpn_protocol",
                    "selected_npn_protocol", "group", "client_sigalg", "server_sigalg",
                    "shared_ciphers", "verify_client_post_handshake", "version")},
    **dict.fromkeys(["SocketIO." + name for name in (
        "close", "fileno", "flush", "isatty", "read", "readable", "readall", "readline",
        "readlines", "seek", "seekable", "tell", "truncate", "writable")], _IO),
}
if sys.version_info < (3, 12):  # the functions 3.12 removed from ssl (cffisock.tls's too)
    NO_BUFFER.update(dict.fromkeys(["wrap_socket", "match_hostname", "RAND_pseudo_bytes"],
                                   _NUMBERS))

#: Where the stdlib itself keeps an export: its ssl.SSLSocket.sendall hands
#: send() memoryview slices of the data, and a slice lives on in the frame
#: of the send that raised (CPython's Lib/ssl.py).  The control may show it
#: (not on PyPy, which tracks no exports); cffisock must not.
STDLIB_KEEPS_AN_EXPORT = {"SSLSocket.sendall: timeout"}


def public_callables():
    """Every public function of cffisock and cffisock.tls, and every public
    method of the classes a user calls (a subclass's only where it differs
    from its base's), as "name" or "Class.name"."""
    names = {name for module in (cffisock, tls) for name in public_module_names(module)
             if callable(getattr(module, name)) and not inspect.isclass(getattr(module, name))}
    classes = [("socket", cffisock.socket, None), ("SSLSocket", tls.SSLSocket, cffisock.socket),
               ("SSLObject", tls.SSLObject, None), ("MemoryBIO", tls.MemoryBIO, None),
               ("SSLContext", tls.SSLContext, None), ("SSLSession", tls.SSLSession, None),
               ("SocketIO", _socketio.SocketIO, None), ("ssl()", _legacy_ssl.SpecSSLObject, None)]
    for label, cls, base in classes:
        for name in public_members(cls):
            member = inspect.getattr_static(cls, name)
            if isinstance(member, property) or not callable(getattr(cls, name)):
                continue
            if base is not None and member is inspect.getattr_static(base, name, None):
                continue
            names.add("%s.%s" % (label, name))
    return names


def test_every_public_callable_is_classified():
    assert not TAKES_A_BUFFER & set(NO_BUFFER)
    assert sorted(public_callables() - TAKES_A_BUFFER - set(NO_BUFFER)) == []
    assert sorted((TAKES_A_BUFFER | set(NO_BUFFER)) - public_callables()) == []


def test_every_buffer_taker_has_a_path_that_returns_and_one_that_raises():
    paths = {}
    for entry in buffer_scenarios.SCENARIOS:
        expects = entry.expect.values() if isinstance(entry.expect, dict) else [entry.expect]
        paths.setdefault(entry.callable, set()).update(
            "returns" if expect == "returns" else "raises" for expect in expects)
    assert set(paths) == TAKES_A_BUFFER
    assert {name: kinds for name, kinds in paths.items() if kinds != {"returns", "raises"}} == {
        # Only failing calls are safe here: a successful one renames the machine.
        "sethostname": {"raises"},
        # The plain socket's calls, made only while nothing is connected: a
        # stream socket with no peer has no datagram call that succeeds.
        "SSLSocket.sendto": {"raises"},
        "SSLSocket.recvfrom_into": {"raises"},
    }


@pytest.fixture(scope="module")
def child(tmp_path_factory):
    """The child process's exit status, its standard error and its report
    (scenario id -> problems)."""
    completed = subprocess.run(
        [sys.executable, SCRIPT], capture_output=True, text=True, timeout=300,
        cwd=str(tmp_path_factory.mktemp("buffers")), env=dict(os.environ, PYTHONWARNINGS=""))
    report = {}
    for line in completed.stdout.splitlines():
        entry = json.loads(line)
        report[entry["id"]] = entry["problems"]
    return completed.returncode, completed.stderr, report


def test_the_scenarios_run_to_the_end_without_a_crash(child):
    status, stderr, report = child
    assert (status, stderr) == (0, "")
    assert sorted(report) == sorted(buffer_scenarios.ids())


@pytest.mark.parametrize("scenario_id", buffer_scenarios.ids())
def test_no_export_outlives_the_call(child, scenario_id):
    status, stderr, report = child
    assert scenario_id in report, (
        "the child ended before this scenario (status %s): %s" % (status, stderr[-2000:]))
    side, _, rest = scenario_id.partition("-")
    problems = report[scenario_id]
    if side == "stdlib" and rest.rpartition("-")[0] in STDLIB_KEEPS_AN_EXPORT:
        problems = [problem for problem in problems
                    if not problem.startswith("the bytearray is still exported")]
    assert problems == []
