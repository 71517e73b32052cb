#!/bin/sh
# Benchmark: a fleet of BENCH_FLEET_NODES (default 1000) simulated agents
# reporting every 10 s to one etcd on this machine for BENCH_FLEET_SECONDS
# (default 180), in one process, each node a real Controller (the daemon's
# agent/net/controller.c) on one Http (tests/bench/bench-fleet.c: lease TTL
# 30, claim txn, keepalive every interval, replace txn of a ~2 KiB status
# when it changes, every BENCH_FLEET_CHANGE_EVERY-th (6) interval, or a
# minute passed; the member key when the state changes, memberIntervalSec
# at its default 600). etcd (Debian's 3.4) runs with periodic
# auto-compaction (5m) and a 2 GiB backend quota (its default, stated).
# Figures: requests/s, report and keepalive latency, etcd's CPU, memory and
# database growth, and a linear extrapolation to 10,000 nodes.
# Under the same load, the team's view of it (issue 15): `hsos-agent fleet
# serve` follows the fleet from the start, with one client reading its
# /events (tests/bench/fleet-live.py): the time from a node's controller
# being handed a new state to the event reaching that client, p50/p99 over
# every change of the window; two thirds into the run `hsos-agent fleet` and
# `fleet --json` over the 1,000 nodes: wall time, CPU, and the bytes read
# from etcd (counted by a loopback relay). etcd's own /metrics before and
# after: its CPU, and the database's growth per hour (extrapolated), and
# how many member writes there were. Figures only.
#   sh tests/bench/fleet.sh build/bench/bench-fleet build/default/hsos-agent build/bench/results.txt
set -u
bench=$1 agent=$2 results=$3
TOP=$(cd "$(dirname "$0")/../.." && pwd)
nodes=${BENCH_FLEET_NODES:-1000}
seconds=${BENCH_FLEET_SECONDS:-180}
change_every=${BENCH_FLEET_CHANGE_EVERY:-6}
fleet_runs=5
quota=2147483648
if ! command -v etcd >/dev/null || ! command -v python3 >/dev/null; then
        echo "fleet: skipped (needs etcd and python3: scripts/deps.sh installs them)" | tee -a "$results"
        exit 0
fi
. "$TOP/tests/peers/peers.sh"
trap 'peers_cleanup' EXIT INT TERM
T=$PEERS_TMP

# As shared/notes/etcd.md starts it, with compaction and a quota.
# shellcheck disable=SC2046 # three port numbers
set -- $(peers_free_ports 3)
SERVE_URL=http://127.0.0.1:$3
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
# fleet serve (hsos-agent-net: the same PID after the exec) follows the
# fleet from its first key, with one client on /events.
"$agent" fleet serve --etcd "$ETCD_URL" --prefix /bench-fleet --listen "127.0.0.1:$3" >"$T/serve.log" 2>&1 &
SERVE_PID=$!
PEERS_PIDS="$PEERS_PIDS $SERVE_PID"
peers_wait 15 curl -sf -m 1 -o /dev/null "$SERVE_URL/fleet.json" \
        || { echo "fleet: fleet serve did not start: $(tail -c 1500 "$T/serve.log")" >&2; exit 1; }
"$PEERS_PYTHON" "$TOP/tests/bench/fleet-live.py" events "$SERVE_URL/events" "$T/events.txt" 2>"$T/events.err" &
EVENTS_PID=$!
PEERS_PIDS="$PEERS_PIDS $EVENTS_PID"
peers_wait 15 test -s "$T/events.txt" \
        || { echo "fleet: the /events client did not start: $(cat "$T/events.err")" >&2; exit 1; }

# utime+stime (clock ticks) of a process, all its threads.
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
# etcd's own figures: "cpu_seconds db_bytes db_in_use_bytes" and the time.
metrics() {
        curl -s -m 10 "$ETCD_URL/metrics" | awk -v t="$(date +%s.%N)" '
                $1 == "process_cpu_seconds_total" { cpu = $2 }
                $1 == "etcd_mvcc_db_total_size_in_bytes" { db = $2 }
                $1 == "etcd_mvcc_db_total_size_in_use_in_bytes" { used = $2 }
                END { printf "%.3f %.0f %.0f %s\n", cpu, db, used, t }'
}

