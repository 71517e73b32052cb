#!/bin/sh
# The daemon's firewall (issue #14), in a network namespace of this test's
# own (own_netns): `hsos-agent run` loads the plan's table inet hsos there;
# a veth pair to a "LAN" namespace and one named wg0 to a "VPN" namespace
# (as test-firewall.sh) try its ports. A reload that disables geth closes
# its ports, one that enables it opens them again; a ruleset the kernel
# refuses (table inet hsos held by another program, nft's owner flag)
# leaves the one before in place and the status says why; the table stays
# when the daemon stops (SIGTERM) or is killed (SIGKILL).
. "$(dirname "$0")/lib.sh"
PORTS=$(cd "$(dirname "$0")" && pwd)/ports.py # servers on ports, and tries from elsewhere
own_netns "$@" # the daemon loads its firewall: into this namespace, never the host's
A=$HSOS_AGENT
for t in ip nft python3 jq; do
        command -v $t >/dev/null || skip_all "$t is not installed (scripts/deps.sh installs it)"
done
. "$(dirname "$0")/agent.sh"
S=hsdf$$
LAN=$S-lan VPN=$S-vpn
cleanup() {
        [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null
        [ -f "$T/servers.pid" ] && kill "$(cat "$T/servers.pid")" 2>/dev/null
        [ -f "$T/owner.pid" ] && kill "$(cat "$T/owner.pid")" 2>/dev/null
        for ns in $LAN $VPN; do ip netns del "$ns" 2>/dev/null; done
        return 0
}
ip netns add $LAN && ip netns add $VPN || skip_all "cannot create the LAN and VPN namespaces"
# This namespace is the node's.
ip link add lan0 type veth peer name eth0 netns $LAN
ip link add wg0 type veth peer name eth0 netns $VPN
ip addr add 10.77.1.1/24 dev lan0
ip addr add 10.77.2.1/24 dev wg0
ip -n $LAN addr add 10.77.1.2/24 dev eth0
ip -n $VPN addr add 10.77.2.2/24 dev eth0
for ns in $LAN $VPN; do ip -n $ns link set lo up; ip -n $ns link set eth0 up; done
ip link set lan0 up; ip link set wg0 up

mkdir -p "$T/secrets"
( umask 077; printf '[Interface]\nPrivateKey = c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2U=\nListenPort = 51820\n' \
        >"$T/secrets/wg0.conf" )
conf() { # conf FILE GETH_ENABLED
        cat >"$1" <<JSON
{"vpn": {"wireguard": {"enable": true, "configFile": "$T/secrets/wg0.conf"}},
 "execution": {"geth": {"enable": $2, "endpoint": "http://0.0.0.0:8551", "dataDir": "$T/geth",
                        "jwtSecretFile": "$T/secrets/jwt.hex"}},
 "consensus": {"lighthouse": {"enable": true, "endpoint": "http://0.0.0.0:5052", "execEndpoint": "http://10.77.1.9:8551",
                              "dataDir": "$T/lh", "jwtSecretFile": "$T/secrets/jwt.hex"}},
 "ssh": {"privateKeyFile": "$T/ssh/key"},
 "agent": {"statusSocket": "$T/run/status.sock", "reportIntervalSec": 1, "firewall": {"allowTCP": [9100]}}}
JSON
}
conf "$T/geth.json" true
conf "$T/no-geth.json" false

python3 "$PORTS" serve tcp/22 tcp/30303 udp/30303 tcp/8551 tcp/5052 tcp/8545 tcp/9100 >"$T/servers.out" 2>&1 &
echo $! >"$T/servers.pid"
for _ in $(seq 50); do grep -q ready "$T/servers.out" && break; sleep 0.1; done
grep -q ready "$T/servers.out" || skip_all "the test's servers did not start: $(cat "$T/servers.out")"

expect_port() { # expect_port NS PROTO PORT ADDR WANT NAME
        got=$(ip netns exec "$1" python3 "$PORTS" try "$2" "$3" "$4")
        if [ "$got" = "$5" ]; then ok "$6"; else not_ok "$6" "$2/$3 from $1 $got, expected $5"; fi
}
status_json() { $A status --socket "$T/run/status.sock" --json 2>/dev/null; }
# wait_status JQ: until the status document satisfies JQ (10 s at most).
wait_status() {
        i=0; while ! status_json | jq -e "$1" >/dev/null 2>&1 && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
        status_json >"$T/status.json"
        jq -e "$1" "$T/status.json" >/dev/null
}
table() { nft list table inet hsos 2>&1; }

expect_port $LAN tcp 8551 10.77.1.1 answers "before the daemon the LAN reaches the engine API"
cp "$T/geth.json" "$T/node.json"
start_agent "$T/node.json"
[ -s "$T/ready" ] && ok "the daemon says READY=1" || not_ok "the daemon says READY=1" "$(cat "$T/agent.log")"
wait_status '.firewall.applied == true' && ok "the status says the firewall is applied" \
        || not_ok "the status says the firewall is applied" "$(jq -c .firewall "$T/status.json")" "$(cat "$T/agent.log")"
table >"$T/table"
expect_in "$T/table" "policy drop;" "nft list table inet hsos shows the daemon's ruleset"
expect_in "$T/table" 'tcp dport 30303 accept comment "geth P2P"' "with geth's P2P port"
"$A" plan --config "$T/node.json" --firewall-out "$T/fw.nft" >/dev/null 2>&1
nrules=$(grep -c 'accept\|drop' "$T/fw.nft") # the policy line and each rule
jq -e --argjson n "$nrules" '.firewall.enabled == true and .firewall.rules == ($n - 1) and .firewall.lastError == null
        and (.firewall.open | map(select(.port == 30303 and .proto == "tcp+udp" and .only == null)) | length == 1)
        and (.firewall.open | map(select(.port == 8551 and .only == "wg0")) | length == 1)
        and (.firewall.open | map(select(.port == 9100 and .why == "agent.firewall.allowTCP")) | length == 1)' \
        "$T/status.json" >/dev/null && ok "the status's firewall section lists what is open, and where" \
        || not_ok "the status's firewall section lists what is open, and where" "$(jq -c .firewall "$T/status.json")"
grep -q "firewall loaded: table inet hsos, [0-9]* rules" "$T/agent.log" && ok "the journal says it loaded" \
        || not_ok "the journal says it loaded" "$(cat "$T/agent.log")"
for p in tcp/22 tcp/30303 udp/30303 tcp/9100; do
        expect_port $LAN ${p%/*} ${p#*/} 10.77.1.1 answers "from the LAN $p answers"
done
for p in tcp/8551 tcp/5052 tcp/8545; do
        expect_port $LAN ${p%/*} ${p#*/} 10.77.1.1 silent "from the LAN $p is dropped"
        expect_port $VPN ${p%/*} ${p#*/} 10.77.2.1 answers "from wg0 $p answers"
done
$A status --socket "$T/run/status.sock" >"$T/text" 2>&1
grep -E '^  firewall: applied, [0-9]+ rules, [0-9]+ ports open, [0-9]+ only on wg0$' "$T/text" >/dev/null \
        && ok "status shows the firewall in one line: $(grep firewall: "$T/text" | sed 's/^ *//')" \
        || not_ok "status shows the firewall in one line" "$(cat "$T/text")"

# Reloads, the daemon's path: geth disabled closes its ports, enabled opens them.
cp "$T/no-geth.json" "$T/node.json"
kill -HUP "$AGENT_PID"
wait_status '.firewall.applied and (.firewall.open | map(select(.port == 30303)) | length == 0)' \
        && ok "a reload without geth: the status no longer lists its ports" \
        || not_ok "a reload without geth: the status no longer lists its ports" "$(jq -c .firewall "$T/status.json")"
expect_port $LAN tcp 30303 10.77.1.1 silent "geth disabled: its P2P port closes"
expect_port $LAN udp 30303 10.77.1.1 silent "geth disabled: its P2P port closes (udp)"
expect_port $VPN tcp 8551 10.77.2.1 silent "geth disabled: its engine API closes on wg0 too"
expect_port $LAN tcp 22 10.77.1.1 answers "ssh still answers"
cp "$T/geth.json" "$T/node.json"
kill -HUP "$AGENT_PID"
wait_status '.firewall.applied and (.firewall.open | map(select(.port == 30303)) | length == 1)' \
        && ok "a reload with geth again: its ports are listed" \
        || not_ok "a reload with geth again: its ports are listed" "$(jq -c .firewall "$T/status.json")"
expect_port $LAN tcp 30303 10.77.1.1 answers "geth enabled: its P2P port opens"
expect_port $VPN tcp 8551 10.77.2.1 answers "geth enabled: its engine API answers on wg0"
c=$(nft list chain inet hsos input | grep -c 'accept\|drop')
[ "$c" = "$nrules" ] && ok "loaded three times, the chain holds each rule once ($c)" \
        || not_ok "loaded three times, the chain holds each rule once" "$c in the chain, $nrules in the plan's file"

# A ruleset the kernel refuses. Another program holds table inet hsos (nft's
# owner flag: only the netlink socket that made it may change it), with the
# rules the daemon loaded last; a reload that disables geth cannot load.
# That table stays whole (geth's port still open: nothing half applied),
# the node is degraded, the status says why.
{
        echo "delete table inet hsos"
        sed -n '/^table inet hsos {$/,$p' "$T/fw.nft" | sed '1a\	flags owner;'
} >"$T/owned.nft"
# nft -i keeps its socket while its input is open: the sleep holds it.
{ printf 'include "%s"\n' "$T/owned.nft"; sh -c 'echo $$ >"$1"; exec sleep 300' sh "$T/owner.pid"; } | nft -i >"$T/owner.out" 2>&1 &
i=0; while ! nft list table inet hsos 2>/dev/null | grep -q "flags owner" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
table >"$T/owned-before"
expect_in "$T/owned-before" "flags owner" "(another program holds table inet hsos)"
cp "$T/no-geth.json" "$T/node.json"
kill -HUP "$AGENT_PID"
wait_status '.firewall.applied == false' && ok "the refused load: the status says not applied" \
        || not_ok "the refused load: the status says not applied" "$(jq -c .firewall "$T/status.json")" "$(cat "$T/agent.log")"
jq -e '.firewall.lastError | test("Operation not permitted")' "$T/status.json" >/dev/null \
        && ok "lastError is nft's word: $(jq -r .firewall.lastError "$T/status.json")" \
        || not_ok "lastError is nft's word" "$(jq -c .firewall "$T/status.json")"
jq -e '.state == "degraded" and (.reasons | map(select(startswith("the firewall was not loaded (the ruleset before stays): ")
        and contains("Operation not permitted"))) | length == 1)' "$T/status.json" >/dev/null \
        && ok "the node is degraded, the error its reason" || not_ok "the node is degraded, the error its reason" "$(jq -c '[.state, .reasons]' "$T/status.json")"
