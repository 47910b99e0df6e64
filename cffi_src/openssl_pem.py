"""<openssl/pem.h>: reading PEM certificates (cadata)."""

INCLUDES = """
#include <openssl/pem.h>
"""

TYPES = ""

FUNCTIONS = """
X509 *PEM_read_bio_X509(BIO *, X509 **, void *, void *);
"""

CUSTOMIZATIONS = ""
