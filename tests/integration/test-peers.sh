#!/bin/sh
# The test peers are what they claim: fakepeer.py answers as the recorded
# Lodestar and anvil did (bodies, status codes, header quirks), the recorded
# JSON-RPC exchanges replay the same against fakepeer and against the real
# anvil from build/npm, the faults are real faults, and Debian's etcd starts,
# keeps its data across a restart and refuses a request without a token.
# The recordings (tests/fixtures/peers) are read here, from the files, and
# fakepeer's HTTP answers compared with them: nothing fakepeer makes of the
# files itself is trusted. Does not run the agent.
: "${HSOS_AGENT:=/nonexistent}" # lib.sh wants it; nothing here runs it
export HSOS_AGENT
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/peers/peers.sh"
cleanup() { peers_cleanup; }

# anvil is not among these: scripts/deps.sh installs it into build/npm, and
# one that does not start is a failure (below).
missing=""
for c in curl jq base64 etcd etcdctl "$PEERS_PYTHON"; do command -v "$c" >/dev/null 2>&1 || missing="$missing $c"; done
[ -z "$missing" ] || skip_all "not installed:$missing (scripts/deps.sh installs them)"
FIX=$TOP/tests/fixtures/peers
if [ ! -r "$FIX/anvil.jsonl" ] || [ ! -d "$FIX/lodestar" ]; then
        not_ok "the recordings are in $FIX" "they are part of the repository"
        finish
        exit 1
fi

# get URL [CURL ARGS...]: status in $st, headers in $T/h, body in $T/b.
get() {
        _u=$1; shift
        st=$(curl -s -m 5 -D "$T/h" -o "$T/b" -w '%{http_code}' "$@" "$_u")
}
header() { tr -d '\r' <"$T/h" | grep -i "^$1:" | sed 's/^[^:]*: *//'; }

# differs_from_headers REC: what in the answer ($st, $T/h, $T/b) is not as
# the response recorded in REC (a .headers file: the status line, "Name:
# value" lines, and a note in parentheses listing what was absent, e.g.
# "(empty body, no content-type)"), one line each; nothing when all is as
# recorded. content-length must be the body's own: the recorded one is that
# of the body recorded then.
differs_from_headers() {
        tr -d '\r' <"$1" >"$T/rec"
        _st=$(sed -n '1s/^HTTP\/[0-9.]* \([0-9][0-9][0-9]\)\( .*\)*$/\1/p' "$T/rec")
        if [ -z "$_st" ]; then echo "${1##*/}: the first line is not a status line"
        elif [ "$st" != "$_st" ]; then echo "status $st, recorded $_st"; fi
        sed 1d "$T/rec" >"$T/rec.h"
        while IFS= read -r _l; do
                case $_l in
                "") ;;
                "("*")")
                        _items=${_l#(}
                        _items=${_items%)}
                        _IFS=$IFS IFS=,
                        for _i in $_items; do
                                _i=$(echo "$_i" | sed 's/^ *//; s/ *$//')
                                case $_i in
                                "empty body") [ ! -s "$T/b" ] || echo "a body of $(wc -c <"$T/b") bytes, recorded: empty body" ;;
                                "no "*) [ -z "$(header "${_i#no }")" ] || echo "${_i#no }: $(header "${_i#no }"), recorded: $_i" ;;
                                *) echo "${1##*/}: a note this test does not understand: $_i" ;;
                                esac
                        done
                        IFS=$_IFS
                        ;;
                *:*)
                        _n=$(printf %s "${_l%%:*}" | tr 'A-Z' 'a-z') _v=$(printf %s "${_l#*:}" | sed 's/^ *//')
                        [ "$_n" = content-length ] && _v=$(wc -c <"$T/b" | tr -d ' ')
                        [ "$(header "$_n")" = "$_v" ] || echo "$_n: \"$(header "$_n")\", recorded \"$_v\""
                        ;;
                *) echo "${1##*/}: a line that is neither a header nor a note: $_l" ;;
                esac
        done <"$T/rec.h"
}

