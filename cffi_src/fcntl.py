INCLUDES = """
#include <fcntl.h>
"""

TYPES = ""

FUNCTIONS = """
int cffisock_set_nonblocking(int fd, int nonblocking);
int cffisock_get_inheritable(int fd);
int cffisock_set_inheritable(int fd, int inheritable);
int cffisock_dup(int fd);
"""

# fcntl() is variadic; these fixed-signature wrappers keep the Python side
# free of variadic calls.  Each returns -1 with errno set on failure.
CUSTOMIZATIONS = """
static int cffisock_set_nonblocking(int fd, int nonblocking)
{
    int flags = fcntl(fd, F_GETFL, 0);
    int wanted;
    if (flags < 0)
        return -1;
    wanted = nonblocking ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    if (wanted == flags)
        return 0;
    return fcntl(fd, F_SETFL, wanted);
}

static int cffisock_get_inheritable(int fd)
{
    int flags = fcntl(fd, F_GETFD, 0);
    if (flags < 0)
        return -1;
    return (flags & FD_CLOEXEC) ? 0 : 1;
}

static int cffisock_set_inheritable(int fd, int inheritable)
{
    int flags = fcntl(fd, F_GETFD, 0);
    int wanted;
    if (flags < 0)
        return -1;
    wanted = inheritable ? (flags & ~FD_CLOEXEC) : (flags | FD_CLOEXEC);
    if (wanted == flags)
        return 0;
    return fcntl(fd, F_SETFD, wanted);
}

/* dup() that creates the copy non-inheritable atomically (PEP 446). */
static int cffisock_dup(int fd)
{
    return fcntl(fd, F_DUPFD_CLOEXEC, 0);
}
"""
