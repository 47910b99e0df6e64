"""C declarations for cffisock's extension modules, one module per C header.

Each module defines four strings, in the manner of pyca/cryptography's
``_cffi_src``:

``INCLUDES``        the ``#include`` lines the header needs;
``TYPES``           cdef text for types, macros and constants;
``FUNCTIONS``       cdef text for functions (and global variables);
``CUSTOMIZATIONS``  C code compiled into the extension (helpers, fallbacks).

The cdef text never hard-codes a platform value: constants are declared
``#define X ...`` or ``static const int X;`` and structs are partial
(``...;``), so the C compiler supplies sizes, layouts and numbers.
"""

import re

_DECLARATION = re.compile(r"^\s*(?P<result>[\w ]+?)\s+(?P<name>\w+)\((?P<params>[^)]*)\);\s*$")


def errno_wrappers(declarations):
    """Return ``(cdef, C source)`` of wrappers for C calls that fail with -1.

    Each ``RESULT NAME(TYPE ARG, ...);`` line (parameters must be named)
    becomes ``cffisock_NAME`` with the same parameters, returning the call's
    result on success and ``-errno`` on failure.  The call and its errno are
    read together in C, so nothing that runs between a cffi call and a read
    of ``ffi.errno`` (a finalizer, the garbage collector) can change the
    error reported, and the Python side reads no second value.
    """
    cdef, source = [], []
    for line in declarations.strip().splitlines():
        match = _DECLARATION.match(line)
        if match is None:
            raise ValueError("cannot parse declaration %r" % line)
        result, name, params = match.group("result", "name", "params")
        arguments = ", ".join(
            re.sub(r"\[.*\]$", "", param.strip()).split()[-1].lstrip("*")
            for param in params.split(","))
        signature = "%s cffisock_%s(%s)" % (result, name, params)
        cdef.append(signature + ";")
        source.append(
            "static %s\n{\n    %s result = %s(%s);\n"
            "    return result < 0 ? -errno : result;\n}\n"
            % (signature, result, name, arguments))
    return "\n".join(cdef), "\n".join(source)
