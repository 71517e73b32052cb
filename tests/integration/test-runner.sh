#!/bin/sh
# The test runner itself (tests/run-tests.sh, tests/summary.sh), the harness
# (tests/unit/harness.h) and the golden runner: a skip is never a pass, CI=true
# and STRICT=1 turn it into a failure, a late skip_all keeps what failed,
# checks (not files) are counted, and no test is dropped.
. "$(dirname "$0")/lib.sh"
runner=$TOP/tests/run-tests.sh

mk() { printf '%s\n' "$2" >"$T/$1.sh"; }
mk pass 'echo "ok 1 - a"; echo "ok 2 - b"; exit 0'
mk skips 'echo "ok 1 - a"; echo "ok 2 - b # SKIP no anvil here"; exit 0'
mk whole 'echo "1..0 # SKIP no qemu here"; exit 77'
mk crash 'echo "ok 1 - a"; exit 3'
mk fails 'echo "ok 1 - a"; echo "not ok 2 - b"; exit 1'
# A script that ran a failing check and then called skip_all.
cat >"$T/late.sh" <<LATE
HSOS_AGENT=/bin/true
. "$TOP/tests/integration/lib.sh"
not_ok "an early check"
skip_all "no network namespace"
LATE

run() { # run NAME ENV... : the runner over $T/NAME.sh, log in $T/NAME.log
        name=$1; shift
        rm -f "$T/$name.tsv"
        env -u CI -u STRICT "$@" HSOS_TEST_LOG="$T/$name.tsv" HSOS_TEST_TIER=t sh "$runner" "$T/$name.sh" >"$T/$name.out" 2>&1
}

run pass; expect_exit 0 "a passing script passes" test $? = 0
expect_in "$T/pass.out" "t: 2 passed, 0 failed, 0 skipped" "two checks are counted as two, not one file"

run skips; rc=$?
expect_exit 0 "outside CI a skipped check is allowed" test $rc = 0
expect_in "$T/skips.out" "t: 1 passed, 0 failed, 1 skipped" "a skip directive is counted as skipped, not passed"
expect_in "$T/skips.out" "SKIP skips.sh: b: no anvil here" "the skipped check is named with its reason"
run skips CI=true; rc=$?
expect_exit 0 "under CI=true a skipped check fails the run" test $rc = 1
expect_in "$T/skips.out" "t: 1 passed, 1 failed, 0 skipped" "under CI=true the skip counts as a failure"
run skips STRICT=1; rc=$?
expect_exit 0 "under STRICT=1 a skipped check fails the run" test $rc = 1

run whole; rc=$?
expect_exit 0 "outside CI a script that cannot run (77) is a skip" test $rc = 0
expect_in "$T/whole.out" "SKIP whole.sh: no qemu here" "its reason is shown"
expect_in "$T/whole.out" "t: 0 passed, 0 failed, 1 skipped" "and it counts as one skip"
run whole CI=true; rc=$?
expect_exit 0 "under CI=true a script that cannot run fails" test $rc = 1

run crash; rc=$?
expect_exit 0 "a script that exits non-zero without 'not ok' fails" test $rc = 1
expect_in "$T/crash.out" "t: 1 passed, 1 failed, 0 skipped" "and counts as one failure"
run fails; rc=$?
expect_exit 0 "a 'not ok' fails the run" test $rc = 1

run late; rc=$?
expect_exit 0 "skip_all after a failed check fails, keeping the failure" test $rc = 1
expect_in "$T/late.out" "not ok 1 - an early check" "the early failure is shown"

# summary.sh: one line over all tiers, the skips again with their reasons.
run whole; cat "$T/pass.tsv" "$T/whole.tsv" >"$T/all.tsv"
run skips; cat "$T/skips.tsv" >>"$T/all.tsv"
sh "$TOP/tests/summary.sh" "$T/all.tsv" >"$T/summary.out" 2>&1
expect_exit 0 "summary.sh passes a run with skips outside CI" test $? = 0
expect_in "$T/summary.out" "3 passed, 0 failed, 2 skipped" "summary.sh counts checks over every tier"
expect_in "$T/summary.out" "no qemu here" "summary.sh lists each skip's reason again"
[ "$(tail -n1 "$T/summary.out")" = "3 passed, 0 failed, 2 skipped" ]
expect_exit 0 "the count is the very last line" test $? = 0
: >"$T/empty.tsv"
sh "$TOP/tests/summary.sh" "$T/empty.tsv" >"$T/summary.out" 2>&1
expect_exit 0 "no test at all is a failure, not a green run" test $? = 1

# harness.h: no cap on the number of tests; a skip is counted apart.
if command -v cc >/dev/null; then
        {
                echo '#include "harness.h"'
                i=0
                while [ $i -lt 600 ]; do echo "TEST(t$i) { ASSERT_TRUE($i >= 0); }"; i=$((i + 1)); done
                echo 'TEST(skipped) { SKIP_THIS("because"); }'
        } >"$T/many.c"
        cc -I"$TOP/tests/unit" -o "$T/many" "$T/many.c" 2>"$T/cc.err"
        expect_exit 0 "a test binary with 601 tests builds" test $? = 0
        "$T/many" >"$T/many.out" 2>&1
        expect_in "$T/many.out" "1..601" "all 601 tests are registered"
        expect_in "$T/many.out" "ok 600 - t599" "the 600th test runs"
        expect_in "$T/many.out" "# 600 passed, 0 failed, 1 skipped" "a skipped test is not counted as passed"
else
        skip "harness.h: no cap on the number of tests" "no C compiler"
fi

# The golden runner: a failure says it failed, never "PASS (N cases)".
mkdir -p "$T/golden/cases/one" "$T/golden/expected/one"
cp "$TOP/tests/golden/run.sh" "$T/golden/run.sh"
printf '#!/bin/sh\necho plan\n' >"$T/fakebin"; chmod +x "$T/fakebin"
echo '{}' >"$T/golden/cases/one/node.json"; echo '{}' >"$T/golden/cases/one/facts.json"
echo 'something else' >"$T/golden/expected/one/plan.txt"
sh "$T/golden/run.sh" "$T/fakebin" >"$T/golden.out" 2>&1
expect_exit 0 "a golden case that differs fails" test $? = 1
expect_in "$T/golden.out" "not ok 1 - golden one" "and is reported as 'not ok'"
expect_not_in "$T/golden.out" "PASS" "with no PASS line"
finish
