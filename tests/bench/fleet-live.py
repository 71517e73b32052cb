#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The fleet's readers under the 1,000-node load of tests/bench/fleet.sh
(benchmark helpers, not tests: figures only, nothing asserted).

  fleet-live.py events URL OUT
      A client of `hsos-agent fleet serve`'s /events (Server-Sent Events,
      read as a browser's EventSource reads them, over its own TCP
      connection): "# connected: STATUS-LINE" in OUT once the answer's head
      is in, then a line "T HOST STATE AT" for each `node` event (AT its
      report's time, the event's "at"), T the time.monotonic()
      (CLOCK_MONOTONIC, seconds) at which the bytes that ended the event
      were read. Ends on SIGTERM, with "# bytes N
      events M" as its last line.

  fleet-live.py fleet AGENT ETCD-URL PREFIX RUNS
      `AGENT fleet --etcd ETCD-URL --prefix PREFIX`, then the same with
      --json, RUNS times each, timed (wall, and the CPU of the command from
      getrusage); then once each through a loopback TCP relay that counts
      every byte etcd sends and receives on the command's connections (the
      HTTP requests and answers, headers included): the bytes the command
      reads from etcd. Prints "key value..." lines.

  fleet-live.py match CHANGES EVENTS
      For each change of bench-fleet's CHANGES-FILE ("T-USEC HOST STATE
      GENERATED-AT", CLOCK_MONOTONIC), the first event of EVENTS for that
      host with that state, read at or after it, showing that report or a
      later one (its "at" not before GENERATED-AT): the latency from the
      controller being handed the new state (its write goes out in the same
      step) to the event read by the client (a change whose event did not
      come within 100 s counts as the slowest). Prints "key value..." lines.
"""
import calendar
import json
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse


def events(url, out):
    u = urllib.parse.urlsplit(url)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    s = socket.create_connection((u.hostname, u.port), timeout=10)
    s.settimeout(0.5)
    # HTTP/1.0: the answer ends with the connection, no chunks to undo.
    s.sendall(("GET %s HTTP/1.0\r\nHost: %s\r\nAccept: text/event-stream\r\n\r\n" % (u.path, u.netloc)).encode())
    buf = b""
    total = 0
    n = 0
    head = True
    with open(out, "w", buffering=1) as f:
        while not stop:
            try:
                data = s.recv(1 << 16)
            except socket.timeout:
                continue
            except InterruptedError:
                continue
            t = time.monotonic()
            if not data:
                f.write("# closed by the server\n")
                break
            total += len(data)
            buf += data
            if head:
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    continue
                status = buf.split(b"\r\n", 1)[0].decode(errors="replace")
                if " 200 " not in status + " ":
                    f.write("# %s\n" % status)
                    break
                buf = buf[end + 4:]
                head = False
                f.write("# connected: %s\n" % status)
            while True:
                end = buf.find(b"\n\n")
                if end < 0:
                    break
                block, buf = buf[:end], buf[end + 2:]
                name, data_lines = "message", []
                for line in block.decode(errors="replace").split("\n"):
                    if line.startswith("event:"):
                        name = line[6:].strip()
                    elif line.startswith("data:"):
                        data_lines.append(line[5:].lstrip())
                if name != "node" or not data_lines:
                    continue
                try:
                    node = json.loads("\n".join(data_lines))
                except ValueError:
                    continue
                n += 1
                f.write("%.6f %s %s %s\n" % (t, node.get("host"), node.get("state"), node.get("at")))
        f.write("# bytes %d events %d\n" % (total, n))
    s.close()


class Relay:
    """A loopback TCP relay to etcd that counts the bytes each way."""

    def __init__(self, target):
        self.target = target
        self.up = self.down = self.connections = 0
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.threads = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            e = socket.create_connection(self.target)
            with self.lock:
                self.connections += 1
            for a, b, way in ((c, e, "up"), (e, c, "down")):
                t = threading.Thread(target=self.pump, args=(a, b, way), daemon=True)
                t.start()
                self.threads.append(t)

    def pump(self, a, b, way):
        while True:
            try:
                data = a.recv(1 << 16)
            except OSError:
                data = b""
            if not data:
                try:
                    b.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                return
            with self.lock:
                setattr(self, way, getattr(self, way) + len(data))
            try:
                b.sendall(data)
            except OSError:
                return

    def wait(self):
        for t in self.threads:
            t.join(10)
        self.threads = []


def run(cmd):
    """Wall seconds, CPU seconds, exit code, stdout."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=120)
    wall = time.monotonic() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime
    if p.returncode not in (0, 1, 2):
        sys.stderr.write("fleet-live: %s: exit %d: %s\n" % (" ".join(cmd), p.returncode, p.stderr.decode()[-1500:]))
        sys.exit(1)
    return wall, cpu, p.returncode, p.stdout


