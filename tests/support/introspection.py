"""Which names of cffisock are public: what the stub test holds to the
stubs and the buffer and TLS tests enumerate."""

import types


def public_module_names(module):
    """Public names of ``module`` (cffisock or cffisock.tls): every attribute
    without a leading underscore that is not a module, and cffisock's
    ``__all__`` (which names the lazily loaded ``ssl`` too).  Both modules
    import what they use privately under underscore names."""
    names = {name for name, value in vars(module).items()
             if not name.startswith("_") and not isinstance(value, types.ModuleType)}
    return names | set(getattr(module, "__all__", ()))


def public_members(cls, instance=None):
    """Public attribute names of a class (and of an instance of it)."""
    names = {name for name in dir(cls) if not name.startswith("_")}
    if instance is not None:
        names.update(name for name in vars(instance) if not name.startswith("_"))
    return names
