#!/bin/sh
# hsos-agent run on this machine, where PID 1 is not systemd: the daemon
# cannot apply units here (the e2e tier does that, in QEMU), but everything
# else is real: READY=1 over NOTIFY_SOCKET, the status socket and its limits,
# the status command's exit codes, SIGHUP with a good and a bad node.json,
# SIGTERM. The status socket lives below $T.
. "$(dirname "$0")/lib.sh"
own_netns "$@" # the daemon loads its firewall: into this namespace, never the host's
A=$HSOS_AGENT
command -v python3 >/dev/null || skip_all "python3 is not installed"
command -v jq >/dev/null || skip_all "jq is not installed"

. "$(dirname "$0")/agent.sh"

host_before=$(hostname; readlink /etc/localtime)

cat >"$T/node.json" <<JSON
{ "localization": { "hostname": "not-this-machine", "timezone": "Pacific/Auckland" },
  "execution": { "geth": { "enable": true, "dataDir": "$T/geth", "jwtSecretFile": "$T/jwt.hex" } },
  "ssh": { "privateKeyFile": "$T/ssh/key" },
  "agent": { "statusSocket": "$T/run/status.sock", "reportIntervalSec": 1 } }
JSON
start_agent "$T/node.json"
[ -s "$T/ready" ] && ok "the daemon says READY=1" || not_ok "the daemon says READY=1" "$(cat "$T/agent.log")"
[ "$(stat -c %a "$T/run/status.sock")" = 660 ] || [ "$(stat -c %a "$T/run/status.sock")" = 600 ] \
        && ok "the status socket is not for everyone ($(stat -c %a "$T/run/status.sock"))" || not_ok "the status socket mode" "$(stat -c %a "$T/run/status.sock")"

expect_exit 1 "status: degraded exits 1" $A status --socket "$T/run/status.sock"
expect_in "$T/out" "geth.service blocked: executable geth was not found on PATH" "status says why, in plain words"
awk 'length > 80 { bad = 1 } END { exit bad }' "$T/out" && ok "the summary fits 80 columns" || not_ok "the summary fits 80 columns"
expect_not_in "$T/out" "$(printf '\033')" "no colour when not a terminal"
expect_exit 1 "status --config finds the socket in node.json" $A status --config "$T/node.json"
expect_exit 1 "status --json" $A status --socket "$T/run/status.sock" --json
if jq -e '.schema == "hsos.status/1" and .state == "degraded" and (.units[0].state == "blocked")
          and (.agent.pid | type == "number") and (.agent.configSha256 | length == 64)' "$T/out" >/dev/null; then
        ok "the document follows hsos.status/1"
else not_ok "the document follows hsos.status/1" "$(head -c 3000 "$T/out")"; fi
[ "$(jq -r .agent.configSha256 "$T/out")" = "$(sha256sum "$T/node.json" | cut -d' ' -f1)" ] \
        && ok "configSha256 is node.json's" || not_ok "configSha256 is node.json's"
[ -s "$T/jwt.hex" ] && jq -e '.secrets | map(select(.kind == "jwt"))[0].state == "created"' "$T/out" >/dev/null \
        && ok "the JWT created by the daemon shows as created" || not_ok "the JWT created by the daemon shows as created" "$(jq -c .secrets "$T/out")"

# Silent and hostile clients hold only their own connections.
python3 - "$T/run/status.sock" <<'PY' &
import socket, sys, time
held = []
for i in range(40):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    held.append(s)
big = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
big.connect(sys.argv[1])
try:
    big.sendall(b"x" * 100000)
except OSError:
    pass
time.sleep(8)
PY
HOLDER=$!
start=$(date +%s%N)
expect_exit 1 "status answers while 40 clients connect and send nothing" $A status --socket "$T/run/status.sock"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ $ms -lt 4000 ] && ok "and it is not delayed by them (${ms} ms; bound 4000)" || not_ok "status was delayed by silent clients (${ms} ms)"
kill $HOLDER 2>/dev/null; wait $HOLDER 2>/dev/null
kill -0 "$AGENT_PID" && ok "the daemon survived them" || not_ok "the daemon survived them" "$(cat "$T/agent.log")"
printf 'nonsense\n' | python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b'nonsense\n'); print(s.recv(4096).decode())" "$T/run/status.sock" >"$T/unknown" 2>&1
expect_in "$T/unknown" "unknown request" "an unknown request gets an error, not the document"

