# Shared by the integration tests: TAP output and small assertions.
# Each test script sources this, runs checks with `check NAME CMD...`, and
# ends with `finish`. HSOS_AGENT is the binary under test.
set -u
: "${HSOS_AGENT:?HSOS_AGENT must name the hsos-agent binary}"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
n=0 failed=0 skipped=0
trap 'cleanup; rm -rf "$T"' EXIT
cleanup() { :; } # replaced by loopdev.sh where needed

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }

# expect_exit CODE NAME CMD...: runs CMD, output in $T/out and $T/err.
expect_exit() {
        want=$1 name=$2; shift 2
        "$@" >"$T/out" 2>"$T/err"
        got=$?
        if [ "$got" = "$want" ]; then ok "$name"
        else not_ok "$name" "exit $got, expected $want" "stdout: $(head -c 2000 "$T/out")" "stderr: $(head -c 2000 "$T/err")"; fi
}

# expect_in FILE TEXT NAME: FILE contains TEXT (fixed string).
expect_in() {
        if grep -qF -- "$2" "$1"; then ok "$3"
        else not_ok "$3" "\"$2\" not in $1:" "$(head -c 3000 "$1")"; fi
}

expect_not_in() {
        if ! grep -qF -- "$2" "$1"; then ok "$3"
        else not_ok "$3" "\"$2\" unexpectedly in $1"; fi
}

# skip NAME WHY: one check that cannot run here, said as TAP's
# "ok N - NAME # SKIP WHY". tests/run-tests.sh counts it as skipped, not
# passed, lists it at the end, and fails it under CI=true or STRICT=1.
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n - $1 # SKIP $2"; }

# skip_all WHY: the whole script cannot run here (exit 77). Only before the
# first check: once checks ran, their results must not be thrown away, so a
# late skip_all is a failure that keeps what ran.
skip_all() {
        if [ "$n" -gt 0 ]; then
                not_ok "skip_all after $n checks ran: $*" "a script's preconditions belong before its first check"
                finish
                exit 1
        fi
        echo "1..0 # SKIP $*"
        exit 77
}

# own_netns "$@": the rest of the script runs in a network namespace of its
# own (lo up, nothing else), with whatever it starts: the daemon, etcd, the
# stand-in clients. The daemon loads its firewall (table inet hsos, a drop
# policy) wherever it runs; here that is the test's namespace, never this
# host's, which other programs (ssh, etcd, other tests) share. Call it right
# after sourcing lib.sh, before anything else: the script is run again under
# `unshare --net`. finish() then checks that the host's nftables tables are
# those it had before (through fd 9, the host's namespace kept open).
own_netns() {
        [ -n "${HSOS_TEST_NETNS:-}" ] && return 0
        [ "$(id -u)" = 0 ] || skip_all "the daemon loads its firewall: it runs in a network namespace of its own, which needs root"
        for _c in unshare ip nft nsenter; do
                command -v $_c >/dev/null || skip_all "$_c is not installed (scripts/deps.sh installs util-linux, iproute2, nftables)"
        done
        HSOS_HOST_TABLES=$(nft list tables 2>&1) || skip_all "nft cannot list this host's tables: $HSOS_HOST_TABLES"
        unshare --net true 2>/dev/null || skip_all "cannot create a network namespace (unshare --net)"
        HSOS_TEST_NETNS=1
        export HSOS_TEST_NETNS HSOS_HOST_TABLES
        rm -rf "$T"; trap - EXIT
        exec unshare --net sh -c 'ip link set lo up && exec sh "$@"' sh "$0" "$@" 9</proc/self/ns/net
}

# The guard of own_netns: whatever the script started, the host's tables
# are as they were.
host_tables_unchanged() {
        _now=$(nsenter --net=/proc/self/fd/9 nft list tables 2>&1)
        if [ "$_now" = "$HSOS_HOST_TABLES" ]; then ok "the host's nftables tables are unchanged"
        else not_ok "the host's nftables tables are unchanged" "before: $HSOS_HOST_TABLES" "now: $_now"; fi
}

finish() {
        [ -z "${HSOS_TEST_NETNS:-}" ] || host_tables_unchanged
        echo "1..$n"
        echo "# $((n - failed - skipped)) passed, $failed failed, $skipped skipped"
        [ $failed = 0 ]
}
