"""<netinet/in.h>: the AF_INET and AF_INET6 address structs and byte-order
functions."""

INCLUDES = """
#include <netinet/in.h>
"""

TYPES = """
typedef int... in_port_t;
typedef int... in_addr_t;

struct in_addr {
    in_addr_t s_addr;
};

struct in6_addr {
    unsigned char s6_addr[16];
    ...;
};

struct sockaddr_in {
    sa_family_t sin_family;
    in_port_t sin_port;
    struct in_addr sin_addr;
    ...;
};

struct sockaddr_in6 {
    sa_family_t sin6_family;
    in_port_t sin6_port;
    uint32_t sin6_flowinfo;
    struct in6_addr sin6_addr;
    uint32_t sin6_scope_id;
    ...;
};

#define INET6_ADDRSTRLEN ...
#define INADDR_ANY ...
#define INADDR_BROADCAST ...
#define IPPROTO_IPV6 ...
#define IPV6_V6ONLY ...
"""

FUNCTIONS = """
uint16_t htons(uint16_t);
uint16_t ntohs(uint16_t);
uint32_t htonl(uint32_t);
uint32_t ntohl(uint32_t);
"""

CUSTOMIZATIONS = ""
