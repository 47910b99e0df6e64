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

struct hostent {
    char *h_name;
    char **h_aliases;
    int h_addrtype;
    int h_length;
    char **h_addr_list;
    ...;
};

struct protoent {
    char *p_name;
    char **p_aliases;
    int p_proto;
    ...;
};

struct servent {
    char *s_name;
    char **s_aliases;
    int s_port;
    char *s_proto;
    ...;
};

#define AI_PASSIVE ...
#define AI_NUMERICHOST ...
#define EAI_SYSTEM ...
#define NI_MAXHOST ...
#define NI_MAXSERV ...
#define ERANGE ...
"""

FUNCTIONS = """
int cffisock_getaddrinfo(const char *, const char *, const struct addrinfo *,
                         struct addrinfo **, int *);
void freeaddrinfo(struct addrinfo *);
const char *gai_strerror(int);
int cffisock_getnameinfo(const void *, socklen_t, char *, socklen_t, char *,
                         socklen_t, int, int *);
const char *hstrerror(int);

/* The reentrant lookups: they return 0 or an errno value (ERANGE: the
   buffer is too small) and set *result to NULL when nothing was found. */
int gethostbyname_r(const char *, struct hostent *, char *, size_t,
                    struct hostent **, int *);
int gethostbyaddr_r(const void *, socklen_t, int, struct hostent *, char *,
                    size_t, struct hostent **, int *);
int getprotobyname_r(const char *, struct protoent *, char *, size_t,
                     struct protoent **);
int getservbyname_r(const char *, const char *, struct servent *, char *,
                    size_t, struct servent **);
int getservbyport_r(int, const char *, struct servent *, char *, size_t,
                    struct servent **);
"""

# getaddrinfo() and getnameinfo() with errno captured beside an EAI_SYSTEM
# result.
CUSTOMIZATIONS = """
static int cffisock_getnameinfo(const void *address, socklen_t length,
                                char *host, socklen_t host_size,
                                char *service, socklen_t service_size,
                                int flags, int *system_errno)
{
    int code = getnameinfo((const struct sockaddr *)address, length, host,
                           host_size, service, service_size, flags);
    *system_errno = code == EAI_SYSTEM ? errno : 0;
    return code;
}

static int cffisock_getaddrinfo(const char *node, const char *service,
                                const struct addrinfo *hints,
                                struct addrinfo **result, int *system_errno)
{
    int code = getaddrinfo(node, service, hints, result);
    *system_errno = code == EAI_SYSTEM ? errno : 0;
    return code;
}
"""
