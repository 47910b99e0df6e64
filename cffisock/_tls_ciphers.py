"""Cipher suites as the stdlib describes them: ``SSLContext.get_ciphers()``
dicts, and the ``(name, protocol, secret bits)`` of ``cipher()`` and
``shared_ciphers()`` come from ``cipher_dict``; and ``get_sigalgs()``, the
signature algorithms' list."""

from cffisock._tls_ffi import ffi, lib


def _nid_name(nid):
    return ffi.string(lib.OBJ_nid2ln(nid)).decode("ascii") if nid != lib.NID_undef else None


def cipher_dict(cipher):
    """The stdlib's dict for an ``SSL_CIPHER *``."""
    bits = ffi.new("int *")
    strength = lib.SSL_CIPHER_get_bits(cipher, bits)
    description = ffi.new("char[]", 256)
    lib.SSL_CIPHER_description(cipher, description, 255)
    text = ffi.string(description).decode("ascii")
    return {
        "id": lib.SSL_CIPHER_get_id(cipher),
        "name": ffi.string(lib.SSL_CIPHER_get_name(cipher)).decode("ascii"),
        "protocol": ffi.string(lib.SSL_CIPHER_get_version(cipher)).decode("ascii"),
        "description": text[:-1] if text.endswith("\n") else text,
        "strength_bits": strength,
        "alg_bits": bits[0],
        "aead": bool(lib.SSL_CIPHER_is_aead(cipher)),
        "symmetric": _nid_name(lib.SSL_CIPHER_get_cipher_nid(cipher)),
        "digest": _nid_name(lib.SSL_CIPHER_get_digest_nid(cipher)),
        "kea": _nid_name(lib.SSL_CIPHER_get_kx_nid(cipher)),
        "auth": _nid_name(lib.SSL_CIPHER_get_auth_nid(cipher)),
    }


def stack_ciphers(stack):
    """The cipher dicts of an ``OPENSSL_STACK`` of ``SSL_CIPHER``."""
    return [cipher_dict(ffi.cast("SSL_CIPHER *", lib.OPENSSL_sk_value(stack, i)))
            for i in range(lib.OPENSSL_sk_num(stack))]


def get_sigalgs():
    """The TLS signature algorithms OpenSSL offers (3.15's), by name.
    NotImplementedError on an OpenSSL before 3.4, as CPython's."""
    if not lib.CFFISOCK_HAS_GET_SIGALGS:
        raise NotImplementedError("get_sigalgs() requires OpenSSL 3.4 or later")
    return openssl_names(lib.cffisock_builtin_sigalgs())


def openssl_names(joined):
    """The names of a ':'-joined list OpenSSL allocated (freed here)."""
    if joined == ffi.NULL:
        raise MemoryError()
    try:
        text = ffi.string(joined).decode("utf-8", "surrogateescape")
    finally:
        lib.OPENSSL_free(joined)
    return text.split(":") if text else []
