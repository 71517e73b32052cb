#!/bin/sh
# The README's commands on a fresh machine: `make demo` (and every goal that
# installs first) must work on the first run, when the -dev packages come only
# with scripts/deps.sh; a plain `make` without them names what is missing.
# A copy of the tree is built with a pkg-config that finds nothing until the
# stand-in deps.sh has "installed" the libraries (it creates a stamp file);
# demo.sh is replaced by a line saying it ran, so no image is booted here.
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

copy "$T/plain"
rm -f "$T/installed"
fresh_make -C "$T/plain" >"$T/plain.out" 2>&1
rc=$?
expect_exit 0 "a plain make without the libraries fails" test $rc != 0
expect_in "$T/plain.out" "pkg-config finds no libcjson blkid mount libmnl libsystemd libcurl" \
        "it names every library pkg-config cannot find"
expect_in "$T/plain.out" "libcjson-dev libblkid-dev libmount-dev libmnl-dev libsystemd-dev libcurl4-openssl-dev" \
        "and the Debian packages that bring them"
expect_not_in "$T/plain.out" "No such file or directory" "instead of failing on a missing header"
finish
