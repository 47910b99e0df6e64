"""Fuzzing message I/O against the stdlib: sendmsg with random ancillary
data, recvmsg with random ancillary buffer sizes, and CMSG_LEN/CMSG_SPACE
(see support/fuzz.py for the property, the budgets and the ``fuzz``
marker). Every example runs on a fresh non-blocking AF_UNIX socketpair."""

import array
import os

import pytest
from hypothesis import assume, strategies as st

import cffisock
from support.comparison import Index, ON_PYPY
from support.fuzz import (
    DATA,
    Instead,
    KINDS,
    assert_like_the_stdlib,
    budgets,
    call,
    drained,
    fuzz,
    in_c_int,
    integers,
    not_integers,
    on_pair,
    pypy_recvmsg_aborts,
    size_rule,
    sizes,
)


pytestmark = pytest.mark.fuzz


# -- ancillary data ------------------------------------------------------------------------


def ancillary_items():
    """``(level, type, data)`` items, valid and not: credentials, rights
    with random descriptor numbers, unknown levels, wrong shapes."""
    item = st.tuples(
        st.one_of(st.sampled_from([cffisock.SOL_SOCKET, cffisock.IPPROTO_IP, 0]), integers()),
        st.one_of(st.sampled_from([cffisock.SCM_RIGHTS, cffisock.SCM_CREDENTIALS, 0]), integers()),
        st.one_of(st.binary(max_size=24), st.sampled_from([None, "text", 5]),
                  st.binary(max_size=8).map(bytearray)))
    return st.one_of(
        st.lists(item, max_size=3),
        st.lists(st.one_of(item.map(list), item.map(lambda entry: entry[:2]),
                           st.sampled_from([None, 5, b"abc", (1, 2, 3, 4)])), max_size=2),
        st.sampled_from([None, 5, "abc"]),
    )


def ancillary_rule(ancdata):
    numbers = [number for item in ancdata if isinstance(item, (tuple, list))
               for number in item[:2]] if isinstance(ancdata, list) else []
    if ON_PYPY and any(isinstance(number, int) and not in_c_int(number) for number in numbers):
        return Instead(("OverflowError", "TypeError"), "PyPy truncates a level or type "
                                                       "beyond a C int")
    if ON_PYPY:
        return Instead(("OSError", "TypeError", "ValueError", "OverflowError"),
                       "PyPy checks ancillary items in another order and words",
                       unless=lambda reference: reference[0] == "returned")
    return None


@budgets
@pytest.mark.parametrize("kind", KINDS)
def test_sendmsg_ancillary_data_like_the_stdlib(fd_leak_check, budget, kind):
    def check(ancdata, data):
        def send(a, b):
            return a.sendmsg([data], ancdata), drained(b)
        rule = ancillary_rule(ancdata)
        assert_like_the_stdlib(on_pair(kind, b"", send), rule)
    fuzz(budget, check, ancillary_items(), st.binary(max_size=8), scale=0.5)


def ancbufsize_rule(ancbufsize):
    if ON_PYPY and isinstance(ancbufsize, int) and ancbufsize >= 2**31:
        return Instead(("ValueError", "OverflowError"), "PyPy takes an ancillary buffer "
                       "beyond a socklen_t (a C int to CPython)")
    return None


def received_rights(ancdata):
    """Close descriptors received with SCM_RIGHTS; return ``ancdata`` with
    their numbers replaced by how many there were."""
    described = []
    for level, kind, payload in ancdata:
        if (level, kind) == (cffisock.SOL_SOCKET, cffisock.SCM_RIGHTS):
            fds = array.array("i")
            fds.frombytes(payload[:len(payload) - len(payload) % fds.itemsize])
            for fd in fds:
                os.close(fd)
            payload = len(fds)
        described.append((level, kind, payload))
    return described


@budgets
def test_recvmsg_ancillary_buffer_sizes_like_the_stdlib(fd_leak_check, budget):
    def check(count, ancbufsize, bufsize, message_flags):
        assume(not pypy_recvmsg_aborts("recvmsg", message_flags))
        # PyPy passes the size on as a C int: EINVAL from 2**31 on.
        assume(not (ON_PYPY and isinstance(bufsize, int) and bufsize >= 2**31))

        def operation(module):
            a, b = module.socketpair(module.AF_UNIX, module.SOCK_DGRAM)
            with a, b, open(os.devnull) as devnull:
                b.setblocking(False)
                rights = array.array("i", [devnull.fileno()] * count)
                a.sendmsg([DATA], [(cffisock.SOL_SOCKET, cffisock.SCM_RIGHTS, rights)])
                data, ancdata, msg_flags, address = b.recvmsg(bufsize, ancbufsize,
                                                               message_flags)
                return data, received_rights(ancdata), msg_flags, address
        assert_like_the_stdlib(operation, size_rule(bufsize) or ancbufsize_rule(ancbufsize))
    fuzz(budget, check, st.integers(0, 4),
         st.one_of(st.integers(0, 64), st.sampled_from(
             [cffisock.CMSG_LEN(4), cffisock.CMSG_SPACE(4) - 1, cffisock.CMSG_SPACE(8)]),
             integers(), not_integers()),
         st.one_of(st.integers(0, 30), sizes()),
         st.sampled_from([0, cffisock.MSG_PEEK, cffisock.MSG_TRUNC, cffisock.MSG_CMSG_CLOEXEC]))


# -- CMSG_LEN, CMSG_SPACE ------------------------------------------------------------------


@budgets
def test_cmsg_sizes_like_the_stdlib(fd_leak_check, budget):
    def check(length):
        assert_like_the_stdlib(call("CMSG_LEN", length))
        assert_like_the_stdlib(call("CMSG_SPACE", length))
    near_limit = st.integers(2**31 - 40, 2**31 + 8)
    fuzz(budget, check, st.one_of(integers(), near_limit, not_integers(), integers().map(Index)))
