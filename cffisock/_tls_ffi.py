"""The compiled OpenSSL module, initialised once and checked like
``cffisock._ffi`` checks the socket module."""

from cffisock._abi import check_compiled, resolve_all

try:
    from cffisock._ssl_cffi import ffi, lib
except ImportError as exc:  # pragma: no cover - depends on the install
    raise ImportError(
        "cffisock's compiled TLS module cffisock._ssl_cffi is missing or cannot "
        "be loaded (%s). Install cffisock with 'pip install .' (it needs a C "
        "compiler and OpenSSL's headers, Debian's libssl-dev)." % (exc,)
    ) from exc

check_compiled(lib, "cffisock._ssl_cffi")
resolve_all(lib)

lib.OPENSSL_init_ssl(lib.OPENSSL_INIT_LOAD_SSL_STRINGS
                     | lib.OPENSSL_INIT_LOAD_CRYPTO_STRINGS, ffi.NULL)

__all__ = ["ffi", "lib"]
