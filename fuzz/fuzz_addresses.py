"""atheris harness: address parsing.

Every input becomes one call: an address (of AF_INET, AF_INET6 or AF_UNIX,
any shape) through bind, connect or sendto on a *closed* socket (cffisock
parses the address, then the system call fails with EBADF: nothing is
bound, sent or created), inet_pton/inet_aton/inet_ntop, or getaddrinfo
with AI_NUMERICHOST.  The property: the call returns or raises one of the
exceptions the socket module documents for bad arguments; anything else
(another exception, a crash, a sanitizer report) is a finding.

No lookup leaves the machine: a host that is not built as a numeric
address starts with a label longer than DNS allows, which the C library
refuses before any query (fuzz/README in the README's Reliability section).

Run through ``python fuzz/run.py`` (or directly, in a venv with atheris and
cffisock: ``python fuzz/fuzz_addresses.py -max_total_time=60``).
"""

import ipaddress
import sys

import atheris

with atheris.instrument_imports():
    import cffisock

EXPECTED = (OSError, TypeError, ValueError, OverflowError)
#: Longer than the 63 bytes a DNS label may have: no query can be built.
UNRESOLVABLE = "a" * 64
CLOSED = {}
for _family in (cffisock.AF_INET, cffisock.AF_INET6, cffisock.AF_UNIX):
    CLOSED[_family] = cffisock.socket(_family, cffisock.SOCK_DGRAM)
    CLOSED[_family].close()


def host(data):
    """A host of any type; text that is not numeric is made unresolvable."""
    kind = data.ConsumeIntInRange(0, 6)
    if kind == 0:
        return str(ipaddress.IPv4Address(data.ConsumeBytes(4).ljust(4, b"\0")))
    if kind == 1:
        return str(ipaddress.IPv6Address(data.ConsumeBytes(16).ljust(16, b"\0")))
    if kind == 2:
        return UNRESOLVABLE + "." + data.ConsumeUnicodeNoSurrogates(20)
    if kind == 3:
        return UNRESOLVABLE + "." + data.ConsumeUnicode(20)  # lone surrogates too
    if kind == 4:
        return UNRESOLVABLE.encode() + b"." + data.ConsumeBytes(20)
    if kind == 5:
        return data.PickValueInList(["", "<broadcast>", "localhost", None, 7, b"\0"])
    return str(ipaddress.IPv4Address(data.ConsumeBytes(4).ljust(4, b"\0"))) + "\0" \
        + data.ConsumeUnicode(4)


def number(data):
    kind = data.ConsumeIntInRange(0, 3)
    if kind == 0:
        return data.ConsumeIntInRange(-5, 70000)
    if kind == 1:
        return data.ConsumeInt(data.ConsumeIntInRange(1, 16))  # up to 128 bits
    if kind == 2:
        return data.PickValueInList([True, None, 1.5, "80", b"80"])
    return data.ConsumeIntInRange(0, 2**32)


def address(data, family):
    if family == cffisock.AF_UNIX:
        kind = data.ConsumeIntInRange(0, 3)
        if kind == 0:
            return data.ConsumeBytes(data.ConsumeIntInRange(0, 130))
        if kind == 1:
            return data.ConsumeUnicode(data.ConsumeIntInRange(0, 130))
        if kind == 2:
            return bytearray(data.ConsumeBytes(data.ConsumeIntInRange(0, 130)))
        return data.PickValueInList([None, 5, ("/tmp/x",), memoryview(b"\0abc")])
    arity = data.ConsumeIntInRange(0, 5)
    items = tuple([host(data)] + [number(data) for _ in range(arity - 1)])[:arity]
    return items if data.ConsumeBool() else list(items)


def text(data):
    return data.ConsumeUnicode(data.ConsumeIntInRange(0, 64))


def test_one_input(raw):
    data = atheris.FuzzedDataProvider(raw)
    action = data.ConsumeIntInRange(0, 7)
    try:
        if action <= 2:
            family = data.PickValueInList(list(CLOSED))
            sock = CLOSED[family]
            where = address(data, family)
            if action == 0:
                sock.bind(where)
            elif action == 1:
                sock.connect(where)
            else:
                sock.sendto(data.ConsumeBytes(8), where)
        elif action == 3:
            cffisock.inet_pton(data.PickValueInList([cffisock.AF_INET, cffisock.AF_INET6,
                                                     data.ConsumeInt(4)]), text(data))
        elif action == 4:
            cffisock.inet_aton(text(data))
        elif action == 5:
            cffisock.inet_ntop(data.PickValueInList([cffisock.AF_INET, cffisock.AF_INET6]),
                               data.ConsumeBytes(data.ConsumeIntInRange(0, 20)))
        else:
            hostname = text(data) if data.ConsumeBool() else data.ConsumeBytes(40)
            port = data.PickValueInList([None, 80, "http", text(data), data.ConsumeInt(3)])
            cffisock.getaddrinfo(hostname, port, data.ConsumeIntInRange(-1, 12),
                                 data.ConsumeIntInRange(-1, 6), data.ConsumeIntInRange(-1, 20),
                                 data.ConsumeInt(2) | cffisock.AI_NUMERICHOST)
    except EXPECTED:
        pass


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
