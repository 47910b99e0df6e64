"""Which names of cffisock are public: what the stub test holds to the
stubs and the buffer and TLS tests enumerate."""

import ast
import inspect
import types

import cffisock
from cffisock import tls


def public_module_names(module):
    """Public names of ``module``: cffisock's ``__all__`` (and any other
    public non-module attribute); for cffisock.tls, which has no ``__all__``,
    every name without a leading underscore except modules, what it imports
    for its own use (objects that do not say they belong to cffisock.tls, as
    its exception classes do) and the C callbacks that ``@ffi.def_extern``
    binds by name (``cffisock_*``)."""
    if module is cffisock:
        return set(cffisock.__all__) | {
            name for name, value in vars(cffisock).items()
            if not name.startswith("_") and not isinstance(value, types.ModuleType)}
    imported = {alias.asname or alias.name.partition(".")[0]
                for node in ast.parse(inspect.getsource(tls)).body
                if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    return {name for name, value in vars(tls).items()
            if not name.startswith(("_", "cffisock_"))
            and not isinstance(value, types.ModuleType)
            and (name not in imported or getattr(value, "__module__", None) == tls.__name__)}


def public_members(cls, instance=None):
    """Public attribute names of a class (and of an instance of it)."""
    names = {name for name in dir(cls) if not name.startswith("_")}
    if instance is not None:
        names.update(name for name in vars(instance) if not name.startswith("_"))
    return names