# --- Beacon: every recorded Lodestar answer -------------------------------
# NAME.json is the body of the answer on a route in a situation (the scenario
# that makes it); NAME.NNN.json was answered with status NNN, the others
# with 200; ROUTE.headers holds the response headers recorded on ROUTE (the
# first part of NAME). The JSON is compared as JSON (jq -S), the headers
# where recorded; a JSON answer without recorded headers has the content
# type recorded in node-syncing.headers (Lodestar's for all its JSON).
fakepeer_start beacon synced || { not_ok "fakepeer beacon starts" "$PEERS_ERROR"; finish; exit; }
B=$FAKEPEER_URL BPORT=$FAKEPEER_PORT
json_ctype=$(tr -d '\r' <"$FIX/lodestar/node-syncing.headers" | grep -i '^content-type:' | sed 's/^[^:]*: *//')
[ -n "$json_ctype" ] || not_ok "node-syncing.headers records a content type" "$(cat "$FIX/lodestar/node-syncing.headers")"
checked_headers=" "
for f in "$FIX"/lodestar/*; do
        file=${f##*/}
        case $file in
        *.json) name=${file%.json} ;;
        *.headers) continue ;; # below
        *) not_ok "recording $file is read by this test" "a .json body or a .headers file"; continue ;;
        esac
        scn=synced
        case $name in
        node-syncing.*) route=/eth/v1/node/syncing scn=${name#node-syncing.} ;;
        node-peer_count) route=/eth/v1/node/peer_count scn=zero-peers ;;
        node-peers) route=/eth/v1/node/peers ;;
        node-version) route=/eth/v1/node/version ;;
        beacon-genesis) route=/eth/v1/beacon/genesis ;;
        beacon-headers-999999.404) route=/eth/v1/beacon/headers/999999 ;;
        unknown-route.404) route=/eth/v1/nope ;;
        *) not_ok "recording $name has a route in this test" "add it to the case above"; continue ;;
        esac
        case $name in
        *.[0-9][0-9][0-9]) want=${name##*.} ;;
        *) want=200 ;;
        esac
        if ! jq -S . "$f" >"$T/want" 2>"$T/err"; then
                not_ok "recording $file is JSON" "$(cat "$T/err")"
                continue
        fi
        fakepeer_scenario "$BPORT" "$scn" || { not_ok "scenario $scn for $name" "$PEERS_ERROR"; continue; }
        get "$B$route"
        bad=""
        [ "$st" = "$want" ] || bad="status $st, recorded $want"
        if ! jq -S . "$T/b" >"$T/got" 2>/dev/null; then bad="$bad${bad:+; }the body is not JSON"
        elif ! cmp -s "$T/got" "$T/want"; then bad="$bad${bad:+; }the body is not the recorded JSON"; fi
        rec=$FIX/lodestar/${name%%.*}.headers
        if [ -e "$rec" ]; then
                d=$(differs_from_headers "$rec")
                [ -z "$d" ] || bad="$bad${bad:+; }$d (${rec##*/})"
                checked_headers="$checked_headers${name%%.*} "
        elif [ "$(header content-type)" != "$json_ctype" ]; then
                bad="$bad${bad:+; }content-type \"$(header content-type)\", Lodestar's JSON is \"$json_ctype\""
        fi
        if [ -z "$bad" ]; then
                ok "beacon $route ($scn) answers as recorded in $file$([ -e "$rec" ] && echo " and ${rec##*/}")"
        else not_ok "beacon $route ($scn) answers as recorded in $file" "$bad" "got:  $(cat "$T/b")" "want: $(jq -c . "$f")" \
                "headers: $(tr -d '\r' <"$T/h" | tr '\n' '|')"; fi
done

# The recorded headers of a route without a JSON body: the health quirk (200,
# an empty chunked body, no content type).
for f in "$FIX"/lodestar/*.headers; do
        name=$(basename "$f" .headers)
        case $checked_headers in *" $name "*) continue ;; esac
        case $name in
        node-health) route=/eth/v1/node/health ;;
        *) not_ok "recording $name.headers has a route in this test" "add it to the case above"; continue ;;
        esac
        fakepeer_scenario "$BPORT" synced || { not_ok "scenario synced for $name" "$PEERS_ERROR"; continue; }
        get "$B$route"
        d=$(differs_from_headers "$f")
        [ -z "$d" ] && ok "beacon $route answers as recorded in $name.headers: $(tr -d '\r' <"$f" | sed 1d | tr '\n' ' ' | sed 's/ *$//')" \
                || not_ok "beacon $route answers as recorded in $name.headers" "$d" "headers: $(tr -d '\r' <"$T/h" | tr '\n' '|')" "body: $(od -c "$T/b" | head -3)"
done

# Scenarios change a running server; a list combines them.
fakepeer_scenario "$BPORT" syncing,el-offline,peers
get "$B/eth/v1/node/syncing"
jq -e '.data.is_syncing == true and (.data.sync_distance | tonumber) >= 60 and .data.el_offline == true' "$T/b" >/dev/null \
        && ok "beacon syncing,el-offline: is_syncing, a large distance, el_offline true" || not_ok "beacon syncing,el-offline" "$(cat "$T/b")"
get "$B/eth/v1/node/health"
[ "$st" = 206 ] && ok "beacon syncing: health 206" || not_ok "beacon syncing: health 206" "status $st"
get "$B/eth/v1/node/peer_count"
jq -e '.data.connected == "12"' "$T/b" >/dev/null && ok "beacon peers: connected \"12\", a decimal string" || not_ok "beacon peers" "$(cat "$T/b")"
fakepeer_scenario "$BPORT" optimistic,el-online,no-health
get "$B/eth/v1/node/syncing"
jq -e '.data.is_optimistic == true and .data.el_offline == false' "$T/b" >/dev/null \
        && ok "beacon optimistic,el-online: is_optimistic true, el_offline false present" || not_ok "beacon optimistic,el-online" "$(cat "$T/b")"
get "$B/eth/v1/node/health"
[ "$st" = 404 ] && jq -e '.message == "Route GET:/eth/v1/node/health not found"' "$T/b" >/dev/null \
        && ok "beacon no-health: health is an unknown route" || not_ok "beacon no-health" "status $st" "$(cat "$T/b")"
get "$B/eth/v1/beacon/states/head/finality_checkpoints"
jq -e '.execution_optimistic == true and ([.data.previous_justified, .data.current_justified, .data.finalized]
        | all(.epoch | test("^[0-9]+$")) and all(.root | test("^0x[0-9a-f]{64}$")))' "$T/b" >/dev/null \
        && ok "beacon finality_checkpoints: the Beacon API shape, epochs as decimal strings" || not_ok "beacon finality_checkpoints" "$(cat "$T/b")"
# Refused by fakepeer, with its reason: not a request that failed for another one.
st=$(curl -s -m 5 -o "$T/b" -w '%{http_code}' -X POST --data-binary bogus "$B/__scenario")
[ "$st" = 400 ] && grep -q "unknown beacon scenario 'bogus'" "$T/b" \
        && ok "an unknown scenario is refused (400: $(cat "$T/b"))" || not_ok "an unknown scenario is refused" "status $st" "$(cat "$T/b")"

MAINNET=0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95
fakepeer_start beacon synced --genesis-root $MAINNET || not_ok "fakepeer beacon --genesis-root starts" "$PEERS_ERROR"
get "$FAKEPEER_URL/eth/v1/beacon/genesis"
root_right=$(jq -r .data.genesis_validators_root "$T/b")
fakepeer_scenario "$FAKEPEER_PORT" wrong-network
get "$FAKEPEER_URL/eth/v1/beacon/genesis"
root_wrong=$(jq -r .data.genesis_validators_root "$T/b")
[ "$root_right" = $MAINNET ] && [ "$root_wrong" != $MAINNET ] && [ "${#root_wrong}" = 66 ] \
        && ok "beacon --genesis-root sets the right network, wrong-network another ($root_wrong)" \
        || not_ok "beacon genesis roots" "right $root_right" "wrong $root_wrong"
fakepeer_stop "$FAKEPEER_PID"

# --- JSON-RPC: the anvil recording replayed ---------------------------------
# replay URL WHO TAG: each recorded request (read here from anvil.jsonl), its
# answer compared after jq -S with the recorded response, and its status with
# the recorded one; the block number is the chain's state, not the client's
# manner: any hex will do. The headers of answer I are kept in $T/h.TAG.I.
replay() {
        _i=0
        while IFS= read -r line; do
                _i=$((_i + 1))
                printf %s "$line" >"$T/line"
                # what it is, the recorded status, and the request as sent
                # (a string is sent as it is: it stands for a body that is not JSON)
                { read -r what; read -r want_st; IFS= read -r req; } <<EOF2
$(jq -r '(.request | if type == "array" then "batch " + ([.[].method] | join("+"))
        elif type == "object" then .method else "invalid JSON" end), .status,
        (.request | if type == "string" then . else tojson end)' "$T/line")
EOF2
                st=$(curl -s -m 5 -D "$T/h.$3.$_i" -o "$T/b" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "$req" "$1/")
                mask='[($line.request | if type == "array" then .[] else . end) | objects | select(.method == "eth_blockNumber") | .id] as $ids
                        | def m: if type == "array" then map(m)
                                 elif (.id as $i | any($ids[]; . == $i)) and ((.result // "") | test("^0x[0-9a-f]+$")) then .result = "0xANY"
                                 else . end; m'
                jq -S --slurpfile l "$T/line" "\$l[0] as \$line | \$line.response | $mask" -n >"$T/want"
                if jq -S --slurpfile l "$T/line" "\$l[0] as \$line | $mask" "$T/b" >"$T/got" 2>/dev/null \
                        && [ -n "$want_st" ] && [ "$st" = "$want_st" ] && cmp -s "$T/got" "$T/want"; then
                        ok "$2: $what answers as recorded"
                else not_ok "$2: $what answers as recorded" "status $st, recorded ${want_st:-none}" "got:  $(cat "$T/b")" "want: $(jq -c . "$T/want")"; fi
        done <"$FIX/anvil.jsonl"
        # Every line was replayed: none lost to a read that stopped early.
        _lines=$(grep -c . "$FIX/anvil.jsonl")
        [ "$_i" -gt 0 ] && [ "$_i" = "$_lines" ] && ok "$2: all $_lines recorded exchanges replayed" \
                || not_ok "$2: all recorded exchanges replayed" "$_i of $_lines"
}
# The headers worth comparing: names in lower case, sorted; the date is a
# clock's, content-length the body's (the block numbers differ).
headers_of() { tr -d '\r' <"$1" | sed 1d | grep : | sed 's/^\([^:]*\): */\1: /' \
        | awk -F': ' '{ n = tolower($1); if (n != "date" && n != "content-length") print n ": " substr($0, length($1) + 3) }' | sort; }
rpc() { # rpc URL METHOD [CURL ARGS]: the answer on stdout
        _u=$1 _m=$2; shift 2
        curl -s -m 5 "$@" -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$_m\",\"params\":[]}" "$_u/"
}
J='Content-Type: application/json'

fakepeer_start jsonrpc synced || { not_ok "fakepeer jsonrpc starts" "$PEERS_ERROR"; finish; exit; }
R=$FAKEPEER_URL RPORT=$FAKEPEER_PORT
replay "$R" "fakepeer jsonrpc" fake

if anvil_start; then
        replay "$ANVIL_URL" "real anvil" anvil
        # anvil's headers are not recorded, but the real anvil is here: each
        # of fakepeer's answers has its headers (and status line).
        i=1
        while [ -e "$T/h.fake.$i" ] && [ -e "$T/h.anvil.$i" ]; do
                what=$(sed -n "${i}p" "$FIX/anvil.jsonl" | jq -r '.request | if type == "array" then "batch" elif type == "object" then .method else "invalid JSON" end')
                headers_of "$T/h.fake.$i" >"$T/hf"
                headers_of "$T/h.anvil.$i" >"$T/ha"
                if [ "$(head -n1 "$T/h.fake.$i" | tr -d '\r')" = "$(head -n1 "$T/h.anvil.$i" | tr -d '\r')" ] && cmp -s "$T/hf" "$T/ha"; then
                        ok "fakepeer jsonrpc: $what has the real anvil's status line and headers"
                else not_ok "fakepeer jsonrpc: $what has the real anvil's headers" "fakepeer: $(head -n1 "$T/h.fake.$i" | tr -d '\r') | $(tr '\n' '|' <"$T/hf")" \
                        "anvil:    $(head -n1 "$T/h.anvil.$i" | tr -d '\r') | $(tr '\n' '|' <"$T/ha")"; fi
                i=$((i + 1))
        done
        [ $((i - 1)) = "$(grep -c . "$FIX/anvil.jsonl")" ] || not_ok "fakepeer and the real anvil: the headers of every exchange compared" "$((i - 1)) compared"
        for who in "fakepeer jsonrpc=$R" "real anvil=$ANVIL_URL"; do
                u=${who#*=} who=${who%%=*}
                rpc "$u" eth_chainId -H "$J" | jq -e '.result == "0x7a69"' >/dev/null \
                        && ok "$who: chain id 0x7a69" || not_ok "$who: chain id 0x7a69" "$(rpc "$u" eth_chainId -H "$J")"
                rpc "$u" net_peerCount -H "$J" | jq -e '.error.code == -32601 and .id == 1' >/dev/null \
                        && ok "$who: net_peerCount is -32601" || not_ok "$who: net_peerCount is -32601" "$(rpc "$u" net_peerCount -H "$J")"
                st=$(curl -s -m 5 -o "$T/b" -w '%{http_code}' -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$u/")
                [ "$st" = 200 ] && jq -e '.error.code == -32600 and .id == null' "$T/b" >/dev/null \
                        && ok "$who: no JSON content type is 200 with -32600, id null" || not_ok "$who: no JSON content type" "status $st" "$(cat "$T/b")"
                get "$u/"
                [ "$st" = 400 ] && ok "$who: GET / is HTTP 400 ($(cat "$T/b"))" || not_ok "$who: GET / is HTTP 400" "status $st" "$(cat "$T/b")"
                curl -s -m 5 -H "$J" -d '{"jsonrpc":"2.0","id":"tag-9","method":"eth_getBlockByNumber","params":["latest",false]}' "$u/" >"$T/b"
                jq -e '.id == "tag-9" and (.result.timestamp | test("^0x[0-9a-f]+$")) and (.result.number | test("^0x"))' "$T/b" >/dev/null \
                        && ok "$who: the latest block has a hex timestamp, the id is echoed" || not_ok "$who: latest block" "$(head -c 500 "$T/b")"
                jq -S '.result | keys' "$T/b" >"$T/keys.$who" 2>/dev/null
        done
        cmp -s "$T/keys.fakepeer jsonrpc" "$T/keys.real anvil" && ok "fakepeer jsonrpc: the latest block has the real anvil's fields" \
                || not_ok "fakepeer jsonrpc: the latest block has the real anvil's fields" "$(diff "$T/keys.fakepeer jsonrpc" "$T/keys.real anvil" | tr '\n' ' ')"
else
        not_ok "the real anvil runs" "$PEERS_ERROR"
fi

# Scenarios of the JSON-RPC role.
age() { rpc "$R" eth_getBlockByNumber -H "$J" | jq -r --argjson now "$(date +%s)" '$now - (.result.timestamp | ltrimstr("0x") | explode
        | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 else $c - 48 end)))'; }
a=$(age); [ "$a" -ge -5 ] && [ "$a" -le 60 ] && ok "jsonrpc synced: the latest block is fresh (${a} s)" || not_ok "jsonrpc synced: fresh block" "age $a"
fakepeer_scenario "$RPORT" stale-head
a=$(age); [ "$a" -ge 590 ] && [ "$a" -le 660 ] && rpc "$R" eth_syncing -H "$J" | jq -e '.result == false' >/dev/null \
        && ok "jsonrpc stale-head: not syncing, latest block 10 minutes old" || not_ok "jsonrpc stale-head" "age $a"
fakepeer_scenario "$RPORT" syncing
rpc "$R" eth_syncing -H "$J" | jq -e '.result | (.startingBlock, .currentBlock, .highestBlock) | test("^0x[0-9a-f]+$")' >/dev/null \
        && ok "jsonrpc syncing: eth_syncing has startingBlock, currentBlock, highestBlock" || not_ok "jsonrpc syncing" "$(rpc "$R" eth_syncing -H "$J")"
fakepeer_scenario "$RPORT" peers
rpc "$R" net_peerCount -H "$J" | jq -e '.result == "0x19"' >/dev/null && ok "jsonrpc peers: net_peerCount 0x19" || not_ok "jsonrpc peers"
fakepeer_scenario "$RPORT" zero-peers
rpc "$R" net_peerCount -H "$J" | jq -e '.result == "0x0"' >/dev/null && ok "jsonrpc zero-peers: net_peerCount 0x0" || not_ok "jsonrpc zero-peers"
fakepeer_stop "$FAKEPEER_PID"
fakepeer_start jsonrpc synced --chain-id 0x4268 || not_ok "fakepeer jsonrpc --chain-id starts" "$PEERS_ERROR"
c1=$(rpc "$FAKEPEER_URL" eth_chainId -H "$J" | jq -r .result) v1=$(rpc "$FAKEPEER_URL" net_version -H "$J" | jq -r .result)
fakepeer_scenario "$FAKEPEER_PORT" wrong-chain
c2=$(rpc "$FAKEPEER_URL" eth_chainId -H "$J" | jq -r .result)
[ "$c1" = 0x4268 ] && [ "$v1" = 17000 ] && [ "$c2" = 0x1 ] \
        && ok "jsonrpc --chain-id 0x4268 (net_version 17000), wrong-chain 0x1" || not_ok "jsonrpc chain ids" "$c1 $v1 $c2"
fakepeer_stop "$FAKEPEER_PID"

# --- Faults -------------------------------------------------------------------
fakepeer_start beacon hang --delay-ms 1500 || { not_ok "fakepeer beacon hang starts" "$PEERS_ERROR"; finish; exit; }
F=$FAKEPEER_URL FPORT=$FAKEPEER_PORT
(curl -s -m 2 -o "$T/hang.body" -w '%{http_code} %{time_connect}' "$F/eth/v1/node/syncing" >"$T/hang.out"; echo $? >"$T/hang.rc") &
hung=$!
sleep 0.3
fakepeer_scenario "$FPORT" synced && get "$F/eth/v1/node/syncing" && [ "$st" = 200 ] && [ ! -e "$T/hang.rc" ] \
        && ok "hang: another connection is served while one hangs" || not_ok "hang: another connection is served" "status ${st:-}"
wait $hung
read -r code tconn <"$T/hang.out"
[ "$(cat "$T/hang.rc")" = 28 ] && [ "$code" = 000 ] && [ ! -s "$T/hang.body" ] && [ "${tconn#0.000000}" != "" ] && [ "$tconn" != 0.000000 ] \
        && ok "hang: the connection is accepted and not answered within 2 s" || not_ok "hang: accepted, not answered" "curl exit $(cat "$T/hang.rc"), $code, connect $tconn"

fakepeer_scenario "$FPORT" slow
curl -s -m 0.5 -o /dev/null "$F/eth/v1/node/syncing"; rc=$?
get "$F/eth/v1/node/syncing"
[ $rc = 28 ] && [ "$st" = 200 ] && ok "slow: answers after --delay-ms, not before" || not_ok "slow" "curl exit $rc then status $st"

fakepeer_scenario "$FPORT" huge
st=$(curl -s -m 20 -D "$T/h" "$F/eth/v1/node/syncing" 2>/dev/null | head -c $((11 << 20)) | tee "$T/huge.head" | wc -c)
[ "$st" = $((11 << 20)) ] && [ "$(head -c 8 "$T/huge.head")" = '{"data":' ] && head -n1 "$T/h" | grep -q ' 200' \
        && ok "huge: a 200 JSON-looking body streams past 10 MiB (read 11 MiB, then stopped)" || not_ok "huge" "read $st bytes" "$(cat "$T/h")"
rm -f "$T/huge.head"

for role in beacon jsonrpc; do
        if [ $role = jsonrpc ]; then
                fakepeer_start jsonrpc ok || { not_ok "fakepeer jsonrpc starts" "$PEERS_ERROR"; continue; }
                F=$FAKEPEER_URL FPORT=$FAKEPEER_PORT
        fi
        args="-H Content-Type:application/json -d {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}"
        [ $role = beacon ] && args=""
        path=/; [ $role = beacon ] && path=/eth/v1/node/syncing
        fakepeer_scenario "$FPORT" truncated
        # shellcheck disable=SC2086
        curl -s -m 5 -o /dev/null $args "$F$path"; rc=$?
        [ $rc = 18 ] && ok "$role truncated: the body ends before its Content-Length (curl 18)" || not_ok "$role truncated" "curl exit $rc"
        fakepeer_scenario "$FPORT" invalid-json
        # shellcheck disable=SC2086
        get "$F$path" $args
        [ "$st" = 200 ] && ! jq . "$T/b" >/dev/null 2>&1 && ok "$role invalid-json: 200 that is not JSON" || not_ok "$role invalid-json" "status $st"
        fakepeer_scenario "$FPORT" http-500
        # shellcheck disable=SC2086
        get "$F$path" $args
        [ "$st" = 500 ] && ok "$role http-500" || not_ok "$role http-500" "status $st"
        fakepeer_stop "$FAKEPEER_PID"
done

# --- etcd -----------------------------------------------------------------
if etcd_start; then
        ok "etcd starts on $ETCD_URL with a fresh data dir"
        key=$(b64 /homestakeros/nodes/test/status) val=$(b64 '{"state":"operational"}')
        st=$(curl -s -m 5 -o "$T/b" -w '%{http_code}' -X POST "$ETCD_URL/v3/kv/put" -d "{\"key\":\"$key\",\"value\":\"$val\"}")
        [ "$st" = 200 ] && ok "etcd: a put through the HTTP gateway" || not_ok "etcd put" "status $st" "$(cat "$T/b")"
        got=$(etcd_api kv/range "{\"key\":\"$key\"}" | jq -r '.kvs[0].value // empty' | base64 -d)
        [ "$got" = '{"state":"operational"}' ] && ok "etcd: the value reads back" || not_ok "etcd get" "got $got"
        if etcd_restart; then
                got=$(etcd_api kv/range "{\"key\":\"$key\"}" | jq -r '.kvs[0].value // empty' | base64 -d)
                [ "$got" = '{"state":"operational"}' ] && ok "etcd: the value is kept across a restart (same dir and ports)" || not_ok "etcd after restart" "got $got"
        else not_ok "etcd restarts" "$PEERS_ERROR"; fi
        etcd_stop
else not_ok "etcd starts" "$PEERS_ERROR"; fi

if etcd_start --auth; then
        ok "etcd with auth: root, and user node limited to $ETCD_PREFIX"
        key=$(b64 /homestakeros/nodes/test/status) val=$(b64 x)
        st=$(curl -s -m 5 -o "$T/b" -w '%{http_code}' -X POST "$ETCD_URL/v3/kv/put" -d "{\"key\":\"$key\",\"value\":\"$val\"}")
        [ "$st" != 200 ] && jq -e '.error' "$T/b" >/dev/null && ok "etcd auth: a put without a token is refused ($st: $(jq -r .message "$T/b"))" \
                || not_ok "etcd auth: a put without a token is refused" "status $st" "$(cat "$T/b")"
        tok=$(etcd_token) && [ -n "$tok" ] && ok "etcd auth: node logs in with the password from its file" \
                || not_ok "etcd auth: node logs in with the password from its file"
        st=$(curl -s -m 5 -o "$T/b" -w '%{http_code}' -X POST -H "Authorization: $tok" "$ETCD_URL/v3/kv/put" -d "{\"key\":\"$key\",\"value\":\"$val\"}")
        [ "$st" = 200 ] && ok "etcd auth: node's token writes under $ETCD_PREFIX" || not_ok "etcd auth: node writes its prefix" "status $st" "$(cat "$T/b")"
        st=$(curl -s -m 5 -o "$T/b" -w '%{http_code}' -X POST -H "Authorization: $tok" "$ETCD_URL/v3/kv/put" -d "{\"key\":\"$(b64 /elsewhere)\",\"value\":\"$val\"}")
        [ "$st" = 403 ] && ok "etcd auth: node's token is refused outside the prefix (403)" || not_ok "etcd auth: outside the prefix" "status $st" "$(cat "$T/b")"
        if etcd_restart; then
                st=$(curl -s -m 5 -o "$T/b" -w '%{http_code}' -X POST -H "Authorization: $tok" "$ETCD_URL/v3/kv/range" -d "{\"key\":\"$key\"}")
                [ "$st" = 401 ] && ok "etcd auth: a token from before a restart is refused (401)" || not_ok "etcd auth: old token after restart" "status $st" "$(cat "$T/b")"
                etcd_api kv/range "{\"key\":\"$key\"}" | jq -e '.kvs[0].value == "eA=="' >/dev/null \
                        && ok "etcd auth: root reads the node's value after the restart" || not_ok "etcd auth: root reads after restart"
        else not_ok "etcd with auth restarts" "$PEERS_ERROR"; fi
else not_ok "etcd starts with auth" "$PEERS_ERROR"; fi

finish