echo "fleet: $nodes simulated nodes for $seconds s against etcd $etcd_version (pid $ETCD_PID), fleet serve (pid $SERVE_PID) ..." >&2
"$bench" "$ETCD_URL" "$nodes" "$seconds" "$ETCD_PID" 10 "$change_every" "$T/changes.txt" \
        >"$T/fleet.txt" 2>"$T/fleet.err" &
BENCH_PID=$!
# bench-fleet's window starts after its first interval (10 s) and 2 s more.
sleep 12
m0=$(metrics)
serve0=$(cpu_ticks "$SERVE_PID")
[ $((seconds * 2 / 3)) -gt 12 ] && sleep $((seconds * 2 / 3 - 12))
"$PEERS_PYTHON" "$TOP/tests/bench/fleet-live.py" fleet "$agent" "$ETCD_URL" /bench-fleet "$fleet_runs" \
        >"$T/fleetcmd.txt" 2>"$T/fleetcmd.err" \
        || { echo "fleet: hsos-agent fleet failed:" >&2; cat "$T/fleetcmd.txt" "$T/fleetcmd.err" >&2; exit 1; }
wait "$BENCH_PID" \
        || { echo "fleet: bench-fleet failed:" >&2; cat "$T/fleet.txt" "$T/fleet.err" >&2; exit 1; }
m1=$(metrics)
serve1=$(cpu_ticks "$SERVE_PID")
serve_rss=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$SERVE_PID/status")
# Every write of a key since its creation is its version: the writes of the run.
versions() {
        curl -s -m 10 -X POST "$ETCD_URL/v3/kv/range" \
                -d "{\"key\":\"$(b64 "$1")\",\"range_end\":\"$(b64 "$2")\",\"keys_only\":true}" \
                | python3 -c 'import json,sys; k=json.load(sys.stdin).get("kvs", []); print(len(k), sum(int(x.get("version", 0)) for x in k))'
}
member_writes=$(versions /bench-fleet/members/ /bench-fleet/members0)
status_writes=$(versions /bench-fleet/nodes/ /bench-fleet/nodes0)
# The events still on their way reach the client (at most 110 s: the
# matching gives up on an event 100 s late); then it and the server stop.
drained=0 size=-1
while [ "$drained" -lt 110 ] && [ "$size" != "$(wc -c <"$T/events.txt")" ]; do
        size=$(wc -c <"$T/events.txt")
        sleep 5
        drained=$((drained + 5))
