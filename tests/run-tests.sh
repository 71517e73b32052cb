#!/bin/sh
# Runs test programs (unit binaries or scripts), each printing TAP, and counts
# their checks, not their files:
#   ok N - name             passed
#   ok N - name # SKIP why  skipped (could not run here)
#   not ok N - name         failed
# A program that exits 77 could not run at all: one skip, with its reason
# ("1..0 # SKIP why"). A program that fails without a "not ok" line (a crash,
# a bad exit) is one failure more.
#
# A skip is never a pass. Under CI=true or STRICT=1 every skip is a failure,
# so a green run proves every tier ran; otherwise skips are allowed and listed
# again, with their reasons, by tests/summary.sh at the very end.
#
# HSOS_TEST_LOG names a file each run appends its counts and skips to
# (tests/summary.sh reads it); HSOS_TEST_TIER names the tier in it.
# VALGRIND=1 runs binaries under valgrind, failing on any error or leak
# (tests/unit/valgrind.supp: the few that are the libraries' own).
set -u
strict=false
case "${CI:-}:${STRICT:-}" in
true:* | *:1) strict=true ;;
esac
tier=${HSOS_TEST_TIER:-tests}
log=${HSOS_TEST_LOG:-}
passed=0 failed=0 skipped=0 failed_names=""
kind=skip
$strict && kind=skip-failed

# record KIND NAME [TEXT]: one line of the results log (tab-separated).
record() {
        [ -n "$log" ] || return 0
        printf '%s\t%s\t%s\t%s\n' "$1" "$tier" "$2" "${3:-}" >>"$log"
}

for t in "$@"; do
        name=$(basename "$t")
        out=$(mktemp)
        case "$t" in
        *.sh) sh "$t" >"$out" 2>&1 ;;
        *.py) python3 "$t" >"$out" 2>&1 ;;
        *)
                if [ "${VALGRIND:-}" = 1 ]; then
                        valgrind -q --suppressions="$(dirname "$0")/unit/valgrind.supp" --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
                                --show-leak-kinds=definite,indirect "$t" >"$out" 2>&1
                else
                        "$t" >"$out" 2>&1
                fi
                ;;
        esac
        rc=$?
        p=$(grep -c '^ok ' "$out" | tr -d ' ')
        s=$(grep -c '^ok .*# *SKIP' "$out" | tr -d ' ')
        f=$(grep -c '^not ok' "$out" | tr -d ' ')
        p=$((p - s))
        if [ $rc = 77 ]; then
                # The whole program could not run: its reason is one skip.
                s=$((s + 1))
                why=$(grep -m1 '^1\.\.0 *# *SKIP' "$out" | sed 's/^1\.\.0 *# *SKIP *//')
                echo "SKIP $name: ${why:-exit 77 without a reason}"
                record "$kind" "$name" "${why:-exit 77 without a reason}"
        elif [ $rc != 0 ] && [ "$f" = 0 ]; then
                f=1 # failed without saying which check: the program itself
        fi
        # Every skipped check is named, also in a passing program.
        grep '^ok .*# *SKIP' "$out" | while IFS= read -r line; do
                check=$(printf '%s\n' "$line" | sed 's/^ok [0-9]* *-* *//; s/ *# *SKIP.*//')
                why=$(printf '%s\n' "$line" | sed 's/.*# *SKIP *//')
                echo "SKIP $name: $check: $why"
                record "$kind" "$name: $check" "$why"
        done
        if $strict && [ "$s" -gt 0 ]; then
                echo "FAIL $name: $s skipped under CI=true or STRICT=1 (every tier must run here; scripts/deps.sh installs what they need)"
                f=$((f + s))
                s=0
        fi
        passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
        record count "$name" "$p $f $s"
        if [ "$f" = 0 ] && [ $rc = 0 ]; then
                echo "PASS $name ($p checks$([ "$s" = 0 ] || echo ", $s skipped"))"
        elif [ "$f" = 0 ] && [ $rc = 77 ]; then
                : # said above
        else
                failed_names="$failed_names $name"
                echo "FAIL $name (exit $rc, $f failed)"
                sed 's/^/    /' "$out"
        fi
        rm -f "$out"
done
echo "$tier: $passed passed, $failed failed, $skipped skipped"
[ -z "$failed_names" ] || { echo "failed:$failed_names"; exit 1; }
