#!/bin/sh
# hsos-agent fleet --watch against a real etcd (Debian's), issue #15: in a
# pseudo-terminal the view is drawn again in place when a node's status
# changes; a status key whose lease is revoked (what expiry is) shows the node
# down without any write for it; the watch survives etcd's restart (the view
# says it is lost, then follows again) and a compaction of the revisions it
# had not seen (it reads every key again); Ctrl-C ends it with 0. Not on a
# terminal: a line per node that changed. Values are written with etcdctl, as
# a node's controller writes them (status under a lease, member without).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/peers/peers.sh"
A=$HSOS_AGENT
missing=""
for c in python3 etcd etcdctl curl; do command -v "$c" >/dev/null 2>&1 || missing="$missing $c"; done
[ -z "$missing" ] || skip_all "not installed:$missing (scripts/deps.sh installs them)"

PTY_PID="" PLAIN_PID=""
cleanup() {
        for p in $PTY_PID $PLAIN_PID; do kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
        peers_cleanup
        return 0
}

until_true() {
        _n=$(($1 * 5)); shift
        while [ $_n -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; _n=$((_n - 1)); sleep 0.2; done
        return 1
}

ectl() { etcdctl --endpoints "$ETCD_URL" "$@"; }
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
# status HOST STATE LEASE: a status document as a node writes it.
status() {
        printf '{"schema":"hsos.status/1","generatedAt":"%s","hostname":"%s","state":"%s","agent":{"version":"0.9.1"},
"execution":[{"client":"geth","reachable":true,"syncing":false,"currentBlock":%s,"peers":31,"version":"Geth/v1.14.11-stable"}],
"consensus":[{"client":"lighthouse","reachable":true,"syncing":false,"headSlot":%s,"syncDistance":0,"optimistic":%s,"peers":64,
"version":"Lighthouse/v5.3.0"}]}' "$(now)" "$1" "$2" "$4" "$5" "$6" | ectl put "/fw/nodes/$1/status" --lease="$3" >/dev/null
}
member() {
        printf '{"schema":"hsos.member/1","hostname":"%s","machineId":"%s","state":"%s","lastSeen":"%s","reasons":[],"agentVersion":"0.9.1"}' \
                "$1" "$2" "$3" "$(now)" | ectl put "/fw/members/$1" >/dev/null
}
lease() { ectl lease grant 600 | awk '{print $2}'; }
ESC=$(printf '\033')

# The pseudo-terminal: python's pty runs fleet --watch in one, keeps every
# byte it draws in $T/tty.raw, and types Ctrl-C when $T/tty.stop appears.
cat >"$T/ptyrun.py" <<'PY'
import os, pty, sys, time
out, stop = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[3], sys.argv[3:])
sent = False
with open(out, "ab", buffering=0) as f:
    while True:
        if not sent and os.path.exists(stop):
            os.write(fd, b"\x03")
            sent = True
        try:
            import select
            r, _, _ = select.select([fd], [], [], 0.1)
            if r:
                data = os.read(fd, 65536)
                if not data:
                    break
                f.write(data)
        except OSError:
            break