done
peers_end "$EVENTS_PID"
peers_end "$SERVE_PID"
"$PEERS_PYTHON" "$TOP/tests/bench/fleet-live.py" match "$T/changes.txt" "$T/events.txt" >"$T/match.txt"
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
        g() { sed -n "s/^$1 //p" "$T/$2" | cut -d' ' -f"$3"; }
        hz=$(getconf CLK_TCK)
        echo "  the team's view of that fleet (issue 15), against the same etcd under the same load:"
        echo "  hsos-agent fleet over the $(g text_out fleetcmd.txt 1) nodes ($fleet_runs runs, $((seconds * 2 / 3)) s into the run, timed by tests/bench/fleet-live.py):"
        echo "    wall median $(g text_wall_ms fleetcmd.txt 2) ms (min $(g text_wall_ms fleetcmd.txt 3), max $(g text_wall_ms fleetcmd.txt 4)), CPU $(g text_cpu_ms fleetcmd.txt 1) ms; exit $(g text_out fleetcmd.txt 3) (degraded nodes), $(g text_out fleetcmd.txt 2) bytes of text"
        echo "    read from etcd: $(g text_bytes fleetcmd.txt 1) bytes (HTTP headers and bodies, counted by a loopback TCP relay; $(g text_bytes fleetcmd.txt 2) sent, $(g text_bytes fleetcmd.txt 3) connection(s); $(g text_bytes fleetcmd.txt 4) ms through it)"
        echo "  --json: wall median $(g json_wall_ms fleetcmd.txt 2) ms (min $(g json_wall_ms fleetcmd.txt 3), max $(g json_wall_ms fleetcmd.txt 4)), CPU $(g json_cpu_ms fleetcmd.txt 1) ms, $(g json_out fleetcmd.txt 1) nodes in $(g json_out fleetcmd.txt 2) bytes;"
        echo "    read from etcd: $(g json_bytes fleetcmd.txt 1) bytes ($(g json_bytes fleetcmd.txt 2) sent); peak RSS of any run $(g maxrss_kib fleetcmd.txt 1) KiB"
        echo "  hsos-agent fleet serve (etcd's watch) with one client reading /events over HTTP (fleet-live.py, a raw socket as EventSource reads):"
        echo "    from a controller handed a new state (its replace txn goes out in that step) to the node's event read by the client:"
        echo "    p50 $(g sse_ms match.txt 2) ms, p99 $(g sse_ms match.txt 3) ms, max $(g sse_ms match.txt 4) ms over the $(g sse_ms match.txt 1) state changes of the run;"
        echo "    $(g sse_seen match.txt 1) of them reached the client within 100 s (the fastest in $(g sse_min_ms match.txt 1) ms; one that did not counts as the slowest);"
        echo "    by thirds of the run (p50, p99): $(g sse_third1 match.txt 2) / $(g sse_third1 match.txt 3), $(g sse_third2 match.txt 2) / $(g sse_third2 match.txt 3), $(g sse_third3 match.txt 2) / $(g sse_third3 match.txt 3) ms"
        echo "    the client read $(sed -n 's/^# bytes \([0-9]*\) events \([0-9]*\)/\1 bytes, \2 node events/p' "$T/events.txt") (a node's event comes for any change the page shows: its state, and the report's time each rewrite)"
        awk -v a="$serve0" -v b="$serve1" -v hz="$hz" -v t0="$(echo "$m0" | cut -d' ' -f4)" -v t1="$(echo "$m1" | cut -d' ' -f4)" -v rss="$serve_rss" 'BEGIN {
                printf "    fleet serve'"'"'s CPU: %.1f %% of one core over %.0f s (utime+stime, /proc); peak RSS %s\n", (b - a) / hz / (t1 - t0) * 100, t1 - t0, rss
        }'
        echo "  etcd's own /metrics, from the window's start to bench-fleet's end (the fleet's writes, fleet serve's watch, the fleet reads above):"
        echo "$m0 $m1" | awk -v mw="$member_writes" -v sw="$status_writes" -v run="$seconds" -v n="$nodes" '{
                dt = $8 - $4
                split(mw, m, " ")
                split(sw, st, " ")
                printf "    CPU (process_cpu_seconds_total): %.1f %% of one core over %.0f s\n", ($5 - $1) / dt * 100, dt
                printf "    etcd_mvcc_db_total_size_in_bytes %.1f -> %.1f MiB, in use %.1f -> %.1f MiB over %.0f s:\n",
                        $2 / 1048576, $6 / 1048576, $3 / 1048576, $7 / 1048576, dt
                printf "    %+.0f MiB/h in use, %+.0f MiB/h the file: extrapolated linearly from %.0f s to an hour, not measured over one\n",
                        ($7 - $3) / dt * 3600 / 1048576, ($6 - $2) / dt * 3600 / 1048576, dt
                printf "    member keys written on change only (memberIntervalSec 600 > the %d s run): %d writes to %d member keys, %d to %d status keys,\n",
                        run, m[2], m[1], st[2], st[1]
                printf "    over the run (each key'"'"'s version, its claim included); with a state change per node a minute (a worst case:\n"
                printf "    a calm node writes its member once per 600 s) that is ~%.0f member writes per node per hour after the claim\n",
                        (m[2] - m[1]) / (m[1] > 0 ? m[1] : 1) / (run - 10) * 3600
        }'
        echo "  caveats (shared/notes/etcd.md): etcd keeps every revision until compaction; periodic compaction (5m here) bounds the"
        echo "    revisions but not the file: freed pages are reused, the file shrinks only by defrag; past the quota etcd refuses writes"
        echo "    (alarm NOSPACE) until compaction + defrag + alarm disarm. The run is shorter than the compaction period's steady state."
        echo "  (2 cores shared with other work and with the simulator itself: noisy; a 10,000-node etcd wants its own machine)"
} | tee -a "$results"
