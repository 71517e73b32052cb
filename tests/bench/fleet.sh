#!/bin/sh
# Benchmark: a fleet of BENCH_FLEET_NODES (default 1000) simulated agents
# reporting every 10 s to one etcd on this machine for BENCH_FLEET_SECONDS
# (default 180), in one process, each node a real Controller (the daemon's
# agent/net/controller.c) on one Http (tests/bench/bench-fleet.c: lease TTL
# 30, claim txn, keepalive every interval, replace txn of a ~2 KiB status
# when it changes, every 6th interval, or a minute passed). etcd (Debian's
# 3.4) runs with periodic auto-compaction (5m) and a 2 GiB backend quota (its
# default, stated). Figures:
# requests/s, report and keepalive latency, etcd's CPU, memory and database
# growth, and a linear extrapolation to 10,000 nodes. Figures only.
#   sh tests/bench/fleet.sh build/bench/bench-fleet build/bench/results.txt
set -u
bench=$1 results=$2
TOP=$(cd "$(dirname "$0")/../.." && pwd)
nodes=${BENCH_FLEET_NODES:-1000}
seconds=${BENCH_FLEET_SECONDS:-180}
quota=2147483648
if ! command -v etcd >/dev/null || ! command -v python3 >/dev/null; then
        echo "fleet: skipped (needs etcd and python3: scripts/deps.sh installs them)" | tee -a "$results"
        exit 0
fi
. "$TOP/tests/peers/peers.sh"
trap 'peers_cleanup' EXIT INT TERM
T=$PEERS_TMP

# As shared/notes/etcd.md starts it, with compaction and a quota.
# shellcheck disable=SC2046 # two port numbers
set -- $(peers_free_ports 2)
ETCD_URL=http://127.0.0.1:$1
flags="--auto-compaction-mode=periodic --auto-compaction-retention=5m --quota-backend-bytes=$quota"
# shellcheck disable=SC2086 # the flags are words
etcd --name fleet --data-dir "$T/etcd" \
        --listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL" \
        --listen-peer-urls "http://127.0.0.1:$2" --initial-advertise-peer-urls "http://127.0.0.1:$2" \
        --initial-cluster "fleet=http://127.0.0.1:$2" $flags >"$T/etcd.log" 2>&1 &
ETCD_PID=$!
PEERS_PIDS="$PEERS_PIDS $ETCD_PID"
peers_wait 15 etcd_healthy || { echo "fleet: etcd did not start: $(tail -c 1500 "$T/etcd.log")" >&2; exit 1; }
etcd_version=$(etcd --version 2>/dev/null | sed -n 's/^etcd Version: //p')

# dbSize and dbSizeInUse (bytes) from the maintenance status, before and after
# the whole run (bench-fleet reports them over its window).
dbsize() {
        curl -s -m 10 -X POST "$ETCD_URL/v3/maintenance/status" -d '{}' \
                | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("dbSize", "0"), d.get("dbSizeInUse", "0"))'
}
db0=$(dbsize | cut -d' ' -f1)
echo "fleet: $nodes simulated nodes for $seconds s against etcd $etcd_version (pid $ETCD_PID) ..." >&2
"$bench" "$ETCD_URL" "$nodes" "$seconds" "$ETCD_PID" >"$T/fleet.txt" 2>"$T/fleet.err" \
        || { echo "fleet: bench-fleet failed:" >&2; cat "$T/fleet.txt" "$T/fleet.err" >&2; exit 1; }
db1=$(dbsize | cut -d' ' -f1)
keys=$(curl -s -m 10 -X POST "$ETCD_URL/v3/kv/range" \
        -d "{\"key\":\"$(b64 /bench-fleet/nodes/)\",\"range_end\":\"$(b64 /bench-fleet/nodes0)\",\"count_only\":true}" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin).get("count", "0"))')
compactions=$(grep -c 'finished scheduled compaction' "$T/etcd.log")

