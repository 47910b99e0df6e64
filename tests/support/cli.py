"""Child processes that use the installed cffisock, and ``python -m
cffisock`` run as one."""

import os
import subprocess
import sys
import tempfile

import cffisock


#: The environment of a child Python that imports the installed cffisock
#: (the directory that holds it first on sys.path).
ENV = dict(os.environ,
           PYTHONPATH=os.path.dirname(os.path.dirname(cffisock.__file__)))
COMMAND = [sys.executable, "-m", "cffisock"]
#: COMMAND, where Ctrl-C works even if this process ignores SIGINT: a job
#: a non-interactive shell starts in the background does, its children
#: inherit that, and Python then leaves SIGINT ignored.  A shim sets SIGINT
#: back to the default and execs COMMAND.
INTERRUPTIBLE_COMMAND = [
    sys.executable, "-c",
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.executable, [sys.executable, '-m', 'cffisock'] + sys.argv[1:])"]


def run_main(*arguments, input=None, text=True, timeout=60):
    # Run outside the source tree: "-m" puts the working directory first on
    # sys.path, and the tree's cffisock/ has no compiled module.
    return subprocess.run(COMMAND + list(arguments), input=input,
                          capture_output=True, text=text, env=ENV, timeout=timeout,
                          cwd=tempfile.gettempdir())
