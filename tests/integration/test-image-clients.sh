#!/bin/sh
# make image CLIENTS=DIR (scripts/image/clients.sh): the clients' release
# executables are baked into the image's layer with the shared libraries the
# base lacks, and node.json's agent.packages names them; an enabled client
# that is not there is named, with what will happen to its unit. Real
# programs stand in for the downloads: jq (which needs libjq and libonig, not
# in the base) as geth, a directory release with a Java launcher as teku. The
# base's file list is made from the Debian packages the base holds.
. "$(dirname "$0")/lib.sh"
for t in jq python3 dpkg ldd; do command -v $t >/dev/null || skip_all "$t is not installed"; done
S=$TOP/scripts/image/clients.sh

# The base as cpio lists it: usr-merged paths, "./" first.
dpkg -L libc6 libcurl4 wireguard-tools systemd | sed 's#^/lib/#/usr/lib/#; s#^/lib64/#/usr/lib64/#; s#^/bin/#/usr/bin/#; s#^/sbin/#/usr/sbin/#; s#^#.#' >"$T/base.list"

mkdir -p "$T/clients/teku/bin" "$T/clients/teku/lib"
cp "$(command -v jq)" "$T/clients/geth"
chmod 4777 "$T/clients/geth" # a careless download: setuid, writable by all
printf '#!/usr/bin/env java\nexec java -jar "$(dirname "$0")/../lib/teku.jar" "$@"\n' >"$T/clients/teku/bin/teku"
chmod 0755 "$T/clients/teku/bin/teku"
echo jar >"$T/clients/teku/lib/teku.jar"
cat >"$T/node.json" <<'JSON'
{"execution": {"geth": {"enable": true}},
 "consensus": {"teku": {"enable": true}, "lighthouse": {"enable": false}},
 "addons": {"mev-boost": {"enable": true}},
 "vpn": {"wireguard": {"enable": true, "configFile": "/run/secrets/wireguard/wg0"}}}
JSON

mkdir -p "$T/stage/etc/hsos"
CLIENTS_DIR=$T/clients sh "$S" "$HSOS_AGENT" "$T/node.json" "$T/stage/etc/hsos/node.json" "$T/stage" "$T/base.list" >"$T/c.out" 2>&1
expect_exit 0 "clients.sh bakes in what CLIENTS holds" test $? = 0
expect_exit 0 "geth's executable is in the layer" test -x "$T/stage/opt/hsos/clients/geth/geth"
expect_exit 0 "without its setuid bit or others' write (the image is root's)" \
        test "$(stat -c %a "$T/stage/opt/hsos/clients/geth/geth")" = 755
expect_exit 0 "with libjq, which the base lacks" test -e "$T/stage/usr/lib/x86_64-linux-gnu/libjq.so.1"
expect_exit 0 "and libonig" test -e "$T/stage/usr/lib/x86_64-linux-gnu/libonig.so.5"
expect_exit 0 "but not libc, which the base has" test ! -e "$T/stage/usr/lib/x86_64-linux-gnu/libc.so.6"
expect_in "$T/c.out" "geth needs /usr/lib/x86_64-linux-gnu/libjq.so.1 (not in the base): copied" "each library copied is said"
# The copied program runs with the copied libraries and the machine's libc.
LD_LIBRARY_PATH=$T/stage/usr/lib/x86_64-linux-gnu "$T/stage/opt/hsos/clients/geth/geth" --version >"$T/ver" 2>&1
expect_in "$T/ver" "jq-" "the copied executable runs with its copied libraries"
expect_exit 0 "teku's release directory is in the layer" test -x "$T/stage/opt/hsos/clients/teku/bin/teku"
expect_exit 0 "whole" test -e "$T/stage/opt/hsos/clients/teku/lib/teku.jar"
expect_in "$T/c.out" "teku runs with java, which the image does not carry" "a launcher whose interpreter the image lacks is said"
jq -r '.agent.packages.geth, .agent.packages.teku' "$T/stage/etc/hsos/node.json" >"$T/pk" 2>&1
expect_exit 0 "node.json's agent.packages names geth and teku where they are" \
        test "$(cat "$T/pk")" = "$(printf '/opt/hsos/clients/geth/geth\n/opt/hsos/clients/teku/bin/teku')"
expect_exit 0 "the node.json baked in is valid" "$HSOS_AGENT" validate --config "$T/stage/etc/hsos/node.json"
expect_in "$T/c.out" "mev-boost is enabled, but no executable mev-boost is in $T/clients or in the image: its unit will wait" \
        "an enabled client CLIENTS lacks is named, with what happens to its unit"
expect_not_in "$T/c.out" "wireguard is enabled" "wg-quick, which the base has, is not named"
expect_not_in "$T/c.out" "lighthouse" "a disabled client is not named"
# The plan of the baked node.json finds the clients where the image has them.
"$HSOS_AGENT" plan --config "$T/stage/etc/hsos/node.json" --json >"$T/plan.json" 2>/dev/null
expect_in "$T/plan.json" '"executable":	"/opt/hsos/clients/geth/geth"' "the unit runs the baked geth"

# Without CLIENTS: every enabled client the image lacks is named.
mkdir -p "$T/stage2/etc/hsos"
sh "$S" "$HSOS_AGENT" "$T/node.json" "$T/stage2/etc/hsos/node.json" "$T/stage2" "$T/base.list" >"$T/c.out2" 2>&1
expect_exit 0 "without CLIENTS the image still builds" test $? = 0
expect_in "$T/c.out2" "geth is enabled, but no executable geth is in the image: its unit will wait (\"executable geth was not found\"); make image CLIENTS=DIR bakes it in" \
        "geth is named, with the way to bake it in"
expect_in "$T/c.out2" "teku is enabled" "teku too"
expect_exit 0 "node.json is baked unchanged" cmp -s "$T/node.json" "$T/stage2/etc/hsos/node.json"

# agent.packages already names a path: the client goes exactly there.
jq '.agent = {"packages": {"geth": "/opt/eth/bin/geth"}}' "$T/node.json" >"$T/node3.json"
mkdir -p "$T/stage3/etc/hsos"
CLIENTS_DIR=$T/clients sh "$S" "$HSOS_AGENT" "$T/node3.json" "$T/stage3/etc/hsos/node.json" "$T/stage3" "$T/base.list" >"$T/c.out3" 2>&1
expect_exit 0 "a path agent.packages names is where the client goes" test -x "$T/stage3/opt/eth/bin/geth"
expect_exit 0 "and it stays in node.json" test "$(jq -r .agent.packages.geth "$T/stage3/etc/hsos/node.json")" = /opt/eth/bin/geth

# A test image's stand-ins (an extra layer) count as in the image.
mkdir -p "$T/standins/usr/bin" "$T/stage4/etc/hsos"
for e in geth teku mev-boost; do printf '#!/bin/sh\n' >"$T/standins/usr/bin/$e"; done
sh "$S" "$HSOS_AGENT" "$T/node.json" "$T/stage4/etc/hsos/node.json" "$T/stage4" "$T/base.list" "$T/standins" >"$T/c.out4" 2>&1
expect_not_in "$T/c.out4" "is enabled, but" "executables of an extra layer are in the image"
finish
