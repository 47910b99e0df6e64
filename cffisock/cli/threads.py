"""Starting the command-line tools' helper threads safely under signals."""

import signal

_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def start_shielded(thread):
    """Start ``thread`` with SIGINT and SIGTERM blocked in the calling thread
    until it has started.

    The new thread inherits the mask and keeps it, so the kernel delivers
    those signals to the main thread, whose blocking call they interrupt
    (a helper thread that took one would only retry its own call) -- if
    the call has started: one that arrives just before it is handled (at C
    level) without interrupting anything, and Python's handler runs only
    when the call returns.  A main thread that must not sleep through a
    signal waits on a ``signal.set_wakeup_fd`` pipe (see cli.serve).
    And a Ctrl-C cannot raise KeyboardInterrupt inside ``Thread.start()``:
    raised between two steps of its ``Condition.wait``, it leaves a lock
    released twice ("RuntimeError: release unlocked lock", on Python 3.9).
    A signal that arrives meanwhile is delivered when start() has
    returned.
    """
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        thread.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
