#!/bin/sh
# Who can log in (issue #14): the daemon counts the keys sshd would take for
# core, in ~core/.ssh/authorized_keys and /etc/ssh/authorized_keys.d/core (the
# drop-in's AuthorizedKeysFile), and the status says so: a number in
# .login.authorizedKeys, a line in the summary, and "NOBODY can log in"
# rather than silence. The daemon runs in a mount namespace of its own where
# /etc/passwd (with or without a core, whose home is below $T) and /etc/ssh
# are the test's files; the host's are untouched. core's tree is hostile: a
# symlink or a FIFO it made is never followed or waited on.
. "$(dirname "$0")/lib.sh"
own_netns "$@" # the daemon loads its firewall: into this namespace, never the host's
[ "$(id -u)" = 0 ] || skip_all "needs root (a mount namespace)"
for t in python3 jq unshare mount; do
        command -v $t >/dev/null || skip_all "$t is not installed"
done
unshare -m true 2>/dev/null || skip_all "cannot create a mount namespace"

grep -v '^core:' /etc/passwd >"$T/passwd"
mkdir -p "$T/etc-ssh/authorized_keys.d" "$T/run"
cat >"$T/agent" <<SH
#!/bin/sh
exec unshare -m sh -c 'mount --bind "$T/passwd" /etc/passwd && mount --bind "$T/etc-ssh" /etc/ssh && exec "\$0" "\$@"' \
        "$HSOS_AGENT" "\$@"
SH
chmod 0755 "$T/agent"
A=$T/agent
. "$(dirname "$0")/agent.sh"

cat >"$T/node.json" <<JSON
{ "ssh": { "privateKeyFile": "$T/ssh/key" },
  "agent": { "statusSocket": "$T/run/status.sock" } }
JSON
start_agent "$T/node.json"
[ -s "$T/ready" ] || { not_ok "the daemon starts" "$(cat "$T/agent.log")"; finish; exit 1; }

# keys N NAME: after a reload, the status counts N keys (null: unknown).
keys() {
        want=$1 name=$2
        kill -HUP "$AGENT_PID"
        i=0
        while [ $i -lt 100 ]; do
                "$HSOS_AGENT" status --socket "$T/run/status.sock" --json >"$T/doc" 2>/dev/null
                [ "$(jq -c .login.authorizedKeys "$T/doc")" = "$want" ] && break
                sleep 0.1; i=$((i + 1))
        done
        if [ "$(jq -c .login "$T/doc")" = "{\"user\":\"core\",\"authorizedKeys\":$want}" ]; then ok "$name"
        else not_ok "$name" "login: $(jq -c .login "$T/doc")" "$(tail -5 "$T/agent.log")"; fi
        "$HSOS_AGENT" status --socket "$T/run/status.sock" >"$T/text" 2>&1
}
ED1='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKXWmLPpUZfm7qVnVhBDv5jSLm9Q4vaJ9Zw2b8p3u1qs one'
SK='sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gAAAABHNzaDo= ssh:example'

keys 0 "without a core user nobody can log in: 0 keys"
expect_in "$T/text" "ssh: NOBODY can log in: core has no authorized key" "the summary says nobody can log in"
jq -e '.reasons | map(select(test("log in"))) | length == 0' "$T/doc" >/dev/null \
        && ok "it is not a reason: the state is the node's duty" || not_ok "it is not a reason" "$(jq -c .reasons "$T/doc")"

# core exists (uid 4242 here), its home below $T, as useradd makes it.
echo "core:x:4242:4242:HomestakerOS operator:$T/home/core:/bin/sh" >>"$T/passwd"
install -d -m 0755 "$T/home"
install -d -m 0700 -o 4242 -g 4242 "$T/home/core" "$T/home/core/.ssh"
keys 0 "core without ~/.ssh/authorized_keys: 0 keys"
printf '# the operator\n%s\nnot a key\n\n%s\n' "$ED1" "$SK" >"$T/home/core/.ssh/authorized_keys"
chown 4242:4242 "$T/home/core/.ssh/authorized_keys"; chmod 0600 "$T/home/core/.ssh/authorized_keys"
keys 2 "~core/.ssh/authorized_keys: its ed25519 and sk- keys count, the rest not"
expect_in "$T/text" "ssh: core can log in with 2 authorized keys" "the summary says core can log in"
echo "$ED1" >"$T/etc-ssh/authorized_keys.d/core"
keys 3 "/etc/ssh/authorized_keys.d/core counts too (NixOS's place)"
rm "$T/etc-ssh/authorized_keys.d/core"

# sshd's StrictModes: a ~/.ssh others may write makes sshd ignore the file.
chmod 0777 "$T/home/core/.ssh"
keys 0 "a world-writable ~/.ssh: sshd would take none of its keys"
chmod 0700 "$T/home/core/.ssh"

# core's hostile tree: a symlink to root's keys is not followed, a FIFO not waited on.
printf '%s\n' "$ED1" >"$T/root-keys"
mv "$T/home/core/.ssh/authorized_keys" "$T/saved"
ln -s "$T/root-keys" "$T/home/core/.ssh/authorized_keys"
keys null "a symlink core made is not followed: unknown, not counted"
expect_in "$T/text" "ssh: the authorized keys of core could not be read" "the summary says they could not be read"
rm "$T/home/core/.ssh/authorized_keys"
mkfifo "$T/home/core/.ssh/authorized_keys"
keys null "a FIFO core made is not read (and the daemon does not wait on it)"
kill -0 "$AGENT_PID" && ok "the daemon is alive after core's tricks" || not_ok "the daemon is alive" "$(cat "$T/agent.log")"
rm "$T/home/core/.ssh/authorized_keys"
mv "$T/saved" "$T/home/core/.ssh/authorized_keys"
keys 2 "the keys back in place count again"
finish
