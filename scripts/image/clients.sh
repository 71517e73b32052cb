#!/bin/sh
# make image CLIENTS=DIR: bakes the Ethereum clients into the image. Debian
# packages none of them; a user downloads each client's official release
# (docs/image.md says where) and puts its executable in DIR under the name
# the agent runs: geth, nethermind, besu, erigon, reth, lighthouse,
# beacon-chain (prysm), teku, nimbus_beacon_node, lodestar, mev-boost,
# ssvnode. A release that is a whole directory (teku, besu, nethermind,
# lodestar) goes in as a directory of that name, its program at bin/NAME or
# NAME inside.
#
# Each enabled client's executable is copied to /opt/hsos/clients/NAME/ in the
# layer STAGE, with the shared libraries ldd finds for it that the image's
# base lacks (at their own paths), and node.json's agent.packages names it.
# An enabled client with no executable here or in the base is named: its
# unit will wait in the image ("executable ... was not found").
#   CLIENTS_DIR=DIR sh clients.sh AGENT-BIN NODE-IN NODE-OUT STAGE BASE-LIST [EXTRA-LAYER...]
# BASE-LIST: the paths of the base's files, as `cpio -t` prints them; the
# extra layers (the tests' stand-ins) count as part of the image.
set -eu
bin=$1 node_in=$2 node_out=$3 stage=$4 base_list=$5
shift 5
clients=${CLIENTS_DIR:-} layers=$*

. "$(dirname "$0")/lib.sh"

on_base_path() { # NAME: found in the base as the agent's PATH would
        for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
                in_base "$d/$1" && return 0
        done
        return 1
}

# The enabled clients and the executable each unit runs (as asked).
plan=$(mktemp)
trap 'rm -f "$plan" "$plan.packages"' EXIT
echo '{}' >"$plan.facts"
"$bin" plan --config "$node_in" --facts "$plan.facts" --json >"$plan" 2>/dev/null ||
        { rm -f "$plan.facts"; echo "image: hsos-agent plan cannot read $node_in" >&2; exit 1; }
rm -f "$plan.facts"
units=$(python3 -c '
import json, sys
for u in json.load(open(sys.argv[1]))["units"]:
    print(u["client"], u["executable"])' "$plan")

: >"$plan.packages"
missing=""
if [ -n "$clients" ] && [ ! -d "$clients" ]; then
        echo "image: CLIENTS=$clients is not a directory" >&2
        exit 1
fi
echo "$units" | while read -r client exe; do
        [ -n "$client" ] || continue
        name=$(basename "$exe")
        src=${clients:+$clients/$name}
        if [ -n "$src" ] && [ -e "$src" ]; then
                dest=/opt/hsos/clients/$name
                # agent.packages already names a path: the client goes there.
                [ "${exe#/}" != "$exe" ] && dest=$(dirname "$exe")
                mkdir -p "$stage$dest"
                if [ -d "$src" ] && [ "${exe#/}" != "$exe" ]; then
                        echo "image: agent.packages.$client names the file $exe: put that file in $clients, not a directory" >&2
                        exit 1
                elif [ -d "$src" ]; then
                        cp -a "$src/." "$stage$dest/"
                        if [ -x "$stage$dest/bin/$name" ]; then prog=$dest/bin/$name
                        elif [ -x "$stage$dest/$name" ]; then prog=$dest/$name
                        else echo "image: $src has no executable bin/$name or $name" >&2; exit 1; fi
                else
                        [ -x "$src" ] || { echo "image: $src is not executable" >&2; exit 1; }
                        cp -L "$src" "$stage$dest/$name"
                        chmod 0755 "$stage$dest/$name"
                        prog=$dest/$name
                fi
                # A script's interpreter must be in the image (teku and besu
                # need Java, lodestar Node.js).
                first=$(head -c 2 "$stage$prog")
                if [ "$first" = "#!" ]; then
                        interp=$(head -n 1 "$stage$prog" | sed 's/^#! *//; s/ .*//')
                        [ "$interp" = /usr/bin/env ] && interp=$(head -n 1 "$stage$prog" | awk '{ print $2 }')
                        case $interp in
                        /*) in_base "$interp" || [ -e "$stage$interp" ] ||
                                echo "image: warning: $client runs with $interp, which the image does not carry: its unit will fail to start" >&2 ;;
                        *) on_base_path "$interp" || echo "image: warning: $client runs with $interp, which the image does not carry: its unit will fail to start" >&2 ;;
                        esac
                fi
                # Shared libraries: every ELF file of the client, with what
                # ldd resolves, copied where the base lacks it.
                find "$stage$dest" -type f | while read -r f; do
                        [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
                        libs "$f" | while read -r lib; do
                                in_base "$lib" && continue
                                lib=$(canon "$lib")
                                [ -e "$stage$lib" ] && continue
                                mkdir -p "$stage$(dirname "$lib")"
                                cp -L "$lib" "$stage$lib"
                                echo "image: $client needs $lib (not in the base): copied" >&2
                        done
                        if needed "$f" | grep -q 'not found'; then
                                echo "image: $client: $(needed "$f" | grep 'not found' | tr -s ' \t' ' ' | tr '\n' ';') on this machine either" >&2
                                exit 1
                        fi
                done
                # The image is root's: no setuid bit, nothing others may write
                # (the layer's files all become root's, and core logs in).
                chmod -R u-s,g-s,go-w "$stage$dest"
                printf '%s\t%s\n' "$client" "$prog" >>"$plan.packages"
                echo "image: $client: $prog (from $src)" >&2
        elif [ "${exe#/}" = "$exe" ] && on_base_path "$exe"; then
                : # in the base (wg-quick)
        elif [ "${exe#/}" != "$exe" ] && in_base "$exe"; then
                :
        else
                echo "image: $client is enabled, but no executable $name is ${clients:+in $clients or }in the image: its unit will wait (\"executable $name was not found\")${clients:-; make image CLIENTS=DIR bakes it in}" >&2
        fi
done

# node.json with agent.packages naming what was baked in (a path the user
# set is where the client was put, and stays).
python3 - "$node_in" "$node_out" "$plan.packages" <<'PY'
import json, sys
node = json.load(open(sys.argv[1]))
baked = [l.rstrip("\n").split("\t") for l in open(sys.argv[3]) if l.strip()]
if baked:
    agent = node.get("agent") or {}
    packages = agent.get("packages") or {}
    for client, prog in baked:
        packages.setdefault(client, prog)
    agent["packages"] = packages
    node["agent"] = agent
    json.dump(node, open(sys.argv[2], "w"), indent=4)
    open(sys.argv[2], "a").write("\n")
else:
    open(sys.argv[2], "wb").write(open(sys.argv[1], "rb").read())
PY
"$bin" validate --config "$node_out" >/dev/null || { echo "image: node.json with agent.packages is not valid" >&2; exit 1; }
