# Echo client program (the spec's second example, IPv4 only), in Python 3
# with cffisock.  Usage: echo_client.py [HOST [PORT]].  The spec's host was
# 'daring.cwi.nl'; the default here is this machine.
import sys

import cffisock as socket

HOST = sys.argv[1] if len(sys.argv) > 1 else 'localhost'    # The remote host
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 50007    # The same port as used by the server
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect((HOST, PORT))
s.send(b'Hello, world')
data = s.recv(1024)
s.close()
print('Received', repr(data))
