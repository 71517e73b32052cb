#!/bin/sh
# Benchmark: the cost of one probe round of a full node (geth + lighthouse:
# 6 JSON-RPC and 6 Beacon API questions) against the test peers on loopback
# (tests/peers/fakepeer.py: jsonrpc synced,peers on chain 0x1, beacon
# synced,peers with mainnet's genesis root). bench-probe runs the daemon's
# code path (probe_run_start on the agent's Http) BENCH_PROBE_ROUNDS times
# (default 1000): CPU (user+sys) and wall time per round, bytes per round.
# Then `hsos-agent probe` as a command, 50 runs: wall time median and p99.
# Figures only, appended to the results file.
#   sh tests/bench/probe.sh build/bench/bench-probe build/default/hsos-agent build/bench/results.txt
set -u
bench=$1 agent=$2 results=$3
TOP=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${BENCH_PROBE_ROUNDS:-1000}
runs=50
MAINNET_ROOT=0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95
if ! command -v python3 >/dev/null; then
        echo "probe: skipped (needs python3 for the test peers)" | tee -a "$results"
        exit 0
fi
. "$TOP/tests/peers/peers.sh"
trap 'peers_cleanup' EXIT INT TERM
T=$PEERS_TMP

fakepeer_start jsonrpc synced,peers --chain-id 0x1 || { echo "probe: $PEERS_ERROR" >&2; exit 1; }
J=$FAKEPEER_PORT
fakepeer_start beacon synced,peers --genesis-root $MAINNET_ROOT || { echo "probe: $PEERS_ERROR" >&2; exit 1; }
B=$FAKEPEER_PORT
cat >"$T/node.json" <<JSON
{ "network": "mainnet",
  "execution": { "geth": { "enable": true, "jsonRpcPort": $J } },
  "consensus": { "lighthouse": { "enable": true, "endpoint": "http://127.0.0.1:$B" } },
  "agent": { "probeTimeoutMs": 2000 } }
JSON

"$bench" "$T/node.json" "$rounds" 20 >"$T/bench.txt" 2>"$T/bench.err" \
        || { echo "probe: bench-probe failed:" >&2; cat "$T/bench.txt" "$T/bench.err" >&2; exit 1; }
field() { sed -n "s/^$1 //p" "$T/bench.txt" | cut -d' ' -f"$2"; }

# The command, as an operator (or a monitoring check) runs it.
"$agent" probe --config "$T/node.json" >"$T/probe.out" 2>&1 \
        || { echo "probe: hsos-agent probe failed:" >&2; cat "$T/probe.out" >&2; exit 1; }
i=0
while [ $i -lt $runs ]; do
        start=$(date +%s%N)
        "$agent" probe --config "$T/node.json" >/dev/null 2>&1
        echo $(( ($(date +%s%N) - start) / 1000 ))
        i=$((i + 1))
done | sort -n >"$T/cmd"
cmd_median=$(sed -n "$((runs / 2))p" "$T/cmd")
cmd_p99=$(sed -n "$(( (runs * 99 + 99) / 100 ))p" "$T/cmd")
ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }

{
        echo "probe: one round of a full node (geth + lighthouse: 6 JSON-RPC + 6 Beacon API questions), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "  peers: tests/peers/fakepeer.py on loopback (jsonrpc synced,peers --chain-id 0x1; beacon synced,peers, mainnet genesis root)"
        echo "  in-process (tests/bench/bench-probe.c: probe_run_start + http_run, hysteresis on, $(field rounds 1) rounds back to back after 20):"
        echo "    CPU per round: $(field cpu_us_per_round 1) us (user $(field cpu_us_per_round 2) us, sys $(field cpu_us_per_round 3) us; getrusage)"
        echo "    wall per round: median $(ms "$(field wall_us 1)") ms, p99 $(ms "$(field wall_us 2)") ms, max $(ms "$(field wall_us 3)") ms"
        echo "    per round: $(field per_round 1) requests, $(field per_round 2) bytes sent, $(field per_round 3) bytes received" \
                "(HTTP level: lines, headers, bodies), $(field per_round 4) TCP connections opened"
        echo "    clients answering without error: $(field answered 1) of $(field answered 2)"
        echo "    at reportIntervalSec 10: $(awk -v c="$(field cpu_us_per_round 1)" 'BEGIN { printf "%.4f", c / 10e6 * 100 }') % of one core for the probes," \
                "$(awk -v s="$(field per_round 2)" -v r="$(field per_round 3)" 'BEGIN { printf "%.1f", (s + r) * 8640 / 1048576 }') MiB a day"
        echo "  hsos-agent probe (the command: start, load node.json, one round, print), $runs runs:" \
                "median $(ms "$cmd_median") ms, p99 $(ms "$cmd_p99") ms"
        echo "  (2 cores shared with other work: noisy. The wall times are the Python peer's: on a kept-alive connection it sends the"
        echo "   body ~40 ms after the headers (Nagle against delayed ACK; curl shows the same against it), so they say little of a real client)"
} | tee -a "$results"
