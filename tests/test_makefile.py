"""socket.makefile(): file objects over a socket, checked against the stdlib.

Where the stdlib can answer, the same story is played with a stdlib socket
pair and a cffisock socket pair and the observations are compared.
"""

import contextlib
import io
import os
import socket as stdlib_socket
import time

import pytest

import cffisock
from support.comparison import same_outcome
from support.loopback import recv_exactly

MODES = ["r", "w", "rb", "wb", "rwb", "rw"]


# -- helpers -------------------------------------------------------------------


def socket_pair(mod, stack):
    """A connected AF_UNIX stream pair of ``mod``, closed by ``stack``, with
    a safety timeout so that no read can hang."""
    first, second = mod.socketpair()
    for sock in (first, second):
        stack.enter_context(sock)
        sock.settimeout(10)
    return first, second


def on_blocking_pair(story):
    """``mod -> story(first, second, stack)`` on a fresh blocking socket pair
    (socket_pair: files read from it wait, bounded by its timeout)."""
    def run(mod):
        with contextlib.ExitStack() as stack:
            first, second = socket_pair(mod, stack)
            return story(first, second, stack)
    return run


def fd_is_open(fd):
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def file_shape(f):
    return (type(f).__name__, isinstance(f, io.RawIOBase), getattr(f, "mode", None),
            f.readable(), f.writable())


# -- modes and buffering -----------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_mode_gives_the_stdlibs_kind_of_file(mode):
    def shape(first, second, stack):
        return file_shape(stack.enter_context(first.makefile(mode)))

    reference, result = same_outcome(on_blocking_pair(shape))
    assert result == reference
    assert result[0] == "returned"


@pytest.mark.parametrize("mode", ["rb", "wb", "rwb"])
def test_unbuffered_binary_file_is_the_raw_socket_io(mode):
    def shape(first, second, stack):
        return file_shape(stack.enter_context(first.makefile(mode, buffering=0)))

    reference, result = same_outcome(on_blocking_pair(shape))
    assert result == reference
    assert result[1][1] is True  # an io.RawIOBase


@pytest.mark.parametrize("mode", ["r", "w", "rw"])
def test_unbuffered_text_file_raises_valueerror(mode):
    first, second = cffisock.socketpair()
    fd = first.fileno()
    with second:
        with pytest.raises(ValueError):
            first.makefile(mode, buffering=0)
        first.close()
    assert not fd_is_open(fd), "the refused file kept the socket open"


@pytest.mark.parametrize("mode", ["x", "a", "rt", "r+", "wt", "rbx"])
def test_invalid_mode_raises_valueerror_like_the_stdlib(mode):
    reference, result = same_outcome(
        on_blocking_pair(lambda first, second, stack: first.makefile(mode)))
    assert result == reference
    assert result[:2] == ("raised", "ValueError")


@pytest.mark.parametrize("buffering", [None, -1, 1, 16, 1 << 16])
def test_buffering_sizes_all_carry_the_data(buffering):
    def round_trip(first, second, stack):
        writer = stack.enter_context(first.makefile("wb", buffering=buffering))
        reader = stack.enter_context(second.makefile("rb", buffering=buffering))
        writer.write(b"x" * 100 + b"\n")
        writer.flush()
        return reader.readline()

    reference, result = same_outcome(on_blocking_pair(round_trip))
    assert result == reference == ("returned", b"x" * 100 + b"\n")


# -- data through the files ------------------------------------------------------------


def test_binary_rw_file_round_trip(connected_pair):
    client, server_side = connected_pair
    with client.makefile("rwb") as near, server_side.makefile("rwb") as far:
        near.write(b"question\n")
        near.flush()
        assert far.readline() == b"question\n"
        far.write(b"answer\n")
        far.flush()
        assert near.readline() == b"answer\n"


