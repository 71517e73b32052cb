#!/bin/sh
# The daemon's loop never waits on the disk work: a reload that hands a data
# dir of 600,000 files to its client (a take-over of seconds) runs in
# a child, and `hsos-agent status` keeps answering meanwhile, within a
# liveness bound of 1 s per answer (the watchdog would kill a loop stuck for
# 30 s; a status that hangs is what the team sees first).
. "$(dirname "$0")/lib.sh"
own_netns "$@" # the daemon loads its firewall: into this namespace, never the host's
. "$(dirname "$0")/loopdev.sh"
A=$HSOS_AGENT
require_loop_root mkfs.ext4
command -v python3 >/dev/null || skip_all "python3 is not installed"
command -v jq >/dev/null || skip_all "jq is not installed"
. "$(dirname "$0")/agent.sh"
# Both cleanups (agent.sh's replaced loopdev.sh's): the daemon, then the disk.
cleanup() { [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null; sleep 0.2
        umount "$T/disk" 2>/dev/null
        for _l in $LOOPS; do losetup -d "$_l" 2>/dev/null; done
        # A detached loop device lets go of its file a moment later: the
        # tmpfs under it is busy until then.
        _i=0; while ! umount "$T/ram" 2>/dev/null && mountpoint -q "$T/ram" && [ $_i -lt 50 ]; do
                _i=$((_i + 1)); sleep 0.1; done; return 0; }

node() { # DATADIR
        cat >"$T/node.json" <<JSON
{ "execution": { "geth": { "enable": true, "dataDir": "$1", "jwtSecretFile": "$T/jwt.hex" } },
  "ssh": { "privateKeyFile": "$T/ssh/key" },
  "agent": { "statusSocket": "$T/run/status.sock", "reportIntervalSec": 1 } }
JSON
}
node "$T/small"
start_agent "$T/node.json"
[ -s "$T/ready" ] && ok "the daemon says READY=1" || not_ok "the daemon says READY=1" "$(cat "$T/agent.log")"

# A data dir HomestakerOS left to root, with N files in N/1000 directories,
# on an ext4 disk (a loop device whose image lies in RAM: made in seconds).
N=${BUSY_FILES:-600000}
mkdir -p "$T/ram" "$T/disk"
mount -t tmpfs -o size=3g tmpfs "$T/ram"
truncate -s 2500M "$T/ram/disk.img" && mkfs.ext4 -q -N $((N + 100000)) "$T/ram/disk.img"
attach D "$T/ram/disk.img"
mount "$D" "$T/disk"
python3 - "$T/disk/big" $((N / 1000)) <<'PY'
import os, sys
top = sys.argv[1]
os.mkdir(top)
for d in range(int(sys.argv[2])):
    sub = os.path.join(top, "d%03d" % d)
    os.mkdir(sub)
    for f in range(1000):
        os.close(os.open(os.path.join(sub, "f%04d" % f), os.O_CREAT | os.O_WRONLY, 0o644))
PY
node "$T/disk/big"
# A connection the daemon accepted before the disk work began, answered while
# it runs: its end (EOF) must not wait for the work (the worker, a fork of the
# daemon, must not hold it open).
done_line="dir $T/disk/big: taken over for geth"
python3 - "$T/run/status.sock" "$T/go" "$T/agent.log" "$done_line" >"$T/early" 2>&1 <<'PY' &
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
end = time.time() + 120
while not os.path.exists(sys.argv[2]) and time.time() < end:
    time.sleep(0.01)
s.sendall(b"status\n")
s.settimeout(120)
data = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    data += d
walk_done = sys.argv[4] in open(sys.argv[3]).read()
print("answer=%d end=%s" % (len(data), "after-the-work" if walk_done else "during-the-work"))
PY
early=$!
sleep 0.3
kill -HUP "$AGENT_PID"
# The worker runs: a child of the daemon (then the answer is asked).
i=0; while [ -z "$(pgrep -P "$AGENT_PID")" ] && [ $i -lt 200 ]; do sleep 0.01; i=$((i + 1)); done
touch "$T/go"

# Status while the take-over runs: until the daemon logs it done.
worst=0 during=0 failed_calls=0 end=$(($(date +%s) + 120))
while ! grep -qF "$done_line" "$T/agent.log" && [ "$(date +%s)" -lt "$end" ]; do
        t0=$(date +%s%N)
        timeout 30 $A status --socket "$T/run/status.sock" >/dev/null 2>&1
        rc=$?
        ms=$((($(date +%s%N) - t0) / 1000000))
        [ "$rc" -gt 2 ] && failed_calls=$((failed_calls + 1))
        [ "$ms" -gt "$worst" ] && worst=$ms
        # Counted as "during" only if the walk was still going when it answered.
        grep -qF "$done_line" "$T/agent.log" || during=$((during + 1))
        [ -n "${DEBUG_BUSY:-}" ] && echo "# status rc=$rc ${ms}ms at $(date +%s.%N)"
        sleep 0.1
done
[ -n "${DEBUG_BUSY:-}" ] && grep -n "taken over\|reload" "$T/agent.log" | sed 's/^/# /' 
wait $early
grep -q "answer=[1-9].* end=during-the-work" "$T/early" \
        && ok "a connection accepted before the work began ends while the work runs" \
        || not_ok "a connection accepted before the work began ends while the work runs" "$(cat "$T/early")"
grep -qF "$done_line" "$T/agent.log" && [ "$(stat -c %u "$T/disk/big")" = 801 ] \
        && ok "the data dir is taken over in the end" \
        || not_ok "the data dir is taken over in the end" "top owned by $(stat -c %u "$T/disk/big")" "$(tail -5 "$T/agent.log")"
[ "$during" -ge 2 ] && ok "status was asked while the take-over ran ($during times)" \
        || not_ok "status was asked while the take-over ran ($during times)" "the take-over ended too soon to tell"
[ "$worst" -le 1000 ] && [ "$failed_calls" = 0 ] && ok "every status answered within 1 s during it (slowest: $worst ms)" \
        || not_ok "every status answered within 1 s during it (slowest: $worst ms)" "$failed_calls calls found no daemon"
[ "$(find "$T/disk/big" ! -uid 801 | head -1)" = "" ] && ok "every file of it was handed over" \
        || not_ok "every file of it was handed over" "$(find "$T/disk/big" ! -uid 801 | head -3)"
kill -0 "$AGENT_PID" 2>/dev/null && ok "the daemon is still running" || not_ok "the daemon is still running" "$(tail -5 "$T/agent.log")"
expect_exit 1 "status after the reload" $A status --socket "$T/run/status.sock" --json
[ "$(jq -r '.units[] | select(.name == "geth.service") | .state' "$T/out")" = blocked ] \
        && ok "the evaluation after the disk work completed (geth's unit planned)" \
        || not_ok "the evaluation after the disk work completed (geth's unit planned)" "$(head -c 2000 "$T/out")"
finish
