"""sendmsg/recvmsg/recvmsg_into, CMSG_LEN/CMSG_SPACE and descriptor passing,
with the stdlib's socket module as the peer and the reference."""

import errno
import os
import socket as stdlib_socket
import struct

import pytest

import cffisock
from support.descriptors import open_fds
from support.loopback import ipv6_loopback_works


@pytest.mark.parametrize("length", [0, 1, 4, 7, 16, 1000])
def test_cmsg_sizes_equal_the_stdlib(length):
    assert cffisock.CMSG_LEN(length) == stdlib_socket.CMSG_LEN(length)
    assert cffisock.CMSG_SPACE(length) == stdlib_socket.CMSG_SPACE(length)


@pytest.mark.parametrize("function", ["CMSG_LEN", "CMSG_SPACE"])
def test_cmsg_sizes_refuse_negative_lengths(function):
    with pytest.raises(OverflowError):
        getattr(cffisock, function)(-1)


@pytest.fixture
def unix_pair():
    first, second = cffisock.socketpair()
    with first, second:
        second.settimeout(10)
        yield first, second


def test_sendmsg_gathers_buffers_and_recvmsg_returns_the_stdlib_shape(unix_pair):
    first, second = unix_pair
    assert first.sendmsg([b"he", bytearray(b"ll"), memoryview(b"o!")]) == 6
    data, ancdata, flags, address = second.recvmsg(100)
    assert (data, ancdata, flags) == (b"hello!", [], 0)
    assert address in (None, "")


def test_recvmsg_into_scatters_into_the_buffers_in_order(unix_pair):
    first, second = unix_pair
    first.sendall(b"abcdefgh")
    head, tail = bytearray(3), bytearray(10)
    nbytes, ancdata, flags, _ = second.recvmsg_into([head, memoryview(tail)[2:]])
    assert nbytes == 8 and ancdata == [] and flags == 0
    assert head == b"abc" and bytes(tail[2:7]) == b"defgh"


def test_descriptors_pass_to_a_stdlib_receiver_and_back(tmp_path):
    path = tmp_path / "shared.txt"
    path.write_bytes(b"through SCM_RIGHTS")
    ours, theirs = cffisock.socketpair()
    stdlib_end = stdlib_socket.socket(fileno=theirs.detach())
    with ours, stdlib_end:
        with open(path, "rb") as handle:
            assert cffisock.send_fds(ours, [b"fd"], [handle.fileno()]) == 2
        data, fds, flags, _ = stdlib_socket.recv_fds(stdlib_end, 10, 1)
        assert (data, len(fds), flags) == (b"fd", 1, 0)
        with os.fdopen(fds[0], "rb") as received:
            assert received.read() == b"through SCM_RIGHTS"
        with open(path, "rb") as handle:
            stdlib_socket.send_fds(stdlib_end, [b"back"], [handle.fileno(), handle.fileno()])
        data, fds, flags, _ = cffisock.recv_fds(ours, 10, 2)
        assert (data, len(fds), flags) == (b"back", 2, 0)
        for fd in fds:
            assert not os.get_inheritable(fd)  # PEP 446, unlike the stdlib
            assert os.read(fd, 7) in (b"through", b" SCM_RI")
            os.close(fd)


def test_descriptors_beyond_the_buffer_are_closed_and_ctrunc_reported(unix_pair, tmp_path):
    first, second = unix_pair
    before = open_fds()
    with open(tmp_path / "f", "wb") as handle:
        cffisock.send_fds(first, [b"x"], [handle.fileno()] * 4)
    data, fds, flags, _ = cffisock.recv_fds(second, 10, 1)
    assert data == b"x" and len(fds) == 1
    assert flags & cffisock.MSG_CTRUNC
    os.close(fds[0])
    assert open_fds() == before  # the three that did not fit were closed


def test_credentials_arrive_with_so_passcred(unix_pair):
    first, second = unix_pair
    second.setsockopt(cffisock.SOL_SOCKET, cffisock.SO_PASSCRED, 1)
    first.sendmsg([b"who"])
    data, ancdata, _, _ = second.recvmsg(10, cffisock.CMSG_SPACE(12))
    assert data == b"who"
    [(level, kind, payload)] = ancdata
    assert (level, kind) == (cffisock.SOL_SOCKET, cffisock.SCM_CREDENTIALS)
    assert struct.unpack("iII", payload) == (os.getpid(), os.getuid(), os.getgid())


