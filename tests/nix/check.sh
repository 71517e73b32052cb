#!/bin/sh
# What can be checked of the Nix side without nixpkgs' packages (make
# check-nix): every .nix file of the tree parses (nix-instantiate --parse);
# nix/module.nix, evaluated by nixpkgs' real lib.evalModules with
# HomestakerOS's real options.nix (tests/nix/eval.nix), gives on each case
# (tests/nix/cases/, one node per client HomestakerOS declares, the web UI's
# documents as homestakeros settings, flake.nix's example nodes) the
# /etc/hsos/node.json of tests/nix/expected/ (the web UI's document itself),
# which hsos-agent validate accepts and plans as the same node, and the
# units, users, time sync, initrd stage, ... of expected/*.system.json, none
# of the units HomestakerOS's own module defines for the node (recorded in
# tests/nix/homestakeros-units.nix) left in /etc/systemd/system, and
# NixOS's firewall opening the ports `hsos-agent plan --json` lists for
# the same node.json (nix/lib/firewall.nix against the agent), its port
# table nix/lib/clients.json being what HSOS_CLIENTS_JSON (hsos-clients-json)
# prints of the agent's client descriptions; wrong settings
# (tests/nix/wrong/) are the module system's errors naming the option; every
# homestakeros option has its place in node.json, with its default.
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
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done; }

# Every .nix file parses.
for f in $(cd "$TOP" && find . -name '*.nix' -not -path './build/*' -not -path './.git/*' | sort); do
        f=${f#./}
        if nix-instantiate --parse "$TOP/$f" >/dev/null 2>"$T/err"; then ok "$f parses"
        else not_ok "$f parses" "$(cat "$T/err")"; fi
done

# nix/lib/clients.json, the port table nix/lib/firewall.nix reads, is the
# agent's: what hsos-clients-json prints of the clients' descriptions
# (agent/core/clients/), to the byte (make clients-json-update writes it).
if [ -z "${HSOS_CLIENTS_JSON:-}" ]; then
        n=$((n + 1))
        echo "ok $n - nix/lib/clients.json is what hsos-clients-json prints # SKIP HSOS_CLIENTS_JSON names no program (make check-nix builds it)"
elif ! "$HSOS_CLIENTS_JSON" >"$T/clients-table.json" 2>"$T/err"; then
        not_ok "nix/lib/clients.json is what hsos-clients-json prints" "$(cat "$T/err")"
elif diff -u "$TOP/nix/lib/clients.json" "$T/clients-table.json" >"$T/diff"; then
        ok "nix/lib/clients.json is what hsos-clients-json prints ($(jq length "$T/clients-table.json") clients)"
else
        not_ok "nix/lib/clients.json is what hsos-clients-json prints (make clients-json-update)" "$(cat "$T/diff")"
fi

# nix/module.nix is evaluated by nixpkgs' real module system, with
# HomestakerOS's real option declarations: both in ../shared/data/ beside
# the repository (HSOS_NIXPKGS_LIB, HSOS_HOMESTAKEROS_OPTIONS name others).
NIXPKGS_LIB=${HSOS_NIXPKGS_LIB:-$TOP/../shared/data/nixpkgs-lib}
HS_OPTIONS=${HSOS_HOMESTAKEROS_OPTIONS:-$TOP/../shared/data/homestakeros-module/options.nix}

# evaluate CASE WHAT OUT: tests/nix/eval.nix on a case, its JSON in OUT.
evaluate() {
        nix-instantiate --eval --strict --json "$HERE/eval.nix" --argstr nixpkgsLib "$NIXPKGS_LIB" \
                --argstr homestakerosOptions "$HS_OPTIONS" --argstr case "$1" --argstr what "$2" >"$3" 2>"$T/err"
}

# same NAME GOT EXPECTED: equal JSON documents.
same() {
        if [ "${UPDATE:-}" = 1 ]; then cp "$2" "$3"; fi
        if diff -u "$3" "$2" >"$T/diff" 2>&1; then ok "$1"
        else not_ok "$1" "$(cat "$T/diff")"; fi
}

# check NAME [JQ-OPTIONS...] JQ-PROGRAM FILE: the program says true of the
# file.
check() {
        check_name=$1; shift
        if [ "$(jq "$@" 2>&1)" = true ]; then ok "$check_name"
        else not_ok "$check_name" "$(jq "$@" 2>&1)"; fi
}

# units_json: the dependencies initrd-hooks/*.service declare, by unit name:
# [Unit] After=, Before=, Wants=, Requires=, BindsTo=, Conflicts=, [Install]
# WantedBy=, RequiredBy=, as lists (lines add up, an empty value empties the
# list, as systemd reads them).
units_json() {
        for f in "$TOP"/initrd-hooks/*.service; do
                awk '/^[ \t]*([#;]|$)/ { next }
                        /^\[/ { section = $0; next }
                        { k = $0; sub(/[ \t]*=.*/, "", k); v = $0; sub(/^[^=]*=[ \t]*/, "", v) }
                        section == "[Unit]" && k ~ /^(After|Before|Wants|Requires|BindsTo|Conflicts)$/ \
                        || section == "[Install]" && k ~ /^(WantedBy|RequiredBy)$/ { print k "\t" v }' "$f" \
                | jq -R -s --arg u "$(basename "$f" .service)" 'split("\n") | map(select(. != "") | split("\t"))
                        | reduce .[] as [$k, $v] ({after: [], before: [], wants: [], requires: [], bindsTo: [], conflicts: [], wantedBy: [], requiredBy: []};
                                (($k[:1] | ascii_downcase) + $k[1:]) as $key
                                | .[$key] = (if $v == "" then [] else .[$key] + [$v | splits("[ \t]+") | select(. != "")] end))
                        | {($u): .}'
        done | jq -s add
}

