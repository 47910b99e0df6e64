"""Fuzzing cffisock.tls against the stdlib's ssl: context settings, PEM and
DER inputs, server host names, and the record path of an SSLObject fed
random bytes, as a client and as a server (see support/fuzz.py for the
property and the budgets).

Each example runs once with the stdlib's ``ssl`` and once with
``cffisock.tls`` (the "module" of support.comparison's ``same_outcome`` is the pair
of a socket module and its TLS module here); exceptions are compared by
class name (cffisock's classes bear the stdlib's names) and, for TLS
errors, OpenSSL's reason: both sides use OpenSSL 3, so a record the stdlib
refuses for a reason, cffisock must refuse for the same one.

On PyPy the stdlib's ``ssl`` is PyPy's own, with Python 3.9's semantics
(an unexpected EOF is SSLZeroReturnError, no TLS 1.2 minimum, other errors
for bad settings): it is no reference there, and the property is that
cffisock returns or raises SSLError, ValueError, TypeError or
OverflowError, leaving nothing open.
"""

import socket as stdlib
import ssl as stdlib_ssl
import warnings

import pytest
from hypothesis import strategies as st

import cffisock
from cffisock import tls
from support.comparison import ON_PYPY
from support.fuzz import (
    Instead,
    STDLIB_BEFORE_3_10,
    assert_like_the_stdlib,
    assert_returns_or_raises,
    budgets,
    fuzz,
    integers,
)


pytestmark = pytest.mark.fuzz


TLS_OF = {stdlib: stdlib_ssl, cffisock: tls}
#: (AttributeError: CPython's ssl too, for a server_hostname of another type.)
ALLOWED = (tls.SSLError, ValueError, TypeError, OverflowError, AttributeError)


def assert_like_the_stdlib_ssl(operation, instead=None):
    """The property: like the stdlib's ssl on CPython 3.10+; on PyPy and
    CPython 3.9, see support/fuzz.py."""
    if ON_PYPY or STDLIB_BEFORE_3_10:
        assert_returns_or_raises(operation, ALLOWED)
    else:
        assert_like_the_stdlib(operation, instead)


def with_tls(action):
    """The operation ``action(ssl_module)`` for the module pair, with the
    stdlib's DeprecationWarnings (old versions, old protocols) silenced."""
    def operation(module):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return action(TLS_OF[module])
    return operation


def ssl_error_class(action):
    """``action``, with an SSLError reduced to its class name: what a
    certificate or key was refused for, OpenSSL says in codes that each
    Python version reports its own way."""
    def run(ssl_module):
        try:
            return action(ssl_module)
        except stdlib_ssl.SSLError as exc:
            return ("SSLError raised", type(exc).__name__)
    return run


# -- context settings ----------------------------------------------------------------------

SIDES = st.sampled_from([tls.PROTOCOL_TLS_CLIENT, tls.PROTOCOL_TLS_SERVER])
VERSIONS = st.one_of(st.sampled_from(list(stdlib_ssl.TLSVersion)), st.integers(-3, 0x305),
                     integers())


def not_numbers():
    return st.one_of(st.booleans(), st.none(), st.sampled_from(["1", 1.5]))


def settings_values():
    return st.one_of(integers(), not_numbers())


SETTINGS = {
    # attribute: values to set.  (Options: how the stdlib parses a value
    # outside 0..2**63-1 differs by version: not compared.)
    "options": st.one_of(st.integers(0, 2**63 - 1), st.sampled_from(
        [stdlib_ssl.OP_NO_COMPRESSION, stdlib_ssl.OP_NO_TLSv1_3, stdlib_ssl.OP_ALL]),
        not_numbers()),
    "verify_mode": st.one_of(st.integers(-1, 3), settings_values()),
    "check_hostname": st.one_of(st.booleans(), settings_values()),
    "minimum_version": st.one_of(VERSIONS, settings_values()),
    "maximum_version": st.one_of(VERSIONS, settings_values()),
    "verify_flags": st.one_of(st.integers(0, 2**20), integers(), settings_values()),
    "post_handshake_auth": settings_values(),
}


def read_back(context, attribute):
    """Every setting, as plain values.  Unless the options were set,
    OP_NO_RENEGOTIATION is left out: cffisock's contexts have it from the
    start, the stdlib's do not (documented)."""
    options = int(context.options)
    if attribute != "options":
        options &= ~int(tls.OP_NO_RENEGOTIATION)
    return (options, int(context.verify_mode), context.check_hostname,
            int(context.minimum_version), int(context.maximum_version),
            int(context.verify_flags), context.post_handshake_auth)


