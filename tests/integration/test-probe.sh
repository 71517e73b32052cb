#!/bin/sh
# hsos-agent probe and the daemon's probes against a real execution client
# (anvil, from the npm registry) and a test server that answers as the
# recorded real clients do (tests/peers/fakepeer.py: Lodestar's Beacon API and
# anvil's JSON-RPC, quirks included), made to sync, stall, go stale, lose its
# peers, hang, answer 100 MiB or garbage. Loopback only.
. "$(dirname "$0")/lib.sh"
own_netns "$@" # the daemon loads its firewall: into this namespace, never the host's
. "$TOP/tests/peers/peers.sh"
. "$(dirname "$0")/agent.sh"
A=$HSOS_AGENT
missing=""
for c in python3 jq curl; do command -v "$c" >/dev/null 2>&1 || missing="$missing $c"; done
[ -z "$missing" ] || skip_all "not installed:$missing (scripts/deps.sh installs them)"

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

# part CLIENT: the plain output (exit 0, every client answered) in $T/text,
# CLIENT's own part of it in $T/part: from its "CLIENT (role) URL" line to
# the blank line after it. False, with a not_ok named NAME, when the probe
# failed or CLIENT has no part.
part() {
        $A probe --config "$T/node.json" >"$T/text" 2>"$T/text.err"
        _rc=$?
        awk -v c="$1" 'index($0, c " (") == 1 { on = 1 } on && $0 == "" { exit } on' "$T/text" >"$T/part"
        [ $_rc = 0 ] && [ -s "$T/part" ] && return 0
        not_ok "$2" "probe exit $_rc, expected 0, or no part for $1 in:" "$(head -c 3000 "$T/text" | sed '1!s/^/# /')" \
                "stderr: $(head -c 1000 "$T/text.err")"
        return 1
}

# text CLIENT NAME TEXT: CLIENT's own part of the plain output says TEXT.
text() {
        part "$1" "$2: $1 says \"$3\"" || return 0
        expect_in "$T/part" "$3" "$2: $1 says \"$3\""
}

# text_ok CLIENT NAME: CLIENT's own part gives no reason ("  ! ...") and ends
# in "  ok" (another client's "ok" is not this one's).
text_ok() {
        part "$1" "$2: $1 is ok" || return 0
        if ! grep -q '^  ! ' "$T/part" && [ "$(tail -n1 "$T/part")" = "  ok" ]; then ok "$2: $1 is ok"
        else not_ok "$2: $1 is ok" "$(sed '1!s/^/# /' "$T/part")"; fi
}

# plain FILE: FILE is valid UTF-8 and holds no raw control a terminal acts on
# or that reorders a line: C0 but tab and newline, DEL, C1 (U+0080..U+009F),
# the bidi controls. Says what it found on stderr.
plain() {
        python3 - "$1" <<'PY'
import re, sys
try:
    t = open(sys.argv[1], "rb").read().decode("utf-8")
except UnicodeDecodeError as e:
    sys.exit("not valid UTF-8: %s" % e)
bad = re.findall("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", t)
if bad:
    sys.exit("raw controls: %r" % bad)
PY
}

# plain_ok NAME FILE: one check that FILE is plain (see plain).
plain_ok() {
        if _why=$(plain "$2" 2>&1); then ok "$1"
        else not_ok "$1" "$_why" "$(python3 -c 'import sys; print(repr(open(sys.argv[1], "rb").read()[:1000]))' "$2")"; fi
}

# scenario PORT NAMES: fakepeer's scenario changed, or a failure said.
scenario() { fakepeer_scenario "$1" "$2" || not_ok "fakepeer on $1 takes scenario $2" "$PEERS_ERROR"; }

# --- a real anvil ---
# scripts/deps.sh installs it into build/npm: one that does not start is a
# failure, with its output.
if ! anvil_start --chain-id 1; then
        not_ok "anvil starts (chain id 1)" "$PEERS_ERROR"
elif ! fakepeer_start beacon synced,peers --genesis-root $MAINNET_ROOT; then
        not_ok "fakepeer beacon starts" "$PEERS_ERROR"
