#!/bin/sh
# How the agent is started early: what make install ships (binary, units,
# sysusers.d, dracut module, man page) where PREFIX and DESTDIR say; the units
# read by systemd without a warning; the sysusers file applied by
# systemd-sysusers; the dracut module building a real initramfs, in which the
# unit's command mounts a loop device below /sysroot; the NixOS stage-1 hook
# parsed by Nix.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loopdev.sh" # attach, mounted_at; every mount below $T undone on exit

# PREFIX below $T: the units then name a binary that exists, for verify.
P=$T/prefix/usr
make -s -C "$TOP" install PREFIX="$P" BIN="$HSOS_AGENT" >"$T/install.log" 2>&1 \
        && ok "make install PREFIX=..." || not_ok "make install PREFIX=..." "$(cat "$T/install.log")"
for f in bin/hsos-agent lib/systemd/system/hsos-agent-mount.service lib/systemd/system/hsos-agent.service \
         lib/sysusers.d/hsos-agent.conf lib/dracut/modules.d/90hsos-agent/module-setup.sh \
         lib/dracut/modules.d/90hsos-agent/hsos-agent-sysroot.service share/man/man1/hsos-agent.1 \
         lib/systemd/catalog/hsos-agent.catalog; do
        [ -f "$P/$f" ] && ok "installed $f" || not_ok "installed $f"
done
expect_in "$P/lib/systemd/system/hsos-agent-mount.service" "ExecStart=$P/bin/hsos-agent mount --config /etc/hsos/node.json" \
        "the unit names the installed binary"
if make -s -C "$TOP" install PREFIX=/usr DESTDIR="$T/dest" BIN="$HSOS_AGENT" >"$T/dest.log" 2>&1; then
        ok "make install PREFIX=/usr DESTDIR=..."
        [ -x "$T/dest/usr/bin/hsos-agent" ] && ok "DESTDIR stages the binary as DESTDIR/usr/bin/hsos-agent" \
                || not_ok "DESTDIR stages the binary as DESTDIR/usr/bin/hsos-agent" "$(cd "$T/dest" && find . | head -40)"
        expect_in "$T/dest/usr/lib/systemd/system/hsos-agent.service" "ExecStart=/usr/bin/hsos-agent run" \
                "DESTDIR stages PREFIX=/usr: the unit names /usr/bin/hsos-agent"
else
        not_ok "make install PREFIX=/usr DESTDIR=..." "$(cat "$T/dest.log")"
fi

# systemd-analyze, journalctl and systemd-sysusers come with systemd, and
# nix-instantiate with nix-bin, dracut and lsinitrd with dracut-core, all from
# scripts/deps.sh: a missing one fails its checks.
for u in hsos-agent-mount.service hsos-agent.service; do
        out=$(systemd-analyze verify --man=no "$P/lib/systemd/system/$u" 2>&1)
        [ -z "$out" ] && ok "$u: systemd reads it without a warning" || not_ok "$u: systemd reads it without a warning" "$out"
done
# The dracut unit read outside an initrd. Exactly one line is expected, and
# only it is dropped:
#   Unit sysroot.mount not found: sysroot.mount exists only in a running
#   initrd, where systemd-fstab-generator writes it at boot from root= on the
#   kernel command line; no file for it exists on a host nor in the image.
# Every other line, about the initrd or not, is a warning.
benign="hsos-agent-sysroot.service: Failed to create hsos-agent-sysroot.service/start: Unit sysroot.mount not found."
out=$(cd "$P/lib/dracut/modules.d/90hsos-agent" && systemd-analyze verify --man=no ./hsos-agent-sysroot.service 2>&1)
rest=$(printf '%s\n' "$out" | grep -vxF "$benign")
[ -z "$rest" ] && ok "the dracut unit is read without a warning (but for sysroot.mount, made at boot)" \
        || not_ok "the dracut unit is read without a warning (but for sysroot.mount, made at boot)" "$out"
grep -q '^Before=local-fs.target' "$P/lib/systemd/system/hsos-agent-mount.service" \
        && ! grep -q '^Requires\|^RequiredBy' "$P/lib/systemd/system/hsos-agent-mount.service" \
        && ok "the mount stage runs before local-fs.target, and nothing requires it" \
        || not_ok "the mount stage runs before local-fs.target, and nothing requires it"

# The journal catalog: every MESSAGE_ID the daemon logs is explained.
mkdir -p "$T/cat/usr/lib/systemd/catalog"
cp "$P/lib/systemd/catalog/hsos-agent.catalog" "$T/cat/usr/lib/systemd/catalog/"
ids=$(sed -n 's/^#define MID_[A-Z_]* *"\([0-9a-f]*\)"/\1/p' "$TOP/include/hsos/edge/log.h")
[ -n "$ids" ] && ok "the MESSAGE_IDs are read from include/hsos/edge/log.h" \
        || not_ok "the MESSAGE_IDs are read from include/hsos/edge/log.h" "no '#define MID_... \"hex\"' line there"
