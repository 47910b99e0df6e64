"""The drop-in switch: point the stdlib ``socket`` module at cffisock.

``patch()`` replaces, in the stdlib ``socket`` module, the ``socket`` class,
``SocketType`` and every function cffisock provides under the same name
(every name both modules have whose value is callable and not a class:
``socketpair``, ``fromfd``, ``create_connection``, ``create_server``, the
resolver, ``inet_*``, ``hton*``/``ntoh*``, ``if_*``, ``send_fds``/
``recv_fds``, ``CMSG_*``, ``get``/``setdefaulttimeout``...).  Code that
looks these up in the module when it runs, as ``http.client``, ``urllib``,
``socketserver``, ``smtplib``, ``xmlrpc``, ``ftplib`` and ``asyncio`` do,
then runs on cffisock sockets.  ``SocketType`` is cffisock's so that
``isinstance(socket.socket(), socket.SocketType)`` still holds.

Left alone:

* constants and enums: the values are the same, and stdlib code compares
  with them;
* the exception classes: ``error`` is OSError in both modules and cffisock's
  ``gaierror``, ``herror`` and ``timeout`` subclass the stdlib's, so an
  ``except socket.gaierror`` catches both kinds, whereas replacing the
  classes would stop it catching errors of code still on the stdlib;
* ``_GLOBAL_DEFAULT_TIMEOUT``, which http.client, urllib, smtplib, ftplib
  and others bake into their default arguments: the patched
  ``create_connection`` takes the stdlib's sentinel for cffisock's;
* what cffisock has no counterpart of (``SocketIO``).

The default timeout is the program's, not the module's: the first
``patch()`` gives cffisock the stdlib's default timeout, and the last
``unpatch()`` gives the stdlib cffisock's, so ``socket.setdefaulttimeout()``
called before, during or after the patch applies to the sockets that
``socket.socket()`` makes afterwards.

Limits:

* What was bound before the patch keeps its object: a module that ran
  ``from socket import socket`` still has the stdlib class, sockets created
  before the patch stay stdlib sockets, and an ``http.client.HTTPConnection``
  made before it keeps the stdlib's ``create_connection``.  The other way
  round, a module first imported under the patch that binds names from
  ``socket`` keeps cffisock's objects after ``unpatch()``.
* The stdlib's socket class looks ``socket`` up in its module when it
  accepts, so a stdlib listening socket hands out cffisock sockets while
  the patch is on.
* ``ssl`` is not patched.  ``patch()`` imports it first, so that
  ``ssl.SSLSocket`` subclasses the stdlib socket class (imported under the
  patch it would subclass cffisock's, and every ``wrap_socket`` of a
  connected socket would fail with TypeError, since the stdlib's C code
  accepts only its own sockets).  A stdlib ``SSLContext.wrap_socket`` given
  a cffisock socket detaches it, as it does any socket, and continues on the
  descriptor with a stdlib SSLSocket; a ``cffisock.tls`` context keeps the
  connection on cffisock, and its ``wrap_socket`` takes over a stdlib socket
  the same way.
"""

import contextlib
import threading

import cffisock
from cffisock import _connections
from cffisock._connections import (
    _GLOBAL_DEFAULT_TIMEOUT,
    create_connection as _create_connection,
)

_lock = threading.Lock()
_depth = 0  # patch() calls not yet matched by unpatch()
_originals = {}  # name -> the stdlib module's object, while patched


def _replacements(stdlib_socket):
    """Return ``{name: cffisock's object}`` for what patch() replaces."""
    replacements = {"socket": cffisock.socket, "SocketType": cffisock.SocketType}
    for name, value in vars(cffisock).items():
        if (not name.startswith("_") and callable(value)
                and not isinstance(value, type) and hasattr(stdlib_socket, name)):
            replacements[name] = value
    replacements["create_connection"] = create_connection
    return replacements


def create_connection(address, timeout=_GLOBAL_DEFAULT_TIMEOUT,
                      source_address=None, *, all_errors=False):
    """The patched ``socket.create_connection``: cffisock's, except that the
    stdlib's ``socket._GLOBAL_DEFAULT_TIMEOUT`` means what cffisock's does
    (keep the default timeout)."""
    import socket

    if timeout is socket._GLOBAL_DEFAULT_TIMEOUT:
        timeout = _GLOBAL_DEFAULT_TIMEOUT
    return _create_connection(address, timeout, source_address,
                              all_errors=all_errors)


def patch():
    """Point the stdlib ``socket`` module's socket class and functions at
    cffisock's (see the module documentation for what is replaced).

    Calls nest: each patch() needs its unpatch(), and the first patch() of a
    nest saves the stdlib's objects.  Thread-safe.  Imports the stdlib
    ``socket`` and ``ssl`` modules (``import cffisock`` alone does not).
    """
    global _depth
    import socket

    try:
        import ssl  # noqa: F401 (bind ssl.SSLSocket to the stdlib class first)
    except ImportError:  # a Python built without OpenSSL
        pass
    with _lock:
        if _depth == 0:
            replacements = _replacements(socket)
            _originals.update((name, getattr(socket, name)) for name in replacements)
            cffisock.setdefaulttimeout(socket.getdefaulttimeout())
            for name, value in replacements.items():
                setattr(socket, name, value)
            _connections.socket_home = "socket"  # they look socket.socket up
        _depth += 1


def unpatch():
    """Undo one patch(); the last one puts back exactly the stdlib's objects
    and hands cffisock's default timeout to the stdlib.  Without an open
    patch() it does nothing.  Thread-safe."""
    global _depth
    with _lock:
        if _depth == 0:
            return
        _depth -= 1
        if _depth == 0:
            import socket

            for name, value in _originals.items():
                setattr(socket, name, value)
            _originals.clear()
            _connections.socket_home = "cffisock"
            socket.setdefaulttimeout(cffisock.getdefaulttimeout())


@contextlib.contextmanager
def patched():
    """``with patched():`` runs its block under patch() and unpatches when
    the block ends, however it ends; nests with itself and with
    patch()/unpatch() pairs."""
    patch()
    try:
        yield
    finally:
        unpatch()
