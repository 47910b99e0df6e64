"""<openssl/rand.h>: OpenSSL's random generator (RAND_status, RAND_bytes,
RAND_add)."""

INCLUDES = """
#include <openssl/rand.h>
"""

TYPES = ""

FUNCTIONS = """
int RAND_status(void);
int RAND_bytes(unsigned char *, int);
void RAND_add(const void *, int, double);
"""

CUSTOMIZATIONS = ""