if journalctl --root="$T/cat" --update-catalog >"$T/catalog.log" 2>&1; then
        ok "journalctl compiles the catalog"
        journalctl --root="$T/cat" --list-catalog >"$T/catalog.list" 2>&1
        for id in $ids; do
                grep -q "^$id" "$T/catalog.list" && ok "catalog explains $id" || not_ok "catalog explains $id" "$(cat "$T/catalog.list")"
        done
else
        not_ok "journalctl compiles the catalog" "$(cat "$T/catalog.log")"
fi

# sysusers: the hsos group and the clients' users with their fixed uids.
mkdir -p "$T/root/etc"
if systemd-sysusers --root="$T/root" "$P/lib/sysusers.d/hsos-agent.conf" >"$T/sysusers.log" 2>&1; then
        ok "systemd-sysusers applies the file"
        grep -q '^hsos:' "$T/root/etc/group" && ok "the hsos group is created" || not_ok "the hsos group is created"
        grep -q '^geth:x:801:801:' "$T/root/etc/passwd" && grep -q '^ssv-node:x:822:822:' "$T/root/etc/passwd" \
                && ok "client users get their fixed uids" || not_ok "client users get their fixed uids" "$(cat "$T/root/etc/passwd")"
else
        not_ok "systemd-sysusers applies the file" "$(cat "$T/sysusers.log")"
fi

