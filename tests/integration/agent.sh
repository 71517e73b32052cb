# Sourced by the integration tests that run the daemon: start_agent CONFIG
# runs `hsos-agent run` as systemd would (NOTIFY_SOCKET) and waits for its
# READY=1; AGENT_PID names it, and cleanup() stops it. Needs python3.
AGENT_PID=""
# The daemon loads its firewall wherever it runs: never on this host.
[ -n "${HSOS_TEST_NETNS:-}" ] || { echo "Bail out! $0 runs the daemon outside a network namespace of its own: call own_netns (lib.sh) first"; exit 1; }
cleanup() { [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null; return 0; }

# start_agent CONFIG: runs the daemon and waits for its READY=1 (or its exit).
start_agent() {
        rm -f "$T/notify.sock" "$T/ready"
        python3 - "$T/notify.sock" "$T/ready" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(60)
try:
    while True:
        d = s.recv(4096).decode()
        if "READY=1" in d.split("\n"):
            open(sys.argv[2], "w").write(d)
            break
except socket.timeout:
    pass
PY
        listener=$!
        # The listener binds first: wait for its socket (a matter of milliseconds).
        i=0; while [ ! -S "$T/notify.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
        NOTIFY_SOCKET="$T/notify.sock" $A run --config "$1" >"$T/agent.log" 2>&1 &
        AGENT_PID=$!
        wait $listener
}

