import cffisock


def test_socketpair_round_trip():
    first, second = cffisock.socketpair()
    with first, second:
        assert first.send(b"hello") == 5
        assert second.recv(5) == b"hello"