_, st = os.waitpid(pid, 0)
open(out + ".rc", "w").write(str(os.waitstatus_to_exitcode(st)))
PY
# screen: the last frame drawn (from the last cursor-home), escapes removed.
screen() {
        python3 - "$T/tty.raw" <<'PY'
import re, sys
raw = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
frame = raw.rsplit("\x1b[H", 1)[-1]
print(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", frame))
PY
}
# on_screen PATTERN...: each on the last frame.
on_screen() {
        screen >"$T/screen.txt"
        for _p; do grep -q -- "$_p" "$T/screen.txt" || return 1; done
}
frames() { python3 -c 'import sys; print(open(sys.argv[1], "rb").read().count(b"\x1b[H"))' "$T/tty.raw"; }

etcd_start || { not_ok "etcd starts" "$PEERS_ERROR"; finish; exit 1; }
LA=$(lease) LB=$(lease)
member fw-alpha 1111 operational; status fw-alpha operational "$LA" 21000000 10500000 false
member fw-bravo 2222 operational; status fw-bravo operational "$LB" 21000001 10500001 false

python3 "$T/ptyrun.py" "$T/tty.raw" "$T/tty.stop" $A fleet --etcd "$ETCD_URL" --prefix /fw --watch &
PTY_PID=$!
$A fleet --etcd "$ETCD_URL" --prefix /fw --watch >"$T/plain.out" 2>"$T/plain.err" &
PLAIN_PID=$!

if until_true 10 on_screen 'fw-bravo *operational'; then
        screen | sed 's/^/# /'
        ok "in a terminal: the whole fleet is drawn"
else
        not_ok "in a terminal: the whole fleet is drawn" "$(screen)"
fi
screen >"$T/first.txt"
grep -q '^fw-alpha  *operational  *[0-9]*s  geth synced block 21000000 (31 peers),' "$T/first.txt" \
        && grep -q '^  *lighthouse synced slot 10500000 (64 peers)' "$T/first.txt" \
        && grep -q 'agent 0.9.1, geth Geth/v1.14.11-stable, lighthouse Lighthouse/v5.3.0' "$T/first.txt" \
        && ok "each node: block, head slot, peers; the versions on its second line" \
        || not_ok "each node's columns" "$(cat "$T/first.txt")"
grep -q "$ESC\\[H" "$T/tty.raw" && grep -q "$ESC\\[K" "$T/tty.raw" \
        && ok "drawn in place: cursor home, each line cleared to its end" || not_ok "drawn in place" "$(od -c "$T/tty.raw" | head)"

# A node changes: drawn again, without polling (nothing else changes).
f0=$(frames)
status fw-alpha degraded "$LA" 21000005 10500004 true
until_true 10 on_screen 'fw-alpha *degraded ' 'lighthouse optimistic slot 10500004' \
        && ok "a new status is drawn again in place ($f0 frames before)" || not_ok "a new status is drawn" "$(screen)"

# A lease revoked, as a lease expires: the status key's DELETE event; the
# member stays: the node is down, with nothing written for it.
ectl lease revoke "$LB" >/dev/null
until_true 10 on_screen 'fw-bravo *down .*last seen' \
        && ok "a revoked lease shows the node down" || not_ok "a revoked lease shows the node down" "$(screen)"
until_true 5 grep -q ' fw-bravo down .*last seen' "$T/plain.out" \
        && ok "not a terminal: a line for the node that went down: $(grep ' fw-bravo down' "$T/plain.out" | head -1)" \
        || not_ok "not a terminal: the down line" "$(cat "$T/plain.out")"

# etcd restarts: the view says the watch is lost, then follows again.
etcd_stop
until_true 10 on_screen 'LOST: ' && ok "etcd stopped: the view says so: $(screen | grep 'LOST: ' | head -c 160)" \
        || not_ok "etcd stopped: the view says so" "$(screen)"
etcd_launch || not_ok "etcd starts again" "$PEERS_ERROR"
status fw-alpha operational "$LA" 21000009 10500009 false
until_true 20 on_screen 'fw-alpha *operational ' 'slot 10500009' \
        && ok "after etcd's restart the view follows the next change" || not_ok "after etcd's restart" "$(screen)" "$(cat "$T/plain.err")"
! on_screen 'LOST: ' && ok "and no longer says lost" || not_ok "no longer lost" "$(screen)"
until_true 5 grep -q ' fw-alpha operational .*slot 10500009' "$T/plain.out" \
        && ok "not a terminal: the change after the restart is a line" || not_ok "not a terminal after the restart" "$(cat "$T/plain.out")"

# Compaction: both watchers stopped; etcd restarted; changes made and their
# revisions compacted away; the watchers go on: etcd says "compacted", and
# they read every key again.
kill -STOP "$PTY_PID" "$PLAIN_PID" 2>/dev/null
ptypid=$(pgrep -P "$PTY_PID" | head -1)
kill -STOP $ptypid
etcd_stop; etcd_launch || not_ok "etcd starts again" "$PEERS_ERROR"
member fw-charlie 3333 operational; LC=$(lease); status fw-charlie operational "$LC" 1 2 false
status fw-alpha degraded "$LA" 21000010 10500010 false
rev=$(ectl get /fw/ --prefix -w json | python3 -c 'import json,sys; print(json.load(sys.stdin)["header"]["revision"])')
ectl compact "$rev" >/dev/null && ok "revisions up to $rev compacted" || not_ok "etcdctl compact"
kill -CONT $ptypid "$PTY_PID" "$PLAIN_PID"
until_true 20 grep -q 'every key read again at revision' "$T/plain.err" \
        && ok "compacted: every key is read again: $(grep 'every key read again' "$T/plain.err" | head -1)" \
        || not_ok "compacted: read again" "$(cat "$T/plain.err")"
until_true 10 on_screen 'fw-charlie *operational' 'fw-alpha *degraded ' 'slot 10500010' \
        && ok "and the terminal shows what changed meanwhile" || not_ok "the view after compaction" "$(screen)"
grep -q ' fw-charlie operational' "$T/plain.out" && ok "not a terminal: the new node is a line" \
        || not_ok "not a terminal: the new node" "$(cat "$T/plain.out")"

# A hostile value: one row saying what is wrong, nothing raw on the terminal.
printf '{"schema":"hsos.member/1","hostname":"x","state":"\033]0;pwned\007degraded"}' | ectl put /fw/members/fw-evil >/dev/null
until_true 10 on_screen 'fw-evil *down' && ok "a hostile member is a row" || not_ok "a hostile member" "$(screen)"
grep -q 'pwned' "$T/tty.raw" && ! grep -q "$ESC]0;pwned" "$T/tty.raw" \
        && ok "its escape never reaches the terminal raw" || not_ok "the escape reached the terminal" "$(grep -a pwned "$T/tty.raw" | od -c | head)"

# Ctrl-C: 0, the cursor shown again.
touch "$T/tty.stop"
until_true 10 test -s "$T/tty.raw.rc"
[ "$(cat "$T/tty.raw.rc" 2>/dev/null)" = 0 ] && ok "Ctrl-C ends it with 0" || not_ok "Ctrl-C ends it with 0" "$(cat "$T/tty.raw.rc" 2>&1)"
tail -c 20 "$T/tty.raw" | grep -q "$ESC\\[?25h" && ok "and the cursor is shown again" || not_ok "the cursor shown again" "$(tail -c 40 "$T/tty.raw" | od -c)"
wait "$PTY_PID" 2>/dev/null; PTY_PID=""
kill -INT "$PLAIN_PID"; wait "$PLAIN_PID"; rc=$?; PLAIN_PID=""
[ $rc = 0 ] && ok "not a terminal: SIGINT ends it with 0" || not_ok "not a terminal: SIGINT" "exit $rc"
sed 's/^/# /' "$T/plain.out"
! grep -q "$ESC" "$T/plain.out" && ok "not a terminal: plain lines, no escape" || not_ok "plain lines" "$(od -c "$T/plain.out" | head)"

expect_exit 2 "--watch with --json is a usage error" $A fleet --etcd "$ETCD_URL" --watch --json

# With etcd's authentication: it logs in, and again after etcd restarts (its
# simple tokens die with it).
etcd_stop
if etcd_start --auth; then
        etcdctl_root put /homestakeros/members/fw-auth '{"schema":"hsos.member/1","hostname":"fw-auth","state":"degraded"}' >/dev/null
        $A fleet --etcd "$ETCD_URL" --user "$ETCD_USER" --password-file "$ETCD_PASSWORD_FILE" --watch \
                >"$T/auth.out" 2>"$T/auth.err" &
        PLAIN_PID=$!
        until_true 10 grep -q ' fw-auth down' "$T/auth.out" && ok "with a user and a password it reads the fleet" \
                || not_ok "--watch with a user" "$(cat "$T/auth.out" "$T/auth.err")"
        etcd_restart || not_ok "etcd with auth starts again" "$PEERS_ERROR"
        etcdctl_root put /homestakeros/nodes/fw-auth/status '{"schema":"hsos.status/1","state":"starting"}' >/dev/null
        until_true 15 grep -q ' fw-auth starting' "$T/auth.out" \
                && ok "and after etcd's restart it logs in again and follows" \
                || not_ok "--watch with a user after a restart" "$(cat "$T/auth.out" "$T/auth.err")"
        ! grep -q "$(cat "$ETCD_PASSWORD_FILE")" "$T/auth.out" "$T/auth.err" \
                && ok "the password is in no message" || not_ok "the password leaked" "$(cat "$T/auth.err")"
        kill -INT "$PLAIN_PID"; wait "$PLAIN_PID"; PLAIN_PID=""
else
        not_ok "etcd with auth starts" "$PEERS_ERROR"
fi
finish
