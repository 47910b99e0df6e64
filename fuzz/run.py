"""Run the atheris harnesses (coverage-guided fuzzing) for a time budget.

    python fuzz/run.py --seconds 60                 # each harness 60 s
    python fuzz/run.py --seconds 300 --harness tls_records

CPython only (atheris has no PyPy support).  The first run makes a venv
(``--venv``, default /tmp/cffisock-atheris-<python version>) with atheris;
every run installs this checkout's cffisock into it from a copy of the
files (nothing is built in the tree), then runs each harness from an empty
directory with ``-max_total_time``, a corpus directory kept beside the venv
(so later runs start from what earlier ones found) and a key and
certificate made with the ``openssl`` command for the TLS server.  It
prints each harness's executions and coverage, and exits non-zero if one
found a crash (the input is saved in the harness's artifact directory).

Not part of CI: see the README's "Fuzzing".
"""

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
HARNESSES = {
    "addresses": os.path.join(HERE, "fuzz_addresses.py"),
    "tls_records": os.path.join(HERE, "fuzz_tls_records.py"),
}


def run(command, **options):
    print("+ " + " ".join(command), flush=True)
    return subprocess.run(command, check=True, **options)


def prepare_venv(venv):
    """The venv with atheris, and this checkout's cffisock freshly installed."""
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        run([sys.executable, "-m", "venv", venv])
        run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check",
             "atheris", "cffi"])
    with tempfile.TemporaryDirectory(prefix="cffisock-fuzz-src-") as copy:
        files = subprocess.run(
            ["git", "-C", ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            check=True, capture_output=True).stdout.split(b"\0")
        for name in filter(None, files):
            source = os.path.join(ROOT, os.fsdecode(name))
            if os.path.isfile(source):
                target = os.path.join(copy, os.fsdecode(name))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copy2(source, target)
        run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check",
             "--force-reinstall", "--no-deps", copy])
    return python


def make_identity(directory):
    """A throw-away EC key and self-signed certificate, in one PEM file."""
    path = os.path.join(directory, "identity.pem")
    if not os.path.exists(path):
        run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=localhost",
             "-days", "3650", "-keyout", path, "-out", path + ".cert"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(path, "a") as identity, open(path + ".cert") as certificate:
            identity.write(certificate.read())
    return path


def fuzz(python, name, seconds, state):
    """Run harness ``name``; return (executions, coverage, crashed)."""
    corpus = os.path.join(state, "corpus-" + name)
    artifacts = os.path.join(state, "artifacts-" + name) + os.sep
    os.makedirs(corpus, exist_ok=True)
    os.makedirs(artifacts, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cffisock-fuzz-run-") as empty:
        result = subprocess.run(
            [python, HARNESSES[name], "-max_total_time=%d" % seconds, "-rss_limit_mb=4096",
             "-timeout=10", "-artifact_prefix=" + artifacts, corpus],
            cwd=empty, capture_output=True, text=True,
            env=dict(os.environ, CFFISOCK_FUZZ_IDENTITY=make_identity(state)))
    log = result.stdout + result.stderr
    with open(os.path.join(state, name + ".log"), "w") as saved:
        saved.write(log)
    done = re.findall(r"Done (\d+) runs in (\d+) second", log)
    coverage = re.findall(r"cov: (\d+) ft: (\d+)", log)
    executions = int(done[-1][0]) if done else None
    crashed = result.returncode != 0
    if crashed:
        print(log[-4000:])
    return executions, coverage[-1] if coverage else None, crashed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="time per harness")
    parser.add_argument("--harness", choices=sorted(HARNESSES), action="append",
                        help="run only this harness (repeatable)")
    parser.add_argument("--venv", default="/tmp/cffisock-atheris-%s" % platform.python_version())
    options = parser.parse_args()
    if platform.python_implementation() != "CPython":
        parser.error("atheris runs on CPython only")
    python = prepare_venv(options.venv)
    state = options.venv + "-state"
    os.makedirs(state, exist_ok=True)
    failed = False
    for name in options.harness or sorted(HARNESSES):
        executions, coverage, crashed = fuzz(python, name, options.seconds, state)
        failed |= crashed
        print("fuzz %s: %s executions in %d s, coverage (cov, ft) %s, %s; log %s"
              % (name, executions, options.seconds, coverage,
                 "CRASH FOUND" if crashed else "no finding",
                 os.path.join(state, name + ".log")), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