def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, len(v) * q // 100)]


def fleet(agent, etcd, prefix, runs):
    u = urllib.parse.urlsplit(etcd)
    for name, extra in (("text", []), ("json", ["--json"])):
        walls, cpus, out, code = [], [], b"", None
        for _ in range(runs):
            wall, cpu, code, out = run([agent, "fleet", "--etcd", etcd, "--prefix", prefix] + extra)
            walls.append(wall * 1000)
            cpus.append(cpu * 1000)
        if name == "json":
            nodes = len(json.loads(out))
        else:
            nodes = sum(1 for line in out.decode(errors="replace").splitlines() if line.startswith("node-"))
        print("%s_wall_ms %d %.1f %.1f %.1f" % (name, runs, pct(walls, 50), min(walls), max(walls)))
        print("%s_cpu_ms %.1f" % (name, pct(cpus, 50)))
        print("%s_out %d %d %d" % (name, nodes, len(out), code))
        relay = Relay((u.hostname, u.port))
        wall, _, code, out = run([agent, "fleet", "--etcd", "http://127.0.0.1:%d" % relay.port, "--prefix", prefix]
                                 + extra)
        relay.wait()
        relay.sock.close()
        print("%s_bytes %d %d %d %.1f" % (name, relay.down, relay.up, relay.connections, wall * 1000))
    print("maxrss_kib %d" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def match(changes_path, events_path, cutoff=100.0):
    evs = {}
    with open(events_path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            t, host, state, at = line.split()
            evs.setdefault(host, []).append((float(t), state, int(at) if at.isdigit() else 0))
    changes = []
    with open(changes_path) as f:
        for line in f:
            t, host, state, at = line.split()
            t = int(t) / 1e6
            at = calendar.timegm(time.strptime(at, "%Y-%m-%dT%H:%M:%SZ"))
            # The first event that shows this write or a later one in this
            # state: a server behind shows older reports first.
            hit = next((et for et, es, eat in evs.get(host, []) if et >= t and es == state and eat >= at), None)
            # The node has this state again 2 minutes on: past cutoff is no match.
            changes.append((t, None if hit is None or hit - t > cutoff else (hit - t) * 1000))
    changes.sort()

    def figures(lat):
        """count p50 p99 max, a change without its event counted as the slowest."""
        if not lat:
            return "0 - - -"
        seen = [x for x in lat if x is not None]
        show = [x if x is not None else float("inf") for x in lat]
        return "%d %s %s %s" % (len(lat), *(">%.0f" % (cutoff * 1000) if v == float("inf") else "%.1f" % v
                                          for v in (pct(show, 50), pct(show, 99), max(show) if seen else show[0])))

    print("sse_ms %s" % figures([x for _, x in changes]))
    print("sse_seen %d %d %.1f" % (sum(1 for _, x in changes if x is not None), len(changes), cutoff))
    seen = [x for _, x in changes if x is not None]
    print("sse_min_ms %.1f" % (min(seen) if seen else 0))
    # The same over each third of the run: a server that keeps up is as fast
    # at the end as at the start.
    if changes:
        t0, t1 = changes[0][0], changes[-1][0]
        span = (t1 - t0) / 3 or 1
        for i in range(3):
            part = [x for t, x in changes if min(2, int((t - t0) / span)) == i]
            print("sse_third%d %s" % (i + 1, figures(part)))


def main():
    a = sys.argv[1:]
    if a[:1] == ["events"] and len(a) == 3:
        events(a[1], a[2])
    elif a[:1] == ["fleet"] and len(a) == 5:
        fleet(a[1], a[2], a[3], int(a[4]))
    elif a[:1] == ["match"] and len(a) == 3:
        match(a[1], a[2])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
