"""The TLS protocol's own numbers, as the IANA TLS registries assign them:
record content types, handshake message types and alert descriptions.

``AlertDescription`` is the stdlib's public enum (its members are module
constants of ``ssl`` too).  ``_TLSContentType``, ``_TLSMessageType`` and
``_TLSAlertType`` are the stdlib's private enums of the same numbers, which
code written for ``ssl`` (CPython's test_ssl among it) imports by name.
"""

from enum import IntEnum

_ALERTS = (
    ("CLOSE_NOTIFY", 0), ("UNEXPECTED_MESSAGE", 10), ("BAD_RECORD_MAC", 20),
    ("DECRYPTION_FAILED", 21), ("RECORD_OVERFLOW", 22), ("DECOMPRESSION_FAILURE", 30),
    ("HANDSHAKE_FAILURE", 40), ("NO_CERTIFICATE", 41), ("BAD_CERTIFICATE", 42),
    ("UNSUPPORTED_CERTIFICATE", 43), ("CERTIFICATE_REVOKED", 44), ("CERTIFICATE_EXPIRED", 45),
    ("CERTIFICATE_UNKNOWN", 46), ("ILLEGAL_PARAMETER", 47), ("UNKNOWN_CA", 48),
    ("ACCESS_DENIED", 49), ("DECODE_ERROR", 50), ("DECRYPT_ERROR", 51),
    ("EXPORT_RESTRICTION", 60), ("PROTOCOL_VERSION", 70), ("INSUFFICIENT_SECURITY", 71),
    ("INTERNAL_ERROR", 80), ("INAPPROPRIATE_FALLBACK", 86), ("USER_CANCELED", 90),
    ("NO_RENEGOTIATION", 100), ("MISSING_EXTENSION", 109), ("UNSUPPORTED_EXTENSION", 110),
    ("CERTIFICATE_UNOBTAINABLE", 111), ("UNRECOGNIZED_NAME", 112),
    ("BAD_CERTIFICATE_STATUS_RESPONSE", 113), ("BAD_CERTIFICATE_HASH_VALUE", 114),
    ("UNKNOWN_PSK_IDENTITY", 115), ("CERTIFICATE_REQUIRED", 116),
    ("NO_APPLICATION_PROTOCOL", 120),
)

#: The alerts OpenSSL names SSL_AD_* (the stdlib's AlertDescription has
#: these, USER_CANCELED spelled USER_CANCELLED as OpenSSL spells it).
_OPENSSL_ALERTS = (
    "CLOSE_NOTIFY", "UNEXPECTED_MESSAGE", "BAD_RECORD_MAC", "RECORD_OVERFLOW",
    "DECOMPRESSION_FAILURE", "HANDSHAKE_FAILURE", "BAD_CERTIFICATE", "UNSUPPORTED_CERTIFICATE",
    "CERTIFICATE_REVOKED", "CERTIFICATE_EXPIRED", "CERTIFICATE_UNKNOWN", "ILLEGAL_PARAMETER",
    "UNKNOWN_CA", "ACCESS_DENIED", "DECODE_ERROR", "DECRYPT_ERROR", "PROTOCOL_VERSION",
    "INSUFFICIENT_SECURITY", "INTERNAL_ERROR", "USER_CANCELED", "NO_RENEGOTIATION",
    "UNSUPPORTED_EXTENSION", "CERTIFICATE_UNOBTAINABLE", "UNRECOGNIZED_NAME",
    "BAD_CERTIFICATE_STATUS_RESPONSE", "BAD_CERTIFICATE_HASH_VALUE", "UNKNOWN_PSK_IDENTITY",
)

_TLSAlertType = IntEnum("_TLSAlertType", _ALERTS, module="cffisock.tls")

AlertDescription = IntEnum(
    "AlertDescription",
    [("ALERT_DESCRIPTION_" + name.replace("USER_CANCELED", "USER_CANCELLED"),
      _TLSAlertType[name].value) for name in _OPENSSL_ALERTS],
    module="cffisock.tls")

_TLSContentType = IntEnum("_TLSContentType", (
    ("CHANGE_CIPHER_SPEC", 20), ("ALERT", 21), ("HANDSHAKE", 22), ("APPLICATION_DATA", 23),
    ("HEADER", 0x100), ("INNER_CONTENT_TYPE", 0x101),
), module="cffisock.tls")

_TLSMessageType = IntEnum("_TLSMessageType", (
    ("HELLO_REQUEST", 0), ("CLIENT_HELLO", 1), ("SERVER_HELLO", 2),
    ("HELLO_VERIFY_REQUEST", 3), ("NEWSESSION_TICKET", 4), ("END_OF_EARLY_DATA", 5),
    ("HELLO_RETRY_REQUEST", 6), ("ENCRYPTED_EXTENSIONS", 8), ("CERTIFICATE", 11),
    ("SERVER_KEY_EXCHANGE", 12), ("CERTIFICATE_REQUEST", 13), ("SERVER_DONE", 14),
    ("CERTIFICATE_VERIFY", 15), ("CLIENT_KEY_EXCHANGE", 16), ("FINISHED", 20),
    ("CERTIFICATE_URL", 21), ("CERTIFICATE_STATUS", 22), ("SUPPLEMENTAL_DATA", 23),
    ("KEY_UPDATE", 24), ("NEXT_PROTO", 67), ("MESSAGE_HASH", 254),
    ("CHANGE_CIPHER_SPEC", 0x0101),
), module="cffisock.tls")
