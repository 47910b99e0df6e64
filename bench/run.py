"""cffisock's benchmark suite: cffisock against the stdlib, round by round.

Usage: ``python bench/run.py [--cases 1,4,6] [--rounds N] [--quick]
[--size MIB] [--output DIR] [--no-plot]`` on any interpreter (CPython or
PyPy), or ``python -m cffisock bench ...`` from a source checkout.

For each case, the state of every side (sockets, peer processes) is built
once; then warm-up rounds (more on PyPy, for the JIT) and measured rounds run
every side once per round, in the same process, the order reversed every
other round.  The run and its peer processes share one CPU
(``common.pin_processes`` says why).  A round times a fixed amount of work
with ``time.perf_counter_ns`` and yields the cost per operation.  Each row
of the table compares a cffisock side with a stdlib side: the median per
operation of each, min-max over the rounds, and the median of the per-round
ratios cffisock/stdlib (ratios taken within one round are what holds on a
noisy machine).  A C floor (``floor.py``), the same work looped in C in the same
run, gives "x C": a side's median over the floor's.

The Markdown table is printed and written to ``results/<impl>-<version>.md``
(``-quick`` or ``-cases-...`` added for partial runs) with a JSON file of
every round's numbers and the machine beside it, and a PNG bar chart of the
ratios when matplotlib is importable (``pip install cffisock[bench]``).

Which cffisock is measured: the source checkout around this file when it has
a compiled module for this interpreter (an in-place or ``-e`` build), else
the one this interpreter imports; the header names its path.
"""

import argparse
import datetime
import glob
import importlib.machinery
import json
import math
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKOUT = os.path.dirname(HERE)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
if glob.glob(os.path.join(CHECKOUT, "cffisock", "_socket_cffi"
                          + importlib.machinery.EXTENSION_SUFFIXES[0])):
    sys.path.insert(0, CHECKOUT)

import cffisock  # noqa: E402

import cases_datagrams  # noqa: E402
import cases_footprint  # noqa: E402
import cases_resolver  # noqa: E402
import cases_sockets  # noqa: E402
import cases_tls  # noqa: E402
import floor  # noqa: E402
from common import BYTES_PER_S, MEMORY, PYPY, THROUGHPUT, TIME, Plan, pin_processes  # noqa: E402

CASES = sorted(cases_sockets.CASES + cases_resolver.CASES + cases_tls.CASES
               + cases_datagrams.CASES + cases_footprint.CASES,
               key=lambda case: case.number)

#: The issue's goals for the median per-round ratio cffisock/stdlib: of
#: time (or memory) per operation, at most; of throughput, at least.
TARGETS = {
    "cpython": {"1": 1.10, "2": 1.05, "3": 0.97, "4 numeric": 0.80,
                "4 localhost": 1.00, "5": 0.97, "6": 3.0, "7 memory": 1.5,
                "7 import": 1.5},
    "pypy": {"1": 0.95, "2": 1.00, "3": 1.00, "4 numeric": 0.50,
             "4 localhost": 0.90, "5": 1.00, "6": 3.0, "7 memory": 1.5,
             "7 import": 1.5},
}


# -- measuring -----------------------------------------------------------------------------


