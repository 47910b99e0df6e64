"""<openssl/bio.h>: memory BIOs (MemoryBIO, reading PEM text and
certificate fields)."""

INCLUDES = """
#include <openssl/bio.h>
"""

TYPES = ""

FUNCTIONS = """
BIO *BIO_new(const BIO_METHOD *);
const BIO_METHOD *BIO_s_mem(void);
BIO *BIO_new_mem_buf(const void *, int);
int BIO_free(BIO *);
int BIO_up_ref(BIO *);
int BIO_read(BIO *, void *, int);
int BIO_write(BIO *, const void *, int);
size_t BIO_ctrl_pending(BIO *);
int BIO_set_mem_eof_return(BIO *, int);
"""

CUSTOMIZATIONS = ""
