"""The openssl command-line tool as an independent TLS peer."""

import contextlib
import os
import select
import shutil
import subprocess
import time

import pytest


OPENSSL = shutil.which("openssl")
requires_openssl_cli = pytest.mark.skipif(OPENSSL is None,
                                          reason="the openssl CLI is missing")


# ---------------------------------------------------------------- the openssl CLI


def wait_for_output(process, marker, seconds=10):
    """Read ``process``'s stdout until ``marker`` shows; False if the
    process ends or ``seconds`` pass first."""
    seen = b""
    deadline = time.monotonic() + seconds
    while marker not in seen:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        ready, _, _ = select.select([process.stdout], [], [], remaining)
        if ready:
            chunk = os.read(process.stdout.fileno(), 4096)
            if not chunk:
                return False
            seen += chunk
    return True


def stop(process):
    process.kill()
    process.communicate(timeout=10)


@contextlib.contextmanager
def openssl_s_server(*arguments):
    """``openssl s_server -rev`` (it sends each line back reversed) with
    ``arguments``, for one connection on 127.0.0.1; yields its port.  A
    port taken between choosing and binding it means another try."""
    from support.loopback import free_port

    for _ in range(5):
        port = free_port()
        process = subprocess.Popen(
            [OPENSSL, "s_server", "-accept", "127.0.0.1:%d" % port, "-rev", "-naccept", "1",
             *arguments],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            if wait_for_output(process, b"ACCEPT"):
                yield port
                return
        finally:
            stop(process)
    pytest.fail("openssl s_server did not start on 127.0.0.1")
