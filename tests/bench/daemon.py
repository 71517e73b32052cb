#!/usr/bin/env python3
"""Benchmark (not a test): the daemon on this machine. Time from its start to
READY=1 (over NOTIFY_SOCKET) for the full example node, its memory once up
(VmRSS, VmHWM), and the status latency: 1000 requests on the socket (the
daemon's own answer time) and 200 runs of `hsos-agent status --json` (what a
monitoring check pays). Prints the figures.
    python3 tests/bench/daemon.py HSOS-AGENT NODE.JSON"""

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

agent, node = sys.argv[1], sys.argv[2]
work = tempfile.mkdtemp(prefix="hsos-bench-daemon-")
cfg = json.load(open(node))
cfg.setdefault("agent", {})["statusSocket"] = os.path.join(work, "status.sock")
# Keep the machine's identity and paths out of it: everything below work.
path = os.path.join(work, "node.json")
json.dump(cfg, open(path, "w"))

notify = os.path.join(work, "notify.sock")
ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
ns.bind(notify)
ns.settimeout(60)
t0 = time.monotonic()
proc = subprocess.Popen([agent, "run", "--config", path], env=dict(os.environ, NOTIFY_SOCKET=notify),
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    while True:
        if "READY=1" in ns.recv(4096).decode().split("\n"):
            break
    ready_ms = (time.monotonic() - t0) * 1000

    def ask():
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(cfg["agent"]["statusSocket"])
        s.sendall(b"status\n")
        while s.recv(65536):
            pass
        s.close()

    lat = []
    for _ in range(1000):
        a = time.perf_counter()
        ask()
        lat.append((time.perf_counter() - a) * 1000)
    lat.sort()
    cmd = []
    for _ in range(200):
        a = time.perf_counter()
        subprocess.run([agent, "status", "--json", "--socket", cfg["agent"]["statusSocket"]],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cmd.append((time.perf_counter() - a) * 1000)
    cmd.sort()
    mem = {}
    for line in open("/proc/%d/status" % proc.pid):
        k, _, v = line.partition(":")
        if k in ("VmRSS", "VmHWM"):
            mem[k] = v.strip()
    print("daemon (on this machine, systemd not reachable: planning and serving, applying nothing)")
    print("  start to READY=1: %.1f ms" % ready_ms)
    print("  memory once up: VmRSS %s, peak VmHWM %s (aim: under 4 MiB)" % (mem.get("VmRSS"), mem.get("VmHWM")))
    print("  status on the socket, 1000 requests: median %.2f ms, p99 %.2f ms (aim: p99 under 5 ms)"
          % (statistics.median(lat), lat[int(len(lat) * 0.99) - 1]))
    print("  hsos-agent status --json, 200 runs: median %.2f ms, p99 %.2f ms"
          % (statistics.median(cmd), cmd[int(len(cmd) * 0.99) - 1]))
finally:
    proc.terminate()
    proc.wait()
