"""Comparing cffisock with the stdlib: the same operation, run with each
module, and what it did.

``outcome(function, *args)`` is what a call did, in one shape that two
socket modules share: a ``Returned`` (the tuple ``("returned", value)``) or
a ``Raised`` (the tuple ``("raised", class name, errno)``).  The class is
the stdlib class the exception stands for (cffisock's ``gaierror``,
``herror``, ``timeout`` and TLS errors subclass the stdlib class of the same
name), so tuples of the two modules compare equal when they did the same.
A ``Raised`` also keeps what finer comparisons look at: ``type``,
``message``, ``args`` and ``failure`` (the TLS view: class name and
OpenSSL's reason, verify_code and verify_message).

The conformance tables (``test_*_conformance.py`` and the tables of other
files) are built from ``case``/``call_case`` entries and checked with
``assert_conforms``: equal (normalised) results, or an exception of the
same type, with the same errno and strerror for an OSError that has one,
and the same message for TypeError, ValueError, OverflowError and an
errno-less OSError -- unless the case is marked ``types_only`` with the
reason (the stdlib's own messages differ between CPython 3.9-3.13 and PyPy
3.9).  A case where an interpreter's stdlib departs from the behaviour
cffisock follows carries a ``Differs`` reference (``PyPyDiffers``,
``OlderDiffers``).
"""

import enum
import functools
import gc
import operator
import platform
import socket as stdlib_socket
import sys
import warnings

import pytest

import cffisock
from support.descriptors import open_fds

ON_PYPY = platform.python_implementation() == "PyPy"

#: Exceptions whose message is compared (UnicodeError is a ValueError).
MESSAGE_CHECKED = (TypeError, ValueError, OverflowError, OSError)

# Why a case compares only exception types (the stdlib's messages differ):
INT_ARG = ("int conversion: 3.9 'an integer is required (got type str)', "
           "3.10+ \"'str' object cannot be interpreted as an integer\", "
           "PyPy 'expected integer, got str object'")
PYPY_WORDING = "PyPy words this message differently from CPython"
ARGUMENT_COUNT = ("argument-count errors: CPython's C functions ('takes 2 or 3 arguments "
                  "(1 given)') and PyPy's Python signatures ('missing 1 required positional "
                  "argument') word them differently, and 3.13 rewords some")
# Where PyPy's stdlib departs from CPython's (cffisock follows CPython):
EMBEDDED_NUL = "PyPy ignores what follows a NUL"
SURROGATE = "PyPy passes a lone surrogate on to the C library, which finds nothing"
PORT_TYPE = "PyPy raises TypeError for a port that is neither int, str, bytes nor None"
NOT_A_TUPLE = "PyPy unpacks any sequence (a list is accepted, a str gives ValueError)"
IDNA = "the idna codec's error changed in 3.12 and 3.13 (3.13: UnicodeEncodeError)"


def normalise(value):
    """Make a result comparable across the stdlib and cffisock: enum members
    become ``(class name, member name, value)``, so a plain int where the
    stdlib gives an AddressFamily member is a difference."""
    if isinstance(value, enum.Enum):
        return (type(value).__name__, value.name, int(value))
    if isinstance(value, (tuple, list)):
        return type(value)(normalise(item) for item in value)
    return value


# -- outcomes ------------------------------------------------------------------------------


def stands_for(cls):
    """The stdlib exception class ``cls`` stands for: a cffisock class that
    subclasses a class of the same name from elsewhere (the stdlib's
    gaierror, herror, timeout on 3.9, ssl's errors) stands for that class;
    any other class for itself."""
    if cls.__module__.split(".")[0] == "cffisock":
        for base in cls.__mro__[1:]:
            if base.__name__ == cls.__name__ and base.__module__.split(".")[0] != "cffisock":
                return base
    return cls


def failure(exc):
    """What a stdlib TLS exception and its cffisock counterpart must share:
    the class name and OpenSSL's reason, verify_code and verify_message."""
    return (stands_for(type(exc)).__name__, getattr(exc, "reason", None),
            getattr(exc, "verify_code", None), getattr(exc, "verify_message", None))


class Returned(tuple):
    """``("returned", value)``: the call returned ``value``."""

    def __new__(cls, value):
        return super().__new__(cls, ("returned", value))

    @property
    def value(self):
        return self[1]


