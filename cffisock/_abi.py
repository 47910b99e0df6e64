"""The level of C declarations the Python code expects.

``build_ffi.py`` compiles this number into the extension; ``cffisock._ffi``
compares the two at import, so a stale build fails loudly instead of
misbehaving.  Bump it with every change to ``cffi_src/``.
"""

import sys

ABI_LEVEL = 37


def check_compiled(lib, module_name):
    """Raise ImportError if the compiled ``lib`` (of ``module_name``) was
    built from declarations of another level than this code expects."""
    if lib.CFFISOCK_ABI_LEVEL != ABI_LEVEL:
        raise ImportError(
            "cffisock's compiled module %s was built from declarations of "
            "level %d, but this code expects level %d: it is stale. Rebuild "
            "it with 'pip install .' or 'python build_ffi.py'."
            % (module_name, lib.CFFISOCK_ABI_LEVEL, ABI_LEVEL))


def resolve_all(lib):
    """On PyPy, look up every name of ``lib`` once, at import.

    PyPy builds a compiled module's functions lazily, on first attribute
    access, and two threads that make their first call of a function at the
    same moment can get an argument-type error; so the lookups happen here,
    while the import lock serialises them.  CPython needs none of this.
    """
    if sys.implementation.name == "pypy":
        for name in dir(lib):
            getattr(lib, name)
