"""The compiled OpenSSL module, initialised once and checked like
``cffisock._ffi`` checks the socket module."""

from cffisock._abi import ABI_LEVEL

try:
    from cffisock._ssl_cffi import ffi, lib
except ImportError as exc:  # pragma: no cover - depends on the install
    raise ImportError(
        "cffisock's compiled TLS module cffisock._ssl_cffi is missing or cannot "
        "be loaded (%s). Install cffisock with 'pip install .' (it needs a C "
        "compiler and OpenSSL's headers, Debian's libssl-dev)." % (exc,)
    ) from exc

if lib.CFFISOCK_ABI_LEVEL != ABI_LEVEL:  # pragma: no cover - stale builds
    raise ImportError(
        "cffisock's compiled TLS module was built from declarations of level "
        "%d, but this code expects level %d: it is stale. Rebuild it with "
        "'pip install .' or 'python build_ffi.py'."
        % (lib.CFFISOCK_ABI_LEVEL, ABI_LEVEL))

lib.OPENSSL_init_ssl(lib.OPENSSL_INIT_LOAD_SSL_STRINGS
                     | lib.OPENSSL_INIT_LOAD_CRYPTO_STRINGS, ffi.NULL)

__all__ = ["ffi", "lib"]
