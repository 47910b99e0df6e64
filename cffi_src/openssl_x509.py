INCLUDES = """
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <openssl/objects.h>
"""

TYPES = """
#define X509_V_OK ...
#define X509_V_ERR_HOSTNAME_MISMATCH ...
#define X509_V_ERR_IP_ADDRESS_MISMATCH ...
#define X509_V_FLAG_PARTIAL_CHAIN ...
#define X509_V_FLAG_X509_STRICT ...
#define X509_V_FLAG_CRL_CHECK ...
#define X509_V_FLAG_CRL_CHECK_ALL ...
#define X509_V_FLAG_TRUSTED_FIRST ...
#define X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS ...
#define NID_subject_alt_name ...
#define GEN_OTHERNAME ...
#define GEN_EMAIL ...
#define GEN_DNS ...
#define GEN_X400 ...
#define GEN_DIRNAME ...
#define GEN_EDIPARTY ...
#define GEN_URI ...
#define GEN_IPADD ...
#define GEN_RID ...
"""

FUNCTIONS = """
void X509_free(X509 *);
int X509_up_ref(X509 *);
int i2d_X509(X509 *, unsigned char **);
X509 *d2i_X509(X509 **, const unsigned char **, long);
X509_NAME *X509_get_subject_name(const X509 *);
X509_NAME *X509_get_issuer_name(const X509 *);
long X509_get_version(const X509 *);
ASN1_INTEGER *X509_get_serialNumber(X509 *);
const ASN1_TIME *X509_get0_notBefore(const X509 *);
const ASN1_TIME *X509_get0_notAfter(const X509 *);
int X509_NAME_entry_count(const X509_NAME *);
X509_NAME_ENTRY *X509_NAME_get_entry(const X509_NAME *, int);
int X509_NAME_ENTRY_set(const X509_NAME_ENTRY *);
ASN1_OBJECT *X509_NAME_ENTRY_get_object(const X509_NAME_ENTRY *);
ASN1_STRING *X509_NAME_ENTRY_get_data(const X509_NAME_ENTRY *);
int OBJ_obj2nid(const ASN1_OBJECT *);
const char *OBJ_nid2ln(int);
int OBJ_obj2txt(char *, int, const ASN1_OBJECT *, int);
int ASN1_STRING_to_UTF8(unsigned char **, const ASN1_STRING *);
int ASN1_TIME_print(BIO *, const ASN1_TIME *);
int i2a_ASN1_INTEGER(BIO *, const ASN1_INTEGER *);
void *X509_get_ext_d2i(const X509 *, int, int *, int *);

X509_STORE *SSL_CTX_get_cert_store(const SSL_CTX *);
int X509_STORE_add_cert(X509_STORE *, X509 *);
unsigned long X509_VERIFY_PARAM_get_flags(X509_VERIFY_PARAM *);
int X509_VERIFY_PARAM_set_flags(X509_VERIFY_PARAM *, unsigned long);
int X509_VERIFY_PARAM_clear_flags(X509_VERIFY_PARAM *, unsigned long);
int X509_VERIFY_PARAM_set1_host(X509_VERIFY_PARAM *, const char *, size_t);
int X509_VERIFY_PARAM_set1_ip_asc(X509_VERIFY_PARAM *, const char *);
void X509_VERIFY_PARAM_set_hostflags(X509_VERIFY_PARAM *, unsigned int);
const char *X509_verify_cert_error_string(long);

int cffisock_general_name(OPENSSL_STACK *names, int i, int *type,
                          const unsigned char **data, int *length,
                          X509_NAME **directory, ASN1_OBJECT **object);
void cffisock_GENERAL_NAMES_free(OPENSSL_STACK *names);
"""

# A GENERAL_NAME is a tagged union; this helper reads one entry of a
# GENERAL_NAMES stack without declaring the union's layout in the cdef.
CUSTOMIZATIONS = """
static void cffisock_GENERAL_NAMES_free(OPENSSL_STACK *names)
{
    GENERAL_NAMES_free((GENERAL_NAMES *)names);
}

static int cffisock_general_name(OPENSSL_STACK *names, int i, int *type,
                                 const unsigned char **data, int *length,
                                 X509_NAME **directory, ASN1_OBJECT **object)
{
    GENERAL_NAME *name = sk_GENERAL_NAME_value((GENERAL_NAMES *)names, i);
    ASN1_STRING *text = NULL;
    *type = name->type;
    *data = NULL;
    *length = 0;
    *directory = NULL;
    *object = NULL;
    switch (name->type) {
    case GEN_EMAIL: text = name->d.rfc822Name; break;
    case GEN_DNS: text = name->d.dNSName; break;
    case GEN_URI: text = name->d.uniformResourceIdentifier; break;
    case GEN_IPADD: text = name->d.iPAddress; break;
    case GEN_DIRNAME: *directory = name->d.directoryName; break;
    case GEN_RID: *object = name->d.registeredID; break;
    default: break;
    }
    if (text != NULL) {
        *data = ASN1_STRING_get0_data(text);
        *length = ASN1_STRING_length(text);
    }
    return 0;
}
"""
