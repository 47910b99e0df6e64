"""<openssl/ssl.h>: what a context offers to negotiate beyond the TLS 1.2
cipher list -- TLS 1.3 cipher suites, key exchange groups, signature
algorithms -- and what a connection negotiated.

The listings and the selected signature algorithms need OpenSSL 3.4/3.5:
on an older OpenSSL, CFFISOCK_HAS_GET_GROUPS, CFFISOCK_HAS_GET_SIGALGS and
CFFISOCK_HAS_SELECTED_SIGALGS are 0 and their helpers return NULL."""

INCLUDES = """
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>
"""

TYPES = """
static const int CFFISOCK_HAS_GET_GROUPS;
static const int CFFISOCK_HAS_GET_SIGALGS;
static const int CFFISOCK_HAS_SELECTED_SIGALGS;
"""

FUNCTIONS = """
int SSL_CTX_set_ciphersuites(SSL_CTX *, const char *);
long SSL_CTX_set1_groups_list(SSL_CTX *, const char *);
long SSL_CTX_set1_sigalgs_list(SSL_CTX *, const char *);
long SSL_CTX_set1_client_sigalgs_list(SSL_CTX *, const char *);
const char *cffisock_group_name(SSL *);
char *cffisock_implemented_groups(SSL_CTX *, int);
char *cffisock_builtin_sigalgs(void);
const char *cffisock_signature_name(SSL *, int);
"""

CUSTOMIZATIONS = """
/* The name of the key exchange group the finished handshake negotiated, or
   NULL.  (OpenSSL 3.0's SSL_get_negotiated_group reads the session, and
   crashes without one: before the handshake, it is not asked.) */
static const char *cffisock_group_name(SSL *ssl)
{
    int nid;

    if (!SSL_is_init_finished(ssl) || SSL_get0_session(ssl) == NULL)
        return NULL;
    nid = (int)SSL_get_negotiated_group(ssl);
    return nid ? SSL_group_to_name(ssl, nid) : NULL;
}

#if OPENSSL_VERSION_NUMBER >= 0x30500000L
static const int CFFISOCK_HAS_GET_GROUPS = 1;
static const int CFFISOCK_HAS_SELECTED_SIGALGS = 1;

/* The groups ``ctx`` implements (with their aliases if ``all``), joined
   with ':' in memory to give back with OPENSSL_free; NULL on failure. */
static char *cffisock_implemented_groups(SSL_CTX *ctx, int all)
{
    STACK_OF(OPENSSL_CSTRING) *names = sk_OPENSSL_CSTRING_new_null();
    char *joined = NULL;
    size_t size = 1, used = 0;
    int i;

    if (names == NULL)
        return NULL;
    if (!SSL_CTX_get0_implemented_groups(ctx, all, names))
        goto done;
    for (i = 0; i < sk_OPENSSL_CSTRING_num(names); i++)
        size += strlen(sk_OPENSSL_CSTRING_value(names, i)) + 1;
    joined = OPENSSL_malloc(size);
    if (joined == NULL)
        goto done;
    joined[0] = '\\0';
    for (i = 0; i < sk_OPENSSL_CSTRING_num(names); i++) {
        const char *name = sk_OPENSSL_CSTRING_value(names, i);
        size_t length = strlen(name);
        if (used)
            joined[used++] = ':';
        memcpy(joined + used, name, length);
        used += length;
        joined[used] = '\\0';
    }
done:
    sk_OPENSSL_CSTRING_free(names);
    return joined;
}

/* The signature algorithm this end (``own``) or the peer used, or NULL. */
static const char *cffisock_signature_name(SSL *ssl, int own)
{
    const char *name = NULL;

    if (!(own ? SSL_get0_signature_name(ssl, &name)
              : SSL_get0_peer_signature_name(ssl, &name)))
        return NULL;
    return name;
}
#else
static const int CFFISOCK_HAS_GET_GROUPS = 0;
static const int CFFISOCK_HAS_SELECTED_SIGALGS = 0;

static char *cffisock_implemented_groups(SSL_CTX *ctx, int all)
{
    return NULL;
}

static const char *cffisock_signature_name(SSL *ssl, int own)
{
    return NULL;
}
#endif

#if OPENSSL_VERSION_NUMBER >= 0x30400000L
static const int CFFISOCK_HAS_GET_SIGALGS = 1;

/* The signature algorithms OpenSSL offers, joined with ':' in memory to
   give back with OPENSSL_free; NULL on failure. */
static char *cffisock_builtin_sigalgs(void)
{
    return SSL_get1_builtin_sigalgs(NULL);
}
#else
static const int CFFISOCK_HAS_GET_SIGALGS = 0;

static char *cffisock_builtin_sigalgs(void)
{
    return NULL;
}
#endif
"""
