#!/bin/sh
# make demo: what the agent makes of examples/node.json (a mainnet geth +
# lighthouse + mev-boost node whose chain data lies on a disk labelled
# "ethdata"): on this machine as it is, as a booted node's recorded facts see
# it, and then for real: the image built with it, booted in QEMU with a fresh
# disk (the image also carries the tests' command channel, so the demo can
# look inside).
set -eu
bin=$1
out=build/demo
rm -rf "$out"
mkdir -p "$out"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "hsos-agent validate --config examples/node.json"
"$bin" validate --config examples/node.json

say "hsos-agent plan --config examples/node.json   (the facts of this machine: no disk labelled ethdata here)"
"$bin" plan --config examples/node.json

say "hsos-agent plan --config examples/node.json --facts examples/facts-booted.json --units-dir $out/units"
echo "(facts recorded on a booted node: the disk is mounted at /mnt/eth, the JWT is there)"
"$bin" plan --config examples/node.json --facts examples/facts-booted.json --units-dir "$out/units"

say "the unit written for geth: $out/units/geth.service"
cat "$out/units/geth.service"

say "what systemd thinks of its sandbox (systemd-analyze security --offline)"
for u in "$out"/units/*.service; do
        printf '%-20s ' "$(basename "$u")"
        systemd-analyze security --offline=true "$u" 2>/dev/null | sed -n 's/.*Overall exposure level for .*: //p'
done

# The node for real: the image built from examples/node.json, booted in QEMU.
if [ "$(id -u)" != 0 ] || ! command -v qemu-system-x86_64 >/dev/null; then
        say "not booting the image: that needs root and qemu-system-x86_64"
        exit 0
fi
say "make image CONFIG=examples/node.json   (the base is cached after the first build)"
sh scripts/image/build.sh "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")" examples/node.json "$out/image" tests/e2e/guest
python3 scripts/demo-image.py "$out/image"
