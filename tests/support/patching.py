"""The stdlib ``socket`` module as it is before any cffisock.patch(), for the
tests of the patch (test_patch*.py)."""

import socket
import ssl  # noqa: F401 -- first: on PyPy, importing ssl adds names to socket


#: The stdlib module's namespace and socket class, taken before any patch
#: (and after ``import ssl``, which on PyPy adds RAND_add, SSL_ERROR_* and
#: sslerror to the socket module: the tests import ssl long before they
#: compare).
STDLIB = dict(vars(socket))
STDLIB_SOCKET = STDLIB["socket"]
