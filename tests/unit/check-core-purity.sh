#!/bin/sh
# The pure core must not include an edge library's header: compiling such an
# include with the core's flags has to fail. This proves the guard works.
set -u
cc=$1 flags=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for h in systemd/sd-bus.h libmount.h blkid.h libmnl/libmnl.h curl/curl.h; do
        printf '#include <%s>\nint x;\n' "$h" >"$tmp/probe.c"
        # shellcheck disable=SC2086
        if $cc $flags -c "$tmp/probe.c" -o "$tmp/probe.o" 2>"$tmp/err"; then
                echo "FAIL check-core-purity: <$h> compiles with the core's flags"
                fail=1
        elif ! grep -q "edge library header" "$tmp/err"; then
                echo "FAIL check-core-purity: <$h> failed for another reason:"; cat "$tmp/err"
                fail=1
        fi
done
[ $fail = 0 ] && echo "PASS check-core-purity (5 edge headers refused in agent/core)"
exit $fail
