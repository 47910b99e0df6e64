"""Fuzzing makefile()'s arguments against the stdlib (see support/fuzz.py for
the property, the budgets and the ``fuzz`` marker)."""

import pytest
from hypothesis import strategies as st

from support.fuzz import assert_like_the_stdlib, budgets, fuzz, integers, not_integers


pytestmark = pytest.mark.fuzz


# -- makefile ------------------------------------------------------------------------------


@budgets
def test_makefile_arguments_like_the_stdlib(fd_leak_check, budget):
    def check(mode, buffering, encoding, newline):
        def operation(module):
            a, b = module.socketpair()
            with a, b:
                with a.makefile(mode, buffering, encoding=encoding, newline=newline) as file:
                    return type(file).__name__, file.mode if hasattr(file, "mode") else None
        assert_like_the_stdlib(operation)
    fuzz(budget, check,
         st.one_of(st.text(alphabet="rwbtax+U", max_size=4), not_integers()),
         st.one_of(st.none(), st.integers(-2, 10), integers()),
         st.sampled_from([None, "utf-8", "latin-1", "no-such-codec"]),
         st.sampled_from([None, "", "\n", "\r\n", "x"]), scale=0.5)
