INCLUDES = """
#include <arpa/inet.h>
"""

TYPES = ""

FUNCTIONS = """
int inet_aton(const char *, struct in_addr *);
int inet_pton(int, const char *, void *);
const char *inet_ntop(int, const void *, char *, socklen_t);
"""

CUSTOMIZATIONS = ""
