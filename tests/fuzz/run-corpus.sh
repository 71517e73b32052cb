#!/bin/sh
# Runs the libFuzzer target once over every file of a corpus directory: a
# regression test (no fuzzing). A crash, a leak or a sanitizer report fails it.
#   sh tests/fuzz/run-corpus.sh build/fuzz/fuzz-config tests/fuzz/corpus/config
set -u

fuzz=${1:?usage: run-corpus.sh FUZZ-BINARY CORPUS-DIR}
dir=${2:?usage: run-corpus.sh FUZZ-BINARY CORPUS-DIR}
name="fuzz-corpus $(basename "$fuzz")"

if [ ! -x "$fuzz" ]; then
        echo "FAIL $name ($fuzz is not built)"
        exit 1
fi
if [ ! -d "$dir" ]; then
        echo "FAIL $name ($dir is not a directory)"
        exit 1
fi

n=0
for f in "$dir"/* "$dir"/.[!.]*; do
        [ -f "$f" ] && n=$((n + 1))
done
if [ "$n" -eq 0 ]; then
        echo "FAIL $name (no inputs in $dir)"
        exit 1
fi

log=$(mktemp "${TMPDIR:-/tmp}/run-corpus.XXXXXX") || exit 1
trap 'rm -f "$log"' EXIT INT TERM

# Each file given by name is run exactly once, in order; libFuzzer stops at the
# first one that crashes and names it. halt_on_error/abort_on_error make any
# ASan, LSan or UBSan report fatal.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
set -- "$fuzz" -rss_limit_mb=2048 -timeout=25
for f in "$dir"/* "$dir"/.[!.]*; do
        [ -f "$f" ] && set -- "$@" "$f"
done
"$@" >"$log" 2>&1
rc=$?

ran=$(grep -c '^Executed ' "$log")
if [ "$rc" -eq 0 ] && [ "$ran" -eq "$n" ]; then
        echo "PASS $name ($n inputs)"
        exit 0
fi
echo "FAIL $name (exit status $rc, $ran of $n inputs ran)"
sed 's/^/# /' "$log"
exit 1
