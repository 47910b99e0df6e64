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
int getaddrinfo(const char *, const char *, const struct addrinfo *,
                struct addrinfo **);
void freeaddrinfo(struct addrinfo *);
const char *gai_strerror(int);
"""

CUSTOMIZATIONS = ""
