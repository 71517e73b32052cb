#!/usr/bin/env python3
"""Ports for the firewall tests: what answers, from where.

  ports.py serve tcp/22 udp/30303 ...   listen on every address: TCP accepts
                                        and says "hi", UDP echoes; prints
                                        "ready" once all are bound
  ports.py try PROTO PORT ADDR          prints "answers" or "silent"
"""
import selectors
import socket
import sys


def serve(specs):
    sel = selectors.DefaultSelector()
    for spec in specs:
        proto, port = spec.split("/")
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", int(port)))
        if proto == "tcp":
            s.listen(16)
        sel.register(s, selectors.EVENT_READ, proto)
    print("ready", flush=True)
    while True:
        for key, _ in sel.select():
            if key.data == "tcp":
                c, _ = key.fileobj.accept()
                c.sendall(b"hi")
                c.close()
            else:
                data, addr = key.fileobj.recvfrom(64)
                key.fileobj.sendto(data, addr)


def try_port(proto, port, addr):
    try:
        if proto == "tcp":
            s = socket.create_connection((addr, int(port)), timeout=0.7)
            s.recv(2)
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(0.7)
            s.sendto(b"ping", (addr, int(port)))
            s.recvfrom(64)
        print("answers")
    except OSError:
        print("silent")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        serve(sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "try":
        try_port(*sys.argv[2:])
    else:
        sys.exit(__doc__)
