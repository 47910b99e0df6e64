"""The C floor of the benchmark: the same work as each case, looped in C.

A small cffi module in API mode (compiled by ``floor.py`` on first use; see
there) whose functions do what the Python sides of a case do, with the
system calls made straight from C: the syscall floor of that case on this
machine, measured in the same run.  It also supplies the neutral helpers the
cases share: the ping-pong peer's echo loop, the datagram filler,
``SO_RCVBUFFORCE`` (which neither socket module exports), and CPU pinning
(``os.sched_setaffinity`` is missing on PyPy 3.9).

Every function returns 0 (or a count) on success and ``-errno`` on failure;
the getaddrinfo loop returns the EAI_ code instead (``gai_strerror`` is
declared for it), and the TLS functions return ``-SSL_get_error()`` (or
NULL for a failed handshake).  Every loop is
bounded by its arguments or ends at the peer's end of file.  No C code here
belongs to cffisock itself, whose extension is built by ``build_ffi.py``.
"""

from cffi import FFI

MODULE_NAME = "_cffisock_bench_floor"

CDEF = """
int floor_send_recv(int fd_a, int fd_b, char *buf, size_t size, long iterations);
int floor_ping(int fd, char *buf, size_t size, long iterations);
long floor_echo(int fd, char *buf, size_t size);
int floor_send_total(int fd, const char *buf, size_t chunk, long long total);
int floor_recv_total(int fd, char *buf, size_t chunk, long long total);
int floor_getaddrinfo(const char *host, const char *port, int flags, long iterations);
const char *gai_strerror(int error);
long floor_sendmmsg(int fd, const char *buf, size_t size, unsigned int batch, long total);
long floor_recvmmsg(int fd, char *buf, size_t size, unsigned int batch, long total);
static const int SO_RCVBUFFORCE;
int floor_last_cpu(void);
int floor_pin(int cpu);

struct floor_tls;
struct floor_tls *floor_tls_server(int fd, const char *certfile, const char *keyfile);
struct floor_tls *floor_tls_client(int fd, const char *cafile, const char *host);
int floor_tls_send_total(struct floor_tls *tls, const char *buf, size_t chunk,
                         long long total);
int floor_tls_recv_total(struct floor_tls *tls, char *buf, size_t chunk,
                         long long total);
void floor_tls_free(struct floor_tls *tls);
"""

