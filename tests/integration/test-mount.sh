#!/bin/sh
# hsos-agent mount against real block devices: loop devices holding real
# ext4, xfs and btrfs file systems, named by path, LABEL, UUID, PARTUUID and
# PARTLABEL; checked against the kernel's mount table afterwards.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loopdev.sh"
A=$HSOS_AGENT
require_loop_root mkfs.ext4 mkfs.xfs mkfs.btrfs btrfs sfdisk partx findmnt blkid ssh-keygen jq
tag=$$

# conf NAME: writes $T/NAME from stdin, with the ssh host key kept below $T
# (the default, /mnt/secrets/ssh, would be this machine's).
conf() {
        jq --arg k "$T/hostkey/id_ed25519" 'if .ssh.privateKeyFile then . else .ssh.privateKeyFile = $k end' >"$T/$1"
}

# expect_mounted TARGET SOURCE FSTYPE NAME
expect_mounted() {
        got=$(mounted_at "$1")
        if [ "$got" = "$2 $3" ] || { [ "$3" = btrfs ] && [ "${got%% *}" = "$2[$4]" ]; }; then ok "$5"
        else not_ok "$5" "mount table at $1: '$got', expected '$2 $3'"; fi
}

# --- by path, LABEL, UUID, PARTUUID, PARTLABEL ---------------------------------
truncate -s 64M "$T/e.img" && mkfs.ext4 -q -L "hse$tag" "$T/e.img"
attach E "$T/e.img"
truncate -s 64M "$T/u.img" && mkfs.ext4 -q "$T/u.img"
attach U "$T/u.img"
UUID=$(blkid -p -s UUID -o value "$U")
truncate -s 800M "$T/p.img"
printf 'label: gpt\nsize=400M, type=L, name=hsc%s\ntype=L, name=hsk%s\n' $tag $tag | sfdisk -q "$T/p.img"
attach P "$T/p.img" --partitions
[ -b "${P}p1" ] || skip_all "partitions of $P got no device nodes here"
mkfs.xfs -q "${P}p1" && mkfs.ext4 -q "${P}p2"
PARTUUID=$(blkid -p -s PART_ENTRY_UUID -o value "${P}p1")

conf names.json <<JSON
{ "mounts": {
    "by-path": { "enable": true, "what": "$E", "where": "$T/m/path" },
    "by-uuid": { "enable": true, "what": "UUID=$UUID", "where": "$T/m/uuid", "type": "ext4" },
    "by-partuuid": { "enable": true, "what": "PARTUUID=$PARTUUID", "where": "$T/m/partuuid", "type": "xfs", "options": "noatime" },
    "by-partlabel": { "enable": true, "what": "/dev/disk/by-partlabel/hsk$tag", "where": "$T/m/partlabel" } },
  "agent": { "deviceTimeoutSec": 5 } }
JSON
expect_exit 0 "mount by path, UUID, PARTUUID and by-partlabel (no udev link)" $A mount -c "$T/names.json"
expect_in "$T/out" "mount by-path: mounted $E on $T/m/path (ext4, noatime)" "a device path, type auto probed"
expect_mounted "$T/m/path" "$E" ext4 "" "the kernel shows $E at its mount point"
expect_mounted "$T/m/uuid" "$U" ext4 "" "UUID= found by probing"
expect_mounted "$T/m/partuuid" "${P}p1" xfs "" "PARTUUID= found on a GPT partition (xfs)"
expect_mounted "$T/m/partlabel" "${P}p2" ext4 "" "a /dev/disk/by-partlabel path resolved without udev"
findmnt -n -o OPTIONS --mountpoint "$T/m/partuuid" | grep -q noatime && ok "options reach the kernel (noatime)" \
        || not_ok "options reach the kernel (noatime)" "$(findmnt --mountpoint "$T/m/partuuid")"

# --- running twice changes nothing --------------------------------------------
before=$(grep -c "$T/m" /proc/self/mountinfo)
expect_exit 0 "mount again" $A mount -c "$T/names.json"
expect_in "$T/out" "mount by-uuid: already mounted ($U on $T/m/uuid)" "a mount in place is left alone"
after=$(grep -c "$T/m" /proc/self/mountinfo)
[ "$before" = "$after" ] && ok "running twice mounts nothing twice ($after mounts)" \
        || not_ok "running twice mounts nothing twice" "$before mounts before, $after after"