table >"$T/owned-after"
cmp -s "$T/owned-before" "$T/owned-after" && ok "the ruleset before stays, whole" \
        || not_ok "the ruleset before stays, whole" "$(diff "$T/owned-before" "$T/owned-after")"
expect_port $LAN tcp 30303 10.77.1.1 answers "geth's port stays open (the reload's flush was not applied)"
expect_port $LAN tcp 8551 10.77.1.1 silent "the engine API stays closed"
$A status --socket "$T/run/status.sock" >"$T/text" 2>&1
expect_in "$T/text" "firewall: NOT applied (the ruleset before stays): Error: Could not process" "status says so in its firewall line"
[ "$(grep -c 'the firewall was not loaded' "$T/agent.log")" = 1 ] && ok "the journal says it once" \
        || not_ok "the journal says it once" "$(grep 'firewall' "$T/agent.log")"
# The other program goes (its table with it): the next evaluation loads.
kill "$(cat "$T/owner.pid")" 2>/dev/null; rm -f "$T/owner.pid"
i=0; while nft list table inet hsos >/dev/null 2>&1 && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill -HUP "$AGENT_PID"
wait_status '.firewall.applied == true and .firewall.lastError == null' && ok "once the table is free the next reload loads it" \
        || not_ok "once the table is free the next reload loads it" "$(jq -c .firewall "$T/status.json")"
