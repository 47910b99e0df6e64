"""The level of C declarations the Python code expects.

``build_ffi.py`` compiles this number into the extension; ``cffisock._ffi``
compares the two at import, so a stale build fails loudly instead of
misbehaving.  Bump it with every change to ``cffi_src/``.
"""

ABI_LEVEL = 6