else
        node "$ANVIL_PORT" "$FAKEPEER_PORT"
        probe "anvil synced" 0 '.execution[0] | .reachable == true and .syncing == false and .chainId == 1
                and .peers == null and (.version | startswith("anvil/")) and .headAgeSec < 3600 and .error == null'
        text geth "anvil" "peers           unknown (not served)"
        text_ok geth "anvil, net_peerCount not implemented: no failure"
        peers_end "$ANVIL_PID"
        if anvil_start; then
                node "$ANVIL_PORT" "$FAKEPEER_PORT"
                probe "anvil on its own chain" 0 '.execution[0] | .chainId == 31337 and .wrongNetwork == true'
                text geth "anvil on its own chain" "geth is on the wrong network: chain id 31337, mainnet is 1"
        else not_ok "anvil starts (its own chain)" "$PEERS_ERROR"; fi
fi

# --- the Beacon API as Lodestar answers ---
# --verbose: its log has a line per answer; the daemon's rounds are counted in it.
fakepeer_start beacon synced --genesis-root $MAINNET_ROOT --verbose || { not_ok "fakepeer starts" "$PEERS_ERROR"; finish; exit 1; }
B=$FAKEPEER_PORT BLOG=$FAKEPEER_LOG
fakepeer_start jsonrpc synced,peers --chain-id 0x1 || { not_ok "fakepeer starts" "$PEERS_ERROR"; finish; exit 1; }
J=$FAKEPEER_PORT
node "$J" "$B"
probe "lodestar synced, as recorded" 0 '.consensus[0] | .reachable == true and .health == 200 and .syncing == false
        and .headSlot == 12 and .syncDistance == 0 and .optimistic == false and .elOffline == null and .peers == 0
        and .version == "Lodestar/v1.5.1/2115aa7" and .wrongNetwork == false'
text lighthouse "lodestar without el_offline" "el_offline      unknown (not served)"
text lighthouse "zero peers (as recorded)" "lighthouse has no peers"
scenario "$B" synced,peers
probe "synced with peers" 0 '.consensus[0].peers == 12 and .execution[0].peers == 25'
text_ok geth "synced with peers"
text_ok lighthouse "synced with peers"
scenario "$B" syncing,peers
text lighthouse "syncing" "lighthouse is syncing: head slot"
scenario "$B" stalled,peers
probe "stalled, as recorded" 0 '.consensus[0] | .syncing == true and .syncDistance == 9'
scenario "$B" optimistic,peers
text lighthouse "optimistic" "lighthouse is optimistic"
scenario "$B" el-offline,peers
text lighthouse "el_offline" "lighthouse says its execution client is offline (el_offline)"
scenario "$B" el-online,peers
probe "el_offline present and false" 0 '.consensus[0].elOffline == false'
scenario "$B" wrong-network,peers
text lighthouse "wrong genesis" "lighthouse is on the wrong network: genesis validators root"
scenario "$B" no-health,peers
probe "a route the client lacks is unknown, no failure" 0 '.consensus[0] | .health == null and .reachable == true and .error == null'
scenario "$B" synced,peers

# --- JSON-RPC ---
scenario "$J" syncing,peers
probe "execution syncing" 0 '.execution[0] | .syncing == true and .currentBlock < .highestBlock'
text geth "execution syncing" "geth is syncing: block"
scenario "$J" stale-head,peers
probe "stale head" 0 '.execution[0] | .syncing == false and .staleHead == true and .headAgeSec >= 590'
text geth "stale head" "geth says it is synced but its latest block is"
scenario "$J" zero-peers
text geth "zero execution peers" "geth has no peers"
scenario "$J" not-implemented
probe "net_peerCount not implemented" 0 '.execution[0] | .peers == null and .error == null'
scenario "$J" wrong-chain
text geth "wrong chain" "geth is on the wrong network"
scenario "$J" invalid-json
probe "invalid JSON" 0 '.execution[0].error | test("invalid JSON")'
scenario "$J" http-500
probe "HTTP 500" 0 '.execution[0].error | test("HTTP 500")'

