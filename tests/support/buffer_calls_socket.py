"""Buffer scenarios of the socket module: receives into, sends from,
addresses, module functions and socket files (registered with
``buffer_calls.scenario``)."""

import os
import sys

from buffer_calls import ONLY_BYTEARRAY, scenario


# ---------------------------------------------------------------- receives


@scenario("socket.recv_into", "returns", "returns")
def _(side, res, buffer):
    a, b = res.pair()
    b.sendall(b"x" * 8)
    return a.recv_into(buffer)


@scenario("socket.recv_into", "timeout", "timeout")
def _(side, res, buffer):
    return res.pair(timeout=0.02)[0].recv_into(buffer)


@scenario("socket.recv_into", "EAGAIN", "BlockingIOError")
def _(side, res, buffer):
    return res.pair(timeout=0.0)[0].recv_into(buffer)


@scenario("socket.recv_into", "EBADF after close", "OSError")
def _(side, res, buffer):
    a, _b = res.pair()
    a.close()
    return a.recv_into(buffer)


@scenario("socket.recv_into", "nbytes beyond the buffer", "ValueError")
def _(side, res, buffer):
    return res.pair()[0].recv_into(buffer, len(buffer) + 1)


@scenario("socket.recv_into", "flags of a wrong type", "TypeError")
def _(side, res, buffer):
    return res.pair()[0].recv_into(buffer, 0, "flags")


@scenario("socket.recvfrom_into", "returns", "returns")
def _(side, res, buffer):
    a, b = res.pair(side.socket.SOCK_DGRAM)
    b.send(b"x" * 8)
    return a.recvfrom_into(buffer)


@scenario("socket.recvfrom_into", "timeout", "timeout")
def _(side, res, buffer):
    return res.pair(side.socket.SOCK_DGRAM, timeout=0.02)[0].recvfrom_into(buffer)


@scenario("socket.recvfrom_into", "EAGAIN", "BlockingIOError")
def _(side, res, buffer):
    return res.pair(side.socket.SOCK_DGRAM, timeout=0.0)[0].recvfrom_into(buffer)


@scenario("socket.recvfrom_into", "EBADF after close", "OSError")
def _(side, res, buffer):
    a, _b = res.pair(side.socket.SOCK_DGRAM)
    a.close()
    return a.recvfrom_into(buffer)


@scenario("socket.recvfrom_into", "nbytes beyond the buffer", "ValueError")
def _(side, res, buffer):
    return res.pair(side.socket.SOCK_DGRAM)[0].recvfrom_into(buffer, len(buffer) + 1)


@scenario("socket.recvmsg_into", "returns", "returns")
def _(side, res, buffer):
    a, b = res.pair()
    b.sendall(b"x" * 8)
    return a.recvmsg_into([buffer])


@scenario("socket.recvmsg_into", "timeout", "timeout")
def _(side, res, buffer):
    return res.pair(timeout=0.02)[0].recvmsg_into([buffer])


@scenario("socket.recvmsg_into", "EAGAIN", "BlockingIOError")
def _(side, res, buffer):
    return res.pair(timeout=0.0)[0].recvmsg_into([buffer])


@scenario("socket.recvmsg_into", "EBADF after close", "OSError")
def _(side, res, buffer):
    a, _b = res.pair()
    a.close()
    return a.recvmsg_into([buffer])


@scenario("socket.recvmsg_into", "negative ancbufsize", "ValueError")
def _(side, res, buffer):
    return res.pair()[0].recvmsg_into([buffer], -1)


@scenario("socket.recvmsg_into", "a read-only buffer after it", "TypeError")
def _(side, res, buffer):
    return res.pair()[0].recvmsg_into([buffer, b"read-only"])


@scenario("socket.recvmmsg_into", "returns", "returns", sides=("cffisock",))
def _(side, res, buffer):
    a, b = res.pair(side.socket.SOCK_DGRAM)
    b.send(b"x" * 8)
    return a.recvmmsg_into([buffer])


@scenario("socket.recvmmsg_into", "timeout", "timeout", sides=("cffisock",))
def _(side, res, buffer):
    return res.pair(side.socket.SOCK_DGRAM, timeout=0.02)[0].recvmmsg_into([buffer])


@scenario("socket.recvmmsg_into", "EAGAIN", "BlockingIOError", sides=("cffisock",))
def _(side, res, buffer):
    return res.pair(side.socket.SOCK_DGRAM, timeout=0.0)[0].recvmmsg_into([buffer])


@scenario("socket.recvmmsg_into", "EBADF after close", "OSError", sides=("cffisock",))
def _(side, res, buffer):
    a, _b = res.pair(side.socket.SOCK_DGRAM)
    a.close()
    return a.recvmmsg_into([buffer])