jq -e '.reasons | map(select(startswith("the firewall"))) | length == 0' "$T/status.json" >/dev/null \
        && ok "and the reason is gone" || not_ok "and the reason is gone" "$(jq -c .reasons "$T/status.json")"
expect_port $LAN tcp 30303 10.77.1.1 silent "geth's port is closed now (geth is disabled)"

# Stopped or killed, the daemon leaves the table: the node stays protected.
table >"$T/loaded"
kill -TERM "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null; AGENT_PID=""
table >"$T/after-term"
cmp -s "$T/loaded" "$T/after-term" && ok "SIGTERM: the table stays" || not_ok "SIGTERM: the table stays" "$(cat "$T/after-term")"
expect_port $LAN tcp 8551 10.77.1.1 silent "SIGTERM: the engine API stays closed"
cp "$T/geth.json" "$T/node.json"
start_agent "$T/node.json"
wait_status '.firewall.applied == true and (.firewall.open | map(select(.port == 30303)) | length == 1)' \
        || not_ok "the daemon again" "$(cat "$T/agent.log")"
table >"$T/loaded"
kill -KILL "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null; AGENT_PID=""
table >"$T/after-kill"
cmp -s "$T/loaded" "$T/after-kill" && grep -q "30303" "$T/after-kill" && ok "SIGKILL: the table stays" \
        || not_ok "SIGKILL: the table stays" "$(cat "$T/after-kill")"
expect_port $LAN tcp 8551 10.77.1.1 silent "SIGKILL: the engine API stays closed"
expect_port $LAN tcp 30303 10.77.1.1 answers "SIGKILL: the P2P port stays open"
finish
