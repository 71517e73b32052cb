#!/bin/sh
# The disk work of `hsos-agent mount` (the daemon does the same) on a disk
# where a client, running as its own user, owns its data dir and wants root's
# files: a hard link to a root file in a data dir, a directory swapped for a
# symlink while the take-over walks (a client uid racing it with renameat2
# exchanges), a symlink where a secret's directory should be, a JWT that is a
# symlink to a root-only file. Nothing outside the client's own files may
# change owner or be created.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loopdev.sh"
A=$HSOS_AGENT
require_loop_root mkfs.ext4 setpriv python3 jq
tag=$$
GETH=801 # geth's uid in the plan

truncate -s 64M "$T/e.img" && mkfs.ext4 -q -L "hsh$tag" "$T/e.img"
attach E "$T/e.img"
mkdir -p "$T/m"
mount "$E" "$T/m"
chmod 0755 "$T"

conf() {
        jq --arg k "$T/hostkey/id_ed25519" '.ssh.privateKeyFile = $k' >"$T/$1"
}
conf node.json <<JSON
{ "mounts": { "eth": { "enable": true, "what": "LABEL=hsh$tag", "where": "$T/m" } },
  "execution": { "geth": { "enable": true, "dataDir": "$T/m/geth", "jwtSecretFile": "$T/m/secrets/jwt.hex" } } }
JSON
umount "$T/m"

# --- a hard link in a data dir: the file it names elsewhere stays root's ----
mount "$E" "$T/m"
mkdir -p "$T/m/geth" "$T/m/secrets"
echo "root's own" >"$T/m/victim"
chmod 0600 "$T/m/victim"
ln "$T/m/victim" "$T/m/geth/link"
echo data >"$T/m/geth/chaindata"
umount "$T/m"
expect_exit 0 "mount a data dir holding a hard link" $A mount -c "$T/node.json"
expect_in "$T/out" "taken over for geth" "the data dir is taken over"
[ "$(stat -c %u "$T/m/victim")" = 0 ] && ok "a file hard-linked into the data dir stays root's" \
        || not_ok "a file hard-linked into the data dir stays root's" "$(stat -c '%u %n' "$T/m/victim" "$T/m/geth/link")"
[ "$(stat -c %u "$T/m/geth/chaindata")" = $GETH ] && ok "the client's own files are handed over" \
        || not_ok "the client's own files are handed over"
[ "$(stat -c %u "$T/m/geth")" = $GETH ] && ok "the top is handed over last" || not_ok "the top is handed over last"
expect_exit 0 "mount again" $A mount -c "$T/node.json"
expect_not_in "$T/out" "taken over" "a data dir its client owns is not walked again"

# --- a data dir another client owns is not handed to this one ---------------
chown -R 811:811 "$T/m/geth"
expect_exit 0 "mount with the data dir owned by another uid" $A mount -c "$T/node.json"
expect_in "$T/out" "dir $T/m/geth: failed: owned by uid 811, not by geth (uid 801)" \
        "a data dir owned by another user is said to be so"
[ "$(stat -c %u "$T/m/geth/chaindata")" = 811 ] && ok "and left as it is" || not_ok "and left as it is"
chown -R $GETH:$GETH "$T/m/geth"

# --- a symlink where a secret's directory should be -------------------------
# The JWT's directory lies in geth's data dir, which geth owns: geth puts a
# symlink to a root directory there before the agent creates it.
conf inside.json <<JSON
{ "mounts": { "eth": { "enable": true, "what": "LABEL=hsh$tag", "where": "$T/m" } },
  "execution": { "geth": { "enable": true, "dataDir": "$T/m/geth", "jwtSecretFile": "$T/m/geth/keys/jwt.hex" } } }
