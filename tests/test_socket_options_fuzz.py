"""Fuzzing getsockopt and setsockopt against the stdlib: random levels,
options, values and lengths (see support/fuzz.py for the property, the
budgets and the ``fuzz`` marker). Every example runs on a new socket on
127.0.0.1; options whose value the kernel changes by itself are left out."""

import socket as stdlib

import pytest
from hypothesis import strategies as st

import cffisock
from support.comparison import ON_PYPY
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


# -- socket options ------------------------------------------------------------------------

LEVELS = [cffisock.SOL_SOCKET, cffisock.IPPROTO_IP, cffisock.IPPROTO_TCP, cffisock.IPPROTO_IPV6,
          cffisock.IPPROTO_UDP]
#: Options whose value differs from one socket to the next.
VOLATILE = {(cffisock.SOL_SOCKET, getattr(stdlib, "SO_INCOMING_CPU", 49)),
            (cffisock.SOL_SOCKET, 57),  # SO_COOKIE
            (cffisock.IPPROTO_TCP, cffisock.TCP_INFO)}


def option_values():
    return st.one_of(integers(), st.binary(max_size=40), st.binary(max_size=8).map(bytearray),
                     st.sampled_from([None, "1", 1.5, True, [1]]))


def socket_kinds():
    return st.sampled_from([(cffisock.AF_INET, cffisock.SOCK_STREAM),
                            (cffisock.AF_INET, cffisock.SOCK_DGRAM),
                            (cffisock.AF_INET6, cffisock.SOCK_DGRAM),
                            (cffisock.AF_UNIX, cffisock.SOCK_STREAM)])


def option_rule(numbers_fit, optlen):
    if ON_PYPY and optlen is not None:
        return Instead(("OSError", "OverflowError", "TypeError"),
                       "PyPy has no setsockopt(level, option, None, optlen)")
    if ON_PYPY and not numbers_fit:
        return Instead(("OverflowError", "TypeError"), "PyPy truncates a level or option "
                                                       "beyond a C int")
    return None


def setsockopt_optlen_rule(level, option, value, optlen):
    """Documented: an optlen the stdlib would truncate to 32 bits raises."""
    numbers_fit = in_c_int(level) and in_c_int(option)
    if numbers_fit and value is None and isinstance(optlen, int) and not 0 <= optlen < 2**32:
        return Instead("OverflowError", "documented: an optlen outside 0..2**32-1 "
                                        "raises, the stdlib truncates it")
    return option_rule(numbers_fit, optlen)


def getsockopt_rule(level, option, buflen):
    """For IPPROTO_IP options from 64 on (netfilter's range) the kernel
    reads the getsockopt buffer as input, and the stdlib hands it
    uninitialised memory: its errno varies from one call to the next
    (EPROTO, EBADMSG for option 83 on this VM), so only the OSError is
    compared."""
    rule = option_rule(in_c_int(level) and in_c_int(option), None)
    if (rule is None and buflen is not None and level == cffisock.IPPROTO_IP
            and isinstance(option, int) and option >= 64):
        return Instead("OSError", "the kernel reads the stdlib's uninitialised buffer",
                       unless=lambda reference: reference[:2] != ("raised", "OSError"))
    return rule


@budgets
def test_socket_options_like_the_stdlib(fd_leak_check, budget):
    def check(family_kind, level, option, value, optlen, buflen):
        def set_option(module):
            with module.socket(*family_kind) as sock:
                arguments = (level, option, value) + (() if optlen is None else (optlen,))
                return sock.setsockopt(*arguments)

        def get_option(module):
            with module.socket(*family_kind) as sock:
                answer = sock.getsockopt(level, option, *(() if buflen is None else (buflen,)))
                return "<varies>" if (level, option) in VOLATILE else answer
        assert_like_the_stdlib(set_option, setsockopt_optlen_rule(level, option, value, optlen))
        assert_like_the_stdlib(get_option, getsockopt_rule(level, option, buflen))
    fuzz(budget, check, socket_kinds(), st.one_of(st.sampled_from(LEVELS), integers()),
         st.one_of(st.integers(0, 70), integers()), option_values(),
         st.one_of(st.none(), st.integers(0, 64), integers()),
         st.one_of(st.none(), st.integers(0, 300), integers(), not_integers()))