# SIGHUP: a valid change is taken, an invalid one refused with the node kept.
jq '.execution.geth.enable = false | .consensus.teku = { "enable": true, "dataDir": "'"$T"'/teku", "jwtSecretFile": "'"$T"'/jwt.hex" }' \
        "$T/node.json" >"$T/node2.json" && cp "$T/node2.json" "$T/node.json"
kill -HUP "$AGENT_PID"
i=0; while ! $A status --socket "$T/run/status.sock" --json 2>/dev/null | jq -e '.units[0].name == "teku.service"' >/dev/null \
        && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
$A status --socket "$T/run/status.sock" --json >"$T/out2"
jq -e '.units | map(.name) == ["teku.service"]' "$T/out2" >/dev/null && ok "SIGHUP takes a changed node.json" \
        || not_ok "SIGHUP takes a changed node.json" "$(jq -c .units "$T/out2")"
printf '{ "network": "moon" }' >"$T/node.json"
kill -HUP "$AGENT_PID"
i=0; while ! $A status --socket "$T/run/status.sock" --json 2>/dev/null | jq -e '.config.errors | length > 0' >/dev/null \
        && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
$A status --socket "$T/run/status.sock" --json >"$T/out3"
if jq -e '(.config.errors[0] | startswith("network: must be one of")) and (.units | map(.name) == ["teku.service"])
          and (.reasons | any(startswith("a reload of node.json was refused")))' "$T/out3" >/dev/null; then
        ok "an invalid node.json on reload is refused: the node is kept, the errors shown"
else not_ok "an invalid node.json on reload is refused" "$(jq -c '.config, .units, .reasons' "$T/out3")"; fi

[ "$(hostname; readlink /etc/localtime)" = "$host_before" ] \
        && ok "without systemd to answer, the machine's hostname and time zone are left alone" \
        || not_ok "the machine's hostname or time zone changed" "$(hostname; readlink /etc/localtime)"

kill -TERM "$AGENT_PID"; wait "$AGENT_PID"; rc=$?; AGENT_PID=""
[ $rc = 0 ] && ok "SIGTERM: a clean exit" || not_ok "SIGTERM: a clean exit (exit $rc)" "$(cat "$T/agent.log")"
[ ! -e "$T/run/status.sock" ] && ok "the socket is removed on exit" || not_ok "the socket is removed on exit"
expect_exit 3 "status: an agent that cannot be reached exits 3" $A status --socket "$T/run/status.sock"
expect_in "$T/err" "the agent cannot be reached at $T/run/status.sock" "and says where it looked"

# A JWT decrypted into /run later (agenix): watched, it releases its clients.
# Mounting the tmpfs needs root: without it each check is a skip of its own.
JWT_BLOCKS="a JWT missing from a tmpfs blocks its client, and is not created there"
JWT_NOT_IN_RAM="nothing is written in RAM in its place"
JWT_RELEASES="the JWT appearing later releases the client (inotify, not the timer)"
if [ "$(id -u)" != 0 ]; then
        for c in "$JWT_BLOCKS" "$JWT_NOT_IN_RAM" "$JWT_RELEASES"; do skip "$c" "mounting a tmpfs needs root"; done
elif ! { mkdir -p "$T/run-tmpfs" && mount -t tmpfs tmpfs "$T/run-tmpfs"; } >"$T/mount.log" 2>&1; then
        not_ok "a tmpfs for the JWT (mount -t tmpfs)" "$(cat "$T/mount.log")"
else
        cat >"$T/agenix.json" <<JSON
{ "consensus": { "teku": { "enable": true, "dataDir": "$T/teku", "jwtSecretFile": "$T/run-tmpfs/agenix/jwt" } },
  "ssh": { "privateKeyFile": "$T/ssh/key" },
  "agent": { "statusSocket": "$T/run/status.sock", "reportIntervalSec": 3600, "packages": { "teku": "/bin/true" } } }
