"""Fuzzing byte order and address conversion against the stdlib: inet_aton,
inet_ntoa, inet_pton, inet_ntop, htons, ntohs, htonl, ntohl (see
support/fuzz.py for the property, the budgets and the ``fuzz`` marker).

cffisock's documented differences are the expected outcome where they apply
(htons/ntohs beyond 16 bits on 3.9: OverflowError), and on PyPy the rules
name CPython's outcome where PyPy's stdlib departs.
"""

import sys
import warnings

import pytest
from hypothesis import strategies as st

import cffisock
from support.comparison import Index, ON_PYPY
from support.fuzz import (
    Instead,
    anything,
    assert_like_the_stdlib,
    budgets,
    call,
    fuzz,
    in_c_int,
    integers,
    not_integers,
    texts,
)


pytestmark = pytest.mark.fuzz


# -- inet_aton, inet_ntoa, inet_pton, inet_ntop --------------------------------------------

FAMILIES = st.one_of(st.sampled_from([cffisock.AF_INET, cffisock.AF_INET6]), integers())


def text_rule(text):
    if not ON_PYPY or not isinstance(text, str):
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return Instead("UnicodeEncodeError", "PyPy passes a lone surrogate on")
    if "\0" in text:
        return Instead("ValueError", "PyPy ignores what follows a NUL, CPython raises")
    return None


def family_rule(family, unknown, argument_ok):
    """PyPy: an unknown family is OSError without errno, one beyond a C int
    too; CPython raises ``unknown`` (with EAFNOSUPPORT) and OverflowError
    (the other argument ``argument_ok``)."""
    if not (ON_PYPY and isinstance(family, int)) or family in (cffisock.AF_INET,
                                                              cffisock.AF_INET6):
        return None
    if not in_c_int(family):
        return Instead("OverflowError", "PyPy raises OSError for a family beyond a C int")
    if not argument_ok:
        return None
    return Instead(unknown, "PyPy raises OSError without errno for an unknown family")


@budgets
def test_inet_aton_and_ntoa_like_the_stdlib(fd_leak_check, budget):
    def check(text, packed):
        assert_like_the_stdlib(call("inet_aton", text), text_rule(text))
        assert_like_the_stdlib(call("inet_ntoa", packed))
    fuzz(budget, check, st.one_of(texts(), anything()),
         st.one_of(st.binary(max_size=6), st.binary(max_size=6).map(bytearray), anything()))


@budgets
def test_inet_pton_like_the_stdlib(fd_leak_check, budget):
    def check(family, text):
        assert_like_the_stdlib(call("inet_pton", family, text),
                               text_rule(text) or family_rule(family, "OSError",
                                                              isinstance(text, str)))
    fuzz(budget, check, FAMILIES, st.one_of(texts(), texts(), anything()))


@budgets
def test_inet_ntop_like_the_stdlib(fd_leak_check, budget):
    def check(family, packed):
        assert_like_the_stdlib(call("inet_ntop", family, packed), family_rule(
            family, "ValueError", isinstance(packed, (bytes, bytearray, memoryview))))
    fuzz(budget, check, FAMILIES,
         st.one_of(st.binary(max_size=18), st.binary(min_size=4, max_size=4),
                   st.binary(min_size=16, max_size=16).map(memoryview), anything()))


# -- htons, ntohs, htonl, ntohl ------------------------------------------------------------


def byte_order_rule(name, value):
    sixteen = name in ("htons", "ntohs")
    if sixteen and sys.version_info < (3, 10) and isinstance(value, int) and value > 0xFFFF:
        return Instead("OverflowError", "documented: 3.9's stdlib only warns and "
                                        "truncates, cffisock raises as 3.10+ do")
    if ON_PYPY and not sixteen and isinstance(value, Index):
        return Instead("TypeError", "PyPy's htonl/ntohl take __index__ objects, "
                                    "CPython's only int")
    if ON_PYPY and sixteen and isinstance(value, Index) and not 0 <= value.value <= 0xFFFF:
        return Instead("OverflowError", "PyPy truncates an __index__ object to 16 bits")
    return None


@budgets
@pytest.mark.parametrize("name", ["htons", "ntohs", "htonl", "ntohl"])
def test_byte_order_like_the_stdlib(fd_leak_check, budget, name):
    def check(value):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # 3.9's htons
            assert_like_the_stdlib(call(name, value), byte_order_rule(name, value))
    fuzz(budget, check, st.one_of(integers(), not_integers(), integers().map(Index)),
         scale=0.5)
