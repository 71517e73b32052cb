#!/usr/bin/env python3
"""A test stand-in for an HTTP controller: receives the agents' status
POSTs, keeps the last one per path with its Authorization header, and can be
made to answer 500, 401 or never. Loopback only.

    collector.py DIR            prints "PORT <n>" once it listens
Files in DIR: mode (200, 500, 401, hang; read per request), and for each
request: last.json (the body), last.auth (the Authorization header), count."""
import http.server
import os
import sys
import threading
import time

DIR = sys.argv[1]


def mode():
    try:
        with open(os.path.join(DIR, "mode")) as f:
            return f.read().strip() or "200"
    except OSError:
        return "200"


def put(name, data):
    tmp = os.path.join(DIR, "." + name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, os.path.join(DIR, name))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n)
        with lock:
            path = os.path.join(DIR, "count")
            count = int(open(path).read()) if os.path.exists(path) else 0
            open(path, "w").write(str(count + 1))
        m = mode()
        if m == "hang":
            time.sleep(3600)
            return
        if m == "200":
            # Each file whole or not at all: a test that sees last.json
            # reads all of it (a body of more than a buffer was seen half
            # written).
            with lock:
                put("last.auth", (self.headers.get("Authorization") or "").encode())
                put("last.path", self.path.encode())
                put("last.json", body)
        code = int(m) if m.isdigit() else 500
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()


lock = threading.Lock()
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print("PORT %d" % server.server_address[1], flush=True)
server.serve_forever()
