# Echo server program (the spec's third example: IPv4 or IPv6, whichever
# family getaddrinfo offers first), in Python 3 with cffisock.
# Usage: echo_server_dualstack.py [HOST [PORT]]; HOST '' means any address.
import sys

import cffisock as socket

HOST = sys.argv[1] if len(sys.argv) > 1 else None    # None: the passive address
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 50007
s = None
for res in socket.getaddrinfo(HOST or None, PORT, socket.AF_UNSPEC,
                              socket.SOCK_STREAM, 0, socket.AI_PASSIVE):
    af, socktype, proto, canonname, sa = res
    try:
        s = socket.socket(af, socktype, proto)
    except socket.error as msg:
        s = None
        continue
    try:
        s.bind(sa)
        s.listen(1)
    except socket.error as msg:
        s.close()
        s = None
        continue
    break
if s is None:
    print('could not open socket')
    sys.exit(1)
print('Listening on', s.getsockname(), flush=True)
conn, addr = s.accept()
print('Connected by', addr, flush=True)
while 1:
    data = conn.recv(1024)
    if not data: break
    conn.send(data)
conn.close()
s.close()
