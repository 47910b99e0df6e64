"""<sys/socket.h> and <sys/sendfile.h>: the socket system calls, each through a
generated cffisock_ wrapper that returns -errno, and the CMSG_ helpers."""

from cffi_src import errno_wrappers

INCLUDES = """
#include <string.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/sendfile.h>
"""

TYPES = """
typedef int... socklen_t;
typedef int... off_t;
typedef int... sa_family_t;

struct sockaddr {
    sa_family_t sa_family;
    ...;
};

struct sockaddr_storage {
    sa_family_t ss_family;
    ...;
};

struct iovec {
    void *iov_base;
    size_t iov_len;
};

struct msghdr {
    void *msg_name;
    socklen_t msg_namelen;
    struct iovec *msg_iov;
    size_t msg_iovlen;
    void *msg_control;
    size_t msg_controllen;
    int msg_flags;
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
#define SO_PROTOCOL ...
#define AF_UNSPEC ...
#define AF_UNIX ...
#define AF_INET ...
#define AF_INET6 ...
#define SOCK_STREAM ...
#define SOCK_DGRAM ...
#define SOMAXCONN ...
#define MSG_CMSG_CLOEXEC ...
#define SCM_RIGHTS ...
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
int shutdown(int fd, int how);
int getsockname(int fd, void *address, socklen_t *length);
int getpeername(int fd, void *address, socklen_t *length);
int getsockopt(int fd, int level, int name, void *value, socklen_t *length);
int setsockopt(int fd, int level, int name, const void *value, socklen_t length);
ssize_t send(int fd, const void *data, size_t size, int flags);
ssize_t sendto(int fd, const void *data, size_t size, int flags, const void *address, socklen_t length);
ssize_t recv(int fd, void *buffer, size_t size, int flags);
ssize_t sendmsg(int fd, const struct msghdr *message, int flags);
ssize_t recvmsg(int fd, struct msghdr *message, int flags);
ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count);
""")

FUNCTIONS += """
size_t cffisock_cmsg_len(size_t length);
size_t cffisock_cmsg_space(size_t length);
int cffisock_cmsg_put(struct msghdr *message, int index, int level, int type,
                      const void *data, size_t length);
int cffisock_cmsg_get(struct msghdr *message, int index, int *level, int *type,
                      const unsigned char **data, size_t *length);
"""

# Control messages are laid out and walked only with the CMSG_ macros: these
# helpers do it in C.  cffisock_cmsg_put writes control message ``index``
# (the buffer must hold CMSG_SPACE of every message before it); both return
# -1 when there is no such message.
CUSTOMIZATIONS += """
static size_t cffisock_cmsg_len(size_t length) { return CMSG_LEN(length); }
static size_t cffisock_cmsg_space(size_t length) { return CMSG_SPACE(length); }

static struct cmsghdr *cffisock_cmsg_at(struct msghdr *message, int index)
{
    struct cmsghdr *header = CMSG_FIRSTHDR(message);
    while (header != NULL && index-- > 0)
        header = CMSG_NXTHDR(message, header);
    return header;
}

static int cffisock_cmsg_put(struct msghdr *message, int index, int level, int type,
                             const void *data, size_t length)
{
    struct cmsghdr *header = cffisock_cmsg_at(message, index);
    if (header == NULL)
        return -1;
    header->cmsg_level = level;
    header->cmsg_type = type;
    header->cmsg_len = CMSG_LEN(length);
    memcpy(CMSG_DATA(header), data, length);
    return 0;
}

static int cffisock_cmsg_get(struct msghdr *message, int index, int *level, int *type,
                             const unsigned char **data, size_t *length)
{
    struct cmsghdr *header = cffisock_cmsg_at(message, index);
    size_t available;
    if (header == NULL)
        return -1;
    *level = header->cmsg_level;
    *type = header->cmsg_type;
    *data = CMSG_DATA(header);
    /* A truncated last message may claim more than the buffer holds. */
    available = (size_t)((unsigned char *)message->msg_control
                         + message->msg_controllen - CMSG_DATA(header));
    *length = header->cmsg_len - CMSG_LEN(0);
    if (*length > available)
        *length = available;
    return 0;
}
"""