@budgets
@pytest.mark.parametrize("attribute", list(SETTINGS))
def test_context_settings_like_the_stdlib(fd_leak_check, budget, attribute):
    def check(protocol, value):
        def action(ssl_module):
            context = ssl_module.SSLContext(protocol)
            setattr(context, attribute, value)
            return read_back(context, attribute)
        assert_like_the_stdlib_ssl(with_tls(action))
    fuzz(budget, check, SIDES, SETTINGS[attribute], scale=0.5)


def cipher_strings():
    names = ["ALL", "DEFAULT", "HIGH", "!aNULL", "AES128", "ECDHE", "@SECLEVEL=0",
             "@SECLEVEL=5", "COMPLEMENTOFALL", "eNULL", "RC4", "+RSA", "-SHA", "nonsense"]
    return st.one_of(st.lists(st.sampled_from(names), max_size=4).map(":".join),
                     st.text(max_size=20), st.sampled_from([None, b"ALL", 5]))


@budgets
def test_set_ciphers_like_the_stdlib(fd_leak_check, budget):
    def check(ciphers):
        def action(ssl_module):
            context = ssl_module.SSLContext(ssl_module.PROTOCOL_TLS_CLIENT)
            context.set_ciphers(ciphers)
            return [cipher["name"] for cipher in context.get_ciphers()]
        assert_like_the_stdlib_ssl(with_tls(action))
    fuzz(budget, check, cipher_strings())


@budgets
def test_alpn_protocols_like_the_stdlib(fd_leak_check, budget):
    def check(protocols):
        def action(ssl_module):
            context = ssl_module.SSLContext(ssl_module.PROTOCOL_TLS_CLIENT)
            return context.set_alpn_protocols(protocols)
        assert_like_the_stdlib_ssl(with_tls(action))
    item = st.one_of(st.text(max_size=300), st.sampled_from(["h2", "http/1.1", "", b"h2", 5]))
    fuzz(budget, check, st.one_of(st.lists(item, max_size=4), st.sampled_from([None, "h2", 5])))


# -- PEM and DER inputs --------------------------------------------------------------------


@pytest.fixture(scope="module")
def pems():
    """A real CA certificate (PEM text and DER) and a server key, to mutate."""
    import trustme

    ca = trustme.CA()
    leaf = ca.issue_cert("localhost")
    pem = ca.cert_pem.bytes().decode("ascii")
    return {"cert": pem, "der": stdlib_ssl.PEM_cert_to_DER_cert(pem),
            "key": leaf.private_key_pem.bytes().decode("ascii"),
            "chain": leaf.cert_chain_pems[0].bytes().decode("ascii")}


def flipped(data, position, mask):
    """``data`` (bytes or text) with the item at ``position`` changed."""
    if isinstance(data, bytes):
        changed = bytes([data[position] ^ mask])
    else:
        changed = chr(ord(data[position]) ^ (mask & 0x3F))
    return data[:position] + changed + data[position + 1:]


def mutated(data):
    """``data`` with an item flipped, cut, or doubled (a strategy)."""
    size = len(data)
    return st.one_of(
        st.tuples(st.integers(0, size - 1), st.integers(1, 255)).map(
            lambda change: flipped(data, *change)),
        st.integers(0, size).map(lambda cut: data[:cut]),
        st.integers(0, size).map(lambda cut: data[cut:]),
        st.just(data + data),
    )


@budgets
def test_cadata_like_the_stdlib(fd_leak_check, budget, pems):
    def check(cadata):
        def action(ssl_module):
            context = ssl_module.SSLContext(ssl_module.PROTOCOL_TLS_CLIENT)
            return context.load_verify_locations(cadata=cadata)
        assert_like_the_stdlib_ssl(with_tls(ssl_error_class(action)))
    fuzz(budget, check, st.one_of(
        mutated(pems["cert"]), mutated(pems["der"]), st.text(max_size=40),
        st.binary(max_size=40), st.sampled_from(["", b"", None, 5, bytearray(pems["der"])])))


