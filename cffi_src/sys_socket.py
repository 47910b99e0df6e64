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
#define SOMAXCONN ...
"""

FUNCTIONS = """
int socket(int, int, int);
int socketpair(int, int, int, int[2]);
int bind(int, const struct sockaddr *, socklen_t);
int connect(int, const struct sockaddr *, socklen_t);
int listen(int, int);
int accept4(int, struct sockaddr *, socklen_t *, int);
int shutdown(int, int);
int getsockname(int, struct sockaddr *, socklen_t *);
int getpeername(int, struct sockaddr *, socklen_t *);
int getsockopt(int, int, int, void *, socklen_t *);
int setsockopt(int, int, int, const void *, socklen_t);
ssize_t send(int, const void *, size_t, int);
ssize_t sendto(int, const void *, size_t, int, const struct sockaddr *,
               socklen_t);
ssize_t recv(int, void *, size_t, int);
ssize_t recvfrom(int, void *, size_t, int, struct sockaddr *, socklen_t *);
"""

CUSTOMIZATIONS = ""
