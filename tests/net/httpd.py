#!/usr/bin/python3
"""Loopback peers for tests/net/run.sh and bench/http_parallel.sh.

    httpd.py http PORTFILE      an HTTP server with the routes below
    httpd.py https PORTFILE CERT KEY   the same over TLS (CERT, KEY: PEM)
    httpd.py trap PORTFILE LOG  a listener that logs every connection to LOG
    httpd.py silent PORTFILE    a listener that accepts and never answers

Each binds 127.0.0.1 on a free port (port 0) and then writes the port to
PORTFILE (atomically), so the caller never races for a port.

HTTP routes: /json, /status/NNN, /ratelimited, /slow (2 s), /delay/MS,
/big (5 MiB with Content-Length), /big-stream (5 MiB, no length),
/echo (method, headers and body as JSON), /redirect (302 to /json),
/many-headers (150 headers), /http09 (no status line), /garbage-status
(a status line that is not HTTP), /huge-header (one 110 KB header line).
"""
import json
import os
import socket
import ssl
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BIG = 5 * 1024 * 1024


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def route(self):
        path = self.path.split("?", 1)[0]
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if path == "/json":
            self.reply(200, b'{"ok":true,"exchange":"loopback","n":[1,2,3]}',
                       [("Content-Type", "application/json"),
                        ("X-Custom", "yes"), ("X-Dup", "a"), ("X-Dup", "b")])
        elif path.startswith("/status/"):
            self.reply(int(path[8:]), b"status body")
        elif path == "/ratelimited":
            self.reply(429, b'{"error":"too many requests"}',
                       [("Content-Type", "application/json"),
                        ("Retry-After", "2"), ("X-RateLimit-Limit", "600"),
                        ("X-RateLimit-Remaining", "0"),
                        ("X-RateLimit-Reset", "1767225600")])
        elif path == "/slow":
            time.sleep(2)
            self.reply(200, b"late")
        elif path.startswith("/delay/"):
            time.sleep(int(path[7:]) / 1000.0)
            self.reply(200, b"ok")
        elif path == "/big":
            self.reply(200, b"x" * BIG)
        elif path == "/big-stream":
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            chunk = b"y" * 65536
            try:
                for _ in range(BIG // len(chunk)):
                    self.wfile.write(chunk)
            except OSError:
                pass  # the client stopped reading at its cap
        elif path == "/echo":
            out = {"method": self.command,
                   "headers": {k.lower(): v for k, v in self.headers.items()},
                   "body": body.decode("utf-8", "replace")}
            self.reply(200, json.dumps(out).encode(),
                       [("Content-Type", "application/json")])
        elif path == "/redirect":
            self.reply(302, b"", [("Location", "/json")])
        elif path == "/http09":
            # no status line at all: HTTP/0.9 to a client
            self.wfile.write(b"hello from 1991\n")
            self.close_connection = True
        elif path == "/garbage-status":
            self.wfile.write(b"XYZZY 200 OK\r\nContent-Length: 2\r\n\r\nok")
            self.close_connection = True
        elif path == "/huge-header":
            # one header line over libcurl's 100 KB limit
            self.reply(200, b"ok", [("X-Huge", "h" * (110 * 1024))])
        elif path == "/many-headers":
            self.reply(200, b"ok", [("X-H%d" % i, "v") for i in range(150)])
        else:
            self.reply(404, b"not found")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = route
    do_OPTIONS = route


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def write_port(portfile, port):
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, portfile)


def listener():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    return s


def main():
    mode, portfile = sys.argv[1], sys.argv[2]
    if mode in ("http", "https"):
        srv = Server(("127.0.0.1", 0), Handler)
        if mode == "https":
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(sys.argv[3], sys.argv[4])
            srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
        write_port(portfile, srv.server_address[1])
        srv.serve_forever()
    elif mode == "trap":
        log = sys.argv[3]
        s = listener()
        write_port(portfile, s.getsockname()[1])
        while True:
            c, addr = s.accept()
            with open(log, "a") as f:
                f.write("connection from %s:%d\n" % addr)
            c.close()
    elif mode == "silent":
        s = listener()
        write_port(portfile, s.getsockname()[1])
        held = []
        while True:
            c, _ = s.accept()
            held.append(c)  # keep it open, say nothing
    else:
        sys.exit("usage: httpd.py http|https|trap|silent PORTFILE [...]")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
