"""<unistd.h>: close, gethostname and sethostname."""

from cffi_src import errno_wrappers

INCLUDES = """
#include <unistd.h>
"""

TYPES = ""

FUNCTIONS, CUSTOMIZATIONS = errno_wrappers("""
int close(int fd);
int gethostname(char *name, size_t size);
int sethostname(const char *name, size_t size);
""")
