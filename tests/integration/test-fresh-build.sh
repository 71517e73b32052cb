#!/bin/sh
# The README's commands on a fresh machine: `make demo` (and every goal that
# installs first) must work on the first run, when the -dev packages come only
# with scripts/deps.sh; a plain `make` without them names what is missing.
# A copy of the tree is built with a pkg-config that finds nothing until the
# stand-in deps.sh has "installed" the libraries (it creates a stamp file);
# demo.sh is replaced by a line saying it ran, so no image is booted here.
# Then, in the tree built, touching a header rebuilds what includes it, and
# make check-unit T= runs one test.
. "$(dirname "$0")/lib.sh"
command -v pkg-config >/dev/null || skip_all "pkg-config is not installed"
command -v git >/dev/null || skip_all "git is not installed"

copy() { # copy DIR: the tree's files (tracked and new, not ignored), no build/
        mkdir -p "$1"
        (cd "$TOP" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$1" 2>/dev/null)
        printf '#!/bin/sh\ntouch %s/installed; echo "stand-in deps.sh: libraries installed"\n' "$T" >"$1/scripts/deps.sh"
        printf '#!/bin/sh\necho "demo ran with $1"; "$1" validate --config examples/node.json\n' >"$1/scripts/demo.sh"
}
cat >"$T/pkg-config" <<PC
#!/bin/sh
# pkg-config as on a machine where the -dev packages are not installed yet.
[ -e "$T/installed" ] || exit 1
exec pkg-config "\$@"
PC
chmod +x "$T/pkg-config"

copy "$T/fresh"
rm -f "$T/installed"
# As a user types it: not inside this run's make (no MAKEFLAGS, SANITIZE...).
fresh_make() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SANITIZE -u WERROR PKG_CONFIG="$T/pkg-config" make "$@"; }
fresh_make -C "$T/fresh" -j2 demo >"$T/demo.out" 2>&1
rc=$?
if [ $rc = 0 ]; then ok "the first make demo on a fresh machine builds and runs the demo"
else not_ok "the first make demo on a fresh machine builds and runs the demo" "exit $rc" "$(tail -n 30 "$T/demo.out")"; fi
expect_in "$T/demo.out" "demo ran with build/default/hsos-agent" "make demo ran demo.sh with the binary it built"
expect_in "$T/demo.out" "valid: host" "the binary built on the first run works"

# An object depends on the headers it includes (-MMD): touching one rebuilds
# the files that include it, and no other.
want=$(cd "$T/fresh" && grep -l 'manager\.h"' agent/*/*.c | sort)
touch "$T/fresh/agent/daemon/manager.h"
fresh_make -C "$T/fresh" -j2 >"$T/rebuild.out" 2>&1
got=$(sed -n 's/^  CC      //p' "$T/rebuild.out" | sort)
missing=$(printf '%s\n' "$want" | grep -vxF -e "$got")
[ -n "$want" ] && [ -z "$missing" ] && ok "touching a header rebuilds what includes it ($(echo $want))" \
        || not_ok "touching a header rebuilds what includes it" "not rebuilt: $missing" "$(cat "$T/rebuild.out")"
[ "$got" = "$want" ] && ok "and nothing else" \
        || not_ok "touching a header rebuilds only what includes it" "$(echo "$got" | wc -l) files rebuilt:" "$(echo $got)"
expect_in "$T/rebuild.out" "LD      build/default/hsos-agent" "and the binary is linked again"

# One test by name: T= names a unit test binary, T=BINARY/NAME one TEST in it
# (its counts kept out of this run's own log).
HSOS_TEST_LOG=$T/unit-log fresh_make -C "$T/fresh" check-unit T=test-decisions >"$T/one.out" 2>&1
if grep -q '^PASS test-decisions ' "$T/one.out" && [ "$(grep -c '^PASS\|^FAIL' "$T/one.out")" = 1 ]; then
        ok "make check-unit T=test-decisions runs that binary alone"
else not_ok "make check-unit T=test-decisions runs that binary alone" "$(tail -n 30 "$T/one.out")"; fi
name=$("$T/fresh/build/default/tests/test-decisions" --list | head -n 1)
HSOS_TEST_LOG=$T/unit-log fresh_make -C "$T/fresh" check-unit T="test-decisions/$name" >"$T/one.out" 2>&1
expect_in "$T/one.out" "unit: 1 passed, 0 failed, 0 skipped" "make check-unit T=test-decisions/$name runs that TEST alone"
HSOS_TEST_LOG=$T/unit-log fresh_make -C "$T/fresh" check-unit T=test-decisions/no_such_test >"$T/one.out" 2>&1
expect_in "$T/one.out" "Bail out! no test is named no_such_test" "a name no TEST has fails, never passes"

copy "$T/plain"
rm -f "$T/installed"
fresh_make -C "$T/plain" >"$T/plain.out" 2>&1
rc=$?
expect_exit 0 "a plain make without the libraries fails" test $rc != 0
expect_in "$T/plain.out" "pkg-config finds no libcjson blkid mount libmnl libnftables libsystemd libcurl libseccomp" \
        "it names every library pkg-config cannot find"
expect_in "$T/plain.out" "libcjson-dev libblkid-dev libmount-dev libmnl-dev libnftables-dev libsystemd-dev libcurl4-openssl-dev libseccomp-dev" \
        "and the Debian packages that bring them"
expect_not_in "$T/plain.out" "No such file or directory" "instead of failing on a missing header"
finish
