#!/bin/sh
# The edges against the real thing: loop devices holding real ext4, xfs and
# btrfs file systems found by label, mounts read from the kernel's mount table,
# a tmpfs recognised as RAM, secret files checked on disk, and addresses read
# over rtnetlink inside a network namespace. Needs root (loop devices, mounts,
# namespaces).
. "$(dirname "$0")/lib.sh"
A=$HSOS_AGENT
. "$(dirname "$0")/loopdev.sh"
require_loop_root mkfs.ext4 mkfs.btrfs mkfs.xfs btrfs ip jq
NS=hsos-test-$$
# Before the first check: a late skip_all would throw checks away.
ip netns add "$NS" || skip_all "cannot create a network namespace"

tag=$$
truncate -s 64M "$T/ext4.img" && mkfs.ext4 -q -L "hsos-e$tag" "$T/ext4.img" || skip_all "mkfs.ext4 failed"
attach E "$T/ext4.img"

# A config whose data lies on the labelled disk, found without udev by probing.
mkdir -p "$T/mnt/eth"
cat >"$T/node.json" <<JSON
{ "mounts": { "eth": { "enable": true, "what": "/dev/disk/by-label/hsos-e$tag", "where": "$T/mnt/eth", "type": "ext4" } },
  "execution": { "geth": { "enable": true, "dataDir": "$T/mnt/eth/geth", "jwtSecretFile": "$T/mnt/eth/jwt.hex" } },
  "ssh": { "privateKeyFile": "$T/mnt/eth/ssh/id_ed25519" },
  "agent": { "packages": { "geth": "/usr/bin/true" } } }
JSON
expect_exit 0 "plan with the disk attached, not mounted" $A plan -c "$T/node.json" --json
if jq -e --arg d "$E" '.mounts[0].state == "to-mount" and .mounts[0].device == $d' "$T/out" >/dev/null; then
        ok "the by-label path resolves to $E by probing (no udev link)"
else not_ok "the by-label path resolves to $E by probing" "$(jq -c .mounts "$T/out")"; fi
if jq -e '.units[0].state == "blocked" and (.units[0].reason | contains("not mounted yet"))' "$T/out" >/dev/null; then
        ok "geth is blocked until the disk is mounted"
else not_ok "geth is blocked until the disk is mounted" "$(jq -c .units "$T/out")"; fi

mount "$E" "$T/mnt/eth"
expect_exit 0 "plan with the disk mounted" $A plan -c "$T/node.json" --json
if jq -e '.mounts[0].state == "mounted" and .units[0].state == "ready"' "$T/out" >/dev/null; then
        ok "mounted: geth is ready"
else not_ok "mounted: geth is ready" "$(jq -c '.mounts, .units' "$T/out")"; fi
if jq -e '.secrets | map(select(.kind == "jwt"))[0].state == "create"' "$T/out" >/dev/null; then
        ok "a missing JWT on the disk is to be created"
else not_ok "a missing JWT on the disk is to be created" "$(jq -c .secrets "$T/out")"; fi

# Secrets read from disk: valid, with 0x and newline, invalid.
printf '0x%s\n' "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$T/mnt/eth/jwt.hex"
expect_exit 0 "plan with a valid JWT" $A plan -c "$T/node.json" --json
jq -e '.secrets | map(select(.kind == "jwt"))[0].state == "present"' "$T/out" >/dev/null \
        && ok "a 0x-prefixed JWT with a newline is present" || not_ok "a 0x-prefixed JWT is present" "$(jq -c .secrets "$T/out")"
printf 'not-a-secret-but-keep-me' >"$T/mnt/eth/jwt.hex"
expect_exit 0 "plan with an invalid JWT" $A plan -c "$T/node.json" --json
jq -e '(.secrets | map(select(.kind == "jwt"))[0].state == "invalid") and (.units[0].state == "blocked")' "$T/out" >/dev/null \
        && ok "an invalid JWT blocks geth" || not_ok "an invalid JWT blocks geth" "$(jq -c '.secrets, .units' "$T/out")"
expect_not_in "$T/out" "keep-me" "the secret's content appears nowhere"
[ "$(cat "$T/mnt/eth/jwt.hex")" = not-a-secret-but-keep-me ] && ok "the invalid JWT is left as it was" || not_ok "the invalid JWT is left as it was"

# Something else at the mount point.
umount "$T/mnt/eth"
mount -t tmpfs tmpfs "$T/mnt/eth"
expect_exit 0 "plan with a tmpfs at the mount point" $A plan -c "$T/node.json" --json
jq -e '.mounts[0].state == "failed" and (.mounts[0].reason | contains("something else is mounted"))' "$T/out" >/dev/null \
        && ok "a tmpfs at the mount point is reported, not used" || not_ok "a tmpfs at the mount point is reported" "$(jq -c .mounts "$T/out")"
umount "$T/mnt/eth"

# A data dir on a tmpfs the config does not manage: blocked.
mkdir -p "$T/ram"
mount -t tmpfs tmpfs "$T/ram"
cat >"$T/ram.json" <<JSON
{ "consensus": { "lighthouse": { "enable": true, "dataDir": "$T/ram/lighthouse", "jwtSecretFile": "$T/ram/jwt.hex" } },
  "agent": { "packages": { "lighthouse": "/usr/bin/true" } } }
