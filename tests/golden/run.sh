#!/bin/sh
# Golden tests, the bgpd way: each case's node.json and facts.json in, the
# exact plan (text and JSON) and unit files out, compared with diff -u.
#   sh tests/golden/run.sh BIN            compare
#   sh tests/golden/run.sh BIN --update   regenerate (read the diff before committing)
set -u
bin=$1 update=${2:-}
dir=$(dirname "$0")
pass=0 fail=0
for case in "$dir"/cases/*/; do
        name=$(basename "$case")
        out=$(mktemp -d)
        mkdir -p "$out/units"
        if ! "$bin" plan --config "$case/node.json" --facts "$case/facts.json" --units-dir "$out/units" \
                >"$out/plan.txt" 2>"$out/stderr"; then
                echo "FAIL golden $name: hsos-agent plan failed"; sed 's/^/    /' "$out/stderr"
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
                pass=$((pass + 1))
        else
                echo "FAIL golden $name:"; cat "$out.diff"
                fail=$((fail + 1))
        fi
        rm -rf "$out" "$out.diff"
done
[ "$update" = --update ] && exit 0
echo "PASS golden ($pass cases)" | sed "s/^PASS/$( [ $fail = 0 ] && echo PASS || echo FAIL)/"
[ $fail = 0 ]
