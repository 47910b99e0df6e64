"""<openssl/ssl.h>: contexts, connections, sessions and ciphers, and the C
helpers: cffisock_ssl_io (one TLS operation with its outcome), the ALPN
selection, keylog, password and SNI callbacks."""

INCLUDES = """
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <errno.h>
"""

# The structs the C helpers share with Python, and the operation codes of
# cffisock_ssl_io: defined once, in both the declarations and the C source.
SSL_STRUCTS = """
struct cffisock_alpn {
    const unsigned char *protocols;
    unsigned int length;
};

struct cffisock_ssl_outcome {
    int ssl_error;
    int system_errno;
    unsigned long error_code;
};
"""

OPERATIONS = """
#define CFFISOCK_SSL_HANDSHAKE 0
#define CFFISOCK_SSL_READ 1
#define CFFISOCK_SSL_WRITE 2
#define CFFISOCK_SSL_SHUTDOWN 3
"""

TYPES = """
static const int CFFISOCK_HAS_SSLv3;
static const int CFFISOCK_HAS_TLSv1;
static const int CFFISOCK_HAS_TLSv1_1;
static const int CFFISOCK_HAS_ECDH;
static const int CFFISOCK_HAS_PHA;
#define OPENSSL_VERSION_NUMBER ...
#define OPENSSL_INIT_LOAD_SSL_STRINGS ...
#define OPENSSL_INIT_LOAD_CRYPTO_STRINGS ...

#define SSL_ERROR_NONE ...
#define SSL_ERROR_SSL ...
#define SSL_ERROR_WANT_READ ...
#define SSL_ERROR_WANT_WRITE ...
#define SSL_ERROR_SYSCALL ...
#define SSL_ERROR_ZERO_RETURN ...

#define SSL_VERIFY_NONE ...
#define SSL_VERIFY_PEER ...
#define SSL_VERIFY_FAIL_IF_NO_PEER_CERT ...
#define SSL_VERIFY_POST_HANDSHAKE ...

#define SSL_FILETYPE_PEM ...

#define SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER ...
#define SSL_MODE_AUTO_RETRY ...

#define SSL_RECEIVED_SHUTDOWN ...

#define SSL_OP_ALL ...
#define SSL_OP_NO_SSLv2 ...
#define SSL_OP_NO_SSLv3 ...
#define SSL_OP_NO_TLSv1 ...
#define SSL_OP_NO_TLSv1_1 ...
#define SSL_OP_NO_TLSv1_2 ...
#define SSL_OP_NO_TLSv1_3 ...
#define SSL_OP_NO_COMPRESSION ...
#define SSL_OP_NO_TICKET ...
#define SSL_OP_CIPHER_SERVER_PREFERENCE ...
#define SSL_OP_SINGLE_DH_USE ...
#define SSL_OP_SINGLE_ECDH_USE ...
#define SSL_OP_NO_RENEGOTIATION ...
#define SSL_OP_ENABLE_MIDDLEBOX_COMPAT ...
#define SSL_OP_IGNORE_UNEXPECTED_EOF ...
#define SSL_OP_LEGACY_SERVER_CONNECT ...

#define TLS1_VERSION ...
#define TLS1_1_VERSION ...
#define TLS1_2_VERSION ...
#define TLS1_3_VERSION ...

#define SSL_R_CERTIFICATE_VERIFY_FAILED ...
#define SSL_R_UNEXPECTED_EOF_WHILE_READING ...

#define TLSEXT_NAMETYPE_host_name ...
#define SSL_TLSEXT_ERR_OK ...
#define SSL_TLSEXT_ERR_ALERT_FATAL ...
#define SSL_AD_INTERNAL_ERROR ...
#define SSL_AD_HANDSHAKE_FAILURE ...
#define NID_undef ...
#define CFFISOCK_SSL_HANDSHAKE ...
#define CFFISOCK_SSL_READ ...
#define CFFISOCK_SSL_WRITE ...
#define CFFISOCK_SSL_SHUTDOWN ...
""" + SSL_STRUCTS