JSON
        start_agent "$T/agenix.json"
        $A status --socket "$T/run/status.sock" --json >"$T/a1"
        jq -e '.units[0].state == "blocked" and (.units[0].reason | contains("its units wait for it to appear"))' "$T/a1" >/dev/null \
                && ok "$JWT_BLOCKS" || not_ok "$JWT_BLOCKS" "$(jq -c .units "$T/a1")"
        [ ! -e "$T/run-tmpfs/agenix/jwt" ] && ok "$JWT_NOT_IN_RAM" || not_ok "$JWT_NOT_IN_RAM"
        mkdir -p "$T/run-tmpfs/agenix"
        printf '%064x' 42 >"$T/run-tmpfs/agenix/jwt"
        # The refresh timer is an hour away: only the watch can see it.
        i=0; while ! $A status --socket "$T/run/status.sock" --json 2>/dev/null | jq -e '.units[0].state != "blocked"' >/dev/null \
                && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
        $A status --socket "$T/run/status.sock" --json >"$T/a2"
        jq -e '.units[0].state != "blocked" and (.secrets | map(select(.kind == "jwt"))[0].state == "present")' "$T/a2" >/dev/null \
                && ok "$JWT_RELEASES" || not_ok "$JWT_RELEASES" "$(jq -c '.units, .secrets' "$T/a2")"
        kill "$AGENT_PID"; wait "$AGENT_PID"; AGENT_PID=""
        umount "$T/run-tmpfs"
fi

# A JWT that cannot be created on a disk that is persistent but read-only
# (EROFS; a full one fails the same way, tests/integration/test-mount.sh):
# its client is blocked with the error, never started without it. Made
# writable again, the mount table's change releases it.
RO_BLOCKS="a JWT that could not be created blocks its client, naming the file and the error"
RO_STATUS="the status shows that secret blocked, with the error"
RO_RELEASES="once the disk is writable the JWT is created and the client released"
if [ "$(id -u)" != 0 ]; then
        for c in "$RO_BLOCKS" "$RO_STATUS" "$RO_RELEASES"; do skip "$c" "mounting an ext4 image needs root"; done
elif ! { truncate -s 4M "$T/ro.img" && mkfs.ext4 -q "$T/ro.img" && mkdir -p "$T/ro" &&
         mount -o loop "$T/ro.img" "$T/ro" && mount -o remount,ro "$T/ro"; } >"$T/mount.log" 2>&1; then
        not_ok "a read-only ext4 for the JWT (mount -o loop, remount,ro)" "$(cat "$T/mount.log")"
else
        cat >"$T/ro.json" <<JSON
{ "consensus": { "teku": { "enable": true, "dataDir": "$T/teku", "jwtSecretFile": "$T/ro/jwt.hex" } },
  "ssh": { "privateKeyFile": "$T/ssh/key" },
  "agent": { "statusSocket": "$T/run/status.sock", "reportIntervalSec": 3600, "packages": { "teku": "/bin/true" } } }
JSON
        start_agent "$T/ro.json"
        $A status --socket "$T/run/status.sock" --json >"$T/r1"
        jq -e '.units[0].state == "blocked" and (.units[0].reason | endswith("JWT secret: '"$T"'/ro/jwt.hex could not be created: Read-only file system"))' \
                "$T/r1" >/dev/null && ok "$RO_BLOCKS" || not_ok "$RO_BLOCKS" "$(jq -c .units "$T/r1")"
        jq -e '.secrets | map(select(.kind == "jwt"))[0] | .state == "blocked" and (.reason | endswith("could not be created: Read-only file system"))' \
                "$T/r1" >/dev/null && ok "$RO_STATUS" || not_ok "$RO_STATUS" "$(jq -c .secrets "$T/r1")"
        mount -o remount,rw "$T/ro"
        i=0; while ! $A status --socket "$T/run/status.sock" --json 2>/dev/null | jq -e '.units[0].state != "blocked"' >/dev/null \
                && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
        $A status --socket "$T/run/status.sock" --json >"$T/r2"
        jq -e '.units[0].state != "blocked" and (.secrets | map(select(.kind == "jwt"))[0].state == "created")' "$T/r2" >/dev/null \
                && [ -s "$T/ro/jwt.hex" ] && ok "$RO_RELEASES" || not_ok "$RO_RELEASES" "$(jq -c '.units, .secrets' "$T/r2")"
        kill "$AGENT_PID"; wait "$AGENT_PID"; AGENT_PID=""
        umount "$T/ro"
fi

# An invalid node.json at start: config-error, nothing done, every error shown.
printf '{ "localization": { "hostname": "bad name" }, "bogus": 1, "agent": { "statusSocket": "%s/run/status.sock" } }' "$T" >"$T/bad.json"
start_agent "$T/bad.json"
expect_exit 2 "an invalid node.json at start: status exits 2" $A status --socket "/run/hsos-agent/status.sock"
expect_in "$T/out" "config-error" "the state is config-error"
expect_in "$T/out" "localization.hostname: must be 1 to 63 characters" "every error is shown"
expect_in "$T/out" "bogus: unknown key" "every error is shown (2)"
finish
