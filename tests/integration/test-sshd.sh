#!/bin/sh
# sshd as the agent sets it (issue #14), for real: Debian's own sshd_config
# with the drop-in `hsos-agent plan --sshd-out` writes (what the daemon puts in
# /etc/ssh/sshd_config.d), the node's persistent host key, in a network
# namespace of its own on loopback; the real ssh client then tries what an
# operator may do (log in with a listed key) and what nobody may (a password,
# keyboard-interactive, -L, -R, -D, stream-local forwarding, -X). A user of
# its own stands in for core, with a password that would work if sshd asked
# for one. Then the image's sudoers drop-in for core, read by visudo and
# tried by the real sudo in a mount namespace (the host's /etc is untouched).
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root (network namespaces, sshd, a test user)"
for t in ip python3 ssh ssh-keygen useradd userdel chpasswd visudo sudo runuser unshare; do
        command -v $t >/dev/null || skip_all "$t is not installed (scripts/deps.sh installs it)"
done
[ -x /usr/sbin/sshd ] || skip_all "/usr/sbin/sshd is not installed (scripts/deps.sh installs openssh-server)"
NS=hssh$$
U=hsossh$$
PORT=2222
cleanup() {
        [ -s "$T/sshd.pid" ] && kill "$(cat "$T/sshd.pid")" 2>/dev/null
        [ -s "$T/unix.pid" ] && kill "$(cat "$T/unix.pid")" 2>/dev/null
        ip netns del $NS 2>/dev/null
        # -f: a session sshd has not finished reaping yet does not keep the user.
        id $U >/dev/null 2>&1 && userdel -f $U 2>/dev/null
}
ip netns add $NS || skip_all "cannot create a network namespace"
in_ns() { ip netns exec $NS "$@"; }
in_ns ip link set lo up
# sshd's privilege separation directory (ssh.service makes it at start).
mkdir -p /run/sshd
chmod 0755 "$T"

# The test user, with a password sshd must never take.
mkdir -p "$T/home"
useradd --home-dir "$T/home/$U" --create-home --shell /bin/sh --user-group $U \
        || { not_ok "the test user" "useradd $U failed"; finish; exit 1; }
printf '%s:Hsos-test-password-1\n' $U | chpasswd

# The node: its host key on "disk", the operator's ed25519 key and a FIDO one.
mkdir -p "$T/ssh" "$T/client"
ssh-keygen -q -t ed25519 -N '' -C node -f "$T/ssh/host_key"
ssh-keygen -q -t ed25519 -N '' -C operator -f "$T/client/id"
ssh-keygen -q -t ed25519 -N '' -C stranger -f "$T/client/other"
SK='sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gAAAABHNzaDo= ssh:example'
cat >"$T/node.json" <<JSON
{"ssh": {"authorizedKeys": ["$SK", "$(cat "$T/client/id.pub")"], "privateKeyFile": "$T/ssh/host_key"}}
JSON
expect_exit 0 "node.json with an ed25519 and a FIDO (sk-) key is valid" "$HSOS_AGENT" validate --config "$T/node.json"
mkdir -p "$T/sshd_config.d"
expect_exit 0 "plan --sshd-out writes sshd's drop-in" \
        "$HSOS_AGENT" plan --config "$T/node.json" --sshd-out "$T/sshd_config.d/50-hsos-agent.conf"
expect_in "$T/sshd_config.d/50-hsos-agent.conf" "HostKey $T/ssh/host_key" "the drop-in names the persistent host key"

# ~/.ssh/authorized_keys as the agent writes core's: node.json's lines.
install -d -m 0700 -o $U -g $U "$T/home/$U/.ssh"
printf '%s\n%s\n' "$SK" "$(cat "$T/client/id.pub")" >"$T/home/$U/.ssh/authorized_keys"
chown $U:$U "$T/home/$U/.ssh/authorized_keys"
chmod 0600 "$T/home/$U/.ssh/authorized_keys"
if ssh-keygen -lf "$T/home/$U/.ssh/authorized_keys" >"$T/fp" 2>&1 && grep -q 'ED25519-SK' "$T/fp" \
   && [ "$(wc -l <"$T/fp")" = 2 ]; then ok "ssh-keygen reads both lines of authorized_keys, the sk- one as ED25519-SK"
else not_ok "ssh-keygen reads both lines of authorized_keys, the sk- one as ED25519-SK" "$(cat "$T/fp")"; fi

