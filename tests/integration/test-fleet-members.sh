#!/bin/sh
# Members of the fleet, for real (issue #15): three daemons, each with its own
# machine id and hostname, report to a real etcd (Debian's); one stops: its
# status key expires, its member key stays, and `hsos-agent fleet` shows it
# down and exits 2; --expect adds a name that never reported as never seen;
# `fleet forget` removes the member; hostile values under members/ are each
# one row saying what is wrong; a member key held by another machine is not
# overwritten.
. "$(dirname "$0")/lib.sh"
own_netns "$@" # the daemon loads its firewall: into this namespace, never the host's
. "$TOP/tests/peers/peers.sh"
A=$HSOS_AGENT
missing=""
for c in python3 jq curl etcd etcdctl unshare; do command -v "$c" >/dev/null 2>&1 || missing="$missing $c"; done
[ -z "$missing" ] || skip_all "not installed:$missing (scripts/deps.sh installs them)"
[ "$(id -u)" = 0 ] || skip_all "each daemon's machine id is bind-mounted over /etc/machine-id: needs root"

PIDS=""
cleanup() {
        for p in $PIDS; do kill "$p" 2>/dev/null; done
        peers_cleanup
        return 0
}

until_true() {
        _n=$(($1 * 5)); shift
        while [ $_n -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; _n=$((_n - 1)); sleep 0.2; done
        return 1
}

# daemon NAME MACHINE-ID: a daemon reporting as NAME every second, in its own
# mount namespace with its own /etc/machine-id. Its pid in $LAST_PID.
daemon() {
        printf '%s\n' "$2" >"$T/$1.machine-id"
        cat >"$T/$1.json" <<JSON
{ "localization": { "hostname": "$1" },
  "agent": { "statusSocket": "$T/run/$1.sock", "reportIntervalSec": 1,
             "controller": { "etcd": { "endpoints": ["$ETCD_URL"], "prefix": "/fm" } } } }
JSON
        unshare -m sh -c "mount --bind '$T/$1.machine-id' /etc/machine-id && exec $A run --config '$T/$1.json'" \
                >"$T/$1.log" 2>&1 &
        LAST_PID=$!
        PIDS="$PIDS $LAST_PID"
}

fleet() { $A fleet --etcd "$ETCD_URL" --prefix /fm "$@"; }
fleet_json_has() { fleet --json | jq -e "$1"; }
member() { etcdctl --endpoints "$ETCD_URL" get "/fm/members/$1" --print-value-only; }
member_rev() { etcdctl --endpoints "$ETCD_URL" get "/fm/members/$1" -w json | jq -r '.kvs[0].mod_revision'; }

etcd_start || { not_ok "etcd starts" "$PEERS_ERROR"; finish; exit 1; }
daemon fm-alpha 1111111111111111111111111111aaaa; ALPHA=$LAST_PID
daemon fm-bravo 2222222222222222222222222222bbbb; BRAVO=$LAST_PID
daemon fm-charlie 3333333333333333333333333333cccc; CHARLIE=$LAST_PID

until_true 20 fleet_json_has '[.[] | select(.schema == "hsos.status/1")] | length == 3' \
        && ok "three daemons report" || not_ok "three daemons report" "$(fleet 2>&1)" "$(cat "$T/fm-alpha.log")"
until_true 10 sh -c "[ \$(etcdctl --endpoints $ETCD_URL get /fm/members/ --prefix --keys-only | grep -c members/) = 3 ]" \
        && ok "each is a member" || not_ok "each is a member" "$(etcdctl --endpoints "$ETCD_URL" get /fm/members/ --prefix)"
member fm-bravo >"$T/bravo.member"
jq -e '.schema == "hsos.member/1" and .hostname == "fm-bravo" and .machineId == "2222222222222222222222222222bbbb"
       and (.state | type == "string") and (.lastSeen | test("^20[0-9-]+T[0-9:]+Z$")) and (.reasons | type == "array")
       and (.agentVersion | type == "string")' "$T/bravo.member" >/dev/null \
        && ok "the member holds the summary: $(head -c 300 "$T/bravo.member")" || not_ok "the member holds the summary" "$(cat "$T/bravo.member")"
lease=$(etcdctl --endpoints "$ETCD_URL" get /fm/members/fm-bravo -w json | grep -o '"lease":[0-9]*')
[ -z "$lease" ] && ok "the member key has no lease" || not_ok "the member key has no lease" "$lease"
rev1=$(member_rev fm-bravo); sleep 4; rev2=$(member_rev fm-bravo)
[ "$rev1" = "$rev2" ] && ok "an unchanged member is not written again every interval (revision $rev1)" \
        || not_ok "an unchanged member is not written again" "$rev1 -> $rev2"

# One stops: down within 3 intervals (its lease's TTL), and fleet exits 2.
kill -TERM "$BRAVO"; wait "$BRAVO" 2>/dev/null
t0=$(date +%s)
until_true 8 fleet_json_has 'map(select(.hostname == "fm-bravo"))[0].state == "down"' \
        && ok "a stopped node is down within 3 intervals ($(($(date +%s) - t0)) s)" || not_ok "a stopped node is down" "$(fleet 2>&1)"
fleet >"$T/fleet.txt" 2>&1; rc=$?
cat "$T/fleet.txt" | sed 's/^/# /'
[ $rc = 2 ] && ok "fleet exits 2 with a node down" || not_ok "fleet exits 2 with a node down" "exit $rc"
grep -q '^fm-bravo  *down .*last seen [0-9]* s ago, was ' "$T/fleet.txt" \
        && ok "the down line says when it was last seen and what it was" || not_ok "the down line" "$(cat "$T/fleet.txt")"
grep -q '^fm-alpha ' "$T/fleet.txt" && grep -q '^fm-charlie ' "$T/fleet.txt" && ! grep -q '^fm-alpha  *down' "$T/fleet.txt" \
        && ok "the live ones are listed as today" || not_ok "the live ones are listed" "$(cat "$T/fleet.txt")"
fleet --json >"$T/fleet.json"
jq -e 'map(select(.hostname == "fm-bravo"))[0] | .state == "down" and (.lastState | type == "string") and (.lastSeen | type == "string")
       and .machineId == "2222222222222222222222222222bbbb"' "$T/fleet.json" >/dev/null \
        && ok "--json: state down, lastState, lastSeen" || not_ok "--json of a down node" "$(cat "$T/fleet.json")"

# --expect: a name that never reported.
printf '["fm-alpha", "fm-bravo", "fm-charlie", "fm-delta"]\n' >"$T/hostnames.json"
fleet --expect "$T/hostnames.json" >"$T/expect.txt" 2>&1; rc=$?
grep -q '^fm-delta  *never seen' "$T/expect.txt" && ok "--expect: a name that never reported is never seen" \
        || not_ok "--expect: never seen" "$(cat "$T/expect.txt")"
[ $rc = 2 ] && ok "and fleet exits 2" || not_ok "--expect: exit 2" "exit $rc"
fleet --expect "$T/hostnames.json" --json | jq -e 'map(select(.hostname == "fm-delta"))[0].state == "never seen"' >/dev/null \
        && ok "--json: never seen" || not_ok "--json: never seen"
printf '["fm-alpha", 7]\n' >"$T/bad-hostnames.json"
expect_exit 2 "--expect with a bad list is a usage error" fleet --expect "$T/bad-hostnames.json"
grep -q 'bad-hostnames.json: element 1 (7) is not a hostname' "$T/err" && ok "which says what is wrong: $(cat "$T/err")" \
        || not_ok "the bad list's error" "$(cat "$T/err")"
expect_exit 2 "--expect of a missing file is a usage error" fleet --expect "$T/nope.json"

# forget: removes the member, says what it removed; no member is an error.
expect_exit 0 "fleet forget removes a member" fleet forget fm-bravo
grep -q '^forgot fm-bravo: machine 2222222222222222222222222222bbbb, last seen ' "$T/out" \
        && ok "and says what it removed: $(cat "$T/out")" || not_ok "forget says what it removed" "$(cat "$T/out")"
[ -z "$(member fm-bravo)" ] && ok "the member key is gone" || not_ok "the member key is gone"
fleet >"$T/after.txt" 2>&1; rc=$?
! grep -q fm-bravo "$T/after.txt" && ok "fm-bravo is no longer listed" || not_ok "fm-bravo no longer listed" "$(cat "$T/after.txt")"
[ $rc -le 1 ] && ok "fleet no longer exits 2 for it (exit $rc)" || not_ok "fleet exit after forget" "exit $rc: $(cat "$T/after.txt")"
expect_exit 1 "forgetting a hostname that is no member is an error" fleet forget fm-bravo
grep -q 'fm-bravo is no member of the fleet (no key /fm/members/fm-bravo)' "$T/err" \
        && ok "which says so: $(cat "$T/err")" || not_ok "forget of no member says so" "$(cat "$T/err")"
expect_exit 2 "forget of something that is no hostname is a usage error" fleet forget 'a/b'

# A member key held by another machine is never overwritten: fm-charlie's
# hostname, a second daemon with another machine id; its status key is
# charlie's (a conflict), and so is the member.
kill -TERM "$CHARLIE"; wait "$CHARLIE" 2>/dev/null
until_true 8 fleet_json_has 'map(select(.hostname == "fm-charlie"))[0].state == "down"' || not_ok "charlie is down" "$(fleet 2>&1)"
daemon fm-charlie 4444444444444444444444444444dddd
until_true 10 sh -c "$A status --socket $T/run/fm-charlie.sock --json | jq -e '.controller.etcd.lastError | test(\"member key: hostname fm-charlie is held by machine 3333\")'" \
        && ok "a member key held by another machine is reported, not overwritten" \
        || not_ok "a member key held by another machine" "$($A status --socket "$T/run/fm-charlie.sock" --json | jq .controller)" "$(cat "$T/fm-charlie.log")"
member fm-charlie | jq -e '.machineId == "3333333333333333333333333333cccc"' >/dev/null \
        && ok "the old machine's member stays" || not_ok "the old machine's member stays" "$(member fm-charlie)"
$A fleet --etcd "$ETCD_URL" --prefix /fm forget fm-charlie >/dev/null
until_true 10 sh -c "etcdctl --endpoints $ETCD_URL get /fm/members/fm-charlie --print-value-only | jq -e '.machineId == \"4444444444444444444444444444dddd\"'" \
        && ok "after forget, the new machine claims the member" || not_ok "the new machine claims the member" "$(member fm-charlie)"

# Hostile values under members/: each is one row saying what is wrong, and
# nothing of it reaches the terminal raw.
python3 - "$T" <<'PY'
import json, sys
t = sys.argv[1]
open(t + "/big", "w").write('{"schema":"hsos.member/1","hostname":"big","state":"x","pad":"' + "x" * (1024 * 1024) + '"}')
open(t + "/deep", "w").write("[" * 5000 + "]" * 5000)
open(t + "/esc", "w").write(json.dumps({"schema": "hsos.member/1", "hostname": "esc\x1b]0;pwned\x07", "state": "degraded\u202e",
    "machineId": "x", "lastSeen": "2026-01-01T00:00:00Z", "reasons": ["\x1b[2J\x1b[31mwiped\u2067 \u0085"]}, ensure_ascii=False))
PY
for k in big deep esc; do etcdctl --endpoints "$ETCD_URL" put "/fm/members/evil-$k" <"$T/$k" >/dev/null || not_ok "put evil-$k"; done
printf '{"schema":"hsos.member/1","hostname":"x","state":"degraded"}' | etcdctl --endpoints "$ETCD_URL" put "$(printf '/fm/members/bi\342\200\256di')" >/dev/null
fleet >"$T/evil.txt" 2>&1; rc=$?
sed 's/^/# /' "$T/evil.txt" | LC_ALL=C tr -d '\033'
[ $rc = 2 ] && ok "hostile members: fleet still answers (exit 2)" || not_ok "hostile members: fleet answers" "exit $rc"
for k in big deep esc; do
        [ "$(grep -c "^evil-$k " "$T/evil.txt")" = 1 ] && ok "evil-$k is one row: $(grep "^evil-$k " "$T/evil.txt" | head -c 120)" \
                || not_ok "evil-$k is one row" "$(cat "$T/evil.txt")"
done
grep -q '^evil-big  *invalid  *1048[0-9]* bytes, larger than a hsos.member/1' "$T/evil.txt" && ok "1 MiB: says it is too large" || not_ok "1 MiB" "$(cat "$T/evil.txt")"
grep -q '^evil-deep  *invalid  *not JSON (nested deeper than 8 levels' "$T/evil.txt" && ok "deep JSON: says it is nested too deep" || not_ok "deep JSON" "$(cat "$T/evil.txt")"
grep -q '^bi?di ' "$T/evil.txt" && ok "a bidi control in a member's key is shown as ?" || not_ok "bidi key" "$(cat "$T/evil.txt")"
if LC_ALL=C grep -q "$(printf '\033')" "$T/evil.txt" || grep -q "$(printf '\342\200\256')\|$(printf '\342\201\247')\|$(printf '\302\205')" "$T/evil.txt"; then
        not_ok "no escape sequence nor bidi control reaches the terminal" "$(od -c "$T/evil.txt" | head -40)"
else ok "no escape sequence nor bidi control reaches the terminal"; fi
fleet --json >"$T/evil.json"; jq -e 'length >= 5' "$T/evil.json" >/dev/null && ! LC_ALL=C grep -q "$(printf '\033')\|\\\\u001b" "$T/evil.json" \
        && ok "--json: the hostile members, cleaned" || not_ok "--json of hostile members" "$(head -c 2000 "$T/evil.json")"

# etcd away: exit 3.
etcd_stop
expect_exit 3 "etcd cannot be reached: fleet exits 3" fleet
expect_exit 3 "etcd cannot be reached: forget exits 3" fleet forget fm-alpha
finish
