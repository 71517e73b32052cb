#!/bin/sh
# The status socket is shared fairly (issue #13): a member of `hsos` that
# floods it (1,000 idle connections, reopened as they close) holds at most
# its own share, and root and other members still get their answer; a table
# full of several such uids, a daemon out of file descriptors and a full
# listen backlog neither stop it nor make it spin. The daemon runs as in
# test-daemon.sh (agent.sh); the hostile clients are other uids (setpriv) in
# the group `hsos`, which is created for the test where the machine has
# none, and removed after.
. "$(dirname "$0")/lib.sh"
own_netns "$@" # the daemon loads its firewall: into this namespace, never the host's
[ "$(id -u)" = 0 ] || skip_all "clients of other uids need root to start them (setpriv)"
for t in python3 setpriv prlimit groupadd groupdel getent; do
        command -v $t >/dev/null || skip_all "$t is not installed"
done
. "$(dirname "$0")/agent.sh"

made_group=""
if ! getent group hsos >/dev/null; then
        groupadd --system hsos || skip_all "cannot create the group hsos"
        made_group=1
fi
cleanup() {
        [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null
        for p in $FLOODS; do kill "$p" 2>/dev/null; done
        [ -z "$made_group" ] || groupdel hsos
        return 0
}
FLOODS=""
GID=$(getent group hsos | cut -d: -f3)
# Other uids reach the socket and run the binary through $T.
chmod 0711 "$T"
cp "$HSOS_AGENT" "$T/hsos-agent" && chmod 0755 "$T/hsos-agent"
A=$T/hsos-agent
SOCK=$T/run/status.sock
HOSTILE=64801 HONEST=64900 # uids no one has: SO_PEERCRED sees them all the same
as_uid() { u=$1; shift; setpriv --reuid="$u" --regid="$GID" --groups="$GID" "$@"; }
# A python3 the other uids can run (root's own may be in a home of its own).
PY=""
for p in /usr/bin/python3 "$(python3 -c 'import sys; print(sys.executable)')"; do
        as_uid $HOSTILE "$p" -c pass 2>/dev/null && { PY=$p; break; }
done
[ -n "$PY" ] || skip_all "no python3 that another uid can run"

# flood.py SOCKET N MODE SECONDS: keeps N connections open, sending
# nothing; MODE reopen opens a new one for each the daemon closes, hold
# does not. At the end it prints "opened closed last-connect-error".
cat >"$T/flood.py" <<'PY'
import selectors, socket, sys, time
path, n, mode, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
sel = selectors.DefaultSelector()
to_open, opened, closed, error = n, 0, 0, "-"
end = time.monotonic() + seconds
while time.monotonic() < end:
    while to_open:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.connect(path)
        except OSError as e:  # the backlog is full (EAGAIN): again later
            error = e.__class__.__name__
            s.close()
            break
        sel.register(s, selectors.EVENT_READ)
        to_open -= 1
        opened += 1
    for key, _ in sel.select(timeout=0.01 if to_open else 0.2):
        try:
            if key.fileobj.recv(4096):
                continue
        except OSError:
            pass
        sel.unregister(key.fileobj)
        key.fileobj.close()
        closed += 1
        if mode == "reopen":
            to_open += 1
print(opened, closed, error)
PY
# flood UID N MODE SECONDS: in the background; its pid is added to FLOODS.
flood() {
        as_uid "$1" "$PY" "$T/flood.py" "$SOCK" "$2" "$3" "$4" >"$T/flood-$1" &
        FLOODS="$FLOODS $!"
}
wait_floods() { for p in $FLOODS; do wait "$p"; done; FLOODS=""; }
fds() { ls "/proc/$AGENT_PID/fd" 2>/dev/null | wc -l; }
# sample_fds SECONDS: the most descriptors the daemon held, sampled meanwhile.
sample_fds() {
        max=0 i=0
        while [ $i -lt $(($1 * 20)) ]; do
                f=$(fds); [ "$f" -gt "$max" ] && max=$f
                sleep 0.05; i=$((i + 1))
        done
        echo "$max"
}
# answers NAME [as_uid UID]: status answers with the document within 5 s.
answers() {
        name=$1; shift
        start=$(date +%s%N)
        "$@" "$A" status --json --socket "$SOCK" >"$T/out" 2>"$T/err"
        rc=$?
        ms=$(( ($(date +%s%N) - start) / 1000000 ))
        if [ $rc != 3 ] && grep -q '"schema":[[:space:]]*"hsos.status/1"' "$T/out" && [ $ms -lt 5000 ]; then
                ok "$name (${ms} ms; bound 5000)"
        else not_ok "$name" "exit $rc after ${ms} ms (bound 5000)" "stdout: $(head -c 500 "$T/out")" "stderr: $(cat "$T/err")"; fi
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$AGENT_PID/stat"; }

cat >"$T/node.json" <<JSON
{ "ssh": { "privateKeyFile": "$T/ssh/key" },
  "agent": { "statusSocket": "$SOCK", "reportIntervalSec": 3600 } }
JSON
start_agent "$T/node.json"
[ -s "$T/ready" ] && ok "the daemon says READY=1" || not_ok "the daemon says READY=1" "$(cat "$T/agent.log")"
[ "$(stat -c %a:%G "$SOCK")" = 660:hsos ] && ok "the socket is the group hsos's (660)" \
        || not_ok "the socket is the group hsos's (660)" "$(stat -c %a:%G "$SOCK")"
answers "a member of hsos gets the status" as_uid $HONEST
sleep 0.2
base=$(fds)

# One hostile uid: 1,000 idle connections, each reopened as the daemon closes it.
flood $HOSTILE 1000 reopen 5
sleep 1
sample_fds 3 >"$T/max" &
sampler=$!
answers "root gets the status while one uid keeps 1,000 connections open"
answers "another member of hsos does too" as_uid $HONEST
sleep 1
answers "and root again, a second later"
wait $sampler
wait_floods
read -r opened closed error <"$T/flood-$HOSTILE"
[ "$opened" -gt 1000 ] && ok "the hostile uid reached the socket and reopened what was closed ($opened opened)" \
        || not_ok "the hostile uid reached the socket and reopened what was closed" "opened $opened, closed $closed, last error $error"
# Its 16, one it has just accepted (to learn its uid) and not yet made
# room for, the status clients' own, and one of slack.
max=$(cat "$T/max")
[ $((max - base)) -le 20 ] && ok "the daemon held at most 16 of its connections (+$((max - base)) descriptors)" \
        || not_ok "the daemon held at most 16 of its connections" "it held $((max - base)) descriptors more than before"
kill -0 "$AGENT_PID" && ok "the daemon survived it" || not_ok "the daemon survived it" "$(cat "$T/agent.log")"

# Nine hostile uids, 16 connections each would be more than the table's 128:
# each new one costs the uid holding the most its oldest, never root's.
for u in 1 2 3 4 5 6 7 8 9; do flood $((HOSTILE + u)) 200 reopen 4; done
sleep 1
sample_fds 2 >"$T/max" &
sampler=$!
answers "root gets the status while nine uids fill the table"
answers "another member of hsos does too" as_uid $HONEST
wait $sampler
wait_floods
max=$(cat "$T/max")
[ $((max - base)) -le 132 ] && ok "the daemon held at most 128 connections (+$((max - base)) descriptors)" \
        || not_ok "the daemon held at most 128 connections" "it held $((max - base)) descriptors more than before"
sleep 0.5
[ "$(fds)" -le "$base" ] && ok "every connection is let go once its client is" \
        || not_ok "every connection is let go once its client is" "$(fds) descriptors, $base before"

# Out of descriptors (EMFILE) with connections waiting: the daemon neither
# spins on a socket it cannot accept from nor stops answering root.
soft=$(prlimit --pid "$AGENT_PID" --nofile --output SOFT --noheadings)
prlimit --pid "$AGENT_PID" --nofile=$((base + 6)):
flood $HOSTILE 200 hold 4
sleep 1
t0=$(cpu_ticks)
sleep 2
t1=$(cpu_ticks)
hz=$(getconf CLK_TCK)
[ $((t1 - t0)) -lt "$hz" ] && ok "at its descriptor limit, the daemon does not spin ($((t1 - t0)) ticks of CPU in 2 s)" \
        || not_ok "at its descriptor limit, the daemon spins" "$((t1 - t0)) ticks of CPU in 2 s ($hz a second)"
answers "root gets the status at the daemon's descriptor limit"
wait_floods
prlimit --pid "$AGENT_PID" --nofile="$soft":

# The listen backlog full (the daemon stopped while a uid fills it with
# connections it closes at once): status connects again until it is drained.
cat >"$T/fill.py" <<'PY'
import socket, sys
for n in range(100000):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setblocking(False)
    try:
        s.connect(sys.argv[1])
    except BlockingIOError:
        break
    finally:
        s.close()
print(n)
PY
kill -STOP "$AGENT_PID"
queued=$(as_uid $HOSTILE "$PY" "$T/fill.py" "$SOCK")
(sleep 1; kill -CONT "$AGENT_PID") &
answers "root gets the status through a full backlog ($queued connections queued), once the daemon runs again"
wait $!

kill -TERM "$AGENT_PID"; wait "$AGENT_PID"; rc=$?; AGENT_PID=""
[ $rc = 0 ] && ok "SIGTERM: a clean exit" || not_ok "SIGTERM: a clean exit (exit $rc)" "$(cat "$T/agent.log")"
finish
