"""The socket module's named constants, read from the compiled C table.

``CONSTANTS`` maps each name the platform's headers define (see
``cffi_src/constants.py`` for the families) to its value.  The public module
adds them to its namespace and turns the AF_, SOCK_, MSG_ and AI_ families into
the stdlib's enums.
"""

from cffisock._ffi import ffi, lib

CONSTANTS = {
    ffi.string(entry.name).decode("ascii"): int(entry.value)
    for entry in lib.cffisock_constants[0:lib.cffisock_constants_count]
}
