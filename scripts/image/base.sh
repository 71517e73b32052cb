#!/bin/sh
# Builds the image's base: a Debian 12 root file system (debootstrap minbase
# with scripts/image/packages), trimmed, with the kernel modules of
# scripts/image/modules, made to boot from RAM with systemd as /init; packed
# as a zstd-compressed newc cpio. Cached: rebuilt only when the package list,
# the module list, the kernel or this script change.
#   sh scripts/image/base.sh KERNEL-VERSION CACHE-DIR   -> prints the cpio's path
set -eu
kver=$1 cache=$2
here=$(dirname "$0")
mirror=${HSOS_DEBIAN_MIRROR:-http://deb.debian.org/debian}

packages=$(grep -v '^#' "$here/packages" | tr '\n' ' ' | tr -s ' ')
modules=$(grep -v '^#' "$here/modules" | tr '\n' ' ' | tr -s ' ')
key=$( (echo "$packages"; echo "$modules"; echo "$kver"; cat "$0" "$here/sudoers-core") | sha256sum | cut -c1-16)
out="$cache/base-$key.cpio.zst"
if [ -s "$out" ]; then
        echo "$out"
        exit 0
fi
mkdir -p "$cache"
root="$cache/rootfs-$key"
rm -rf "$root"
log="$cache/base-$key.log"
echo "image: building the base (debootstrap bookworm, kernel $kver); log in $log" >&2

debootstrap --variant=minbase --include="$(echo $packages | tr ' ' ',')" bookworm "$root" "$mirror" >"$log" 2>&1 \
        || { tail -20 "$log" >&2; echo "image: debootstrap failed" >&2; exit 1; }

# Python comes in only for xfsprogs' xfs_scrub_all script, which a RAM-disk
# node never runs (mkfs.xfs and xfs_repair are C): 27 MiB less to unpack.
# One at a time, in this order: each one's removal script needs the next.
for p in python3 python3-minimal python3.11 libpython3-stdlib python3.11-minimal libpython3.11-stdlib \
         libpython3.11-minimal; do
        chroot "$root" dpkg --purge --force-depends "$p" >>"$log" 2>&1 \
                || { tail -20 "$log" >&2; echo "image: could not remove $p" >&2; exit 1; }
done

# The kernel modules, with their dependencies, then depmod.
moddir=/lib/modules/$kver
[ -d "$moddir" ] || { echo "image: no modules for kernel $kver in $moddir" >&2; exit 1; }
mkdir -p "$root/usr$moddir"
for f in modules.builtin modules.builtin.modinfo modules.order; do
        [ -f "$moddir/$f" ] && cp "$moddir/$f" "$root/usr$moddir/"
done
for m in $modules; do
        modprobe -S "$kver" --show-depends "$m" 2>/dev/null | awk '$1 == "insmod" { print $2 }'
done | sort -u | while read -r ko; do
        dest="$root/usr${ko#/usr}"
        mkdir -p "$(dirname "$dest")"
        cp "$ko" "$dest"
done
depmod -b "$root" "$kver"
printf '%s\n' $modules >"$root/etc/modules-load.d/hsos-image.conf"

# Boot from RAM: systemd is /init; no initrd-release (no switch-root).
ln -sf /lib/systemd/systemd "$root/init"
rm -f "$root/etc/initrd-release"
# A unique machine id per boot unless one is given; no first-boot prompt.
: >"$root/etc/machine-id"
for u in systemd-firstboot.service kexec-load.service kexec.service apt-daily.timer apt-daily-upgrade.timer \
         e2scrub_all.timer e2scrub_reap.service fstrim.timer; do
        ln -sf /dev/null "$root/etc/systemd/system/$u"
done
printf 'LOAD_KEXEC=false\n' >"$root/etc/default/kexec"
echo homestaker >"$root/etc/hostname"

# Networking: DHCP on every wired interface (systemd-networkd).
mkdir -p "$root/etc/systemd/network" "$root/etc/systemd/system/multi-user.target.wants"
cat >"$root/etc/systemd/network/80-wired.network" <<NET
[Match]
Name=en* eth*

[Network]
DHCP=yes
NET
ln -sf /lib/systemd/system/systemd-networkd.service "$root/etc/systemd/system/multi-user.target.wants/"

# Host keys baked into an image would be every node's: none here. Until the
# agent hands sshd its persistent key, keys are made in RAM at boot.
rm -f "$root"/etc/ssh/ssh_host_*
mkdir -p "$root/etc/systemd/system/ssh.service.d"
printf '[Service]\nExecStartPre=\nExecStartPre=/usr/bin/ssh-keygen -A\nExecStartPre=/usr/sbin/sshd -t\n' \
        >"$root/etc/systemd/system/ssh.service.d/10-hsos-ram-keys.conf"

# The operator administers the node as on HomestakerOS (core in wheel,
# passwordless sudo there): core's rule, checked as sudo would (visudo -c).
install -m 0440 "$here/sudoers-core" "$root/etc/sudoers.d/50-hsos-core"
chroot "$root" visudo -cf /etc/sudoers.d/50-hsos-core >>"$log" 2>&1 \
        || { tail -5 "$log" >&2; echo "image: the sudoers drop-in for core does not parse" >&2; exit 1; }

# The journal stays in /run (RAM) unless agent.journalDir puts it on a disk:
# a /var/log/journal on the RAM root would only be lost at the next boot.
rm -rf "$root/var/log/journal"

# Trim what a RAM disk does not need.
rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* \
        "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old "$root"/var/log/*.log \
        "$root"/usr/share/lintian "$root"/usr/share/bash-completion "$root"/usr/lib/udev/hwdb.d \
        "$root"/usr/lib/x86_64-linux-gnu/gconv

(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | zstd -3 -q -T0) >"$out.tmp"
mv "$out.tmp" "$out"
# Older bases (another package list, module list or kernel) are not reused.
find "$cache" -maxdepth 1 -name 'base-*' ! -name "base-$key.*" -exec rm -rf {} +
du -s --block-size=1M "$root" | awk -v o="$out" '{ printf "image: base tree %s MiB, ", $1 }' >&2
rm -rf "$root"
echo "$(du --block-size=1M "$out" | cut -f1) MiB compressed" >&2
echo "$out"
