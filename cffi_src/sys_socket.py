from cffi_src import errno_wrappers

INCLUDES = """
#include <sys/types.h>
#include <sys/socket.h>
"""

TYPES = """
typedef int... socklen_t;
typedef int... sa_family_t;

struct sockaddr {
    sa_family_t sa_family;
    ...;
};

struct sockaddr_storage {
    sa_family_t ss_family;
    ...;
};

struct linger {
    int l_onoff;
    int l_linger;
};

#define SOCK_CLOEXEC ...
#define SOCK_NONBLOCK ...
#define SOL_SOCKET ...
#define SO_ERROR ...
#define SO_TYPE ...
#define SO_DOMAIN ...
#define SO_PROTOCOL ...
#define AF_UNSPEC ...
#define AF_UNIX ...
#define AF_INET ...
#define AF_INET6 ...
#define SOCK_STREAM ...
#define SOCK_DGRAM ...
#define SOMAXCONN ...
"""

# Every call is made through a cffisock_ wrapper returning -errno on failure.
# Addresses are "void *" so that Python passes the cdata that owns the
# memory (a struct sockaddr_in, _in6, _un or _storage) and so keeps it alive
# for the call; a cast to "struct sockaddr *" would not own it.
FUNCTIONS, CUSTOMIZATIONS = errno_wrappers("""
int socket(int domain, int type, int protocol);
int socketpair(int domain, int type, int protocol, int fds[2]);
int bind(int fd, const void *address, socklen_t length);
int connect(int fd, const void *address, socklen_t length);
int listen(int fd, int backlog);
int accept4(int fd, void *address, socklen_t *length, int flags);
int shutdown(int fd, int how);
int getsockname(int fd, void *address, socklen_t *length);
int getpeername(int fd, void *address, socklen_t *length);
int getsockopt(int fd, int level, int name, void *value, socklen_t *length);
int setsockopt(int fd, int level, int name, const void *value, socklen_t length);
ssize_t send(int fd, const void *data, size_t size, int flags);
ssize_t sendto(int fd, const void *data, size_t size, int flags, const void *address, socklen_t length);
ssize_t recv(int fd, void *buffer, size_t size, int flags);
ssize_t recvfrom(int fd, void *buffer, size_t size, int flags, void *address, socklen_t *length);
""")