SOURCE = r"""
#define _GNU_SOURCE 1
#include <errno.h>
#include <netdb.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <openssl/ssl.h>

/* send(2) until all of buf[0:size] is gone; 0 or -errno. */
static int send_all(int fd, const char *buf, size_t size)
{
    while (size > 0) {
        ssize_t sent = send(fd, buf, size, 0);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        buf += sent;
        size -= (size_t)sent;
    }
    return 0;
}

/* One recv(2) of up to size bytes, retried on EINTR: the count, -errno,
   or -ECONNRESET at end of file. */
static ssize_t recv_some(int fd, char *buf, size_t size)
{
    for (;;) {
        ssize_t got = recv(fd, buf, size, 0);
        if (got > 0)
            return got;
        if (got == 0)
            return -ECONNRESET;
        if (errno != EINTR)
            return -errno;
    }
}

/* recv(2) until exactly size bytes arrived; 0 or as recv_some. */
static int recv_exactly(int fd, char *buf, size_t size)
{
    while (size > 0) {
        ssize_t got = recv_some(fd, buf, size);
        if (got < 0)
            return (int)got;
        buf += got;
        size -= (size_t)got;
    }
    return 0;
}

/* A single call's result that had to move exactly size bytes: 0, -errno,
   or -EIO for a short count. */
static int whole(ssize_t result, size_t size)
{
    if (result < 0)
        return -errno;
    return (size_t)result == size ? 0 : -EIO;
}

/* Case 1: one send(2) on fd_a and one recv(2) on fd_b per iteration. */
int floor_send_recv(int fd_a, int fd_b, char *buf, size_t size, long iterations)
{
    for (long i = 0; i < iterations; i++) {
        int result = whole(send(fd_a, buf, size, 0), size);
        if (result == 0)
            result = whole(recv(fd_b, buf, size, 0), size);
        if (result < 0)
            return result;
    }
    return 0;
}

/* Case 2: send size bytes, read size bytes back, iterations times. */
int floor_ping(int fd, char *buf, size_t size, long iterations)
{
    for (long i = 0; i < iterations; i++) {
        int result = send_all(fd, buf, size);
        if (result == 0)
            result = recv_exactly(fd, buf, size);
        if (result < 0)
            return result;
    }
    return 0;
}

/* Case 2's peer for every side: send back what arrives until end of file;
   the number of reads echoed, or -errno. */
long floor_echo(int fd, char *buf, size_t size)
{
    long echoed = 0;
    for (;;) {
        ssize_t got = recv_some(fd, buf, size);
        if (got == -ECONNRESET)  /* the parent closed (or reset) its end */
            return echoed;
        if (got < 0)
            return got;
        int result = send_all(fd, buf, (size_t)got);
        if (result < 0)
            return result;
        echoed++;
    }
}

/* Case 3: total bytes sent chunk by chunk, as a sendall(chunk) loop. */
int floor_send_total(int fd, const char *buf, size_t chunk, long long total)
{
    while (total > 0) {
        size_t size = total < (long long)chunk ? (size_t)total : chunk;
        int result = send_all(fd, buf, size);
        if (result < 0)
            return result;
        total -= (long long)size;
    }
    return 0;
}

/* Case 3: total bytes received with recv(2) calls of up to chunk bytes. */
int floor_recv_total(int fd, char *buf, size_t chunk, long long total)
{
    while (total > 0) {
        ssize_t got = recv_some(fd, buf, total < (long long)chunk ? (size_t)total : chunk);
        if (got < 0)
            return (int)got;
        total -= got;
    }
    return 0;
}

/* Case 4: getaddrinfo(host, port) with these flags and otherwise zero
   hints, as Python's getaddrinfo passes them; 0 or the EAI_ code. */
int floor_getaddrinfo(const char *host, const char *port, int flags, long iterations)
{
    struct addrinfo hints;
    memset(&hints, 0, sizeof(hints));
    hints.ai_flags = flags;
    for (long i = 0; i < iterations; i++) {
        struct addrinfo *result = NULL;
        int error = getaddrinfo(host, port, &hints, &result);
        if (error != 0)
            return error;
        freeaddrinfo(result);
    }
    return 0;
}

/* Case 6: the arrays of one recvmmsg/sendmmsg batch. */
struct batch {
    struct mmsghdr *messages;
    struct iovec *iov;
    struct sockaddr_storage *names;
};

/* Allocate b's arrays for batch datagrams (zeroed); 0 or -ENOMEM.  Free
   them with batch_free() either way. */
static int batch_new(struct batch *b, unsigned int batch)
{
    b->messages = calloc(batch, sizeof(*b->messages));
    b->iov = calloc(batch, sizeof(*b->iov));
    b->names = calloc(batch, sizeof(*b->names));
    return b->messages && b->iov && b->names ? 0 : -ENOMEM;
}

static void batch_free(struct batch *b)
{
    free(b->messages);
    free(b->iov);
    free(b->names);
}

/* Case 6's filler: total datagrams of size bytes (all from buf) on a
   connected socket, batch at a time; the number sent or -errno. */
long floor_sendmmsg(int fd, const char *buf, size_t size, unsigned int batch, long total)
{
    struct batch b;
    long sent = batch_new(&b, batch);
    for (unsigned int i = 0; sent == 0 && i < batch; i++) {
        b.iov[i].iov_base = (void *)buf;
        b.iov[i].iov_len = size;
        b.messages[i].msg_hdr.msg_iov = &b.iov[i];
        b.messages[i].msg_hdr.msg_iovlen = 1;
    }
    while (sent >= 0 && sent < total) {
        long left = total - sent;
        int result = sendmmsg(fd, b.messages, left < batch ? (unsigned int)left : batch, 0);
        if (result > 0)
            sent += result;
        else if (result == 0)
            break;
        else if (errno != EINTR)
            sent = -errno;
    }
    batch_free(&b);
    return sent;
}

/* Case 6: receive up to total datagrams of up to size bytes, with their
   addresses, batch at a time (buf holds batch * size bytes); stops early
   when the socket (non-blocking) has no more.  The number received, or
   -errno. */
long floor_recvmmsg(int fd, char *buf, size_t size, unsigned int batch, long total)
{
    struct batch b;
    long received = batch_new(&b, batch);
    for (unsigned int i = 0; received == 0 && i < batch; i++) {
        b.iov[i].iov_base = buf + i * size;
        b.iov[i].iov_len = size;
        b.messages[i].msg_hdr.msg_iov = &b.iov[i];
        b.messages[i].msg_hdr.msg_iovlen = 1;
        b.messages[i].msg_hdr.msg_name = &b.names[i];
    }
    while (received >= 0 && received < total) {
        long left = total - received;
        unsigned int count = left < batch ? (unsigned int)left : batch;
        for (unsigned int i = 0; i < count; i++)
            b.messages[i].msg_hdr.msg_namelen = sizeof(b.names[i]);
        int result = recvmmsg(fd, b.messages, count, 0, NULL);
        if (result > 0)
            received += result;
        else if (result == 0 || errno == EAGAIN || errno == EWOULDBLOCK)
            break;
        else if (errno != EINTR)
            received = -errno;
    }
    batch_free(&b);
    return received;
}

/* The highest-numbered CPU this process may run on, or -errno. */
int floor_last_cpu(void)
{
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0)
        return -errno;
    for (int cpu = CPU_SETSIZE - 1; cpu >= 0; cpu--)
        if (CPU_ISSET(cpu, &allowed))
            return cpu;
    return -ESRCH;
}

/* Run this process on cpu only; 0 or -errno. */
int floor_pin(int cpu)
{
    cpu_set_t only;
    CPU_ZERO(&only);
    CPU_SET(cpu, &only);
    return sched_setaffinity(0, sizeof(only), &only) != 0 ? -errno : 0;
}

/* Case 5: TLS 1.3 with OpenSSL's defaults otherwise. */
struct floor_tls {
    SSL_CTX *context;
    SSL *ssl;
};

void floor_tls_free(struct floor_tls *tls)
{
    if (tls == NULL)
        return;
    SSL_free(tls->ssl);
    SSL_CTX_free(tls->context);
    free(tls);
}

static struct floor_tls *tls_new(int server)
{
    struct floor_tls *tls = calloc(1, sizeof(*tls));
    if (tls == NULL)
        return NULL;
    tls->context = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    if (tls->context == NULL
            || !SSL_CTX_set_min_proto_version(tls->context, TLS1_3_VERSION)
            || !SSL_CTX_set_max_proto_version(tls->context, TLS1_3_VERSION)) {
        floor_tls_free(tls);
        return NULL;
    }
    return tls;
}

/* Attach fd and shake hands (accept or connect); tls, or NULL after
   freeing it. */
static struct floor_tls *tls_handshake(struct floor_tls *tls, int fd, int server)
{
    if (tls->ssl == NULL)
        tls->ssl = SSL_new(tls->context);
    if (tls->ssl == NULL || !SSL_set_fd(tls->ssl, fd)
            || (server ? SSL_accept(tls->ssl) : SSL_connect(tls->ssl)) != 1) {
        floor_tls_free(tls);
        return NULL;
    }
    return tls;
}

struct floor_tls *floor_tls_server(int fd, const char *certfile, const char *keyfile)
{
    struct floor_tls *tls = tls_new(1);
    if (tls == NULL)
        return NULL;
    if (SSL_CTX_use_certificate_chain_file(tls->context, certfile) != 1
            || SSL_CTX_use_PrivateKey_file(tls->context, keyfile, SSL_FILETYPE_PEM) != 1) {
        floor_tls_free(tls);
        return NULL;
    }
    return tls_handshake(tls, fd, 1);
}

/* A client that verifies the chain against cafile and the name host. */
struct floor_tls *floor_tls_client(int fd, const char *cafile, const char *host)
{
    struct floor_tls *tls = tls_new(0);
    if (tls == NULL)
        return NULL;
    SSL_CTX_set_verify(tls->context, SSL_VERIFY_PEER, NULL);
    if (SSL_CTX_load_verify_locations(tls->context, cafile, NULL) != 1
            || (tls->ssl = SSL_new(tls->context)) == NULL
            || !SSL_set_tlsext_host_name(tls->ssl, host)
            || !SSL_set1_host(tls->ssl, host)) {
        floor_tls_free(tls);
        return NULL;
    }
    return tls_handshake(tls, fd, 0);
}

/* total bytes through SSL_write (write) or SSL_read, at most chunk per
   call; 0 or -SSL_get_error(). */
static int tls_transfer(struct floor_tls *tls, int write, char *buf, size_t chunk,
                        long long total)
{
    while (total > 0) {
        int size = (int)(total < (long long)chunk ? total : (long long)chunk);
        int done = write ? SSL_write(tls->ssl, buf, size) : SSL_read(tls->ssl, buf, size);
        if (done <= 0)
            return -SSL_get_error(tls->ssl, done);
        total -= done;
    }
    return 0;
}

int floor_tls_send_total(struct floor_tls *tls, const char *buf, size_t chunk,
                         long long total)
{
    return tls_transfer(tls, 1, (char *)buf, chunk, total);
}

int floor_tls_recv_total(struct floor_tls *tls, char *buf, size_t chunk,
                         long long total)
{
    return tls_transfer(tls, 0, buf, chunk, total);
}
"""


def builder(module_name=MODULE_NAME):
    """Return the FFI builder of the floor module named ``module_name``."""
    ffibuilder = FFI()
    ffibuilder.cdef(CDEF)
    ffibuilder.set_source(module_name, SOURCE, libraries=["ssl", "crypto"])
    return ffibuilder