# --- a client's version: cut at a character, its controls cleaned (issue #13) ---
# A version of 200 bytes with "é" across byte 128 (the cut), and one with
# U+009B (a CSI to many terminals), U+202E, U+2066 and ESC besides é 日本.
scenario "$J" synced,peers,long-version
scenario "$B" synced,peers,hostile-version
$A probe --config "$T/node.json" >"$T/v.text" 2>&1
plain_ok "probe's text with a long and a hostile version: valid UTF-8, no raw C1 or bidi control" "$T/v.text"
$A probe --config "$T/node.json" --json >"$T/v.json" 2>&1
plain_ok "probe --json likewise" "$T/v.json"
jq -e '(.execution[0].version | startswith("anvil/v1.7.1/xxx") and endswith("x...") and (utf8bytelength <= 131))
        and .consensus[0].version == "Lodestar/v1.5.1/2115aa7?31m?exe.txt??[2J é 日本"' "$T/v.json" >/dev/null 2>&1 \
        && ok "the long version is cut before the é, the hostile one keeps its text: $(jq -c '.consensus[0].version' "$T/v.json")" \
        || not_ok "the versions as stored" "$(jq -c '[.execution[0].version, .consensus[0].version]' "$T/v.json" 2>&1 | head -c 1500)"
scenario "$J" synced,peers,hostile-version
scenario "$B" synced,peers,long-version
$A probe --config "$T/node.json" >"$T/v.text" 2>&1
plain_ok "the other way round (JSON-RPC hostile, Beacon API long): the text stays plain" "$T/v.text"
scenario "$J" synced,peers
scenario "$B" synced,peers

# --- faults: refused, hung, huge, truncated ---
node 1 "$B"
probe "refused" 1 '.execution[0] | .reachable == false and (.error | test("onnect"))'
scenario "$J" huge
node "$J" "$B" 5000
start=$(date +%s%N)
probe "100 MiB answer" 0 '.execution[0].error | test("larger than 1048576 bytes: cut off")'
ms=$((($(date +%s%N) - start) / 1000000))
[ $ms -lt 5000 ] && ok "the huge answer is cut off early (${ms} ms)" || not_ok "the huge answer is cut off early" "${ms} ms"
scenario "$J" truncated
probe "truncated" 0 '.execution[0] | .reachable == true and (.error | test("transfer closed"))'
scenario "$J" hang
scenario "$B" hang
node "$J" "$B" 800
start=$(date +%s%N)
probe "every endpoint hangs" 1 '[.execution[0], .consensus[0]] | all(.reachable == false and (.error | test("timed out")))'
ms=$((($(date +%s%N) - start) / 1000000))
# All in parallel: one deadline, not twelve (generous bound).
[ $ms -lt 4000 ] && ok "probe returns within the deadline while all hang (${ms} ms)" || not_ok "probe returns within the deadline" "${ms} ms"

# --- the daemon: status answers while every probe hangs ---
start_agent "$T/node.json"
[ -s "$T/ready" ] && ok "the daemon starts (READY=1)" || not_ok "the daemon starts (READY=1)" "$(tail -c 2000 "$T/agent.log")"
sleep 3
# Each answer is the daemon's document (exit 3 is "cannot be reached").
ms_max=0 answered=0
for i in 1 2 3 4 5 6 7 8 9 10; do
        start=$(date +%s%N)
        $A status --socket "$T/run/status.sock" --json >"$T/st" 2>"$T/st.err"
        rc=$?
        ms=$((($(date +%s%N) - start) / 1000000))
        [ $ms -gt $ms_max ] && ms_max=$ms
        [ $rc != 3 ] && jq -e '.execution[0] and .consensus[0]' "$T/st" >/dev/null 2>&1 && answered=$((answered + 1))
done
[ $answered = 10 ] && [ $ms_max -lt 1000 ] && ok "status answers while every probe hangs (10 of 10, slowest ${ms_max} ms)" \
        || not_ok "status answers while every probe hangs" "$answered of 10 answered, slowest ${ms_max} ms" \
                "last: exit $rc $(head -c 1000 "$T/st") $(head -c 500 "$T/st.err")"
jq -e '[.execution[0], .consensus[0]] | all(.reachable == false and (.error | test("timed out")))' "$T/st" >/dev/null 2>&1 \
        && ok "the daemon's status shows both unreachable: timed out" || not_ok "the daemon's status shows both unreachable" "$(head -c 2000 "$T/st")"

