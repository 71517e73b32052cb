#!/bin/sh
# Benchmark: the image. Build time cold (an empty cache: debootstrap and all)
# and warm (only the agent's layer), the initrd's size, and boot times in QEMU
# (tests/bench/image-boot.py). Appends to the results file. Needs root, QEMU,
# a kernel and debootstrap; says so and skips otherwise.
#   sh tests/bench/image.sh HSOS-AGENT RESULTS
set -u
bin=$1 results=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" != 0 ] || ! command -v qemu-system-x86_64 >/dev/null || ! command -v debootstrap >/dev/null \
   || ! ls /boot/vmlinuz-* >/dev/null 2>&1; then
        echo "image: skipped (needs root, qemu-system-x86_64, debootstrap and a kernel in /boot)" | tee -a "$results"
        exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
build() { # CACHE OUT LOG: prints the milliseconds it took
        start=$(date +%s%N)
        HSOS_IMAGE_CACHE=$1 sh "$top/scripts/image/build.sh" "$bin" "$top/tests/e2e/node.json" "$2" "$top/tests/e2e/guest" \
                >"$T/$3" 2>&1 || { cat "$T/$3" >&2; exit 1; }
        echo $(( ($(date +%s%N) - start) / 1000000 ))
}
cold=$(build "$T/cache" "$T/img" cold.log)
warm=$(build "$T/cache" "$T/img" warm.log)
size=$(stat -c %s "$T/img/initrd.zst")
python3 "$top/tests/bench/image-boot.py" "$T/img" 3 >"$T/boots" || { cat "$T/boots" >&2; exit 1; }
{
        echo "image: build and boot ($(date -u +%Y-%m-%dT%H:%M:%SZ), kernel $(ls /boot/vmlinuz-* | sort -V | tail -1 | sed 's#.*/vmlinuz-##'))"
        echo "  build, cold (debootstrap, modules, cpio, the agent's layer): $(awk "BEGIN { printf \"%.1f\", $cold / 1000 }") s"
        echo "  build, warm (the agent's layer only): $(awk "BEGIN { printf \"%.1f\", $warm / 1000 }") s"
        echo "  initrd.zst: $(awk "BEGIN { printf \"%.1f\", $size / 1048576 }") MiB ($(grep -o 'base tree [0-9]* MiB' "$T/cold.log"), unpacked into RAM at boot)"
        sed 's/^/  /' "$T/boots"
        echo "  (QEMU -accel tcg, 2 vCPUs, 1024 MiB, on this host's $(nproc) cores)"
} | tee -a "$results"
