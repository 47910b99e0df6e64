"""C addresses stay alive for the whole C call.

A sockaddr built in Python must be owned by the cdata passed to C: a cast
pointer whose owner was already collected made PyPy's bind() see a reused
buffer (EAFNOSUPPORT instead of EADDRINUSE).  Many rounds with garbage
collections in between make such a use-after-free show."""

import errno
import gc

import cffisock


def test_bind_sees_the_address_it_was_given(tcp_listener):
    busy = tcp_listener.getsockname()
    errors = set()
    for round_number in range(3000):
        if round_number % 100 == 0:
            gc.collect()
        with cffisock.socket() as sock:
            try:
                sock.bind(busy)
            except OSError as exc:
                errors.add(exc.errno)
    assert errors == {errno.EADDRINUSE}


def test_sendto_and_recvfrom_addresses_survive_collections():
    with cffisock.socket(cffisock.AF_INET, cffisock.SOCK_DGRAM) as receiver, \
            cffisock.socket(cffisock.AF_INET, cffisock.SOCK_DGRAM) as sender:
        receiver.bind(("127.0.0.1", 0))
        receiver.settimeout(10)
        sender.bind(("127.0.0.1", 0))
        target = receiver.getsockname()
        for round_number in range(2000):
            if round_number % 100 == 0:
                gc.collect()
            sender.sendto(b"%d" % round_number, target)
            data, source = receiver.recvfrom(64)
            assert (data, source) == (b"%d" % round_number, sender.getsockname())
