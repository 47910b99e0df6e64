"""The socket module's exceptions, and turning C error codes into them.

``error`` is OSError, as in the stdlib.  ``herror`` and ``gaierror`` subclass
the stdlib's classes of the same name (the one use cffisock makes of
``_socket``), so ``except socket.gaierror`` written for the stdlib also catches
cffisock's.  ``timeout`` is TimeoutError, as in Python 3.10+; on 3.9, where the
stdlib's ``socket.timeout`` is a separate OSError subclass, it derives from
both.
"""

import os

import _socket

from cffisock._ffi import ffi, lib

error = OSError


class herror(_socket.herror):
    """A resolver error from the gethostby* family: ``(h_errno, text)``."""

    __module__ = "cffisock"


class gaierror(_socket.gaierror):
    """A getaddrinfo/getnameinfo error: ``(EAI_ code, gai_strerror text)``."""

    __module__ = "cffisock"


if _socket.timeout is TimeoutError:
    timeout = TimeoutError
else:  # Python 3.9 and PyPy 3.9

    class timeout(_socket.timeout, TimeoutError):
        """The socket's timeout expired (``socket.timeout`` on Python 3.9)."""

        __module__ = "cffisock"


def oserror(errno):
    """Return ``OSError(errno, strerror)``: Python picks the subclass."""
    return OSError(errno, os.strerror(errno))


def timed_out():
    """Return the exception a socket raises when its timeout expires."""
    return timeout("timed out")


def check(result):
    """Return a cffisock_ wrapper's ``result``; raise OSError if it is -errno."""
    if result < 0:
        raise oserror(-result)
    return result


def gai_error(code, system_errno):
    """Return the exception for getaddrinfo/getnameinfo's return ``code``.

    EAI_SYSTEM means the real error is ``system_errno``: an OSError.
    """
    if code == lib.EAI_SYSTEM:
        return oserror(system_errno)
    return gaierror(code, ffi.string(lib.gai_strerror(code)).decode())