# --- LABEL, nested mounts, data dirs and secrets -------------------------------
truncate -s 64M "$T/n.img" && mkfs.ext4 -q -L "hsn$tag" "$T/n.img"
attach N "$T/n.img"
conf nested.json <<JSON
{ "mounts": {
    "inner": { "enable": true, "what": "LABEL=hsn$tag", "where": "$T/m2/eth/inner" },
    "eth": { "enable": true, "what": "/dev/disk/by-label/hse$tag", "where": "$T/m2/eth" } },
  "execution": { "geth": { "enable": true, "dataDir": "$T/m2/eth/geth", "jwtSecretFile": "$T/m2/eth/secrets/jwt.hex" } },
  "consensus": { "lighthouse": { "enable": true, "dataDir": "$T/m2/eth/inner/lighthouse", "jwtSecretFile": "$T/m2/eth/secrets/jwt.hex" } },
  "ssh": { "privateKeyFile": "$T/m2/eth/secrets/ssh/id_ed25519" },
  "localization": { "hostname": "loop-node" } }
JSON
umount "$T/m/path"
expect_exit 0 "nested mounts, parents first" $A mount -c "$T/nested.json"
expect_mounted "$T/m2/eth" "$E" ext4 "" "the parent is mounted"
expect_mounted "$T/m2/eth/inner" "$N" ext4 "" "the child is mounted on the parent's file system"
first=$(grep -n "mount eth:" "$T/out" | cut -d: -f1) second=$(grep -n "mount inner:" "$T/out" | cut -d: -f1)
[ "$first" -lt "$second" ] && ok "the parent's line comes first" || not_ok "the parent's line comes first" "$(cat "$T/out")"
[ "$(stat -c '%u %a' "$T/m2/eth/geth")" = "801 700" ] && ok "geth's data dir is created 0700 for uid 801" \
        || not_ok "geth's data dir is created 0700 for uid 801" "$(stat -c '%u %a' "$T/m2/eth/geth")"
[ "$(stat -c '%u %a' "$T/m2/eth/inner/lighthouse")" = "811 700" ] && ok "lighthouse's data dir, on the child mount" \
        || not_ok "lighthouse's data dir, on the child mount"
J=$T/m2/eth/secrets/jwt.hex
if [ "$(stat -c '%a %u' "$J")" = "600 0" ] && grep -qE '^[0-9a-f]{64}$' "$J"; then ok "the JWT is 64 hex characters, 0600 root"
else not_ok "the JWT is 64 hex characters, 0600 root" "$(stat -c '%a %u %s' "$J")"; fi
expect_in "$T/out" "secret jwt $J: created" "the JWT's creation is reported"
expect_not_in "$T/out" "$(cat "$J")" "the JWT's content is printed nowhere"
K=$T/m2/eth/secrets/ssh/id_ed25519
ssh-keygen -l -f "$K" 2>/dev/null | grep -q "root@loop-node (ED25519)" && ok "an Ed25519 ssh host key is created" \
        || not_ok "an Ed25519 ssh host key is created" "$(ssh-keygen -l -f "$K" 2>&1)"
[ "$(stat -c '%a' "$K")" = 600 ] && ok "the host key is 0600" || not_ok "the host key is 0600"
# No temporary file is left (agent/edge/prepare.c): the JWT is written as
# .jwt.hex.XXXXXX beside it, the host key made in a directory
# .id_ed25519.XXXXXX beside it, in secrets/ssh. Both hold only what was made.
left=$(cd "$T/m2/eth/secrets" && find . -mindepth 1 | sort | tr '\n' ' ')
[ "$left" = "./jwt.hex ./ssh ./ssh/id_ed25519 ./ssh/id_ed25519.pub " ] \
        && ok "no temporary file left beside the secrets" || not_ok "no temporary file left beside the secrets" "$(ls -laR "$T/m2/eth/secrets")"

