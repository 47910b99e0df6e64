"""Fuzzing timeouts against the stdlib: settimeout, setblocking and the
module's default timeout with random values (see support/fuzz.py for the
property, the budgets and the ``fuzz`` marker)."""

import socket as stdlib
import sys

import pytest
from hypothesis import strategies as st

from support.comparison import ON_PYPY
from support.fuzz import (
    as_cpython_keeps,
    assert_like_the_stdlib,
    budgets,
    fuzz,
    integers,
    not_integers,
    timeout_rule,
)


pytestmark = pytest.mark.fuzz


# -- timeouts, blocking, listen, shutdown --------------------------------------------------


def blocking_flag(flag):
    """3.13 takes any object's truth as setblocking's flag, 3.9-3.12 (and
    PyPy) only a C long: cffisock follows 3.13, whose answer is the
    stdlib's for the flag's truth value."""
    older = ON_PYPY or sys.version_info < (3, 13)
    return bool(flag) if older else flag


@budgets
def test_timeouts_and_blocking_like_the_stdlib(fd_leak_check, budget):
    def check(timeout, flag):
        def set_timeout(module):
            with module.socket() as sock:
                sock.settimeout(timeout)
                return as_cpython_keeps(sock.gettimeout()), sock.getblocking()

        def set_blocking(module):
            with module.socket() as sock:
                sock.setblocking(blocking_flag(flag) if module is stdlib else flag)
                return sock.gettimeout(), sock.getblocking()
        assert_like_the_stdlib(set_timeout, timeout_rule(timeout))
        assert_like_the_stdlib(set_blocking)
    fuzz(budget, check,
         st.one_of(st.floats(), st.floats(-1, 1e10), integers(), not_integers(), st.none()),
         st.one_of(st.booleans(), integers(), not_integers(), st.none()))


# -- the default timeout -------------------------------------------------------------------


def timeouts():
    return st.one_of(st.floats(), st.floats(-1, 1e10), integers(), not_integers(), st.none())


@budgets
def test_default_timeout_like_the_stdlib(fd_leak_check, budget):
    def set_and_get(value):
        def operation(module):
            try:
                module.setdefaulttimeout(value)
                return as_cpython_keeps(module.getdefaulttimeout())
            finally:
                module.setdefaulttimeout(None)
        return operation
    fuzz(budget, lambda value: assert_like_the_stdlib(set_and_get(value), timeout_rule(value)),
         timeouts())
