#!/bin/sh
# Installs the Debian packages the build and the tests need: on Debian 12 as
# root, whatever is missing (quick when all is there); elsewhere it prints the
# list and stops.
set -eu

PACKAGES="build-essential pkg-config clang libclang-rt-14-dev valgrind
libcjson-dev libblkid-dev libmount-dev libmnl-dev libsystemd-dev
systemd util-linux fdisk e2fsprogs btrfs-progs xfsprogs iproute2 openssh-client jq
qemu-system-x86 linux-image-amd64 debootstrap zstd cpio kexec-tools python3 nix-bin"

missing=""
for p in $PACKAGES; do
        if ! dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
                missing="$missing $p"
        fi
done
[ -z "$missing" ] && exit 0

debian12=false
if [ -r /etc/os-release ]; then
        . /etc/os-release
        [ "${ID:-}" = debian ] && [ "${VERSION_ID:-}" = 12 ] && debian12=true
fi
if ! $debian12 || [ "$(id -u)" != 0 ]; then
        echo "hsos-agent needs these packages, which are not installed:" >&2
        echo "  $missing" >&2
        echo "Install them (Debian names; on Debian 12 as root this script does it), then run make again." >&2
        exit 1
fi

echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# An unreachable third-party source must not stop Debian's own packages.
apt-get update -q >/dev/null 2>&1 || apt-get update -q || true
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
