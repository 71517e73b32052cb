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

finish() {
        echo "1..$n"
        echo "# $((n - failed - skipped)) passed, $failed failed, $skipped skipped"
        [ $failed = 0 ]
}
