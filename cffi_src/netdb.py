INCLUDES = """
#include <netdb.h>
"""

TYPES = """
struct addrinfo {
    int ai_flags;
    int ai_family;
    int ai_socktype;
    int ai_protocol;
    socklen_t ai_addrlen;
    struct sockaddr *ai_addr;
    char *ai_canonname;
    struct addrinfo *ai_next;
    ...;
};

#define AI_PASSIVE ...
#define AI_NUMERICHOST ...
#define EAI_SYSTEM ...
"""

FUNCTIONS = """
int cffisock_getaddrinfo(const char *, const char *, const struct addrinfo *,
                         struct addrinfo **, int *);
void freeaddrinfo(struct addrinfo *);
const char *gai_strerror(int);
"""

# getaddrinfo() with errno captured beside an EAI_SYSTEM result.
CUSTOMIZATIONS = """
static int cffisock_getaddrinfo(const char *node, const char *service,
                                const struct addrinfo *hints,
                                struct addrinfo **result, int *system_errno)
{
    int code = getaddrinfo(node, service, hints, result);
    *system_errno = code == EAI_SYSTEM ? errno : 0;
    return code;
}
"""
