# Echo server program (the spec's first example, IPv4 only), in Python 3
# with cffisock.  Usage: echo_server.py [HOST [PORT]]; it serves one client.
import sys

import cffisock as socket

HOST = sys.argv[1] if len(sys.argv) > 1 else ''    # '' means INADDR_ANY
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 50007
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind((HOST, PORT))
s.listen(1)
print('Listening on', s.getsockname(), flush=True)
conn, addr = s.accept()
print('Connected by', addr, flush=True)
while 1:
    data = conn.recv(1024)
    if not data: break
    conn.send(data)
conn.close()
s.close()
