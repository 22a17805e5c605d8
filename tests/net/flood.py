#!/usr/bin/python3
"""Peers that send without end, for the bounded-worker tests in run.sh.

    flood.py redis PORTFILE   answers every command with "$2000000000\\r\\n"
                              (a 2 GB bulk string) and then streams bytes
    flood.py http PORTFILE    answers every request with 200 and a body
                              that never ends (no length, no chunks)
    flood.py pg PORTFILE      a PostgreSQL server that accepts any login and
                              answers any query with a 400 MB DataRow,
                              streamed

Each binds 127.0.0.1 on a free port and writes the port to PORTFILE
(atomically). A connection streams until the client goes away (or 30 s).
"""
import os
import socket
import struct
import sys
import threading
import time

CHUNK = b"x" * (1 << 20)


def stream(conn, head):
    conn.sendall(head)
    end = time.monotonic() + 30
    while time.monotonic() < end:
        conn.sendall(CHUNK)


def recv_exact(conn, n):
    b = b""
    while len(b) < n:
        r = conn.recv(n - len(b))
        if not r:
            raise EOFError
        b += r
    return b


def redis(conn):
    conn.recv(65536)  # the command, whatever it is
    stream(conn, b"$2000000000\r\n")


def http(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        r = conn.recv(65536)
        if not r:
            return
        data += r
    stream(conn, b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                 b"Connection: close\r\n\r\n")


def pg(conn):
    n, code = struct.unpack("!ii", recv_exact(conn, 8))
    if code == 80877103 or code == 80877104:  # SSL or GSS request: no
        conn.sendall(b"N")
        n, code = struct.unpack("!ii", recv_exact(conn, 8))
    recv_exact(conn, n - 8)  # the rest of the startup packet
    conn.sendall(b"R" + struct.pack("!ii", 8, 0))  # AuthenticationOk
    conn.sendall(b"Z" + struct.pack("!i", 5) + b"I")  # ReadyForQuery
    t = recv_exact(conn, 1)
    n = struct.unpack("!i", recv_exact(conn, 4))[0]
    recv_exact(conn, n - 4)
    if t != b"Q":
        return
    name = b"c\0"
    field = name + struct.pack("!ihihih", 0, 0, 25, -1, -1, 0)
    desc = struct.pack("!h", 1) + field
    conn.sendall(b"T" + struct.pack("!i", 4 + len(desc)) + desc)
    size = 400 << 20
    stream(conn, b"D" + struct.pack("!ihi", 4 + 2 + 4 + size, 1, size))


def serve(conn, fn):
    try:
        fn(conn)
    except (OSError, EOFError):
        pass
    finally:
        conn.close()


def main():
    mode, portfile = sys.argv[1], sys.argv[2]
    fn = {"redis": redis, "http": http, "pg": pg}[mode]
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(s.getsockname()[1]))
    os.rename(portfile + ".tmp", portfile)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(conn, fn), daemon=True).start()


if __name__ == "__main__":
    main()
