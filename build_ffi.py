"""Build cffisock's C extension out of line, in cffi's API mode.

``ffibuilder`` and ``ssl_ffibuilder`` are what setuptools' ``cffi_modules``
compiles: ``cffisock._socket_cffi`` (the socket headers; no OpenSSL) and
``cffisock._ssl_cffi`` (OpenSSL's ssl.h, err.h, bio.h, pem.h and x509*.h,
linked with libssl and libcrypto), made from the per-header declarations in
``cffi_src/`` (see that package's docstring for their shape).

Run ``python build_ffi.py`` to compile it in place (for development); normal
installs go through ``pip install .``.
"""

import importlib
import os
import sys

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

# Bump cffisock/_abi.py's ABI_LEVEL whenever these declarations change: the
# package refuses to import a compiled module of another level.
ABI_NAMESPACE = {}
with open(os.path.join(HERE, "cffisock", "_abi.py")) as _abi_file:
    exec(_abi_file.read(), ABI_NAMESPACE)

SOCKET_MODULES = [
    "sys_socket",
    "netinet_in",
    "netinet_tcp",
    "arpa_inet",
    "peers",
    "mmsg",
    "sys_un",
    "linux_netlink",
    "netdb",
    "net_if",
    "poll",
    "fcntl",
    "unistd",
    "errno",
    "constants",
]


def build_ffi(module_name, module_names, prelude="", **source_options):
    """Return an FFI builder for ``module_name`` from ``cffi_src`` modules.

    All TYPES are declared before any FUNCTIONS so that a header may use a
    type declared by another; the C source is the prelude, every INCLUDES,
    then every CUSTOMIZATIONS.
    """
    modules = [importlib.import_module("cffi_src." + name)
               for name in module_names]
    ffi = FFI()
    ffi.cdef("static const int CFFISOCK_ABI_LEVEL;")
    for module in modules:
        ffi.cdef(module.TYPES)
    for module in modules:
        ffi.cdef(module.FUNCTIONS)
    source = "\n".join(
        [prelude,
         "static const int CFFISOCK_ABI_LEVEL = %d;" % ABI_NAMESPACE["ABI_LEVEL"]]
        + [module.INCLUDES for module in modules]
        + [module.CUSTOMIZATIONS for module in modules]
    )
    ffi.set_source(module_name, source, **source_options)
    return ffi


SSL_MODULES = [
    "openssl_types",
    "openssl_err",
    "openssl_bio",
    "openssl_pem",
    "openssl_rand",
    "openssl_x509",
    "openssl_ssl",
    "openssl_psk",
    "openssl_negotiation",
]

ffibuilder = build_ffi(
    "cffisock._socket_cffi",
    SOCKET_MODULES,
    # accept4(), SOCK_CLOEXEC and F_DUPFD_CLOEXEC are GNU/Linux extensions.
    prelude="#define _GNU_SOURCE 1",
)

# The TLS half is a second extension, so the socket half needs no OpenSSL.
ssl_ffibuilder = build_ffi(
    "cffisock._ssl_cffi",
    SSL_MODULES,
    libraries=["ssl", "crypto"],
)

if __name__ == "__main__":
    for builder in (ffibuilder, ssl_ffibuilder):
        builder.compile(tmpdir=HERE, verbose=True)
