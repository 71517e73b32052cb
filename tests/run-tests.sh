#!/bin/sh
# Runs test programs (unit binaries or scripts), each printing TAP, and sums
# them up. Exit 77 from a test means it cannot run here: it is reported as
# skipped with its reason, never silently. VALGRIND=1 runs binaries under
# valgrind, failing on any error or leak.
set -u
passed=0 failed=0 skipped=0 failed_names=""
for t in "$@"; do
        name=$(basename "$t")
        out=$(mktemp)
        case "$t" in
        *.sh) sh "$t" >"$out" 2>&1 ;;
        *)
                if [ "${VALGRIND:-}" = 1 ]; then
                        valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
                                --show-leak-kinds=definite,indirect "$t" >"$out" 2>&1
                else
                        "$t" >"$out" 2>&1
                fi
                ;;
        esac
        rc=$?
        if [ $rc = 77 ]; then
                skipped=$((skipped + 1))
                echo "SKIP $name: $(grep -m1 'SKIP' "$out" | sed 's/.*SKIP *//')"
        elif [ $rc = 0 ]; then
                passed=$((passed + 1))
                echo "PASS $name ($(grep -c '^ok' "$out") checks)"
        else
                failed=$((failed + 1))
                failed_names="$failed_names $name"
                echo "FAIL $name (exit $rc)"
                sed 's/^/    /' "$out"
        fi
        rm -f "$out"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ] || { echo "failed:$failed_names"; exit 1; }
