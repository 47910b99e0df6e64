"""The socket module's named constants, with values from the C headers.

``NAMES`` lists the constant families of the socket module (the spec's AF_,
SOCK_, SO_, SOMAXCONN, MSG_, SOL_, IPPROTO_, IPPORT_, INADDR_, IP_, IPV6_,
EAI_, AI_, NI_ families plus TCP_, SHUT_ and SCM_): the names CPython 3.9-3.13
export on Linux, and the three IP_RECV names that 3.14 adds (IP_RECVERR,
IP_RECVORIGDSTADDR, IP_RECVTTL).  Each becomes an ``#ifdef``-guarded entry
in a C table, so a name the platform lacks is simply absent at run time, and
every value comes from the compiler.

``FALLBACKS`` gives, for the few names CPython defines even when the header
lacks the macro, the C expression to use instead; each is itself guarded and
none is a bare number.
"""

INCLUDES = """
#include <linux/can.h>
#include <linux/can/raw.h>
#include <linux/can/j1939.h>
#include <linux/vm_sockets.h>
"""

NAMES = " ".join((
    # AF_
    """
    AF_ALG AF_APPLETALK AF_ASH AF_ATMPVC AF_ATMSVC AF_AX25 AF_BLUETOOTH
    AF_BRIDGE AF_CAN AF_DECnet AF_ECONET AF_INET AF_INET6 AF_IPX AF_IRDA AF_KEY
    AF_LLC AF_NETBEUI AF_NETLINK AF_NETROM AF_PACKET AF_PPPOX AF_QIPCRTR
    AF_RDS AF_ROSE AF_ROUTE AF_SECURITY AF_SNA AF_TIPC AF_UNIX AF_UNSPEC
    AF_VSOCK AF_WANPIPE AF_X25
    """,
    # SOCK_
    """
    SOCK_CLOEXEC SOCK_DGRAM SOCK_NONBLOCK SOCK_RAW SOCK_RDM
    SOCK_SEQPACKET SOCK_STREAM
    """,
    # SO_
    """
    SO_ACCEPTCONN SO_BINDTODEVICE SO_BINDTOIFINDEX SO_BROADCAST SO_DEBUG
    SO_DOMAIN SO_DONTROUTE SO_ERROR SO_INCOMING_CPU SO_J1939_ERRQUEUE
    SO_J1939_FILTER SO_J1939_PROMISC SO_J1939_SEND_PRIO SO_KEEPALIVE
    SO_LINGER SO_MARK SO_OOBINLINE SO_PASSCRED SO_PASSSEC SO_PEERCRED
    SO_PEERSEC SO_PRIORITY SO_PROTOCOL SO_RCVBUF SO_RCVLOWAT SO_RCVTIMEO
    SO_REUSEADDR SO_REUSEPORT SO_SNDBUF SO_SNDLOWAT SO_SNDTIMEO SO_TYPE
    SO_VM_SOCKETS_BUFFER_MAX_SIZE SO_VM_SOCKETS_BUFFER_MIN_SIZE
    SO_VM_SOCKETS_BUFFER_SIZE
    """,
    # MSG_
    """
    MSG_CMSG_CLOEXEC MSG_CONFIRM MSG_CTRUNC MSG_DONTROUTE MSG_DONTWAIT
    MSG_EOR MSG_ERRQUEUE MSG_FASTOPEN MSG_MORE MSG_NOSIGNAL MSG_OOB
    MSG_PEEK MSG_TRUNC MSG_WAITALL
    """,
    # SOL_
    """
    SOL_ALG SOL_CAN_BASE SOL_CAN_RAW SOL_IP SOL_RDS SOL_SOCKET SOL_TCP
    SOL_TIPC SOL_UDP
    """,
    # IPPROTO_
    """
    IPPROTO_AH IPPROTO_DSTOPTS IPPROTO_EGP IPPROTO_ESP IPPROTO_FRAGMENT
    IPPROTO_GRE IPPROTO_HOPOPTS IPPROTO_ICMP IPPROTO_ICMPV6 IPPROTO_IDP
    IPPROTO_IGMP IPPROTO_IP IPPROTO_IPIP IPPROTO_IPV6 IPPROTO_MPTCP
    IPPROTO_NONE IPPROTO_PIM IPPROTO_PUP IPPROTO_RAW IPPROTO_ROUTING
    IPPROTO_RSVP IPPROTO_SCTP IPPROTO_TCP IPPROTO_TP IPPROTO_UDP
    IPPROTO_UDPLITE
    """,
    # IPPORT_
    """
    IPPORT_RESERVED IPPORT_USERRESERVED
    """,
    # INADDR_
    """
    INADDR_ALLHOSTS_GROUP INADDR_ANY INADDR_BROADCAST INADDR_LOOPBACK
    INADDR_MAX_LOCAL_GROUP INADDR_NONE INADDR_UNSPEC_GROUP
    """,
    # IP_
    """
    IP_ADD_MEMBERSHIP IP_ADD_SOURCE_MEMBERSHIP IP_BIND_ADDRESS_NO_PORT
    IP_BLOCK_SOURCE IP_DEFAULT_MULTICAST_LOOP IP_DEFAULT_MULTICAST_TTL
    IP_DROP_MEMBERSHIP IP_DROP_SOURCE_MEMBERSHIP IP_HDRINCL
    IP_MAX_MEMBERSHIPS IP_MULTICAST_IF IP_MULTICAST_LOOP
    IP_MULTICAST_TTL IP_OPTIONS IP_PKTINFO IP_RECVOPTS IP_RECVRETOPTS
    IP_RECVTOS IP_RETOPTS IP_TOS IP_TRANSPARENT IP_TTL IP_UNBLOCK_SOURCE
    IP_RECVERR IP_RECVORIGDSTADDR IP_RECVTTL
    """,
    # IPV6_
    """
    IPV6_CHECKSUM IPV6_DONTFRAG IPV6_DSTOPTS IPV6_HOPLIMIT IPV6_HOPOPTS
    IPV6_JOIN_GROUP IPV6_LEAVE_GROUP IPV6_MULTICAST_HOPS
    IPV6_MULTICAST_IF IPV6_MULTICAST_LOOP IPV6_NEXTHOP IPV6_PATHMTU
    IPV6_PKTINFO IPV6_RECVDSTOPTS IPV6_RECVHOPLIMIT IPV6_RECVHOPOPTS
    IPV6_RECVPATHMTU IPV6_RECVPKTINFO IPV6_RECVRTHDR IPV6_RECVTCLASS
    IPV6_RTHDR IPV6_RTHDRDSTOPTS IPV6_RTHDR_TYPE_0 IPV6_TCLASS
    IPV6_UNICAST_HOPS IPV6_V6ONLY
    """,
    # EAI_
    """
    EAI_ADDRFAMILY EAI_AGAIN EAI_BADFLAGS EAI_FAIL EAI_FAMILY EAI_MEMORY
    EAI_NODATA EAI_NONAME EAI_OVERFLOW EAI_SERVICE EAI_SOCKTYPE
    EAI_SYSTEM
    """,
    # AI_
    """
    AI_ADDRCONFIG AI_ALL AI_CANONNAME AI_NUMERICHOST AI_NUMERICSERV
    AI_PASSIVE AI_V4MAPPED
    """,
    # NI_
    """
    NI_DGRAM NI_IDN NI_MAXHOST NI_MAXSERV NI_NAMEREQD NI_NOFQDN
    NI_NUMERICHOST NI_NUMERICSERV
    """,
    # TCP_
    """
    TCP_CC_INFO TCP_CONGESTION TCP_CORK TCP_DEFER_ACCEPT TCP_FASTOPEN
    TCP_FASTOPEN_CONNECT TCP_FASTOPEN_KEY TCP_FASTOPEN_NO_COOKIE
    TCP_INFO TCP_INQ TCP_KEEPCNT TCP_KEEPIDLE TCP_KEEPINTVL TCP_LINGER2
    TCP_MAXSEG TCP_MD5SIG TCP_MD5SIG_EXT TCP_NODELAY TCP_NOTSENT_LOWAT
    TCP_QUEUE_SEQ TCP_QUICKACK TCP_REPAIR TCP_REPAIR_OPTIONS
    TCP_REPAIR_QUEUE TCP_REPAIR_WINDOW TCP_SAVED_SYN TCP_SAVE_SYN
    TCP_SYNCNT TCP_THIN_DUPACK TCP_THIN_LINEAR_TIMEOUTS TCP_TIMESTAMP
    TCP_TX_DELAY TCP_ULP TCP_USER_TIMEOUT TCP_WINDOW_CLAMP
    TCP_ZEROCOPY_RECEIVE
    """,
    # SHUT_
    """
    SHUT_RD SHUT_RDWR SHUT_WR
    """,
    # SCM_
    """
    SCM_CREDENTIALS SCM_J1939_DEST_ADDR SCM_J1939_DEST_NAME
    SCM_J1939_ERRQUEUE SCM_J1939_PRIO SCM_RIGHTS
    """,
    # SOMAXCONN
    """
    SOMAXCONN
    """,
)).split()

