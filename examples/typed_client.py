"""A small program typed against cffisock's stubs: CI runs it and checks it
with ``mypy --strict examples/typed_client.py`` (tox environment "typing").

It resolves 127.0.0.1 without DNS (AI_NUMERICHOST), makes an echo round trip
on loopback with create_server/create_connection (the server reads with
recvmsg), and sets up a verifying TLS client context.
"""

import threading

import cffisock
from cffisock import tls

MESSAGE = b"typed hello"
TIMEOUT = 10.0  # seconds for any one socket call


def resolve_loopback() -> tuple[str, int]:
    """Return 127.0.0.1's TCP address as getaddrinfo gives it."""
    family, kind, _proto, _canonname, address = cffisock.getaddrinfo(
        "127.0.0.1", 0, cffisock.AF_INET, cffisock.SOCK_STREAM, 0,
        cffisock.AI_NUMERICHOST)[0]
    print("resolved 127.0.0.1:", family.name, kind.name, address)
    return address[0], address[1]


def echo_once(server: cffisock.socket, report: list[int]) -> None:
    """Accept one client, read its message with recvmsg and send it back;
    record the message flags recvmsg returned in ``report``."""
    connection, _peer = server.accept()
    with connection:
        connection.settimeout(TIMEOUT)
        data, _ancdata, msg_flags, _address = connection.recvmsg(len(MESSAGE))
        connection.sendall(data)
        report.append(msg_flags)


def receive_exactly(sock: cffisock.socket, size: int) -> bytes:
    """Receive ``size`` bytes (fewer if the peer closes first)."""
    chunks: list[bytes] = []
    received = 0
    for _ in range(size):  # at least one byte per call
        if received == size:
            break
        chunk = sock.recv(size - received)
        if not chunk:
            break
        chunks.append(chunk)
        received += len(chunk)
    return b"".join(chunks)


def echo_round_trip(host: str) -> None:
    with cffisock.create_server((host, 0)) as server:
        server.settimeout(TIMEOUT)
        port: int = server.getsockname()[1]
        flags: list[int] = []
        thread = threading.Thread(target=echo_once, args=(server, flags))
        thread.start()
        try:
            with cffisock.create_connection((host, port), timeout=TIMEOUT) as client:
                client.sendall(MESSAGE)
                reply = receive_exactly(client, len(MESSAGE))
        finally:
            thread.join(TIMEOUT)
    print("echo: sent %r, received %r, recvmsg flags %s" % (MESSAGE, reply, flags))


def tls_client_context() -> tls.SSLContext:
    """A client context that verifies certificates and host names, TLS 1.2+."""
    context = tls.create_default_context()
    context.minimum_version = tls.TLSVersion.TLSv1_2
    context.set_alpn_protocols(["http/1.1"])
    print("TLS: %s, check_hostname=%s, minimum %s, %s" % (
        context.verify_mode.name, context.check_hostname,
        context.minimum_version.name, tls.OPENSSL_VERSION))
    return context


def main() -> None:
    host, _port = resolve_loopback()
    echo_round_trip(host)
    tls_client_context()


if __name__ == "__main__":
    main()
