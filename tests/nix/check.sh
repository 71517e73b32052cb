#!/bin/sh
# What can be checked of the Nix side without nixpkgs (make check-nix):
# every .nix file of the tree parses (nix-instantiate --parse), and the
# module's pure parts (nix/lib/: homestakeros options -> node.json, the
# package map, the units it suppresses, the users) evaluated with the
# stand-in lib on the cases of tests/nix/cases/ give the expected documents
# of tests/nix/expected/, which hsos-agent validate accepts.
# TAP; exit 77 when nix-instantiate is missing. UPDATE=1 rewrites the
# expected files (read the diff before committing).
set -u
: "${HSOS_AGENT:?HSOS_AGENT must name the hsos-agent binary}"
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
if ! command -v nix-instantiate >/dev/null; then
        echo "1..0 # SKIP nix-instantiate is missing (Debian package nix-bin)"
        exit 77
fi
# No Nix daemon nor build users here: nothing is built, only evaluated.
export NIX_CONFIG="build-users-group =
experimental-features = nix-command flakes"
export NIX_STATE_DIR="${TMPDIR:-/tmp}/hsos-nix-state.$$" NIX_LOG_DIR="${TMPDIR:-/tmp}/hsos-nix-log.$$"
T=$(mktemp -d)
trap 'rm -rf "$T" "$NIX_STATE_DIR" "$NIX_LOG_DIR"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }

