#!/bin/sh
# The client contracts (#12): hsos-agent renders the units of every test
# config (the golden cases, the fixtures, the web UI's documents, the e2e
# nodes, the example) and each client's ExecStart= is checked against its
# contract in tests/fixtures/clients/ by tests/contracts/check.py, which
# reads the words back as systemd itself splits them (systemd --test) and
# reads them as the client's parser does. One check per unit; a unit that
# breaks its contract fails once per option, with the reason.
#
# tests/contracts/expected-failures.txt lists the failures that are a test
# config's own words (extraOptions written to be hostile), not the agent's:
# each must still be reported, or the check fails.
# tests/contracts/stale-contracts.txt lists the failures that come from a
# contract pinned to a release older than what a user downloads today (the
# newer flag-defining files could not be read here; each contract's
# "unsupported" says why): they too must still be reported, and are shown as
# known gaps of the contract, never as passes of the agent.
#
# The checker is shown to be real first: the hand-broken units in
# tests/contracts/broken/ must each fail with the reason their "# expect:"
# lines give, and nothing else; the units in tests/contracts/good/ (words a
# naive split would get wrong) must pass.
. "$(dirname "$0")/lib.sh"
A=$HSOS_AGENT
C=$TOP/tests/contracts
command -v python3 >/dev/null || skip_all "python3 is not installed"
SYSTEMD=
for s in /lib/systemd/systemd /usr/lib/systemd/systemd; do [ -x "$s" ] && SYSTEMD=$s && break; done
[ -n "$SYSTEMD" ] || skip_all "no systemd binary to read the units with (apt-get install systemd)"
[ "$(id -u)" != 0 ] || command -v setpriv >/dev/null || skip_all "setpriv is not installed (util-linux)"

# check_output OUT LABEL: turns check.py's TAP in OUT into checks of ours,
# a failure listed in expected-failures.txt for LABEL becoming a pass.
check_output() {
        out=$1 label=$2
        grep "^$label " "$C/expected-failures.txt" | cut -d' ' -f2- >"$T/expected" || :
        grep "^$label " "$C/stale-contracts.txt" | cut -d' ' -f2- >"$T/stale" || :
        cat "$T/stale" >>"$T/expected"
        : >"$T/seen"
        while IFS= read -r line; do
                case $line in
                ok\ *)
                        ok "${line#ok * - }" ;;
                not\ ok\ *)
                        msg=${line#not ok * - }
                        rest=${msg#"$label: "}
                        hit=
                        while IFS= read -r e; do
                                case $rest in "$e"*) hit=$e ;; esac
                        done <"$T/expected"
                        if [ -n "$hit" ] && grep -qxF -- "$hit" "$T/stale"; then
                                echo "$hit" >>"$T/seen"
                                ok "$label: reports a known gap of the pinned contract (stale-contracts.txt): $rest"
                        elif [ -n "$hit" ]; then
                                echo "$hit" >>"$T/seen"
                                ok "$label: reports the config's own hostile word: $rest"
                        else
                                not_ok "$msg"
                        fi ;;
                Bail\ out!*)
                        not_ok "$label: check.py could not read the units" "$line" ;;
                esac
        done <"$out"
        while IFS= read -r e; do
                grep -qxF -- "$e" "$T/seen" ||
                        not_ok "$label: expected failure reported" "check.py did not report: $e" "$(cat "$out")"
        done <"$T/expected"
}

# The checker itself: each broken unit fails with its reasons, and only those.
for u in "$C"/broken/*.service; do
        name=$(basename "$u")
        python3 "$C/check.py" "$u" >"$T/out" 2>&1
        rc=$?
        grep '^# expect: ' "$u" | cut -d' ' -f3- >"$T/want"
        missing= extra=
        while IFS= read -r w; do
                grep '^not ok ' "$T/out" | grep -qF -- "$name: $w" || missing="$missing [$w]"
        done <"$T/want"
        grep '^not ok ' "$T/out" | sed 's/^not ok [0-9]* - //' >"$T/got"
        while IFS= read -r g; do
                hit=
                while IFS= read -r w; do case $g in "$name: $w"*) hit=1 ;; esac; done <"$T/want"
                [ -n "$hit" ] || extra="$extra [$g]"
        done <"$T/got"
        if [ $rc = 1 ] && [ -s "$T/want" ] && [ -z "$missing" ] && [ -z "$extra" ]; then
                ok "check.py fails broken/$name: $(tr '\n' ';' <"$T/want")"
        else
                not_ok "check.py fails broken/$name with the reasons it expects" "exit $rc (1 expected)" \
                        "missing:${missing:- none}" "unexpected:${extra:- none}" "$(cat "$T/out")"
        fi
done
for u in "$C"/good/*.service; do
        name=$(basename "$u")
        if python3 "$C/check.py" "$u" >"$T/out" 2>&1 && grep -q "^ok 1 - $name matches" "$T/out"; then
                ok "check.py passes good/$name (words as systemd splits them)"
        else
                not_ok "check.py passes good/$name (words as systemd splits them)" "$(cat "$T/out")"
        fi
done

# render LABEL CONFIG [FACTS]: the units of CONFIG, checked.
render() {
        label=$1 config=$2 facts=${3:-}
        rm -rf "$T/units" && mkdir "$T/units"
        if [ -n "$facts" ]; then
                "$A" plan --config "$config" --facts "$facts" --units-dir "$T/units" >"$T/plan" 2>&1
        else
                "$A" plan --config "$config" --units-dir "$T/units" >"$T/plan" 2>&1
        fi
        rc=$?
        # plan exits 0 when the node is ready and 1 when a unit waits or is
        # blocked; either way it wrote the units. 2 and above: it could not.
        if [ $rc -gt 1 ]; then
                not_ok "$label: hsos-agent plan renders the units" "exit $rc" "$(head -c 2000 "$T/plan")"
                return
        fi
        if ! ls "$T/units"/*.service >/dev/null 2>&1; then
                # webui-defaults: every client off, as the web UI writes a new node.
                if grep -q 'no client enabled' "$T/plan"; then
                        ok "$label: no client enabled, so no client unit to check"
                else
                        not_ok "$label: hsos-agent plan renders the units" "no unit written" "$(head -c 2000 "$T/plan")"
                fi
                return
        fi
        python3 "$C/check.py" --label "$label" "$T/units" >"$T/check" 2>&1
        check_output "$T/check" "$label"
        grep -q '^ok \|^not ok ' "$T/check" ||
                not_ok "$label: at least one client unit checked" "$(cat "$T/check")"
}

for d in "$TOP"/tests/golden/cases/*/; do
        case=$(basename "$d")
        render "golden/$case" "$d/node.json" "$d/facts.json"
