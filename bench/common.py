"""What the runner and the case modules share: the plan of a run, the shape
of a case, separately compiled timing loops, CPU pinning, and forked peer
processes.

A case (``Case``) is a set of named *sides*, each a callable that performs
one round of work and returns its cost per operation (nanoseconds per call,
byte or datagram, or bytes of memory), and *rows*, each comparing a cffisock
side with a stdlib side (and, where there is one, a C floor side).  The
runner builds the sides once, calls every side once per round in
alternating order, and turns the rounds into statistics.
"""

import gc
import os
import signal
import sys
import time
import traceback
import types
from dataclasses import dataclass
from typing import Callable, List, Optional

PYPY = sys.implementation.name == "pypy"

#: How a row's per-operation values read: the unit shown and whether the
#: comparison is of time (lower is better) or of throughput (higher is).
TIME, MEMORY, BYTES_PER_S, PACKETS_PER_S = "time", "memory", "GB/s", "packets/s"
THROUGHPUT = (BYTES_PER_S, PACKETS_PER_S)


@dataclass
class Plan:
    """How much work a run does.  ``rounds`` overrides every case's measured
    rounds; ``size_mib`` is the bulk volume per side and chunk size (TLS
    moves a quarter of it); ``quick`` scales everything down for a smoke
    run."""

    quick: bool = False
    rounds: Optional[int] = None
    size_mib: Optional[int] = None

    def measured_rounds(self, default):
        """Measured rounds of a case whose full run has ``default``."""
        if self.rounds is not None:
            return self.rounds
        return max(3, default // 6) if self.quick else default

    def warmup_rounds(self, cpython, pypy):
        """Unmeasured warm-up rounds: PyPy's JIT needs more to settle."""
        rounds = pypy if PYPY else cpython
        return max(1, rounds // 5) if self.quick else rounds

    def operations(self, count):
        """Operations per round for a case whose full rounds do ``count``."""
        return max(1, count // 10) if self.quick else count

    @property
    def bulk_bytes(self):
        """Bytes moved per side and chunk size over all measured rounds."""
        if self.size_mib is not None:
            return self.size_mib << 20
        return (16 if self.quick else 1024) << 20


@dataclass
class Row:
    """One line of the table: ``cffisock`` against ``stdlib`` (side names),
    with ``floor`` the C side or None, read as ``measure``; ``target`` is the
    key of its goal in run.TARGETS (None for an extra row)."""

    label: str
    cffisock: str
    stdlib: str
    floor: Optional[str]
    measure: str
    target: Optional[str] = None


@dataclass
class Case:
    """A numbered case of the issue.  ``open(plan, lib, ffi)`` (``lib`` and
    ``ffi`` of the C floor) is a context manager that builds every side's
    state and yields ``{side name: round}``, where ``round()`` does one
    round of work and returns its cost per operation; leaving it closes
    everything the sides opened and ends their peer processes.
    ``details(plan)`` says how much one round does; ``note`` how the case
    measures, for the notes under the table."""

    number: int
    title: str
    rows: List[Row]
    open: Callable
    details: Callable
    rounds: int
    warmup: tuple  # (CPython, PyPy) warm-up rounds
    note: str


def own_code(function):
    """Return a copy of ``function`` with a code object of its own.

    The sides of a case run the same loop over different objects in one
    process.  CPython's specialising interpreter and PyPy's JIT keep what
    they learned per code object, so sides sharing one would take turns
    undoing each other's specialisation; each side gets its own copy.
    """
    return types.FunctionType(function.__code__.replace(), function.__globals__,
                              function.__name__, function.__defaults__,
                              function.__closure__)


def timed_loop(body, operations, *arguments):
    """A round that calls ``body(operations, *arguments)`` (the side's loop,
    in a code object of its own) and returns nanoseconds per operation."""
    body = own_code(body)
    clock = time.perf_counter_ns

    def round_():
        start = clock()
        body(operations, *arguments)
        return (clock() - start) / operations

    return round_


def check(result, what):
    """Raise if a floor function returned a negative error code."""
    if result < 0:
        raise OSError(-result, "%s failed: %s" % (what, os.strerror(-result)))
    return result


def _floor_body(operations, function, arguments):
    check(function(*arguments, operations), function.__name__)


def floor_loop(function, operations, *arguments):
    """A round of the C floor: ``function(*arguments, operations)``, a
    floor function whose last parameter is the count of operations."""
    return timed_loop(_floor_body, operations, function, arguments)


def pin_processes(lib):
    """Pin this process, and so every process it starts, to one CPU (the
    last it may use), with ``lib`` of the C floor; return a description for
    the notes.

    Every side of a case then gets the same placement (a peer the scheduler
    places as it likes stays there, a bias for that side); the peers take
    turns with the runner instead of waking each other across CPUs, whose
    latency (large in a VM) would dilute the difference between the sides;
    and the machine's other CPUs are left to its other work.  Two-process
    throughputs are then those of one CPU doing both ends.
    """
    cpu = check(lib.floor_last_cpu(), "floor_last_cpu")
    check(lib.floor_pin(cpu), "floor_pin")
    return "every process of the run pinned to CPU %d" % cpu


class Child:
    """A forked process running ``work()`` with one inherited descriptor,
    ``fd`` (the others are closed in the child)."""

    def __init__(self, fd, work):
        sys.stdout.flush()
        sys.stderr.flush()
        gc.collect()  # no stray finaliser may close a descriptor in the child
        self.pid = os.fork()
        if self.pid == 0:  # the child
            status = 1
            try:
                gc.disable()
                # ^C is for the runner, whose unwinding ends this child.
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                # Keep only fd: a copy of another side's socket would keep
                # that connection open after its owner closed it.
                os.closerange(3, fd)
                os.closerange(fd + 1, os.sysconf("SC_OPEN_MAX"))
                work()
                status = 0
            except BaseException:
                traceback.print_exc()
                sys.stderr.flush()
            finally:
                os._exit(status)

    def reap(self, timeout=10.0):
        """Wait up to ``timeout`` seconds for the child to end (it ends at
        its peer's end of file), then kill it; raise if it failed."""
        deadline = time.monotonic() + timeout
        while True:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                raise RuntimeError("peer process %d did not end; killed" % self.pid)
            time.sleep(0.01)
        if os.WIFSIGNALED(status) or os.WEXITSTATUS(status):
            raise RuntimeError("peer process %d failed (status %#x)" % (self.pid, status))


def fork_peer(stack, child_end, work):
    """Fork a child that runs ``work()`` with ``child_end``'s descriptor,
    close the parent's copy of ``child_end``, and have ``stack`` (an
    ExitStack) reap the child.  The child ends at its peer's end of file,
    so enter the parent's end into ``stack`` after this call: it is then
    closed before the reaping."""
    child = Child(child_end.fileno(), work)
    child_end.close()
    stack.callback(child.reap)
