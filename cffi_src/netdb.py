"""<netdb.h>: getaddrinfo (its list flattened in C), getnameinfo, the
reentrant gethostby*_r, getservby*_r and getprotobyname_r."""

INCLUDES = """
#include <netdb.h>
"""

# getaddrinfo's list, flattened in C so that Python reads each entry with
# one struct.unpack: three ints, the numeric address (arpa_inet.py), then
# pointers, valid until the list is freed, for the rare rest (a canonical
# name, an address of another family).  The first entries come back inside
# the list itself.
ADDRESS_STRUCTS = """
struct cffisock_address_info {
    int socktype;
    int protocol;
    int has_canonname;
    struct cffisock_inet_address address;
    const char *canonname;
    const struct sockaddr *address_pointer;
    socklen_t address_length;
};

struct cffisock_address_list {
    struct addrinfo *first;
    int count;
    int system_errno;
    struct cffisock_address_info entries[4];
};
"""

TYPES = ADDRESS_STRUCTS + """
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
int cffisock_resolve(const char *, const char *, int, int, int, int,
                     struct cffisock_address_list *);
void cffisock_address_entries(const struct addrinfo *,
                              struct cffisock_address_info *);
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
CUSTOMIZATIONS = ADDRESS_STRUCTS + """
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

/* Flatten the list from ``entry`` into out[0], out[1], ... */
static void cffisock_address_entries(const struct addrinfo *entry,
                                     struct cffisock_address_info *out)
{
    for (; entry != NULL; entry = entry->ai_next, out++) {
        out->socktype = entry->ai_socktype;
        out->protocol = entry->ai_protocol;
        out->has_canonname = entry->ai_canonname != NULL;
        out->canonname = entry->ai_canonname;
        out->address_pointer = entry->ai_addr;
        out->address_length = entry->ai_addrlen;
        cffisock_inet_describe(entry->ai_addr, entry->ai_addrlen, &out->address);
    }
}

/* getaddrinfo() with its hints given as numbers.  On success list->first
   and list->count describe the result (free it with freeaddrinfo) and its
   first entries are flattened into list->entries. */
static int cffisock_resolve(const char *node, const char *service, int family,
                            int socktype, int protocol, int flags,
                            struct cffisock_address_list *list)
{
    struct addrinfo hints, *entry;
    int code;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = family;
    hints.ai_socktype = socktype;
    hints.ai_protocol = protocol;
    hints.ai_flags = flags;
    list->first = NULL;
    list->count = 0;
    code = cffisock_getaddrinfo(node, service, &hints, &list->first,
                                &list->system_errno);
    if (code != 0)
        return code;
    for (entry = list->first; entry != NULL; entry = entry->ai_next)
        list->count++;
    if (list->count <= (int)(sizeof(list->entries) / sizeof(list->entries[0])))
        cffisock_address_entries(list->first, list->entries);
    return 0;
}
"""
