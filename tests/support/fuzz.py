"""What the property-based fuzz tests (``test_*_fuzz.py``, marked ``fuzz``:
``pytest -m fuzz`` runs them alone) share.

The property, for every example hypothesis draws: the operation, run once
with the stdlib ``socket`` module and once with ``cffisock``, has the same
outcome -- an equal (normalised) result, or an exception of the same class
name with the same errno (support.comparison's ``outcome``/``same_outcome``) -- and
leaves no descriptor open.  Where cffisock differs from the stdlib on
purpose (the README's "Differences from the stdlib"), or where this
interpreter's stdlib departs from CPython's, whose behaviour cffisock
follows (PyPy), the test names the exception cffisock raises instead, with
the reason; see ``Instead``.

Budgets: every fuzz test runs twice, as ``[default]`` with 40 (PyPy: 20)
derandomized examples (the same ones on every run, so the default suite is
never flaky), and as ``[stress]``, marked ``stress`` (``pytest -m stress``),
with ``CFFISOCK_FUZZ_EXAMPLES`` examples (default 2000), derandomized unless
``CFFISOCK_FUZZ_RANDOM=1``.

No name lookup leaves the machine: the host strategies here give numeric
addresses, names of /etc/hosts (in the families they have there), and
names that cannot be looked up because their first label is longer than
the 63 bytes DNS allows (``UNRESOLVABLE``): the C library fails to build
the query and sends nothing.  A NUL inside a host always follows such a
safe prefix, since PyPy's stdlib resolves the part before a NUL.
"""

import array
import gc
import ipaddress
import math
import os
import sys

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import cffisock
from support import loopback
from support.comparison import ON_PYPY, normalise, same_outcome
from support.descriptors import open_fds

#: cffisock follows today's socket and ssl modules; CPython 3.9's differ in
#: places these rules do not name (htons beyond 16 bits, the TLS minimum
#: version, unexpected-EOF errors...): on 3.9 the property is the relaxed
#: one used for PyPy's stress budget (see ``fuzz``).
STDLIB_BEFORE_3_10 = not ON_PYPY and sys.version_info < (3, 10)

