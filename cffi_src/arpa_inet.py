"""<arpa/inet.h>: inet_aton/inet_pton/inet_ntop, and cffisock_inet_describe, which
writes an address's numeric form into a struct Python reads in one unpack."""

INCLUDES = """
#include <string.h>
#include <arpa/inet.h>
"""

# The numeric form of a socket address, filled in C so that Python reads it
# with one struct.unpack (see cffisock/_address.py, INET_ADDRESS): the port
# in host byte order and, for AF_INET and AF_INET6, the host as a Pascal
# string (a length byte, then the inet_ntop text); other families keep only
# ``family`` and leave the rest zero.
INET_ADDRESS_STRUCT = """
struct cffisock_inet_address {
    int family;
    int port;
    unsigned int flowinfo;
    unsigned int scope_id;
    unsigned char host[64];
};
"""

TYPES = INET_ADDRESS_STRUCT

FUNCTIONS = """
int inet_aton(const char *, struct in_addr *);
int inet_pton(int, const char *, void *);
const char *inet_ntop(int, const void *, char *, socklen_t);
int cffisock_inet_describe(const void *, socklen_t, struct cffisock_inet_address *);
"""

# Returns 1 when the address was an AF_INET or AF_INET6 one (and described),
# else 0.
CUSTOMIZATIONS = INET_ADDRESS_STRUCT + """
static int cffisock_inet_describe(const void *address, socklen_t length,
                                  struct cffisock_inet_address *out)
{
    const void *numeric = NULL;
    memset(out, 0, sizeof(*out));
    if (length < (socklen_t)sizeof(sa_family_t))
        return 0;
    out->family = ((const struct sockaddr *)address)->sa_family;
    if (out->family == AF_INET && length >= (socklen_t)sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *sin = address;
        out->port = ntohs(sin->sin_port);
        numeric = &sin->sin_addr;
    } else if (out->family == AF_INET6
               && length >= (socklen_t)sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *sin6 = address;
        out->port = ntohs(sin6->sin6_port);
        out->flowinfo = ntohl(sin6->sin6_flowinfo);
        out->scope_id = sin6->sin6_scope_id;
        numeric = &sin6->sin6_addr;
    }
    if (numeric == NULL || inet_ntop(out->family, numeric, (char *)out->host + 1,
                                     sizeof(out->host) - 1) == NULL)
        return 0;
    out->host[0] = (unsigned char)strlen((char *)out->host + 1);
    return 1;
}
"""
