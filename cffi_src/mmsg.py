"""recvmmsg(2) and sendmmsg(2): many datagrams per system call."""

from cffi_src import errno_wrappers

INCLUDES = """
#include <string.h>
#include <sys/socket.h>
"""

TYPES = """
struct mmsghdr {
    struct msghdr msg_hdr;
    unsigned int msg_len;
    ...;
};

#define MSG_WAITFORONE ...
#define MSG_DONTWAIT ...
"""

FUNCTIONS, CUSTOMIZATIONS = errno_wrappers("""
int recvmmsg(int fd, struct mmsghdr *messages, unsigned int count, int flags, void *timeout);
int sendmmsg(int fd, struct mmsghdr *messages, unsigned int count, int flags);
""")

FUNCTIONS += """
void cffisock_mmsg_prepare(struct mmsghdr *messages, struct iovec *iov,
                           struct sockaddr_storage *names, unsigned int count,
                           char *buffer, size_t size,
                           void **bases, size_t *sizes);
unsigned int cffisock_mmsg_runs(const struct mmsghdr *messages, unsigned int count,
                                unsigned int *lengths, unsigned int *run_of,
                                unsigned int *run_starts);
"""

CUSTOMIZATIONS += """
/* Lay out a batch in one C loop: message i gets the single iovec iov[i]
   and, when names is not NULL, the address slot names[i]; with a buffer,
   iov[i] covers bytes [i * size, (i + 1) * size) of it, else, with bases,
   the sizes[i] bytes at bases[i].  Everything else in the messages is
   zeroed. */
static void cffisock_mmsg_prepare(struct mmsghdr *messages, struct iovec *iov,
                                  struct sockaddr_storage *names, unsigned int count,
                                  char *buffer, size_t size,
                                  void **bases, size_t *sizes)
{
    unsigned int i;
    memset(messages, 0, count * sizeof(*messages));
    for (i = 0; i < count; i++) {
        messages[i].msg_hdr.msg_iov = &iov[i];
        messages[i].msg_hdr.msg_iovlen = 1;
        if (names != NULL) {
            messages[i].msg_hdr.msg_name = &names[i];
            messages[i].msg_hdr.msg_namelen = sizeof(names[i]);
        }
        if (buffer != NULL) {
            iov[i].iov_base = buffer + (size_t)i * size;
            iov[i].iov_len = size;
        } else if (bases != NULL) {
            iov[i].iov_base = bases[i];
            iov[i].iov_len = sizes[i];
        }
    }
}

/* Summarise the first ``count`` received messages of a batch for Python:
   lengths[i] is message i's length, and messages from one source in a row
   form a run: run_of[i] is the run of message i, run_starts[r] the first
   message of run r.  Returns the number of runs, so that Python builds
   one address per run instead of one per datagram. */
static unsigned int cffisock_mmsg_runs(const struct mmsghdr *messages, unsigned int count,
                                       unsigned int *lengths, unsigned int *run_of,
                                       unsigned int *run_starts)
{
    unsigned int i, runs = 0;
    for (i = 0; i < count; i++) {
        const struct msghdr *header = &messages[i].msg_hdr;
        const struct msghdr *previous = i > 0 ? &messages[i - 1].msg_hdr : NULL;
        if (previous == NULL || header->msg_namelen != previous->msg_namelen
                || memcmp(header->msg_name, previous->msg_name, header->msg_namelen) != 0)
            run_starts[runs++] = i;
        lengths[i] = messages[i].msg_len;
        run_of[i] = runs - 1;
    }
    return runs;
}
"""