JSON
expect_exit 0 "plan with data on tmpfs" $A plan -c "$T/ram.json"
expect_in "$T/out" "lighthouse.service  blocked: $T/ram/lighthouse is on tmpfs ($T/ram), not on persistent storage" \
        "a data dir on tmpfs is blocked, with the reason"

# One btrfs disk, two subvolumes, each mounted by subvolid.
truncate -s 160M "$T/btrfs.img" && mkfs.btrfs -q -L "hsos-b$tag" "$T/btrfs.img" >/dev/null
attach B "$T/btrfs.img"
mkdir -p "$T/b/top" "$T/b/eth" "$T/b/keys"
mount "$B" "$T/b/top"
btrfs -q subvolume create "$T/b/top/eth" >/dev/null && btrfs -q subvolume create "$T/b/top/keys" >/dev/null
id_eth=$(btrfs inspect-internal rootid "$T/b/top/eth") id_keys=$(btrfs inspect-internal rootid "$T/b/top/keys")
umount "$T/b/top"
mount -o subvolid=$id_eth "$B" "$T/b/eth"
mount -o subvolid=$id_keys "$B" "$T/b/keys"
cat >"$T/btrfs.json" <<JSON
{ "mounts": {
    "eth": { "enable": true, "what": "LABEL=hsos-b$tag", "where": "$T/b/eth", "type": "btrfs", "options": "subvolid=$id_eth" },
    "keys": { "enable": true, "what": "LABEL=hsos-b$tag", "where": "$T/b/keys", "type": "btrfs", "options": "subvolid=$id_keys" },
    "wrong": { "enable": true, "what": "LABEL=hsos-b$tag", "where": "$T/b/keys", "type": "btrfs", "options": "subvolid=$id_eth" } } }
JSON
expect_exit 2 "two mounts on one mount point are refused" $A plan -c "$T/btrfs.json"
jq 'del(.mounts.wrong)' "$T/btrfs.json" >"$T/btrfs2.json"
expect_exit 0 "plan with one btrfs disk mounted twice" $A plan -c "$T/btrfs2.json" --json
jq -e '[.mounts[].state] == ["mounted", "mounted"]' "$T/out" >/dev/null \
        && ok "both subvolumes are seen mounted" || not_ok "both subvolumes are seen mounted" "$(jq -c .mounts "$T/out")"
jq --arg id "$id_keys" '.mounts.eth.options = "subvolid=" + $id' "$T/btrfs2.json" >"$T/btrfs3.json"
jq 'del(.mounts.keys)' "$T/btrfs3.json" >"$T/btrfs4.json"
expect_exit 0 "plan expecting another subvolume" $A plan -c "$T/btrfs4.json" --json
jq -e '.mounts[0].state == "failed" and (.mounts[0].reason | contains("another subvolume"))' "$T/out" >/dev/null \
        && ok "the wrong subvolume at a mount point is reported" || not_ok "the wrong subvolume is reported" "$(jq -c .mounts "$T/out")"

# xfs, and a wrong type in the config.
truncate -s 320M "$T/xfs.img" && mkfs.xfs -q -L "hsx$tag" "$T/xfs.img"
attach X "$T/xfs.img"
cat >"$T/xfs.json" <<JSON
{ "mounts": { "data": { "enable": true, "what": "LABEL=hsx$tag", "where": "$T/x", "type": "ext4" } } }
JSON
expect_exit 0 "plan for an xfs disk said to be ext4" $A plan -c "$T/xfs.json"
expect_in "$T/out" "wrong file system type: $X holds xfs, the config says ext4" "a wrong type is named"

# Two signatures on one device: ambivalent, never guessed.
truncate -s 160M "$T/amb.img" && mkfs.btrfs -q -L "hsos-a$tag" "$T/amb.img" >/dev/null
head -c 4096 "$T/ext4.img" | dd of="$T/amb.img" conv=notrunc status=none
attach M "$T/amb.img"
cat >"$T/amb.json" <<JSON
{ "mounts": { "data": { "enable": true, "what": "$M", "where": "$T/amb" } } }
JSON
expect_exit 0 "plan for a device with two signatures" $A plan -c "$T/amb.json"
expect_in "$T/out" "the probe is ambivalent" "an ambivalent probe is an error that says so"

# Addresses over rtnetlink, in the namespace made above: a client bound to a
# LAN address waits for it.
cat >"$T/lan.json" <<JSON
{ "mounts": { "eth": { "enable": false, "what": "/dev/sdz", "where": "/nonexistent" } },
  "consensus": { "nimbus": { "enable": true, "dataDir": "$T/b/eth/nimbus", "jwtSecretFile": "$T/b/keys/jwt.hex",
                 "endpoint": "http://192.168.100.50:5052" } },
  "agent": { "packages": { "nimbus": "/usr/bin/true" } } }
JSON
printf '%064x\n' 7 >"$T/b/keys/jwt.hex"
expect_exit 0 "plan in a namespace without the address" ip netns exec "$NS" $A plan -c "$T/lan.json"
expect_in "$T/out" "nimbus.service  waiting: waiting for address 192.168.100.50 to appear on an interface" "nimbus waits for its address"
ip -n "$NS" link add veth0 type veth peer name veth1
ip -n "$NS" addr add 192.168.100.50/24 dev veth0
ip -n "$NS" link set veth0 up
expect_exit 0 "plan in a namespace with the address" ip netns exec "$NS" $A plan -c "$T/lan.json"
expect_in "$T/out" "nimbus.service  ready" "nimbus is ready once the address is there"
finish
