"""Byte order (htons, ntohs, htonl, ntohl) and address conversion (inet_aton,
inet_ntoa, inet_pton, inet_ntop): equal to the stdlib's, round trips, and
bad input of every kind compared with the stdlib case by case (the table:
see support/comparison.py).
"""

import random
import socket as stdlib_socket

import pytest

import cffisock
from support.comparison import (
    Call,
    EMBEDDED_NUL,
    INT_ARG,
    Index,
    PYPY_WORDING,
    PyPyDiffers,
    assert_conforms,
    case,
    many,
    table,
)


# -- byte order ------------------------------------------------------------------------

VALUES_16 = sorted(set(range(0, 65536, 251)) | {0, 1, 0xFF, 0x100, 0x1234, 0xFF00, 65535})
VALUES_32 = sorted(set(range(0, 2**32, 2**32 // 509)) | {
    0, 1, 0xFF, 0x1234, 0x12345678, 2**31 - 1, 2**31, 0xFF000000, 2**32 - 1})


@pytest.mark.parametrize("name, inverse, values", [
    ("htons", "ntohs", VALUES_16),
    ("ntohs", "htons", VALUES_16),
    ("htonl", "ntohl", VALUES_32),
    ("ntohl", "htonl", VALUES_32),
])
def test_byte_order_equals_stdlib_and_round_trips(name, inverse, values):
    function, inverse_function = getattr(cffisock, name), getattr(cffisock, inverse)
    expected = [getattr(stdlib_socket, name)(value) for value in values]
    assert [function(value) for value in values] == expected
    assert all(type(function(value)) is int for value in values[:10])
    assert [inverse_function(function(value)) for value in values] == values


# -- address conversion ------------------------------------------------------------------

IPV4_TEXTS = ["0.0.0.0", "127.0.0.1", "1.2.3.4", "10.0.0.255", "192.168.1.1",
              "224.0.0.1", "255.255.255.255", "8.8.4.4", "100.64.0.1"]
IPV6_TEXTS = ["::", "::1", "1::", "fe80::1", "fe80::1:2:3:4", "2001:db8::ff00:42:8329",
              "2001:db8:0:0:1:0:0:1", "1:2:3:4:5:6:7:8", "::ffff:1.2.3.4", "::1.2.3.4",
              "ff02::1", "0:0:0:0:0:0:0:1", "FE80::ABCD", "1:0:0:2::3",
              "2001:0db8:0000:0000:0000:0000:0000:0001"]
RANDOM = random.Random(20240101)
RANDOM_PACKED_4 = [bytes(RANDOM.randrange(256) for _ in range(4)) for _ in range(200)]
RANDOM_PACKED_16 = [bytes(RANDOM.choice((0, 0, 0, 1, 0xFF, RANDOM.randrange(256)))
                          for _ in range(16)) for _ in range(300)]


@pytest.mark.parametrize("text", IPV4_TEXTS + ["127.1", "1.2.3", "0x7f.1", "010.1.1.1", "1"])
def test_inet_aton_equals_stdlib(text):
    packed = cffisock.inet_aton(text)
    assert packed == stdlib_socket.inet_aton(text)
    assert type(packed) is bytes and len(packed) == 4


@pytest.mark.parametrize("text", IPV4_TEXTS)
def test_inet_aton_ntoa_round_trip(text):
    assert cffisock.inet_ntoa(cffisock.inet_aton(text)) == text


def test_inet_ntoa_equals_stdlib_on_random_addresses():
    for packed in RANDOM_PACKED_4:
        assert cffisock.inet_ntoa(packed) == stdlib_socket.inet_ntoa(packed)
        assert cffisock.inet_ntoa(bytearray(packed)) == stdlib_socket.inet_ntoa(packed)
        assert cffisock.inet_aton(cffisock.inet_ntoa(packed)) == packed


@pytest.mark.parametrize("family, text", [("AF_INET", text) for text in IPV4_TEXTS]
                         + [("AF_INET6", text) for text in IPV6_TEXTS])
def test_inet_pton_ntop_equal_stdlib_and_round_trip(family, text):
    ours, theirs = getattr(cffisock, family), getattr(stdlib_socket, family)
    packed = cffisock.inet_pton(ours, text)
    assert packed == stdlib_socket.inet_pton(theirs, text)
    canonical = cffisock.inet_ntop(ours, packed)
    assert canonical == stdlib_socket.inet_ntop(theirs, packed)
    assert cffisock.inet_pton(ours, canonical) == packed


@pytest.mark.parametrize("family, samples", [("AF_INET", RANDOM_PACKED_4),
                                             ("AF_INET6", RANDOM_PACKED_16)])
def test_inet_ntop_equals_stdlib_on_random_addresses(family, samples):
    ours, theirs = getattr(cffisock, family), getattr(stdlib_socket, family)
    for packed in samples:
        text = cffisock.inet_ntop(ours, packed)
        assert text == stdlib_socket.inet_ntop(theirs, packed)
        assert cffisock.inet_pton(ours, text) == packed
        assert cffisock.inet_ntop(ours, memoryview(packed)) == text


INET_ATON_ARG = ("3.9-3.12 'inet_aton() argument 1 must be str', 3.13 drops "
                 "'1', PyPy 'expected str, got ...'")


#: The 16-bit functions above 65535 only warn on Python 3.9: they are not
#: compared (see test_16bit_out_of_range_raises_overflow).
BYTE_ORDER_CASES = [
    case("%s-%r" % (name, value), Call(name, value),
         types_only=PYPY_WORDING if value < 0 else None)
    for name in ("htons", "ntohs")
    for value in (-1, 0, 1, 0x1234, 65535)
] + [
    case("%s-%r" % (name, value), Call(name, value),
         types_only=PYPY_WORDING if not 0 <= value < 2**32 else None)
    for name in ("htonl", "ntohl")
    for value in (-1, 0, 65535, 65536, 0x12345678, 2**32 - 1, 2**32, 2**64)
] + [
    case("%s-%r" % (name, value), Call(name, value), types_only=INT_ARG)
    for name in ("htons", "ntohs", "htonl", "ntohl")
    for value in (1.0, "1", None)
] + [
    case("%s-True" % name, Call(name, True)) for name in ("htons", "ntohs", "htonl", "ntohl")
] + [
    case("%s-index" % name, Call(name, Index(0x1234))) for name in ("htons", "ntohs")
] + [
    case("%s-index" % name, Call(name, Index(0x1234)),
         pypy=PyPyDiffers("PyPy's htonl/ntohl accept __index__ objects, CPython's "
                          "only int", raises=TypeError))
    for name in ("htonl", "ntohl")
]


INET_CASES = many("inet_aton", lambda v: Call("inet_aton", v), (
    "1.2.3.4", "127.1", "0x7f.1", "255.255.255.255", "1.2.3.x", "", "1.2.3.4.5",
    "256.1.1.1", "é", " 1.2.3.4",
)) + many("inet_aton", lambda v: Call("inet_aton", v), ("1.2.3.4\0", "\0"),
          pypy=PyPyDiffers(EMBEDDED_NUL, raises=ValueError)) + many(
    "inet_aton", lambda v: Call("inet_aton", v), (b"1.2.3.4", None),
    types_only=INET_ATON_ARG,
) + many("inet_ntoa", lambda v: Call("inet_ntoa", v), (
    b"\1\2\3", b"\1\2\3\4", b"\1\2\3\4\5", b"", bytearray(b"\x7f\0\0\1"),
    memoryview(b"\xff\xff\xff\xff"),
)) + many("inet_ntoa", lambda v: Call("inet_ntoa", v), ("1234", 1234, None),
          types_only=PYPY_WORDING,
) + many("inet_pton-v4", lambda v: lambda m: m.inet_pton(m.AF_INET, v), (
    "1.2.3.4", "127.1", "1.2.3.256", "", "::1", "é",
)) + many("inet_pton-v6", lambda v: lambda m: m.inet_pton(m.AF_INET6, v), (
    "::1", "::", "fe80::1:2:3:4", "::ffff:1.2.3.4", "1:2:3:4:5:6:7:8", "1::2::3",
    "1.2.3.4", "12345::", "",
)) + [
    case("inet_pton-v4-nul", lambda m: m.inet_pton(m.AF_INET, "1.2.3.4\0"),
         pypy=PyPyDiffers(EMBEDDED_NUL, raises=ValueError)),
    case("inet_pton-v6-nul", lambda m: m.inet_pton(m.AF_INET6, "::1\0"),
         pypy=PyPyDiffers(EMBEDDED_NUL, raises=ValueError)),
    case("inet_pton-v4-bytes", lambda m: m.inet_pton(m.AF_INET, b"1.2.3.4"),
         types_only=PYPY_WORDING),
    case("inet_pton-v6-bytes", lambda m: m.inet_pton(m.AF_INET6, b"::1"),
         types_only=PYPY_WORDING),
    case("inet_pton-family-99", Call("inet_pton", 99, "1.2.3.4"),
         pypy=PyPyDiffers("PyPy raises OSError('unknown address family') without errno",
                          raises=OSError)),
    case("inet_pton-family-str", Call("inet_pton", "AF_INET", "1.2.3.4"),
         types_only=INT_ARG),
] + many("inet_ntop-v4", lambda v: lambda m: m.inet_ntop(m.AF_INET, v), (
    b"\1\2\3\4", bytearray(b"\x7f\0\0\1"), b"\1\2\3", b"\1\2\3\4\5", b"",
)) + many("inet_ntop-v6", lambda v: lambda m: m.inet_ntop(m.AF_INET6, v), (
    b"\0" * 15 + b"\1", b"\0" * 16, b"\xfe\x80" + b"\0" * 13 + b"\1",
    b"\0" * 10 + b"\xff\xff\1\2\3\4", b"\0" * 15, b"\0" * 17,
)) + [
    case("inet_ntop-v4-str", lambda m: m.inet_ntop(m.AF_INET, "1234"),
         types_only=PYPY_WORDING),
    case("inet_ntop-v4-None", lambda m: m.inet_ntop(m.AF_INET, None),
         types_only=PYPY_WORDING),
    case("inet_ntop-v6-str", lambda m: m.inet_ntop(m.AF_INET6, "0" * 16),
         types_only=PYPY_WORDING),
    case("inet_ntop-family-99", Call("inet_ntop", 99, b"\1\2\3\4"),
         pypy=PyPyDiffers("PyPy raises OSError('unknown address family')",
                          raises=ValueError)),
    case("inet_ntop-family-99-str", Call("inet_ntop", 99, "1234"),
         types_only=PYPY_WORDING),
    case("inet_ntop-family-str", Call("inet_ntop", "AF_INET", b"\1\2\3\4"),
         types_only=INT_ARG),
]


CASES = table(BYTE_ORDER_CASES, INET_CASES)


@pytest.mark.parametrize("run, types_only, pypy", CASES)
def test_conformance(run, types_only, pypy):
    assert_conforms(run, types_only, pypy)


@pytest.mark.parametrize("name", ["htons", "ntohs"])
@pytest.mark.parametrize("value", [65536, 2**31, 2**32 - 1, 2**32])
def test_16bit_out_of_range_raises_overflow(name, value):
    # Python 3.9's stdlib only warns (DeprecationWarning) and truncates from
    # 65536 on; cffisock raises OverflowError, as Python 3.10+ does.
    with pytest.raises(OverflowError, match="16-bit"):
        getattr(cffisock, name)(value)
