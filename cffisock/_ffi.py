"""The compiled cffi module, checked before anything uses it.

Exports ``ffi`` and ``lib`` of ``cffisock._socket_cffi``.  A missing module
(the package was copied rather than installed) or one compiled from other
declarations than this code expects (a stale in-place build) raises
ImportError saying how to rebuild.
"""

import os

from cffisock._abi import check_compiled, resolve_all

try:
    from cffisock._socket_cffi import ffi, lib
except ImportError as exc:  # pragma: no cover - depends on the install
    _source_tree = os.path.exists(
        os.path.join(os.path.dirname(os.path.dirname(__file__)), "build_ffi.py"))
    raise ImportError(
        "cffisock's compiled module cffisock._socket_cffi is missing or "
        "cannot be loaded (%s). Install cffisock with 'pip install .' (it "
        "needs a C compiler), or build it in place with "
        "'python build_ffi.py'.%s" % (exc, (
            " This cffisock is the source tree (%s): after 'pip install .' "
            "run Python from another directory, or install with "
            "'pip install -e .' to build the module here."
            % os.path.dirname(__file__)) if _source_tree else "")
    ) from exc

check_compiled(lib, "cffisock._socket_cffi")
resolve_all(lib)

__all__ = ["ffi", "lib"]