FUNCTIONS = """
int SSL_CTX_set_num_tickets(SSL_CTX *, size_t);
size_t SSL_CTX_get_num_tickets(const SSL_CTX *);
int SSL_CTX_get_security_level(const SSL_CTX *);
int SSL_CTX_set1_groups(SSL_CTX *, int *, int);
int OPENSSL_init_ssl(uint64_t, const void *);
void OPENSSL_thread_stop(void);
const char *OpenSSL_version(int);
unsigned long OpenSSL_version_num(void);

const SSL_METHOD *TLS_client_method(void);
const SSL_METHOD *TLS_server_method(void);
const SSL_METHOD *TLS_method(void);

SSL_CTX *SSL_CTX_new(const SSL_METHOD *);
void SSL_CTX_free(SSL_CTX *);
uint64_t SSL_CTX_set_options(SSL_CTX *, uint64_t);
uint64_t SSL_CTX_clear_options(SSL_CTX *, uint64_t);
uint64_t SSL_CTX_get_options(const SSL_CTX *);
long SSL_CTX_set_mode(SSL_CTX *, long);
void SSL_CTX_set_verify(SSL_CTX *, int, void *);
int SSL_CTX_get_verify_mode(const SSL_CTX *);
int SSL_CTX_set_min_proto_version(SSL_CTX *, int);
int SSL_CTX_set_max_proto_version(SSL_CTX *, int);
int SSL_CTX_get_min_proto_version(SSL_CTX *);
int SSL_CTX_get_max_proto_version(SSL_CTX *);
int SSL_CTX_use_certificate_chain_file(SSL_CTX *, const char *);
int SSL_CTX_use_PrivateKey_file(SSL_CTX *, const char *, int);
int SSL_CTX_check_private_key(const SSL_CTX *);
void SSL_CTX_set_default_passwd_cb_userdata(SSL_CTX *, void *);
int SSL_CTX_load_verify_locations(SSL_CTX *, const char *, const char *);
int SSL_CTX_set_default_verify_paths(SSL_CTX *);
int SSL_CTX_set_cipher_list(SSL_CTX *, const char *);
OPENSSL_STACK *cffisock_SSL_CTX_get_ciphers(const SSL_CTX *);
int SSL_CTX_set_alpn_protos(SSL_CTX *, const unsigned char *, unsigned int);
X509_VERIFY_PARAM *SSL_CTX_get0_param(SSL_CTX *);
long SSL_CTX_sess_number(SSL_CTX *);
long SSL_CTX_sess_connect(SSL_CTX *);
long SSL_CTX_sess_connect_good(SSL_CTX *);
long SSL_CTX_sess_connect_renegotiate(SSL_CTX *);
long SSL_CTX_sess_accept(SSL_CTX *);
long SSL_CTX_sess_accept_good(SSL_CTX *);
long SSL_CTX_sess_accept_renegotiate(SSL_CTX *);
long SSL_CTX_sess_hits(SSL_CTX *);
long SSL_CTX_sess_misses(SSL_CTX *);
long SSL_CTX_sess_timeouts(SSL_CTX *);
long SSL_CTX_sess_cache_full(SSL_CTX *);
void cffisock_set_alpn_select(SSL_CTX *, struct cffisock_alpn *);

SSL *SSL_new(SSL_CTX *);
void SSL_free(SSL *);
int SSL_set_fd(SSL *, int);
void SSL_set_bio(SSL *, BIO *, BIO *);
void SSL_set_connect_state(SSL *);
void SSL_set_accept_state(SSL *);
long SSL_set_mode(SSL *, long);
long SSL_set_tlsext_host_name(SSL *, const char *);
X509_VERIFY_PARAM *SSL_get0_param(SSL *);
size_t SSL_pending(const SSL *);
const char *SSL_get_version(const SSL *);
const SSL_CIPHER *SSL_get_current_cipher(const SSL *);
const char *SSL_CIPHER_get_name(const SSL_CIPHER *);
const char *SSL_CIPHER_get_version(const SSL_CIPHER *);
int SSL_CIPHER_get_bits(const SSL_CIPHER *, int *);
void SSL_get0_alpn_selected(const SSL *, const unsigned char **, unsigned int *);
long SSL_get_verify_result(const SSL *);
X509 *SSL_get1_peer_certificate(const SSL *);
OPENSSL_STACK *cffisock_SSL_get_peer_cert_chain(const SSL *);
OPENSSL_STACK *cffisock_SSL_get0_verified_chain(const SSL *);
SSL_SESSION *SSL_get0_session(const SSL *);
SSL_SESSION *SSL_SESSION_dup(const SSL_SESSION *);
int SSL_set_session(SSL *, SSL_SESSION *);
void SSL_SESSION_free(SSL_SESSION *);
int SSL_session_reused(const SSL *);
int SSL_is_init_finished(const SSL *);
int SSL_set_session_id_context(SSL *, const unsigned char *, unsigned int);
int SSL_verify_client_post_handshake(SSL *);
void SSL_set_post_handshake_auth(SSL *, int);
const char *SSL_get_servername(const SSL *, const int);

OPENSSL_STACK *cffisock_SSL_get_client_ciphers(const SSL *);
uint32_t SSL_CIPHER_get_id(const SSL_CIPHER *);
char *SSL_CIPHER_description(const SSL_CIPHER *, char *, int);
int SSL_CIPHER_is_aead(const SSL_CIPHER *);
int SSL_CIPHER_get_cipher_nid(const SSL_CIPHER *);
int SSL_CIPHER_get_digest_nid(const SSL_CIPHER *);
int SSL_CIPHER_get_kx_nid(const SSL_CIPHER *);
int SSL_CIPHER_get_auth_nid(const SSL_CIPHER *);
size_t SSL_get_finished(const SSL *, void *, size_t);
size_t SSL_get_peer_finished(const SSL *, void *, size_t);
const unsigned char *SSL_SESSION_get_id(const SSL_SESSION *, unsigned int *);
long SSL_SESSION_get_time(const SSL_SESSION *);
int SSL_get_shutdown(const SSL *);
long SSL_SESSION_get_timeout(const SSL_SESSION *);
int SSL_SESSION_has_ticket(const SSL_SESSION *);
unsigned long SSL_SESSION_get_ticket_lifetime_hint(const SSL_SESSION *);
void cffisock_set_password_callback(SSL_CTX *, int enabled);

extern "Python" int cffisock_password_python(char *, int, int, void *);
SSL_CTX *SSL_set_SSL_CTX(SSL *, SSL_CTX *);
int SSL_set_app_data(SSL *, void *);
void *SSL_get_app_data(const SSL *);
void cffisock_set_keylog_file(SSL_CTX *, const char *path);
void cffisock_set_sni_callback(SSL_CTX *, int enabled);

extern "Python" int cffisock_sni_python(SSL *, int *);

ssize_t cffisock_ssl_io(SSL *ssl, int operation, void *buffer, size_t size,
                        struct cffisock_ssl_outcome *outcome);
"""

