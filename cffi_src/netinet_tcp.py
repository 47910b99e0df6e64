"""<netinet/tcp.h>: TCP_NODELAY (the other TCP_ options are in constants.py)."""

INCLUDES = """
#include <netinet/tcp.h>
"""

TYPES = """
#define TCP_NODELAY ...
"""

FUNCTIONS = ""

CUSTOMIZATIONS = ""
