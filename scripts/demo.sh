#!/bin/sh
# make demo: what the agent makes of examples/node.json (a mainnet geth +
# lighthouse + mev-boost node whose chain data lies on a disk labelled
# "ethdata"), first on this machine as it is, then as a booted node sees it.
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
