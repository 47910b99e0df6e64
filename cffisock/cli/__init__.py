"""cffisock's command line, ``python -m cffisock``: ``main()`` parses the
arguments and runs the command.

Commands:
  demo     (the default) the spec's echo server and client on loopback over
           IPv4, IPv6, a UNIX socket and TLS, printing what they did.
  resolve  HOST [PORT]: getaddrinfo's answer as a table.
  connect  HOST PORT [--tls]: a line-oriented client (a tiny netcat or
           s_client): standard input to the peer, the peer to standard output.
  serve    PORT [--tls]: an echo server, one thread per client.
  info     the interpreter, cffi and OpenSSL versions, and which optional
           features (address families, options, TLS) this platform has.
  bench    [OPTIONS]: the checkout's benchmark suite (bench/run.py).

Each command lives in a module of its own in this package (``demo``,
``resolve``, ``connect``, ``serve``, ``info``; ``threads`` starts their
helper threads); this one parses the arguments and calls it.  Exit status:
0 success, 1 a failure (said in one line on standard error), 2 bad
options, 130 interrupted by Ctrl-C (which merely stops ``serve``: 0).
"""

import argparse
import sys

_EPILOG = """\
commands:
  demo       the spec's echo programs over IPv4, IPv6, UNIX and TLS on loopback
               python -m cffisock demo
  resolve    getaddrinfo's answer as a table
               python -m cffisock resolve localhost 80
  connect    send standard input, print what comes back (TLS verified by default)
               printf 'hello\\n' | python -m cffisock connect 127.0.0.1 7000
               python -m cffisock connect example.org 443 --tls
  serve      an echo server; PORT 0 picks a free port
               python -m cffisock serve 7000
               python -m cffisock serve 7443 --tls --certfile server.pem
  info       versions and this platform's optional features
               python -m cffisock info --json

"python -m cffisock COMMAND --help" describes a command's options.
"""


def _number(convert, accept, requirement):
    """An argparse type: ``convert(text)``, if ``accept(value)`` approves."""
    def parse(text):
        value = convert(text)
        if not accept(value):
            raise argparse.ArgumentTypeError("%s: must be %s" % (text, requirement))
        return value

    parse.__name__ = convert.__name__  # argparse's "invalid int value"
    return parse


_PORT = _number(int, lambda port: 0 <= port <= 65535, "0..65535")
_SECONDS = _number(float, lambda seconds: seconds > 0, "positive")
_COUNT = _number(int, lambda count: count >= 1, "at least 1")


def _demo(arguments):
    from cffisock.cli import demo

    return demo.run()


def _resolve(arguments):
    from cffisock.cli import resolve

    return resolve.run(arguments.host, arguments.port, arguments.family, arguments.type)


def _connect(arguments):
    from cffisock.cli import connect

    return connect.run(
        arguments.host, arguments.port, use_tls=arguments.tls,
        cafile=arguments.cafile, insecure=arguments.insecure,
        server_hostname=arguments.server_hostname, timeout=arguments.timeout)


def _serve(arguments):
    from cffisock.cli import serve

    return serve.run(
        arguments.port, host=arguments.host, use_tls=arguments.tls,
        certfile=arguments.certfile, keyfile=arguments.keyfile,
        once=arguments.once, max_clients=arguments.max_clients)


def _info(arguments):
    from cffisock.cli import info

    return info.run(as_json=arguments.json)


def _add_connect(commands):
    connect = commands.add_parser(
        "connect", help="a line-oriented client: stdin to HOST PORT, the replies to stdout",
        description="Connect to HOST PORT, send standard input line by line and "
                    "write everything received to standard output. At the end of "
                    "the input, wait (at most --timeout seconds) for the peer to close.")
    connect.add_argument("host", metavar="HOST", help="host name or numeric address")
    connect.add_argument("port", metavar="PORT", type=_PORT, help="port number")
    connect.add_argument("--tls", action="store_true",
                         help="speak TLS, verifying the server's certificate and host name")
    trust = connect.add_mutually_exclusive_group()
    trust.add_argument("--cafile", metavar="FILE",
                       help="trust the CA certificates in this PEM file (with --tls)")
    trust.add_argument("--insecure", action="store_true",
                       help="do not verify the server at all (with --tls)")
    connect.add_argument("--server-hostname", metavar="NAME",
                         help="the name to verify and send as SNI (with --tls; default: HOST)")
    connect.add_argument("--timeout", type=_SECONDS, default=10.0, metavar="S",
                         help="bound on connecting, the TLS handshake, and the wait "
                              "for the peer to close after the input ends (default: 10)")
    connect.set_defaults(handler=_connect, parser=connect,
                         tls_options=("cafile", "insecure", "server_hostname"))


