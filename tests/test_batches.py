"""Batched datagrams: recvmmsg, recvmmsg_into and sendmmsg, checked against
stdlib peers and against cffisock's own one-datagram calls."""

import array
import os
import socket as stdlib
import threading
import time

import pytest

import cffisock
from support.loopback import requires_ipv6


def udp_pair(family=cffisock.AF_INET, host="127.0.0.1"):
    """A bound cffisock receiver and a bound stdlib sender."""
    receiver = cffisock.socket(family, cffisock.SOCK_DGRAM)
    receiver.bind((host, 0))
    sender = stdlib.socket(family, stdlib.SOCK_DGRAM)
    sender.bind((host, 0))
    return receiver, sender


@pytest.fixture
def pair(fd_leak_check):
    receiver, sender = udp_pair()
    yield receiver, sender
    receiver.close()
    sender.close()


def send_all(sender, destination, payloads):
    for payload in payloads:
        sender.sendto(payload, destination)


def test_recvmmsg_returns_queued_datagrams_in_order_with_their_source(pair):
    receiver, sender = pair
    payloads = [os.urandom(size) for size in (1, 64, 500, 0, 1400)]
    send_all(sender, receiver.getsockname(), payloads)
    batch = receiver.recvmmsg(len(payloads), 2048)
    assert [data for data, _ in batch] == payloads
    assert {address for _, address in batch} == {sender.getsockname()}


def test_recvmmsg_takes_at_most_count_and_leaves_the_rest_queued(pair):
    receiver, sender = pair
    payloads = [b"%d" % number for number in range(10)]
    send_all(sender, receiver.getsockname(), payloads)
    received = []
    for expected in (4, 4, 2):
        batch = receiver.recvmmsg(4, 16)
        assert len(batch) == expected
        received.extend(data for data, _ in batch)
    assert received == payloads


def test_recvmmsg_truncates_long_datagrams_like_recvfrom(pair):
    receiver, sender = pair
    send_all(sender, receiver.getsockname(), [b"abcdefgh", b"ijklmnop"])
    assert receiver.recvmmsg(1, 3)[0][0] == b"abc"
    assert receiver.recvfrom(3)[0] == b"ijk"
    send_all(sender, receiver.getsockname(), [b"qrstuv"])
    assert receiver.recvmmsg(1, 0)[0][0] == b""


def test_recvmmsg_blocks_until_the_first_datagram(pair, background):
    receiver, sender = pair
    call = background(receiver.recvmmsg, 8, 64)
    time.sleep(0.2)
    assert call.is_alive()
    sender.sendto(b"late", receiver.getsockname())
    assert [data for data, _ in call.result(timeout=10)] == [b"late"]


def test_recvmmsg_honours_the_socket_timeout_and_non_blocking_mode(pair):
    receiver, _ = pair
    receiver.settimeout(0.1)
    started = time.monotonic()
    with pytest.raises(cffisock.timeout):
        receiver.recvmmsg(4, 64)
    assert 0.09 <= time.monotonic() - started < 5
    receiver.setblocking(False)
    with pytest.raises(BlockingIOError):
        receiver.recvmmsg(4, 64)


def test_the_timeout_window_collects_late_datagrams_until_the_batch_is_full(pair, background):
    receiver, sender = pair
    destination = receiver.getsockname()
    sender.sendto(b"first", destination)

    def trickle():
        for number in range(3):
            time.sleep(0.05)
            sender.sendto(b"late %d" % number, destination)

    background(trickle)
    started = time.monotonic()
    batch = receiver.recvmmsg(4, 64, timeout=10)
    assert [data for data, _ in batch] == [b"first", b"late 0", b"late 1", b"late 2"]
    assert time.monotonic() - started < 5  # ended when full, not at the window's end


def test_the_timeout_window_ends_a_short_batch(pair):
    receiver, sender = pair
    send_all(sender, receiver.getsockname(), [b"a", b"b"])
    started = time.monotonic()
    batch = receiver.recvmmsg(10, 64, timeout=0.1)
    elapsed = time.monotonic() - started
    assert [data for data, _ in batch] == [b"a", b"b"]
    assert 0.09 <= elapsed < 5


def test_without_a_window_recvmmsg_returns_what_is_queued_at_once(pair):
    receiver, sender = pair
    send_all(sender, receiver.getsockname(), [b"only"])
    started = time.monotonic()
    assert len(receiver.recvmmsg(10, 64)) == 1
    assert time.monotonic() - started < 1


