#!/bin/sh
# WireGuard as real nodes name it: vpn.wireguard.configFile is
# /run/secrets/wireguard/wg0 (no ".conf"), which Debian's wg-quick refuses.
# The unit copies it to /run/hsos-wireguard/wg0.conf when it starts. Here the
# unit's own command lines, read back as systemd parses them (systemd --test),
# run for real in a private mount namespace with /run on a tmpfs, and the real
# wg-quick (Debian's wireguard-tools) accepts the copy: `wg-quick strip`
# parses the file and checks its name, as `up` does before it touches any
# interface (this host's kernel has no wireguard; the e2e image brings one up).
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root (a private mount namespace with /run on a tmpfs)"
for t in wg wg-quick unshare setpriv python3 systemd-analyze; do
        command -v $t >/dev/null || skip_all "$t is not installed (scripts/deps.sh installs wireguard-tools)"
done

chmod 0755 "$T" # systemd --test reads the units as nobody
mkdir -p "$T/secrets/wireguard" "$T/units"
umask 077
key=$(wg genkey)
printf '[Interface]\nPrivateKey = %s\nListenPort = 51820\nAddress = 10.9.8.1/24\n' "$key" >"$T/secrets/wireguard/wg0"
umask 022
cat >"$T/node.json" <<JSON
{"vpn": {"wireguard": {"enable": true, "configFile": "$T/secrets/wireguard/wg0"}},
 "execution": {"geth": {"enable": true, "dataDir": "$T/geth"}}}
JSON
expect_exit 0 "a configFile without .conf is valid" "$HSOS_AGENT" validate --config "$T/node.json"
"$HSOS_AGENT" plan --config "$T/node.json" --units-dir "$T/units" >"$T/plan.txt" 2>&1
expect_exit 0 "the plan names the unit after the file, up to the first '.'" test -f "$T/units/wg-quick-wg0.service"
chmod -R a+rX "$T/units"
out=$(systemd-analyze verify --man=no "$T/units/wg-quick-wg0.service" 2>&1 | grep -v "geth.service")
expect_exit 0 "systemd-analyze verify accepts the unit" test -z "$out"
[ -z "$out" ] || echo "# $out"

argv() { python3 "$TOP/tests/integration/systemd_argv.py" "$T/units" wg-quick-wg0.service "$@"; }
argv ExecStartPre >"$T/pre" 2>"$T/pre.err"
expect_exit 0 "systemd parses the unit's ExecStartPre" test -s "$T/pre"
argv ExecStart >"$T/start" 2>>"$T/pre.err"
argv ExecStop >"$T/stop" 2>>"$T/pre.err"
expect_in "$T/start" "b'up'" "ExecStart is wg-quick up"
expect_in "$T/start" "b'/run/hsos-wireguard/wg0.conf'" "ExecStart names the copy wg0.conf under /run"
expect_in "$T/stop" "b'/run/hsos-wireguard/wg0.conf'" "ExecStop names the same copy"
expect_not_in "$T/start" "secrets/wireguard" "ExecStart does not name the original file"

# The unit's start, as systemd would run it: RuntimeDirectory= made (0700,
# root's), ExecStartPre with RUNTIME_DIRECTORY set, then wg-quick on the copy.
cat >"$T/start.py" <<'PY'
import ast, os, stat, subprocess, sys
t = sys.argv[1]
pre = [ast.literal_eval(l) for l in open(t + "/pre")]
start = [ast.literal_eval(l) for l in open(t + "/start")]
subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/run"], check=True)
os.mkdir("/run/hsos-wireguard", 0o700)
env = dict(os.environ, RUNTIME_DIRECTORY="/run/hsos-wireguard")
rc = subprocess.run(pre, env=env).returncode
print("pre-rc", rc)
copy = start[-1].decode()
st = os.stat(copy)
print("mode %o uid %d" % (stat.S_IMODE(st.st_mode), st.st_uid))
print("fs", subprocess.run(["stat", "-f", "-c", "%T", copy], stdout=subprocess.PIPE, text=True).stdout.strip())
print("same", open(copy, "rb").read() == open(pre[4], "rb").read())
r = subprocess.run(["wg-quick", "strip", copy], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
print("strip-rc", r.returncode)
print("strip-has-key", "PrivateKey" in r.stdout)
PY
unshare -m --propagation private python3 "$T/start.py" "$T" >"$T/started" 2>&1
expect_in "$T/started" "pre-rc 0" "ExecStartPre copies the file"
expect_in "$T/started" "mode 600 uid 0" "the copy is root's, mode 0600"
expect_in "$T/started" "fs tmpfs" "the copy lies in RAM (a tmpfs under /run)"
expect_in "$T/started" "same True" "the copy holds the configuration"
expect_in "$T/started" "strip-rc 0" "the real wg-quick accepts the path ExecStart gives it"
expect_in "$T/started" "strip-has-key True" "and reads the configuration from it"
# What the unit gave wg-quick before: refused, whatever the file holds.
wg-quick strip "$T/secrets/wireguard/wg0" >"$T/orig" 2>&1
expect_exit 0 "the real wg-quick refuses the file's own name (why the copy exists)" test $? != 0
expect_in "$T/orig" "must be a valid interface name, followed by .conf" "with the error a user saw"
# Nothing was left on the (persistent) side: no copy beside the original.
expect_exit 0 "no copy is made beside the original" test "$(ls -A "$T/secrets/wireguard")" = wg0

# A name that cannot name an interface and a unit is refused by name.
sed 's|secrets/wireguard/wg0|secrets/w+g=0.conf|' "$T/node.json" >"$T/bad.json"
expect_exit 1 "a configFile named w+g=0.conf is invalid" "$HSOS_AGENT" validate --config "$T/bad.json"
expect_in "$T/err" "vpn.wireguard.configFile: names the WireGuard interface and its unit" "the error names vpn.wireguard.configFile"

# The clients need the VPN: Requires= and After=, as on HomestakerOS.
expect_in "$T/units/geth.service" "Requires=wg-quick-wg0.service" "geth Requires= the VPN unit"
grep '^After=' "$T/units/geth.service" >"$T/after"
expect_in "$T/after" "wg-quick-wg0.service" "geth starts After= the VPN unit"
finish
