"""Fuzzing the socket constructor against the stdlib: socket() with random
families, types and protos, and with random descriptors (see
support/fuzz.py for the property, the budgets and the ``fuzz`` marker).

Every example runs on fresh sockets; nothing leaves the machine.  On PyPy,
the rules name CPython's outcome where PyPy's stdlib departs from it.
"""

import os

import pytest
from hypothesis import strategies as st

import cffisock
from support.comparison import ON_PYPY
from support.descriptors import collect_stale_sockets
from support.fuzz import (
    Instead,
    assert_like_the_stdlib,
    budgets,
    fuzz,
    in_c_int,
    integers,
    not_integers,
)


pytestmark = pytest.mark.fuzz


# -- the constructor -----------------------------------------------------------------------


def socket_rule(*numbers):
    if ON_PYPY and not all(map(in_c_int, numbers)):
        return Instead(("OverflowError", "TypeError"),
                       "PyPy raises OSError for a number beyond a C int")
    return None


@budgets
def test_socket_constructor_like_the_stdlib(fd_leak_check, budget):
    def check(family, kind, proto):
        def operation(module):
            with module.socket(family, kind, proto) as sock:
                return sock.family, sock.type, sock.proto, sock.gettimeout()
        assert_like_the_stdlib(operation, socket_rule(family, kind, proto))
    small = st.integers(-1, 45)
    fuzz(budget, check,
         st.one_of(st.sampled_from([cffisock.AF_UNIX, cffisock.AF_INET, cffisock.AF_INET6]), small,
                   integers()),
         st.one_of(st.sampled_from([cffisock.SOCK_STREAM, cffisock.SOCK_DGRAM, cffisock.SOCK_RAW,
                                    cffisock.SOCK_SEQPACKET,
                                    cffisock.SOCK_STREAM | cffisock.SOCK_NONBLOCK]), small),
         st.one_of(st.sampled_from([0, 6, 17, 1, 255]), small, integers()))


def closed_descriptor():
    fd = os.open(os.devnull, os.O_RDONLY)
    os.close(fd)
    return fd


def fileno_rule(fileno):
    if isinstance(fileno, int) and not in_c_int(fileno):
        return Instead("OverflowError", "documented: a descriptor number beyond a C int "
                                        "raises, the stdlib truncates it (2**32 is 0)")
    return None


@budgets
def test_socket_from_descriptor_like_the_stdlib(fd_leak_check, budget):
    # Only descriptors the test owns: a closed one, /dev/null, or numbers
    # that cannot be descriptors.  (Adopting one of pytest's would close it.)
    def check(choice, family, kind):
        def operation(module):
            try:
                with open(os.devnull) as devnull:
                    fileno = {"closed": closed_descriptor(), "devnull": devnull.fileno()}.get(
                        choice, choice)
                    with module.socket(family, kind, fileno=fileno) as sock:
                        return sock.family
            finally:
                collect_stale_sockets()
        assert_like_the_stdlib(operation, fileno_rule(choice))
    fuzz(budget, check,
         st.one_of(st.sampled_from(["closed", "devnull", -1, -5, 2**31, 2**32, 2**63,
                                    -2**31 - 1]),
                   not_integers()),
         st.sampled_from([-1, cffisock.AF_INET, cffisock.AF_UNIX]),
         st.sampled_from([-1, cffisock.SOCK_STREAM]), scale=0.5)