def test_recvmmsg_into_fills_the_callers_buffers(pair):
    receiver, sender = pair
    payloads = [b"alpha", b"be", b"gamma-ray"]
    send_all(sender, receiver.getsockname(), payloads)
    buffers = [bytearray(8), memoryview(bytearray(8)), array.array("b", bytes(8))]
    batch = receiver.recvmmsg_into(buffers)
    assert [nbytes for nbytes, _ in batch] == [5, 2, 8]
    assert {address for _, address in batch} == {sender.getsockname()}
    assert bytes(buffers[0][:5]) == b"alpha"
    assert bytes(buffers[1][:2]) == b"be"
    assert buffers[2].tobytes() == b"gamma-ra"


def test_recvmmsg_into_refuses_read_only_buffers_and_empty_lists(pair):
    receiver, _ = pair
    with pytest.raises(TypeError):
        receiver.recvmmsg_into([bytearray(4), b"read-only"])
    with pytest.raises(ValueError):
        receiver.recvmmsg_into([])


@pytest.mark.parametrize("arguments, exception", [
    ((0, 64), ValueError),
    ((-1, 64), ValueError),
    ((4, -1), ValueError),
    (("4", 64), TypeError),
    ((4, 64.0), TypeError),
    ((4, 64, 0, -1.0), ValueError),
    ((4, 64, 0, "soon"), ValueError),
    ((4, 64, "flags"), TypeError),
])
def test_bad_recvmmsg_arguments_raise(pair, arguments, exception):
    receiver, sender = pair
    sender.sendto(b"kept", receiver.getsockname())
    with pytest.raises(exception):
        receiver.recvmmsg(*arguments)
    assert receiver.recvfrom(16)[0] == b"kept"  # nothing was consumed


@pytest.mark.parametrize("method, call", [
    ("recvmmsg", lambda sock: sock.recvmmsg(4, 64, 0, -1.0)),
    ("recvmmsg_into", lambda sock: sock.recvmmsg_into([bytearray(8)], 0, -1.0)),
])
def test_a_negative_timeout_is_refused_in_the_callers_name(pair, method, call):
    receiver, _ = pair
    with pytest.raises(ValueError, match=r"^%s\(\) timeout must be a non-negative" % method):
        call(receiver)


def test_sendmmsg_sends_every_message_to_its_address(fd_leak_check):
    first, first_sender = udp_pair()
    second = stdlib.socket(stdlib.AF_INET, stdlib.SOCK_DGRAM)
    second.bind(("127.0.0.1", 0))
    with first, first_sender, second:
        sender = cffisock.socket(cffisock.AF_INET, cffisock.SOCK_DGRAM)
        with sender:
            sender.bind(("127.0.0.1", 0))
            messages = [(b"to first %d" % number, first.getsockname()) for number in range(3)]
            messages.append((bytearray(b"to second"), second.getsockname()))
            messages.append((memoryview(b"to first again"), first.getsockname()))
            assert sender.sendmmsg(messages) == 5
            source = sender.getsockname()
            assert [first.recvfrom(64) for _ in range(4)] == [
                (bytes(data), source) for data, address in messages
                if address == first.getsockname()]
            assert second.recvfrom(64) == (b"to second", source)


def test_sendmmsg_on_a_connected_socket_takes_none_for_the_address(pair):
    receiver, _ = pair
    with cffisock.socket(cffisock.AF_INET, cffisock.SOCK_DGRAM) as sender:
        sender.connect(receiver.getsockname())
        assert sender.sendmmsg([(b"one", None), (b"two", None)]) == 2
        assert sender.sendmmsg([]) == 0
        assert [data for data, _ in receiver.recvmmsg(4, 16)] == [b"one", b"two"]


def sendto_error(data, address):
    """The exception type cffisock's sendto raises (its errors are held to
    the stdlib's by test_socket_conformance.py and
    test_addresses_conformance.py)."""
    with cffisock.socket(cffisock.AF_INET, cffisock.SOCK_DGRAM) as sock:
        try:
            sock.sendto(data, address)
        except Exception as error:
            return type(error)
    return None


