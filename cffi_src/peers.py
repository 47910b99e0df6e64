"""recvfrom(2) and accept4(2) that also describe the peer's address.

Each fills a ``struct cffisock_peer`` (which Python reuses from call to
call): the kernel's address and length, and its numeric form (arpa_inet.py),
so that Python reads an AF_INET or AF_INET6 peer with one struct.unpack.
"""

INCLUDES = """
#include <errno.h>
#include <sys/socket.h>
"""

PEER_STRUCT = """
struct cffisock_peer {
    int described;
    socklen_t length;
    struct cffisock_inet_address numeric;
    struct sockaddr_storage storage;
};
"""

TYPES = PEER_STRUCT

FUNCTIONS = """
ssize_t cffisock_recvfrom_peer(int fd, void *buffer, size_t size, int flags,
                               struct cffisock_peer *peer);
int cffisock_accept_peer(int fd, int flags, struct cffisock_peer *peer);
"""

# Both return the call's result, or -errno on failure (as the generated
# wrappers of sys_socket.py do); ``described`` is 1 when ``numeric`` holds
# an AF_INET or AF_INET6 address.
CUSTOMIZATIONS = PEER_STRUCT + """
static ssize_t cffisock_recvfrom_peer(int fd, void *buffer, size_t size, int flags,
                                      struct cffisock_peer *peer)
{
    ssize_t result;
    peer->length = sizeof(peer->storage);
    result = recvfrom(fd, buffer, size, flags, (struct sockaddr *)&peer->storage,
                      &peer->length);
    if (result < 0)
        return -errno;
    peer->described = cffisock_inet_describe(&peer->storage, peer->length, &peer->numeric);
    return result;
}

static int cffisock_accept_peer(int fd, int flags, struct cffisock_peer *peer)
{
    int result;
    peer->length = sizeof(peer->storage);
    result = accept4(fd, (struct sockaddr *)&peer->storage, &peer->length, flags);
    if (result < 0)
        return -errno;
    peer->described = cffisock_inet_describe(&peer->storage, peer->length, &peer->numeric);
    return result;
}
"""
