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
