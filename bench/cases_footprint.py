"""Case 7: memory per open socket and import time, in fresh processes.

Every measurement is a new interpreter (``sys.executable``) that imports the
same cffisock as the runner (its directory first on PYTHONPATH, for both
sides alike) and prints one number:

* memory: the growth of the resident set (``/proc/self/statm``) while
  10,000 ``socket(AF_INET, SOCK_STREAM)`` objects are opened and kept in a
  list, per socket, after 200 sockets opened and closed as a warm-up; the
  descriptor limit is raised first if it is lower.
* import: ``time.perf_counter()`` around the import statement, which is
  the first thing the process imports beyond the interpreter's start-up,
  from cached bytecode.
"""

import contextlib
import os
import subprocess
import sys
from functools import partial

import cffisock
from common import MEMORY, TIME, Case, Row

SOCKETS = 10000

MEMORY_SCRIPT = """
import gc, os, resource, sys
module = __import__(sys.argv[1])
count = int(sys.argv[2])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if soft < count + 100:
    resource.setrlimit(resource.RLIMIT_NOFILE, (count + 100, hard))
def resident():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
def open_sockets(count):
    return [module.socket(module.AF_INET, module.SOCK_STREAM) for _ in range(count)]
for sock in open_sockets(200):
    sock.close()
gc.collect()
before = resident()
sockets = open_sockets(count)
after = resident()
for sock in sockets:
    sock.close()
print((after - before) / count)
"""

IMPORT_SCRIPT = """
import sys, time
names = sys.argv[1:]
loaded = [name for name in names if name in sys.modules]
if loaded:
    sys.exit("already imported at start-up: %s" % ", ".join(loaded))
start = time.perf_counter()
for name in names:
    __import__(name)
print(time.perf_counter() - start)
"""


def _environment():
    """The children's environment: this cffisock first on PYTHONPATH, and
    bytecode caching on (the warm-up round writes what is stale, so that
    both sides import from cached bytecode, as installed modules do)."""
    environment = dict(os.environ)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(cffisock.__file__)))
    environment["PYTHONPATH"] = os.pathsep.join(
        [package_parent] + [path for path in [os.environ.get("PYTHONPATH")] if path])
    return environment


def _child(environment, script, scale, *arguments):
    """Run ``script`` in a fresh interpreter; its printed number x ``scale``."""
    done = subprocess.run([sys.executable, "-c", script, *arguments], cwd="/",
                          env=environment, capture_output=True, text=True, timeout=120)
    if done.returncode:
        raise RuntimeError("measuring child failed: %s" % done.stderr.strip())
    return float(done.stdout) * scale


@contextlib.contextmanager
def _sides(plan, lib, ffi):
    environment = _environment()
    memory = partial(_child, environment, MEMORY_SCRIPT, 1)
    imports = partial(_child, environment, IMPORT_SCRIPT, 1e9)
    yield {
        "memory stdlib": partial(memory, "socket", str(SOCKETS)),
        "memory cffisock": partial(memory, "cffisock", str(SOCKETS)),
        "import stdlib": partial(imports, "socket", "ssl"),
        "import cffisock": partial(imports, "cffisock"),
        "import cffisock tls": partial(imports, "cffisock", "cffisock.tls"),
    }


CASES = [Case(
    number=7,
    title="memory per socket and import time",
    rows=[
        Row("(7) memory per open socket (10,000 sockets)", "memory cffisock",
            "memory stdlib", None, MEMORY, "7 memory"),
        Row("(7) `import cffisock` vs `import socket, ssl`", "import cffisock",
            "import stdlib", None, TIME, "7 import"),
        Row("(7) `import cffisock, cffisock.tls` vs `import socket, ssl` (extra)",
            "import cffisock tls", "import stdlib", None, TIME),
    ],
    open=_sides,
    details=lambda plan: "one fresh process per side and round",
    rounds=30,
    warmup=(1, 1),
    note=("Fresh interpreters: resident-set growth per socket() object kept "
          "open (AF_INET stream, 10,000 of them, the list included), and "
          "perf_counter around the import statement."),
)]
