"""<linux/netlink.h>: struct sockaddr_nl (AF_NETLINK addresses)."""

INCLUDES = """
#include <linux/netlink.h>
"""

TYPES = """
#define AF_NETLINK ...
struct sockaddr_nl {
    sa_family_t nl_family;
    unsigned int nl_pid;
    unsigned int nl_groups;
    ...;
};
"""

FUNCTIONS = ""

CUSTOMIZATIONS = ""
