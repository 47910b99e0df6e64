"""Socket addresses: the host forms bind takes, getsockname and getpeername,
AF_UNIX paths and abstract names, IPv6 4-tuples, checked against the
stdlib; and C addresses that stay alive for the whole C call (see the
last section).

Every socket is on loopback (127.0.0.1, ::1), a UNIX socket in tmp_path or
Linux's abstract namespace.
"""

import errno
import gc
import os
import socket as stdlib_socket
import struct
import uuid

import pytest

import cffisock
from support.comparison import MODULES, same_outcome
from support.loopback import on_socket, requires_ipv6


def unique_abstract_name():
    return "\0cffisock-test-%d-%s" % (os.getpid(), uuid.uuid4().hex)


# -- addresses: bind, getsockname, getpeername -----------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "", "localhost"])
def test_bind_ipv4_host_forms_like_the_stdlib(host):
    def bound_host(mod):
        with mod.socket() as sock:
            sock.bind((host, 0))
            name = sock.getsockname()
            assert name[1] != 0
            return name[0]

    reference, result = same_outcome(bound_host)
    assert result == reference
    assert result[0] == "returned"


def test_empty_host_binds_inaddr_any():
    with cffisock.socket() as sock:
        sock.bind(("", 0))
        assert sock.getsockname()[0] == stdlib_socket.inet_ntoa(
            struct.pack("!I", stdlib_socket.INADDR_ANY))


def test_broadcast_host_is_parsed_like_the_stdlib():
    def bind_broadcast(mod):
        with mod.socket(mod.AF_INET, mod.SOCK_DGRAM) as sock:
            sock.setsockopt(mod.SOL_SOCKET, mod.SO_BROADCAST, 1)
            assert sock.getsockopt(mod.SOL_SOCKET, mod.SO_BROADCAST) != 0
            sock.bind(("<broadcast>", 0))
            return sock.getsockname()[0]

    reference, result = same_outcome(bind_broadcast)
    assert result == reference


@pytest.mark.parametrize("address", [
    pytest.param(("127.0.0.1", 70000), id="port-too-big"),
    pytest.param(("127.0.0.1", -1), id="port-negative"),
    pytest.param((1, 0), id="host-not-str"),
])
def test_bad_ipv4_address_raises_like_the_stdlib(address):
    def bind(mod):
        with mod.socket() as sock:
            sock.bind(address)

    reference, result = same_outcome(bind)
    assert result == reference
    assert result[0] == "raised"


@pytest.mark.parametrize("address", [
    pytest.param(("127.0.0.1",), id="one-tuple"),
    pytest.param(("127.0.0.1", 0, 0), id="three-tuple"),
    pytest.param("127.0.0.1", id="not-a-tuple"),
])
def test_ipv4_address_of_the_wrong_shape_raises_typeerror(address):
    # CPython's behaviour (PyPy's own socket module raises ValueError).
    with cffisock.socket() as sock:
        with pytest.raises(TypeError):
            sock.bind(address)


def test_getpeername_is_the_servers_address(tcp_listener):
    with cffisock.socket() as client:
        client.connect(tcp_listener.getsockname())
        server_side, address = tcp_listener.accept()
        with server_side:
            assert client.getpeername() == tcp_listener.getsockname()
            assert address == client.getsockname()
            assert server_side.getpeername() == client.getsockname()


def test_getpeername_unconnected_raises_enotconn_like_the_stdlib():
    reference, result = same_outcome(on_socket(lambda m, s: s.getpeername()))
    assert result == reference == ("raised", "OSError", errno.ENOTCONN)


@pytest.mark.parametrize("path_type", [str, bytes])
def test_unix_path_address_round_trips_like_the_stdlib(tmp_path, path_type):
    def addresses(mod):
        path = str(tmp_path / mod.__name__)
        with mod.socket(mod.AF_UNIX) as server, mod.socket(mod.AF_UNIX) as client:
            server.bind(os.fsencode(path) if path_type is bytes else path)
            server.listen()
            client.connect(path)
            accepted, address = server.accept()
            with accepted:
                names = (server.getsockname(), client.getpeername(),
                         accepted.getsockname(), address, client.getsockname())
            assert os.path.exists(path)
            return tuple("PATH" if name == path else name for name in names)

    reference, result = same_outcome(addresses)
    assert result == reference
    assert result[1][0] == "PATH"


@pytest.mark.parametrize("name_type", [str, bytes])
def test_unix_abstract_name_round_trips_like_the_stdlib(name_type):
    for mod in (stdlib_socket, cffisock):
        name = unique_abstract_name()
        given = name.encode("ascii") if name_type is bytes else name
        with mod.socket(mod.AF_UNIX, mod.SOCK_DGRAM) as receiver, \
                mod.socket(mod.AF_UNIX, mod.SOCK_DGRAM) as sender:
            receiver.settimeout(10)
            receiver.bind(given)
            assert receiver.getsockname() == name.encode("ascii")
            sender.sendto(b"abstract", given)
            assert receiver.recv(16) == b"abstract"


@MODULES
def test_unbound_unix_socket_name_is_empty_string(mod):
    with mod.socket(mod.AF_UNIX) as sock:
        assert sock.getsockname() == ""


@requires_ipv6
@pytest.mark.parametrize("address", [
    pytest.param(("::1", 0), id="2-tuple"),
    pytest.param(("::1", 0, 0), id="3-tuple"),
    pytest.param(("::1", 0, 0, 0), id="4-tuple"),
    pytest.param(("::1", 0, 5), id="flowinfo"),
    pytest.param(("::1", 0, 1 << 20), id="flowinfo-too-big"),
    pytest.param(("::1", 0, 0, 0, 0), id="5-tuple"),
])
def test_ipv6_address_forms_like_the_stdlib(address):
    def bound(mod):
        with mod.socket(mod.AF_INET6) as sock:
            sock.bind(address)
            host, port, flowinfo, scope_id = sock.getsockname()
            assert port != 0
            return host, flowinfo, scope_id

    reference, result = same_outcome(bound)
    assert result == reference


@requires_ipv6
def test_ipv6_connection_addresses_are_4_tuples():
    with cffisock.create_server(("::1", 0), family=cffisock.AF_INET6) as server, \
            cffisock.socket(cffisock.AF_INET6) as client:
        client.connect(server.getsockname()[:2])
        accepted, address = server.accept()
        with accepted:
            assert client.getpeername() == server.getsockname()
            assert address == client.getsockname()
            assert len(address) == 4 and address[0] == "::1"


# -- C addresses live for the whole C call -------------------------------------
# A sockaddr built in Python must be owned by the cdata passed to C for as long
# as the call runs.  Many rounds with garbage collections in between make a
# use-after-free show: on PyPy, bind() would see a reused buffer (EAFNOSUPPORT
# instead of EADDRINUSE).


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
