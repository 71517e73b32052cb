# Loop devices and mounts for the integration tests, always cleaned up:
# sourced after lib.sh. attach VAR IMAGE [--partitions]; every mount below $T
# is undone (deepest first) and every loop device detached on exit.
LOOPS=""
cleanup() {
        # Deepest mount points first, each as many times as it is stacked.
        for _i in 1 2 3; do
                awk -v t="$T" '$5 ~ "^"t { print length($5), $5 }' /proc/self/mountinfo | sort -rn | cut -d' ' -f2 |
                        while read -r _m; do umount "$_m" 2>/dev/null; done
        done
        for _l in $LOOPS; do partx -d "$_l" 2>/dev/null; losetup -d "$_l" 2>/dev/null; done
        [ -n "${NS:-}" ] && ip netns del "$NS" 2>/dev/null
        return 0
}

require_loop_root() {
        [ "$(id -u)" = 0 ] || skip_all "needs root for loop devices and mounts"
        for _t in losetup "$@"; do
                command -v "$_t" >/dev/null || skip_all "$_t is not installed"
        done
        truncate -s 1M "$T/probe.img"
        _l=$(losetup --find --show "$T/probe.img" 2>/dev/null) || skip_all "no loop device can be attached here"
        losetup -d "$_l"
        [ -b "$_l" ] || skip_all "loop device $_l has no device node here"
}

# A loop device that cannot be attached is a failed check, with losetup's
# words; VAR is then empty (not unset: set -u would end the script), and the
# checks that need it fail too.
attach() { # VAR IMAGE [--partitions]
        eval "$1="
        if [ "${3:-}" = --partitions ]; then
                _l=$(losetup --partscan --find --show "$2" 2>"$T/losetup.err") \
                        || { not_ok "attach $2 to a loop device" "$(cat "$T/losetup.err")"; return 1; }
                # The kernel scans at attach time; partx adds what it missed.
                [ -b "${_l}p1" ] || partx -a "$_l" 2>/dev/null
        else
                _l=$(losetup --find --show "$2" 2>"$T/losetup.err") \
                        || { not_ok "attach $2 to a loop device" "$(cat "$T/losetup.err")"; return 1; }
        fi
        LOOPS="$_l $LOOPS"
        eval "$1=\$_l"
}

detach() { # DEVICE
        partx -d "$1" 2>/dev/null
        losetup -d "$1"
        LOOPS=$(echo "$LOOPS" | sed "s#$1 ##")
}

# mounted_at TARGET: prints "SOURCE FSTYPE" of the topmost mount there.
mounted_at() {
        findmnt -n -o SOURCE,FSTYPE --mountpoint "$1" 2>/dev/null | tail -n 1
}
