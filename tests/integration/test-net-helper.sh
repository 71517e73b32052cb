#!/bin/sh
# Privilege separation: the root daemon never maps libcurl (nor OpenSSL or
# GnuTLS), and parses nothing from the network; its network helper
# (hsos-agent-net child) runs as an unprivileged user, without capabilities,
# with no_new_privs and a system-call filter, in a mount namespace where the
# whole file system is read-only. A helper that dies is started again after
# a backoff and the status says so; one that breaks the protocol is killed.
. "$(dirname "$0")/lib.sh"
own_netns "$@" # the daemon loads its firewall: into this namespace, never the host's
A=$HSOS_AGENT
[ "$(id -u)" = 0 ] || skip_all "dropping privileges needs root"
command -v python3 >/dev/null || skip_all "python3 is not installed"
command -v jq >/dev/null || skip_all "jq is not installed"
[ -x "$(dirname "$A")/hsos-agent-net" ] || skip_all "hsos-agent-net is not built beside $A"
. "$(dirname "$0")/agent.sh"

cat >"$T/node.json" <<JSON
{ "execution": { "geth": { "enable": true, "dataDir": "$T/geth", "jwtSecretFile": "$T/jwt.hex" } },
  "ssh": { "privateKeyFile": "$T/ssh/key" },
  "agent": { "statusSocket": "$T/run/status.sock", "reportIntervalSec": 1 } }
JSON