# Debian's sshd_config, including the agent's drop-in instead of /etc's.
sed "s|^Include /etc/ssh/sshd_config.d/\*.conf|Include $T/sshd_config.d/*.conf|" /etc/ssh/sshd_config >"$T/sshd_config"
grep -q "^Include $T/sshd_config.d/" "$T/sshd_config" \
        || printf 'Include %s/sshd_config.d/*.conf\n' "$T" | cat - /etc/ssh/sshd_config >"$T/sshd_config"
printf 'Port %s\nListenAddress 127.0.0.1\nPidFile %s/sshd.pid\n' $PORT "$T" >>"$T/sshd_config"
expect_exit 0 "sshd -t accepts Debian's sshd_config with the agent's drop-in" /usr/sbin/sshd -t -f "$T/sshd_config"
/usr/sbin/sshd -T -f "$T/sshd_config" -C user=$U,host=localhost,addr=127.0.0.1 >"$T/effective" 2>&1
for want in "passwordauthentication no" "kbdinteractiveauthentication no" "pubkeyauthentication yes" \
            "authenticationmethods publickey" "permitrootlogin no" "allowtcpforwarding no" \
            "allowstreamlocalforwarding no" "x11forwarding no" "hostkey $T/ssh/host_key" \
            "authorizedkeysfile .ssh/authorized_keys /etc/ssh/authorized_keys.d/%u"; do
        if grep -qx -- "$want" "$T/effective"; then ok "sshd's effective setting: $want"
        else not_ok "sshd's effective setting: $want" "$(grep -i -- "^${want%% *} " "$T/effective")"; fi
done
if grep -q '^pubkeyacceptedalgorithms .*sk-ssh-ed25519@openssh.com' "$T/effective" \
   && grep -q '^pubkeyacceptedalgorithms .*sk-ecdsa-sha2-nistp256@openssh.com' "$T/effective"; then
        ok "FIDO (sk-) keys stay accepted algorithms"
else not_ok "FIDO (sk-) keys stay accepted algorithms" "$(grep '^pubkeyacceptedalgorithms' "$T/effective")"; fi

in_ns /usr/sbin/sshd -f "$T/sshd_config" -E "$T/sshd.log"
for i in $(seq 50); do [ -s "$T/sshd.pid" ] && break; sleep 0.1; done
[ -s "$T/sshd.pid" ] || { not_ok "sshd starts in the namespace" "$(cat "$T/sshd.log")"; finish; exit 1; }
ok "sshd starts in the namespace"

# The client pins the node's host key: the login proves sshd serves it.
echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$T/ssh/host_key.pub")" >"$T/client/known_hosts"
# The real ssh client as root in the namespace, no ~/.ssh, no /etc/ssh/ssh_config.
SSHO="-F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes
      -o UserKnownHostsFile=$T/client/known_hosts -o ConnectTimeout=10 -p $PORT"
sshc() { # sshc KEY ARGS...
        key=$1; shift
        in_ns ssh $SSHO -o IdentityFile="$key" "$@"
}

expect_exit 0 "the listed ed25519 key logs in (host key pinned)" sshc "$T/client/id" $U@127.0.0.1 id -un
expect_in "$T/out" "$U" "the session runs as the user"
expect_exit 255 "a key not listed is refused" sshc "$T/client/other" $U@127.0.0.1 true

# A password: the server offers no method for it, the prompt never comes.
printf '#!/bin/sh\n: >%s/askpass-called\necho Hsos-test-password-1\n' "$T" >"$T/askpass"
chmod 0755 "$T/askpass"
expect_exit 255 "a password is refused (password, keyboard-interactive)" \
        env SSH_ASKPASS="$T/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY= \
        ip netns exec $NS ssh -F /dev/null -o BatchMode=no -o PubkeyAuthentication=no \
        -o PreferredAuthentications=password,keyboard-interactive -o NumberOfPasswordPrompts=1 \
        -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$T/client/known_hosts" -p $PORT $U@127.0.0.1 true
expect_in "$T/err" "Permission denied (publickey)" "the server offers public keys only"
if [ -e "$T/askpass-called" ]; then not_ok "no password prompt is offered" "the askpass program was called"
else ok "no password prompt is offered"; fi

# Forwarding: the client side opens its listener; the channel open must fail.
cat >"$T/fwd.py" <<'PY'
import socket, struct, sys, time, os
def connect(port):
    for _ in range(100):
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError:
            time.sleep(0.1)
    sys.exit("nothing listens on %d" % port)
mode = sys.argv[1]
if mode == "unix":  # unix PATH: a stream-local server that greets
    s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[2]); os.chmod(sys.argv[2], 0o777); s.listen(8)
    while True:
        c, _ = s.accept(); c.sendall(b"hello over a unix socket\n"); c.close()
