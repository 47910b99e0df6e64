"""Fuzzing listen and shutdown against the stdlib with random arguments (see
support/fuzz.py for the property, the budgets and the ``fuzz`` marker).
Sockets are on 127.0.0.1 or an AF_UNIX socketpair."""

import pytest
from hypothesis import strategies as st

import cffisock
from support.fuzz import (
    DATA,
    assert_like_the_stdlib,
    budgets,
    drained,
    fuzz,
    integers,
    not_integers,
    on_pair,
)


pytestmark = pytest.mark.fuzz


@budgets
def test_listen_and_shutdown_like_the_stdlib(fd_leak_check, budget):
    def check(backlog, how):
        def listen(module):
            with module.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                return sock.listen(backlog)
        assert_like_the_stdlib(listen)
        assert_like_the_stdlib(on_pair(cffisock.SOCK_STREAM, DATA,
                                       lambda a, b: (a.shutdown(how), drained(b))))
    fuzz(budget, check, st.one_of(integers(), not_integers()),
         st.one_of(st.integers(-1, 3), integers(), not_integers()))