helper_of() { # PID: the helper among its children
        for c in $(cat /proc/"$1"/task/*/children 2>/dev/null) $(ps -o pid= --ppid "$1" 2>/dev/null); do
                [ "$(cat /proc/"$c"/comm 2>/dev/null)" = hsos-agent-net ] && { echo "$c"; return; }
        done
}
wait_helper() { # PID [NOT]: waits up to 10 s for a helper (other than NOT)
        i=0
        while [ $i -lt 100 ]; do
                h=$(helper_of "$1")
                [ -n "$h" ] && [ "$h" != "${2:-}" ] && { echo "$h"; return; }
                sleep 0.1; i=$((i + 1))
        done
}

start_agent "$T/node.json"
[ -s "$T/ready" ] && ok "the daemon says READY=1" || not_ok "the daemon says READY=1" "$(cat "$T/agent.log")"
H=$(wait_helper "$AGENT_PID")
[ -n "$H" ] && ok "the daemon starts its network helper" || not_ok "the daemon starts its network helper" "$(ps -ef | grep hsos)"

# maps_none PID REGEX NAME: one check, that PID maps no file REGEX matches.
maps_none() {
        _m=$(grep -E "$2" /proc/"$1"/maps | awk '{ print $6 }' | sort -u)
        [ -z "$_m" ] && ok "$3" || not_ok "$3" "$_m"
}
maps_none "$AGENT_PID" 'libcurl|libssl|libcrypto|libgnutls|libnghttp|libssh' "the root process maps no libcurl, OpenSSL or GnuTLS"
# The firewall's libraries are opened by the child that loads the ruleset.
maps_none "$AGENT_PID" 'libnftables|libnftnl|libxtables|libjansson' "the root process maps no libnftables (a child loads the firewall)"
# The disk is read and mounted by the worker (a forked child), which opens
# libblkid and libmount itself: READY=1 came after its first evaluation.
maps_none "$AGENT_PID" 'libblkid|libmount|libselinux|libpcre2' \
        "the root process maps no libblkid or libmount (nor libselinux behind it): its worker reads the disk"
# Nor libm: its few uses cost the root some 300 KiB of RSS (tests/bench/memory.sh).
# A sanitizer build (make SANITIZE=1) maps it for libasan: there, what the
# binary itself needs is checked.
if grep -q libasan /proc/"$AGENT_PID"/maps; then
        libm=$(readelf -d "$A" 2>&1 | grep -E 'NEEDED.*\[libm\.so')
else
        libm=$(grep -E '/libm\.so' /proc/"$AGENT_PID"/maps | awk '{ print $6 }' | sort -u)
fi
[ -z "$libm" ] && ok "the root process maps no libm" || not_ok "the root process maps no libm" "$libm"
# Users and groups come from /etc/passwd and /etc/group, read directly.
maps_none "$AGENT_PID" 'libnss_' "the root process loads no NSS module"
grep -q libssl /proc/"$H"/maps && ok "the helper is what speaks HTTP (it maps OpenSSL, its libcurl's TLS)" \
        || not_ok "the helper is what speaks HTTP (it maps OpenSSL, its libcurl's TLS)"
# Its libcurl is the one scripts/libcurl.sh builds for HTTP and HTTPS alone
# (scripts/deps.sh runs it): none of the 20 libraries Debian's libcurl4 links
# for the rest (some 3 MiB: tests/bench/memory.sh) is mapped.
if [ -f "$TOP/build/libcurl/lib/libcurl.a" ]; then
        maps_none "$H" 'libcurl|libgnutls|libnettle|libhogweed|libgmp|libp11|libtasn1|libidn2|libunistring|libpsl|libnghttp2|librtmp|libssh|libldap|liblber|libsasl2|libgssapi|libkrb5|libk5crypto|libcom_err|libkeyutils|libbrotli|libz\.so' \
                "the helper's libcurl is HTTP(S) alone: none of Debian's libcurl4 tree is mapped"
else
        skip "the helper's libcurl is HTTP(S) alone" "build/libcurl was not built (sh scripts/libcurl.sh; scripts/deps.sh runs it)"
fi
# Its memory (tests/bench/memory.sh): libmicrohttpd is fleet serve's alone
# (its constructor initialises GnuTLS), and GnuTLS, which libcurl's tree
# pulls in but never uses, is told not to initialise itself when loaded.
maps_none "$H" 'libmicrohttpd' "the helper maps no libmicrohttpd (fleet serve opens it)"
maps_none "$H" 'libseccomp' "the helper keeps no libseccomp once its filter is loaded"
tr '\0' '\n' </proc/"$H"/environ | grep -qx 'GNUTLS_NO_IMPLICIT_INIT=1' \
        && ok "the helper runs with GNUTLS_NO_IMPLICIT_INIT=1" \
        || not_ok "the helper runs with GNUTLS_NO_IMPLICIT_INIT=1" "$(tr '\0' ' ' </proc/"$H"/environ)"

field() { awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' /proc/"$1"/status; }
want_uid=$(id -u hsos-net 2>/dev/null || id -u nobody)
[ "$(field "$H" Uid | tr -s '\t ' ' ')" = "$want_uid $want_uid $want_uid $want_uid" ] \
        && ok "the helper runs as $(id -un "$want_uid"), every uid" || not_ok "the helper runs unprivileged" "Uid: $(field "$H" Uid)"
[ "$(field "$H" Groups)" = "" ] && ok "with no supplementary groups" || not_ok "with no supplementary groups" "$(field "$H" Groups)"
[ "$(field "$H" CapEff)" = 0000000000000000 ] && [ "$(field "$H" CapPrm)" = 0000000000000000 ] \
        && ok "without capabilities" || not_ok "without capabilities" "CapEff $(field "$H" CapEff) CapPrm $(field "$H" CapPrm)"
[ "$(field "$H" NoNewPrivs)" = 1 ] && ok "with no_new_privs" || not_ok "with no_new_privs" "$(field "$H" NoNewPrivs)"
[ "$(field "$H" Seccomp)" = 2 ] && ok "with a system-call filter" || not_ok "with a system-call filter" "Seccomp: $(field "$H" Seccomp)"
[ "$(readlink /proc/"$H"/ns/mnt)" != "$(readlink /proc/"$AGENT_PID"/ns/mnt)" ] \
        && ok "in a mount namespace of its own" || not_ok "in a mount namespace of its own"
rw=$(awk '{ split($6, o, ","); if (o[1] != "ro") print $5 }' /proc/"$H"/mountinfo | head -5)
[ -z "$rw" ] && ok "where every mount is read-only" || not_ok "where every mount is read-only" "$rw"
# What the helper itself can do there: nothing written, not even in /tmp.
nsenter -t "$H" -m setpriv --reuid="$want_uid" --regid="$want_uid" --clear-groups \
        sh -c 'touch /tmp/hsos-net-probe' 2>"$T/touch.err" \
        && not_ok "the helper's user cannot write /tmp there" || ok "the helper's user cannot write /tmp there"

# --- a helper that dies is started again, and the status says so ------------
kill -9 "$H"
H2=$(wait_helper "$AGENT_PID" "$H")
[ -n "$H2" ] && ok "a killed helper is started again" || not_ok "a killed helper is started again" "$(tail -5 "$T/agent.log")"
$A status --socket "$T/run/status.sock" --json >"$T/status.json" 2>&1
jq -r '.reasons[]?' "$T/status.json" >"$T/reasons"
expect_in "$T/reasons" "the network helper (probes, controller) was killed by signal 9" \
        "the status says the helper was killed"
kill -0 "$AGENT_PID" 2>/dev/null && ok "the daemon lives on" || not_ok "the daemon lives on"
kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null; AGENT_PID=""

# --- a helper that breaks the protocol is killed, its words never shown -----
# The daemon runs the helper beside its own binary: a copy of the daemon
# beside a fake helper that answers the first probe with what a taken-over
# helper could send.
mkdir -p "$T/bin"
chmod 0755 "$T" "$T/bin" # the helper runs as an unprivileged user
cp "$A" "$T/bin/hsos-agent"
cat >"$T/bin/hsos-agent-net" <<'PY'
#!/usr/bin/python3
import json, socket, sys
s = socket.socket(fileno=3)
while True:
    m = s.recv(2 * 1024 * 1024)
    if not m:
        sys.exit(0)
    msg = json.loads(m)
    if msg["type"] == "probe":
        s.send(b'{"type":"answers","round":"' + msg["round"].encode() + b'","answers":"\x1b[2J owned"}')
PY
chmod 0755 "$T/bin/hsos-agent-net"
cat >"$T/node2.json" <<JSON
{ "execution": { "geth": { "enable": true, "dataDir": "$T/geth", "jwtSecretFile": "$T/jwt.hex" } },
  "consensus": { "lighthouse": { "enable": true, "dataDir": "$T/lh", "jwtSecretFile": "$T/jwt.hex" } },
  "ssh": { "privateKeyFile": "$T/ssh/key" },
  "agent": { "statusSocket": "$T/run/status.sock", "reportIntervalSec": 1 } }
JSON
A_REAL=$A
A="$T/bin/hsos-agent"
start_agent "$T/node2.json"
i=0; while ! grep -q "sent what it must not" "$T/agent.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
expect_in "$T/agent.log" "the network helper sent what it must not" "a helper breaking the protocol is named in the log"
expect_not_in "$T/agent.log" "owned" "and its words are not repeated"
# Killed, started again, asked again, killed again: the second time proves the restart.
i=0; while ! grep -q "(2 times so far)" "$T/agent.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
expect_in "$T/agent.log" "killed by signal 9 (Killed); started again (2 times so far)" "it is killed, started again, and killed again"
A=$A_REAL
$A status --socket "$T/run/status.sock" --json >"$T/status2.json" 2>&1
expect_in "$T/status2.json" "killed by signal 9" "the status says the helper was killed"
expect_not_in "$T/status2.json" "owned" "nothing of what it sent reaches the status"
kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null; AGENT_PID=""

# --- the helper as systemd runs it (hsos-agent-net.service): it connects ----
# Root's side of this (its socket, the peer's uid and unit checked, the
# restart through systemd) needs systemd: tests/e2e. Here the helper's side,
# against a listener that speaks root's half of the protocol.
N=$(dirname "$A")/hsos-agent-net
"$N" child --connect "$T/nope.sock" >"$T/asroot.out" 2>&1
rc=$?
[ $rc != 0 ] && grep -q "refusing to run as root" "$T/asroot.out" && ok "child --connect refuses to run as root" \
        || not_ok "child --connect refuses to run as root" "exit $rc: $(cat "$T/asroot.out")"
cat >"$T/root-side.py" <<'PY'
import json, os, socket, sys
path, node = sys.argv[1], open(sys.argv[2]).read()
l = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
l.bind(path)
os.chmod(path, 0o666)
l.listen(1)
l.settimeout(20)
c, _ = l.accept()
uid = c.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
print("peer uid", int.from_bytes(uid[4:8], "little"))
c.send(json.dumps({"type": "config", "node": node, "machineId": "0" * 32, "files": {}}).encode())
c.settimeout(20)
print("heard", json.loads(c.recv(1 << 20))["type"])
c.close()
PY
chmod 0755 "$T"
python3 "$T/root-side.py" "$T/net.sock" "$T/node.json" >"$T/root-side.out" 2>&1 &
py=$!
i=0; while [ ! -S "$T/net.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
setpriv --reuid="$want_uid" --regid="$want_uid" --clear-groups --no-new-privs "$N" child --connect "$T/net.sock" \
        >"$T/connect.out" 2>&1
rc=$?
wait $py
expect_in "$T/root-side.out" "peer uid $want_uid" "child --connect connects to root's socket as its own user"
expect_in "$T/root-side.out" "heard controller" "and speaks the protocol: a config in, the controllers' state out"
[ $rc = 0 ] && ok "and ends when root closes the socket" || not_ok "and ends when root closes the socket" "exit $rc: $(cat "$T/connect.out")"
finish