def measure(case, plan, lib, ffi, log):
    """Run ``case``: warm-up rounds, then measured rounds, every side once
    per round, the order reversed every other round.  Return
    ``{side: [cost per operation, one per measured round]}``."""
    rounds = plan.measured_rounds(case.rounds)
    warmup = plan.warmup_rounds(*case.warmup)
    log("(%d) %s: %d warm-up + %d rounds of %s"
        % (case.number, case.title, warmup, rounds, case.details(plan)))
    with case.open(plan, lib, ffi) as sides:
        names = list(sides)
        values = {name: [] for name in names}
        for index in range(-warmup, rounds):
            for name in names if index % 2 == 0 else names[::-1]:
                value = sides[name]()
                if index >= 0:
                    values[name].append(value)
    return values


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def row_result(row, values, targets):
    """The statistics of one table row from its sides' rounds."""
    mine, theirs = values[row.cffisock], values[row.stdlib]
    ratios = [a / b for a, b in zip(mine, theirs)]
    result = {
        "label": row.label, "measure": row.measure,
        "cffisock": summary(mine), "stdlib": summary(theirs),
        "floor": summary(values[row.floor]) if row.floor else None,
        "ratios": ratios, "ratio": statistics.median(ratios),
        "throughput_ratio": None, "target": None, "met": None,
    }
    if row.measure in THROUGHPUT:
        result["throughput_ratio"] = statistics.median(1 / ratio for ratio in ratios)
    if row.floor:
        floor_median = result["floor"]["median"]
        result["stdlib_x_c"] = result["stdlib"]["median"] / floor_median
        result["cffisock_x_c"] = result["cffisock"]["median"] / floor_median
    if row.target is not None:
        target = targets[row.target]
        result["target"] = target
        if row.measure in THROUGHPUT:
            result["met"] = result["throughput_ratio"] >= target
        else:
            result["met"] = result["ratio"] <= target
    return result


# -- formatting ----------------------------------------------------------------------------


def _figures(number):
    """``number`` with three significant figures (trailing zeros kept)."""
    return "%.*f" % (max(0, 2 - int(math.floor(math.log10(abs(number))))) if number else 2,
                     number)


def _time(nanoseconds):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3), ("ns", 1)):
        if nanoseconds >= scale:
            break
    return "%s %s" % (_figures(nanoseconds / scale), unit)


def _value(measure, per_operation):
    """One per-operation cost as the row reads it (throughputs inverted)."""
    if measure == TIME:
        return _time(per_operation)
    if measure == MEMORY:
        return "%.0f B" % per_operation
    if measure == BYTES_PER_S:
        return "%s GB/s" % _figures(1 / per_operation)  # bytes per ns
    return "%s M/s" % _figures(1e3 / per_operation)  # millions per second


def _cell(measure, stats):
    """median (min-max) of a side; a throughput's range runs low to high."""
    low, high = stats["min"], stats["max"]
    if measure in THROUGHPUT:
        low, high = high, low
    return "%s (%s–%s)" % (_value(measure, stats["median"]),
                           _value(measure, low).split()[0], _value(measure, high))


def _target(result):
    if result["target"] is None:
        return "—", ""
    sign = "≥" if result["measure"] in THROUGHPUT else "≤"
    return "%s %.2f" % (sign, result["target"]), "yes" if result["met"] else "**no**"


