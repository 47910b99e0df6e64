"""makefile(): io objects over a socket, with the stdlib's close semantics.

``SocketIO`` is cffisock's raw I/O class; ``open_socket_file`` stacks the
``io`` buffering and text layers on it as ``open()`` would.  Each file counts
as a reference on its socket: ``socket.close()`` leaves the descriptor open
until every file made from it is closed as well.
"""

import io

from cffisock._errors import timeout as _timeout_error


class SocketIO(io.RawIOBase):
    """Raw I/O over a socket object for makefile().

    Reads return None and writes return None when a non-blocking socket would
    block; after a timeout the stream refuses further reads, since the
    buffered layer may have lost data.
    """

    def __init__(self, sock, mode):
        if mode not in ("r", "w", "rw", "rb", "wb", "rwb"):
            raise ValueError("invalid mode: %r" % mode)
        io.RawIOBase.__init__(self)
        self._sock = sock
        if "b" not in mode:
            mode += "b"
        self._mode = mode
        self._reading = "r" in mode
        self._writing = "w" in mode
        self._timeout_occurred = False
        sock._file_opened()

    def readinto(self, buffer):
        """Receive into ``buffer``; return the count, or None if it would
        block."""
        self._checkClosed()
        self._checkReadable()
        if self._timeout_occurred:
            raise OSError("cannot read from timed out object")
        try:
            return self._sock.recv_into(buffer)
        except _timeout_error:
            self._timeout_occurred = True
            raise
        except BlockingIOError:
            return None

    def write(self, data):
        """Send what the socket takes now; return the count, or None if it
        would block."""
        self._checkClosed()
        self._checkWritable()
        try:
            return self._sock.send(data)
        except BlockingIOError:
            return None

    def readable(self):
        if self.closed:
            raise ValueError("I/O operation on closed socket.")
        return self._reading

    def writable(self):
        if self.closed:
            raise ValueError("I/O operation on closed socket.")
        return self._writing

    def seekable(self):
        if self.closed:
            raise ValueError("I/O operation on closed socket.")
        return False

    def fileno(self):
        self._checkClosed()
        return self._sock.fileno()

    @property
    def name(self):
        return self.fileno() if not self.closed else -1

    @property
    def mode(self):
        return self._mode

    def close(self):
        """Close the file; the socket closes when it was closed and this was
        its last file."""
        if self.closed:
            return
        io.RawIOBase.close(self)
        self._sock._decref_socketios()
        self._sock = None


def open_socket_file(sock, mode, buffering, encoding, errors, newline):
    """Return the file object ``sock.makefile(mode, buffering, ...)`` gives."""
    if not set(mode) <= {"r", "w", "b"}:
        raise ValueError("invalid mode %r (only r, w, b allowed)" % (mode,))
    writing = "w" in mode
    reading = "r" in mode or not writing
    binary = "b" in mode
    if buffering is None or buffering < 0:
        buffering = io.DEFAULT_BUFFER_SIZE
    if buffering == 0 and not binary:
        raise ValueError("unbuffered streams must be binary")
    raw = SocketIO(sock, ("r" if reading else "") + ("w" if writing else ""))
    if buffering == 0:
        return raw
    if reading and writing:
        buffered = io.BufferedRWPair(raw, raw, buffering)
    elif reading:
        buffered = io.BufferedReader(raw, buffering)
    else:
        buffered = io.BufferedWriter(raw, buffering)
    if binary:
        return buffered
    if hasattr(io, "text_encoding"):  # Python 3.10+: EncodingWarning support
        encoding = io.text_encoding(encoding)
    text = io.TextIOWrapper(buffered, encoding, errors, newline)
    text.mode = mode
    return text
