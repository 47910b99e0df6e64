"""Run one of the interpreter's own stdlib test modules twice, with the
stdlib and with cffisock standing in for ``socket`` and ``ssl``, and compare.

``python stdlib_suites/run.py test_ssl`` (from outside the source tree, so
the installed cffisock is imported)

Every test that passes with the stdlib must pass with cffisock, unless it is
listed (``test.test_x.Class.test_name: reason``, one a line, ``#`` comments)
in ``known_failures/MODULE.txt`` (tests of CPython's private machinery: the C
``_ssl`` module, ``_sslobj``, refcounts) or in ``to_fix/MODULE.txt`` (a gap
in cffisock that an open issue is to close; the list only shrinks).  An
unlisted miss fails the run (exit status 1).  The counts are printed on the
last lines.

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


def run_side(module, side, timeout, restarts, workdir):
    """Run ``module`` with ``side``; return {test id: (outcome, detail)}."""
    results = os.path.join(workdir, side + ".jsonl")
    skip = os.path.join(workdir, side + ".skip")
    open(results, "w").close()
    open(skip, "w").close()
    for _ in range(restarts + 1):
        child = subprocess.run(
            [sys.executable, os.path.join(HERE, "child.py"), module, results,
             "--side", side, "--skip", skip, "--timeout", str(timeout)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=workdir)
        events = _last_events(results)
        unfinished = [test for test, (event, _) in events.items() if event == "started"]
        if child.returncode == 0 and not unfinished:
            return events
        if not unfinished:  # it died between tests: say so, and stop
            tail = child.stdout.decode("utf-8", "replace")[-3000:]
            raise SystemExit("%s (%s) ended with status %d:\n%s"
                             % (module, side, child.returncode, tail))
        for test in unfinished:
            events[test] = ("hung or crashed", "status %d" % child.returncode)
            with open(results, "a") as out:
                out.write(json.dumps({"test": test, "event": "hung or crashed"}) + "\n")
        with open(skip, "w") as out:
            out.write("\n".join(events) + "\n")
    raise SystemExit("%s (%s): more than %d restarts" % (module, side, restarts))


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
    parser.add_argument("--write-misses", metavar="FILE",
                        help="write the unlisted misses to FILE in the lists' format")
    args = parser.parse_args()

    started = time.monotonic()
    with tempfile.TemporaryDirectory() as workdir:
        stdlib = run_side(args.module, "stdlib", args.timeout, args.restarts, workdir)
        ours = run_side(args.module, "cffisock", args.timeout, args.restarts, workdir)
    known = read_list(os.path.join(HERE, "known_failures", args.module + ".txt"))
    to_fix = read_list(os.path.join(HERE, "to_fix", args.module + ".txt"))

    reference = sorted(test for test, (event, _) in stdlib.items() if event == PASSED)
    misses = [test for test in reference if ours.get(test, ("not run", ""))[0] != PASSED]
    unlisted = [test for test in misses if test not in known and test not in to_fix]
    mended = sorted(test for test in to_fix if ours.get(test, ("",))[0] == PASSED)

    for test in unlisted:
        event, detail = ours.get(test, ("not run", ""))
        print("MISS %s: %s %s" % (test, event, detail.splitlines()[-1] if detail else ""))
    for test in mended:
        print("passes now, take it off to_fix/%s.txt: %s" % (args.module, test))
    if args.write_misses:
        with open(args.write_misses, "w") as out:
            for test in unlisted:
                event, detail = ours.get(test, ("not run", ""))
                last = detail.splitlines()[-1] if detail else event
                out.write("%s: %s\n" % (test, last.replace("#", "")[:150]))
    print("%s on %s: %d tests run; %d pass with the stdlib; %d of them pass with cffisock; "
          "%d known failures (CPython internals), %d to fix, %d unlisted misses (%.0f s)"
          % (args.module, interpreter(), len(stdlib), len(reference),
             len(reference) - len(misses), sum(test in known for test in misses),
             sum(test in to_fix for test in misses), len(unlisted),
             time.monotonic() - started))
    return 1 if unlisted else 0


if __name__ == "__main__":
    sys.exit(main())