class Raised(tuple):
    """``("raised", class name, errno)``: the call raised ``exc``.  The class
    is the stdlib class the exception stands for (``stands_for``)."""

    def __new__(cls, exc):
        if isinstance(exc, type):  # a reference: the class alone
            self = super().__new__(cls, ("raised", stands_for(exc).__name__, None))
            self.type, self.message, self.args = stands_for(exc), None, ()
            self.failure = (self.type.__name__, None, None, None)
            return self
        exc_type = stands_for(type(exc))
        self = super().__new__(cls, ("raised", exc_type.__name__, getattr(exc, "errno", None)))
        self.type = exc_type
        self.message = str(exc)
        self.args = tuple(exc.args)
        self.failure = failure(exc)
        return self

    @property
    def name(self):
        return self[1]

    @property
    def errno(self):
        return self[2]


def outcome(function, *args, **kwargs):
    """What ``function(*args, **kwargs)`` did: ``Returned`` or ``Raised``."""
    try:
        return Returned(function(*args, **kwargs))
    except Exception as exc:  # the outcome under test
        return Raised(exc)


def outcome_and_warnings(function, *args, **kwargs):
    """``(outcome(function, ...), [(warning category, message), ...])``:
    what the call did and every warning it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = outcome(function, *args, **kwargs)
    return result, [(w.category, str(w.message)) for w in caught]


def same_outcome(operation):
    """``(outcome of operation(stdlib socket module), outcome of
    operation(cffisock))``: the stdlib is the reference."""
    return outcome(operation, stdlib_socket), outcome(operation, cffisock)


def clean_outcome(run, mod):
    """``(outcome(run, mod), warning categories)``; fails if the run left a
    descriptor open or let a socket be collected unclosed (ResourceWarning)."""
    before = open_fds()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = outcome(run, mod)
        if open_fds() - before:
            # PyPy frees objects only in the collector: e.g. its stdlib's
            # makefile('r', buffering=0) leaves a SocketIO holding the socket
            # open until it is collected.  (A socket that is closed only by
            # the collector still fails, below, by its ResourceWarning.)
            gc.collect()
    leaked = open_fds() - before
    assert not leaked, "%s leaked descriptors %s" % (mod.__name__, sorted(leaked))
    unclosed = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert not unclosed, "%s: %s" % (mod.__name__, unclosed)
    return result, sorted({w.category.__name__ for w in caught})


def assert_same(expected, actual, types_only=None):
    """``actual`` (cffisock's outcome) must match ``expected`` (the stdlib's)."""
    assert type(actual) is type(expected), (expected, actual)
    if isinstance(expected, Returned):
        assert normalise(actual.value) == normalise(expected.value)
        return
    assert actual.type is expected.type, (expected, actual)
    if issubclass(expected.type, OSError) and expected.errno is not None:
        # errno and strerror (gai_strerror, hstrerror): the same C library
        # gives both, on every interpreter.  (PyPy adds empty filename
        # fields to some: args[:2].)
        assert (actual.errno, actual.args[:2]) == (expected.errno, expected.args[:2]), \
            (expected, actual)
    elif not types_only and issubclass(expected.type, MESSAGE_CHECKED):
        # The message (of an errno-less OSError too).
        assert actual.message == expected.message, (expected.message, actual.message)
        assert actual.args[:2] == expected.args[:2], (expected.args, actual.args)


def assert_conforms(run, types_only, pypy):
    """A table entry: ``run(mod)`` with the stdlib (or the ``pypy``
    reference where it applies) and with cffisock: the same outcome, the
    same warning categories, nothing left open."""
    expected, expected_warnings = clean_outcome(run, stdlib_socket)
    if pypy is not None:
        expected = pypy.reference(expected)
    actual, actual_warnings = clean_outcome(run, cffisock)
    assert_same(expected, actual, types_only)
    assert actual_warnings == expected_warnings


class Differs:
    """This interpreter's stdlib departs, in this case, from the behaviour
    cffisock follows (CPython's, the newest CPython's where versions differ).

    The reference behaviour is ``raises`` (an exception type) or the outcome
    of ``like(mod)``, an equivalent call or an independent source.  Where
    ``applies``, the reference replaces the stdlib's outcome (types only);
    elsewhere the stdlib is checked to behave so."""

    def __init__(self, reason, applies, raises=None, like=None):
        self.reason = reason
        self.applies = applies
        self.raises = raises
        self.like = like

    def reference(self, stdlib_outcome):
        """The outcome cffisock must match, given the stdlib's."""
        if self.like is not None:
            like_outcome, _ = clean_outcome(self.like, stdlib_socket)
            if self.applies:
                return like_outcome
            assert_same(like_outcome, stdlib_outcome, types_only=True)
        elif self.applies:
            return Raised(self.raises)
        else:
            assert isinstance(stdlib_outcome, Raised), stdlib_outcome
            assert stdlib_outcome.type is self.raises, stdlib_outcome
        return stdlib_outcome


def PyPyDiffers(reason, raises=None, like=None):
    """PyPy's socket module departs from CPython's: cffisock follows CPython."""
    return Differs(reason, ON_PYPY, raises, like)


