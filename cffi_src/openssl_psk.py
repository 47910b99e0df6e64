"""Pre-shared keys (<openssl/ssl.h>'s PSK callbacks): a context's Python
callbacks give OpenSSL the key for an identity, on TLS 1.2 (PSK cipher
suites) and TLS 1.3 (external PSKs, through the same callbacks).  A build of
OpenSSL without PSK (OPENSSL_NO_PSK) makes CFFISOCK_HAS_PSK 0 and the
setters do nothing."""

INCLUDES = """
#include <openssl/ssl.h>
"""

TYPES = """
static const int CFFISOCK_HAS_PSK;
static const int CFFISOCK_HAS_PSK_TLS13;
"""

FUNCTIONS = """
int cffisock_set_psk_client_callback(SSL_CTX *, int enabled);
int cffisock_set_psk_server_callback(SSL_CTX *, int enabled, const char *identity_hint);
extern "Python" unsigned int cffisock_psk_client_python(SSL *, const char *, char *,
                                                        unsigned int, unsigned char *,
                                                        unsigned int);
extern "Python" unsigned int cffisock_psk_server_python(SSL *, const char *, unsigned char *,
                                                        unsigned int);
"""

CUSTOMIZATIONS = """
static unsigned int cffisock_psk_client_python(SSL *, const char *, char *, unsigned int,
                                               unsigned char *, unsigned int);
static unsigned int cffisock_psk_server_python(SSL *, const char *, unsigned char *,
                                               unsigned int);

/* RFC 9258's external PSKs in TLS 1.3 (AWS-LC may leave them out). */
#if defined(OPENSSL_NO_PSK) || defined(OPENSSL_NO_EXTERNAL_PSK_TLS13) || !defined(TLS1_3_VERSION)
static const int CFFISOCK_HAS_PSK_TLS13 = 0;
#else
static const int CFFISOCK_HAS_PSK_TLS13 = 1;
#endif

#ifdef OPENSSL_NO_PSK
static const int CFFISOCK_HAS_PSK = 0;

static int cffisock_set_psk_client_callback(SSL_CTX *ctx, int enabled)
{
    return 1;
}

static int cffisock_set_psk_server_callback(SSL_CTX *ctx, int enabled,
                                            const char *identity_hint)
{
    return 1;
}
#else
static const int CFFISOCK_HAS_PSK = 1;

/* The client side: the Python callback, or none. */
static int cffisock_set_psk_client_callback(SSL_CTX *ctx, int enabled)
{
    SSL_CTX_set_psk_client_callback(ctx, enabled ? cffisock_psk_client_python : NULL);
    return 1;
}

/* The server side: the Python callback (or none) and the identity hint
   sent to TLS 1.2 clients (NULL: none).  0 if OpenSSL refused the hint. */
static int cffisock_set_psk_server_callback(SSL_CTX *ctx, int enabled,
                                            const char *identity_hint)
{
    if (!SSL_CTX_use_psk_identity_hint(ctx, enabled ? identity_hint : NULL))
        return 0;
    SSL_CTX_set_psk_server_callback(ctx, enabled ? cffisock_psk_server_python : NULL);
    return 1;
}
#endif
"""
