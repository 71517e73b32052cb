#!/bin/sh
# Benchmarks: the time from node.json to a rendered plan (bench-plan), and the
# peak RSS of `hsos-agent plan` on a full mainnet node (geth, lighthouse,
# mev-boost, ssv-node, wireguard, three mounts, all mounted). Figures only:
# the aims (under 1 ms per iteration, under 2 MiB peak RSS) are reported,
# not asserted.
#   sh tests/bench/run.sh build/bench/bench-plan build/default/hsos-agent build/bench/results.txt
set -eu

bench=${1:?usage: run.sh BENCH-PLAN HSOS-AGENT RESULTS}
agent=${2:?usage: run.sh BENCH-PLAN HSOS-AGENT RESULTS}
results=${3:?usage: run.sh BENCH-PLAN HSOS-AGENT RESULTS}
here=$(dirname "$0")
node="$here/full-node.json"
facts="$here/full-facts.json"
iterations=${BENCH_ITERATIONS:-2000}
warmup=${BENCH_WARMUP:-200}
rss_runs=5

mkdir -p "$(dirname "$results")"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hsos-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# The agent must accept the inputs, or the figures mean nothing.
if ! "$agent" plan --config "$node" --facts "$facts" >"$tmp/plan.txt" 2>"$tmp/plan.err"; then
        echo "bench: $agent plan failed on $node:" >&2
        cat "$tmp/plan.err" >&2
        exit 1
fi

# Peak RSS in KiB of one run of "$@" (stdout discarded): GNU time when
# present, else a tiny getrusage(RUSAGE_CHILDREN) wrapper built here.
rss_tool=""
if [ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1; then
        rss_tool="GNU time (/usr/bin/time -f %M)"
        peak_rss() {
                /usr/bin/time -o "$tmp/rss" -f %M "$@" >/dev/null 2>"$tmp/rss.err" || return 1
                tail -n 1 "$tmp/rss"
        }
else
        cat >"$tmp/maxrss.c" <<'CEOF'
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv) {
        struct rusage ru;
        int status;
        pid_t pid;
        if (argc < 2)
                return 2;
        pid = fork();
        if (pid < 0)
                return 1;
        if (pid == 0) {
                execvp(argv[1], argv + 1);
                _exit(127);
        }
        if (waitpid(pid, &status, 0) < 0 || getrusage(RUSAGE_CHILDREN, &ru) < 0)
                return 1;
        fprintf(stderr, "%ld\n", ru.ru_maxrss);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
CEOF
        ${CC:-cc} -O2 -o "$tmp/maxrss" "$tmp/maxrss.c"
        rss_tool="getrusage(RUSAGE_CHILDREN) wrapper"
        peak_rss() {
                "$tmp/maxrss" "$@" >/dev/null 2>"$tmp/rss" || return 1
                tail -n 1 "$tmp/rss"
        }
fi

bench_cmd="$bench $node $facts $iterations $warmup"
"$bench" "$node" "$facts" "$iterations" "$warmup" >"$tmp/bench.txt"
median=$(sed -n 's/^ *median \([0-9.]*\) us.*/\1/p' "$tmp/bench.txt")
p90=$(sed -n 's/^ *p90 *\([0-9.]*\) us.*/\1/p' "$tmp/bench.txt")

rss_cmd="$agent plan --config $node --facts $facts"
rss_max=0
rss_all=""
i=0
while [ "$i" -lt "$rss_runs" ]; do
        if ! kib=$(peak_rss "$agent" plan --config "$node" --facts "$facts"); then
                echo "bench: $rss_cmd failed" >&2
                exit 1
        fi
        rss_all="$rss_all $kib"
        [ "$kib" -gt "$rss_max" ] && rss_max=$kib
        i=$((i + 1))
done
rss_json_kib=$(peak_rss "$agent" plan --json --config "$node" --facts "$facts")

aim() { # value limit -> "met" / "NOT met"
        awk -v v="$1" -v l="$2" 'BEGIN { print (v + 0 < l + 0) ? "met" : "NOT met" }'
}
rss_mib=$(awk -v k="$rss_max" 'BEGIN { printf "%.2f", k / 1024 }')
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
commit=$(git -C "$here" describe --always --dirty 2>/dev/null || echo unknown)

{
        echo "hsos-agent benchmarks"
        echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "host:    $(uname -n) ($(uname -srm); ${cpu:-unknown CPU}; $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') CPUs)"
        echo "commit:  $commit"
        echo
        echo "plan time: config_parse + plan_build (renders every unit) + plan_to_text"
        echo "  command: $bench_cmd"
        sed 's/^/  /' "$tmp/bench.txt"
        echo "  aim: median under 1000 us: $(aim "$median" 1000); p90 under 1000 us: $(aim "$p90" 1000)"
        echo
        echo "peak RSS of hsos-agent plan, $rss_runs runs, by $rss_tool"
        echo "  command: $rss_cmd"
        echo "  peak RSS: $rss_max KiB ($rss_mib MiB); each run (KiB):$rss_all"
        echo "  with --json: $rss_json_kib KiB"
        echo "  aim: under 2048 KiB: $(aim "$rss_max" 2048)"
} >"$results"
cat "$results"
