"""Fuzzing socket addresses against the stdlib: every family's address
through bind, connect, connect_ex and sendto (see support/fuzz.py for the
property and the budgets).

Addresses are random tuples of every arity (and lists, strings, None...),
hosts of every type and form that never reach DNS, ports, flowinfo and
scope ids from small to huge and negative, AF_UNIX paths of str, bytes,
bytearray and memoryview, with non-ASCII text, NUL bytes, abstract names and
lengths past sun_path.  Nothing is sent off the machine: connect is a UDP
connect (no packet), sendto goes through a closed socket (the address is
parsed, then EBADF), and file paths are bound in a fresh directory.

cffisock's documented differences (README, "Differences from the stdlib")
are the expected outcome where they apply: a flowinfo or scope id the
stdlib would truncate raises OverflowError, and a NUL inside a file system
AF_UNIX path raises ValueError.  On PyPy, where its socket module departs
from CPython's (lists as addresses, ValueError for a wrong arity, ...),
cffisock's outcome is CPython's, named by the rule.
"""

import os
import shutil
import socket as stdlib
import tempfile
from operator import index

import pytest
from hypothesis import strategies as st

import cffisock
from support import loopback
from support.comparison import ON_PYPY
from support.fuzz import (
    Instead,
    assert_like_the_stdlib,
    budgets,
    fuzz,
    hosts,
    integers,
    not_integers,
    resolution_failed,
)
from support.loopback import on_socket, requires_ipv6


pytestmark = pytest.mark.fuzz


MAX_FLOWINFO = 2**20 - 1
MAX_SCOPE_ID = 2**32 - 1


def numbers():
    return st.one_of(integers(), not_integers())


def inet_addresses(family):
    """``(host, port[, flowinfo[, scope_id]])`` of any arity 0..5, as a
    tuple, a list or not a sequence at all."""
    items = [hosts(family), numbers(), numbers(), numbers(), numbers()]
    tuples = st.integers(0, 5).flatmap(lambda arity: st.tuples(*items[:arity]))
    return st.one_of(
        tuples, tuples, tuples,
        tuples.map(list),
        st.sampled_from(["127.0.0.1", b"::1", None, 80, {"host": "::1"}]),
    )


def is_int(value):
    try:
        index(value)
    except TypeError:
        return False
    return True


def encodes(host):
    """Whether ``host`` is a valid host argument before any lookup (the
    stdlib's idna_converter): str (IDNA-encodable), bytes or bytearray,
    without NUL."""
    if isinstance(host, str):
        try:
            host = host.encode("idna")
        except UnicodeError:
            return False
    return isinstance(host, (bytes, bytearray)) and b"\0" not in host


def inet_rule(family, address):
    """Where cffisock's outcome for this address is not the stdlib's."""
    if not isinstance(address, tuple):
        return Instead("TypeError", "PyPy takes any sequence as an address; "
                                    "CPython (and cffisock) only a tuple") if ON_PYPY else None
    arity = (2, 2) if family == cffisock.AF_INET else (2, 4)
    if ON_PYPY and not arity[0] <= len(address) <= arity[1]:
        return Instead("TypeError", "PyPy unpacks the tuple: ValueError for a "
                                    "wrong length, CPython raises TypeError")
    if not arity[0] <= len(address) <= arity[1]:
        return None
    host, *numbers = address
    if ON_PYPY and isinstance(host, str) and "\0" not in host and not encodes(host):
        return Instead("TypeError", "CPython turns a host the IDNA codec refuses "
                                    "into TypeError, PyPy raises the UnicodeError")
    if len(numbers) < 2 or not encodes(host) or not all(map(is_int, numbers)):
        return None
    port, flowinfo, scope_id = (index(number) for number in numbers + [0] * (3 - len(numbers)))
    in_range = (0 <= port <= 0xFFFF, 0 <= flowinfo <= MAX_FLOWINFO, 0 <= scope_id <= MAX_SCOPE_ID)
    if ON_PYPY and not all(in_range) and abs(port) < 2**31:
        return Instead(("OverflowError", "gaierror", "OSError"),
                       "PyPy checks the numbers' ranges before it resolves the "
                       "host, CPython after: cffisock raises CPython's error")
    if in_range[0] and not all(in_range):
        return Instead("OverflowError", "documented: a flowinfo or scope id out of "
                                        "range raises, the stdlib truncates it",
                       unless=resolution_failed)
    return None


def on_new_socket(family, kind, action):
    """The operation ``action(sock)`` on a new socket of the module."""
    return on_socket(lambda module, sock: action(sock), family, kind)

def on_closed_socket(family, kind, action):
    """The operation ``action(sock)`` on a closed socket of the module."""
    return loopback.on_closed_socket(lambda module, sock: action(sock), family, kind)

def bound_name(address):
    def bind(sock):
        sock.bind(address)
        name = sock.getsockname()
        return (name[0], "<port>") + name[2:]  # the kernel picks port 0's
    return bind


