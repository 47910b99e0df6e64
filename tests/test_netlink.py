"""AF_NETLINK sockets and their ``(pid, groups)`` address form, as the
stdlib's: a route socket on this host's kernel is bound, named, asked for
its links, and answered by the kernel (pid 0).  A pid or groups beyond 32
bits is refused (the stdlib cuts it to 32 bits and talks to someone else)."""

import errno
import socket as stdlib_socket
import struct

import pytest

import cffisock
from support.comparison import ON_PYPY, Raised, outcome

#: An RTM_GETLINK dump request: a netlink header (length, type, flags
#: NLM_F_REQUEST | NLM_F_DUMP, sequence, pid) and an empty ifinfomsg.
RTM_GETLINK, RTM_NEWLINK, NLMSG_DONE = 18, 16, 3
GET_LINKS = struct.pack("=IHHII", 32, RTM_GETLINK, 0x301, 1, 0) + bytes(16)


def route_socket(module):
    try:
        sock = module.socket(module.AF_NETLINK, module.SOCK_RAW, module.NETLINK_ROUTE)
    except OSError as exc:
        if exc.errno in (errno.EAFNOSUPPORT, errno.EPROTONOSUPPORT):
            pytest.skip("this kernel offers no AF_NETLINK route sockets (%s)" % exc)
        raise
    sock.settimeout(10)
    return sock


def links_as_told_to(module):
    """Bind, ask the kernel for the links; ``(our name's groups, whether a
    pid was assigned, the replies' sender, the first reply's type)``."""
    with route_socket(module) as sock:
        sock.bind((0, 0))
        pid, groups = sock.getsockname()
        sock.sendto(GET_LINKS, (0, 0))
        data, sender = sock.recvfrom(1 << 16)
        kind = struct.unpack_from("=IH", data)[1]
        return groups, pid > 0, sender, kind


def test_the_kernel_answers_a_route_socket_as_it_answers_the_stdlib_s():
    ours = links_as_told_to(cffisock)
    assert ours == links_as_told_to(stdlib_socket)
    assert ours == (0, True, (0, 0), RTM_NEWLINK)


@pytest.mark.parametrize("address", [[0, 0], (0,), (0, 0, 0), ("x", 0), (0, 1.5)],
                         ids=["list", "one", "three", "str pid", "float groups"])
def test_a_malformed_address_is_refused_as_the_stdlib_refuses_it(address):
    def send(module):
        with route_socket(module) as sock:
            return sock.sendto(GET_LINKS, address)
    ours = outcome(send, cffisock)
    assert isinstance(ours, Raised) and ours.name == "TypeError"
    if not ON_PYPY:  # (PyPy's socket takes some of these, or words them otherwise)
        assert ours[:2] == outcome(send, stdlib_socket)[:2]


@pytest.mark.parametrize("address", [(2 ** 32, 0), (0, 2 ** 32), (-1, 0)])
def test_a_number_beyond_32_bits_is_refused_not_cut(address):
    with route_socket(cffisock) as sock:
        with pytest.raises(OverflowError):
            sock.sendto(GET_LINKS, address)
