#!/bin/sh
# The mutation test (make check-mutants; not part of make check): each
# tests/mutants/NAME.mutant flips one decision of the core (a port, the rule
# that data never lands in RAM, the probe hysteresis, an escaping rule...),
# and the fast tiers must catch every one.
#
# In a scratch copy of the tree (the working tree's tracked and untracked
# files, build/ left out; ../shared linked beside it), the unmutated tree is built and tested first: a
# suite that fails on it judges nothing. Then, for each mutation: apply it
# (tests/mutants/apply.py; an anchor that does not occur exactly once is an
# ERROR of the run, never a kill), build incrementally with the Makefile,
# run the tiers, put the file back. The tiers: check-unit (with the core
# purity check), check-golden, and tests/integration/test-cli.sh and
# test-unit-security.sh through tests/run-tests.sh.
#
# A mutant is killed when at least one check fails; one that does not build
# is no valid mutant (INVALID, reported apart). Prints a Markdown table;
# exits 1 when a mutant survived or a mutation is in ERROR or INVALID.
#   sh tests/mutants/run.sh [NAME...]     only the named mutations
#   MUTANTS_KEEP=1                        keep the scratch tree and its logs
# The table is also written to build/mutants/report.md.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
mdir=$src/tests/mutants
scratch=$(mktemp -d "${TMPDIR:-/tmp}/hsos-mutants.XXXXXX") || exit 2
tree=$scratch/tree logs=$scratch/logs
mkdir -p "$tree" "$logs"
cleanup() {
        if [ "${MUTANTS_KEEP:-}" = 1 ]; then
                echo "scratch tree and logs kept in $scratch"
        else
                rm -rf "$scratch"
        fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ $# -gt 0 ]; then
        mutants=""
        for n in "$@"; do
                [ -f "$mdir/$n.mutant" ] || { echo "no mutation $mdir/$n.mutant" >&2; exit 2; }
                mutants="$mutants $mdir/$n.mutant"
        done
else
        mutants=$(ls "$mdir"/*.mutant 2>/dev/null)
        [ -n "$mutants" ] || { echo "no mutation in $mdir" >&2; exit 2; }
fi

# The tree as it is now, uncommitted edits included, without build/.
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
        (cd "$src" && git ls-files -z --cached --others --exclude-standard |
                tar --null --ignore-failed-read -T - -cf -) | tar -C "$tree" -xf - || exit 2
else
        (cd "$src" && tar --exclude=./build -cf - .) | tar -C "$tree" -xf - || exit 2
fi

# Some unit tests read recorded answers from ../shared beside the tree.
[ ! -d "$src/../shared" ] || ln -s "$(cd "$src/../shared" && pwd)" "$scratch/shared"

BUILD=build/default
units=""
for t in "$tree"/tests/unit/test-*.c; do
        units="$units $BUILD/tests/$(basename "$t" .c)"
done
export HSOS_TEST_LOG="$scratch/results.tsv"

build() { # LOG
        make -C "$tree" --no-print-directory -j2 "$BUILD/hsos-agent" $units >"$1" 2>&1
}

# run_tiers LABEL: runs every tier (also after one failed) into
# $logs/LABEL.TIER; prints the failed checks, one "tier: check" a line.
run_tiers() {
        for tier in unit golden integration; do
                out=$logs/$1.$tier
                case $tier in
                unit) (cd "$tree" && make --no-print-directory check-unit) >"$out" 2>&1 ;;
                golden) (cd "$tree" && make --no-print-directory check-golden) >"$out" 2>&1 ;;
                integration)
                        (cd "$tree" && HSOS_AGENT="$tree/$BUILD/hsos-agent" HSOS_TEST_TIER=integration \
                                sh tests/run-tests.sh tests/integration/test-cli.sh \
                                tests/integration/test-unit-security.sh) >"$out" 2>&1
                        ;;
                esac
                rc=$?
                names=$(sed -n 's/^ *not ok [0-9]* *-* *//p' "$out" |
                        sed 's/^golden \(.*\): output differs from .*/\1/' | cut -c1-70)
                if [ -n "$names" ]; then
                        printf '%s\n' "$names" | sed "s/^/$tier: /"
                elif [ $rc != 0 ]; then
                        # A program failed without naming a check (a crash), or make did.
                        fails=$(sed -n 's/^FAIL \([^ ]*\).*/\1/p' "$out")
                        echo "$tier: ${fails:-exit $rc}"
                fi
        done
}