def _add_serve(commands):
    serve = commands.add_parser(
        "serve", help="an echo server on PORT (0: any free port)",
        description="Echo every byte each client sends, one thread per client. "
                    "Prints 'listening on HOST PORT' on standard output once "
                    "listening, a line per connection on standard error. "
                    "Ctrl-C or SIGTERM stops it.")
    serve.add_argument("port", metavar="PORT", type=_PORT, help="port number (0: any free port)")
    serve.add_argument("--host", default="127.0.0.1", metavar="ADDR",
                       help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--tls", action="store_true", help="speak TLS (needs --certfile)")
    serve.add_argument("--certfile", metavar="FILE",
                       help="PEM file with the certificate chain (and the key, without --keyfile)")
    serve.add_argument("--keyfile", metavar="FILE", help="PEM file with the private key")
    serve.add_argument("--once", action="store_true",
                       help="exit when the first client has gone")
    serve.add_argument("--max-clients", type=_COUNT, metavar="N",
                       help="serve at most N clients at a time; the next ones wait")
    serve.set_defaults(handler=_serve, parser=serve, tls_options=("certfile", "keyfile"))


def _check_tls_options(arguments):
    """The TLS options go with --tls; serve --tls needs a certificate."""
    error = arguments.parser.error
    if not arguments.tls:
        given = ["--" + name.replace("_", "-")
                 for name in arguments.tls_options if getattr(arguments, name)]
        if given:
            error("%s: only with --tls" % ", ".join(given))
    elif arguments.handler is _serve and not arguments.certfile:
        error("--tls needs --certfile")


def _bench(argv):
    """Run the checkout's benchmark suite, bench/run.py, with ``argv`` (the
    suite lives beside the package in a source checkout, not in a wheel)."""
    import os
    import runpy

    run_py = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                          "bench", "run.py")
    if not os.path.isfile(run_py):
        sys.exit("python -m cffisock bench: the suite is in the source checkout "
                 "(bench/run.py), not in the installed package")
    return runpy.run_path(run_py)["main"](argv)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["bench"]:
        # The runner parses its own options (argparse here would refuse them).
        return _bench(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m cffisock",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="cffisock: Python's socket module as a cffi binding, with "
                    "its own TLS.\nWithout a command, runs the demo.",
        epilog=_EPILOG)
    parser.set_defaults(handler=_demo)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "demo", help="run the spec's echo examples on loopback (default)"
    ).set_defaults(handler=_demo)
    resolve = commands.add_parser(
        "resolve", help="print getaddrinfo's answer for HOST [PORT] as a table")
    resolve.add_argument("host", help="host name or numeric address")
    resolve.add_argument("port", nargs="?", default=None,
                         help="port number or service name")
    resolve.add_argument("--family", choices=["any", "4", "6"], default="any",
                         help="address family (default: any)")
    resolve.add_argument("--type", choices=["any", "stream", "dgram"],
                         default="any", help="socket type (default: any)")
    resolve.set_defaults(handler=_resolve)
    _add_connect(commands)
    _add_serve(commands)
    info = commands.add_parser(
        "info", help="versions (interpreter, cffi, OpenSSL) and this platform's optional features")
    info.add_argument("--json", action="store_true", help="print one JSON object")
    info.set_defaults(handler=_info)
    commands.add_parser(
        "bench", add_help=False,
        help="run the checkout's benchmark suite, bench/run.py (its own options: bench --help)")
    arguments = parser.parse_args(argv)
    if hasattr(arguments, "tls_options"):
        _check_tls_options(arguments)
    try:
        return arguments.handler(arguments)
    except KeyboardInterrupt:
        return 130
