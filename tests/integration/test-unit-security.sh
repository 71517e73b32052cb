#!/bin/sh
# Every unit the agent writes, for every client, is read by systemd's own
# parser without a single warning (systemd-analyze verify), and scored by
# systemd-analyze security --offline within the bounds the project promises:
# at most 2.0 for geth, erigon, reth, lighthouse, prysm, nimbus, mev-boost;
# at most 3.0 for the JIT runtimes besu, teku, nethermind, lodestar, and
# ssv-node. (A unit as HomestakerOS writes it scores 9.6, "UNSAFE".)
# The agent's own units, as make install ships them, likewise: read without
# a warning, hsos-agent.service (the daemon, root) scored at most 5.0 and
# hsos-agent-mount.service at most 4.0 (both scored 9.6 unhardened), and
# neither with a directive that would give it a mount namespace of its own,
# where the disks it mounts would not reach the host; hsos-agent-net.service
# (the daemon's network helper, unprivileged, sandboxed in every way)
# scored at most 2.0.
. "$(dirname "$0")/lib.sh"
A=$HSOS_AGENT
command -v systemd-analyze >/dev/null || skip_all "systemd-analyze is not installed"
systemd-analyze security --help 2>/dev/null | grep -q -- --offline || skip_all "systemd-analyze has no --offline (systemd < 250)"

# Every executable found, as /usr/bin/true, so verify can check the command lines.
facts() {
        cat <<JSON
{ "devices": [ { "devname": "/dev/vdb", "type": "ext4", "label": "data" } ],
  "mounts": [ { "target": "/", "source": "rootfs", "fstype": "rootfs", "options": "rw" },
              { "target": "/mnt", "source": "/dev/vdb", "fstype": "ext4", "options": "rw" } ],
  "addresses": [ { "interface": "wg0", "address": "10.8.0.2" } ],
  "files": [ { "path": "/mnt/secrets/jwt.hex", "state": "present" }, { "path": "/mnt/secrets/wg0.conf", "state": "present" } ],
  "executables": { "geth": "/usr/bin/true", "nethermind": "/usr/bin/true", "besu": "/usr/bin/true", "erigon": "/usr/bin/true",
     "reth": "/usr/bin/true", "lighthouse": "/usr/bin/true", "beacon-chain": "/usr/bin/true", "teku": "/usr/bin/true",
     "nimbus_beacon_node": "/usr/bin/true", "lodestar": "/usr/bin/true", "mev-boost": "/usr/bin/true",
     "ssvnode": "/usr/bin/true", "wg-quick": "/usr/bin/true" } }
JSON
}
facts >"$T/facts.json"

node() { # EL CL: one execution and one consensus client (two of a kind would share ports)
        cat <<JSON
{ "mounts": { "data": { "enable": true, "what": "LABEL=data", "where": "/mnt", "type": "ext4" } },
  "vpn": { "wireguard": { "enable": true } },
  "execution": { "$1": { "enable": true, "extraOptions": ["--x=\"a b\"", "; rm -rf /", "%h\$HOME"] } },
  "consensus": { "$2": { "enable": true, "slasher": $3 } },
  "addons": { "mev-boost": { "enable": true } } }
JSON
}

bound() {
        case $1 in
        besu|teku|nethermind|lodestar|ssv-node) echo 3.0 ;;
        wg-quick-*) echo 6.0 ;;
        *) echo 2.0 ;;
        esac
}

seen=""
for pair in "geth lighthouse" "nethermind prysm" "besu teku" "erigon nimbus" "reth lodestar"; do
        set -- $pair
        slasher='{"enable": true}'
        [ "$2" = lighthouse ] || [ "$2" = prysm ] || slasher=null
        node "$1" "$2" "$slasher" | sed 's/"slasher": null, //; s/, "slasher": null//' >"$T/node-$1.json"
        rm -rf "$T/units"
        if ! "$A" plan -c "$T/node-$1.json" -f "$T/facts.json" --units-dir "$T/units" >"$T/plan" 2>&1; then
                not_ok "plan for $pair" "$(cat "$T/plan")"; continue
        fi
        for f in "$T"/units/*.service; do
                u=$(basename "$f" .service)
                case " $seen " in *" $u "*) continue ;; esac
                seen="$seen $u"
                out=$(systemd-analyze verify --man=no "$f" 2>&1)
                if [ -z "$out" ]; then ok "$u.service: systemd reads it without a warning"
                else not_ok "$u.service: systemd reads it without a warning" "$out"; fi
                score=$(systemd-analyze security --offline=true "$f" 2>/dev/null | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
                b=$(bound "$u")
                if [ -n "$score" ] && awk "BEGIN { exit !($score <= $b) }"; then ok "$u.service scores $score (at most $b)"
                else not_ok "$u.service scores ${score:-nothing} (at most $b)" "$(systemd-analyze security --offline=true "$f" 2>&1 | grep -v '^✓' | head -40)"; fi
        done
done
for u in geth nethermind besu erigon reth lighthouse prysm teku nimbus lodestar mev-boost ssv-node; do
        case " $seen " in *" $u "*) ;; *) not_ok "$u.service was rendered and scored" ;; esac
done

# The agent's own units. PREFIX below $T: they name a binary that exists, for verify.
P=$T/prefix/usr
if make -s -C "$TOP" install PREFIX="$P" BIN="$A" >"$T/install.log" 2>&1; then
        for u in hsos-agent.service:5.0 hsos-agent-mount.service:4.0 hsos-agent-net.service:2.0; do
                b=${u#*:}; u=${u%:*}; f=$P/lib/systemd/system/$u
                out=$(systemd-analyze verify --man=no "$f" 2>&1)
                if [ -z "$out" ]; then ok "$u (the agent's): systemd reads it without a warning"
                else not_ok "$u (the agent's): systemd reads it without a warning" "$out"; fi
                score=$(systemd-analyze security --offline=true "$f" 2>/dev/null | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
                if [ -n "$score" ] && awk "BEGIN { exit !($score <= $b) }"; then ok "$u (the agent's) scores $score (at most $b)"
                else not_ok "$u (the agent's) scores ${score:-nothing} (at most $b)" "$(systemd-analyze security --offline=true "$f" 2>&1 | grep -v '^✓' | head -60)"; fi
                [ "$u" = hsos-agent-net.service ] && continue # it mounts nothing: a namespace is its sandbox
                # Each of these makes systemd put the service in a mount
                # namespace whose mounts are slaves of the host's: what the
                # agent mounts would not be seen by the clients (MountFlags=
                # cannot undo it; systemd.exec(5)).
                ns=$(grep -E '^(PrivateTmp|PrivateDevices|PrivateMounts|ProtectSystem|ProtectHome|ProtectKernelTunables|ProtectKernelModules|ProtectKernelLogs|ProtectControlGroups|ProtectProc|ProcSubset|ReadOnlyPaths|ReadWritePaths|InaccessiblePaths|ExecPaths|NoExecPaths|TemporaryFileSystem|BindPaths|BindReadOnlyPaths|MountFlags|RootDirectory|RootImage|MountAPIVFS|LogNamespace|NetworkNamespacePath)=' "$f" \
                        | grep -vE '=(no|false|0|off|)$')
                if [ -z "$ns" ]; then ok "$u (the agent's) runs in the host's mount namespace: its mounts are everyone's"
                else not_ok "$u (the agent's) runs in the host's mount namespace: its mounts are everyone's" "$ns"; fi
        done
else
        not_ok "make install PREFIX=... (the agent's units)" "$(cat "$T/install.log")"
fi
finish
