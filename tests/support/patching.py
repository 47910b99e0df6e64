"""The stdlib ``socket`` module as it is before any cffisock.patch(), for the
tests of the patch (test_patch*.py)."""

import socket


#: The stdlib module's namespace and socket class, taken before any patch.
STDLIB = dict(vars(socket))
STDLIB_SOCKET = STDLIB["socket"]
