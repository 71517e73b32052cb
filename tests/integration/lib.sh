# Shared by the integration tests: TAP output and small assertions.
# Each test script sources this, runs checks with `check NAME CMD...`, and
# ends with `finish`. HSOS_AGENT is the binary under test.
set -u
: "${HSOS_AGENT:?HSOS_AGENT must name the hsos-agent binary}"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
n=0 failed=0
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

skip_all() { echo "1..0 # SKIP $*"; exit 77; }

finish() {
        echo "1..$n"
        echo "# $((n - failed)) passed, $failed failed"
        [ $failed = 0 ]
}
