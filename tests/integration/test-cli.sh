#!/bin/sh
# The command line as users meet it: exit codes, messages on the right stream,
# plan output, unit files written, recorded facts replayed.
. "$(dirname "$0")/lib.sh"
A=$HSOS_AGENT
FX=$TOP/tests/fixtures/configs

expect_exit 0 "validate accepts the web UI's defaults" $A validate --config "$FX/webui-defaults.json"
expect_in "$T/out" "valid: host homestaker on mainnet; no client enabled; 0 mounts enabled" "validate says what it found"
expect_exit 0 "validate accepts the web UI's team node" $A validate -c "$FX/webui-team-node.json"
expect_exit 0 "validate accepts examples/node.json" $A validate -c "$TOP/examples/node.json"
expect_in "$T/out" "valid: host staker-01 on mainnet; enabled: geth, lighthouse, mev-boost; 1 mount enabled" "validate lists what is enabled"

printf '{"localization": {"hostname": "bad host"}, "execution": {"geth": {"dataDir": "mnt/geth"}}, "bogus": 1}' >"$T/bad.json"
expect_exit 1 "validate: invalid content exits 1" $A validate -c "$T/bad.json"
[ "$(wc -l <"$T/err")" = 3 ] && ok "three errors, one per line on stderr" || not_ok "three errors, one per line" "$(cat "$T/err")"
expect_in "$T/err" 'execution.geth.dataDir: must be an absolute path, got "mnt/geth"' "error names the path and the value"
[ -s "$T/out" ] && not_ok "nothing on stdout when invalid" "$(cat "$T/out")" || ok "nothing on stdout when invalid"

printf '{"a": ' >"$T/trunc.json"
expect_exit 1 "validate: truncated JSON exits 1" $A validate -c "$T/trunc.json"
expect_in "$T/err" "file: truncated: the document ends unexpectedly at line 1" "truncation is named"
: >"$T/empty.json"
expect_exit 1 "validate: empty file exits 1" $A validate -c "$T/empty.json"
head -c 1100000 /dev/zero | tr '\0' ' ' >"$T/big.json"
expect_exit 1 "validate: a file over 1 MiB exits 1" $A validate -c "$T/big.json"
expect_in "$T/err" "larger than the limit of 1048576 bytes" "size limit is named"
printf '{"x": "\377"}' >"$T/latin1.json"
expect_exit 1 "validate: not UTF-8 exits 1" $A validate -c "$T/latin1.json"

expect_exit 2 "validate: a missing file exits 2" $A validate -c "$T/nope.json"
expect_in "$T/err" "cannot read $T/nope.json: No such file or directory" "the unreadable file is named"
expect_exit 2 "validate: a directory exits 2" $A validate -c "$T"
expect_exit 2 "validate: an unknown option exits 2" $A validate --frobnicate
expect_in "$T/err" "hsos-agent validate: unrecognized option '--frobnicate'" "the option error names the command"
expect_exit 2 "validate: a stray argument exits 2" $A validate extra
expect_exit 2 "an unknown command exits 2" $A frobnicate
expect_exit 2 "no command exits 2" $A
expect_exit 0 "--help" $A --help
cp "$T/out" "$T/help"
for c in validate plan mount run status probe fleet; do
        if grep -qE "^  $c +[a-z]" "$T/help"; then expect_exit 0 "--help lists $c, whose --help answers" $A $c --help
        else not_ok "--help lists $c, whose --help answers" "$(cat "$T/help")"; fi
done
expect_exit 0 "--version" $A --version
[ "$(cat "$T/out")" = "hsos-agent $(cat "$TOP/VERSION")" ] && ok "--version prints the version in VERSION" \
        || not_ok "--version prints the version in VERSION" "got '$(cat "$T/out")', VERSION holds '$(cat "$TOP/VERSION")'"

# plan, from recorded facts
C=$TOP/examples/node.json F=$TOP/examples/facts-booted.json
expect_exit 0 "plan from recorded facts" $A plan -c "$C" -f "$F" --units-dir "$T/units"
expect_in "$T/out" "geth.service        ready" "plan shows each unit's state"
for u in geth lighthouse mev-boost; do
        [ -s "$T/units/$u.service" ] && ok "--units-dir wrote $u.service" || not_ok "--units-dir wrote $u.service"
done
expect_exit 0 "plan --json" $A plan -c "$C" -f "$F" --json
if jq -e '.units | map(.state) == ["ready","ready","ready"]' "$T/out" >/dev/null; then ok "plan --json is JSON with the units' states"
else not_ok "plan --json is JSON with the units' states" "$(head -c 2000 "$T/out")"; fi
expect_exit 2 "plan with an invalid config exits 2" $A plan -c "$T/bad.json" -f "$F"
expect_exit 1 "plan with unreadable facts exits 1" $A plan -c "$C" -f "$T/nope.json"
printf '{"mounts": [{"target": "relative", "fstype": "ext4"}]}' >"$T/badfacts.json"
expect_exit 1 "plan with invalid facts exits 1" $A plan -c "$C" -f "$T/badfacts.json"
expect_in "$T/err" "mounts[0]: target must be an absolute path" "the bad fact is named"

# Recorded facts replay to the same plan.
expect_exit 0 "plan --save-facts on this system" $A plan -c "$C" --save-facts "$T/saved.json"
cp "$T/out" "$T/live.txt"
expect_exit 0 "plan --facts of the saved facts" $A plan -c "$C" -f "$T/saved.json"
if cmp -s "$T/out" "$T/live.txt"; then ok "saved facts replay to the same plan"
else not_ok "saved facts replay to the same plan" "$(diff "$T/live.txt" "$T/out")"; fi

# Units written over existing files are replaced whole, never half-written.
echo garbage >"$T/units/geth.service"
expect_exit 0 "plan --units-dir again" $A plan -c "$C" -f "$F" --units-dir "$T/units"
expect_in "$T/units/geth.service" "ExecStart=/usr/bin/geth" "an existing unit file is replaced"
[ -z "$(find "$T/units" -name '*.XXXXXX' -o -name '*.service.*')" ] && ok "no temporary files left" || not_ok "no temporary files left"
finish
