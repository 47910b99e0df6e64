"""Sending and receiving on the socket object: send, sendall, sendto, recv,
recvfrom, recv_into, recvfrom_into, over TCP, UDP and socketpairs, checked
against the stdlib.

Every socket is on loopback (127.0.0.1) or a socketpair.
"""

import contextlib
import os
import socket as stdlib_socket
from operator import index as operator_index

import pytest

import cffisock
from support.comparison import ON_PYPY, same_outcome
from support.loopback import connected_tcp, recv_exactly, udp_bound


# -- sending and receiving ------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"bytes", bytearray(b"bytearray"),
                                  memoryview(b"xmemoryviewx")[1:-1]],
                         ids=["bytes", "bytearray", "memoryview"])
def test_send_returns_count_and_recv_gets_the_bytes(connected_pair, data):
    client, server_side = connected_pair
    assert client.send(data) == len(data)
    assert recv_exactly(server_side, len(data)) == bytes(data)


def test_send_refuses_str_like_the_stdlib():
    def send_str(mod):
        with contextlib.ExitStack() as stack:
            client, _ = connected_tcp(mod, stack)
            client.send("text")

    reference, result = same_outcome(send_str)
    assert result == reference == ("raised", "TypeError", None)


def test_recv_zero_bytes_returns_empty(connected_pair):
    client, server_side = connected_pair
    client.sendall(b"x")
    assert server_side.recv(0) == b""


def test_recv_negative_size_raises_valueerror(connected_pair):
    with pytest.raises(ValueError):
        connected_pair[0].recv(-1)


def test_recv_returns_empty_bytes_when_peer_closes(connected_pair):
    client, server_side = connected_pair
    client.close()
    assert server_side.recv(10) == b""


def test_recv_with_msg_peek_leaves_the_data(connected_pair):
    client, server_side = connected_pair
    client.sendall(b"peek")
    for _ in range(100):
        if server_side.recv(4, cffisock.MSG_PEEK) == b"peek":
            break
    assert server_side.recv(4) == b"peek"


def test_sendall_sends_everything(connected_pair, background):
    client, server_side = connected_pair
    payload = os.urandom(1 << 20)
    reader = background(recv_exactly, server_side, len(payload))
    assert client.sendall(payload) is None
    assert reader.result() == payload


def test_recv_into_fills_the_buffer(connected_pair):
    client, server_side = connected_pair
    client.sendall(b"abcdef")
    buffer = bytearray(6)
    count = 0
    for _ in range(100):
        if count == 6:
            break
        count += server_side.recv_into(memoryview(buffer)[count:])
    assert buffer == b"abcdef"


def test_recv_into_honours_nbytes(connected_pair):
    client, server_side = connected_pair
    client.sendall(b"abcdef")
    buffer = bytearray(b"......")
    assert server_side.recv_into(buffer, 2) == 2
    assert buffer == b"ab...."
    assert recv_exactly(server_side, 4) == b"cdef"


@pytest.mark.parametrize("call", [
    pytest.param(lambda s: s.recv_into(bytearray(2), 3), id="recv_into-too-small"),
    pytest.param(lambda s: s.recv_into(bytearray(2), -1), id="recv_into-negative"),
    pytest.param(lambda s: s.recv_into(b"readonly"), id="recv_into-readonly"),
    pytest.param(lambda s: s.recvfrom_into(bytearray(2), 3), id="recvfrom_into-too-small"),
    pytest.param(lambda s: s.recvfrom_into(b"readonly"), id="recvfrom_into-readonly"),
    pytest.param(lambda s: s.recvfrom(-1), id="recvfrom-negative"),
])
def test_bad_receive_arguments_raise_like_the_stdlib(call):
    def receive(mod):
        with contextlib.ExitStack() as stack:
            _, server_side = connected_tcp(mod, stack)
            call(server_side)

    reference, result = same_outcome(receive)
    assert result == reference
    assert result[0] == "raised"


def test_recvfrom_on_tcp_returns_address_like_the_stdlib():
    def tcp_recvfrom(mod):
        with contextlib.ExitStack() as stack:
            client, server_side = connected_tcp(mod, stack)
            client.sendall(b"tcp")
            return server_side.recvfrom(3)

    reference, result = same_outcome(tcp_recvfrom)
    assert result == reference == ("returned", (b"tcp", None))


