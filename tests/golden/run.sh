#!/bin/sh
# Golden tests, the bgpd way: each case's node.json and facts.json in, the
# exact plan (text and JSON), unit files and firewall ruleset out, compared with diff -u.
# TAP, one check per case.
#   sh tests/golden/run.sh [BIN]            compare (BIN or $HSOS_AGENT)
#   sh tests/golden/run.sh BIN --update     regenerate (read the diff before committing)
set -u
bin=${1:-${HSOS_AGENT:?usage: run.sh BIN [--update], or HSOS_AGENT set}} update=${2:-}
dir=$(dirname "$0")
n=0 fail=0
for case in "$dir"/cases/*/; do
        name=$(basename "$case")
        n=$((n + 1))
        out=$(mktemp -d)
        mkdir -p "$out/units"
        if ! "$bin" plan --config "$case/node.json" --facts "$case/facts.json" --units-dir "$out/units" \
                --firewall-out "$out/firewall.nft" >"$out/plan.txt" 2>"$out/stderr"; then
                echo "not ok $n - golden $name: hsos-agent plan failed"; sed 's/^/# /' "$out/stderr"
                fail=$((fail + 1)); rm -rf "$out"; continue
        fi
        "$bin" plan --config "$case/node.json" --facts "$case/facts.json" --json >"$out/plan.json"
        rmdir "$out/units" 2>/dev/null # no unit at all: git keeps no empty directory
        if [ "$update" = --update ]; then
                rm -rf "$dir/expected/$name"
                mkdir -p "$dir/expected"
                cp -r "$out" "$dir/expected/$name"
                rm -f "$dir/expected/$name/stderr"
                echo "updated $name"
        elif diff -ru "$dir/expected/$name" "$out" -x stderr >"$out.diff"; then
                echo "ok $n - golden $name"
        else
                echo "not ok $n - golden $name: output differs from tests/golden/expected/$name"
                sed 's/^/# /' "$out.diff"
                fail=$((fail + 1))
        fi
        rm -rf "$out" "$out.diff"
done
[ "$update" = --update ] && exit 0
# An expected directory without its case would never be compared.
for e in "$dir"/expected/*/; do
        [ -d "$dir/cases/$(basename "$e")" ] && continue
        n=$((n + 1)) fail=$((fail + 1))
        echo "not ok $n - golden $(basename "$e"): expected output without a case in tests/golden/cases"
done
[ $n -gt 0 ] || { echo "not ok 1 - golden: no case in $dir/cases"; n=1 fail=1; }
echo "1..$n"
echo "# $((n - fail)) passed, $fail failed"
[ $fail = 0 ]