start=$(date +%s)
printf 'mutation test of %s, %s mutations\n' "$src" "$(echo $mutants | wc -w)"
printf 'baseline (unmutated tree): '
if ! build "$logs/baseline.build"; then
        echo "the unmutated tree does not build:"
        tail -20 "$logs/baseline.build"
        exit 2
fi
base=$(run_tiers baseline)
if [ -n "$base" ]; then
        echo "the suite fails on the unmutated tree, so it judges no mutant:"
        printf '%s\n' "$base" | sed 's/^/    /'
        MUTANTS_KEEP=1
        exit 2
fi
echo "every check passes ($(($(date +%s) - start)) s)"

# The Markdown table, also kept for the README and RESULTS.md.
table=$scratch/table.md
{
        echo "| mutation | decision flipped | result | first failing checks |"
        echo "|---|---|---|---|"
} >"$table"
killed=0 survived=0 errors=0 invalid=0
for m in $mutants; do
        name=$(basename "$m" .mutant)
        t0=$(date +%s)
        decision="?"
        if ! info=$(python3 "$mdir/apply.py" --show "$m" 2>"$logs/$name.apply"); then
                result=ERROR caught=$(head -1 "$logs/$name.apply" | sed "s|^$mdir/||")
        elif file=$(printf '%s' "$info" | cut -f1) &&
                decision=$(printf '%s' "$info" | cut -f2- | sed 's/|/\\|/g') && [ ! -f "$tree/$file" ]; then
                result=ERROR caught="no file $file"
        else
                cp "$tree/$file" "$scratch/pristine"
                if ! python3 "$mdir/apply.py" "$m" "$tree" 2>"$logs/$name.apply"; then
                        result=ERROR caught=$(head -1 "$logs/$name.apply" | sed "s|^$mdir/||")
                elif ! build "$logs/$name.build"; then
                        result=INVALID caught="does not build: $(grep -m1 'error' "$logs/$name.build" | cut -c1-100)"
                else
                        fails=$(run_tiers "$name")
                        if [ -n "$fails" ]; then
                                result=killed
                                caught=$(printf '%s\n' "$fails" | head -3 | sed 's/|/\\|/g' | paste -sd ';' - | sed 's/;/; /g')
                                n=$(printf '%s\n' "$fails" | wc -l)
                                [ "$n" -le 3 ] || caught="$caught (+$((n - 3)) more)"
                        else
                                result=SURVIVED caught="no check failed"
                        fi
                fi
                # The file as it was, with a new mtime: the next build recompiles it.
                cp "$scratch/pristine" "$tree/$file"
        fi
        case $result in
        killed) killed=$((killed + 1)) ;;
        SURVIVED) survived=$((survived + 1)) ;;
        ERROR) errors=$((errors + 1)) ;;
        INVALID) invalid=$((invalid + 1)) ;;
        esac
        printf '%-24s %-8s %3s s  %s\n' "$name" "$result" "$(($(date +%s) - t0))" "$caught"
        printf '| %s | %s | %s | %s |\n' "$name" "$decision" "$result" "$caught" >>"$table"
done

secs=$(($(date +%s) - start))
summary="$killed killed, $survived survived, $errors in error, $invalid invalid; $(date -u +%Y-%m-%d), $secs s on $(nproc) cores"
echo
cat "$table"
echo
echo "mutants: $summary"
mkdir -p "$src/build/mutants"
{ cat "$table"; echo; echo "$summary"; } >"$src/build/mutants/report.md"
[ $survived = 0 ] && [ $errors = 0 ] && [ $invalid = 0 ]
