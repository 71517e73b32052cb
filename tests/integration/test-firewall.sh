#!/bin/sh
# The firewall from the plan (issue #14), loaded for real in network
# namespaces: the node's namespace has a veth pair to a "LAN" namespace and a
# second one named wg0 to a "VPN" namespace (the firewall knows the WireGuard
# interface by its name; this host's kernel has no wireguard). Servers listen
# on every port of the node on all addresses, as real nodes bind their APIs;
# the ruleset that `hsos-agent plan --firewall-out` writes is loaded with nft,
# then each port is tried from both sides; then `plan --firewall-apply` loads
# it through libnftables as the daemon does. Nothing leaves the namespaces.
. "$(dirname "$0")/lib.sh"
PORTS=$(cd "$(dirname "$0")" && pwd)/ports.py # servers on ports, and tries from elsewhere
[ "$(id -u)" = 0 ] || skip_all "needs root (network namespaces)"
for t in ip nft python3; do
        command -v $t >/dev/null || skip_all "$t is not installed (scripts/deps.sh installs iproute2 and nftables)"
done
S=hsfw$$
NODE=$S-node LAN=$S-lan VPN=$S-vpn
cleanup() {
        [ -f "$T/servers.pid" ] && kill "$(cat "$T/servers.pid")" 2>/dev/null
        for ns in $NODE $LAN $VPN; do ip netns del "$ns" 2>/dev/null; done
}
ip netns add $NODE || skip_all "cannot create a network namespace"
ip netns add $LAN && ip netns add $VPN || { not_ok "namespaces" "cannot create the LAN and VPN namespaces"; finish; }
node() { ip netns exec $NODE "$@"; }
ip link add lan0 netns $NODE type veth peer name eth0 netns $LAN
ip link add wg0 netns $NODE type veth peer name eth0 netns $VPN
node ip addr add 10.77.1.1/24 dev lan0
node ip addr add 10.77.2.1/24 dev wg0
ip -n $LAN addr add 10.77.1.2/24 dev eth0
ip -n $VPN addr add 10.77.2.2/24 dev eth0
for ns in $NODE $LAN $VPN; do ip -n $ns link set lo up; done
node ip link set lan0 up; node ip link set wg0 up
ip -n $LAN link set eth0 up; ip -n $VPN link set eth0 up

# The node: geth and lighthouse with their APIs on all addresses, WireGuard
# with its ListenPort in its (private) file, one port of the operator's.
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
 "agent": {"firewall": {"allowTCP": [9100]}}}
JSON
}
conf "$T/node.json" true
conf "$T/no-geth.json" false
expect_exit 0 "the plan writes the ruleset" "$HSOS_AGENT" plan --config "$T/node.json" --firewall-out "$T/fw.nft"
cp "$T/out" "$T/plan.txt"
expect_in "$T/plan.txt" "30303/tcp+udp open: geth P2P" "the plan says geth's P2P port is open"
expect_in "$T/plan.txt" "5052/tcp only on wg0: lighthouse beacon API" "the plan says the beacon API is only on wg0"
expect_in "$T/plan.txt" "51820/udp open: WireGuard wg0" "the WireGuard ListenPort is read from its file"
expect_not_in "$T/plan.txt" "c2VjcmV0" "nothing else of that file is shown"
expect_exit 0 "the plan without geth writes its ruleset" "$HSOS_AGENT" plan --config "$T/no-geth.json" --firewall-out "$T/no-geth.nft"

node python3 "$PORTS" serve tcp/22 tcp/30303 udp/30303 tcp/8551 tcp/5052 tcp/8545 tcp/6060 tcp/5054 \
        tcp/9100 udp/9999 >"$T/servers.out" 2>&1 &
echo $! >"$T/servers.pid"
for _ in $(seq 50); do grep -q ready "$T/servers.out" && break; sleep 0.1; done
grep -q ready "$T/servers.out" || { not_ok "servers" "$(cat "$T/servers.out")"; finish; }

