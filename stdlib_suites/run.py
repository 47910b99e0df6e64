"""Run one of the interpreter's own stdlib test modules twice, with the
stdlib and with cffisock standing in for ``socket`` and ``ssl``, and compare.

``python stdlib_suites/run.py test_ssl`` (from outside the source tree, so
the installed cffisock is imported)

Every test that passes with the stdlib must pass with cffisock, unless it is
listed (``test.test_x.Class.test_name: reason``, one a line, ``#`` comments)
in ``known_failures/MODULE.txt`` (tests of CPython's private machinery: the C
``_ssl`` module, ``_sslobj``, refcounts; and tests of a default cffisock
keeps stricter than the stdlib on purpose, each with its reason) or in
``to_fix/MODULE.txt`` (a gap in cffisock that an open issue is to close;
the list only shrinks).  An
unlisted miss is run alone again (``--tries`` times, default 2): if it
passes then, it is reported as FLAKY (a bug still, shown in the counts);
otherwise it fails the run (exit status 1).  The counts are printed on the
last line.

Each side runs in child processes (child.py).  A test that hangs past
``--timeout`` seconds, or crashes the process, is recorded as such and the
run goes on after it in a new process, at most ``--restarts`` times.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PASSED = "passed"


def _last_events(path):
    """{test id: (event, detail)} of a results file, the last event each."""
    events = {}
    if os.path.exists(path):
        with open(path) as lines:
            for line in lines:
                record = json.loads(line)
                if record["event"] == "failed" and record["test"] in events \
                        and events[record["test"]][0] == "failed":
                    continue  # the first failing subtest says why
                events[record["test"]] = (record["event"], record.get("detail", ""))
    return events


def run_side(module, side, timeout, restarts, workdir, only=None):
    """Run ``module`` (or just the tests ``only``) with ``side``; return
    {test id: (outcome, detail)}."""
    name = side if only is None else side + "-again"
    results = os.path.join(workdir, name + ".jsonl")
    skip = os.path.join(workdir, name + ".skip")
    open(results, "w").close()
    open(skip, "w").close()
    selection = []
    if only is not None:
        with open(os.path.join(workdir, name + ".only"), "w") as out:
            out.write("\n".join(only) + "\n")
        selection = ["--only", out.name]
    for _ in range(restarts + 1):
        child = subprocess.run(
            [sys.executable, os.path.join(HERE, "child.py"), module, results,
             "--side", side, "--skip", skip, "--timeout", str(timeout)] + selection,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=workdir)
        events = _last_events(results)
        unfinished = [test for test, (event, _) in events.items() if event == "started"]
        if child.returncode == 0 and not unfinished:
            return events
        if not unfinished:  # it died between tests: say so, and stop
            tail = child.stdout.decode("utf-8", "replace")[-3000:]
            raise SystemExit("%s (%s) ended with status %d:\n%s"
                             % (module, side, child.returncode, tail))
        with open(results, "a") as out:
            for test in unfinished:  # next to its "started": read back as its outcome
                out.write(json.dumps({"test": test, "event": "hung or crashed",
                                      "detail": "status %d" % child.returncode}) + "\n")
        with open(skip, "w") as out:
            out.write("\n".join(events) + "\n")
    raise SystemExit("%s (%s): more than %d restarts" % (module, side, restarts))


def second_tries(module, tests, timeout, restarts, workdir, tries):
    """{test: the try (1-based, after the first run) at which it passed} of
    ``tests`` run alone with cffisock up to ``tries`` more times."""
    passed_on, left = {}, list(tests)
    for attempt in range(1, tries + 1):
        if not left:
            break
        events = run_side(module, "cffisock", timeout, restarts, workdir, only=left)
        for test in left:
            if events.get(test, ("not run",))[0] == PASSED:
                passed_on[test] = attempt
        left = [test for test in left if test not in passed_on]
    return passed_on


def _why(events, test):
    """(outcome, its last line of detail) of ``test`` in ``events``."""
    event, detail = events.get(test, ("not run", ""))
    return event, detail.splitlines()[-1] if detail else ""


def read_list(path):
    """{test id: reason} of a list file (missing file: empty)."""
    listed = {}
    if os.path.exists(path):
        with open(path) as lines:
            for line in lines:
                line = line.split("#", 1)[0].strip()
                if line:
                    test, _, reason = line.partition(":")
                    listed[test.strip()] = reason.strip()
    return listed


def interpreter():
    return "%s %s" % (platform.python_implementation(), platform.python_version())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("module", help="a module of the interpreter's test package")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per test")
    parser.add_argument("--restarts", type=int, default=40)
    parser.add_argument("--tries", type=int, default=2,
                        help="how many more times an unlisted miss is run alone before "
                             "it fails the run (one that passes then is reported as flaky)")
    parser.add_argument("--write-misses", metavar="FILE",
                        help="write the unlisted misses to FILE in the lists' format")
    args = parser.parse_args()

    started = time.monotonic()
    known = read_list(os.path.join(HERE, "known_failures", args.module + ".txt"))
    to_fix = read_list(os.path.join(HERE, "to_fix", args.module + ".txt"))
    with tempfile.TemporaryDirectory() as workdir:
        stdlib = run_side(args.module, "stdlib", args.timeout, args.restarts, workdir)
        ours = run_side(args.module, "cffisock", args.timeout, args.restarts, workdir)
        reference = sorted(test for test, (event, _) in stdlib.items() if event == PASSED)
        misses = [test for test in reference if ours.get(test, ("not run", ""))[0] != PASSED]
        unlisted = [test for test in misses if test not in known and test not in to_fix]
        flaky = second_tries(args.module, unlisted, args.timeout, args.restarts, workdir,
                             args.tries)
    mended = sorted(test for test in to_fix if ours.get(test, ("",))[0] == PASSED)

    for test in unlisted:
        event, last = _why(ours, test)
        if test in flaky:
            print("FLAKY %s: %s %s; passed when run alone again (try %d)"
                  % (test, event, last, flaky[test]))
        else:
            print("MISS %s: %s %s" % (test, event, last))
    unlisted = [test for test in unlisted if test not in flaky]
    for test in mended:
        print("passes now, take it off to_fix/%s.txt: %s" % (args.module, test))
    if args.write_misses:
        with open(args.write_misses, "w") as out:
            for test in unlisted:
                event, last = _why(ours, test)
                out.write("%s: %s\n" % (test, (last or event).replace("#", "")[:150]))
    print("%s on %s: %d tests run; %d pass with the stdlib; %d of them pass with cffisock; "
          "%d known failures (listed, with their reasons), %d to fix, %d flaky, %d unlisted misses "
          "(%.0f s)"
          % (args.module, interpreter(), len(stdlib), len(reference),
             len(reference) - len(misses), sum(test in known for test in misses),
             sum(test in to_fix for test in misses), len(flaky), len(unlisted),
             time.monotonic() - started))
    return 1 if unlisted else 0


if __name__ == "__main__":
    sys.exit(main())