JSON
mkdir -p "$T/rootdir"
setpriv --reuid=$GETH --regid=$GETH --clear-groups ln -s "$T/rootdir" "$T/m/geth/keys"
umount "$T/m"
expect_exit 0 "mount with a symlink planted for the secrets' directory" $A mount -c "$T/inside.json"
left=$(ls -A "$T/rootdir")
[ -z "$left" ] && ok "nothing is created through a client's symlink" || not_ok "nothing is created through a client's symlink" "$left"
[ "$(stat -c '%u %a' "$T/rootdir")" = "0 755" ] && ok "the symlink's target keeps its owner and mode" \
        || not_ok "the symlink's target keeps its owner and mode" "$(stat -c '%u %a' "$T/rootdir")"
expect_in "$T/out" "symlink" "the symlink is named in what went wrong"

# --- a JWT that is a client's symlink to a root-only file -------------------
rm "$T/m/geth/keys"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$T/root-secret"
chmod 0600 "$T/root-secret"
setpriv --reuid=$GETH --regid=$GETH --clear-groups mkdir "$T/m/geth/keys"
setpriv --reuid=$GETH --regid=$GETH --clear-groups ln -s "$T/root-secret" "$T/m/geth/keys/jwt.hex"
umount "$T/m"
expect_exit 0 "plan with a JWT that is a client's symlink" $A mount -c "$T/inside.json"
expect_in "$T/out" "symlink that a less privileged user could have made" \
        "a JWT behind a client's symlink is refused, saying why"
$A plan -c "$T/inside.json" --json >"$T/plan.json" 2>"$T/plan.err"
st=$(jq -r '.secrets[] | select(.kind == "jwt") | .state' "$T/plan.json")
[ "$st" = invalid ] && ok "the JWT is invalid for the plan" || not_ok "the JWT is invalid for the plan" "state: $st"
jq -r '.units[] | select(.name == "geth.service") | "\(.state): \(.reason)"' "$T/plan.json" >"$T/geth.state"
expect_in "$T/geth.state" "blocked: " "geth's unit is blocked (LoadCredential= would read root's file for geth)"
expect_in "$T/geth.state" "through a symlink" "and says it is for the JWT's symlink"
umount "$T/m"

# --- the take-over raced: a client swaps a directory for a symlink ----------
# geth owns geth/a (a take-over cut short before); geth/a/x is a directory,
# geth/a/y a symlink to a root directory; geth swaps the two names in a loop
# while the agent walks. Run for a bounded time, as geth's uid.
mount "$E" "$T/m"
rm -rf "$T/m/geth" "$T/m/victims"
mkdir -p "$T/m/geth/a/x" "$T/m/victims"
for i in $(seq 1 200); do echo v >"$T/m/victims/f$i"; done
ln -s "$T/m/victims" "$T/m/geth/a/y"
chown -R $GETH:$GETH "$T/m/geth/a"
cat >"$T/race.py" <<'PY'
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
a, b, until = sys.argv[1].encode(), sys.argv[2].encode(), time.time() + float(sys.argv[3])
while time.time() < until:
    libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE)
PY
setpriv --reuid=$GETH --regid=$GETH --clear-groups /usr/bin/python3 "$T/race.py" "$T/m/geth/a/x" "$T/m/geth/a/y" 20 &
racer=$!
rounds=0 end=$(($(date +%s) + 15))
while [ "$(date +%s)" -lt "$end" ]; do
        chown 0:0 "$T/m/geth"; rm -f "$T/m/geth/.hsos-agent-owner"
        $A mount -c "$T/node.json" >/dev/null 2>&1
        rounds=$((rounds + 1))
        [ -n "$(find "$T/m/victims" ! -uid 0)" ] && break
done
kill $racer 2>/dev/null; wait $racer 2>/dev/null
changed=$(find "$T/m/victims" ! -uid 0 | wc -l)
[ "$changed" = 0 ] && ok "a take-over raced by the client for $rounds rounds hands over nothing outside" \
        || not_ok "a take-over raced by the client for $rounds rounds hands over nothing outside" \
                "$changed entries of a root directory changed owner"
umount "$T/m"
finish