#: PyPy runs the examples (its JIT still cold) about three times slower.
DEFAULT = settings(
    max_examples=20 if ON_PYPY else 40, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
#: The stress budget is derandomized too, so that CI runs the examples a
#: local run of the same commit ran (a rule gap found by chance in CI would
#: refuse a commit no local run could have caught); CFFISOCK_FUZZ_RANDOM=1
#: draws fresh random examples, to explore.
STRESS = settings(
    DEFAULT, max_examples=int(os.environ.get("CFFISOCK_FUZZ_EXAMPLES", "2000")),
    derandomize=os.environ.get("CFFISOCK_FUZZ_RANDOM") != "1", print_blob=True)

#: ``@budgets``: run the test at the default and at the stress budget; the
#: test takes ``budget`` and hands it to ``fuzz``.
budgets = pytest.mark.parametrize("budget", [
    pytest.param(DEFAULT, id="default"),
    pytest.param(STRESS, id="stress", marks=pytest.mark.stress),
])


#: Whether the stdlib is the reference for the examples being run: not for
#: the stress budget on PyPy (see below).
_compared = [True]


def fuzz(budget, check, *strategies, scale=1.0):
    """Call ``check(*example)`` for examples of ``strategies``; ``scale``
    adjusts the number of examples for a slow check.

    PyPy's socket module departs from CPython's in more places than the
    rules of these tests name (those the default examples meet): under the
    stress budget on PyPy, the property is that cffisock returns or raises
    one of the exceptions a bad argument may raise, leaking nothing."""
    examples = max(1, int(budget.max_examples * scale))
    _compared[0] = not ((ON_PYPY and budget is STRESS) or STDLIB_BEFORE_3_10)
    try:
        given(*strategies)(settings(budget, max_examples=examples)(check))()
    finally:
        _compared[0] = True


class Instead:
    """The outcome cffisock has where the stdlib's is not the reference:
    it raises one of ``raised`` (exception class names); ``reason`` says
    why.  ``unless(reference)``, if given, keeps the stdlib's outcome as
    the reference where it is true (an earlier error both raise)."""

    def __init__(self, raised, reason, unless=None):
        self.raised = (raised,) if isinstance(raised, str) else tuple(raised)
        self.reason = reason
        self.unless = unless

    def applies(self, reference):
        return self.unless is None or not self.unless(reference)

    def __repr__(self):
        return "Instead(%r, %r)" % (self.raised, self.reason)


def assert_no_leak(before):
    """No descriptor open now that was not in ``before``.  (PyPy closes
    some of its stdlib's objects only in the collector: it runs first.)"""
    for _ in range(3):
        if not open_fds() - before:
            break
        gc.collect()
    leaked = open_fds() - before
    assert not leaked, "descriptors leaked: %s" % sorted(leaked)


def assert_like_the_stdlib(operation, instead=None):
    """Run ``operation(module)`` with the stdlib and with cffisock; their
    outcomes must be the same (or what ``instead`` says), and neither may
    leave a descriptor open."""
    if not _compared[0]:
        assert_returns_or_raises(operation, BAD_ARGUMENT_ERRORS)
        return
    before = open_fds()
    reference, result = same_outcome(lambda module: normalise(operation(module)))
    assert_no_leak(before)
    if instead is not None and instead.applies(reference):
        assert result[0] == "raised" and result[1] in instead.raised, \
            (instead, reference, result)
    else:
        assert result == reference, (reference, result)


#: What a call may raise for bad arguments (UnicodeError is a ValueError,
#: gaierror and herror OSErrors; LookupError: makefile's unknown encoding).
BAD_ARGUMENT_ERRORS = (OSError, TypeError, ValueError, OverflowError, MemoryError,
                       LookupError, BufferError)


def assert_returns_or_raises(operation, allowed):
    """Run ``operation(cffisock)`` alone: it must return or raise one of
    the exception classes ``allowed``, and leave no descriptor open (where
    the stdlib cannot be the reference)."""
    before = open_fds()
    try:
        operation(cffisock)
    except allowed:
        pass
    assert_no_leak(before)


def free_after(call, buffer):
    """``call()``'s result, once it is checked that ``buffer`` -- a
    bytearray, array or contiguous memoryview the test made for this call
    alone -- is no longer exported right after the call, while the
    exception it raised, if any, is still alive with its traceback: the
    bytearray or array resizes, the memoryview releases (it is spent).  A
    buffer view kept by a frame of the traceback fails here (collecting one
    can crash CPython: tests/test_buffer_release.py).  PyPy tracks no exports,
    so there the check passes whatever the call kept."""
    try:
        result = call()
    except Exception:
        _assert_unexported(buffer)
        raise
    _assert_unexported(buffer)
    return result


def _assert_unexported(buffer):
    try:
        if isinstance(buffer, memoryview) and buffer.contiguous:
            buffer.release()
        elif isinstance(buffer, bytearray):
            buffer.extend(b"?")
            del buffer[-1:]
        elif isinstance(buffer, array.array):
            buffer.append(0)
            buffer.pop()
    except BufferError as exc:
        raise AssertionError("the caller's %s is still exported after the call: %s"
                             % (type(buffer).__name__, exc)) from None


def fresh(data):
    """A copy of ``data`` for one call, if it is a buffer free_after would
    spend (bytearray, array, contiguous memoryview); else ``data`` itself."""
    if isinstance(data, bytearray):
        return bytearray(data)
    if isinstance(data, array.array):
        return array.array(data.typecode, data)
    if isinstance(data, memoryview) and data.contiguous:
        return memoryview(bytearray(data) if not data.readonly else bytes(data))
    return data


def timeout_rule(value):
    """PyPy takes NaN and timeouts beyond 2**63 ns, which CPython refuses
    (ValueError, OverflowError), and cffisock with it."""
    if not ON_PYPY or not isinstance(value, (int, float)):
        return None
    if value != value:
        return Instead("ValueError", "PyPy takes NaN as a timeout, CPython raises")
    if abs(value) * 1e9 >= 2**63:
        return Instead("OverflowError", "PyPy takes a timeout beyond 2**63 ns, CPython raises")
    return None


def as_cpython_keeps(seconds):
    """A timeout as CPython keeps it, in whole nanoseconds rounded up (PyPy
    keeps the float; cffisock follows CPython)."""
    if not ON_PYPY or not isinstance(seconds, float):
        return seconds
    nanoseconds = math.ceil(seconds * 1e9)
    whole, fraction = divmod(nanoseconds, 10**9)
    return nanoseconds / 1e9 if fraction else float(whole)


def in_c_int(value):
    return isinstance(value, int) and -2**31 <= value < 2**31


def resolution_failed(reference):
    """Whether the stdlib's outcome is a failed host lookup (gaierror, or
    an OSError without errno such as 'address family mismatched')."""
    return reference[0] == "raised" and (
        reference[1] == "gaierror" or (reference[1] == "OSError" and reference[2] is None))


# -- hosts that never reach DNS ------------------------------------------------------------

#: A label longer than DNS allows: a name starting with it cannot be queried.
UNRESOLVABLE = "a" * 64


def hosts_file_names(family=cffisock.AF_INET):
    """The names /etc/hosts lists with an address of ``family``."""
    names = []
    try:
        with open("/etc/hosts") as hosts:
            lines = hosts.read().splitlines()
    except OSError:
        return names
    for line in lines:
        fields = line.split("#", 1)[0].split()
        if len(fields) < 2:
            continue
        try:
            address = ipaddress.ip_address(fields[0].split("%", 1)[0])
        except ValueError:
            continue
        if (address.version == 4) == (family == cffisock.AF_INET):
            names.extend(name for name in fields[1:] if name not in names)
    return names


def ipv4_texts():
    """IPv4 addresses in every numeric form the C library parses without a
    lookup: dotted quad, and inet_aton's a.b.c, a.b, a forms in decimal,
    hex and octal."""
    def forms(number):
        octets = number.to_bytes(4, "big")
        parts = [
            [octets[0], octets[1], octets[2], octets[3]],
            [octets[0], octets[1], number & 0xFFFF],
            [octets[0], number & 0xFFFFFF],
            [number],
        ]
        return st.sampled_from(parts).flatmap(lambda part: st.sampled_from([
            ".".join("%d" % value for value in part),
            ".".join("0x%x" % value for value in part),
            ".".join("0%o" % value if value else "0" for value in part),
        ]))
    special = st.sampled_from(["127.0.0.1", "0.0.0.0", "255.255.255.255", "127.1"])
    return st.one_of(special, st.integers(0, 2**32 - 1).flatmap(forms))


def ipv6_texts():
    """IPv6 addresses, compressed, exploded or IPv4-mapped."""
    def forms(address):
        return st.sampled_from([address.compressed, address.exploded,
                                address.compressed.upper()])
    special = st.sampled_from(["::1", "::", "::ffff:127.0.0.1", "fe80::1"])
    return st.one_of(special, st.ip_addresses(v=6).flatmap(forms))


def unresolvable_names():
    """Names that fail before any query: the long label, then anything."""
    return st.one_of(
        st.text(max_size=20).map(lambda tail: UNRESOLVABLE + "." + tail),
        st.binary(max_size=20).map(lambda tail: UNRESOLVABLE.encode() + b"." + tail))


def hosts(family, numeric=None):
    """Hosts of every type and form for a ``family`` address: ``numeric``
    ones (default: every numeric form), /etc/hosts names, '', '<broadcast>',
    unresolvable names, NUL after a safe prefix, objects of wrong types."""
    if numeric is None:
        numeric = ipv4_texts() if family == cffisock.AF_INET else ipv6_texts()
    names = hosts_file_names(family)
    safe = st.one_of(
        numeric,
        st.sampled_from(names + ["", "<broadcast>"]),
        unresolvable_names(),
    )
    return st.one_of(
        safe,
        safe.map(lambda host: host.encode() if isinstance(host, str) else host),
        safe.map(lambda host: bytearray(host.encode() if isinstance(host, str) else host)),
        st.tuples(safe, st.text(max_size=5)).map(
            lambda pair: pair[0] + "\0" + pair[1] if isinstance(pair[0], str)
            else pair[0] + b"\0" + pair[1].encode("utf-8", "surrogatepass")),
        st.sampled_from([None, 0, 127, 1.5, ["127.0.0.1"], memoryview(b"127.0.0.1")]),
    )


def integers():
    """Integers where the edges are: small, around 16, 20, 31, 32 and 64
    bits, negative and huge."""
    edges = [0, 1, 2**16 - 1, 2**16, 2**20 - 1, 2**20, 2**31 - 1, 2**31, 2**32 - 1,
             2**32, 2**63 - 1, 2**63, 2**64, 2**100]
    return st.one_of(
        st.integers(-5, 70000),
        st.sampled_from(edges + [-value for value in edges]),
        st.integers(),
    )


def one_wrong(*choices):
    """Argument tuples: position i from ``choices[i][0]`` (valid values),
    except at most one position from ``choices[i][1]`` (anything).

    For the calls whose argument checks run in another order than the
    stdlib's when two arguments are wrong at once (see
    test_send_recv_fuzz.py): each example has one fault to find."""
    def with_wrong(position):
        return st.tuples(*[wrong if index == position else valid
                           for index, (valid, wrong) in enumerate(choices)])
    return st.one_of([with_wrong(position) for position in range(len(choices))])


def not_integers():
    """Objects that are not integers (bool is one: it is there too)."""
    return st.sampled_from([True, False, None, 1.0, "80", b"80", [80], float("nan")])


def on_pair(kind, data, action):
    """support.loopback's on_pair for the fuzz operations, which take the
    pair alone: ``action(a, b)`` on a non-blocking AF_UNIX socketpair of
    ``kind`` after ``a`` sent ``data``.  (The checks keep calling it so:
    hypothesis draws a derandomized test's examples from a seed made of the
    checking function's source, so editing a check changes its examples.)"""
    return loopback.on_pair(lambda mod, a, b: action(a, b), data, kind)


# -- socket calls' arguments ---------------------------------------------------------------


KINDS = [pytest.param(cffisock.SOCK_STREAM, id="stream"),
         pytest.param(cffisock.SOCK_DGRAM, id="dgram")]


MSG_FLAGS = [0, cffisock.MSG_PEEK, cffisock.MSG_DONTWAIT, cffisock.MSG_TRUNC,
             cffisock.MSG_WAITALL, cffisock.MSG_OOB, cffisock.MSG_ERRQUEUE,
             cffisock.MSG_PEEK | cffisock.MSG_TRUNC, cffisock.MSG_CMSG_CLOEXEC,
             cffisock.MSG_NOSIGNAL, cffisock.MSG_EOR, cffisock.MSG_MORE]


def flags_rule(flags):
    if ON_PYPY and isinstance(flags, int) and not in_c_int(flags):
        return Instead("OverflowError", "PyPy truncates flags beyond a C int")
    return None


def valid_flags():
    return st.one_of(st.sampled_from(MSG_FLAGS), st.integers(-2**31, 2**31 - 1))


def flags():
    return st.one_of(valid_flags(), integers(), not_integers())


def sizes():
    """Buffer sizes: 0, small, around the data's length, huge, negative."""
    return st.one_of(st.integers(-2, 40), st.sampled_from([2**31, 2**40, 2**63, -2**63]),
                     integers(), not_integers())


def drained(sock, limit=1 << 21):
    """All bytes queued on non-blocking ``sock`` (up to ``limit``)."""
    chunks = []
    for _ in range(64):
        try:
            chunk = sock.recv(limit)
        except BlockingIOError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


# -- receiving -----------------------------------------------------------------------------

DATA = b"0123456789abcdefghij"


def size_rule(size):
    if isinstance(size, int) and 2**63 - 64 < size < 2**63:
        return Instead(("OverflowError", "MemoryError"),
                       "a size at the top of ssize_t: a CPython bytes object's header "
                       "does not fit (OverflowError), cffisock's allocation fails",
                       unless=lambda reference: reference[:2] != ("raised", "OverflowError"))
    return None


def pypy_recvmsg_aborts(method, flags):
    """PyPy's own recvmsg aborts the interpreter (an RPython AssertionError
    in str_from_buffer) when MSG_TRUNC reports more bytes than the buffer
    holds: the reference cannot be asked then."""
    return (ON_PYPY and method.startswith("recvmsg") and isinstance(flags, int)
            and flags & cffisock.MSG_TRUNC)


def call(name, *args):
    """The operation ``module.name(*args)``."""
    return lambda module: getattr(module, name)(*args)


def texts():
    """Text of every kind: address-like, any Unicode, lone surrogates, NUL."""
    return st.one_of(
        ipv4_texts(), ipv6_texts(),
        st.text(alphabet="0123456789abcdefx.:%[] \0", max_size=45),
        st.text(max_size=30),
        st.sampled_from(["\udcff", "\ud800", "1.2.3.4\0", "::1\0x", ""]),
    )


def anything():
    """Objects of the wrong types for most arguments."""
    return st.one_of(not_integers(), st.binary(max_size=8),
                     st.sampled_from([bytearray(b"1"), memoryview(b"\1\2\3\4"), object()]))