# system CASE NAME EXPECTED [EXPECTED-SYSTEM]: the checks of one evaluated
# configuration; EXPECTED-SYSTEM is EXPECTED's .system.json unless given.
system() {
        c=$1 name=$2 expected=$3 expected_system=${4:-${3%.json}.system.json}
        if ! evaluate "$c" system "$T/sys.json"; then
                not_ok "$name: the configuration evaluates" "$(cat "$T/err")"
                return
        fi
        ok "$name: the configuration evaluates"
        jq -r .nodeJson.text "$T/sys.json" >"$T/node.json"
        if "$HSOS_AGENT" validate --config "$T/node.json" >"$T/out" 2>&1; then ok "$name: hsos-agent validate accepts /etc/hsos/node.json"
        else not_ok "$name: hsos-agent validate accepts /etc/hsos/node.json" "$(cat "$T/out")"; fi
        jq -S . "$T/node.json" >"$T/$name.json"
        same "$name: /etc/hsos/node.json is the expected document" "$T/$name.json" "$expected"
        check "$name: /etc/hsos/node.json is services.hsos-agent.nodeJson, which runs hsos-agent validate on it" \
                '.nodeJson.isOption and .nodeJson.validatedBy == "\(.packages.agent)/bin/hsos-agent validate --config \(.nodeJson.writtenPath)\ncp \(.nodeJson.writtenPath) $out\n"' "$T/sys.json"
        # The agent's units: their ordering is in the package's unit files
        # (initrd-hooks/*.service, read here by units_json), which NixOS
        # takes from systemd.packages; it reads no [Install], so the module
        # declares systemd.services.<unit>.wantedBy/requiredBy of it, and
        # nothing more (an After= set there too would be written again, in
        # the unit's overrides.conf). The module's reading of the files
        # (services.hsos-agent.units) is this test's own.
        check "$name: services.hsos-agent.units is what initrd-hooks/*.service declare ([Unit], [Install])" \
                --argjson files "$(cat "$T/unit-files.json")" '.agentUnits == $files' "$T/sys.json"
        check "$name: systemd.services.<unit> is wanted as the unit file's [Install] says, and orders nothing the file does not" \
                --argjson files "$(cat "$T/unit-files.json")" '.services as $s | [$files | to_entries[] | .key as $u | .value as $f
                        | select(if $f.wantedBy == [] and $f.requiredBy == [] then $s | has($u)
                                else ($s[$u] // {}) | (.enable and .wantedBy == $f.wantedBy and .requiredBy == $f.requiredBy
                                        and .after == [] and .before == [] and .wants == [] and .requires == []) | not end)
                        | $u] | if . == [] then true else {disagree: ., services: $s} end' "$T/sys.json"
        # What the ordering is, as systemd gets it on NixOS: the unit file's
        # [Unit] lines and what systemd.services adds (its overrides.conf);
        # [Install] NixOS does not read: systemd.services' wantedBy alone.
        jq --argjson files "$(cat "$T/unit-files.json")" '.services as $s | $files | with_entries(.key as $u
                | .value |= with_entries(.key as $k | .value = (if $k == "wantedBy" or $k == "requiredBy" then [] else .value end) + ($s[$u][$k] // [])))' \
                "$T/sys.json" >"$T/ordering.json"
        check "$name: hsos-agent-mount: before local-fs.target, wanted by it (and only by it); not restarted by a switch" \
                --slurpfile sys "$T/sys.json" '."hsos-agent-mount" | (.before | index("local-fs.target")) != null and .wantedBy == ["local-fs.target"]
                        and $sys[0].services."hsos-agent-mount".restartIfChanged == false' "$T/ordering.json"
        check "$name: hsos-agent: after (and wanting) hsos-agent-mount.service, after network.target, wanted by multi-user.target; reloaded when node.json changes" \
                --slurpfile sys "$T/sys.json" '."hsos-agent" | (.after | index("hsos-agent-mount.service")) != null and (.after | index("network.target")) != null
                        and (.wants | index("hsos-agent-mount.service")) != null and .wantedBy == ["multi-user.target"]
                        and $sys[0].services."hsos-agent".reloadTriggers == [$sys[0].nodeJson.etcSource]' "$T/ordering.json"
        check "$name: hsos-agent-net: wanted by nothing (the daemon starts it), bound to hsos-agent.service" \
                '."hsos-agent-net" | .wantedBy == [] and .requiredBy == [] and .bindsTo == ["hsos-agent.service"]' "$T/ordering.json"
        check "$name: /etc/systemd/system has systemd.services' hsos-agent and hsos-agent-mount, enabled, and no hsos-agent-net of its own" \
                '.units.enabled as $e | ($e | index("hsos-agent.service")) != null and ($e | index("hsos-agent-mount.service")) != null
                        and ($e | index("hsos-agent-net.service")) == null and .services."hsos-agent".enable and .services."hsos-agent-mount".enable' "$T/sys.json"
        check "$name: the package's units (systemd.packages) and its command (environment.systemPackages)" \
                '.packages.systemd == [.packages.agent] and .packages.environment == [.packages.agent]' "$T/sys.json"
        check "$name: no assertion fails" '.failedAssertions == []' "$T/sys.json"
        # HomestakerOS's units the agent replaces are off. With HomestakerOS's
        # current module, the units it defines for the case's settings
        # (tests/nix/homestakeros-units.nix records which) are evaluated,
        # and none is among the units NixOS writes to /etc/systemd/system
        # (enabledUnits, as nixpkgs computes it: tests/nix/nixos-options.nix):
        # neither one that would run a client a second time on the same
        # data nor the /dev/null NixOS writes for one whose enable is false,
        # which would mask the agent's unit of that name. And every name the
        # module suppresses is one HomestakerOS defines. (An older module's
        # units are not recorded here: its list is expected/*.system.json's.)
        case $(jq -r .units.homestakerosModule "$T/sys.json") in
        current)
                check "$name: no unit of HomestakerOS's module is left in /etc/systemd/system: $(jq -r '.units.homestakeros | join(" ")' "$T/sys.json")" \
                        '.units.enabled as $e | [.units.homestakeros[] | select(. as $u | $e | index($u))] as $on
                        | if $on == [] then true else {leftInEtc: $on, homestakeros: .units.homestakeros} end' "$T/sys.json"
                check "$name: every unit the module suppresses is one HomestakerOS's module defines" \
                        '(.suppressedUnits - .units.homestakeros) as $x | if $x == [] then true else {suppressedNotDefined: $x} end' "$T/sys.json" ;;
        null)
                check "$name: without HomestakerOS's module, no unit is suppressed" '.suppressedUnits == [] and .units.homestakeros == []' "$T/sys.json" ;;
        esac
        # The users of hsos-agent.sysusers: system users, each in its own
        # group of the same number; hsos-net too; the hsos group; core.
        want=$(sed -n 's/^u  *\([^ ]*\)  *\([0-9]*\) .*/\1 \2/p' "$TOP/initrd-hooks/hsos-agent.sysusers" | sort)
        got=$(jq -r '. as $s | .users | to_entries[] | select(.value.isSystemUser and .value.group == .key and $s.groups[.key].gid == .value.uid) | "\(.key) \(.value.uid)"' "$T/sys.json" | sort)
        if [ -n "$want" ] && [ "$want" = "$got" ]; then ok "$name: every user of hsos-agent.sysusers, its uid its group's gid ($(echo "$got" | wc -l))"
        else not_ok "$name: every user of hsos-agent.sysusers, its uid its group's gid" "want: $want" "got: $got"; fi
        check "$name: hsos-net (830), the network helper, is one of them" '.users."hsos-net".uid == 830 and .users."hsos-net".isSystemUser' "$T/sys.json"
        check "$name: the hsos group, and core, a normal user in it with node.json's ssh keys" \
                '(.groups | has("hsos")) and .users.core.isNormalUser and (.users.core.extraGroups | index("hsos")) != null and .users.core.sshKeys == (.nodeJson.text | fromjson | .ssh.authorizedKeys // [])' "$T/sys.json"
        check "$name: networking.hostName and time.timeZone are node.json's" \
                '(.nodeJson.text | fromjson | .localization) as $l | .hostName == ($l.hostname // "homestaker") and .timeZone == ($l.timezone // "UTC")' "$T/sys.json"
        # HomestakerOS's NixOS keeps the clock synchronised (a validator with
        # a wrong clock misses its duties): the module neither sets
        # services.timesyncd.enable (only its declaration's default does)
        # nor suppresses systemd-timesyncd.
        check "$name: time stays synchronised: services.timesyncd.enable is NixOS's default, true, and systemd-timesyncd runs from sysinit.target" \
                '.timeSync.enable == true and .timeSync.definedIn == ["tests/nix/nixos-options.nix"] and .timeSync.unit == {enable: true, wantedBy: ["sysinit.target"]} and (.suppressedUnits | index("systemd-timesyncd.service")) == null' "$T/sys.json"
        # The firewall. NixOS's in charge: node.json leaves the agent's own
        # table out, and nix/module.nix opens in networking.firewall the ports
        # `hsos-agent plan --json` lists for the same node.json with the
        # agent's firewall on (the real binary: logic of nix/lib/firewall.nix
        # that drifts from the agent's fails here):
        # open ones to everyone, the APIs on the WireGuard interface only
        # (loopback NixOS accepts whole), ssh by sshd's openFirewall, else
        # by the module. NixOS's off: the agent's own stays on.
        jq '.agent.firewall.enable = true' "$T/node.json" >"$T/fw-node.json"
        rm -rf "$T/fw-units" && mkdir "$T/fw-units"
        if ! "$HSOS_AGENT" plan --json --config "$T/fw-node.json" --units-dir "$T/fw-units" >"$T/fw-plan.json" 2>"$T/out"; then
                not_ok "$name: hsos-agent plan --json, the agent's firewall on" "$(cat "$T/out")"
        elif [ "$(jq .firewall.enable "$T/sys.json")" = true ]; then
                check "$name: NixOS's firewall in charge: node.json has agent.firewall.enable false (true where settings say so)" \
                        '(.nodeJson.text | fromjson | .agent.firewall.enable) == .agentFirewallKept' "$T/sys.json"
                jq -S --slurpfile sys "$T/sys.json" '$sys[0].firewall.ssh as $ssh | .firewall.open as $o
                        | def ports(s; p): [$o[] | select(s and (.proto | test(p))) | .port] | unique;
                        { allowedTCPPorts: (ports(.why != "ssh" and .only == null; "tcp")
                                + (if $ssh.enable and ($ssh.openFirewall | not) then $ssh.ports else [] end) | unique),
                          allowedUDPPorts: ports(.why != "ssh" and .only == null; "udp"),
                          interfaces: ([$o[] | select(.only != null and .only != "lo") | .only] | unique
                                | map(. as $i | {key: $i, value: {allowedTCPPorts: ports(.only == $i; "tcp"), allowedUDPPorts: ports(.only == $i; "udp")}})
                                | from_entries) }' "$T/fw-plan.json" >"$T/fw-want.json"
                jq -S '.firewall | { allowedTCPPorts: (.byModule.allowedTCPPorts | unique), allowedUDPPorts: (.byModule.allowedUDPPorts | unique), interfaces }' \
                        "$T/sys.json" >"$T/fw-got.json"
                if diff -u "$T/fw-want.json" "$T/fw-got.json" >"$T/diff"; then
                        ok "$name: networking.firewall opens the ports hsos-agent plan does: $(jq -c . "$T/fw-got.json")"
                else not_ok "$name: networking.firewall opens the ports hsos-agent plan does" "$(cat "$T/diff")" "$(jq -c .firewall.open "$T/fw-plan.json")"; fi
                check "$name: ssh, 22/tcp the agent always opens, is open in NixOS's firewall wherever sshd runs" \
                        '.firewall as $f | ($f.ssh.enable | not) or ($f.ssh.ports | index(22)) != null and ($f.ssh.openFirewall or ($f.allowedTCPPorts | index(22)) != null)' "$T/sys.json"
                check "$name: ... and hsos-agent plan opens it" '[.firewall.open[] | select(.why == "ssh" and .port == 22 and .only == null)] | length == 1' "$T/fw-plan.json"
        else
                check "$name: NixOS's firewall off: the agent's own stays on, and the module opens nothing" \
                        '(.nodeJson.text | fromjson | .agent.firewall.enable // true) and .firewall.byModule == {allowedTCPPorts: [], allowedUDPPorts: []} and .firewall.interfaces == {}' "$T/sys.json"
        fi
        # What else the evaluated config says (HomestakerOS's units left out,
        # the warnings, the firewall, the initrd stage, ...), as reviewed.
        jq -S 'del(.nodeJson, .packages, .services, .agentUnits, .users, .groups, .agentFirewallKept)' "$T/sys.json" >"$T/$name.system.json"
        same "$name: HomestakerOS's units left out, warnings, firewall, initrd are the expected ones" \
                "$T/$name.system.json" "$expected_system"
}

