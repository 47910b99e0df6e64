"""cffisock's namespace against the stdlib ``socket`` module of this
interpreter: constants, enums, exceptions, public names and socket methods,
and the promise that cffisock never imports socket, ssl, select or selectors.

cffisock is built from this machine's headers, so it may define constants
(and enum members) the stdlib lacks; everything the stdlib has, it must have
with the same value.
"""

import enum
import os
import socket as stdlib
import subprocess
import sys

import pytest

import cffisock

PREFIXES = ("AF_", "SOCK_", "SO_", "SOMAXCONN", "MSG_", "SOL_", "IPPROTO_",
            "IPPORT_", "INADDR_", "IP_", "IPV6_", "EAI_", "AI_", "NI_", "TCP_",
            "SHUT_", "SCM_", "ALG_", "CAN_", "J1939_", "NETLINK_", "PACKET_", "PF_",
            "TIPC_", "UDPLITE_", "VMADDR_", "VM_SOCKETS_", "IOCTL_VM_SOCKETS_",
            "ETHERTYPE_", "ETH_P_", "EAGAIN", "EBADF", "EWOULDBLOCK")
STDLIB_CONSTANTS = sorted(name for name in dir(stdlib) if name.startswith(PREFIXES))

ENUMS = [
    ("AddressFamily", enum.IntEnum, "AF_"),
    ("SocketKind", enum.IntEnum, "SOCK_"),
    ("MsgFlag", enum.IntFlag, "MSG_"),
    ("AddressInfo", enum.IntFlag, "AI_"),
]
ENUM_NAMES = [name for name, _, _ in ENUMS]

PUBLIC_NAMES = """
    socket socketpair fromfd SocketType htons htonl ntohs ntohl inet_aton
    inet_ntoa inet_pton inet_ntop getdefaulttimeout setdefaulttimeout
    create_connection create_server has_dualstack_ipv6 getaddrinfo gethostname
    error herror gaierror timeout has_ipv6
""".split()

SOCKET_ATTRIBUTES = """
    accept bind close connect connect_ex detach dup family fileno
    get_inheritable getblocking getpeername getsockname getsockopt gettimeout
    listen makefile proto recv recv_into recvfrom recvfrom_into send sendall
    sendto set_inheritable setblocking setsockopt settimeout shutdown timeout
    type
""".split()


def without_module(text, module):
    """``text`` with the module's name (as a qualifier) neutralised."""
    return text.replace(module.__name__ + ".", "<module>.")


def common_members(name):
    """The members of the stdlib enum ``name`` (cffisock may have more)."""
    return list(getattr(stdlib, name).__members__)


# -- constants -------------------------------------------------------------------------


def test_the_stdlib_has_constants_to_compare():
    assert "AF_INET" in STDLIB_CONSTANTS and "SOMAXCONN" in STDLIB_CONSTANTS


@pytest.mark.parametrize("name", STDLIB_CONSTANTS)
def test_constant_exists_with_the_stdlib_value(name):
    assert hasattr(cffisock, name), "cffisock lacks %s" % name
    value = getattr(cffisock, name)
    assert isinstance(value, int)
    assert value == getattr(stdlib, name)


def test_extra_constants_are_plain_names_of_the_same_families():
    # What cffisock has beyond the stdlib comes from this machine's headers:
    # names of the same families, all ints.
    extra = [name for name in dir(cffisock)
             if name.startswith(PREFIXES) and not hasattr(stdlib, name)]
    for name in extra:
        assert isinstance(getattr(cffisock, name), int), name


# -- enums -----------------------------------------------------------------------------


@pytest.mark.parametrize("name, base, prefix", ENUMS)
def test_enum_class(name, base, prefix):
    ours = getattr(cffisock, name)
    assert isinstance(ours, enum.EnumMeta)
    assert issubclass(ours, base)
    assert issubclass(getattr(stdlib, name), base)  # the same kind as the stdlib's
    assert ours.__name__ == name


@pytest.mark.parametrize("name", ENUM_NAMES)
def test_enum_members_match_the_stdlib(name):
    ours, theirs = getattr(cffisock, name), getattr(stdlib, name)
    our_values = {member: int(value) for member, value in ours.__members__.items()}
    their_values = {member: int(value) for member, value in theirs.__members__.items()}
    missing = set(their_values) - set(our_values)
    assert not missing, "%s lacks %s" % (name, sorted(missing))
    assert {member: our_values[member] for member in their_values} == their_values
    # Members beyond the stdlib's are only constants the stdlib module lacks.
    for member in set(our_values) - set(their_values):
        assert not hasattr(stdlib, member), member


