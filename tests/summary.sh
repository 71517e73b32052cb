#!/bin/sh
# The closing lines over every tier that tests/run-tests.sh ran with this
# HSOS_TEST_LOG: each skipped check again with its reason, then one line
# counting checks, not files: "N passed, N failed, N skipped".
#   sh tests/summary.sh build/test-results.tsv
set -u
log=${1:?usage: summary.sh RESULTS-LOG}
if [ ! -s "$log" ]; then
        echo "no test ran (nothing in $log)"
        echo "0 passed, 1 failed, 0 skipped"
        exit 1
fi
awk -F '\t' '
        $1 == "skip" { skips[++ns] = "  " $2 ": " $3 ": " $4 }
        $1 == "skip-failed" { sf[++nf] = "  " $2 ": " $3 ": " $4 }
        $1 == "count" { split($4, c, " "); p += c[1]; f += c[2]; s += c[3]; tiers[$2] = 1 }
        END {
                if (ns) {
                        print "Skipped (" ns "), each with its reason:"
                        for (i = 1; i <= ns; i++) print skips[i]
                }
                if (nf) {
                        print "Failed for being skipped under CI=true or STRICT=1 (" nf "):"
                        for (i = 1; i <= nf; i++) print sf[i]
                }
                nt = 0; for (t in tiers) nt++
                printf "%d tiers ran\n", nt
                printf "%d passed, %d failed, %d skipped\n", p, f, s
                exit f > 0 ? 1 : 0
        }' "$log"
