"""``python -m cffisock``: cffisock's command line.

Commands:
  demo     (the default) the spec's echo server and client on loopback over
           IPv4, IPv6 and a UNIX socket, printing what they did.
  resolve  HOST [PORT]: getaddrinfo's answer as a table.
"""

import argparse
import sys


def _resolve(arguments):
    from cffisock import _resolve_command

    return _resolve_command.run(arguments.host, arguments.port,
                                arguments.family, arguments.type)


def _demo(arguments):
    from cffisock import _demo

    return _demo.run()


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m cffisock",
        description="cffisock: Python's socket module as a cffi binding.")
    parser.set_defaults(handler=_demo)
    commands = parser.add_subparsers(dest="command")
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
    arguments = parser.parse_args(argv)
    return arguments.handler(arguments)


if __name__ == "__main__":
    sys.exit(main())