def test_text_rw_file_round_trip(connected_pair):
    client, server_side = connected_pair
    with client.makefile("rw", encoding="utf-8") as near, \
            server_side.makefile("rw", encoding="utf-8") as far:
        near.write("h\u00e9llo\n")
        near.flush()
        assert far.readline() == "h\u00e9llo\n"
        far.write("w\u00f6rld\n")
        far.flush()
        assert near.readline() == "w\u00f6rld\n"


@pytest.mark.parametrize("mode", ["rb", "r"])
def test_readline_joins_pieces_arriving_separately(connected_pair, background, mode):
    client, server_side = connected_pair
    pieces = [b"hel", b"lo\nwor", b"ld\nla", b"st\n"]

    def send_pieces():
        for piece in pieces:
            client.sendall(piece)
            time.sleep(0.02)  # separate arrivals: readline must wait for more
        client.shutdown(cffisock.SHUT_WR)

    peer = background(send_pieces)
    with server_side.makefile(mode, encoding=None if "b" in mode else "ascii") as f:
        lines = [f.readline() for _ in range(4)]
    peer.result()
    expected = [b"hello\n", b"world\n", b"last\n", b""]
    if "b" not in mode:
        expected = [line.decode("ascii") for line in expected]
    assert lines == expected


def test_text_file_iterates_lines_until_the_peer_closes(connected_pair):
    client, server_side = connected_pair
    client.sendall(b"one\ntwo\nthree")
    client.shutdown(cffisock.SHUT_WR)
    with server_side.makefile("r", encoding="ascii") as f:
        assert list(f) == ["one\n", "two\n", "three"]


@pytest.mark.parametrize("options, data", [
    pytest.param(dict(encoding="latin-1"), b"caf\xe9\n", id="latin-1"),
    pytest.param(dict(encoding="utf-8", errors="replace"), b"bad \xff byte\n", id="errors-replace"),
    pytest.param(dict(encoding="ascii", errors="ignore"), b"bad \xff byte\n", id="errors-ignore"),
    pytest.param(dict(encoding="ascii", newline=None), b"a\r\nb\rc\n", id="newline-None"),
    pytest.param(dict(encoding="ascii", newline=""), b"a\r\nb\rc\n", id="newline-empty"),
    pytest.param(dict(encoding="ascii", newline="\r\n"), b"a\r\nb\rc\n", id="newline-crlf"),
])
def test_text_reading_options_like_the_stdlib(options, data):
    def read_text(first, second, stack):
        second.sendall(data)
        second.shutdown(stdlib_socket.SHUT_WR)
        f = stack.enter_context(first.makefile("r", **options))
        return f.encoding, f.errors, f.readlines()

    reference, result = same_outcome(on_blocking_pair(read_text))
    assert result == reference
    assert result[0] == "returned"


@pytest.mark.parametrize("options, text", [
    pytest.param(dict(encoding="latin-1"), "caf\u00e9\n", id="latin-1"),
    pytest.param(dict(encoding="ascii", errors="replace"), "caf\u00e9\n", id="errors-replace"),
    pytest.param(dict(encoding="ascii", errors="backslashreplace"), "caf\u00e9\n",
                 id="errors-backslashreplace"),
    pytest.param(dict(encoding="ascii", newline="\r\n"), "a\nb\n", id="newline-crlf"),
    pytest.param(dict(encoding="ascii", newline="\r"), "a\nb\n", id="newline-cr"),
    pytest.param(dict(encoding="utf-16-le"), "hi\n", id="utf-16"),
])
def test_text_writing_options_like_the_stdlib(options, text):
    def write_text(first, second, stack):
        with first.makefile("w", **options) as f:
            f.write(text)
        first.shutdown(stdlib_socket.SHUT_WR)
        return recv_exactly(second, 1 << 16)

    reference, result = same_outcome(on_blocking_pair(write_text))
    assert result == reference
    assert result[0] == "returned" and result[1]


def test_text_encoding_error_raises_like_the_stdlib():
    def write_text(first, second, stack):
        f = first.makefile("w", encoding="ascii", errors="strict")
        try:
            f.write("caf\u00e9")
        finally:
            f.detach().detach().close()  # drop the unflushed text quietly

    reference, result = same_outcome(on_blocking_pair(write_text))
    assert result == reference
    assert result[:2] == ("raised", "UnicodeEncodeError")


