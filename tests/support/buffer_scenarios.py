"""Every call that takes a caller's buffer, on the paths that return and the
paths that raise, for tests/test_buffer_release.py.

A scenario makes one call with a ``bytearray`` or a ``memoryview`` of one,
while the exception it raises (if it does) is kept in a reference cycle,
as code that handles it keeps it (``except ... as exc: error = exc``; an
HTTP client that raises its own error ``from`` it).  Right after the call,
with the cycle alive, the memoryview must release and the bytearray must
resize: either fails with BufferError while anything still holds an export
of it, as a view that lives on in the frames of the traceback does.  Then
the collector tears the cycle down, and must report nothing (CPython can
crash there while a view is alive).

Run as a script, in a child process (a crash is then a failed test, not a
dead test run): ``python buffer_scenarios.py`` prints one JSON line per
scenario, side and buffer kind, with the problems found, and exits 0.
The stdlib runs the same scenarios where it has the call, as the control.
PyPy tracks no exports (a bytearray resizes and a memoryview releases while
exported), so there only the outcomes and the collection are checked.
"""

import gc
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.dirname(HERE)]  # support/ and tests/ (support.tls)

import buffer_calls_socket  # noqa: E402,F401 (registers its scenarios)
import buffer_calls_tls  # noqa: E402,F401 (registers its scenarios)
from buffer_calls import BOTH, KINDS, SCENARIOS, SIZE, Resources, Side  # noqa: E402


def attempt(run, side, res, argument):
    """Make the call; return its outcome.  An exception stays alive in a
    reference cycle through this frame (``caught``) until collected."""
    try:
        value = run(side, res, argument)
    except Exception as exc:
        caught = exc  # noqa: F841 (the cycle: exc -> traceback -> frame -> caught)
        return ("raised", type(exc), str(exc))
    return ("returned", value, None)


def check(entry, side, kind):
    """Run one scenario with a ``kind`` buffer on ``side``; return the
    problems found (empty: the buffer was free and the collection clean)."""
    content = entry.content(side) if callable(entry.content) else entry.content
    storage = bytearray(content if content is not None else SIZE)
    view = memoryview(storage) if kind == "memoryview" else None
    res = Resources(side)
    problems = []
    gc.disable()  # the cycle must live until the checks are done
    try:
        try:
            outcome = attempt(entry.run, side, res, view if view is not None else storage)
        finally:
            res.close_all()
        expect = entry.expect[kind] if isinstance(entry.expect, dict) else entry.expect
        if side.name != "cffisock":
            pass  # the stdlib is the control of the checks below, not of outcomes
        elif expect == "returns":
            if outcome[0] != "returned":
                problems.append("expected a return, got %s: %s" % (outcome[1].__name__,
                                                                   outcome[2]))
        elif outcome[0] != "raised" or not issubclass(outcome[1], side.exception(expect)):
            problems.append("expected %s, got %r" % (expect, outcome[:2]))
        if view is not None:
            try:
                view.release()
            except BufferError as exc:
                problems.append("the memoryview is still exported after the call: %s" % exc)
        try:
            storage.extend(b"more")
            del storage[-4:]
        except BufferError as exc:
            problems.append("the bytearray is still exported after the call: %s" % exc)
        del outcome
    finally:
        gc.enable()
    unraisable = []
    previous_hook = sys.unraisablehook
    sys.unraisablehook = lambda report: unraisable.append(
        "%s: %s (%r)" % (report.exc_type.__name__, report.exc_value, report.object))
    try:
        gc.collect()
    finally:
        sys.unraisablehook = previous_hook
    problems.extend("the collector reported %s" % text for text in unraisable)
    return problems


def scenario_id(entry, side_name, kind):
    return "%s-%s: %s-%s" % (side_name, entry.callable, entry.path, kind)


def ids():
    """Every scenario id the runner reports, in order."""
    return [scenario_id(entry, side_name, kind)
            for entry in SCENARIOS for side_name in entry.sides for kind in KINDS]


def main():
    import trustme

    ca = trustme.CA()
    leaf = ca.issue_cert("localhost")
    sides = {name: Side(name, ca, leaf) for name in BOTH}
    for entry in SCENARIOS:
        for side_name in entry.sides:
            for kind in KINDS:
                problems = check(entry, sides[side_name], kind)
                print(json.dumps({"id": scenario_id(entry, side_name, kind),
                                  "problems": problems}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
