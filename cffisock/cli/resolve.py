"""The ``resolve`` command: getaddrinfo's answer for a host as a table."""

import cffisock

_FAMILIES = {"any": cffisock.AF_UNSPEC, "4": cffisock.AF_INET, "6": cffisock.AF_INET6}
_TYPES = {"any": 0, "stream": cffisock.SOCK_STREAM, "dgram": cffisock.SOCK_DGRAM}
_HEADINGS = ("family", "type", "proto", "canonname", "address")


def _name(value):
    return getattr(value, "name", str(value))


def run(host, port, family="any", socket_type="any", print_line=print):
    """Print the table; return 0, or 1 (with the error) if resolution fails."""
    try:
        answers = cffisock.getaddrinfo(host, port, _FAMILIES[family],
                                       _TYPES[socket_type], 0,
                                       cffisock.AI_CANONNAME)
    except (OSError, UnicodeError) as exc:
        print_line("cannot resolve %r: %s" % (host, exc))
        return 1
    rows = [_HEADINGS] + [
        (_name(af), _name(kind), str(proto), canonname or "-", repr(address))
        for af, kind, proto, canonname, address in answers]
    widths = [max(len(row[column]) for row in rows) for column in range(len(_HEADINGS))]
    for row in rows:
        print_line("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return 0