def test_buffered_write_arrives_only_when_flushed(connected_pair):
    client, server_side = connected_pair
    with client.makefile("wb") as f:
        f.write(b"held")
        server_side.setblocking(False)
        with pytest.raises(BlockingIOError):
            server_side.recv(10)
        f.flush()
        server_side.settimeout(10)
        assert recv_exactly(server_side, 4) == b"held"


def test_closing_the_file_flushes_it(connected_pair):
    client, server_side = connected_pair
    f = client.makefile("w", encoding="ascii")
    f.write("on close\n")
    f.close()
    assert recv_exactly(server_side, 9) == b"on close\n"


# -- reference counting: the socket and its files ------------------------------------


def close_socket_first(first, second, stack):
    fd = first.fileno()
    f = first.makefile("rwb")
    first.close()
    story = [first.fileno() == fd, fd_is_open(fd)]
    f.write(b"still works")
    f.flush()
    story.append(recv_exactly(second, 11))
    second.sendall(b"back")
    story.append(f.read(4))
    f.close()
    story += [first.fileno(), fd_is_open(fd)]
    return story


def close_file_first(first, second, stack):
    fd = first.fileno()
    f = first.makefile("rb")
    f.close()
    story = [first.fileno() == fd, fd_is_open(fd)]
    first.sendall(b"socket")
    story.append(recv_exactly(second, 6))
    first.close()
    story += [first.fileno(), fd_is_open(fd)]
    return story


def two_files(first, second, stack):
    fd = first.fileno()
    reader = first.makefile("rb")
    writer = first.makefile("wb")
    first.close()
    story = [fd_is_open(fd)]
    reader.close()
    story.append(fd_is_open(fd))
    writer.write(b"last")
    writer.close()
    story += [first.fileno(), recv_exactly(second, 4), fd_is_open(fd)]
    return story


def closing_a_file_twice(first, second, stack):
    fd = first.fileno()
    one = first.makefile("rb")
    two = first.makefile("rb")
    one.close()
    one.close()  # must not count as the second file's close
    first.close()
    story = [fd_is_open(fd)]
    two.close()
    return story + [fd_is_open(fd)]


@pytest.mark.parametrize("story", [
    close_socket_first, close_file_first, two_files, closing_a_file_twice,
], ids=lambda story: story.__name__)
def test_socket_and_files_share_the_descriptor_like_the_stdlib(story):
    reference, result = same_outcome(on_blocking_pair(story))
    assert result == reference
    assert result[0] == "returned"
    assert result[1][-1] is False  # closed once the socket and its files are


@pytest.mark.parametrize("mode, buffering", [
    ("rb", None), ("wb", None), ("r", None), ("w", None), ("rb", 0), ("rwb", 0),
])
def test_file_fileno_is_the_sockets_until_closed(mode, buffering):
    def filenos(first, second, stack):
        f = first.makefile(mode, buffering=buffering)
        same = f.fileno() == first.fileno()
        f.close()
        try:
            f.fileno()
        except ValueError:
            return same, "ValueError"
        return same, "no error"

    reference, result = same_outcome(on_blocking_pair(filenos))
    assert result == reference == ("returned", (True, "ValueError"))


@pytest.mark.parametrize("mode", ["rb", "wb", "rwb"])
def test_raw_file_name_and_mode_like_the_stdlib(mode):
    def names(first, second, stack):
        raw = first.makefile(mode, buffering=0)
        before = (raw.name == first.fileno(), raw.mode)
        raw.close()
        return before, raw.name, raw.closed

    reference, result = same_outcome(on_blocking_pair(names))
    assert result == reference
    assert result[0] == "returned"


