INCLUDES = """
#include <netinet/tcp.h>
"""

TYPES = """
#define TCP_NODELAY ...
"""

FUNCTIONS = ""

CUSTOMIZATIONS = ""
