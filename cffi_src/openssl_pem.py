"""<openssl/pem.h>: reading PEM certificates (cadata) and DH parameters
(load_dh_params)."""

INCLUDES = """
#include <errno.h>
#include <openssl/pem.h>
#include <openssl/evp.h>
#include <string.h>
"""

TYPES = ""

FUNCTIONS = """
X509 *PEM_read_bio_X509(BIO *, X509 **, void *, void *);
#define PEM_R_NO_START_LINE ...
#define ASN1_R_HEADER_TOO_LONG ...

int cffisock_load_dh_params(SSL_CTX *, const char *, int *);
"""

CUSTOMIZATIONS = """
/* The Diffie-Hellman parameters of the PEM file at ``path`` (a "DH
   PARAMETERS" block) become ``ctx``'s.  Returns 1; or 0 with *sys_errno
   set when the file could not be opened; or 0 with OpenSSL's queue
   holding the reason (PEM NO_START_LINE when the file has no DH
   parameters), as PEM_read_DHparams, deprecated in OpenSSL 3.0, would. */
static int cffisock_load_dh_params(SSL_CTX *ctx, const char *path, int *sys_errno)
{
    BIO *file;
    EVP_PKEY *params;
    unsigned char *der = NULL;
    const unsigned char *cursor;
    long length = 0;
    char *name = NULL;

    *sys_errno = 0;
    errno = 0;
    file = BIO_new_file(path, "r");
    if (file == NULL) {
        *sys_errno = errno;  /* 0: the reason is in the queue */
        return 0;
    }
    /* The block's bytes first (PEM NO_START_LINE if there is none), then
       its parameters: PKCS#3 or X9.42 as the block's name says. */
    if (!PEM_bytes_read_bio(&der, &length, &name, PEM_STRING_DHPARAMS, file, NULL, NULL)) {
        BIO_free(file);
        return 0;
    }
    BIO_free(file);
    cursor = der;
    params = d2i_KeyParams(strcmp(name, PEM_STRING_DHXPARAMS) == 0 ? EVP_PKEY_DHX : EVP_PKEY_DH,
                           NULL, &cursor, length);
    OPENSSL_free(der);
    OPENSSL_free(name);
    if (params == NULL)
        return 0;
    if (!SSL_CTX_set0_tmp_dh_pkey(ctx, params)) {
        EVP_PKEY_free(params);
        return 0;
    }
    return 1;
}
"""
