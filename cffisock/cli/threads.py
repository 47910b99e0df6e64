"""The command-line tools' helper threads: started safely under signals,
and ended without leaving OpenSSL state for the process's exit."""

import signal
import sys

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


def release_tls_state():
    """Free the calling thread's OpenSSL state now (OPENSSL_thread_stop), if
    the process uses cffisock.tls.

    A thread that made OpenSSL calls holds per-thread state that a pthread
    key destructor frees when the thread ends; OpenSSL's exit handler
    (OPENSSL_cleanup, run by exit()) frees every thread's state without a
    lock, assuming that no thread ends meanwhile.  A helper thread that ends
    as the process exits would have both free the same memory (a double
    free or SIGSEGV at exit: about one PyPy run of ``connect --tls`` in
    300).  So a helper thread calls this when it is through with TLS, and
    the main thread exits only after that.
    """
    tls_ffi = sys.modules.get("cffisock._tls_ffi")
    if tls_ffi is not None:
        tls_ffi.lib.OPENSSL_thread_stop()