# try NS PROTO PORT ADDR: "answers" or "silent" (a dropped packet times out).
try() { ip netns exec "$1" python3 "$PORTS" try "$2" "$3" "$4"; }
expect_port() { # expect_port NS PROTO PORT ADDR WANT NAME
        got=$(try "$1" "$2" "$3" "$4")
        if [ "$got" = "$5" ]; then ok "$6"; else not_ok "$6" "$2/$3 from $1 $got, expected $5"; fi
}

expect_port $LAN tcp 8551 10.77.1.1 answers "without the firewall the LAN reaches the engine API (why it exists)"
expect_exit 0 "nft loads the rendered ruleset" node nft -f "$T/fw.nft"
expect_exit 0 "the table is inet hsos" node nft list table inet hsos
for p in tcp/22 tcp/30303 udp/30303 tcp/9100; do
        expect_port $LAN ${p%/*} ${p#*/} 10.77.1.1 answers "from the LAN $p answers"
done
for p in tcp/8551 tcp/5052 tcp/8545 tcp/6060 tcp/5054 udp/9999; do
        expect_port $LAN ${p%/*} ${p#*/} 10.77.1.1 silent "from the LAN $p is dropped"
done
for p in tcp/8551 tcp/5052 tcp/8545 tcp/6060 tcp/22; do
        expect_port $VPN ${p%/*} ${p#*/} 10.77.2.1 answers "from wg0 $p answers"
done
expect_port $VPN udp 9999 10.77.2.1 silent "from wg0 a port of nobody's is dropped"
expect_port $NODE tcp 8551 127.0.0.1 answers "loopback reaches the engine API"

# A reload without geth, loaded as the daemon loads it (libnftables, one
# transaction: the table flushed and filled again): its ports close, the
# rest stays; loaded twice, nothing doubles.
expect_exit 0 "the agent loads the ruleset without geth over the first" \
        node "$HSOS_AGENT" plan --config "$T/no-geth.json" --firewall-apply
expect_port $LAN tcp 30303 10.77.1.1 silent "geth disabled: its P2P port closes"
expect_port $VPN tcp 8551 10.77.2.1 silent "geth disabled: its engine API closes on wg0 too"
expect_port $LAN tcp 22 10.77.1.1 answers "ssh still answers"
expect_exit 0 "geth enabled again" node "$HSOS_AGENT" plan --config "$T/node.json" --firewall-apply
expect_exit 0 "and loaded once more" node "$HSOS_AGENT" plan --config "$T/node.json" --firewall-apply
expect_port $LAN tcp 30303 10.77.1.1 answers "geth enabled: its P2P port opens"
n1=$(node nft -a list chain inet hsos input | grep -c 'accept\|drop')
n2=$(grep -c 'accept\|drop' "$T/fw.nft")
if [ "$n1" = "$n2" ]; then ok "loaded twice, the chain holds each rule once ($n1)"
else not_ok "loaded twice, the chain holds each rule once" "$n1 in the chain, $n2 in the file"; fi

# A hostile extraOptions port is a validation error, never a rule.
python3 -c '
import json, sys
n = json.load(open(sys.argv[1]))
n["execution"]["geth"]["extraOptions"] = ["--port=22;"]
print(json.dumps(n))' "$T/node.json" >"$T/hostile.json"
expect_exit 1 "extraOptions --port=22; is refused" "$HSOS_AGENT" validate --config "$T/hostile.json"
expect_in "$T/err" 'execution.geth.extraOptions: --port=22; sets geth' "the error names the word"
expect_exit 2 "and the plan refuses it (a config error), writing no ruleset" "$HSOS_AGENT" plan --config "$T/hostile.json" --firewall-out "$T/h.nft"
expect_exit 1 "(no file)" test -e "$T/h.nft"
python3 -c '
import json, sys
n = json.load(open(sys.argv[1]))
n["execution"]["geth"]["extraOptions"] = ["--port", "65536"]
print(json.dumps(n))' "$T/node.json" >"$T/range.json"
expect_exit 1 "extraOptions --port 65536 is refused" "$HSOS_AGENT" validate --config "$T/range.json"
finish