s = connect(int(sys.argv[2]))
if mode == "socks":  # socks PORT TARGET-PORT
    s.sendall(b"\x05\x01\x00")
    if s.recv(2) != b"\x05\x00":
        print("socks: no method"); sys.exit(0)
    s.sendall(b"\x05\x01\x00\x01\x7f\x00\x00\x01" + struct.pack(">H", int(sys.argv[3])))
    rep = s.recv(10)
    if len(rep) < 2 or rep[1] != 0:
        print("socks: refused"); sys.exit(0)
try:
    data = s.recv(100)
except OSError as e:
    data = b""
print("got: %r" % data)
PY
fwd() { # fwd NAME PROBE-ARGS -- SSH-FORWARD-ARGS: an ssh session (-N) with the forwarding, probed
        name=$1; shift
        probe=""; while [ "$1" != -- ]; do probe="$probe $1"; shift; done; shift
        ip netns exec $NS ssh $SSHO -o IdentityFile="$T/client/id" -N "$@" $U@127.0.0.1 >"$T/fwd.out" 2>"$T/fwd.err" &
        spid=$!
        in_ns python3 "$T/fwd.py" $probe >"$T/probe.out" 2>&1
        kill $spid 2>/dev/null; wait $spid 2>/dev/null
        if grep -q "SSH-2.0\|hello over" "$T/probe.out"; then
                not_ok "$name is refused" "the forwarded connection went through: $(cat "$T/probe.out")" "$(cat "$T/fwd.err")"
        elif grep -q "open failed" "$T/fwd.err"; then ok "$name is refused (the channel open fails)"
        else not_ok "$name is refused" "probe: $(cat "$T/probe.out")" "ssh: $(cat "$T/fwd.err")"; fi
}
fwd "ssh -L (TCP)" tcp 2301 -- -L 127.0.0.1:2301:127.0.0.1:$PORT
fwd "ssh -D (SOCKS)" socks 2302 $PORT -- -D 127.0.0.1:2302
ip netns exec $NS python3 "$T/fwd.py" unix "$T/unix.sock" >/dev/null 2>&1 &
echo $! >"$T/unix.pid"
for i in $(seq 50); do [ -S "$T/unix.sock" ] && break; sleep 0.1; done
fwd "ssh -L to a unix socket (stream-local)" tcp 2303 -- -L 127.0.0.1:2303:"$T/unix.sock"
expect_exit 255 "ssh -R (remote TCP) is refused" sshc "$T/client/id" -o ExitOnForwardFailure=yes \
        -R 127.0.0.1:2304:127.0.0.1:$PORT $U@127.0.0.1 true
expect_in "$T/err" "remote port forwarding failed" "ssh -R: the server refuses the listener"
expect_exit 255 "ssh -R to a unix socket (stream-local) is refused" sshc "$T/client/id" -o ExitOnForwardFailure=yes \
        -R "$T/home/$U/fwd.sock:127.0.0.1:$PORT" $U@127.0.0.1 true
expect_exit 0 "ssh -X: the session runs" env DISPLAY=127.0.0.1:0 \
        ip netns exec $NS ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o IdentityFile="$T/client/id" \
        -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$T/client/known_hosts" -o ForwardX11Trusted=yes \
        -X -p $PORT $U@127.0.0.1 'echo "display=$DISPLAY"'
expect_in "$T/out" "display=" "ssh -X: the session ran"
expect_not_in "$T/out" "display=localhost" "ssh -X is refused: no DISPLAY in the session"
expect_in "$T/err" "X11 forwarding request failed" "ssh -X: the server refuses the X11 request"

# The operator's sudo: the image's drop-in, read by visudo and by sudo itself.
expect_exit 0 "visudo -cf accepts the image's sudoers drop-in for core" visudo -cf "$TOP/scripts/image/sudoers-core"
expect_in "$TOP/scripts/image/sudoers-core" "core ALL=(ALL:ALL) NOPASSWD: ALL" "core may sudo without a password"
mkdir -p "$T/sudoers.d"
cp -a /etc/sudoers.d/. "$T/sudoers.d/" 2>/dev/null
sed "s/^core /$U /" "$TOP/scripts/image/sudoers-core" >"$T/sudoers.d/50-hsos-core"
chmod 0440 "$T/sudoers.d/50-hsos-core"
expect_exit 1 "without the drop-in the user has no sudo" runuser -u $U -- sudo -n true
expect_exit 0 "with the drop-in (its rule given to the test user) sudo -n true works" \
        unshare -m sh -c "mount --bind '$T/sudoers.d' /etc/sudoers.d && runuser -u $U -- sudo -n true"
finish
