#!/bin/sh
# Every libFuzzer target's corpus, run once as a regression test (no
# fuzzing): TAP, one check per target. HSOS_FUZZ_NAMES lists the targets,
# built as build/fuzz/fuzz-NAME, their corpora in tests/fuzz/corpus/NAME.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
n=0 fail=0
for name in ${HSOS_FUZZ_NAMES:?HSOS_FUZZ_NAMES must list the fuzz targets}; do
        n=$((n + 1))
        out=$(sh "$top/tests/fuzz/run-corpus.sh" "$top/build/fuzz/fuzz-$name" "$top/tests/fuzz/corpus/$name" 2>&1)
        if [ $? = 0 ]; then
                echo "ok $n - $(printf '%s\n' "$out" | sed -n 's/^PASS //p' | head -1)"
        else
                fail=$((fail + 1))
                echo "not ok $n - fuzz corpus $name"
                printf '%s\n' "$out" | sed 's/^/# /'
        fi
done
echo "1..$n"
[ $fail = 0 ]