def test_udp_sendmsg_to_an_address_and_recvmsg_from_it():
    with cffisock.socket(cffisock.AF_INET, cffisock.SOCK_DGRAM) as receiver, \
            stdlib_socket.socket(stdlib_socket.AF_INET, stdlib_socket.SOCK_DGRAM) as peer:
        receiver.bind(("127.0.0.1", 0))
        receiver.settimeout(10)
        peer.bind(("127.0.0.1", 0))
        peer.settimeout(10)
        peer.sendmsg([b"to cffisock"], [], 0, receiver.getsockname())
        data, ancdata, flags, address = receiver.recvmsg(64)
        assert (data, ancdata, flags, address) == (b"to cffisock", [], 0, peer.getsockname())
        assert receiver.sendmsg([b"re", b"ply"], [], 0, peer.getsockname()) == 5
        assert peer.recvmsg(64)[::3] == (b"reply", receiver.getsockname())


def test_recvmsg_reports_truncated_datagrams_like_the_stdlib():
    for module in (stdlib_socket, cffisock):
        first, second = module.socketpair(module.AF_UNIX, module.SOCK_DGRAM)
        with first, second:
            first.send(b"0123456789")
            data, _, flags, _ = second.recvmsg(4)
            assert data == b"0123" and flags & module.MSG_TRUNC


@pytest.mark.parametrize("arguments, exception", [
    (("not buffers",), TypeError),
    (([b"x"], [(1, 2)]), TypeError),
    (([b"x"], [(1, 2, "str")]), TypeError),
    (([1],), TypeError),
])
def test_bad_sendmsg_arguments_raise_like_the_stdlib(unix_pair, arguments, exception):
    first, _ = unix_pair
    theirs_first, theirs_second = stdlib_socket.socketpair()
    with theirs_first, theirs_second:
        with pytest.raises(exception):
            theirs_first.sendmsg(*arguments)
    with pytest.raises(exception):
        first.sendmsg(*arguments)


def test_negative_sizes_raise_value_error(unix_pair):
    _, second = unix_pair
    with pytest.raises(ValueError):
        second.recvmsg(-1)
    with pytest.raises(ValueError):
        second.recvmsg(1, -1)


def test_tls_sockets_refuse_message_io_like_the_stdlib(ca, server_cert):
    from cffisock import tls

    context = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    with server_cert.private_key_and_cert_chain_pem.tempfile() as pem:
        context.load_cert_chain(pem)
    left, right = cffisock.socketpair()
    with right, context.wrap_socket(left, server_side=True,
                                    do_handshake_on_connect=False) as sock:
        for method, arguments in (("sendmsg", ([b"x"],)), ("recvmsg", (1,)),
                                  ("recvmsg_into", ([bytearray(1)],)),
                                  ("sendmmsg", ([(b"x", None)],)), ("recvmmsg", (1, 1)),
                                  ("recvmmsg_into", ([bytearray(1)],))):
            with pytest.raises(NotImplementedError) as refused:
                getattr(sock, method)(*arguments)
            assert str(refused.value).startswith(method + " not allowed")
        for method in ("sendto", "recvfrom", "recvfrom_into"):
            with pytest.raises(ValueError, match=method + " not allowed"):
                getattr(sock, method)(b"x", ("127.0.0.1", 9))


def test_unconnected_tls_sockets_make_the_plain_datagram_calls_like_the_stdlib(
        ca, server_cert):
    """Before it is connected, a TLS socket's datagram calls are the plain
    socket's, which fail: a stream socket with no peer (the stdlib's)."""
    from cffisock import tls

    context = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
    with context.wrap_socket(cffisock.socket(), server_hostname="localhost") as sock:
        for method, arguments in (("sendto", (b"x", ("127.0.0.1", 9))),
                                  ("recvfrom", (1,)),
                                  ("recvfrom_into", (bytearray(1), 1))):
            with pytest.raises(OSError) as failed:
                getattr(sock, method)(*arguments)
            assert failed.value.errno in (errno.ENOTCONN, errno.EPIPE), method


