"""<openssl/ssl.h>: what a context offers to negotiate beyond the TLS 1.2
cipher list -- TLS 1.3 cipher suites, key exchange groups, signature
algorithms -- and the group a connection negotiated (OpenSSL 3.0 calls;
the listings that need 3.4/3.5 are not declared)."""

INCLUDES = """
#include <openssl/ssl.h>
"""

TYPES = ""

FUNCTIONS = """
int SSL_CTX_set_ciphersuites(SSL_CTX *, const char *);
long SSL_CTX_set1_groups_list(SSL_CTX *, const char *);
long SSL_CTX_set1_sigalgs_list(SSL_CTX *, const char *);
long SSL_CTX_set1_client_sigalgs_list(SSL_CTX *, const char *);
const char *cffisock_group_name(SSL *);
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
"""