INET_METHODS = {
    # method: (the socket it runs on, the action for an address)
    "bind": (on_new_socket, bound_name),
    # A UDP connect sends nothing; getpeername shows the port exactly.
    "connect": (on_new_socket,
                lambda address: lambda sock: (sock.connect(address), sock.getpeername())),
    "connect_ex": (on_new_socket, lambda address: lambda sock: sock.connect_ex(address)),
    # A closed socket parses the address, then fails with EBADF.
    "sendto": (on_closed_socket, lambda address: lambda sock: sock.sendto(b"x", address)),
}


FAMILIES = [pytest.param(cffisock.AF_INET, id="AF_INET"),
            pytest.param(cffisock.AF_INET6, id="AF_INET6", marks=requires_ipv6)]


@budgets
@pytest.mark.parametrize("method", list(INET_METHODS))
@pytest.mark.parametrize("family", FAMILIES)
def test_inet_addresses_like_the_stdlib(fd_leak_check, budget, family, method):
    def check(address):
        on_socket, action = INET_METHODS[method]
        assert_like_the_stdlib(on_socket(family, cffisock.SOCK_DGRAM, action(address)),
                               inet_rule(family, address))
    fuzz(budget, check, inet_addresses(family))


# -- AF_UNIX -------------------------------------------------------------------------------

#: Longer than sun_path (108 bytes) with room to spare.
PATH_TAIL = 120


def unix_paths(directory):
    """File system paths in ``directory`` (str, bytes, bytearray,
    memoryview; any text, NUL and '/' included), abstract names, the empty
    path (autobind), and objects of wrong types."""
    text_paths = st.text(max_size=PATH_TAIL).map(lambda tail: directory + "/" + tail)
    byte_paths = st.binary(max_size=PATH_TAIL).map(
        lambda tail: os.fsencode(directory) + b"/" + tail)
    abstract = st.binary(max_size=PATH_TAIL).map(lambda tail: b"\0" + tail)
    return st.one_of(
        text_paths, text_paths, byte_paths,
        byte_paths.map(bytearray), byte_paths.map(memoryview),
        abstract, st.text(max_size=PATH_TAIL).map(lambda tail: "\0" + tail),
        st.sampled_from(["", b"", None, 42, ("/tmp/x",), ["/tmp/x"]]),
    )


def unix_rule(path):
    """Where cffisock's outcome for this AF_UNIX path is not the stdlib's."""
    if isinstance(path, str):
        try:
            encoded = os.fsencode(path)
        except UnicodeError:
            return None
    else:
        try:
            encoded = bytes(memoryview(path))
        except TypeError:
            return None
    if encoded[:1] != b"\0" and b"\0" in encoded:
        return Instead("ValueError", "documented: a NUL inside a file system path "
                                     "raises, the stdlib binds the part before it")
    return None


def stdlib_form(path):
    """PyPy's stdlib takes only str and bytes paths; CPython's any
    bytes-like object.  The bytes of the same path stand in for them."""
    if ON_PYPY and isinstance(path, (bytearray, memoryview)):
        return bytes(path)
    return path


@pytest.fixture
def unix_directory():
    """A fresh, short directory for AF_UNIX paths (emptied by each run)."""
    directory = tempfile.mkdtemp(prefix="cfz-", dir="/tmp")
    yield directory
    shutil.rmtree(directory)


def emptied(directory, action):
    """``action(sock)``, then remove what it bound in ``directory``."""
    def run(sock):
        try:
            return action(sock)
        finally:
            for name in os.listdir(directory):
                os.unlink(os.path.join(directory, name))
    return run


def bound_path(path, sock):
    """The socket's name; for the empty path (Linux autobind: a random
    abstract name) its type and length."""
    name = sock.getsockname()
    if isinstance(path, (str, bytes, bytearray, memoryview)) and len(path) == 0:
        return type(name).__name__, len(name)
    return name


UNIX_ACTIONS = {
    "bind": lambda path: lambda sock: (sock.bind(path), bound_path(path, sock)),
    "connect": lambda path: lambda sock: sock.connect(path),
    "connect_ex": lambda path: lambda sock: sock.connect_ex(path),
    "sendto": lambda path: lambda sock: sock.sendto(b"x", path),
}


@budgets
@pytest.mark.parametrize("method", list(UNIX_ACTIONS))
@pytest.mark.parametrize("kind", [pytest.param(cffisock.SOCK_STREAM, id="stream"),
                                  pytest.param(cffisock.SOCK_DGRAM, id="dgram")])
def test_unix_paths_like_the_stdlib(fd_leak_check, unix_directory, budget, kind, method):
    def check(path):
        def operation(module):
            address = stdlib_form(path) if module is stdlib else path
            with module.socket(module.AF_UNIX, kind) as sock:
                return emptied(unix_directory, UNIX_ACTIONS[method](address))(sock)
        assert_like_the_stdlib(operation, unix_rule(path))
    fuzz(budget, check, unix_paths(unix_directory), scale=0.5)