# -- IP-level control messages: PKTINFO, TOS/TCLASS, TTL/HOPLIMIT --------------------

IPV4 = (cffisock.AF_INET, "127.0.0.1", cffisock.IPPROTO_IP)
IPV6 = (cffisock.AF_INET6, "::1", cffisock.IPPROTO_IPV6)


def loopback_index():
    return cffisock.if_nametoindex("lo")


# (name, family/host/level, option enabling the message on the receiver,
#  control message the sender adds, type of the received message, decoder,
#  expected decoded value)
IP_CONTROL_CASES = [
    ("IP_PKTINFO", IPV4, "IP_PKTINFO", None, "IP_PKTINFO",
     lambda data: struct.unpack("=I4s4s", data)[::2],
     lambda: (loopback_index(), cffisock.inet_aton("127.0.0.1"))),
    ("IP_TOS", IPV4, "IP_RECVTOS", ("IP_TOS", 0x28), "IP_TOS",
     lambda data: data[0], lambda: 0x28),
    ("IP_TTL", IPV4, "IP_RECVTTL", ("IP_TTL", 7), "IP_TTL",
     lambda data: struct.unpack("=i", data)[0], lambda: 7),
    ("IPV6_PKTINFO", IPV6, "IPV6_RECVPKTINFO", None, "IPV6_PKTINFO",
     lambda data: struct.unpack("=16sI", data)[::-1],
     lambda: (loopback_index(), cffisock.inet_pton(cffisock.AF_INET6, "::1"))),
    ("IPV6_TCLASS", IPV6, "IPV6_RECVTCLASS", ("IPV6_TCLASS", 0x28), "IPV6_TCLASS",
     lambda data: struct.unpack("=i", data)[0], lambda: 0x28),
    ("IPV6_HOPLIMIT", IPV6, "IPV6_RECVHOPLIMIT", ("IPV6_HOPLIMIT", 9), "IPV6_HOPLIMIT",
     lambda data: struct.unpack("=i", data)[0], lambda: 9),
]


@pytest.mark.parametrize("direction", ["stdlib to cffisock", "cffisock to stdlib"])
@pytest.mark.parametrize("name, network, enable, send, received_type, decode, expected",
                         IP_CONTROL_CASES, ids=[case[0] for case in IP_CONTROL_CASES])
def test_ip_control_messages_cross_with_the_stdlib(
        direction, name, network, enable, send, received_type, decode, expected):
    # Option values come from cffisock (IP_RECVTTL only reached the stdlib
    # in 3.14); both modules pass them to the same kernel.
    family, host, level = network
    names = [enable, received_type] + ([send[0]] if send else [])
    missing = [option for option in names if not hasattr(cffisock, option)]
    if missing:
        pytest.skip("this platform's headers lack %s" % ", ".join(missing))
    if family == cffisock.AF_INET6 and not ipv6_loopback_works():
        pytest.skip("no IPv6 on the loopback interface of this machine")
    sender_module, receiver_module = (
        (stdlib_socket, cffisock) if direction == "stdlib to cffisock" else (cffisock, stdlib_socket))
    with sender_module.socket(family, sender_module.SOCK_DGRAM) as sender, \
            receiver_module.socket(family, receiver_module.SOCK_DGRAM) as receiver:
        receiver.bind((host, 0))
        receiver.settimeout(10)
        receiver.setsockopt(level, getattr(cffisock, enable), 1)
        ancdata = []
        if send:
            ancdata = [(level, getattr(cffisock, send[0]), struct.pack("=i", send[1]))]
        assert sender.sendmsg([b"payload"], ancdata, 0, receiver.getsockname()) == 7
        data, received, flags, _ = receiver.recvmsg(64, cffisock.CMSG_SPACE(64))
    assert data == b"payload" and flags == 0
    matching = [item for item in received
                if item[:2] == (level, getattr(cffisock, received_type))]
    assert len(matching) == 1, received
    assert decode(matching[0][2]) == expected()