cp "$J" "$T/jwt.before"; cp "$K" "$T/key.before"
expect_exit 0 "mount a second time" $A mount -c "$T/nested.json"
cmp -s "$J" "$T/jwt.before" && ok "the JWT is reused byte for byte" || not_ok "the JWT is reused byte for byte"
cmp -s "$K" "$T/key.before" && ok "the host key is reused byte for byte" || not_ok "the host key is reused byte for byte"
expect_in "$T/out" "secret jwt $J: present" "an existing JWT is reported present"

printf 'zz-not-hex' >"$J"
expect_exit 0 "mount with an invalid JWT" $A mount -c "$T/nested.json"
expect_in "$T/out" "secret jwt $J: invalid: $J is not 64 hex characters" "an invalid JWT is reported"
[ "$(cat "$J")" = zz-not-hex ] && ok "an invalid JWT is not replaced" || not_ok "an invalid JWT is not replaced"
expect_not_in "$T/out" "zz-not-hex" "not even an invalid secret is printed"

# --- a data dir HomestakerOS left owned by root is taken over, once -----------
umount "$T/m2/eth/inner" "$T/m2/eth"
mkdir -p "$T/m3"
mount "$E" "$T/m3"
mkdir -p "$T/m3/geth/chaindata" "$T/m3/geth/nested" "$T/outside"
echo data >"$T/m3/geth/chaindata/000001.ldb"
echo keep >"$T/outside/secret"
ln -s "$T/outside/secret" "$T/m3/geth/link-out"
mount -t tmpfs tmpfs "$T/m3/geth/nested"
echo other >"$T/m3/geth/nested/file"
chown -R 0:0 "$T/m3/geth"
umount "$T/m3/geth/nested"; umount "$T/m3"
conf takeover.json <<JSON
{ "mounts": { "eth": { "enable": true, "what": "LABEL=hse$tag", "where": "$T/m3" } },
  "execution": { "geth": { "enable": true, "dataDir": "$T/m3/geth", "jwtSecretFile": "$T/m3/jwt.hex" } } }
JSON
expect_exit 0 "mount a disk with a root-owned data dir" $A mount -c "$T/takeover.json"
expect_in "$T/out" "dir $T/m3/geth: taken over for geth" "the take-over is logged"
[ "$(stat -c %u "$T/m3/geth/chaindata/000001.ldb")" = 801 ] && ok "files inside are handed to geth" || not_ok "files inside are handed to geth"
[ "$(stat -c %u "$T/outside/secret")" = 0 ] && ok "a symlink's target outside is not touched" || not_ok "a symlink's target outside is not touched"
[ "$(stat -c %u "$T/m3/geth")" = 801 ] && ok "the top's owner remembers the take-over" \
        || not_ok "the top's owner remembers the take-over"
[ ! -e "$T/m3/geth/.hsos-agent-owner" ] && ok "no marker in the client's own directory" \
        || not_ok "no marker in the client's own directory"
expect_exit 0 "mount again after the take-over" $A mount -c "$T/takeover.json"
expect_not_in "$T/out" "taken over" "it is done only once"
# Another mount inside the data dir is not entered.
chown 0:0 "$T/m3/geth"
mount -t tmpfs tmpfs "$T/m3/geth/nested"
touch "$T/m3/geth/nested/on-tmpfs"
expect_exit 0 "take over again with a mount inside" $A mount -c "$T/takeover.json"
[ "$(stat -c %u "$T/m3/geth/nested/on-tmpfs")" = 0 ] && ok "the take-over does not cross into another mount" \
        || not_ok "the take-over does not cross into another mount"
umount "$T/m3/geth/nested"; umount "$T/m3"

# --- one btrfs device mounted twice by subvolid --------------------------------
truncate -s 160M "$T/b.img" && mkfs.btrfs -q -L "hsb$tag" "$T/b.img" >/dev/null
attach B "$T/b.img"
mkdir -p "$T/btop" && mount "$B" "$T/btop"
btrfs -q subvolume create "$T/btop/eth" >/dev/null; btrfs -q subvolume create "$T/btop/keys" >/dev/null
ID1=$(btrfs inspect-internal rootid "$T/btop/eth"); ID2=$(btrfs inspect-internal rootid "$T/btop/keys")
umount "$T/btop"
conf btrfs.json <<JSON
{ "mounts": {
    "eth": { "enable": true, "what": "LABEL=hsb$tag", "where": "$T/b/eth", "type": "btrfs", "options": "subvolid=$ID1,noatime" },
    "keys": { "enable": true, "what": "LABEL=hsb$tag", "where": "$T/b/keys", "type": "btrfs", "options": "subvol=keys" } } }