def OlderDiffers(version, reason, raises=None, like=None):
    """CPython before ``version`` (and PyPy, a 3.9) behave otherwise:
    cffisock follows ``version`` on every interpreter."""
    return Differs(reason, ON_PYPY or sys.version_info < version, raises, like)


# -- table entries -------------------------------------------------------------------------


def label(value):
    """A short, stable test id fragment for an argument."""
    if isinstance(value, (str, bytes)) and len(value) > 24:
        return "%s*%d" % (repr(value[:8]), len(value))
    if isinstance(value, memoryview):
        return "memoryview(%r)" % (value.tobytes(),)
    if isinstance(value, int) and not isinstance(value, enum.Enum) and abs(value) > 99999:
        power = abs(value).bit_length() - 1
        if abs(value) == 1 << power:
            return "%s2**%d" % ("-" if value < 0 else "", power)
    return repr(value)


def repr_label(value):
    """A stable test id fragment for ``value``, the whole of it."""
    if isinstance(value, memoryview):
        return "memoryview(%r)" % (value.tobytes(),)
    return repr(value)


def case(id, run, types_only=None, pypy=None, marks=()):
    """A table entry ``(run, types_only, pypy)`` with test id ``id``.
    ``types_only``: why messages are not compared; ``pypy``: a Differs
    reference (implies types only: the interpreters' messages differ)."""
    return pytest.param(run, types_only or (pypy and pypy.reason), pypy,
                        id=id, marks=marks)


def call_case(call, types_only=None, pypy=None, marks=()):
    """``case`` for a ``Call``, with the call as its id."""
    return case(call.id, call, types_only, pypy, marks)


def many(id_prefix, build, values, **options):
    """Cases ``build(value)``, with ids ``<prefix>-<value>``."""
    return [case("%s-%s" % (id_prefix, repr_label(value)), build(value), **options)
            for value in values]


def unique(params):
    """``params`` without repeats (overlapping grids give the same call)."""
    seen = set()
    return [param for param in params if not (param.id in seen or seen.add(param.id))]


def table(*case_lists):
    """The cases of ``case_lists`` as one table; their ids must be unique."""
    cases = [param for cases in case_lists for param in cases]
    ids = [param.id for param in cases]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, "case ids given twice: %s" % duplicates
    return cases


class K:
    """A constant of the module under test, by name; several are OR-ed.
    A name the stdlib lacks (NI_IDN before 3.13) is cffisock's value."""

    def __init__(self, *names):
        self.names = names

    def value(self, mod):
        values = [getattr(mod, name) if hasattr(mod, name) else int(getattr(cffisock, name))
                  for name in self.names]
        return functools.reduce(operator.or_, values)

    def __repr__(self):
        return "|".join(self.names)


class Call:
    """``mod.<function>(*args, **kwargs)``, K constants taken from ``mod``."""

    def __init__(self, function, *args, **kwargs):
        self.function = function
        self.args = args
        self.kwargs = kwargs

    def __call__(self, mod):
        def resolve(value):
            return value.value(mod) if isinstance(value, K) else value
        return getattr(mod, self.function)(
            *[resolve(arg) for arg in self.args],
            **{key: resolve(value) for key, value in self.kwargs.items()})

    @property
    def id(self):
        parts = [label(arg) for arg in self.args]
        parts += ["%s=%s" % (key, label(value)) for key, value in sorted(self.kwargs.items())]
        return "%s(%s)" % (self.function, ",".join(parts))


class Index:
    """An object with __index__ (not an int)."""

    def __init__(self, value):
        self.value = value

    def __index__(self):
        return self.value

    def __repr__(self):
        return "Index(%d)" % self.value


#: ``@MODULES``: run the test once with each module, as ``mod``.
MODULES = pytest.mark.parametrize("mod", [stdlib_socket, cffisock], ids=["stdlib", "cffisock"])


def mask_port(name):
    """An INET/INET6 address with the (kernel-chosen) port masked."""
    return (name[0], "<port>") + tuple(name[2:])


def assert_same_bytes(received, sent):
    """Assert ``received == sent`` without pytest diffing megabytes."""
    assert len(received) == len(sent)
    if received != sent:
        offset = next(i for i, (a, b) in enumerate(zip(received, sent)) if a != b)
        pytest.fail("the bytes differ from offset %d on" % offset)


def cases(calls, **options):
    return [call_case(call, **options) for call in calls]


def without_scope(answers):
    """getaddrinfo's ``answers`` with the %scope cut from each IPv6
    sockaddr's host: PyPy's sockaddrs keep it there, CPython's give the
    scope id alone."""
    return [entry[:4] + ((entry[4][0].split("%")[0],) + entry[4][1:],) for entry in answers]
