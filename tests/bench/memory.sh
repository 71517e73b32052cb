#!/bin/sh
# Benchmark: the agent's memory beside Debian's prometheus-node-exporter, in
# one run. `hsos-agent run` (NOTIFY_SOCKET, as systemd starts it) on the full
# node of tests/bench/full-node.json with its paths moved below a scratch
# directory, geth + lighthouse pointed at the test peers (fakepeer.py: the
# probes use libcurl), a real etcd as its controller and the Prometheus
# textfile, reportIntervalSec 10. Beside it, Debian's node_exporter, with its
# defaults but on 127.0.0.1 and a free port, scraped every 10 s. Both settle
# BENCH_MEMORY_SETTLE seconds (30: three report intervals), then RSS, PSS and
# private memory (/proc/PID/smaps_rollup) are summed over each one's process
# tree (the daemon and all its descendants: the disk worker it forks once a
# minute, a child that stays) every BENCH_MEMORY_EVERY seconds (0.1), and
# every millisecond while a child forked in it lives, for BENCH_MEMORY_SECONDS
# (65: one full evaluation falls in it): tests/bench/procmem.py. The daemon's
# mappings (/proc/PID/smaps) by file, and so those of each process that stays
# beside it (the network helper). Aims: the root process under 4 MiB RSS,
# all the agent's processes together under a third of node_exporter's PSS.
# Figures only, appended to the results file; the samples as JSON beside it
# (memory.json).
#   sh tests/bench/memory.sh build/default/hsos-agent build/bench/results.txt
set -u
agent=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") results=$2
TOP=$(cd "$(dirname "$0")/../.." && pwd)
settle=${BENCH_MEMORY_SETTLE:-30}
seconds=${BENCH_MEMORY_SECONDS:-65}
every=${BENCH_MEMORY_EVERY:-0.1}
exporter=${BENCH_NODE_EXPORTER:-/usr/bin/prometheus-node-exporter}
MAINNET_ROOT=0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95
if ! command -v python3 >/dev/null || ! command -v etcd >/dev/null || ! command -v etcdctl >/dev/null || ! [ -x "$exporter" ]; then
        echo "memory: skipped (needs python3, etcd, etcdctl and prometheus-node-exporter: scripts/deps.sh bench installs them)" | tee -a "$results"
        exit 0
fi
. "$TOP/tests/peers/peers.sh"
T=$PEERS_TMP
AGENT_PID="" EXPORTER_PID="" SCRAPER_PID=""
stop() {
        for p in $SCRAPER_PID $EXPORTER_PID $AGENT_PID; do kill "$p" 2>/dev/null; done
        peers_cleanup
}
trap stop EXIT INT TERM

fakepeer_start jsonrpc synced,peers --chain-id 0x1 || { echo "memory: $PEERS_ERROR" >&2; exit 1; }
J=$FAKEPEER_PORT
fakepeer_start beacon synced,peers --genesis-root $MAINNET_ROOT || { echo "memory: $PEERS_ERROR" >&2; exit 1; }
B=$FAKEPEER_PORT
etcd_start || { echo "memory: $PEERS_ERROR" >&2; exit 1; }

# The full node, run here: every path below $T, the clients on loopback (the
# probes ask geth's jsonRpcPort on its endpoint's host), the controller added.
python3 - "$TOP/tests/bench/full-node.json" "$T" "$J" "$B" "$ETCD_URL" >"$T/node.json" <<'PY' || exit 1
import json, sys
src, t, j, b, etcd = sys.argv[1:]
c = json.load(open(src))
def here(p):
    return t + p
for m in c["mounts"].values():
    m["where"] = here(m["where"])
c["ssh"]["privateKeyFile"] = here(c["ssh"]["privateKeyFile"])
c["vpn"]["wireguard"]["configFile"] = here(c["vpn"]["wireguard"]["configFile"])
geth = c["execution"]["geth"]
geth.update(endpoint="http://127.0.0.1:8551", jsonRpcPort=int(j), dataDir=here(geth["dataDir"]),
            jwtSecretFile=here(geth["jwtSecretFile"]))
lh = c["consensus"]["lighthouse"]
lh.update(endpoint="http://127.0.0.1:" + b, execEndpoint="http://127.0.0.1:8551", dataDir=here(lh["dataDir"]),
          jwtSecretFile=here(lh["jwtSecretFile"]))
ssv = c["addons"]["ssv-node"]
ssv["dataDir"] = here(ssv["dataDir"])
a = c["agent"]
a.update(journalDir=here(a["journalDir"]), metricsTextfile=t + "/metrics/hsos.prom", statusSocket=t + "/status.sock",
         controller={"etcd": {"endpoints": [etcd], "prefix": "/bench"}})
json.dump(c, sys.stdout, indent=1)
PY
mkdir -p "$T/metrics"
"$agent" validate --config "$T/node.json" >"$T/validate" 2>&1 || { echo "memory: node.json invalid:" >&2; cat "$T/validate" >&2; exit 1; }
interval=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["agent"]["reportIntervalSec"])' "$T/node.json")