if [ ! -d "$NIXPKGS_LIB/lib" ] || [ ! -f "$HS_OPTIONS" ]; then
        n=$((n + 1))
        echo "ok $n - nix/module.nix evaluated by lib.evalModules # SKIP nixpkgs' lib or HomestakerOS's options.nix is missing ($NIXPKGS_LIB, $HS_OPTIONS)"
else
        if units_json >"$T/unit-files.json" 2>"$T/err" && [ "$(jq 'keys' "$T/unit-files.json")" = "$(printf '[\n  "hsos-agent",\n  "hsos-agent-mount",\n  "hsos-agent-net"\n]')" ]; then
                ok "initrd-hooks/*.service: the [Unit]/[Install] dependencies of hsos-agent, hsos-agent-mount, hsos-agent-net: $(jq -c . "$T/unit-files.json")"
        else
                not_ok "initrd-hooks/*.service: the [Unit]/[Install] dependencies of hsos-agent, hsos-agent-mount, hsos-agent-net" "$(cat "$T/err" "$T/unit-files.json")"
        fi
        for c in $(cd "$HERE/cases" && ls *.nix | sed 's/\.nix$//'); do
                system "cases/$c" "$c" "$HERE/expected/$c.json"
        done
        # One node per client HomestakerOS's options.nix declares, written
        # only with homestakeros options (tests/nix/client-node.nix): its
        # node.json is the expected one, validate names the client enabled,
        # and `hsos-agent plan` makes of it the client's units, each running
        # the executable agent.packages names.
        if evaluate "" clients "$T/clients.json"; then
                for cl in $(jq -r '.[]' "$T/clients.json"); do
                        system "client/$cl" "client-$cl" "$HERE/expected/client-$cl.json"
                        [ -s "$T/client-$cl.json" ] || continue
                        nix-instantiate --eval --strict --json -E "(import $HERE/client-node.nix { client = \"$cl\"; }).units" >"$T/units.json" 2>"$T/err" \
                                || { not_ok "client-$cl: the units it makes" "$(cat "$T/err")"; continue; }
                        # ssv-node has no enable of its own: validate names
                        # the clients it runs beside.
                        want=$(jq -r 'map(sub("\\.service$"; "") | sub("^wg-quick-.*"; "wireguard")) - ["ssv-node"] | join(", ")' "$T/units.json")
                        "$HSOS_AGENT" validate --config "$T/node.json" >"$T/out" 2>&1
                        expect="$T/node.json: valid: host $cl-node on mainnet; enabled: $want; 1 mount enabled"
                        [ "$(cat "$T/out")" = "$expect" ] && ok "client-$cl: hsos-agent validate: enabled: $want" \
                                || not_ok "client-$cl: hsos-agent validate: enabled: $want" "want: $expect" "got: $(cat "$T/out")"
                        rm -rf "$T/units" && mkdir "$T/units"
                        if "$HSOS_AGENT" plan --config "$T/node.json" --json --units-dir "$T/units" >"$T/plan.json" 2>"$T/out"; then
                                check "client-$cl: hsos-agent plan makes its units: $(jq -r 'join(" ")' "$T/units.json")" \
                                        "[.units[].name] == $(cat "$T/units.json")" "$T/plan.json"
                                bad=""
                                for u in $(jq -r '.[]' "$T/units.json"); do
                                        exe=$(jq -r --arg u "$u" '.agent.packages[$u | sub("\\.service$"; "") | sub("^wg-quick-.*"; "wireguard")] // empty' "$T/node.json")
                                        [ -n "$exe" ] && grep -q "^ExecStart=$exe " "$T/units/$u" 2>/dev/null || bad="$bad $u(${exe:-no agent.packages})"
                                done
                                [ -z "$bad" ] && ok "client-$cl: each unit runs the store path agent.packages names" \
                                        || not_ok "client-$cl: each unit runs the store path agent.packages names" "not so:$bad" "$(grep -h '^ExecStart=' "$T/units"/* 2>&1)"
                        else
                                not_ok "client-$cl: hsos-agent plan makes its units" "$(cat "$T/out")"
                        fi
                done
        else
                not_ok "the clients HomestakerOS declares" "$(cat "$T/err")"
        fi

        # flake.nix's example nodes (without HomestakerOS's base and kexecTree).
        system example example "$HERE/expected/example.json"
        system example-homestakeros example-homestakeros "$HERE/expected/example-homestakeros.json"
        if [ -s "$T/example.json" ]; then
                # NixOS's firewall in charge: the agent's own is left out.
                jq -S '.agent.firewall.enable = false' "$TOP/examples/node.json" >"$T/examples-node.json"
                diff -u "$T/examples-node.json" "$T/example.json" >"$T/diff" \
                        && ok "example: its node.json is examples/node.json, agent.firewall.enable false" \
                        || not_ok "example: its node.json is examples/node.json, agent.firewall.enable false" "$(cat "$T/diff")"
        fi

        # The web UI's node, as HomestakerOS's module hands it over, becomes
        # the web UI's own node.json again, with only agent.packages added.
        if [ -s "$T/team-node.json" ]; then
                jq -S 'del(.agent)' "$T/team-node.json" >"$T/team-node.noagent.json"
                jq -S . "$TOP/tests/fixtures/configs/webui-team-node.json" >"$T/webui.json"
                diff -u "$T/webui.json" "$T/team-node.noagent.json" >"$T/diff" \
                        && ok "team-node: the web UI's node.json comes back unchanged, agent.packages added" \
                        || not_ok "team-node: the web UI's node.json comes back unchanged, agent.packages added" "$(cat "$T/diff")"
        fi

        # Every node.json the web UI writes (tests/fixtures/configs/webui-*)
        # given back as NixOS settings (tests/nix/fixture-node.nix: its
        # sections as homestakeros options) is the same document through
        # the module: /etc/hsos/node.json is the web UI's own, and
        # hsos-agent sees the same node in both (validate, plan --json).
        for f in $(cd "$TOP/tests/fixtures/configs" && ls webui-*.json | sed 's/\.json$//'); do
                # ... and agent.firewall.enable false: NixOS's firewall is in charge.
                jq -S '.agent.firewall.enable = false' "$TOP/tests/fixtures/configs/$f.json" >"$T/$f.webui.json"
                system "fixture/$f" "fixture-$f" "$T/$f.webui.json" "$HERE/expected/fixture-$f.system.json"
                [ -s "$T/fixture-$f.json" ] || continue
                "$HSOS_AGENT" validate --config "$TOP/tests/fixtures/configs/$f.json" 2>&1 | sed 's|^[^:]*: ||' >"$T/webui.out"
                "$HSOS_AGENT" validate --config "$T/node.json" 2>&1 | sed 's|^[^:]*: ||' >"$T/module.out"
                diff -u "$T/webui.out" "$T/module.out" >"$T/diff" && ok "fixture-$f: hsos-agent validate says the same of both: $(cat "$T/module.out")" \
                        || not_ok "fixture-$f: hsos-agent validate says the same of both" "$(cat "$T/diff")"
                rm -rf "$T/webui.units" "$T/module.units" && mkdir "$T/webui.units" "$T/module.units"
                "$HSOS_AGENT" plan --json --config "$TOP/tests/fixtures/configs/$f.json" --units-dir "$T/webui.units" >"$T/webui.plan" 2>&1
                # With the agent's firewall on in both (NixOS's is in charge
                # of the module's: its ports are checked above).
                "$HSOS_AGENT" plan --json --config "$T/fw-node.json" --units-dir "$T/module.units" >"$T/module.plan" 2>&1
                { diff -u "$T/webui.plan" "$T/module.plan" && diff -ru "$T/webui.units" "$T/module.units"; } >"$T/diff" \
                        && ok "fixture-$f: hsos-agent plan makes the same node of both, the same $(ls "$T/module.units" | wc -l) unit files" \
                        || not_ok "fixture-$f: hsos-agent plan makes the same node of both" "$(head -40 "$T/diff")"
        done

        # Wrong settings are errors of the module system naming the option.
        for w in $(cd "$HERE/wrong" && ls *.nix | sed 's/\.nix$//'); do
                want=$(nix-instantiate --eval --strict --json "$HERE/wrong/$w.nix" -A error 2>&1 | jq -r .)
                if evaluate "wrong/$w" system "$T/sys.json"; then
                        not_ok "wrong/$w: refused by the module system" "it evaluates"
                elif grep -qF "error: $want" "$T/err"; then ok "wrong/$w: refused, naming the option: $want"
                else not_ok "wrong/$w: refused, naming the option: $want" "$(head -20 "$T/err")"; fi
        done

        # Every option HomestakerOS declares has its place in node.json, with
        # HomestakerOS's default, walked from options.nix itself.
        if evaluate "" options "$T/options.json"; then
                total=$(jq '.declared | length' "$T/options.json")
                [ "$total" -gt 40 ] && ok "options.nix declares $total options, walked from its declarations" \
                        || not_ok "options.nix declares $total options, walked from its declarations"
                jq -r '.declared[] | select(.inNodeJson != .default) | "homestakeros.\(.path): default \(.default | tojson), node.json \(.inNodeJson | tojson)"' \
                        "$T/options.json" >"$T/missed"
                [ ! -s "$T/missed" ] && ok "every homestakeros option is in node.json with its default" \
                        || not_ok "every homestakeros option is in node.json with its default" "$(cat "$T/missed")"
                check "the defaults give no warning (nothing dropped)" '.warnings == []' "$T/options.json"
                jq -r .nodeJson "$T/options.json" >"$T/defaults.json"
                "$HSOS_AGENT" validate --config "$T/defaults.json" >"$T/out" 2>&1 \
                        && ok "the defaults' node.json is valid" || not_ok "the defaults' node.json is valid" "$(cat "$T/out")"
                jq -r .nodeJsonWithMount "$T/options.json" >"$T/defaults-mount.json"
                "$HSOS_AGENT" validate --config "$T/defaults-mount.json" >"$T/out" 2>&1 \
                        && ok "the defaults' node.json with one mount is valid" || not_ok "the defaults' node.json with one mount is valid" "$(cat "$T/out")"
                # But for the agent's firewall, left to NixOS's.
                jq -S 'del(.agent.firewall.enable) | if .agent == {firewall: {}} then del(.agent) else . end' "$T/defaults.json" >"$T/defaults.sorted.json"
                jq -S . "$TOP/tests/fixtures/configs/webui-defaults.json" >"$T/webui-defaults.json"
                diff -u "$T/webui-defaults.json" "$T/defaults.sorted.json" >"$T/diff" \
                        && ok "the defaults' node.json is the web UI's (tests/fixtures/configs/webui-defaults.json)" \
                        || not_ok "the defaults' node.json is the web UI's (tests/fixtures/configs/webui-defaults.json)" "$(cat "$T/diff")"
        else
                not_ok "options.nix's declarations evaluate" "$(cat "$T/err")"
        fi
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
        for f in bin/hsos-agent bin/hsos-agent-net lib/systemd/system/hsos-agent-mount.service \
                 lib/systemd/system/hsos-agent.service lib/systemd/system/hsos-agent-net.service lib/sysusers.d/hsos-agent.conf lib/systemd/catalog/hsos-agent.catalog share/man/man1/hsos-agent.1; do
                [ -f "$out/$f" ] || missing="$missing $f"
        done
        [ -z "$missing" ] && ok "package: binary, units, sysusers.d, catalog and man page in \$out" \
                || not_ok "package: binary, units, sysusers.d, catalog and man page in \$out" "missing:$missing"
        grep -q "^ExecStart=$out/bin/hsos-agent run " "$out/lib/systemd/system/hsos-agent.service" \
                && grep -q "^ExecStart=$out/bin/hsos-agent mount " "$out/lib/systemd/system/hsos-agent-mount.service" \
                && grep -q "^ExecStart=$out/bin/hsos-agent-net child " "$out/lib/systemd/system/hsos-agent-net.service" \
                && ok "package: the units name \$out/bin/hsos-agent(-net)" || not_ok "package: the units name \$out/bin/hsos-agent(-net)"
        grep -q '^ExecReload=/bin/kill' "$out/lib/systemd/system/hsos-agent.service" \
                && ok "package: the ExecReload=/bin/kill postInstall replaces is there" \
                || not_ok "package: the ExecReload=/bin/kill postInstall replaces is there"
else
        not_ok "make install PREFIX=\$out, as package.nix runs it" "$(tail -20 "$T/install.log")"
fi

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ $failed = 0 ]
