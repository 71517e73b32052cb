# shellcheck shell=sh disable=SC2034 # the variables set are for the tests that source this
# Peers for the tests, on loopback: fakepeer.py (a beacon or JSON-RPC server
# answering as the recorded clients do), a real anvil from build/npm, a real
# etcd from Debian. POSIX sh, to be sourced; call peers_cleanup at the end
# (in the test's cleanup()). Everything started is ended by its PID.
# fakepeer serves the recordings in tests/fixtures/peers (its default).
#
#   fakepeer_start ROLE SCENARIO [ARGS...]  sets FAKEPEER_PORT, FAKEPEER_PID,
#                                           FAKEPEER_URL, FAKEPEER_LOG (its stderr:
#                                           with --verbose a line per answer,
#                                           "fakepeer: "GET /path HTTP/1.1" 200 -")
#   fakepeer_scenario PORT NAME             POST /__scenario (NAME may be a list)
#   fakepeer_stop PID
#   anvil_start [ARGS...]                   sets ANVIL_PORT, ANVIL_PID, ANVIL_URL;
#                                           anvil not installed in build/npm is a
#                                           failure like any other (scripts/deps.sh
#                                           installs it)
#   etcd_start [--auth]                     sets ETCD_URL, ETCD_PID, ETCD_DIR,
#                                           ETCD_CLIENT_PORT, ETCD_PEER_PORT; with
#                                           --auth also ETCD_ROOT_PASSWORD,
#                                           ETCD_USER (node), ETCD_PASSWORD_FILE,
#                                           ETCD_PREFIX (/homestakeros/)
#   etcd_restart                            same data dir and ports; new ETCD_PID
#   etcd_stop
#   etcd_token [USER PASSWORD]              prints a token (default: node's)
#   etcd_api PATH JSON                      POST to the gateway (/v3/PATH), as
#                                           root when auth is on; body on stdout
#   b64 STRING                              base64 of STRING, for keys and values
#   peers_cleanup                           ends all of the above
# Each start function returns non-zero with PEERS_ERROR set when it fails.

PEERS_TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
PEERS_DIR=$PEERS_TOP/tests/peers
PEERS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/hsos-peers.XXXXXX")
PEERS_PIDS=""
PEERS_ERROR=""
# Debian's python3: a version manager's shim in PATH costs a second a start.
if [ -x /usr/bin/python3 ]; then PEERS_PYTHON=${PEERS_PYTHON:-/usr/bin/python3}; else PEERS_PYTHON=${PEERS_PYTHON:-python3}; fi

# peers_free_ports N: N loopback TCP ports free now, space-separated.
peers_free_ports() {
        "$PEERS_PYTHON" -c '
import socket, sys
s = [socket.socket() for _ in range(int(sys.argv[1]))]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))' "$1"
}

# peers_wait SECONDS CMD...: runs CMD every 0.1 s until it succeeds.
peers_wait() {
        _tries=$(($1 * 10)); shift
        while [ $_tries -gt 0 ]; do
                "$@" >/dev/null 2>&1 && return 0
                _tries=$((_tries - 1))
                sleep 0.1
        done
        return 1
}

peers_alive() { kill -0 "$1" 2>/dev/null; }

# peers_end PID: TERM, then KILL after 3 s; waits for it.
peers_end() {
        [ -n "$1" ] || return 0
        kill "$1" 2>/dev/null || return 0
        peers_wait 3 eval "! kill -0 $1" || kill -9 "$1" 2>/dev/null
        wait "$1" 2>/dev/null
        PEERS_PIDS=$(echo " $PEERS_PIDS " | sed "s/ $1 / /")
        return 0
}

fakepeer_start() {
        _role=$1 _scn=$2; shift 2
        _out=$PEERS_TMP/fakepeer.$$.$(date +%s%N)
        "$PEERS_PYTHON" "$PEERS_DIR/fakepeer.py" --role "$_role" --scenario "$_scn" "$@" >"$_out" 2>"$_out.err" &
        FAKEPEER_PID=$!
        PEERS_PIDS="$PEERS_PIDS $FAKEPEER_PID"
        if ! peers_wait 10 grep -q '^PORT ' "$_out"; then
                PEERS_ERROR="fakepeer $_role $_scn did not start: $(cat "$_out.err")"
                peers_end "$FAKEPEER_PID"
                return 1
        fi
        FAKEPEER_PORT=$(sed -n 's/^PORT //p' "$_out")
        FAKEPEER_URL=http://127.0.0.1:$FAKEPEER_PORT
        FAKEPEER_LOG=$_out.err
}