# As systemd starts it: wait for READY=1 on NOTIFY_SOCKET.
python3 - "$T/notify.sock" "$T/ready" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(60)
try:
    while True:
        if "READY=1" in s.recv(4096).decode().split("\n"):
            open(sys.argv[2], "w").close()
            break
except socket.timeout:
    pass
PY
listener=$!
peers_wait 10 test -S "$T/notify.sock"
NOTIFY_SOCKET="$T/notify.sock" "$agent" run --config "$T/node.json" >"$T/agent.log" 2>&1 &
AGENT_PID=$!
wait $listener
[ -e "$T/ready" ] || { echo "memory: the agent did not send READY=1:" >&2; cat "$T/agent.log" >&2; exit 1; }

# node_exporter as its Debian unit starts it (no arguments: ARGS="" in
# /etc/default/prometheus-node-exporter), but on loopback and a free port.
NE_PORT=$(peers_free_ports 1)
"$exporter" --web.listen-address="127.0.0.1:$NE_PORT" >"$T/exporter.log" 2>&1 &
EXPORTER_PID=$!
# Scraped as a Prometheus would, at the agent's interval: its working memory.
# By Python's socket alone, not curl: a program that maps libcurl or the TLS
# libraries would take a share of the agent's PSS of them.
python3 - "$NE_PORT" "$interval" "$T/scrape.txt" <<'PY' 2>"$T/scraper.log" &
import os, socket, sys, time
port, every, out = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
for i in range(150):
    try:
        socket.create_connection(("127.0.0.1", port), 1).close()
        break
    except OSError:
        time.sleep(0.1)
while True:
    s = socket.create_connection(("127.0.0.1", port), 10)
    s.sendall(b"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    if b" 200 " not in head.split(b"\r\n")[0]:
        sys.exit("node_exporter answered: " + head.split(b"\r\n")[0].decode())
    with open(out + ".new", "wb") as f:
        f.write(body)
    os.replace(out + ".new", out)
    time.sleep(every)
PY
SCRAPER_PID=$!
peers_wait 15 test -s "$T/scrape.txt" || { echo "memory: node_exporter does not answer on 127.0.0.1:$NE_PORT:" >&2; cat "$T/exporter.log" "$T/scraper.log" >&2; exit 1; }

key=/bench/nodes/bench-node/status
reported() { [ -n "$(etcdctl --endpoints "$ETCD_URL" get "$key" --print-value-only)" ]; }
status_ok() {
        "$agent" status --socket "$T/status.sock" --json 2>/dev/null \
                | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if all(c.get("reachable") for c in d["execution"] + d["consensus"]) and d["execution"] and d["consensus"] else 1)'
}
peers_wait 30 reported || { echo "memory: no report reached etcd in 30 s:" >&2; cat "$T/agent.log" >&2; exit 1; }
peers_wait 30 status_ok || { echo "memory: the probes do not reach the peers:" >&2; "$agent" status --socket "$T/status.sock" >&2; exit 1; }

echo "memory: both settle for $settle s, then sampled every $every s for $seconds s ..." >&2
sleep "$settle"
for p in $AGENT_PID $EXPORTER_PID $SCRAPER_PID; do
        kill -0 "$p" 2>/dev/null || { echo "memory: pid $p died:" >&2; cat "$T/agent.log" "$T/exporter.log" "$T/scraper.log" >&2; exit 1; }
done
json=$(dirname "$results")/memory.json
python3 "$TOP/tests/bench/procmem.py" "$seconds" "$every" agent="$AGENT_PID" exporter="$EXPORTER_PID" >"$json" || exit 1
status_ok && reach="geth and lighthouse reachable" || reach="geth and lighthouse NOT both reachable"
scrapes=$(grep -c '^node_' "$T/scrape.txt")
version=$("$exporter" --version 2>&1 | sed -n 's/^node_exporter, version \([^ ]*\).*/\1/p')
# Which libcurl the helper has: built in (scripts/libcurl.sh, HTTP and HTTPS
# alone) or Debian's libcurl4, with the 20 libraries it links.
libcurl=$(ldd "$(dirname "$agent")/hsos-agent-net" | awk '/libcurl/ { print $1 }')
if [ -z "$libcurl" ]; then
        libcurl="built in: $(sh "$TOP/scripts/libcurl.sh" --print), HTTP and HTTPS alone (scripts/libcurl.sh)"
else
        libcurl="Debian's $libcurl with every library it links"
fi