# Back to good answers: the consensus client's good rounds are counted in
# fakepeer's log (one /eth/v1/node/syncing answer a round; a hung request is
# never answered, so never logged). Checks flip after 3 results the same way
# (shared/spec/status.md): the status must still say unreachable once two good
# rounds were answered (counted before asking: the first of them was judged by
# then, a round later), and say reachable only once three were (counted after).
base=$(grep -c 'GET /eth/v1/node/syncing ' "$BLOG")
scenario "$J" synced,peers
scenario "$B" synced,peers
rounds() { echo $(($(grep -c 'GET /eth/v1/node/syncing ' "$BLOG") - base)); }
i=0 unreachable_after=0 flipped_at=""
while [ $i -lt 150 ]; do
        before=$(rounds)
        $A status --socket "$T/run/status.sock" --json >"$T/st" 2>&1
        if jq -e '.execution[0].reachable == true and .consensus[0].reachable == true' "$T/st" >/dev/null 2>&1; then
                flipped_at=$(rounds)
                break
        fi
        jq -e '.consensus[0].reachable == false' "$T/st" >/dev/null 2>&1 && [ "$before" -gt "$unreachable_after" ] && unreachable_after=$before
        sleep 0.1
        i=$((i + 1))
done
[ -n "$flipped_at" ] && ok "reachable again after the hysteresis rounds" \
        || not_ok "reachable again after the hysteresis rounds" "$(rounds) good rounds answered" "$(head -c 2000 "$T/st")"
[ "$unreachable_after" -ge 2 ] && ok "still unreachable after $unreachable_after good rounds: not at the first good answer" \
        || not_ok "still unreachable after 2 good rounds" "unreachable seen after at most $unreachable_after good rounds, reachable after ${flipped_at:-?}"
[ -n "$flipped_at" ] && [ "$flipped_at" -ge 3 ] && ok "reachable after 3 good rounds ($flipped_at answered)" \
        || not_ok "reachable only after 3 good rounds" "reachable after ${flipped_at:-never} answered"

# --- the daemon with a long and a hostile version (issue #13) ---
# Cut inside the é, the status was no longer UTF-8: the textfile stayed
# unwritten and every other node's fleet showed this one as invalid.
kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null; AGENT_PID=""
scenario "$J" synced,peers,long-version
scenario "$B" synced,peers,hostile-version
mkdir -p "$T/metrics"
cat >"$T/node-v.json" <<JSON
{ "execution": { "geth": { "enable": true, "jsonRpcPort": $J } },
  "consensus": { "lighthouse": { "enable": true, "endpoint": "http://127.0.0.1:$B" } },
  "agent": { "probeTimeoutMs": 1000, "statusSocket": "$T/run/v.sock", "reportIntervalSec": 1,
             "metricsTextfile": "$T/metrics/hsos.prom" } }
JSON
start_agent "$T/node-v.json"
# (status exits 1 for a degraded node: the clients are not installed here)
versions() {
        $A status --socket "$T/run/v.sock" --json >"$T/v.st" 2>"$T/v.st.err"
        jq -e '.execution[0].version != null and .consensus[0].version != null' "$T/v.st" >/dev/null 2>&1
}
i=0; while ! versions && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
versions && ok "the daemon's status shows both versions" \
        || not_ok "the daemon's status shows both versions" "$(head -c 1500 "$T/v.st")" "$(head -c 500 "$T/v.st.err")" "$(tail -c 1000 "$T/agent.log")"
plain_ok "the daemon's status --json: valid UTF-8, no raw C1 or bidi control" "$T/v.st"
$A status --socket "$T/run/v.sock" >"$T/v.st.text" 2>&1
plain_ok "the daemon's status text likewise" "$T/v.st.text"
# Written after each probe round: the figures of the round that read the versions.
probed() {
        grep -q '^hsos_execution_reachable{client="geth"} 1$' "$T/metrics/hsos.prom" 2>/dev/null &&
                grep -q '^hsos_consensus_reachable{client="lighthouse"} 1$' "$T/metrics/hsos.prom"
}
i=0; while ! probed && [ $i -lt 25 ]; do sleep 0.2; i=$((i + 1)); done
probed && ok "the metrics textfile follows the probe rounds (both clients reachable)" \
        || not_ok "the metrics textfile follows the probe rounds" "$(grep -h reachable "$T/metrics/hsos.prom" 2>&1)" \
                "$(grep metrics "$T/agent.log" | head -c 1000)"
if [ -e "$T/metrics/hsos.prom" ]; then plain_ok "the textfile: valid UTF-8, no raw control" "$T/metrics/hsos.prom"
else not_ok "the textfile: valid UTF-8, no raw control" "not written"; fi
finish
