#!/bin/sh
# Names the libraries pkg-config cannot find, with the Debian packages that
# bring them, and fails: what a plain `make` says on a machine without them.
#   sh scripts/check-libs.sh PKG-CONFIG-MODULE...
set -u
pc=${PKG_CONFIG:-pkg-config}
if ! command -v "$pc" >/dev/null 2>&1; then
        echo "hsos-agent: $pc is not installed (Debian package pkg-config), so no library can be found." >&2
        echo "Run 'make deps' as root on Debian 12 (or 'make check' / 'make demo', which install first)." >&2
        exit 1
fi
missing="" packages=""
for m in "$@"; do
        "$pc" --exists "$m" 2>/dev/null && continue
        case $m in
        libcjson) d=libcjson-dev ;;
        blkid) d=libblkid-dev ;;
        mount) d=libmount-dev ;;
        libmnl) d=libmnl-dev ;;
        libnftables) d=libnftables-dev ;;
        libsystemd) d=libsystemd-dev ;;
        libcurl) d=libcurl4-openssl-dev ;;
        libseccomp) d=libseccomp-dev ;;
        libmicrohttpd) d=libmicrohttpd-dev ;;
        *) d="(the package with $m.pc)" ;;
        esac
        missing="$missing $m" packages="$packages $d"
done
[ -n "$missing" ] || exit 0
echo "hsos-agent: cannot build: pkg-config finds no$missing." >&2
echo "Install the Debian packages:$packages" >&2
echo "('make deps' does it as root on Debian 12; 'make check' and 'make demo' install them first.)" >&2
exit 1