@pytest.mark.parametrize("message", [
    ("text", ("127.0.0.1", 9)),
    (b"data", ("127.0.0.1", 70000)),
    (b"data", ("127.0.0.1",)),
    (b"data", "127.0.0.1"),
    (b"data", ("127.0.0.1\0", 9)),
])
def test_bad_sendmmsg_messages_raise_what_sendto_raises(pair, message):
    with cffisock.socket(cffisock.AF_INET, cffisock.SOCK_DGRAM) as sender:
        expected = sendto_error(*message)
        assert expected is not None
        with pytest.raises(expected):
            sender.sendmmsg([(b"fine", ("127.0.0.1", 9)), message])


@pytest.mark.parametrize("item", [b"no address", (b"data",), (b"a", None, 0), 7])
def test_sendmmsg_items_must_be_pairs(pair, item):
    with cffisock.socket(cffisock.AF_INET, cffisock.SOCK_DGRAM) as sender:
        with pytest.raises(TypeError):
            sender.sendmmsg([item])


@requires_ipv6
def test_batches_over_ipv6(fd_leak_check):
    receiver, sender = udp_pair(cffisock.AF_INET6, "::1")
    with receiver, sender:
        with cffisock.socket(cffisock.AF_INET6, cffisock.SOCK_DGRAM) as batch_sender:
            batch_sender.bind(("::1", 0))
            destination = receiver.getsockname()
            assert batch_sender.sendmmsg([(b"six", destination), (b"six!", destination)]) == 2
            batch = receiver.recvmmsg(2, 16)
            assert [data for data, _ in batch] == [b"six", b"six!"]
            assert batch[0][1] == batch_sender.getsockname()


def test_batches_over_unix_datagram_sockets(tmp_path, fd_leak_check):
    path = str(tmp_path / "receiver")
    with cffisock.socket(cffisock.AF_UNIX, cffisock.SOCK_DGRAM) as receiver, \
            cffisock.socket(cffisock.AF_UNIX, cffisock.SOCK_DGRAM) as sender:
        receiver.bind(path)
        sender.bind(str(tmp_path / "sender"))
        assert sender.sendmmsg([(b"u1", path), (b"u2", path)]) == 2
        assert receiver.recvmmsg(4, 16) == [(b"u1", sender.getsockname()),
                                            (b"u2", sender.getsockname())]


def test_an_error_after_the_first_datagram_is_deferred_and_nothing_is_lost(fd_leak_check):
    # A connected UDP socket whose peer goes away gets ECONNREFUSED (from
    # the ICMP port-unreachable reply) on a later receive.  Whenever that
    # error arrives relative to the batch, every datagram is delivered once
    # and the error is raised once.
    receiver, peer = udp_pair()
    with receiver, peer:
        receiver.connect(peer.getsockname())
        peer.connect(receiver.getsockname())
        peer.send(b"before")
        received, errors = [], 0
        result = {}

        def collect():
            try:
                result["batch"] = receiver.recvmmsg(4, 64, timeout=5)
            except OSError as error:
                result["error"] = error

        thread = threading.Thread(target=collect)
        thread.start()
        time.sleep(0.2)
        peer.close()
        receiver.send(b"to nobody")  # provokes the ICMP error
        thread.join(10)
        assert not thread.is_alive()
        if "error" in result:
            assert isinstance(result["error"], ConnectionRefusedError)
            errors += 1
        else:
            received.extend(data for data, _ in result["batch"])
        receiver.settimeout(0.5)
        for _ in range(4):
            try:
                received.extend(data for data, _ in receiver.recvmmsg(4, 64))
            except ConnectionRefusedError:
                errors += 1
            except cffisock.timeout:
                break
        assert received == [b"before"]
        assert errors == 1


def test_closed_sockets_raise_ebadf(pair):
    receiver, _ = pair
    receiver.close()
    for call in (lambda: receiver.recvmmsg(1, 1),
                 lambda: receiver.recvmmsg_into([bytearray(1)]),
                 lambda: receiver.sendmmsg([(b"x", ("127.0.0.1", 9))])):
        with pytest.raises(OSError) as raised:
            call()
        assert raised.value.errno == 9


def test_the_gil_is_released_while_recvmmsg_blocks(pair, background):
    receiver, sender = pair
    call = background(receiver.recvmmsg, 1, 16)
    counted = 0
    deadline = time.monotonic() + 0.2
    while time.monotonic() < deadline:
        counted += 1
    assert counted > 1000
    sender.sendto(b"go", receiver.getsockname())
    assert call.result(timeout=10)[0][0] == b"go"
