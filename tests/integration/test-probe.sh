#!/bin/sh
# hsos-agent probe and the daemon's probes against a real execution client
# (anvil, from the npm registry) and a test server that answers as the
# recorded real clients do (tests/peers/fakepeer.py: Lodestar's Beacon API and
# anvil's JSON-RPC, quirks included), made to sync, stall, go stale, lose its
# peers, hang, answer 100 MiB or garbage. Loopback only.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/peers/peers.sh"
. "$(dirname "$0")/agent.sh"
A=$HSOS_AGENT
command -v python3 >/dev/null || skip_all "python3 is not installed"
command -v jq >/dev/null || skip_all "jq is not installed"

MAINNET_ROOT=0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95
cleanup() {
        [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null
        peers_cleanup
        return 0
}

# node EXEC_PORT BEACON_PORT [TIMEOUT_MS]: a node.json with geth and lighthouse at these ports.
node() {
        cat >"$T/node.json" <<JSON
{ "execution": { "geth": { "enable": true, "jsonRpcPort": $1 } },
  "consensus": { "lighthouse": { "enable": true, "endpoint": "http://127.0.0.1:$2" } },
  "agent": { "probeTimeoutMs": ${3:-1000}, "statusSocket": "$T/run/status.sock", "reportIntervalSec": 1 } }
JSON
}

# probe NAME WANT-EXIT JQ-FILTER: runs hsos-agent probe --json and checks the filter.
probe() {
        expect_exit "$2" "$1: exit $2" $A probe --config "$T/node.json" --json
        if jq -e "$3" "$T/out" >/dev/null 2>&1; then ok "$1: $3"
        else not_ok "$1: $3" "$(head -c 3000 "$T/out")"; fi
}

# text NAME TEXT: the plain output names it.
text() {
        $A probe --config "$T/node.json" >"$T/text" 2>&1
        expect_in "$T/text" "$2" "$1: says \"$2\""
}

# --- a real anvil ---
anvil_start --chain-id 1; rc=$?
if [ $rc = 0 ]; then
        fakepeer_start beacon synced,peers --genesis-root $MAINNET_ROOT
        node "$ANVIL_PORT" "$FAKEPEER_PORT"
        probe "anvil synced" 0 '.execution[0] | .reachable == true and .syncing == false and .chainId == 1
                and .peers == null and (.version | startswith("anvil/")) and .headAgeSec < 3600 and .error == null'
        text "anvil" "peers           unknown (not served)"
        text "anvil, net_peerCount not implemented: no failure" "  ok"
        kill "$ANVIL_PID"; wait "$ANVIL_PID" 2>/dev/null
        anvil_start
        node "$ANVIL_PORT" "$FAKEPEER_PORT"
        probe "anvil on its own chain" 0 '.execution[0] | .chainId == 31337 and .wrongNetwork == true'
        text "anvil on its own chain" "geth is on the wrong network: chain id 31337, mainnet is 1"
elif [ $rc = 77 ]; then
        ok "anvil: # SKIP $PEERS_SKIP"
else
        not_ok "anvil starts" "$PEERS_ERROR"
fi

# --- the Beacon API as Lodestar answers ---
fakepeer_start beacon synced --genesis-root $MAINNET_ROOT || { not_ok "fakepeer starts" "$PEERS_ERROR"; finish; exit 1; }
B=$FAKEPEER_PORT
fakepeer_start jsonrpc synced,peers --chain-id 0x1 || { not_ok "fakepeer starts" "$PEERS_ERROR"; finish; exit 1; }
J=$FAKEPEER_PORT
node "$J" "$B"
probe "lodestar synced, as recorded" 0 '.consensus[0] | .reachable == true and .health == 200 and .syncing == false
        and .headSlot == 12 and .syncDistance == 0 and .optimistic == false and .elOffline == null and .peers == 0
        and .version == "Lodestar/v1.5.1/2115aa7" and .wrongNetwork == false'
text "lodestar without el_offline" "el_offline      unknown (not served)"
text "zero peers (as recorded)" "lighthouse has no peers"
fakepeer_scenario "$B" synced,peers
probe "synced with peers" 0 '.consensus[0].peers == 12 and .execution[0].peers == 25'
text "synced with peers" "  ok"
fakepeer_scenario "$B" syncing,peers
text "syncing" "lighthouse is syncing: head slot"
fakepeer_scenario "$B" stalled,peers
probe "stalled, as recorded" 0 '.consensus[0] | .syncing == true and .syncDistance == 9'
fakepeer_scenario "$B" optimistic,peers
text "optimistic" "lighthouse is optimistic"
fakepeer_scenario "$B" el-offline,peers
text "el_offline" "lighthouse says its execution client is offline (el_offline)"
fakepeer_scenario "$B" el-online,peers
probe "el_offline present and false" 0 '.consensus[0].elOffline == false'
fakepeer_scenario "$B" wrong-network,peers
text "wrong genesis" "lighthouse is on the wrong network: genesis validators root"
fakepeer_scenario "$B" no-health,peers
probe "a route the client lacks is unknown, no failure" 0 '.consensus[0] | .health == null and .reachable == true and .error == null'
fakepeer_scenario "$B" synced,peers

# --- JSON-RPC ---
fakepeer_scenario "$J" syncing,peers
probe "execution syncing" 0 '.execution[0] | .syncing == true and .currentBlock < .highestBlock'
text "execution syncing" "geth is syncing: block"
fakepeer_scenario "$J" stale-head,peers
probe "stale head" 0 '.execution[0] | .syncing == false and .staleHead == true and .headAgeSec >= 590'
text "stale head" "geth says it is synced but its latest block is"
fakepeer_scenario "$J" zero-peers
text "zero execution peers" "geth has no peers"
fakepeer_scenario "$J" not-implemented
probe "net_peerCount not implemented" 0 '.execution[0] | .peers == null and .error == null'
fakepeer_scenario "$J" wrong-chain
text "wrong chain" "geth is on the wrong network"
fakepeer_scenario "$J" invalid-json
probe "invalid JSON" 0 '.execution[0].error | test("invalid JSON")'
fakepeer_scenario "$J" http-500
probe "HTTP 500" 0 '.execution[0].error | test("HTTP 500")'

# --- faults: refused, hung, huge, truncated ---
node 1 "$B"
probe "refused" 1 '.execution[0] | .reachable == false and (.error | test("onnect"))'
fakepeer_scenario "$J" huge
node "$J" "$B" 5000
start=$(date +%s%N)
probe "100 MiB answer" 0 '.execution[0].error | test("larger than 1048576 bytes: cut off")'
ms=$((($(date +%s%N) - start) / 1000000))
[ $ms -lt 5000 ] && ok "the huge answer is cut off early (${ms} ms)" || not_ok "the huge answer is cut off early" "${ms} ms"
fakepeer_scenario "$J" truncated
probe "truncated" 0 '.execution[0] | .reachable == true and (.error | test("transfer closed"))'
fakepeer_scenario "$J" hang
fakepeer_scenario "$B" hang
node "$J" "$B" 800
start=$(date +%s%N)
probe "every endpoint hangs" 1 '[.execution[0], .consensus[0]] | all(.reachable == false and (.error | test("timed out")))'
ms=$((($(date +%s%N) - start) / 1000000))
# All in parallel: one deadline, not twelve (generous bound).
[ $ms -lt 4000 ] && ok "probe returns within the deadline while all hang (${ms} ms)" || not_ok "probe returns within the deadline" "${ms} ms"

# --- the daemon: status answers while every probe hangs ---
start_agent "$T/node.json"
sleep 3
ms_max=0
for i in 1 2 3 4 5 6 7 8 9 10; do
        start=$(date +%s%N)
        $A status --socket "$T/run/status.sock" --json >"$T/st" 2>&1
        ms=$((($(date +%s%N) - start) / 1000000))
        [ $ms -gt $ms_max ] && ms_max=$ms
done
[ $ms_max -lt 1000 ] && ok "status answers while every probe hangs (slowest ${ms_max} ms)" \
        || not_ok "status answers while every probe hangs" "slowest ${ms_max} ms"
jq -e '.execution[0].reachable == false and .consensus[0].reachable == false' "$T/st" >/dev/null \
        && ok "the daemon's status shows both unreachable" || not_ok "the daemon's status shows both unreachable" "$(head -c 2000 "$T/st")"
fakepeer_scenario "$J" synced,peers
fakepeer_scenario "$B" synced,peers
# Three good rounds in a row (1 s apart, plus up to 0.8 s of a hanging round) flip it back.
i=0
until $A status --socket "$T/run/status.sock" --json >"$T/st" 2>&1; jq -e '.execution[0].reachable == true and .consensus[0].reachable == true' "$T/st" >/dev/null || [ $i -ge 20 ]; do
        sleep 0.5; i=$((i + 1))
done
jq -e '.execution[0].reachable == true and .consensus[0].reachable == true' "$T/st" >/dev/null \
        && ok "reachable again after the hysteresis rounds" || not_ok "reachable again after the hysteresis rounds" "$(head -c 2000 "$T/st")"
[ $i -ge 3 ] && ok "not at the first good answer (hysteresis: ${i} polls)" || not_ok "hysteresis" "flipped after $i polls"
finish