JSON
expect_exit 0 "one btrfs device, two subvolumes" $A mount -c "$T/btrfs.json"
findmnt -n -o OPTIONS --mountpoint "$T/b/eth" | grep -q "subvolid=$ID1" && ok "subvolid= mounts that subvolume" \
        || not_ok "subvolid= mounts that subvolume" "$(findmnt --mountpoint "$T/b/eth")"
findmnt -n -o OPTIONS --mountpoint "$T/b/keys" | grep -q "subvolid=$ID2" && ok "subvol= mounts that subvolume" \
        || not_ok "subvol= mounts that subvolume" "$(findmnt --mountpoint "$T/b/keys")"
expect_exit 0 "both subvolumes again" $A mount -c "$T/btrfs.json"
[ "$(grep -c "already mounted" "$T/out")" = 2 ] && ok "each subvolume is seen in place" || not_ok "each subvolume is seen in place" "$(cat "$T/out")"

# --- a device that appears late -------------------------------------------------
truncate -s 64M "$T/late.img" && mkfs.ext4 -q -L "hsl$tag" "$T/late.img"
conf late.json <<JSON
{ "mounts": { "late": { "enable": true, "what": "LABEL=hsl$tag", "where": "$T/late" } }, "agent": { "deviceTimeoutSec": 120 } }
JSON
$A mount -c "$T/late.json" >"$T/late.out" 2>&1 &
pid=$!
i=0; while ! grep -q waiting "$T/late.out" && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
grep -q "mount late: waiting for LABEL=hsl$tag (up to 120 s)" "$T/late.out" && ok "it says it is waiting" || not_ok "it says it is waiting" "$(cat "$T/late.out")"
attach LATE "$T/late.img"
i=0; while kill -0 $pid 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
wait $pid; rc=$?
[ $rc = 0 ] && ok "the late device is mounted as soon as it appears (exit 0)" || not_ok "the late device is mounted (exit $rc)" "$(cat "$T/late.out")"
expect_mounted "$T/late" "$LATE" ext4 "" "the kernel shows the late device mounted"

# --- a device that never appears: the others are still done ---------------------
conf never.json <<JSON
{ "mounts": {
    "never": { "enable": true, "what": "LABEL=hs-never-$tag", "where": "$T/never/mnt" },
    "other": { "enable": true, "what": "LABEL=hsn$tag", "where": "$T/never/other" } },
  "execution": { "geth": { "enable": true, "dataDir": "$T/never/mnt/geth", "jwtSecretFile": "$T/never/mnt/jwt.hex" } },
  "agent": { "deviceTimeoutSec": 2 } }
JSON
expect_exit 1 "a device that never appears: exit 1" $A mount -c "$T/never.json"
expect_in "$T/out" "mount never: failed: no device LABEL=hs-never-$tag after 2 s" "the timeout names the mount and the device"
expect_mounted "$T/never/other" "$N" ext4 "" "the other mount is still done"
[ ! -e "$T/never/mnt" ] && ok "nothing is created where the missing disk would be" || not_ok "nothing is created under its mount point" "$(find "$T/never/mnt")"
conf nowait.json <<JSON
{ "mounts": { "never": { "enable": true, "what": "LABEL=hs-never-$tag", "where": "$T/nowait" } }, "agent": { "deviceTimeoutSec": 0 } }
JSON
expect_exit 1 "deviceTimeoutSec 0 does not wait" $A mount -c "$T/nowait.json"
expect_in "$T/out" "no device LABEL=hs-never-$tag (deviceTimeoutSec is 0: no wait)" "no wait, and it says so"

# --- refusals, in plain words ---------------------------------------------------
truncate -s 64M "$T/bad.img" && mkfs.ext4 -q -L "hsx$tag" "$T/bad.img"
dd if=/dev/zero of="$T/bad.img" bs=1024 seek=1 count=1 conv=notrunc status=none   # the superblock
attach BAD "$T/bad.img"
conf bad.json <<JSON
{ "mounts": { "corrupt": { "enable": true, "what": "$BAD", "where": "$T/bad", "type": "ext4" },
              "corrupt-auto": { "enable": true, "what": "$BAD", "where": "$T/bad2" } }, "agent": { "deviceTimeoutSec": 1 } }