@scenario("socket.recvmmsg_into", "a read-only buffer after it", "TypeError",
          sides=("cffisock",))
def _(side, res, buffer):
    return res.pair(side.socket.SOCK_DGRAM)[0].recvmmsg_into([buffer, b"read-only"])


# ---------------------------------------------------------------- sends


def _send_scenarios(name, send):
    """The paths of a call that sends the buffer: ``send(side, sock, buffer)``."""
    @scenario("socket." + name, "returns", "returns")
    def _(side, res, buffer):
        return send(side, res.pair()[0], buffer)

    @scenario("socket." + name, "timeout", "timeout")
    def _(side, res, buffer):
        sock = res.full_pair()[0]
        sock.settimeout(0.02)
        return send(side, sock, buffer)

    @scenario("socket." + name, "EAGAIN", "BlockingIOError")
    def _(side, res, buffer):
        return send(side, res.full_pair()[0], buffer)

    @scenario("socket." + name, "EBADF after close", "OSError")
    def _(side, res, buffer):
        sock = res.pair()[0]
        sock.close()
        return send(side, sock, buffer)


_send_scenarios("send", lambda side, sock, buffer: sock.send(buffer))
_send_scenarios("sendall", lambda side, sock, buffer: sock.sendall(buffer))
_send_scenarios("sendmsg", lambda side, sock, buffer: sock.sendmsg([buffer]))


@scenario("socket.send", "flags of a wrong type", "TypeError")
def _(side, res, buffer):
    return res.pair()[0].send(buffer, "flags")


@scenario("socket.sendall", "flags of a wrong type", "TypeError")
def _(side, res, buffer):
    return res.pair()[0].sendall(buffer, "flags")


@scenario("socket.sendmsg", "ancillary data of a wrong shape", "TypeError")
def _(side, res, buffer):
    return res.pair()[0].sendmsg([buffer], [(1, 2)])


@scenario("socket.sendmsg", "an ancillary item's data", "OSError")
def _(side, res, buffer):
    # The buffer as the data of an SCM_RIGHTS item: not descriptors (EBADF).
    return res.pair()[0].sendmsg([b"x"], [(side.socket.SOL_SOCKET, side.socket.SCM_RIGHTS,
                                           buffer)])


@scenario("socket.sendto", "returns", "returns")
def _(side, res, buffer):
    receiver = res.keep(side.socket.socket(side.socket.AF_UNIX, side.socket.SOCK_DGRAM))
    sender = res.keep(side.socket.socket(side.socket.AF_UNIX, side.socket.SOCK_DGRAM))
    return sender.sendto(buffer, _bound_name(side, res, receiver))


@scenario("socket.sendto", "EBADF after close", "OSError")
def _(side, res, buffer):
    sock = res.keep(side.socket.socket(side.socket.AF_INET, side.socket.SOCK_DGRAM))
    sock.close()
    return sock.sendto(buffer, ("127.0.0.1", 9))


@scenario("socket.sendto", "EAGAIN", "BlockingIOError")
def _(side, res, buffer):
    receiver = res.keep(side.socket.socket(side.socket.AF_UNIX, side.socket.SOCK_DGRAM))
    address = _bound_name(side, res, receiver)
    sender = res.keep(side.socket.socket(side.socket.AF_UNIX, side.socket.SOCK_DGRAM))
    sender.setblocking(False)
    for _ in range(100000):
        sender.sendto(buffer, address)  # raises BlockingIOError once the queue is full


@scenario("socket.sendto", "an address of a wrong type", "TypeError")
def _(side, res, buffer):
    sock = res.keep(side.socket.socket(side.socket.AF_INET, side.socket.SOCK_DGRAM))
    return sock.sendto(buffer, ("127.0.0.1", "port"))


def _bound_name(side, res, sock):
    """Bind ``sock`` (AF_UNIX) to a free abstract name; return it."""
    name = "\0cffisock-buffers-%d-%d" % (os.getpid(), id(sock))
    sock.bind(name)
    return name


@scenario("socket.sendmmsg", "returns", "returns", sides=("cffisock",))
def _(side, res, buffer):
    return res.pair(side.socket.SOCK_DGRAM)[0].sendmmsg([(buffer, None)])


@scenario("socket.sendmmsg", "EAGAIN", "BlockingIOError", sides=("cffisock",))
def _(side, res, buffer):
    sock = res.full_pair(side.socket.SOCK_DGRAM)[0]
    return sock.sendmmsg([(buffer, None)])


