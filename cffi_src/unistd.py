INCLUDES = """
#include <unistd.h>
"""

TYPES = ""

FUNCTIONS = """
int close(int);
int gethostname(char *, size_t);
"""

CUSTOMIZATIONS = ""