# Every .nix file parses.
for f in $(cd "$TOP" && find . -name '*.nix' -not -path './build/*' -not -path './.git/*' | sort); do
        f=${f#./}
        if nix-instantiate --parse "$TOP/$f" >/dev/null 2>"$T/err"; then ok "$f parses"
        else not_ok "$f parses" "$(cat "$T/err")"; fi
done

# evaluate CASE WHAT OUT: the pure parts on a case, as sorted JSON in OUT.
evaluate() {
        nix-instantiate --eval --strict --json "$HERE/eval.nix" --argstr case "$1" --argstr what "$2" >"$T/raw" 2>"$T/err" \
                && jq -S . "$T/raw" >"$3"
}

# same NAME GOT EXPECTED: equal JSON documents.
same() {
        if [ "${UPDATE:-}" = 1 ]; then cp "$2" "$3"; fi
        if diff -u "$3" "$2" >"$T/diff" 2>&1; then ok "$1"
        else not_ok "$1" "$(cat "$T/diff")"; fi
}

for c in $(cd "$HERE/cases" && ls *.nix | sed 's/\.nix$//'); do
        if ! evaluate "$c" document "$T/$c.json"; then
                not_ok "$c: node.json evaluates" "$(cat "$T/err")"
                continue
        fi
        ok "$c: node.json evaluates"
        if "$HSOS_AGENT" validate --config "$T/$c.json" >"$T/out" 2>&1; then ok "$c: hsos-agent validate accepts it"
        else not_ok "$c: hsos-agent validate accepts it" "$(cat "$T/out")"; fi
        same "$c: it is the expected document" "$T/$c.json" "$HERE/expected/$c.json"
        if grep -q '^  homestakeros' "$HERE/cases/$c.nix"; then
                if evaluate "$c" units "$T/$c.units.json"; then
                        same "$c: HomestakerOS's units the module suppresses" "$T/$c.units.json" "$HERE/expected/$c.units.json"
                else not_ok "$c: HomestakerOS's units evaluate" "$(cat "$T/err")"; fi
                if evaluate "$c" dropped "$T/$c.dropped.json"; then
                        same "$c: the homestakeros keys node.json has no place for" "$T/$c.dropped.json" "$HERE/expected/$c.dropped.json"
                else not_ok "$c: the dropped keys evaluate" "$(cat "$T/err")"; fi
        fi
done

# The web UI's node, as HomestakerOS's module hands it over, becomes the web
# UI's own node.json again, with only agent.packages added.
if [ -s "$T/team-node.json" ]; then
        jq -S 'del(.agent)' "$T/team-node.json" >"$T/team-node.noagent.json"
        jq -S . "$TOP/tests/fixtures/configs/webui-team-node.json" >"$T/webui.json"
        diff -u "$T/webui.json" "$T/team-node.noagent.json" >"$T/diff" \
                && ok "team-node: the web UI's node.json comes back unchanged, agent.packages added" \
                || not_ok "team-node: the web UI's node.json comes back unchanged, agent.packages added" "$(cat "$T/diff")"
fi

# flake.nix's example nodes: node.json as Nix is examples/node.json; the
# HomestakerOS configuration makes a valid node.json, and nothing is dropped.
if nix-instantiate --eval --strict --json "$HERE/eval.nix" --argstr what example-settings >"$T/raw" 2>"$T/err"; then
        jq -S . "$T/raw" >"$T/example.json"
        jq -S . "$TOP/examples/node.json" >"$T/examples-node.json"
        diff -u "$T/examples-node.json" "$T/example.json" >"$T/diff" \
                && ok "nix/example/settings.nix is examples/node.json" || not_ok "nix/example/settings.nix is examples/node.json" "$(cat "$T/diff")"
else
        not_ok "nix/example/settings.nix evaluates" "$(cat "$T/err")"
fi
if nix-instantiate --eval --strict --json "$HERE/eval.nix" --argstr what example-homestakeros >"$T/raw" 2>"$T/err"; then
        jq -S . "$T/raw" >"$T/example-hs.json"
        "$HSOS_AGENT" validate --config "$T/example-hs.json" >"$T/out" 2>&1 \
                && ok "nix/example/homestakeros.nix: hsos-agent validate accepts its node.json" \
                || not_ok "nix/example/homestakeros.nix: hsos-agent validate accepts its node.json" "$(cat "$T/out")"
        [ "$(nix-instantiate --eval --strict --json "$HERE/eval.nix" --argstr what example-dropped 2>&1)" = "[]" ] \
                && ok "nix/example/homestakeros.nix: every setting has its place in node.json" \
                || not_ok "nix/example/homestakeros.nix: every setting has its place in node.json"
else
        not_ok "nix/example/homestakeros.nix evaluates" "$(cat "$T/err")"
fi

# The users of initrd-hooks/hsos-agent.sysusers, read by the module.
if nix-instantiate --eval --strict --json "$HERE/eval.nix" --argstr what sysusers >"$T/raw" 2>"$T/err"; then
        jq -S . "$T/raw" >"$T/sysusers.json"
        same "the module reads the users and the hsos group of hsos-agent.sysusers" "$T/sysusers.json" "$HERE/expected/sysusers.json"
        want=$(grep -c '^u ' "$TOP/initrd-hooks/hsos-agent.sysusers")
        got=$(jq '.users | length' "$T/sysusers.json")
        [ "$want" = "$got" ] && ok "every u line of the sysusers file is a user ($got)" \
                || not_ok "every u line of the sysusers file is a user" "$got of $want"
else
        not_ok "the sysusers file evaluates" "$(cat "$T/err")"
fi

# nix/package.nix: what it takes from the tree exists (lib.fileset fails on
# a missing path), and `make install PREFIX=$out` lays out what it and NixOS
# rely on (systemd.packages reads $out/lib/systemd/system; postInstall
# replaces ExecReload=/bin/kill, and --replace-fail fails if it is not there).
missing=""
for p in $(sed -n 's|^ *\.\./\([^ ]*\)$|\1|p' "$TOP/nix/package.nix"); do
        [ -e "$TOP/$p" ] || missing="$missing $p"
done
[ -z "$missing" ] && ok "package.nix: every path of its source fileset exists" \
        || not_ok "package.nix: every path of its source fileset exists" "missing:$missing"
out=$T/store/hsos-agent
if make -s -C "$TOP" install PREFIX="$out" BIN="$HSOS_AGENT" >"$T/install.log" 2>&1; then
        ok "make install PREFIX=\$out, as package.nix runs it"
        missing=""
        for f in bin/hsos-agent lib/systemd/system/hsos-agent-mount.service lib/systemd/system/hsos-agent.service \
                 lib/sysusers.d/hsos-agent.conf lib/systemd/catalog/hsos-agent.catalog share/man/man1/hsos-agent.1; do
                [ -f "$out/$f" ] || missing="$missing $f"
        done
        [ -z "$missing" ] && ok "package: binary, units, sysusers.d, catalog and man page in \$out" \
                || not_ok "package: binary, units, sysusers.d, catalog and man page in \$out" "missing:$missing"
        grep -q "^ExecStart=$out/bin/hsos-agent run " "$out/lib/systemd/system/hsos-agent.service" \
                && grep -q "^ExecStart=$out/bin/hsos-agent mount " "$out/lib/systemd/system/hsos-agent-mount.service" \
                && ok "package: the units name \$out/bin/hsos-agent" || not_ok "package: the units name \$out/bin/hsos-agent"
        grep -q '^ExecReload=/bin/kill' "$out/lib/systemd/system/hsos-agent.service" \
                && ok "package: the ExecReload=/bin/kill postInstall replaces is there" \
                || not_ok "package: the ExecReload=/bin/kill postInstall replaces is there"
else
        not_ok "make install PREFIX=\$out, as package.nix runs it" "$(tail -20 "$T/install.log")"
fi

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ $failed = 0 ]
