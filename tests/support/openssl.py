"""The openssl command-line tool as an independent TLS peer."""

import os
import select
import shutil
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
