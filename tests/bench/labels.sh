#!/bin/sh
# Benchmark: resolve every LABEL= of a config naming 64 disks, against 64
# attached loop devices: in-process (one libblkid pass, as `mount` does)
# against `blkid -t LABEL=... -o device` run once per label (the shell way).
# Appends both figures and their ratio to the results file. Needs root.
#   sh tests/bench/labels.sh build/bench/bench-labels build/bench/results.txt
set -u
bench=$1 results=$2
n=64
if [ "$(id -u)" != 0 ] || ! command -v losetup >/dev/null; then
        echo "labels: skipped (needs root and loop devices)" | tee -a "$results"
        exit 0
fi
T=$(mktemp -d)
LOOPS=""
trap 'for l in $LOOPS; do losetup -d "$l" 2>/dev/null; done; rm -rf "$T"' EXIT INT TERM

printf '{ "mounts": {' >"$T/node.json"
i=0
while [ $i -lt $n ]; do
        label=$(printf 'hsb%02d-%s' $i $$)
        truncate -s 2M "$T/$i.img"
        mkfs.ext4 -q -L "$label" "$T/$i.img" 2>/dev/null || { echo "labels: mkfs.ext4 failed" >&2; exit 1; }
        l=$(losetup --find --show "$T/$i.img") || { echo "labels: could attach only $i loop devices" | tee -a "$results"; exit 0; }
        LOOPS="$l $LOOPS"
        [ $i -gt 0 ] && printf ',' >>"$T/node.json"
        printf ' "d%d": { "enable": true, "what": "LABEL=%s", "where": "/mnt/d%d" }' $i "$label" $i >>"$T/node.json"
        i=$((i + 1))
done
printf ' } }\n' >>"$T/node.json"

set -- $("$bench" "$T/node.json" 50)
inproc_median=$1 inproc_p90=$2 resolved=$3
[ "$resolved" = $n ] || { echo "labels: only $resolved of $n labels resolved in-process" >&2; exit 1; }

# The baseline: one blkid per label, as a shell script would, 5 rounds.
round() {
        start=$(date +%s%N)
        i=0
        while [ $i -lt $n ]; do
                blkid -t "LABEL=$(printf 'hsb%02d-%s' $i $$)" -o device >/dev/null || return 1
                i=$((i + 1))
        done
        echo $(( ($(date +%s%N) - start) / 1000 ))
}
for r in 1 2 3 4 5; do round; done | sort -n >"$T/rounds"
blkid_median=$(sed -n 3p "$T/rounds")
ratio=$(awk "BEGIN { printf \"%.1f\", $blkid_median / $inproc_median }")
{
        echo "labels: resolve $n LABEL= against $n loop devices ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -r))"
        echo "  in-process (one libblkid pass + lookups): median ${inproc_median} us, p90 ${inproc_p90} us (50 runs)"
        echo "  blkid -t LABEL=... -o device, once per label: median ${blkid_median} us per round of $n (5 rounds)"
        echo "  ratio: ${ratio}x"
} | tee -a "$results"