python3 - "$json" "$settle" "$seconds" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$reach" "$version" "$scrapes" "$every" "$libcurl" <<'PY' | tee -a "$results"
import json, statistics, sys
d = json.load(open(sys.argv[1]))
settle, seconds, date, reach, version, scrapes, every, libcurl = sys.argv[2:]
mib = lambda k: "%.1f MiB" % (k / 1024)
def tree(name, x):
    s = [v for v in x["samples"] if v[4]]
    med = sorted(s, key=lambda v: v[2])[len(s) // 2]
    top = max(x["samples"], key=lambda v: (v[2], v[0]))
    most = x["most"]
    print("  %s, all processes: RSS %s, PSS %s, private %s (the median of %d samples; %d process%s); highest: RSS %s, PSS %s, private %s (%d process%s)"
          % (name, mib(med[1]), mib(med[2]), mib(med[3]), len(s), med[0], "" if med[0] == 1 else "es",
             mib(top[1]), mib(top[2]), mib(top[3]), top[0], "" if top[0] == 1 else "es"))
    print("    alone: %s at the end (%d process%s): its distinct resident pages (pagemap), all its own were nothing else mapping its files"
          % (mib(x["alone"]), len(x["last"]), "" if len(x["last"]) == 1 else "es"))
    if len(most) > 1:
        print("    most processes seen at once: " + ", ".join("%s (pid %d) RSS %d, PSS %d KiB" % (p["comm"], p["pid"], p["rss"], p["pss"]) for p in most))
    r = x["root"]
    print("  %s, root process alone (%s): RSS %s, PSS %s (anon %s, file %s), private %s, peak RSS (VmHWM) %s"
          % (name, r["comm"], mib(r["rss"]), mib(r["pss"]), mib(r["pss_anon"]), mib(r["pss_file"]), mib(r["private"]), mib(r["hwm"])))
    return med, r
print("memory: the agent beside Debian's prometheus-node-exporter %s (%s), both settled %s s, then sampled every %s s for %s s%s"
      % (version, date, settle, every, seconds, ", and every 1 ms while a child forked in a tree lived" if d["fork_events"] else
         " (no fork events here: a short-lived child may be missed)"))
print("  agent: hsos-agent run, full node (geth + lighthouse probed on fakepeer.py, %s; etcd controller; textfile), reportIntervalSec 10" % reach)
print("  the helper's libcurl: %s" % libcurl)
print("  node_exporter: default collectors, on 127.0.0.1, scraped every 10 s (%s node_* samples a scrape)" % scrapes)
print("  (PSS splits a page among the processes that map it: the Python test peers, and others on this machine, map libssl and libcrypto too)")
a, ar = tree("agent", d["agent"])
def by_mapping(title, maps, top):
    print("  %s by mapping, KiB (RSS / PSS):" % title)
    for n, r, p in maps[:top]:
        print("    %-26s %6d / %6d" % (n, r, p))
    rest = maps[top:]
    print("    %-26s %6d / %6d" % ("the other %d" % len(rest), sum(m[1] for m in rest), sum(m[2] for m in rest)))
maps = d["agent"]["maps"]
by_mapping("agent's root process", maps, 14)
crypto = [m for m in maps if any(k in m[0] for k in ("libcrypto", "libssl", "libgnutls", "libnettle", "libhogweed", "libgmp", "libgcrypt", "libk5crypto"))]
print("    of which the crypto libraries (%s): RSS %d, PSS %d" % (", ".join(m[0] for m in crypto), sum(m[1] for m in crypto), sum(m[2] for m in crypto)))
# The same for each process that stays beside the root (the network helper):
# the largest mappings, the rest summed, and what its heap and the libraries
# pulled in by libcurl hold.
for c in d["agent"].get("child_maps", []):
    cm = c["maps"]
    by_mapping("agent's %s (pid %d)" % (c["comm"], c["pid"]), cm, 20)
    print("    all: RSS %d, PSS %d; files %d (RSS %d, PSS %d), anonymous (heap, stacks, arenas) RSS %d, PSS %d"
          % (sum(m[1] for m in cm), sum(m[2] for m in cm), len([m for m in cm if not m[0].startswith("[")]),
             sum(m[1] for m in cm if not m[0].startswith("[")), sum(m[2] for m in cm if not m[0].startswith("[")),
             sum(m[1] for m in cm if m[0].startswith("[")), sum(m[2] for m in cm if m[0].startswith("["))))
e, er = tree("node_exporter", d["exporter"])
print("  node_exporter by mapping, KiB (RSS / PSS): " + "; ".join("%s %d / %d" % (n, r, p) for n, r, p in d["exporter"]["maps"][:5]))
print("  agent / node_exporter: PSS %.2f (%s / %s), RSS %.2f (%s / %s), alone %.2f (%s / %s)"
      % (a[2] / e[2], mib(a[2]), mib(e[2]), a[1] / e[1], mib(a[1]), mib(e[1]),
         d["agent"]["alone"] / d["exporter"]["alone"], mib(d["agent"]["alone"]), mib(d["exporter"]["alone"])))
print("  aim: the root process under 4 MiB RSS: %s (%s)" % ("met" if ar["rss"] < 4096 else "NOT met", mib(ar["rss"])))
print("  aim: all the agent's processes under a third of node_exporter's PSS (%s): %s (%s)"
      % (mib(e[2] / 3), "met" if a[2] < e[2] / 3 else "NOT met", mib(a[2])))
PY