def markdown(report):
    """The report as Markdown: a header, the table, and the notes."""
    machine = report["machine"]
    lines = [
        "## %s %s" % (machine["implementation_name"], machine["python"]),
        "",
        "`%s` on %s: %s, %d CPUs, Linux %s; cffi %s; OpenSSL: cffisock.tls %s, "
        "ssl %s; cffisock %s (%s)." % (
            report["command"], report["date"], machine["cpu"], machine["cpus"],
            machine["kernel"], machine["cffi"], machine["cffisock_openssl"],
            machine["ssl_openssl"], machine["cffisock_commit"], machine["cffisock_path"]),
        "",
        "| case | C floor | stdlib | cffisock | cffisock/stdlib ↓ | throughput "
        "cffisock/stdlib ↑ | target | met | × C stdlib / cffisock |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for case in report["cases"]:
        for result in case["rows"]:
            measure = result["measure"]
            target, met = _target(result)
            lines.append("| %s | %s | %s | %s | %.3f | %s | %s | %s | %s |" % (
                result["label"],
                _value(measure, result["floor"]["median"]) if result["floor"] else "—",
                _cell(measure, result["stdlib"]), _cell(measure, result["cffisock"]),
                result["ratio"],
                "%.3f" % result["throughput_ratio"] if measure in THROUGHPUT else "—",
                target, met,
                "%.2f / %.2f" % (result["stdlib_x_c"], result["cffisock_x_c"])
                if result["floor"] else "—"))
    lines += [
        "",
        "Each cell: median per operation over the measured rounds (min–max); "
        "throughputs in GB/s (10⁹ B/s) or million datagrams/s.  The ratios "
        "are the medians of the per-round ratios cffisock/stdlib, of time (or "
        "memory) per operation (lower is better) and, for throughput rows, of "
        "throughput (higher is better; the target applies to it).  × C: the "
        "side's median time per operation over the C floor's, measured in "
        "the same rounds.  Targets are the issue's for %s.  Sides take turns "
        "within each round, in reverse order every other round; %s; %.0f s in "
        "all." % ("PyPy 3" if PYPY else "CPython 3.11", report["placement"],
                  report["seconds"]),
        "",
    ]
    for case in report["cases"]:
        lines.append("* (%d) %s: %d warm-up + %d measured rounds, %s.  %s" % (
            case["number"], case["title"], case["warmup"], case["rounds"],
            case["details"], case["note"]))
    return "\n".join(lines) + "\n"


def plot(report, path):
    """A bar chart of the ratios the targets apply to; False when
    matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as pyplot
    except ImportError:
        return False
    rows = [result for case in report["cases"] for result in case["rows"]]
    labels, values, colours = [], [], []
    for result in reversed(rows):
        higher = result["measure"] in THROUGHPUT
        labels.append("%s %s" % (result["label"], "↑" if higher else "↓"))
        values.append(result["throughput_ratio"] if higher else result["ratio"])
        colours.append("tab:gray" if result["met"] is None
                       else "tab:green" if result["met"] else "tab:red")
    figure, axes = pyplot.subplots(figsize=(10, 0.45 * len(rows) + 1.5))
    axes.barh(range(len(rows)), values, color=colours)
    for position, (value, result) in enumerate(zip(values, reversed(rows))):
        target = result["target"]
        if target is not None:
            axes.plot([target] * 2, [position - 0.4, position + 0.4], color="black")
        axes.text(max(value, target or 0), position, "  %.3f" % value, va="center",
                  fontsize=8)
    axes.axvline(1.0, color="black", linestyle=":", linewidth=1)
    axes.set_yticks(range(len(rows)))
    axes.set_yticklabels(labels, fontsize=8)
    axes.set_xlabel("cffisock/stdlib, median of the per-round ratios\n"
                    "↓ time or memory (lower is better), ↑ throughput (higher is "
                    "better); black tick: target")
    machine = report["machine"]
    axes.set_title("cffisock vs stdlib, %s %s" % (machine["implementation_name"],
                                                   machine["python"]))
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    pyplot.close(figure)
    return True


# -- the run -------------------------------------------------------------------------------


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def _git(*arguments):
    try:
        return subprocess.run(["git", "-C", CHECKOUT, *arguments], capture_output=True,
                              text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine_info():
    """What the numbers depend on: CPU, kernel, interpreter, libraries."""
    import ssl

    import cffi
    from cffisock import tls

    package = os.path.dirname(os.path.abspath(cffisock.__file__))
    commit = "unknown"
    if os.path.dirname(package) == CHECKOUT:
        commit = _git("rev-parse", "--short", "HEAD") or commit
        if _git("status", "--porcelain", "--", "cffisock", "cffi_src", "build_ffi.py"):
            commit += " + uncommitted changes"
    else:
        commit = "installed copy"
    return {
        "cpu": _cpu_model(), "cpus": os.cpu_count(), "kernel": os.uname().release,
        "implementation": sys.implementation.name,
        "implementation_name": "PyPy" if PYPY else "CPython",
        "python": sys.version.split()[0], "version": sys.version,
        "executable": sys.executable, "cffi": cffi.__version__,
        "cffisock_openssl": tls.OPENSSL_VERSION, "ssl_openssl": ssl.OPENSSL_VERSION,
        "cffisock_path": package, "cffisock_commit": commit,
    }


def _cases(text):
    numbers = sorted({int(item) for item in text.split(",") if item.strip()})
    known = {case.number for case in CASES}
    if not numbers or not set(numbers) <= known:
        raise argparse.ArgumentTypeError("cases are numbers among %s" % sorted(known))
    return numbers


def _positive(text):
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive integer")
    return value


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=_cases, default=sorted(c.number for c in CASES),
                        help="comma-separated case numbers (default: all): "
                        + "; ".join("%d %s" % (c.number, c.title) for c in CASES))
    parser.add_argument("--rounds", type=_positive,
                        help="measured rounds of every case (default: per case)")
    parser.add_argument("--quick", action="store_true",
                        help="a fast smoke run: fewer rounds, less work per round")
    parser.add_argument("--size", type=_positive, metavar="MIB",
                        help="bulk volume per side and chunk size over all rounds, "
                             "MiB (default 1024, 16 with --quick; TLS moves a quarter)")
    parser.add_argument("--output", default=os.path.join(HERE, "results"),
                        help="directory of the results (default: bench/results)")
    parser.add_argument("--no-plot", action="store_true", help="skip the PNG chart")
    return parser.parse_args(argv)


def result_stem(arguments):
    """``<impl>-<major.minor>``, marked for a quick or partial run so that
    it does not replace a full run's results."""
    stem = "%s-%d.%d" % (sys.implementation.name, *sys.version_info[:2])
    if arguments.quick:
        stem += "-quick"
    if arguments.cases != sorted(case.number for case in CASES):
        stem += "-cases-" + "-".join(map(str, arguments.cases))
    return stem


def _open_fds():
    return set(os.listdir("/proc/self/fd"))


def main(argv=None):
    """Run the selected cases, print the table and write the results;
    return the exit status."""
    if argv is None:  # run as a script
        argv, words = sys.argv[1:], sys.argv
    else:  # from python -m cffisock bench
        words = ["-m", "cffisock", "bench", *argv]
    arguments = parse_arguments(argv)
    plan = Plan(quick=arguments.quick, rounds=arguments.rounds, size_mib=arguments.size)

    def log(text):
        print(text, file=sys.stderr, flush=True)

    command = " ".join(["pypy3" if PYPY else "python", *words])
    fds_before = _open_fds()
    ffi, lib = floor.load(log)
    placement = pin_processes(lib)
    started = time.monotonic()
    report = {
        "command": command,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine_info(), "plan": vars(plan), "placement": placement,
        "cases": [],
    }
    targets = TARGETS["pypy" if PYPY else "cpython"]
    for case in CASES:
        if case.number not in arguments.cases:
            continue
        case_started = time.monotonic()
        values = measure(case, plan, lib, ffi, log)
        report["cases"].append({
            "number": case.number, "title": case.title, "details": case.details(plan),
            "rounds": plan.measured_rounds(case.rounds),
            "warmup": plan.warmup_rounds(*case.warmup), "note": case.note,
            "rows": [row_result(row, values, targets) for row in case.rows],
            "sides": values,
        })
        log("    done in %.1f s" % (time.monotonic() - case_started))
    report["seconds"] = round(time.monotonic() - started, 1)
    leaked = sorted(_open_fds() - fds_before, key=int)
    report["leaked_descriptors"] = leaked
    if leaked:
        log("warning: descriptors left open: %s" % ", ".join(leaked))

    text = markdown(report)
    print(text)
    os.makedirs(arguments.output, exist_ok=True)
    stem = os.path.join(arguments.output, result_stem(arguments))
    with open(stem + ".md", "w", encoding="utf-8") as output:
        output.write(text)
    with open(stem + ".json", "w", encoding="utf-8") as output:
        json.dump(report, output, indent=1)
    written = [stem + ".md", stem + ".json"]
    if arguments.no_plot:
        log("chart skipped (--no-plot)")
    elif plot(report, stem + ".png"):
        written.append(stem + ".png")
    else:
        log("chart skipped: matplotlib is not importable (pip install cffisock[bench])")
    log("wrote %s (%.0f s in all)" % (", ".join(written), report["seconds"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
