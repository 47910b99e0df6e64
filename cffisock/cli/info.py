"""The ``info`` command: versions, and which optional features this platform has.

It reports the interpreter, cffisock, cffi, and the OpenSSL library
``cffisock.tls`` runs on (its version string, and the version of the
headers it was compiled against), then a yes/no table:

* address families: "compiled" if cffisock has the constant, and whether
  ``socket()`` of that family works here (the errno name when it does not,
  e.g. ``AF_CAN: compiled, socket() -> EAFNOSUPPORT``); for AF_INET6 also
  whether ::1 can be listened on and connected to;
* socket options, flags and functions: ``hasattr`` on cffisock, or on its
  socket class for the methods;
* TLS: TLS 1.3, ALPN, post-handshake authentication.

``--json`` prints the same as one JSON object.
"""

import errno
import json
import sys

import cffisock

# A family, and a socket type and protocol its kernel module accepts.
_FAMILY_PROBES = (
    ("AF_UNIX", "SOCK_STREAM", 0),
    ("AF_INET6", "SOCK_STREAM", 0),
    ("AF_PACKET", "SOCK_DGRAM", 0),
    ("AF_CAN", "SOCK_RAW", 1),  # CAN_RAW (linux/can.h); cffisock has no CAN_ constants
    ("AF_VSOCK", "SOCK_STREAM", 0),
    ("AF_ALG", "SOCK_SEQPACKET", 0),
    ("AF_TIPC", "SOCK_RDM", 0),
    ("AF_RDS", "SOCK_SEQPACKET", 0),
)
_MODULE_NAMES = (
    "SO_REUSEPORT", "TCP_NODELAY", "TCP_KEEPIDLE", "TCP_FASTOPEN", "IP_PKTINFO",
    "IPV6_RECVPKTINFO", "SCM_CREDENTIALS", "MSG_CMSG_CLOEXEC", "if_nameindex",
    "sethostname",
)
_SOCKET_METHODS = ("sendmsg", "recvmsg", "sendfile")
_TLS_FEATURES = ("TLS 1.3", "ALPN", "post-handshake auth")
_IMPLEMENTATIONS = {"cpython": "CPython", "pypy": "PyPy"}


def _errno_name(exc):
    return errno.errorcode.get(exc.errno, str(exc.errno))


def _probe_family(name, type_name, proto):
    """What this platform does with family ``name``."""
    probe = {"compiled": hasattr(cffisock, name), "type": type_name, "proto": proto,
             "socket": None}
    if probe["compiled"]:
        try:
            cffisock.socket(getattr(cffisock, name), getattr(cffisock, type_name),
                            proto).close()
            probe["socket"] = "works"
        except OSError as exc:
            probe["socket"] = _errno_name(exc)
    if name == "AF_INET6":
        probe["loopback"] = _ipv6_loopback_works()
    return probe


def _ipv6_loopback_works():
    try:
        with cffisock.create_server(("::1", 0), family=cffisock.AF_INET6) as server:
            with cffisock.create_connection(server.getsockname()[:2], timeout=5):
                return True
    except OSError:
        return False


def _openssl():
    """cffisock.tls's OpenSSL, and its TLS features (none if it cannot load)."""
    try:
        from cffisock import tls
    except ImportError as exc:
        return {"error": str(exc)}, dict.fromkeys(_TLS_FEATURES, False)
    library = {"version": tls.OPENSSL_VERSION,
               "headers_version_number": tls.OPENSSL_VERSION_NUMBER}
    return library, dict(zip(_TLS_FEATURES, (
        bool(tls.HAS_TLSv1_3), bool(tls.HAS_ALPN),
        hasattr(tls.SSLContext, "post_handshake_auth"))))


def gather():
    """Everything ``info`` reports, as a JSON-ready dict."""
    import cffi

    openssl, tls_features = _openssl()
    features = {name: hasattr(cffisock, name) for name in _MODULE_NAMES}
    features.update(("socket.%s" % name, hasattr(cffisock.socket, name))
                    for name in _SOCKET_METHODS)
    return {
        "interpreter": {
            "implementation": _IMPLEMENTATIONS.get(sys.implementation.name,
                                                   sys.implementation.name),
            "version": sys.version.split()[0],
            "implementation_version": "%d.%d.%d" % sys.implementation.version[:3],
            "executable": sys.executable,
        },
        "cffisock": cffisock.__version__,
        "cffi": cffi.__version__,
        "openssl": openssl,
        "families": {name: _probe_family(name, type_name, proto)
                     for name, type_name, proto in _FAMILY_PROBES},
        "features": features,
        "tls": tls_features,
    }


def _yes(flag):
    return "yes" if flag else "no"


def _family_line(name, probe):
    if not probe["compiled"]:
        return name, False, "not compiled"
    works = probe["socket"] == "works"
    detail = "compiled, socket() " + ("works" if works else "-> " + probe["socket"])
    if "loopback" in probe:
        detail += ", ::1 " + ("works" if probe["loopback"] else "does not work")
    return name, works, detail


def _text(report):
    interpreter = report["interpreter"]
    lines = ["interpreter  %s %s (%s)" % (interpreter["implementation"],
                                          interpreter["version"],
                                          interpreter["executable"])]
    if interpreter["implementation"] != "CPython":
        lines[0] += ", %s %s" % (interpreter["implementation"],
                                 interpreter["implementation_version"])
    lines += ["cffisock     " + report["cffisock"], "cffi         " + report["cffi"]]
    openssl = report["openssl"]
    if "error" in openssl:
        lines.append("OpenSSL      cannot load cffisock.tls: " + openssl["error"])
    else:
        lines.append("OpenSSL      %s (headers 0x%x)" % (
            openssl["version"], openssl["headers_version_number"]))
    lines.append("")
    lines.append("address families")
    lines += ["  %-10s %-4s %s" % (name, _yes(works), detail) for name, works, detail in
              (_family_line(name, probe) for name, probe in report["families"].items())]
    for heading, table in (("options, flags and functions", report["features"]),
                           ("TLS", report["tls"])):
        lines.append(heading)
        lines += ["  %-20s %s" % (name, _yes(flag)) for name, flag in table.items()]
    return "\n".join(lines)


def run(as_json=False, print_line=print):
    """Print the report (as JSON with ``as_json``); return 0."""
    report = gather()
    print_line(json.dumps(report, indent=2) if as_json else _text(report))
    return 0