@pytest.mark.parametrize("name, base, prefix", ENUMS)
def test_module_constants_are_the_enum_members(name, base, prefix):
    enum_class = getattr(cffisock, name)
    for member_name, member in enum_class.__members__.items():
        assert getattr(cffisock, member_name) is member
    assert cffisock.AF_INET is cffisock.AddressFamily.AF_INET
    assert cffisock.SOCK_STREAM is cffisock.SocketKind.SOCK_STREAM


def renderings(value):
    return {
        "str": str(value),
        "repr": repr(value),
        "format": format(value),
        "format-d": format(value, "d"),
        "format-width": "{:>6}".format(value),
        "percent-s": "%s" % (value,),
        "percent-r": "%r" % (value,),
        "percent-d": "%d" % (value,),
    }


def assert_prints_alike(ours, theirs):
    expected = {key: without_module(text, stdlib)
                for key, text in renderings(theirs).items()}
    actual = {key: without_module(text, cffisock)
              for key, text in renderings(ours).items()}
    assert actual == expected


@pytest.mark.parametrize("name", ENUM_NAMES)
def test_members_print_like_the_stdlib(name):
    for member in common_members(name):
        assert_prints_alike(getattr(getattr(cffisock, name), member),
                            getattr(getattr(stdlib, name), member))


@pytest.mark.parametrize("name, combination", [
    ("MsgFlag", ("MSG_PEEK", "MSG_OOB")),
    ("MsgFlag", ("MSG_DONTWAIT", "MSG_WAITALL", "MSG_TRUNC")),
    ("MsgFlag", ()),
    ("AddressInfo", ("AI_PASSIVE", "AI_CANONNAME")),
    ("AddressInfo", ()),
])
def test_flag_combinations_print_like_the_stdlib(name, combination):
    def combine(module):
        value = getattr(module, name)(0)
        for member in combination:
            value |= getattr(module, member)
        return value

    ours, theirs = combine(cffisock), combine(stdlib)
    assert type(ours) is getattr(cffisock, name)
    assert_prints_alike(ours, theirs)


def test_enum_classes_print_like_the_stdlib():
    for name in ENUM_NAMES:
        assert (without_module(repr(getattr(cffisock, name)), cffisock)
                == without_module(repr(getattr(stdlib, name)), stdlib))


@pytest.mark.parametrize("family, kind", [
    ("AF_INET", "SOCK_STREAM"),
    ("AF_INET", "SOCK_DGRAM"),
    ("AF_UNIX", "SOCK_STREAM"),
    ("AF_UNIX", "SOCK_SEQPACKET"),
])
def test_socket_family_and_type_are_enum_members(family, kind):
    with cffisock.socket(getattr(cffisock, family), getattr(cffisock, kind)) as ours, \
            stdlib.socket(getattr(stdlib, family), getattr(stdlib, kind)) as theirs:
        assert type(ours.family) is cffisock.AddressFamily
        assert type(ours.type) is cffisock.SocketKind
        assert ours.family is getattr(cffisock, family)
        assert ours.type is getattr(cffisock, kind)
        assert_prints_alike(ours.family, theirs.family)
        assert_prints_alike(ours.type, theirs.type)


# -- exceptions ------------------------------------------------------------------------


def test_error_is_oserror():
    assert cffisock.error is OSError
    assert cffisock.error is stdlib.error


def test_timeout_classes():
    assert issubclass(cffisock.timeout, stdlib.timeout)
    assert issubclass(cffisock.timeout, TimeoutError)
    assert issubclass(cffisock.timeout, OSError)
    if stdlib.timeout is TimeoutError:  # Python 3.10+
        assert cffisock.timeout is TimeoutError


def expire(module):
    """Make a socket of ``module`` time out; return the exception."""
    a, b = module.socketpair()
    with a, b:
        b.settimeout(0.01)
        try:
            b.recv(1)
        except Exception as exc:  # returned for inspection
            return exc
    raise AssertionError("recv on an empty socketpair did not time out")


