#!/bin/sh
# ssv-node's operator public key, written beside the private key
# (<privateKeyFile>.pub) as HomestakerOS does: its web UI reads that file to
# show a node's operator. The unit's own step, read back by systemd --test,
# runs as an unprivileged user on a keystore in the format ssvnode
# generate-operator-keys writes (ssvsigner/keystore EncryptKeystore: the
# keystorev4 JSON plus "pubkey", "pubKey" before). Builder proposals are on
# when mev-boost is, through the beacon node.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root (runs the step as another user)"
for t in setpriv python3; do command -v $t >/dev/null || skip_all "$t is not installed"; done

chmod 0755 "$T"
mkdir -p "$T/units" "$T/mnt/addons/ssv"
cat >"$T/node.json" <<JSON
{"mounts": {"data": {"enable": true, "what": "/dev/vdb1", "where": "$T/mnt", "type": "ext4"}},
 "execution": {"geth": {"enable": true, "dataDir": "$T/mnt/geth"}},
 "consensus": {"lighthouse": {"enable": true, "dataDir": "$T/mnt/lighthouse"}},
 "addons": {"mev-boost": {"enable": true}, "ssv-node": {"dataDir": "$T/mnt/addons/ssv"}}}
JSON
"$HSOS_AGENT" plan --config "$T/node.json" --units-dir "$T/units" >"$T/plan.txt" 2>&1
expect_exit 0 "ssv-node's unit is written" test -f "$T/units/ssv-node.service"
chmod -R a+rX "$T/units"
# Builder proposals: ssv-node (since its v3 proposals, 2024-08) proposes
# blinded blocks when the beacon node it uses has a builder.
expect_in "$T/units/ssv-node.service" 'Environment="BEACON_NODE_ADDR=http://127.0.0.1:5052"' "ssv-node uses lighthouse's REST API"
expect_in "$T/units/lighthouse.service" "--builder=http://127.0.0.1:18550" "whose builder is mev-boost: builder proposals are on"

python3 "$TOP/tests/integration/systemd_argv.py" "$T/units" ssv-node.service ExecStartPre 1 >"$T/pub.argv" 2>&1
expect_in "$T/pub.argv" "b'$T/mnt/addons/ssv/ssv_operator_key'" "the public key step gets the private key's path"
expect_not_in "$T/pub.argv" "b'+/bin/sh'" "and runs without privileges"

# A keystore as generate-operator-keys writes it (one line, keys sorted).
keystore() { # FILE PUBKEY-FIELD
        python3 - "$1" "$2" <<'PY'
import json, sys
ks = {"checksum": {"function": "sha256", "message": "9c1f", "params": {}},
      "cipher": {"function": "aes-128-ctr", "message": "d1e2", "params": {"iv": "0a0b"}},
      "kdf": {"function": "pbkdf2", "message": "", "params": {"c": 262144, "dklen": 32, "prf": "hmac-sha256", "salt": "ab"}},
      sys.argv[2]: "LS0tLS1CRUdJTiBSU0EgUFVCTElDIEtFWS0tLS0tCk1JSUJJakFOQmdrcWhraUc5dzBCQVFFRkFBT0NBUThBTUlJQkNnS0NBUUVBCi0tLS0tRU5EIFJTQSBQVUJMSUMgS0VZLS0tLS0K"}
open(sys.argv[1], "w").write(json.dumps(ks, separators=(",", ":"), sort_keys=True))
PY
}
run_pub() { # run the unit's step as nobody, the data dir its own
        python3 - "$T/pub.argv" "$T/pub.out" <<'PY'
import ast, subprocess, sys
argv = [ast.literal_eval(l) for l in open(sys.argv[1])]
r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + argv,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
open(sys.argv[2], "wb").write(r.stdout + b"\nexit %d\n" % r.returncode)
PY
}
key=$T/mnt/addons/ssv/ssv_operator_key
pk_want="LS0tLS1CRUdJTiBSU0EgUFVCTElDIEtFWS0tLS0tCk1JSUJJakFOQmdrcWhraUc5dzBCQVFFRkFBT0NBUThBTUlJQkNnS0NBUUVBCi0tLS0tRU5EIFJTQSBQVUJMSUMgS0VZLS0tLS0K"
keystore "$key" pubkey
chown -R 65534 "$T/mnt/addons/ssv"
chmod 0600 "$key"
run_pub
expect_in "$T/pub.out" "exit 0" "the step succeeds"
expect_exit 0 "ssv_operator_key.pub holds the operator's public key, one line" test "$(cat "$key.pub" 2>/dev/null)" = "$pk_want"
expect_exit 0 "the public key is readable by all (mode 0644)" test "$(stat -c %a "$key.pub" 2>/dev/null)" = 644

# An existing .pub is kept; an older keystore ("pubKey") works too.
echo "kept" >"$key.pub"
run_pub
expect_exit 0 "an existing public key file is left alone" test "$(cat "$key.pub")" = kept
rm -f "$key.pub"
keystore "$key" pubKey
chown 65534 "$key"
run_pub
expect_exit 0 "a keystore of older ssv (\"pubKey\") gives the key too" test "$(cat "$key.pub" 2>/dev/null)" = "$pk_want"

# A directory the service may not write, or no key: said, never fatal.
rm -f "$key.pub"
chown 0 "$T/mnt/addons/ssv"
run_pub
expect_in "$T/pub.out" "cannot write $key.pub" "an unwritable directory is said"
expect_in "$T/pub.out" "exit 0" "and does not stop ssv-node"
expect_exit 0 "no temporary file is left" test ! -e "$key.pub.tmp"
chown 65534 "$T/mnt/addons/ssv"
echo '{}' >"$key"
run_pub
expect_in "$T/pub.out" "no public key in $key" "a keystore without a public key is said"
expect_in "$T/pub.out" "exit 0" "and does not stop ssv-node either"
finish
