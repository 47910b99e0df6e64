"""<poll.h>: cffisock_poll_one, a poll of one descriptor from the C stack."""

INCLUDES = """
#include <poll.h>
"""

TYPES = """
#define POLLIN ...
#define POLLOUT ...
"""

FUNCTIONS = """
int cffisock_poll_one(int fd, short events, int timeout_ms);
"""

# One pollfd on the C stack, so that concurrent waits on one socket never
# share a struct and the Python side allocates nothing per wait.  Returns
# poll's count, or -errno.
CUSTOMIZATIONS = """
static int cffisock_poll_one(int fd, short events, int timeout_ms)
{
    struct pollfd pfd;
    int result;
    pfd.fd = fd;
    pfd.events = events;
    pfd.revents = 0;
    result = poll(&pfd, 1, timeout_ms);
    return result < 0 ? -errno : result;
}
"""
