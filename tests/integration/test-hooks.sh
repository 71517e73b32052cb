#!/bin/sh
# How the agent is started early: what make install ships (binary, units,
# sysusers.d, dracut module, man page) where PREFIX and DESTDIR say; the units
# read by systemd without a warning; the sysusers file applied by
# systemd-sysusers; the dracut module building a real initramfs; the NixOS
# stage-1 hook parsed by Nix.
. "$(dirname "$0")/lib.sh"

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
make -s -C "$TOP" install PREFIX=/usr DESTDIR="$T/dest" BIN="$HSOS_AGENT" >/dev/null 2>&1
[ -x "$T/dest/usr/bin/hsos-agent" ] && expect_in "$T/dest/usr/lib/systemd/system/hsos-agent.service" "ExecStart=/usr/bin/hsos-agent run" \
        "DESTDIR stages PREFIX=/usr"

if command -v systemd-analyze >/dev/null; then
        for u in hsos-agent-mount.service hsos-agent.service; do
                out=$(systemd-analyze verify --man=no "$P/lib/systemd/system/$u" 2>&1)
                [ -z "$out" ] && ok "$u: systemd reads it without a warning" || not_ok "$u: systemd reads it without a warning" "$out"
        done
        out=$(cd "$P/lib/dracut/modules.d/90hsos-agent" && systemd-analyze verify --man=no ./hsos-agent-sysroot.service 2>&1 | grep -v 'sysroot.mount\|initrd')
        [ -z "$out" ] && ok "the dracut unit is read without a warning" || not_ok "the dracut unit is read without a warning" "$out"
fi
grep -q '^Before=local-fs.target' "$P/lib/systemd/system/hsos-agent-mount.service" \
        && ! grep -q '^Requires\|^RequiredBy' "$P/lib/systemd/system/hsos-agent-mount.service" \
        && ok "the mount stage runs before local-fs.target, and nothing requires it" \
        || not_ok "the mount stage runs before local-fs.target, and nothing requires it"

# The journal catalog: every MESSAGE_ID the daemon logs is explained.
if command -v journalctl >/dev/null; then
        mkdir -p "$T/cat/usr/lib/systemd/catalog"
        cp "$P/lib/systemd/catalog/hsos-agent.catalog" "$T/cat/usr/lib/systemd/catalog/"
        if journalctl --root="$T/cat" --update-catalog >"$T/catalog.log" 2>&1; then
                ok "journalctl compiles the catalog"
                for id in $(sed -n 's/^#define MID_[A-Z_]* *"\([0-9a-f]*\)"/\1/p' "$TOP/agent/daemon/log.h"); do
                        journalctl --root="$T/cat" --list-catalog 2>/dev/null | grep -q "^$id" \
                                && ok "catalog explains $id" || not_ok "catalog explains $id"
                done
        else
                not_ok "journalctl compiles the catalog" "$(cat "$T/catalog.log")"
        fi
fi

# sysusers: the hsos group and the clients' users with their fixed uids.
if command -v systemd-sysusers >/dev/null; then
        mkdir -p "$T/root/etc"
        if systemd-sysusers --root="$T/root" "$P/lib/sysusers.d/hsos-agent.conf" >"$T/sysusers.log" 2>&1; then
                ok "systemd-sysusers applies the file"
                grep -q '^hsos:' "$T/root/etc/group" && ok "the hsos group is created" || not_ok "the hsos group is created"
                grep -q '^geth:x:801:801:' "$T/root/etc/passwd" && grep -q '^ssv-node:x:822:822:' "$T/root/etc/passwd" \
                        && ok "client users get their fixed uids" || not_ok "client users get their fixed uids" "$(cat "$T/root/etc/passwd")"
        else
                not_ok "systemd-sysusers applies the file" "$(cat "$T/sysusers.log")"
        fi
fi

# The dracut module, exercised: a real initramfs built with it.
sh -n "$P/lib/dracut/modules.d/90hsos-agent/module-setup.sh" && ok "module-setup.sh parses" || not_ok "module-setup.sh parses"
kver=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 | sed 's#.*/vmlinuz-##')
if command -v dracut >/dev/null && [ -d /usr/lib/dracut/modules.d ] && [ -n "$kver" ] && [ "$(id -u)" = 0 ]; then
        cp -a /usr/lib/dracut "$T/dracut"
        cp -r "$P/lib/dracut/modules.d/90hsos-agent" "$T/dracut/modules.d/"
        if hsos_node_json="$TOP/examples/node.json" dracutbasedir="$T/dracut" dracut --no-hostonly --no-compress \
                -m "base systemd hsos-agent" --force "$T/initrd.img" "$kver" >"$T/dracut.log" 2>&1; then
                ok "dracut builds an initramfs with the hsos-agent module"
                lsinitrd "$T/initrd.img" >"$T/lsinitrd" 2>/dev/null
                expect_in "$T/lsinitrd" "etc/systemd/system/initrd-fs.target.wants/hsos-agent-sysroot.service" \
                        "the mount stage is enabled in the initrd, before initrd-fs.target"
                expect_in "$T/lsinitrd" "etc/hsos/node.json" "node.json is carried"
                expect_in "$T/lsinitrd" "${P#/}/bin/hsos-agent" "the agent is carried"
                lsinitrd -f usr/lib/systemd/system/hsos-agent-sysroot.service "$T/initrd.img" >"$T/unit" 2>/dev/null
                expect_in "$T/unit" "hsos-agent mount --config /etc/hsos/node.json --root /sysroot" "it mounts below /sysroot"
        else
                not_ok "dracut builds an initramfs with the hsos-agent module" "$(tail -20 "$T/dracut.log")"
        fi
else
        echo "# dracut, a kernel or root is missing: the dracut module is only parsed"
fi

# The NixOS stage-1 hook: syntax, checked by Nix itself.
if command -v nix-instantiate >/dev/null; then
        nix-instantiate --parse "$TOP/initrd-hooks/nixos-stage1.nix" >/dev/null 2>"$T/nix.err" \
                && ok "the NixOS stage-1 hook parses" || not_ok "the NixOS stage-1 hook parses" "$(cat "$T/nix.err")"
else
        echo "# nix-instantiate is missing: the NixOS hook is not checked"
fi
finish