fakepeer_scenario() {
        [ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' -X POST --data-binary "$2" "http://127.0.0.1:$1/__scenario")" = 204 ] \
                || { PEERS_ERROR="fakepeer on $1 refused scenario $2"; return 1; }
}

fakepeer_stop() { peers_end "$1"; }

# The native binary from the per-platform package (the wrapper in .bin is a
# node script that spawns it).
anvil_bin() {
        for _b in "$PEERS_TOP"/build/npm/node_modules/@foundry-rs/anvil-linux-*/bin/anvil; do
                [ -x "$_b" ] && { echo "$_b"; return 0; }
        done
        [ -x "$PEERS_TOP/build/npm/node_modules/.bin/anvil" ] && { echo "$PEERS_TOP/build/npm/node_modules/.bin/anvil"; return 0; }
        return 1
}

anvil_start() {
        if ! _anvil=$(anvil_bin); then
                PEERS_ERROR="anvil is not installed in build/npm (scripts/deps.sh installs it)"
                return 1
        fi
        ANVIL_PORT=$(peers_free_ports 1)
        "$_anvil" --host 127.0.0.1 --port "$ANVIL_PORT" --silent "$@" >"$PEERS_TMP/anvil.$ANVIL_PORT.log" 2>&1 &
        ANVIL_PID=$!
        PEERS_PIDS="$PEERS_PIDS $ANVIL_PID"
        ANVIL_URL=http://127.0.0.1:$ANVIL_PORT
        if ! peers_wait 15 curl -sf -m 1 -H 'Content-Type: application/json' \
                -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$ANVIL_URL/"; then
                PEERS_ERROR="anvil did not answer eth_chainId on $ANVIL_URL: $(tail -c 1000 "$PEERS_TMP/anvil.$ANVIL_PORT.log")"
                peers_end "$ANVIL_PID"
                return 1
        fi
}

# etcd as shared/notes/etcd.md says: both URLs on loopback, the peer URL
# advertised where it listens.
etcd_launch() {
        etcd --name t --data-dir "$ETCD_DIR/data" \
                --listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL" \
                --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
                --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
                --initial-cluster "t=http://127.0.0.1:$ETCD_PEER_PORT" >>"$ETCD_DIR/etcd.log" 2>&1 &
        ETCD_PID=$!
        PEERS_PIDS="$PEERS_PIDS $ETCD_PID"
        if ! peers_wait 15 etcd_healthy; then
                PEERS_ERROR="etcd did not become healthy on $ETCD_URL: $(tail -c 1500 "$ETCD_DIR/etcd.log")"
                peers_end "$ETCD_PID"
                return 1
        fi
}

etcd_healthy() { curl -sf -m 1 "$ETCD_URL/health" | grep -q '"health":"true"'; }

etcdctl_root() {
        if [ -n "${ETCD_ROOT_PASSWORD:-}" ]; then
                etcdctl --endpoints "$ETCD_URL" --user "root:$ETCD_ROOT_PASSWORD" "$@"
        else
                etcdctl --endpoints "$ETCD_URL" "$@"
        fi
}

etcd_start() {
        ETCD_DIR=$(mktemp -d "$PEERS_TMP/etcd.XXXXXX")
        ETCD_ROOT_PASSWORD=""
        # shellcheck disable=SC2046 # two port numbers
        set -- "${1:-}" $(peers_free_ports 2)
        ETCD_CLIENT_PORT=$2 ETCD_PEER_PORT=$3
        ETCD_URL=http://127.0.0.1:$ETCD_CLIENT_PORT
        etcd_launch || return 1
        [ "$1" = --auth ] || return 0
        # root (needed to enable auth), and a user `node` whose role may read
        # and write the fleet's prefix only; the password is in a file, as a
        # node's config names it.
        _rootpw=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
        ETCD_USER=node ETCD_PREFIX=/homestakeros/
        ETCD_PASSWORD_FILE=$ETCD_DIR/node.password
        head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$ETCD_PASSWORD_FILE"
        if ! { echo "$_rootpw" | etcdctl_root user add root --interactive=false &&
                etcdctl_root user grant-role root root &&
                etcdctl_root role add homestakeros &&
                etcdctl_root role grant-permission homestakeros --prefix=true readwrite "$ETCD_PREFIX" &&
                etcdctl_root user add "$ETCD_USER" --interactive=false <"$ETCD_PASSWORD_FILE" &&
                etcdctl_root user grant-role "$ETCD_USER" homestakeros &&
                etcdctl_root auth enable; } >"$ETCD_DIR/auth.log" 2>&1; then
                PEERS_ERROR="etcd auth setup failed: $(cat "$ETCD_DIR/auth.log")"
                return 1
        fi
        ETCD_ROOT_PASSWORD=$_rootpw
}

etcd_token() {
        _u=${1:-$ETCD_USER} _pw=${2:-$(cat "$ETCD_PASSWORD_FILE")}
        curl -s -m 10 -X POST "$ETCD_URL/v3/auth/authenticate" \
                -d "{\"name\":\"$_u\",\"password\":\"$_pw\"}" | jq -er .token
}

etcd_api() {
        if [ -n "${ETCD_ROOT_PASSWORD:-}" ]; then
                _tok=$(etcd_token root "$ETCD_ROOT_PASSWORD") || return 1
                curl -s -m 10 -X POST -H "Authorization: $_tok" "$ETCD_URL/v3/$1" -d "$2"
        else
                curl -s -m 10 -X POST "$ETCD_URL/v3/$1" -d "$2"
        fi
}

b64() { printf %s "$1" | base64 -w0; }

etcd_stop() { peers_end "${ETCD_PID:-}"; ETCD_PID=""; }

etcd_restart() {
        etcd_stop
        etcd_launch
}

peers_cleanup() {
        for _p in $PEERS_PIDS; do peers_end "$_p"; done
        PEERS_PIDS=""
        rm -rf "$PEERS_TMP"
}
