"""Run one of the interpreter's own stdlib test modules in this process and
record each test's outcome, one JSON line per event, in a file.

``python child.py MODULE RESULTS --side stdlib|cffisock [--skip FILE]``

With ``--side cffisock``, ``cffisock`` stands in for ``socket`` and
``cffisock.tls`` for ``ssl`` in ``sys.modules`` before the suite (and
``test.support``) is imported, so every ``import socket``/``import ssl`` of
the suite and of the stdlib modules it uses gets cffisock.  No resource of
``test.support`` is enabled: tests that need the network skip, as they do
under ``python -m test`` without ``-u``.

A test that does not end within ``--timeout`` seconds ends the process
(faulthandler prints where it hung); run.py records it and starts again
after it, passing the tests already done as ``--skip``.  ``--only`` runs
just the listed tests (run.py's second tries).
"""

import argparse
import faulthandler
import json
import sys
import traceback
import unittest


def _substitute_cffisock():
    import cffisock
    import cffisock.tls

    sys.modules["socket"] = cffisock
    sys.modules["ssl"] = cffisock.tls


class _Recorder(unittest.TestResult):
    """Writes ``{"test": id, "event": ...}`` lines as tests start and end.
    A test whose subtest failed ends "failed" (unittest then reports no
    success for it)."""

    def __init__(self, out, timeout):
        super().__init__()
        self._out = out
        self._timeout = timeout

    def _write(self, test, event, detail=None):
        record = {"test": test.id(), "event": event}
        if detail:
            record["detail"] = detail[-2000:]
        self._out.write(json.dumps(record) + "\n")
        self._out.flush()

    def _error_text(self, err):
        return "".join(traceback.format_exception_only(err[0], err[1])).strip()

    def startTest(self, test):
        super().startTest(test)
        self._write(test, "started")
        faulthandler.dump_traceback_later(self._timeout, exit=True)

    def stopTest(self, test):
        faulthandler.cancel_dump_traceback_later()
        super().stopTest(test)

    def addSuccess(self, test):
        super().addSuccess(test)
        self._write(test, "passed")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._write(test, "failed", self._error_text(err))

    def addError(self, test, err):
        super().addError(test, err)
        self._write(test, "error", self._error_text(err))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._write(test, "skipped", str(reason))

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._write(test, "expected failure")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._write(test, "unexpected success")

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._write(test, "failed", "%s: %s" % (subtest.id(), self._error_text(err)))


def _flatten(suite):
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from _flatten(item)
        else:
            yield item


def _ids(path):
    """The test ids of a file, one a line (None without a file)."""
    if path is None:
        return None
    with open(path) as lines:
        return {line.strip() for line in lines if line.strip()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("module")
    parser.add_argument("results")
    parser.add_argument("--side", choices=("stdlib", "cffisock"), required=True)
    parser.add_argument("--skip", help="a file of test ids not to run, one a line")
    parser.add_argument("--only", help="a file of the test ids to run, one a line")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()

    if args.side == "cffisock":
        _substitute_cffisock()
    from test import support

    support.use_resources = []  # no network, no cpu-heavy extras
    skip, only = _ids(args.skip) or set(), _ids(args.only)
    loaded = unittest.defaultTestLoader.loadTestsFromName("test." + args.module)
    # Errors while importing or loading come back as _FailedTest cases.
    suite = unittest.TestSuite(test for test in _flatten(loaded)
                               if test.id() not in skip and (only is None or test.id() in only))
    with open(args.results, "a") as out:
        suite.run(_Recorder(out, args.timeout))


if __name__ == "__main__":
    main()
