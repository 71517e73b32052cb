#!/bin/sh
# The e2e tier: builds the image with tests/e2e/node.json (and the test-only
# command channel of tests/e2e/guest/), then boots it in QEMU (TCG only).
# Skips, saying why, where QEMU, a kernel, debootstrap or root is missing.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${HSOS_AGENT:?HSOS_AGENT must name the hsos-agent binary}
skip() { echo "1..0 # SKIP $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (debootstrap, loop devices for the test disks)"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed"
ls /boot/vmlinuz-* >/dev/null 2>&1 || skip "no kernel in /boot (package linux-image-amd64)"
command -v debootstrap >/dev/null || skip "debootstrap is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"
command -v mkfs.btrfs >/dev/null || skip "mkfs.btrfs is not installed (for the test's btrfs disk)"
# The image's base comes from Debian's mirror the first time: if the mirror
# cannot be reached, the tier cannot run here (a broken build still fails).
mirror=${HSOS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
if ! ls "${HSOS_IMAGE_CACHE:-$top/build/image-cache}"/base-*.cpio.zst >/dev/null 2>&1 &&
   ! python3 -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=30)" \
        "$mirror/dists/bookworm/Release" >/dev/null 2>&1; then
        skip "the Debian mirror $mirror cannot be reached to build the image's base"
fi
out=$top/build/e2e-image
# The stand-in clients, for test images only (tests/e2e/standins/standin.c).
standins=$out/standins-layer
rm -rf "$standins"
mkdir -p "$standins/usr/bin"
${CC:-cc} -O2 -Wall -o "$standins/usr/bin/hsos-e2e-standin" "$top/tests/e2e/standins/standin.c" || exit 1
${CC:-cc} -O2 -Wall -o "$standins/usr/bin/hsos-e2e-connect" "$top/tests/e2e/standins/connect.c" || exit 1
for exe in geth nethermind besu erigon reth lighthouse beacon-chain teku nimbus_beacon_node lodestar mev-boost \
           ssvnode; do
        ln -f "$standins/usr/bin/hsos-e2e-standin" "$standins/usr/bin/$exe"
done
# node.json's vpn.wireguard: a wg-quick file with a key made for this run
# (clamped as wg genkey does) and no peer: wg-quick brings wg0 up alone. It
# is named as real nodes name it, without ".conf" (/run/secrets/wireguard/wg0).
wg=$out/wireguard-layer
rm -rf "$wg"
mkdir -p "$wg/etc/hsos/wireguard"
(umask 077 && python3 - >"$wg/etc/hsos/wireguard/wg0" <<'EOF') || exit 1
import base64, os
key = bytearray(os.urandom(32))
key[0] &= 248
key[31] = (key[31] & 127) | 64
print("[Interface]\nPrivateKey = %s\nAddress = 10.99.0.1/24\nListenPort = 51820" % base64.b64encode(key).decode())
EOF
# Two images: the second only bakes another node.json (the base is shared).
sh "$top/scripts/image/build.sh" "$bin" "$top/tests/e2e/node.json" "$out/ext4" "$top/tests/e2e/guest" "$standins" "$wg" >&2 \
        || exit 1
# The btrfs node also reports to a controller: a real etcd that test_boot.py
# starts on the host's loopback, on a port chosen here, which the guest
# reaches at 10.0.2.2 (QEMU's user network); it probes and reports every 2 s.
etcd_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') || exit 1
python3 - "$top/tests/e2e/node-btrfs.json" "$etcd_port" >"$out/node-btrfs.json" <<'EOF' || exit 1
import json, sys
node = json.load(open(sys.argv[1]))
agent = node.setdefault("agent", {})
agent["reportIntervalSec"] = 2
agent["controller"] = {"etcd": {"endpoints": ["http://10.0.2.2:%s" % sys.argv[2]]}}
json.dump(node, sys.stdout, indent=4)
EOF
sh "$top/scripts/image/build.sh" "$bin" "$out/node-btrfs.json" "$out/btrfs" "$top/tests/e2e/guest" "$standins" >&2 || exit 1
# A third bakes an invalid node.json (the image build validates: this one is
# assembled by hand from the ext4 image's base and a layer of its own).
sh "$top/scripts/image/build.sh" "$bin" "$top/tests/e2e/node.json" "$out/invalid" "$top/tests/e2e/guest" "$standins" \
        "$top/tests/e2e/invalid-layer" >&2 || exit 1
HSOS_E2E_ETCD_PORT=$etcd_port exec python3 "$top/tests/e2e/test_boot.py" "$out/ext4" "$out/btrfs" "$out/invalid"