# name -> (condition, C expression) used when ``#ifdef name`` fails.
FALLBACKS = {
    # glibc declares the IPPORT_ values in an enum, not as macros.
    "IPPORT_USERRESERVED": ("defined(__GLIBC__)", "IPPORT_USERRESERVED"),
    # Linux numbers the SOL_ level of an IP protocol by the protocol number.
    "SOL_UDP": ("defined(__linux__)", "IPPROTO_UDP"),
    "SOL_CAN_RAW": ("defined(SOL_CAN_BASE) && defined(CAN_RAW)",
                    "(SOL_CAN_BASE + CAN_RAW)"),
}
# linux/can/j1939.h declares its option names in enums, not as macros.
FALLBACKS.update(
    (name, ("defined(SOL_CAN_J1939)", name))
    for name in NAMES if "_J1939_" in name
)


def _entry(name):
    present = "#ifdef %s\n    {\"%s\", (long long)(%s)},\n" % (name, name, name)
    if name in FALLBACKS:
        condition, expression = FALLBACKS[name]
        present += "#elif %s\n    {\"%s\", (long long)(%s)},\n" % (
            condition, name, expression)
    return present + "#endif\n"


TYPES = """
struct cffisock_constant {
    const char *name;
    long long value;
};
"""

FUNCTIONS = """
extern struct cffisock_constant cffisock_constants[];
extern const size_t cffisock_constants_count;
"""

CUSTOMIZATIONS = (
    "struct cffisock_constant { const char *name; long long value; };\n"
    "static struct cffisock_constant cffisock_constants[] = {\n"
    + "".join(_entry(name) for name in NAMES)
    + "};\n"
    "static const size_t cffisock_constants_count =\n"
    "    sizeof(cffisock_constants) / sizeof(cffisock_constants[0]);\n"
)
