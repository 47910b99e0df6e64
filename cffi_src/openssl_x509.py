"""<openssl/x509.h>, x509v3.h and objects.h: certificates, names, the
verification parameters, ASN.1 objects, and helpers that read a store's
objects, subjectAltName entries and a certificate's URI lists."""

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
#define X509_V_FLAG_ALLOW_PROXY_CERTS ...
#define X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS ...
#define X509_CHECK_FLAG_NEVER_CHECK_SUBJECT ...
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
#define CFFISOCK_STORE_CERTIFICATE ...
#define CFFISOCK_STORE_CRL ...
#define CFFISOCK_URIS_OCSP ...
#define CFFISOCK_URIS_CA_ISSUERS ...
#define CFFISOCK_URIS_CRL_DISTRIBUTION_POINTS ...
"""

FUNCTIONS = """
int OBJ_sn2nid(const char *);
const char *X509_get_default_cert_file_env(void);
const char *X509_get_default_cert_file(void);
const char *X509_get_default_cert_dir_env(void);
const char *X509_get_default_cert_dir(void);
void X509_free(X509 *);
int i2d_X509(X509 *, unsigned char **);
X509 *d2i_X509_bio(BIO *, X509 **);
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
const char *OBJ_nid2sn(int);
int OBJ_obj2txt(char *, int, const ASN1_OBJECT *, int);
ASN1_OBJECT *OBJ_txt2obj(const char *, int);
ASN1_OBJECT *OBJ_nid2obj(int);
void ASN1_OBJECT_free(ASN1_OBJECT *);
int ASN1_STRING_to_UTF8(unsigned char **, const ASN1_STRING *);
int ASN1_TIME_print(BIO *, const ASN1_TIME *);
int i2a_ASN1_INTEGER(BIO *, const ASN1_INTEGER *);
void *X509_get_ext_d2i(const X509 *, int, int *, int *);

X509_STORE *SSL_CTX_get_cert_store(const SSL_CTX *);
int X509_STORE_add_cert(X509_STORE *, X509 *);
int X509_check_ca(X509 *);
int cffisock_store_size(X509_STORE *store);
int cffisock_store_object(X509_STORE *store, int i, X509 **certificate);
unsigned long X509_VERIFY_PARAM_get_flags(X509_VERIFY_PARAM *);
int X509_VERIFY_PARAM_set_flags(X509_VERIFY_PARAM *, unsigned long);
int X509_VERIFY_PARAM_clear_flags(X509_VERIFY_PARAM *, unsigned long);
int X509_VERIFY_PARAM_set1_host(X509_VERIFY_PARAM *, const char *, size_t);
int X509_VERIFY_PARAM_set1_ip_asc(X509_VERIFY_PARAM *, const char *);
void X509_VERIFY_PARAM_set_hostflags(X509_VERIFY_PARAM *, unsigned int);
unsigned int X509_VERIFY_PARAM_get_hostflags(const X509_VERIFY_PARAM *);
const char *X509_verify_cert_error_string(long);

int cffisock_general_name(OPENSSL_STACK *names, int i, int *type,
                          const unsigned char **data, int *length,
                          X509_NAME **directory, ASN1_OBJECT **object);
void cffisock_GENERAL_NAMES_free(OPENSSL_STACK *names);
int cffisock_certificate_uris(X509 *certificate, int kind, BIO *out);
"""

# A GENERAL_NAME is a tagged union; this helper reads one entry of a
# GENERAL_NAMES stack without declaring the union's layout in the cdef.
CUSTOMIZATIONS = """
/* What cffisock_store_object says an object of a certificate store is
   (cert_store_stats, get_ca_certs), and the URI lists of a certificate
   that cffisock_certificate_uris reads (getpeercert). */
#define CFFISOCK_STORE_CERTIFICATE 1
#define CFFISOCK_STORE_CRL 2
#define CFFISOCK_URIS_OCSP 0
#define CFFISOCK_URIS_CA_ISSUERS 1
#define CFFISOCK_URIS_CRL_DISTRIBUTION_POINTS 2

/* A certificate store's objects: cffisock_store_object gives
   CFFISOCK_STORE_CERTIFICATE and the certificate (owned by the store) for
   a certificate, CFFISOCK_STORE_CRL for a CRL, 0 for anything else. */
static int cffisock_store_size(X509_STORE *store)
{
    return sk_X509_OBJECT_num(X509_STORE_get0_objects(store));
}

static int cffisock_store_object(X509_STORE *store, int i, X509 **certificate)
{
    X509_OBJECT *object = sk_X509_OBJECT_value(X509_STORE_get0_objects(store), i);
    switch (X509_OBJECT_get_type(object)) {
    case X509_LU_X509:
        *certificate = X509_OBJECT_get0_X509(object);
        return CFFISOCK_STORE_CERTIFICATE;
    case X509_LU_CRL:
        return CFFISOCK_STORE_CRL;
    default:
        return 0;
    }
}

static void cffisock_GENERAL_NAMES_free(OPENSSL_STACK *names)
{
    GENERAL_NAMES_free((GENERAL_NAMES *)names);
}

static void cffisock_write_uri(const GENERAL_NAME *name, BIO *out, int *count)
{
    if (name->type == GEN_URI) {
        BIO_write(out, ASN1_STRING_get0_data(name->d.uniformResourceIdentifier),
                  ASN1_STRING_length(name->d.uniformResourceIdentifier));
        BIO_write(out, "\\n", 1);
        (*count)++;
    }
}

/* The URIs of a certificate's authority information access (kind
   CFFISOCK_URIS_OCSP or _CA_ISSUERS) or CRL distribution points
   (CFFISOCK_URIS_CRL_DISTRIBUTION_POINTS), one a line in out; returns how
   many, or -1 if the certificate has no such extension. */
static int cffisock_certificate_uris(X509 *certificate, int kind, BIO *out)
{
    int count = 0;
    int i, j;
    if (kind == CFFISOCK_URIS_CRL_DISTRIBUTION_POINTS) {
        STACK_OF(DIST_POINT) *points = X509_get_ext_d2i(
            certificate, NID_crl_distribution_points, NULL, NULL);
        if (points == NULL)
            return -1;
        for (i = 0; i < sk_DIST_POINT_num(points); i++) {
            DIST_POINT *point = sk_DIST_POINT_value(points, i);
            if (point->distpoint == NULL || point->distpoint->type != 0)
                continue;
            for (j = 0; j < sk_GENERAL_NAME_num(point->distpoint->name.fullname); j++)
                cffisock_write_uri(sk_GENERAL_NAME_value(
                    point->distpoint->name.fullname, j), out, &count);
        }
        CRL_DIST_POINTS_free(points);
        return count;
    }
    {
        AUTHORITY_INFO_ACCESS *access = X509_get_ext_d2i(
            certificate, NID_info_access, NULL, NULL);
        int wanted = kind == CFFISOCK_URIS_OCSP ? NID_ad_OCSP : NID_ad_ca_issuers;
        if (access == NULL)
            return -1;
        for (i = 0; i < sk_ACCESS_DESCRIPTION_num(access); i++) {
            ACCESS_DESCRIPTION *description = sk_ACCESS_DESCRIPTION_value(access, i);
            if (OBJ_obj2nid(description->method) == wanted)
                cffisock_write_uri(description->location, out, &count);
        }
        AUTHORITY_INFO_ACCESS_free(access);
        return count;
    }
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