done
for f in "$TOP"/tests/fixtures/configs/*.json; do
        render "fixtures/$(basename "$f" .json)" "$f"
done
SHARED=$TOP/../shared/fixtures/configs
if [ -d "$SHARED" ]; then
        for f in "$SHARED"/*.json; do
                render "shared/$(basename "$f" .json)" "$f"
        done
else
        skip "the web UI's documents (../shared/fixtures/configs) rendered and checked" "$SHARED is not here"
fi
for f in "$TOP"/tests/e2e/node*.json; do
        render "e2e/$(basename "$f" .json)" "$f"
done
render examples/node "$TOP/examples/node.json" "$TOP/examples/facts-booted.json"
# Every client on every network the spec allows (node-config.md "network"):
# five execution/consensus pairs covering the eleven clients, mev-boost on,
# each on mainnet, hoodi, holesky and sepolia; nethermind, which ships no
# holesky configuration, and lodestar and nimbus, which no longer know the
# network, are refused there by validation (checked below).
mkdir -p "$T/net"
for net in mainnet hoodi holesky sepolia; do
        for pair in geth:lighthouse nethermind:prysm besu:teku erigon:nimbus reth:lodestar; do
                el=${pair%:*} cl=${pair#*:}
                [ "$net:$el" = holesky:nethermind ] && el=geth
                [ "$net:$cl" = holesky:lodestar ] && cl=teku
                [ "$net:$cl" = holesky:nimbus ] && cl=lighthouse
                cat >"$T/net/$net-$el-$cl.json" <<JSON
{
    "network": "$net",
    "mounts": { "data": { "enable": true, "what": "/dev/sdb", "where": "/mnt" } },
    "execution": { "$el": { "enable": true } },
    "consensus": { "$cl": { "enable": true } },
    "addons": { "mev-boost": { "enable": true, "relays": [ "https://0xaa01@relay.example" ] } }
}
JSON
                render "network/$net-$el-$cl" "$T/net/$net-$el-$cl.json" "$C/configs/facts.json"
        done
done

printf '{"network": "holesky", "execution": {"nethermind": {"enable": true}}}' >"$T/net/holesky-nethermind.json"
expect_exit 1 "nethermind on holesky is refused before a unit is written" "$A" validate --config "$T/net/holesky-nethermind.json"
expect_in "$T/err" "execution.nethermind.enable: nethermind cannot run on holesky" "naming why"
printf '{"network": "holesky", "consensus": {"lodestar": {"enable": true}}}' >"$T/net/holesky-lodestar.json"
expect_exit 1 "lodestar on holesky is refused before a unit is written" "$A" validate --config "$T/net/holesky-lodestar.json"
expect_in "$T/err" "consensus.lodestar.enable: lodestar cannot run on holesky" "naming why"
printf '{"network": "holesky", "consensus": {"nimbus": {"enable": true}}}' >"$T/net/holesky-nimbus.json"
expect_exit 1 "nimbus on holesky is refused before a unit is written" "$A" validate --config "$T/net/holesky-nimbus.json"
expect_in "$T/err" "consensus.nimbus.enable: nimbus cannot run on holesky" "naming why"

# The checker's own configs: what no other config tries (host names where
# some clients take only IP addresses).
for f in "$C"/configs/*.json; do
        case $f in */facts.json) continue ;; esac
        render "contracts/$(basename "$f" .json)" "$f" "$C/configs/facts.json"
done
finish