@scenario("socket.sendmmsg", "EBADF after close", "OSError", sides=("cffisock",))
def _(side, res, buffer):
    sock = res.pair(side.socket.SOCK_DGRAM)[0]
    sock.close()
    return sock.sendmmsg([(buffer, None)])


@scenario("socket.sendmmsg", "an address of a wrong type", "TypeError", sides=("cffisock",))
def _(side, res, buffer):
    return res.pair(side.socket.SOCK_DGRAM)[0].sendmmsg([(buffer, 12)])


@scenario("socket.setsockopt", "returns", "returns", content=(65536).to_bytes(4, sys.byteorder))
def _(side, res, buffer):
    return res.pair()[0].setsockopt(side.socket.SOL_SOCKET, side.socket.SO_RCVBUF, buffer)


@scenario("socket.setsockopt", "an unknown option", "OSError", content=bytes(4))
def _(side, res, buffer):
    return res.pair()[0].setsockopt(side.socket.SOL_SOCKET, 0x7FFF, buffer)


@scenario("socket.setsockopt", "EBADF after close", "OSError", content=bytes(4))
def _(side, res, buffer):
    sock = res.pair()[0]
    sock.close()
    return sock.setsockopt(side.socket.SOL_SOCKET, side.socket.SO_RCVBUF, buffer)


@scenario("send_fds", "returns", "returns")
def _(side, res, buffer):
    a, b = res.pair()
    return side.socket.send_fds(a, [buffer], [b.fileno()])


@scenario("send_fds", "EBADF after close", "OSError")
def _(side, res, buffer):
    a, b = res.pair()
    a.close()
    return side.socket.send_fds(a, [buffer], [b.fileno()])


# ---------------------------------------------------------------- addresses

_UNIX_PATH = ("/tmp/cffisock-buffers-%d" % os.getpid()).encode()


@scenario("socket.bind", "an AF_UNIX path: returns", "returns", content=b"\0" + _UNIX_PATH)
def _(side, res, buffer):
    return res.keep(side.socket.socket(side.socket.AF_UNIX)).bind(buffer)


@scenario("socket.bind", "an AF_UNIX path in use", "OSError", content=b"\0" + _UNIX_PATH)
def _(side, res, buffer):
    res.keep(side.socket.socket(side.socket.AF_UNIX)).bind(bytes(buffer))
    return res.keep(side.socket.socket(side.socket.AF_UNIX)).bind(buffer)


@scenario("socket.connect", "an AF_UNIX path nobody listens on", "OSError",
          content=_UNIX_PATH + b"-nobody")
def _(side, res, buffer):
    return res.keep(side.socket.socket(side.socket.AF_UNIX)).connect(buffer)


@scenario("socket.connect", "an AF_UNIX path: returns", "returns",
          content=b"\0" + _UNIX_PATH + b"-listening")
def _(side, res, buffer):
    _listen_at(side, res, bytes(buffer))
    return res.keep(side.socket.socket(side.socket.AF_UNIX)).connect(buffer)


@scenario("socket.connect_ex", "an AF_UNIX path nobody listens on", "returns",
          content=_UNIX_PATH + b"-nobody")
def _(side, res, buffer):
    return res.keep(side.socket.socket(side.socket.AF_UNIX)).connect_ex(buffer)


@scenario("socket.connect_ex", "a bytearray host, a port of a wrong type", "TypeError",
          content=b"127.0.0.1")
def _(side, res, buffer):
    return res.keep(side.socket.socket()).connect_ex((buffer, "port"))


def _listen_at(side, res, name):
    listener = res.keep(side.socket.socket(side.socket.AF_UNIX))
    listener.bind(name)
    listener.listen()


@scenario("inet_ntoa", "returns", "returns", content=bytes(4))
def _(side, res, buffer):
    return side.socket.inet_ntoa(buffer)


@scenario("inet_ntoa", "a wrong length", "OSError", content=bytes(5))
def _(side, res, buffer):
    return side.socket.inet_ntoa(buffer)


@scenario("inet_ntop", "returns", "returns", content=bytes(16))
def _(side, res, buffer):
    return side.socket.inet_ntop(side.socket.AF_INET6, buffer)


@scenario("inet_ntop", "a wrong length", "ValueError", content=bytes(5))
def _(side, res, buffer):
    return side.socket.inet_ntop(side.socket.AF_INET6, buffer)


@scenario("socket.bind", "a bytearray host: returns", ONLY_BYTEARRAY, content=b"127.0.0.1")
def _(side, res, buffer):
    return res.keep(side.socket.socket()).bind((buffer, 0))


@scenario("socket.bind", "a bytearray host, a port of a wrong type", "TypeError",
          content=b"127.0.0.1")
def _(side, res, buffer):
    return res.keep(side.socket.socket()).bind((buffer, "port"))