def test_a_real_timeout_is_caught_as_the_stdlib_timeout_and_timeouterror():
    exc = expire(cffisock)
    assert isinstance(exc, cffisock.timeout)
    try:
        raise exc
    except stdlib.timeout:
        pass
    try:
        raise exc
    except TimeoutError:
        pass
    stdlib_exc = expire(stdlib)
    assert exc.args == stdlib_exc.args
    assert (exc.errno, exc.strerror) == (stdlib_exc.errno, stdlib_exc.strerror)


def test_a_raised_timeout_is_caught_by_except_socket_timeout():
    with pytest.raises(stdlib.timeout):
        raise cffisock.timeout("timed out")
    with pytest.raises(TimeoutError):
        raise cffisock.timeout("timed out")


@pytest.mark.parametrize("name", ["gaierror", "herror"])
def test_resolver_error_classes(name):
    ours = getattr(cffisock, name)
    assert issubclass(ours, getattr(stdlib, name))
    assert issubclass(ours, OSError)
    assert ours.__name__ == name


def assert_same_shape(ours, theirs):
    assert (ours.errno, ours.strerror, ours.args, str(ours)) == \
        (theirs.errno, theirs.strerror, theirs.args, str(theirs))


def test_gaierror_has_the_stdlib_shape():
    # AI_NUMERICHOST: refused without asking any resolver.
    def fail(module):
        with pytest.raises(module.gaierror) as info:
            module.getaddrinfo("nonexistent.invalid", 80, flags=module.AI_NUMERICHOST)
        return info.value

    ours, theirs = fail(cffisock), fail(stdlib)
    assert type(ours) is cffisock.gaierror
    assert ours.errno == stdlib.EAI_NONAME
    assert isinstance(ours.strerror, str)
    assert_same_shape(ours, theirs)
    with pytest.raises(stdlib.gaierror):
        raise ours


@pytest.mark.parametrize("args", [(1, "Unknown host"), ("message only",)])
def test_herror_has_the_stdlib_shape(args):
    # cffisock raises herror from nothing reachable here; its instances must
    # still look like the stdlib's.
    assert_same_shape(cffisock.herror(*args), stdlib.herror(*args))


# -- public names and socket attributes -------------------------------------------


def test_socket_type_is_the_socket_class():
    with cffisock.socket() as sock:
        assert cffisock.SocketType is type(sock)
    assert cffisock.SocketType is cffisock.socket


@pytest.mark.parametrize("name", PUBLIC_NAMES)
def test_public_name_exists(name):
    assert hasattr(stdlib, name)  # the spec's list is the stdlib's
    assert hasattr(cffisock, name)
    assert callable(getattr(cffisock, name)) == callable(getattr(stdlib, name))


def test_has_ipv6_is_a_bool():
    assert isinstance(cffisock.has_ipv6, bool)


@pytest.fixture(scope="module")
def socket_objects():
    with cffisock.socket() as ours, stdlib.socket() as theirs:
        yield ours, theirs


@pytest.mark.parametrize("name", SOCKET_ATTRIBUTES)
def test_socket_objects_have_the_stdlib_attribute(socket_objects, name):
    ours, theirs = socket_objects
    if not hasattr(theirs, name):
        pytest.skip("the stdlib's socket objects on this interpreter lack %s" % name)
    assert hasattr(ours, name)
    # A method is a method and an attribute (family, timeout...) is not.
    assert callable(getattr(ours, name)) == callable(getattr(theirs, name))


# -- imports ---------------------------------------------------------------------------

FORBIDDEN_IMPORTS_PROBE = """
import sys
def forbidden():
    return sorted(m for m in ("socket", "ssl", "select", "selectors") if m in sys.modules)
print(forbidden())
import cffisock
print(cffisock.__file__)
print(forbidden())
"""


def test_cffisock_never_imports_socket_ssl_select_or_selectors(tmp_path):
    # A fresh interpreter, isolated like -I (no user site directory, no
    # PYTHON* variables, an empty working directory) but with PYTHONPATH
    # naming the directory of the cffisock under test.  (-I itself would
    # ignore PYTHONPATH.)
    root = os.path.dirname(os.path.dirname(cffisock.__file__))
    env = {"PYTHONPATH": root, "PATH": os.environ.get("PATH", os.defpath)}
    result = subprocess.run(
        [sys.executable, "-s", "-c", FORBIDDEN_IMPORTS_PROBE],
        cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    at_startup, imported_file, after_import = result.stdout.splitlines()
    assert os.path.samefile(imported_file, cffisock.__file__)
    assert after_import == "[]", "imported at interpreter startup: %s" % at_startup