JSON
expect_exit 1 "a corrupted file system is refused" $A mount -c "$T/bad.json"
expect_in "$T/out" "mount corrupt: failed: $BAD on $T/bad: wrong file system type, bad option, or a damaged superblock" "the kernel's refusal in plain words"
expect_in "$T/out" "mount corrupt-auto: failed: no file system found on $BAD" "with type auto: no file system found"

# Damaged group descriptors: the kernel refuses it as needing repair.
truncate -s 64M "$T/gd.img" && mkfs.ext4 -q -b 4096 "$T/gd.img"
head -c 4096 /dev/urandom | dd of="$T/gd.img" bs=4096 seek=1 conv=notrunc status=none
attach GD "$T/gd.img"
printf '{ "mounts": { "gd": { "enable": true, "what": "%s", "where": "%s/gd" } } }' "$GD" "$T" | conf gd.json
expect_exit 1 "a file system that needs repair is refused" $A mount -c "$T/gd.json"
expect_in "$T/out" "mount gd: failed: $GD on $T/gd: the file system needs repair: the kernel found it corrupted (run fsck)" \
        "it says the file system needs repair"

truncate -s 160M "$T/two.img" && mkfs.btrfs -q "$T/two.img" >/dev/null && head -c 4096 "$T/e.img" | dd of="$T/two.img" conv=notrunc status=none
attach TWO "$T/two.img"
printf '{ "mounts": { "two": { "enable": true, "what": "%s", "where": "%s/two" } } }' "$TWO" "$T" | conf two.json
expect_exit 1 "two signatures on one device are refused" $A mount -c "$T/two.json"
expect_in "$T/out" "mount two: failed: $TWO: the probe is ambivalent" "an ambivalent probe says so"
[ -z "$(mounted_at "$T/two")" ] && ok "and nothing is mounted" || not_ok "and nothing is mounted"

printf '{ "mounts": { "x": { "enable": true, "what": "LABEL=hsn%s", "where": "%s/m/uuid" } } }' $tag "$T" | conf busy.json
expect_exit 1 "something else at the mount point" $A mount -c "$T/busy.json"
expect_in "$T/out" "mount x: failed: something else is mounted at $T/m/uuid ($U, ext4); it is left alone" "it is named"
expect_mounted "$T/m/uuid" "$U" ext4 "" "and nothing is unmounted behind the user's back"

touch "$T/afile"
printf '{ "mounts": { "f": { "enable": true, "what": "%s", "where": "%s/afile" } } }' "$E" "$T" | conf file.json
expect_exit 1 "a mount point that is a file" $A mount -c "$T/file.json"
expect_in "$T/out" "mount f: failed: the mount point $T/afile is a file, not a directory" "it says so"

printf '{ "mounts": { "w": { "enable": true, "what": "%s", "where": "%s/wrong", "type": "xfs" } } }' "$E" "$T" | conf wrong.json
expect_exit 1 "a wrong file system type" $A mount -c "$T/wrong.json"
expect_in "$T/out" "mount w: failed: wrong file system type: $E holds ext4, the config says xfs" "it is named"

truncate -s 64M "$T/ro.img" && mkfs.ext4 -q "$T/ro.img"
RO=$(losetup --read-only --find --show "$T/ro.img"); LOOPS="$RO $LOOPS"
printf '{ "mounts": { "ro": { "enable": true, "what": "%s", "where": "%s/ro" } } }' "$RO" "$T" | conf ro.json
expect_exit 1 "a read-only device is not mounted read-write" $A mount -c "$T/ro.json"
expect_in "$T/out" "the device is read-only" "it says the device is read-only"
printf '{ "mounts": { "ro": { "enable": true, "what": "%s", "where": "%s/ro", "options": "ro" } } }' "$RO" "$T" | conf ro2.json
expect_exit 0 "with \"ro\" it is mounted read-only" $A mount -c "$T/ro2.json"