@pytest.mark.parametrize("with_flags", [False, True], ids=["address", "flags-address"])
def test_udp_sendto_and_recvfrom_give_the_senders_address(with_flags):
    with contextlib.ExitStack() as stack:
        receiver = udp_bound(cffisock, stack)
        sender = udp_bound(cffisock, stack)
        args = (0, receiver.getsockname()) if with_flags else (receiver.getsockname(),)
        assert sender.sendto(b"datagram", *args) == 8
        data, address = receiver.recvfrom(100)
        assert data == b"datagram"
        assert address == sender.getsockname()


@pytest.mark.parametrize("arguments", [(), (b"x",), (b"x", 0, ("127.0.0.1", 9), "extra")],
                         ids=["none", "data only", "four"])
def test_sendto_counts_a_wrong_number_of_arguments_in_the_stdlib_s_words(arguments):
    def call(module):
        with module.socket(module.AF_INET, module.SOCK_DGRAM) as sock:
            return sock.sendto(*arguments)

    reference, result = same_outcome(call)
    assert result[:2] == reference[:2] == ("raised", "TypeError")
    if not ON_PYPY:  # (PyPy's socket words it as a Python function's error)
        assert result.message == reference.message  # "sendto() takes 2 or 3 arguments (1 given)"


def test_sendto_takes_no_keyword_arguments_as_the_stdlib_s():
    def call(module):
        with module.socket(module.AF_INET, module.SOCK_DGRAM) as sock:
            return sock.sendto(b"x", address=("127.0.0.1", 9))

    reference, result = same_outcome(call)
    assert result[:2] == reference[:2] == ("raised", "TypeError")


def test_recvfrom_and_accept_name_each_peer_among_more_than_are_remembered():
    """300 UDP senders, each heard twice in turn, and 300 accepted
    connections: every datagram and connection comes with its own peer's
    address (cffisock keeps the decoded addresses of the last 256 peers)."""
    with contextlib.ExitStack() as stack:
        receiver = udp_bound(cffisock, stack)
        receiver.setsockopt(cffisock.SOL_SOCKET, cffisock.SO_RCVBUF, 1 << 20)
        senders = [udp_bound(stdlib_socket, stack) for _ in range(300)]
        for round_ in range(2):
            for number, sender in enumerate(senders):
                sender.sendto(b"%d" % number, receiver.getsockname())
            for _ in senders:
                data, address = receiver.recvfrom(16)
                assert address == senders[int(data)].getsockname()
        listener = stack.enter_context(cffisock.create_server(("127.0.0.1", 0), backlog=32))
        for _ in range(300):
            with stdlib_socket.create_connection(listener.getsockname()) as client:
                accepted, address = listener.accept()
                accepted.close()
                assert address == client.getsockname()


class Size:
    """An integer-like object (``__index__``), as a recv size."""

    def __init__(self, value):
        self.value = value

    def __index__(self):
        return self.value


@pytest.mark.parametrize("size", [True, Size(2), Size(1 << 17)], ids=["bool", "index", "large"])
def test_recv_takes_integer_like_sizes_like_the_stdlib(size):
    """(On Python 3.9 and PyPy, operator.index(True) is still a bool: a recv
    that converted it and called itself again never returned.)"""
    received = {}
    for module in (stdlib_socket, cffisock):
        a, b = module.socketpair()
        with a, b:
            a.sendall(b"abc")
            received[module.__name__] = b.recv(size)
    assert received["cffisock"] == received["socket"] == b"abc"[:operator_index(size)]


def test_udp_recvfrom_into_honours_nbytes():
    with contextlib.ExitStack() as stack:
        receiver = udp_bound(cffisock, stack)
        sender = udp_bound(cffisock, stack)
        sender.sendto(b"0123456789", receiver.getsockname())
        buffer = bytearray(b"." * 8)
        count, address = receiver.recvfrom_into(buffer, 4)
        assert (count, bytes(buffer), address) == (4, b"0123....", sender.getsockname())


def test_udp_recvfrom_into_fills_the_whole_buffer_by_default():
    with contextlib.ExitStack() as stack:
        receiver = udp_bound(cffisock, stack)
        sender = udp_bound(cffisock, stack)
        sender.sendto(b"abc", receiver.getsockname())
        buffer = bytearray(8)
        assert receiver.recvfrom_into(buffer) == (3, sender.getsockname())
        assert buffer[:3] == b"abc"


def test_connected_udp_send_and_recv():
    with contextlib.ExitStack() as stack:
        first = udp_bound(cffisock, stack)
        second = udp_bound(cffisock, stack)
        first.connect(second.getsockname())
        second.connect(first.getsockname())
        first.send(b"one")
        second.send(b"two")
        assert second.recv(10) == b"one"
        assert first.recv(10) == b"two"