@pytest.mark.parametrize("operation", [
    pytest.param(lambda raw: raw.read(1), id="read"),
    pytest.param(lambda raw: raw.readinto(bytearray(1)), id="readinto"),
    pytest.param(lambda raw: raw.write(b"x"), id="write"),
    pytest.param(lambda raw: raw.readable(), id="readable"),
    pytest.param(lambda raw: raw.writable(), id="writable"),
    pytest.param(lambda raw: raw.seekable(), id="seekable"),
])
def test_closed_raw_file_refuses_operations_like_the_stdlib(operation):
    def on_closed(first, second, stack):
        raw = first.makefile("rwb", buffering=0)
        raw.close()
        return operation(raw)

    reference, result = same_outcome(on_blocking_pair(on_closed))
    assert result == reference
    assert result[:2] == ("raised", "ValueError")


def test_write_only_file_refuses_reading_like_the_stdlib():
    reference, result = same_outcome(on_blocking_pair(
        lambda first, second, stack:
            stack.enter_context(first.makefile("wb", buffering=0)).read(1)))
    assert result == reference
    assert result[0] == "raised"


# -- timeouts and non-blocking sockets -----------------------------------------------


def read_after_timeout(first, second, stack):
    first.settimeout(0.05)
    f = stack.enter_context(first.makefile("rb"))
    errors = []
    for _ in range(2):
        try:
            f.read(1)
        except OSError as exc:
            errors.append((type(exc).__name__, str(exc)))
    second.sendall(b"data")  # data arriving later does not revive the file
    try:
        f.read(1)
    except OSError as exc:
        errors.append((type(exc).__name__, str(exc)))
    return errors


def test_timeout_during_read_makes_later_reads_fail_like_the_stdlib():
    reference, result = same_outcome(on_blocking_pair(read_after_timeout))
    assert result == reference
    first_error, second_error, third_error = result[1]
    assert first_error[0] == stdlib_socket.timeout.__name__
    assert second_error[0] == third_error[0] == "OSError"


def test_timeout_during_read_raises_the_timeout_exception(connected_pair):
    _, server_side = connected_pair
    server_side.settimeout(0.05)
    with server_side.makefile("rb") as f:
        with pytest.raises(cffisock.timeout):
            f.read(1)
        with pytest.raises(OSError) as info:
            f.read(1)
    assert not isinstance(info.value, TimeoutError)


@pytest.mark.parametrize("operation", [
    pytest.param(lambda raw: raw.read(10), id="read"),
    pytest.param(lambda raw: raw.readinto(bytearray(10)), id="readinto"),
])
def test_non_blocking_raw_read_without_data_returns_none(operation):
    def read_nothing(first, second, stack):
        first.setblocking(False)
        return operation(stack.enter_context(first.makefile("rb", buffering=0)))

    reference, result = same_outcome(on_blocking_pair(read_nothing))
    assert result == reference == ("returned", None)


def test_non_blocking_buffered_read_without_data_like_the_stdlib():
    def read_nothing(first, second, stack):
        first.setblocking(False)
        f = stack.enter_context(first.makefile("rb"))
        return f.read(10), f.read1(10)

    reference, result = same_outcome(on_blocking_pair(read_nothing))
    assert result == reference


def test_non_blocking_raw_write_on_a_full_socket_returns_none():
    def write_when_full(first, second, stack):
        first.setblocking(False)
        raw = stack.enter_context(first.makefile("wb", buffering=0))
        chunk = bytes(1 << 16)
        for _ in range(10000):
            written = raw.write(chunk)
            if written is None:
                return None
        return "never full"

    reference, result = same_outcome(on_blocking_pair(write_when_full))
    assert result == reference == ("returned", None)


def test_non_blocking_raw_read_returns_data_when_there_is_some(connected_pair):
    client, server_side = connected_pair
    client.sendall(b"ready")
    server_side.settimeout(10)
    assert server_side.recv(5, cffisock.MSG_PEEK) == b"ready"  # it has arrived
    server_side.setblocking(False)
    with server_side.makefile("rb", buffering=0) as raw:
        assert raw.read(10) == b"ready"