@scenario("SSLSocket.connect", "an AF_UNIX path nobody listens on", "OSError",
          content=_UNIX_PATH + b"-nobody")
def _(side, res, buffer):
    return _unconnected_tls_socket(side, res).connect(buffer)


@scenario("SSLSocket.connect", "an AF_UNIX path: returns (no handshake)", "returns",
          content=b"\0" + _UNIX_PATH + b"-listening")
def _(side, res, buffer):
    _listen_at(side, res, bytes(buffer))
    return _unconnected_tls_socket(side, res).connect(buffer)


@scenario("SSLSocket.connect_ex", "an AF_UNIX path nobody listens on", "returns",
          content=_UNIX_PATH + b"-nobody")
def _(side, res, buffer):
    return _unconnected_tls_socket(side, res).connect_ex(buffer)


@scenario("SSLSocket.connect_ex", "a bytearray host, a port of a wrong type", "TypeError",
          content=b"127.0.0.1")
def _(side, res, buffer):
    return res.keep(side.client_context.wrap_socket(
        res.keep(side.socket.socket()), server_hostname="localhost",
        do_handshake_on_connect=False)).connect_ex((buffer, "port"))


@scenario("SSLSocket.sendto", "unconnected: the plain socket's call fails", "OSError")
def _(side, res, buffer):
    return _unconnected_tls_socket(side, res).sendto(buffer, _UNIX_PATH + b"-nobody")


@scenario("SSLSocket.recvfrom_into", "unconnected: the plain socket's call fails", "OSError")
def _(side, res, buffer):
    return _unconnected_tls_socket(side, res).recvfrom_into(buffer, 1)


def _unconnected_tls_socket(side, res):
    return res.keep(side.client_context.wrap_socket(
        res.keep(side.socket.socket(side.socket.AF_UNIX)), server_hostname="localhost",
        do_handshake_on_connect=False))


def _resolver_scenarios(name):
    @scenario(name, "a bytearray host: returns", ONLY_BYTEARRAY, content=b"127.0.0.1")
    def _(side, res, buffer):
        return getattr(side.socket, name)(buffer)

    @scenario(name, "a bytearray host with a NUL", "TypeError", content=b"127.0.0.1\0x")
    def _(side, res, buffer):
        return getattr(side.socket, name)(buffer)


for _name in ("gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
    _resolver_scenarios(_name)


@scenario("sethostname", "a name longer than the kernel takes", "OSError", content=b"x" * 300)
def _(side, res, buffer):
    return side.socket.sethostname(buffer)  # EINVAL: never changes the host name


@scenario("sethostname", "a name with a NUL", "ValueError", content=b"x\0y")
def _(side, res, buffer):
    return side.socket.sethostname(buffer)


# ---------------------------------------------------------------- files


@scenario("SocketIO.readinto", "returns", "returns")
def _(side, res, buffer):
    a, b = res.pair()
    b.sendall(b"x" * 8)
    return res.keep(a.makefile("rb", buffering=0)).readinto(buffer)


@scenario("SocketIO.readinto", "timeout", "timeout")
def _(side, res, buffer):
    return res.keep(res.pair(timeout=0.02)[0].makefile("rb", buffering=0)).readinto(buffer)


@scenario("SocketIO.readinto", "a buffered read's own memoryview, timeout", "timeout")
def _(side, res, buffer):
    # The crash the issue reported: BufferedReader hands readinto a
    # memoryview of its own memory, which it frees after the call.
    reader = res.keep(res.pair(timeout=0.02)[0].makefile("rb"))
    return reader.read(10)


@scenario("SocketIO.write", "returns", "returns")
def _(side, res, buffer):
    return res.keep(res.pair()[0].makefile("wb", buffering=0)).write(buffer)


@scenario("SocketIO.write", "EAGAIN (returns None)", "returns")
def _(side, res, buffer):
    return res.keep(res.full_pair()[0].makefile("wb", buffering=0)).write(buffer)


@scenario("SocketIO.write", "timeout", "timeout")
def _(side, res, buffer):
    sock = res.full_pair()[0]
    sock.settimeout(0.02)
    return res.keep(sock.makefile("wb", buffering=0)).write(buffer)


@scenario("SocketIO.writelines", "returns", "returns")
def _(side, res, buffer):
    return res.keep(res.pair()[0].makefile("wb", buffering=0)).writelines([buffer])


@scenario("SocketIO.writelines", "timeout", "timeout")
def _(side, res, buffer):
    sock = res.full_pair()[0]
    sock.settimeout(0.02)
    return res.keep(sock.makefile("wb", buffering=0)).writelines([buffer])
