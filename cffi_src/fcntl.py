"""<fcntl.h>: O_NONBLOCK, FD_CLOEXEC and F_DUPFD_CLOEXEC through fixed-signature
wrappers of the variadic fcntl() (non-blocking mode, inheritance, dup)."""

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
# free of variadic calls.  Each returns -errno on failure.
CUSTOMIZATIONS = """
static int cffisock_set_nonblocking(int fd, int nonblocking)
{
    int flags = fcntl(fd, F_GETFL, 0);
    int wanted;
    if (flags < 0)
        return -errno;
    wanted = nonblocking ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    if (wanted != flags && fcntl(fd, F_SETFL, wanted) < 0)
        return -errno;
    return 0;
}

static int cffisock_get_inheritable(int fd)
{
    int flags = fcntl(fd, F_GETFD, 0);
    if (flags < 0)
        return -errno;
    return (flags & FD_CLOEXEC) ? 0 : 1;
}

static int cffisock_set_inheritable(int fd, int inheritable)
{
    int flags = fcntl(fd, F_GETFD, 0);
    int wanted;
    if (flags < 0)
        return -errno;
    wanted = inheritable ? (flags & ~FD_CLOEXEC) : (flags | FD_CLOEXEC);
    if (wanted != flags && fcntl(fd, F_SETFD, wanted) < 0)
        return -errno;
    return 0;
}

/* dup() that creates the copy non-inheritable atomically (PEP 446). */
static int cffisock_dup(int fd)
{
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    return copy < 0 ? -errno : copy;
}
"""
