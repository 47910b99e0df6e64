"""Opaque OpenSSL types shared by the ssl.h, x509*.h, bio.h, pem.h and
evp.h declarations (and OpenSSL's generic stack, used for STACK_OF(...))."""

INCLUDES = """
#include <openssl/ssl.h>
#include <openssl/x509.h>
"""

TYPES = """
typedef ... SSL_METHOD;
typedef ... SSL_CTX;
typedef ... SSL;
typedef ... SSL_CIPHER;
typedef ... SSL_SESSION;
typedef ... X509;
typedef ... X509_NAME;
typedef ... X509_NAME_ENTRY;
typedef ... X509_STORE;
typedef ... X509_VERIFY_PARAM;
typedef ... X509_EXTENSION;
typedef ... ASN1_OBJECT;
typedef ... ASN1_STRING;
typedef ... ASN1_INTEGER;
typedef ... ASN1_TIME;
typedef ... BIO;
typedef ... BIO_METHOD;
typedef ... EVP_PKEY;
typedef ... OPENSSL_STACK;
typedef ... GENERAL_NAME;
"""

FUNCTIONS = """
int OPENSSL_sk_num(const OPENSSL_STACK *);
void *OPENSSL_sk_value(const OPENSSL_STACK *, int);
void OPENSSL_free(void *);
"""

CUSTOMIZATIONS = ""