f() { sed -n "s/^$1 //p" "$T/fleet.txt" | cut -d' ' -f"$2"; }
window=$(f window_s 1)
{
        echo "fleet: $(f nodes 1) simulated agents, one etcd $etcd_version on this machine ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
        echo "  etcd flags: $flags (2 GiB: the default quota, stated)"
        echo "  each node a real Controller (agent/net/controller.c, the daemon's; tests/bench/bench-fleet.c, one process, one Http):"
        echo "  lease TTL 30 s, claim txn, every $(f interval_s 1) s a keepalive; its ~2 KiB status changes state every $(f change_every 1)th interval,"
        echo "  so the controller writes it then (a replace txn), as it does an unchanged one once a minute;"
        echo "  first ticks spread uniformly over an interval, each next tick an interval after the last ended"
        echo "  measured over ${window} s after the first interval (+2 s); at the end $(f nodes 2) of $(f nodes 1) controllers report without"
        echo "  an error, $(f nodes 3) with one (first: $(sed -n 's/^failing //p' "$T/fleet.txt")); $keys keys in etcd"
        echo "  requests: $(f requests 2)/s ($(f requests 1) in the window); reports (replace txns) $(f reports_per_s 1)/s"
        echo "  report (txn) latency: p50 $(f report_ms 2) ms, p99 $(f report_ms 3) ms, max $(f report_ms 4) ms ($(f report_ms 1) reports)"
        echo "  keepalive latency:    p50 $(f keepalive_ms 2) ms, p99 $(f keepalive_ms 3) ms, max $(f keepalive_ms 4) ms ($(f keepalive_ms 1) keepalives)"
        echo "  errors: $(f errors 1); leases lost: $(f errors 2); txns not done (the key not as left): $(f errors 3); first error: $(sed -n 's/^errors [0-9]* [0-9]* [0-9]* //p' "$T/fleet.txt")"
        echo "  HTTP: $(f http 1) requests, $(f http 2) bytes sent, $(f http 3) received, $(f http 4) TCP connections opened"
        echo "  the fleet's own CPU (its controllers and Http): $(f client_cpu_pct 1) % of one core (it shares the 2 cores with etcd)"
        echo "  etcd CPU: $(f etcd_cpu_pct 1) % of one core (utime+stime of all its threads, /proc/PID/stat, over the window)"
        echo "  etcd memory at the end: VmRSS $(f etcd_vmrss_kib 1) KiB, VmHWM $(f etcd_vmhwm_kib 1) KiB"
        awk -v db0="$(f db_bytes 1)" -v db1="$(f db_bytes 2)" -v u0="$(f db_bytes 3)" -v u1="$(f db_bytes 4)" \
                -v end0="$db0" -v end1="$db1" -v w="$window" -v n="$(f nodes 1)" -v reports="$(f report_ms 1)" \
                -v cpu="$(f etcd_cpu_pct 1)" -v rps="$(f requests 2)" -v quota="$quota" -v comp="$compactions" 'BEGIN {
                grow = (u1 - u0) / w * 3600
                x = 10000 / n
                per = 0
                if (reports > 0)
                        per = (u1 - u0) / reports
                hours = 0
                if (grow > 0)
                        hours = quota / (grow * x)
                printf "  etcd database over the window: in use %.2f -> %.2f MiB (%+.2f MiB in %.0f s: %.0f MiB/h, %.0f bytes per report);\n",
                        u0 / 1048576, u1 / 1048576, (u1 - u0) / 1048576, w, grow / 1048576, per
                printf "    the file (dbSize) %.1f -> %.1f MiB in the window, %.1f -> %.1f MiB over the whole run (claims included); %d compactions ran\n",
                        db0 / 1048576, db1 / 1048576, end0 / 1048576, end1 / 1048576, comp
                printf "  10,000 nodes, by linear extrapolation (x%.0f; an estimate, not a measurement): ~%.0f requests/s, etcd CPU ~%.0f %% of one core,\n",
                        x, rps * x, cpu * x
                printf "    history growing ~%.0f MiB/h: the %.0f GiB quota in ~%.1f h without compaction; with it (5m periodic) about\n",
                        grow * x / 1048576, quota / 1073741824, hours
                printf "    5-10 min of history stays, ~%.0f-%.0f MiB plus the live keys\n", grow * x / 1048576 / 12, grow * x / 1048576 / 6
        }'
        echo "  caveats (shared/notes/etcd.md): etcd keeps every revision until compaction; periodic compaction (5m here) bounds the"
        echo "    revisions but not the file: freed pages are reused, the file shrinks only by defrag; past the quota etcd refuses writes"
        echo "    (alarm NOSPACE) until compaction + defrag + alarm disarm. The run is shorter than the compaction period's steady state."
        echo "  (2 cores shared with other work and with the simulator itself: noisy; a 10,000-node etcd wants its own machine)"
} | tee -a "$results"