CUSTOMIZATIONS = SSL_STRUCTS + OPERATIONS + """
/* What this OpenSSL build can negotiate (the ssl module's HAS_* flags). */
#ifdef OPENSSL_NO_SSL3
static const int CFFISOCK_HAS_SSLv3 = 0;
#else
static const int CFFISOCK_HAS_SSLv3 = 1;
#endif
#ifdef OPENSSL_NO_TLS1
static const int CFFISOCK_HAS_TLSv1 = 0;
#else
static const int CFFISOCK_HAS_TLSv1 = 1;
#endif
#ifdef OPENSSL_NO_TLS1_1
static const int CFFISOCK_HAS_TLSv1_1 = 0;
#else
static const int CFFISOCK_HAS_TLSv1_1 = 1;
#endif
#ifdef OPENSSL_NO_EC
static const int CFFISOCK_HAS_ECDH = 0;
#else
static const int CFFISOCK_HAS_ECDH = 1;
#endif
/* TLS 1.3 post-handshake client authentication (absent from some forks). */
#if defined(TLS1_3_VERSION) && defined(SSL_VERIFY_POST_HANDSHAKE)
static const int CFFISOCK_HAS_PHA = 1;
#else
static const int CFFISOCK_HAS_PHA = 0;
#endif

/* The STACK_OF(...) accessors, through the generic stack type. */
static OPENSSL_STACK *cffisock_SSL_CTX_get_ciphers(const SSL_CTX *ctx)
{
    return (OPENSSL_STACK *)SSL_CTX_get_ciphers(ctx);
}
static OPENSSL_STACK *cffisock_SSL_get_peer_cert_chain(const SSL *ssl)
{
    return (OPENSSL_STACK *)SSL_get_peer_cert_chain(ssl);
}
static OPENSSL_STACK *cffisock_SSL_get0_verified_chain(const SSL *ssl)
{
    return (OPENSSL_STACK *)SSL_get0_verified_chain(ssl);
}

static OPENSSL_STACK *cffisock_SSL_get_client_ciphers(const SSL *ssl)
{
    return (OPENSSL_STACK *)SSL_get_client_ciphers(ssl);
}

/* keylog_filename: OpenSSL hands each key line to this callback, which
   appends it to the file named by the context's app data (a path the
   Python SSLContext owns), in the NSS key log format. */
static void cffisock_keylog_line(const SSL *ssl, const char *line)
{
    const char *path = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
    FILE *file;
    if (path == NULL)
        return;
    file = fopen(path, "a");
    if (file == NULL)
        return;
    fprintf(file, "%s\\n", line);
    fclose(file);
}

static void cffisock_set_keylog_file(SSL_CTX *ctx, const char *path)
{
    SSL_CTX_set_app_data(ctx, (void *)path);
    SSL_CTX_set_keylog_callback(ctx, path == NULL ? NULL : cffisock_keylog_line);
}

/* sni_callback: the server name callback calls into Python (extern
   "Python"), which finds its connection through the SSL's app data. */
static int cffisock_sni_python(SSL *, int *);

static int cffisock_sni_c(SSL *ssl, int *alert, void *unused)
{
    (void)unused;
    return cffisock_sni_python(ssl, alert);
}

static void cffisock_set_sni_callback(SSL_CTX *ctx, int enabled)
{
    SSL_CTX_callback_ctrl(ctx, SSL_CTRL_SET_TLSEXT_SERVERNAME_CB,
                          enabled ? (void (*)(void))cffisock_sni_c : NULL);
}

/* load_cert_chain's password: OpenSSL asks (extern "Python") only when the
   key is encrypted. */
static int cffisock_password_python(char *, int, int, void *);

static void cffisock_set_password_callback(SSL_CTX *ctx, int enabled)
{
    SSL_CTX_set_default_passwd_cb(ctx, enabled ? cffisock_password_python : NULL);
}

/* One TLS operation with its outcome read together: the error queue is
   emptied before the call (SSL_get_error needs it empty; clearing costs
   more than looking, so only a queue that holds something is cleared);
   after a call that did not succeed, errno, SSL_get_error and the last
   queued error are read into *outcome before anything else can run (and
   the queue is left empty).  operation: CFFISOCK_SSL_HANDSHAKE, _READ,
   _WRITE or _SHUTDOWN.  Returns the byte count of a read or write that succeeded
   (*outcome untouched, except that a write of 0 bytes sets its ssl_error
   to SSL_ERROR_NONE: its 0 is not a failure), else what OpenSSL's call
   returned (1 for a finished handshake or shutdown, *outcome untouched;
   0 for a shutdown half done, <= 0 for a failure the outcome describes). */
static ssize_t cffisock_ssl_io(SSL *ssl, int operation, void *buffer, size_t size,
                               struct cffisock_ssl_outcome *outcome)
{
    int result;
    size_t done = 0;
    if (ERR_peek_error() != 0)
        ERR_clear_error();
    errno = 0;
    switch (operation) {
    case CFFISOCK_SSL_HANDSHAKE: result = SSL_do_handshake(ssl); break;
    case CFFISOCK_SSL_READ: result = SSL_read_ex(ssl, buffer, size, &done); break;
    case CFFISOCK_SSL_WRITE: result = SSL_write_ex(ssl, buffer, size, &done); break;
    default: result = SSL_shutdown(ssl); break;
    }
    if (result > 0) {
        if (operation == CFFISOCK_SSL_HANDSHAKE || operation == CFFISOCK_SSL_SHUTDOWN)
            return result;
        if (done == 0)
            outcome->ssl_error = SSL_ERROR_NONE;
        return (ssize_t)done;
    }
    outcome->system_errno = errno;
    outcome->ssl_error = SSL_get_error(ssl, result);
    outcome->error_code = ERR_peek_last_error();
    if (outcome->error_code)
        ERR_clear_error();
    return result;
}

/* Server-side ALPN: choose from the context's list (wire format) with
   SSL_select_next_proto; the struct and the list are owned by the Python
   SSLContext, which outlives every connection made from it. */

static int cffisock_alpn_select_cb(SSL *ssl, const unsigned char **out,
                                   unsigned char *outlen,
                                   const unsigned char *client,
                                   unsigned int client_length, void *arg)
{
    const struct cffisock_alpn *ours = arg;
    unsigned char *selected;
    if (ours == NULL || ours->length == 0)
        return SSL_TLSEXT_ERR_NOACK;
    if (SSL_select_next_proto(&selected, outlen, ours->protocols, ours->length,
                              client, client_length) != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK;  /* no overlap: on without ALPN, as the stdlib */
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
}

static void cffisock_set_alpn_select(SSL_CTX *ctx, struct cffisock_alpn *ours)
{
    SSL_CTX_set_alpn_select_cb(ctx, cffisock_alpn_select_cb, ours);
}
"""
