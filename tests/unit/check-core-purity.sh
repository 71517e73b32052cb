#!/bin/sh
# The pure core must not include an edge's header, a library's or our own
# (include/hsos/edge/): compiling such an include with the core's flags has to
# fail. This proves the guard works. TAP, one check per header. Run from the
# top of the tree.
#   sh tests/unit/check-core-purity.sh [CC CORE-CFLAGS]  (or HSOS_CORE_CC, HSOS_CORE_CFLAGS)
set -u
cc=${1:-${HSOS_CORE_CC:?usage: check-core-purity.sh CC CORE-CFLAGS}}
flags=${2:-${HSOS_CORE_CFLAGS:?usage: check-core-purity.sh CC CORE-CFLAGS}}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0
edges=$(cd include && ls hsos/edge/*.h)
[ -n "$edges" ] || { echo "Bail out! no header in include/hsos/edge/ (run from the top of the tree)"; exit 1; }
for h in systemd/sd-bus.h systemd/sd-event.h systemd/sd-journal.h libmount.h blkid.h libmnl/libmnl.h curl/curl.h \
        $edges; do
        n=$((n + 1))
        case $h in
        hsos/*) printf '#include "%s"\nint x;\n' "$h" ;;
        *) printf '#include <%s>\nint x;\n' "$h" ;;
        esac >"$tmp/probe.c"
        # shellcheck disable=SC2086
        if $cc $flags -c "$tmp/probe.c" -o "$tmp/probe.o" 2>"$tmp/err"; then
                echo "not ok $n - <$h> is refused in agent/core: it compiles with the core's flags"
                fail=$((fail + 1))
        elif ! grep -q "is an edge header" "$tmp/err"; then
                echo "not ok $n - <$h> is refused in agent/core: it failed for another reason"
                sed 's/^/# /' "$tmp/err"
                fail=$((fail + 1))
        else
                echo "ok $n - <$h> is refused in agent/core"
        fi
done
echo "1..$n"
[ $fail = 0 ]
