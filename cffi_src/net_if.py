"""<net/if.h>: if_nameindex, if_nametoindex and if_indextoname."""

INCLUDES = """
#include <net/if.h>
"""

TYPES = """
struct if_nameindex {
    unsigned int if_index;
    char *if_name;
    ...;
};

#define IF_NAMESIZE ...
"""

FUNCTIONS = """
int cffisock_if_nametoindex(const char *name);
int cffisock_if_indextoname(unsigned int index, char *name);
struct if_nameindex *cffisock_if_nameindex(int *error);
void if_freenameindex(struct if_nameindex *);
"""

# The if_* calls signal failure with 0 or NULL and errno: these wrappers
# return -errno (or store it) instead, read beside the call.
CUSTOMIZATIONS = """
static int cffisock_if_nametoindex(const char *name)
{
    unsigned int index = if_nametoindex(name);
    if (index == 0)
        return errno ? -errno : -ENODEV;
    return (int)index;
}

static int cffisock_if_indextoname(unsigned int index, char *name)
{
    return if_indextoname(index, name) == NULL ? -errno : 0;
}

static struct if_nameindex *cffisock_if_nameindex(int *error)
{
    struct if_nameindex *names = if_nameindex();
    *error = names == NULL ? errno : 0;
    return names;
}
"""