@budgets
def test_pem_files_like_the_stdlib(fd_leak_check, budget, pems, tmp_path):
    def check(certificate, key):
        certfile, keyfile = tmp_path / "cert.pem", tmp_path / "key.pem"
        certfile.write_text(certificate, errors="surrogateescape")
        keyfile.write_text(key, errors="surrogateescape")

        def action(ssl_module):
            context = ssl_module.SSLContext(ssl_module.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(certfile), str(keyfile))
            return "loaded"
        def trust(ssl_module):
            context = ssl_module.SSLContext(ssl_module.PROTOCOL_TLS_CLIENT)
            return context.load_verify_locations(str(certfile))
        assert_like_the_stdlib_ssl(with_tls(ssl_error_class(action)))
        assert_like_the_stdlib_ssl(with_tls(ssl_error_class(trust)))
    fuzz(budget, check, st.one_of(mutated(pems["chain"]), st.text(max_size=20)),
         st.one_of(mutated(pems["key"]), st.just(pems["key"])), scale=0.5)


# -- server host names ---------------------------------------------------------------------


def hostnames():
    return st.one_of(
        st.text(max_size=30), st.text(alphabet="abc.-*0123456789:[]%", max_size=30),
        st.sampled_from(["localhost", "127.0.0.1", "::1", "", ".", "a..b", "a" * 64 + ".x",
                         "é.example", "\udcff", "x\0y", "*.example", "1.2.3.4.5",
                         b"\x01.."]),  # bytes the IDNA codec refuses: taken as ASCII
        st.binary(max_size=10), st.sampled_from([None, 5]))


def hostname_rule(hostname):
    if hostname is None:
        return Instead("ValueError", "documented: a client SSLObject that checks host "
                                     "names needs one (the stdlib's skips the check)")
    return None


@budgets
def test_server_hostnames_like_the_stdlib(fd_leak_check, budget):
    def check(hostname):
        def action(ssl_module):
            context = ssl_module.SSLContext(ssl_module.PROTOCOL_TLS_CLIENT)
            connection = context.wrap_bio(ssl_module.MemoryBIO(), ssl_module.MemoryBIO(),
                                          server_hostname=hostname)
            return connection.server_hostname
        assert_like_the_stdlib_ssl(with_tls(action), hostname_rule(hostname))
    fuzz(budget, check, hostnames())


# -- the record path -----------------------------------------------------------------------


def records():
    """Bytes a peer might send: random, or TLS record headers (any content
    type, version, length) with random bodies."""
    header = st.tuples(st.one_of(st.sampled_from([20, 21, 22, 23, 24]), st.integers(0, 255)),
                       st.one_of(st.sampled_from([0x0301, 0x0303, 0x0304, 0x0300]),
                                 st.integers(0, 0xFFFF)),
                       st.one_of(st.integers(0, 64), st.sampled_from([2**14, 2**14 + 2049]),
                                 st.integers(0, 0xFFFF)))
    record = st.tuples(header, st.binary(max_size=80)).map(
        lambda parts: bytes([parts[0][0]]) + parts[0][1].to_bytes(2, "big")
        + parts[0][2].to_bytes(2, "big") + parts[1])
    return st.one_of(st.binary(max_size=200), record, st.lists(record, max_size=3).map(b"".join))


@pytest.fixture(scope="module")
def identity(server_cert, tmp_path_factory):
    path = tmp_path_factory.mktemp("identity") / "server.pem"
    path.write_bytes(server_cert.private_key_and_cert_chain_pem.bytes())
    return str(path)


def fed(ssl_module, server_side, identity, data, eof):
    """An SSLObject (client or server) fed ``data`` (and EOF): what its
    handshake does, and what it wrote back (the alert it sent, if any)."""
    if server_side:
        context = ssl_module.SSLContext(ssl_module.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(identity)
    else:
        context = ssl_module.SSLContext(ssl_module.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl_module.CERT_NONE
    incoming, outgoing = ssl_module.MemoryBIO(), ssl_module.MemoryBIO()
    connection = context.wrap_bio(incoming, outgoing, server_side=server_side)
    incoming.write(data)
    if eof:
        incoming.write_eof()
    try:
        connection.do_handshake()
        result = "handshake done"
    except ssl_module.SSLError as exc:
        result = (type(exc).__name__, exc.reason)
    # A client's first flight (ClientHello) differs by its random bytes:
    # only a server's answer to the bytes is compared byte for byte.
    written = outgoing.read()
    return result, written if server_side else len(written) > 0


@budgets
@pytest.mark.parametrize("server_side", [False, True], ids=["client", "server"])
def test_record_path_fed_random_bytes_like_the_stdlib(fd_leak_check, budget, identity,
                                                      server_side):
    def check(data, eof):
        assert_like_the_stdlib_ssl(with_tls(
            lambda ssl_module: fed(ssl_module, server_side, identity, data, eof)),
            )
    fuzz(budget, check, records(), st.booleans())
