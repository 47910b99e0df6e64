"""``python -m cffisock``: cffisock's command line.

Commands:
  demo   (the default) the spec's echo server and client on loopback over
         IPv4, IPv6 and a UNIX socket, printing what they did.
"""

import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m cffisock",
        description="cffisock: Python's socket module as a cffi binding.")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser(
        "demo", help="run the spec's echo examples on loopback (default)")
    parser.parse_args(argv)
    # Only "demo" exists so far; argparse rejects anything else.
    from cffisock import _demo

    return _demo.run()


if __name__ == "__main__":
    sys.exit(main())
