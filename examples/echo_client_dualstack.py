# Echo client program (the spec's fourth example: tries every address
# getaddrinfo returns), in Python 3 with cffisock.
# Usage: echo_client_dualstack.py [HOST [PORT]].  The spec's host was
# 'daring.cwi.nl'; the default here is this machine.
import sys

import cffisock as socket

HOST = sys.argv[1] if len(sys.argv) > 1 else 'localhost'    # The remote host
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 50007    # The same port as used by the server
s = None
for res in socket.getaddrinfo(HOST, PORT, socket.AF_UNSPEC, socket.SOCK_STREAM):
    af, socktype, proto, canonname, sa = res
    try:
        s = socket.socket(af, socktype, proto)
    except socket.error as msg:
        s = None
        continue
    try:
        s.connect(sa)
    except socket.error as msg:
        s.close()
        s = None
        continue
    break
if s is None:
    print('could not open socket')
    sys.exit(1)
s.send(b'Hello, world')
data = s.recv(1024)
s.close()
print('Received', repr(data))
