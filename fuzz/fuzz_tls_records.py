"""atheris harness: the TLS record path.

Every input is bytes a peer might send, fed in up to four writes into a
``cffisock.tls`` SSLObject over MemoryBIOs: as a client in its handshake,
as a server in its handshake, or as a client after a complete handshake
(application data records).  After the bytes, the end of the stream may
follow.  The property: every call returns or raises an SSLError (a
subclass included); anything else (another exception, a crash, a sanitizer
report) is a finding.

Run through ``python fuzz/run.py`` (or directly, in a venv with atheris and
cffisock, with the environment variable CFFISOCK_FUZZ_IDENTITY naming a PEM
file with a key and certificate: ``python fuzz/fuzz_tls_records.py
-max_total_time=60``).
"""

import os
import sys

import atheris

with atheris.instrument_imports():
    from cffisock import tls


def contexts():
    client = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
    client.check_hostname = False
    client.verify_mode = tls.CERT_NONE
    server = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(os.environ["CFFISOCK_FUZZ_IDENTITY"])
    return client, server


CLIENT, SERVER = contexts()


def pair(server_side):
    incoming, outgoing = tls.MemoryBIO(), tls.MemoryBIO()
    context = SERVER if server_side else CLIENT
    return context.wrap_bio(incoming, outgoing, server_side=server_side), incoming, outgoing


def shake_hands():
    """A client SSLObject after a full in-memory handshake, and its
    incoming BIO."""
    client, client_in, client_out = pair(False)
    server, server_in, server_out = pair(True)
    for _ in range(10):
        for side, other_in, own_out in ((client, server_in, client_out),
                                        (server, client_in, server_out)):
            try:
                side.do_handshake()
            except tls.SSLWantReadError:
                pass
            other_in.write(own_out.read())
    client.do_handshake()
    return client, client_in


def test_one_input(raw):
    data = atheris.FuzzedDataProvider(raw)
    mode = data.ConsumeIntInRange(0, 2)
    eof = data.ConsumeBool()
    chunks = [data.ConsumeBytes(data.ConsumeIntInRange(0, 4096)) for _ in range(3)]
    chunks.append(data.ConsumeBytes(data.remaining_bytes()))
    if mode == 2:
        connection, incoming = shake_hands()

        def step():
            connection.read(65536)
    else:
        connection, incoming, _ = pair(server_side=mode == 1)
        step = connection.do_handshake
    try:
        for chunk in chunks:
            incoming.write(chunk)
            try:
                step()
            except tls.SSLWantReadError:
                continue
        if eof:
            incoming.write_eof()
            step()
    except tls.SSLError:
        pass


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