# The dracut module, exercised: a real initramfs built by dracut with only our
# module and what it declares it needs, for a kernel whose modules are
# installed (the running one, else linux-image-amd64's), unpacked, looked
# into, and the unit's own command run inside it (chroot) against a loop
# device: the agent, its libraries, blkid and ssh-keygen as the image has them.
sh -n "$P/lib/dracut/modules.d/90hsos-agent/module-setup.sh" && ok "module-setup.sh parses" || not_ok "module-setup.sh parses"
dracut_checks() {
        kver=$(uname -r)
        [ -f "/lib/modules/$kver/modules.dep" ] || kver=$(ls /lib/modules/*/modules.dep 2>/dev/null | sort -V | tail -n 1 | cut -d/ -f4)
        if [ -z "$kver" ]; then
                not_ok "a kernel to build an initramfs for" "no /lib/modules/*/modules.dep (scripts/deps.sh installs linux-image-amd64)"
                return
        fi
        tag=$$
        # Our module beside a copy of dracut's own; the host's dracut.conf is
        # not read.
        cp -a /usr/lib/dracut "$T/dracut" && cp -r "$P/lib/dracut/modules.d/90hsos-agent" "$T/dracut/modules.d/"
        mkdir -p "$T/dracut.conf.d" && : >"$T/dracut.conf"
        cat >"$T/initrd-node.json" <<JSON
{ "mounts": { "eth": { "enable": true, "what": "LABEL=hsi$tag", "where": "/mnt/eth", "type": "ext4" } },
  "execution": { "geth": { "enable": true, "dataDir": "/mnt/eth/geth", "jwtSecretFile": "/mnt/eth/secrets/jwt.hex" } },
  "ssh": { "privateKeyFile": "/mnt/eth/secrets/ssh/id_ed25519" },
  "localization": { "hostname": "initrd-node" },
  "agent": { "deviceTimeoutSec": 5 } }
JSON
        if ! hsos_node_json="$T/initrd-node.json" dracutbasedir="$T/dracut" dracut --conf "$T/dracut.conf" \
                --confdir "$T/dracut.conf.d" --tmpdir "$T" --no-hostonly --no-compress --no-early-microcode --nostrip \
                -m hsos-agent --kver "$kver" --force "$T/initrd.img" >"$T/dracut.log" 2>&1; then
                not_ok "dracut builds an initramfs for $kver with the hsos-agent module" "$(tail -30 "$T/dracut.log")"
                return
        fi
        ok "dracut builds an initramfs for $kver with the hsos-agent module"
        expect_in "$T/dracut.log" "Including module: hsos-agent" "dracut takes the hsos-agent module in"
        R=$T/initrd
        mkdir "$R"
        if ! (cd "$R" && lsinitrd --unpack "$T/initrd.img") >"$T/unpack.log" 2>&1; then
                not_ok "lsinitrd unpacks the image" "$(cat "$T/unpack.log")"
                return
        fi
        ok "lsinitrd unpacks the image"
        U=$R/usr/lib/systemd/system/hsos-agent-sysroot.service
        expect_in "$U" "ExecStart=$P/bin/hsos-agent mount --config /etc/hsos/node.json --root /sysroot" "the unit mounts below /sysroot"
        link=$(readlink "$R/etc/systemd/system/initrd-fs.target.wants/hsos-agent-sysroot.service")
        [ -n "$link" ] && [ -f "$R$link" ] && ok "the unit is enabled in the image, wanted by initrd-fs.target" \
                || not_ok "the unit is enabled in the image, wanted by initrd-fs.target" "$(ls -l "$R/etc/systemd/system/initrd-fs.target.wants" 2>&1)"
        # The target that wants it is there, and the image's default target
        # (initrd.target) pulls it in; the unit's condition holds in it.
        [ -f "$R/usr/lib/systemd/system/initrd-fs.target" ] \
                && [ "$(readlink "$R/etc/systemd/system/default.target" "$R/usr/lib/systemd/system/default.target" | sed 's#.*/##' | head -n 1)" = initrd.target ] \
                && grep -q '^Wants=.*initrd-fs.target' "$R/usr/lib/systemd/system/initrd.target" \
                && ok "initrd-fs.target is in the image, pulled in by its default initrd.target" \
                || not_ok "initrd-fs.target is in the image, pulled in by its default initrd.target" \
                        "$(ls "$R/usr/lib/systemd/system" | grep -E 'target$' | tr '\n' ' ')" \
                        "default.target: $(readlink "$R/etc/systemd/system/default.target" "$R/usr/lib/systemd/system/default.target")"
        [ -e "$R/etc/initrd-release" ] && ok "/etc/initrd-release, the unit's condition, is in the image" \
                || not_ok "/etc/initrd-release, the unit's condition, is in the image" "$(ls "$R/etc")"
        cmp -s "$R/etc/hsos/node.json" "$T/initrd-node.json" && ok "node.json is carried as it is" \
                || not_ok "node.json is carried as it is" "$(ls -l "$R/etc/hsos" 2>&1)"
        for m in ext4 xfs btrfs; do
                if [ -n "$(find "$R/usr/lib/modules/$kver" -name "$m.ko*")" ] || grep -q "/$m.ko" "$R/usr/lib/modules/$kver/modules.builtin" 2>/dev/null
                then ok "the $m kernel module is carried"
                else not_ok "the $m kernel module is carried" "$(find "$R/usr/lib/modules/$kver" -path '*/fs/*' | head -20)"; fi
        done

        # The unit's command, run in the image (its own libraries, blkid and
        # ssh-keygen) with /dev, /proc and /sys of this machine, against a
        # loop device holding the labelled ext4 that node.json names.
        truncate -s 64M "$T/initrd-disk.img" && mkfs.ext4 -q -L "hsi$tag" "$T/initrd-disk.img"
        attach D "$T/initrd-disk.img" || return # a failed check already
        for d in dev proc sys; do mkdir -p "$R/$d" && mount --bind "/$d" "$R/$d"; done
        cmd=$(sed -n 's/^ExecStart=//p' "$U")
        # shellcheck disable=SC2086 # the unit's command line, split as systemd would
        expect_exit 0 "the unit's command runs in the image" chroot "$R" $cmd
        cp "$T/out" "$T/initrd-mount.out"
        got=$(mounted_at "$R/sysroot/mnt/eth")
        [ "$got" = "$D ext4" ] && ok "in the image, the disk is mounted below /sysroot" \
                || not_ok "in the image, the disk is mounted below /sysroot" "mount table: '$got', expected '$D ext4'" "$(cat "$T/initrd-mount.out")"
        J=$R/sysroot/mnt/eth/secrets/jwt.hex
        grep -qE '^[0-9a-f]{64}$' "$J" && ok "in the image, the JWT is created on the disk" \
                || not_ok "in the image, the JWT is created on the disk" "$(cat "$T/initrd-mount.out")"
        K=$R/sysroot/mnt/eth/secrets/ssh/id_ed25519
        ssh-keygen -l -f "$K" 2>&1 | grep -q "root@initrd-node (ED25519)" && ok "in the image, ssh-keygen makes the host key" \
                || not_ok "in the image, ssh-keygen makes the host key" "$(ssh-keygen -l -f "$K" 2>&1)" "$(cat "$T/initrd-mount.out")"
        [ "$(stat -c '%u %a' "$R/sysroot/mnt/eth/geth" 2>&1)" = "801 700" ] && ok "in the image, geth's data dir is made for uid 801" \
                || not_ok "in the image, geth's data dir is made for uid 801" "$(stat -c '%u %a' "$R/sysroot/mnt/eth/geth" 2>&1)"
}
if [ "$(id -u)" = 0 ]; then
        dracut_checks
else
        skip "dracut builds an initramfs with the hsos-agent module, run in it" "needs root (chroot, loop device, mounts)"
fi

# The NixOS stage-1 hook: syntax, checked by Nix itself.
nix-instantiate --parse "$TOP/initrd-hooks/nixos-stage1.nix" >/dev/null 2>"$T/nix.err" \
        && ok "the NixOS stage-1 hook parses" || not_ok "the NixOS stage-1 hook parses" "$(cat "$T/nix.err")"
finish