# A JWT path on tmpfs is not created; the mount stage still succeeds.
mkdir -p "$T/ram" && mount -t tmpfs tmpfs "$T/ram"
printf '{ "consensus": { "teku": { "enable": true, "dataDir": "%s/ram/teku", "jwtSecretFile": "%s/ram/jwt.hex" } } }' "$T" "$T" | conf ram.json
expect_exit 0 "no mounts to make" $A mount -c "$T/ram.json"
[ ! -e "$T/ram/jwt.hex" ] && ok "a JWT path on tmpfs is not created" || not_ok "a JWT path on tmpfs is not created"
expect_in "$T/out" "secret jwt $T/ram/jwt.hex: not created: missing and not created: $T/ram/jwt.hex is on tmpfs" "and it says why"
[ ! -e "$T/ram/teku" ] && ok "no data dir is created in RAM" || not_ok "no data dir is created in RAM"

# A JWT that cannot be created (a full disk: ENOSPC) blocks its client: it
# would start without its LoadCredential= file. The failure is a fact the plan
# made again sees; a later run, with room on the disk, creates it.
truncate -s 2M "$T/full.img" && mkfs.ext4 -q -m 0 -L "hsf$tag" "$T/full.img"
attach FULL "$T/full.img"
mkdir -p "$T/fill" && mount "$FULL" "$T/fill" && mkdir -p "$T/fill/secrets"
# Filled until a file gets no byte at all (ext4 hands back preallocated
# blocks when a file is closed: one dd is not enough).
i=0; while [ $i -lt 20 ]; do
        dd if=/dev/zero of="$T/fill/filler$i" bs=1024 status=none 2>/dev/null; sync
        [ -s "$T/fill/filler$i" ] || break
        i=$((i + 1))
done
umount "$T/fill"
J=$T/full/secrets/jwt.hex
conf full.json <<JSON
{ "mounts": { "full": { "enable": true, "what": "LABEL=hsf$tag", "where": "$T/full" } },
  "consensus": { "teku": { "enable": true, "dataDir": "$T/full-data/teku", "jwtSecretFile": "$J" } },
  "agent": { "packages": { "teku": "/bin/true" } } }
JSON
expect_exit 0 "a full disk: the mounts are still in place (exit 0)" $A mount -c "$T/full.json"
expect_in "$T/out" "secret jwt $J: failed: No space left on device" "the JWT's creation fails with ENOSPC"
expect_in "$T/out" "unit teku.service: blocked: JWT secret: $J could not be created: No space left on device" \
        "its client is blocked, naming the file and the error"
[ ! -e "$J" ] && ok "no JWT is left half-written" || not_ok "no JWT is left half-written" "$(ls -la "$T/full/secrets")"
rm -f "$T"/full/filler*; sync
expect_exit 0 "room on the disk again" $A mount -c "$T/full.json"
expect_in "$T/out" "secret jwt $J: created" "the JWT is created then"
expect_not_in "$T/out" "unit teku.service: blocked" "and its client is no longer blocked"
umount "$T/full"

# Without root: a plain refusal, no pointless wait. (setpriv: util-linux.)
printf '{ "mounts": { "p": { "enable": true, "what": "LABEL=hsl%s", "where": "%s/perm" } } }' $tag "$T" | conf perm.json
chmod 755 "$T"; chmod 644 "$T/perm.json"
expect_exit 1 "as an unprivileged user" setpriv --reuid=65534 --regid=65534 --clear-groups $A mount -c "$T/perm.json"
expect_in "$T/out" "mount p: failed: no device LABEL=hsl$tag known: permission denied probing the block devices (mounting needs root)" \
        "it says mounting needs root"

# --root: every mount point below the future root.
mkdir -p "$T/sysroot"
printf '{ "mounts": { "eth": { "enable": true, "what": "LABEL=hsl%s", "where": "/mnt/eth" } } }' $tag | conf root.json
expect_exit 0 "mount --root" $A mount -c "$T/root.json" --root "$T/sysroot"
expect_mounted "$T/sysroot/mnt/eth" "$LATE" ext4 "" "the mount is made below the root"
expect_exit 2 "--root must be absolute" $A mount -c "$T/root.json" --root relative
expect_exit 2 "an invalid node.json exits 2" $A mount -c "$TOP/tests/fuzz/corpus/config/invalid-wrong-types.json"
finish
