#!/bin/sh
# Builds the libcurl that hsos-agent-net links: Debian's own curl source
# package (the newest the machine's Debian archive has, with Debian's patches:
# its security fixes among them), configured for HTTP and HTTPS over OpenSSL
# and nothing else, as a static library in build/libcurl/. scripts/deps.sh
# runs it; the Makefile links it when it is there and Debian's libcurl4
# otherwise.
#
# Why: Debian 12's libcurl4 links 20 libraries for protocols and features the
# agent turns off (GnuTLS, nettle, p11-kit, krb5, GSSAPI, libssh2, LDAP,
# RTMP, nghttp2, IDN, PSL, brotli, zstd, ...): some 3 MiB of the helper's
# memory, and a larger surface in the one process that parses network input
# (tests/bench/memory.sh: all the agent's processes PSS 8.6 -> 5.2 MiB).
# Static, it is patched when the agent is built again, not by apt: this
# script builds again when the installed libcurl4 changes (an apt upgrade
# that brings a curl fix) or this script does.
#
# The source comes from the Debian archive this machine installs from (its
# sources' URIs, as deb-src), through apt with lists and caches of its own in
# a private temporary directory: the machine's apt configuration and caches
# are not changed, apt checks the files against the archive's signed index
# and dpkg-source checks them against the .dsc. The build happens there too;
# build/libcurl is replaced only by a finished, checked library.
#   sh scripts/libcurl.sh          build if missing or stale
#   sh scripts/libcurl.sh --print  the version built, or nothing
set -eu
# Run from a make recipe, the top make's command line (CFLAGS=, DESTDIR=)
# must not reach curl's make.
unset MAKEFLAGS MFLAGS MAKELEVEL
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=$TOP/build/libcurl
STAMP=$OUT/built-from

if [ "${1:-}" = --print ]; then
        [ -f "$OUT/lib/libcurl.a" ] && [ -f "$STAMP" ] && cat "$STAMP"
        exit 0
fi

fail() {
        echo "scripts/libcurl.sh: $*" >&2
        exit 1
}

for c in apt-get dpkg dpkg-source dpkg-buildflags dpkg-query make cc flock sha256sum; do
        command -v "$c" >/dev/null 2>&1 || fail "needs $c (Debian: apt-get, dpkg-dev, build-essential, util-linux)"
done
pkg-config --exists openssl 2>/dev/null || fail "needs OpenSSL's headers (Debian: libssl-dev)"

# build/ and build/libcurl are this user's own directories, never links:
# what is removed and written below lies in them.
mkdir -p "$TOP/build"
for d in "$TOP/build" "$OUT"; do
        [ -e "$d" ] || [ -L "$d" ] || continue
        [ -d "$d" ] && ! [ -L "$d" ] && [ "$(stat -c %u "$d")" = "$(id -u)" ] ||
                fail "$d is not a directory of uid $(id -u) (a link, or another user's): refusing to build there"
done

# One build at a time (two makes at once).
exec 9>>"$TOP/build/libcurl.lock"
flock 9

# What this build is for: the installed libcurl4 and this script.
arch=$(dpkg --print-architecture)
installed=$(dpkg-query -W -f '${Version}\n' "libcurl4:$arch" 2>/dev/null | head -n 1)
want="libcurl4 ${installed:-none} $(sha256sum <"$0" | cut -c1-16)"
if [ -f "$OUT/lib/libcurl.a" ] && [ -f "$OUT/include/curl/curl.h" ] && [ -f "$STAMP" ] &&
        [ "$(cat "$OUT/built-for" 2>/dev/null)" = "$want" ]; then
        exit 0
fi

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
APT=$W/apt
mkdir -p "$APT/lists/partial" "$APT/archives/partial" "$APT/cache" "$W/src"

# deb-src for every Debian source this machine's apt uses (its lists name
# them; where none were fetched yet, apt-get update fetches them first).
targets() {
        # shellcheck disable=SC2016
        apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' 'Identifier: Packages' 'Origin: Debian' \
                2>/dev/null | sort -u
}
targets >"$APT/targets" || :
if ! [ -s "$APT/targets" ]; then
        apt-get update -q >/dev/null 2>&1 || :
        targets >"$APT/targets" || :
fi
if ! [ -s "$APT/targets" ]; then
        . /etc/os-release
        codename=${VERSION_CODENAME:-bookworm}
        printf '%s\n' "http://deb.debian.org/debian/ $codename main" \
                "http://deb.debian.org/debian/ $codename-updates main" \
                "http://deb.debian.org/debian-security/ $codename-security main" >"$APT/targets"
fi
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
while read -r uri suite component; do
        if [ -r "$keyring" ]; then
                echo "deb-src [signed-by=$keyring] $uri $suite $component"
        else
                echo "deb-src $uri $suite $component"
        fi
done <"$APT/targets" >"$APT/sources.list"

set -- -o Dir::Etc::SourceList="$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null \
        -o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache" -o Dir::Cache::Archives="$APT/archives" -q
echo "Building libcurl for HTTP(S) alone from Debian's curl source into build/libcurl"
apt-get "$@" update >"$W/update.log" 2>&1 || { cat "$W/update.log" >&2; fail "apt-get update of the deb-src lists failed"; }
# apt's download sandbox (_apt) cannot write the private directory, root's
# own: the source files are fetched as root, and checked as always.
cd "$W/src"
apt-get "$@" -o APT::Sandbox::User=root source --download-only curl >"$W/source.log" 2>&1 ||
        { cat "$W/source.log" >&2; fail "apt-get source curl failed"; }
dsc=$(ls curl_*.dsc)
got=${dsc#curl_}
got=${got%.dsc}
# Debian's patches applied. dpkg-source checks each file's size and hashes
# against the .dsc (apt checked the .dsc against the signed index); it can
# only warn that it has no keyring to check the .dsc's own signature with.
dpkg-source -x "$dsc" curl >"$W/dpkg-source.log" 2>&1 ||
        { cat "$W/dpkg-source.log" >&2; fail "dpkg-source could not unpack $dsc"; }

# HTTP and HTTPS over OpenSSL, the proxy and HTTP authentication the
# controller's URL may ask for, the threaded resolver; every other protocol,
# every library for them and the features the helper never sets, off.
cd curl
CFLAGS="$(dpkg-buildflags --get CFLAGS) -ffunction-sections -fdata-sections" \
CPPFLAGS="$(dpkg-buildflags --get CPPFLAGS)" \
LDFLAGS="$(dpkg-buildflags --get LDFLAGS)" \
./configure --prefix="$W/inst" --disable-shared --enable-static --with-pic \
        --with-openssl --with-ca-path=/etc/ssl/certs --with-ca-bundle=/etc/ssl/certs/ca-certificates.crt \
        --disable-ftp --disable-file --disable-ldap --disable-ldaps --disable-rtsp --disable-dict \
        --disable-telnet --disable-tftp --disable-pop3 --disable-imap --disable-smb --disable-smtp \
        --disable-gopher --disable-mqtt --disable-manual --disable-docs --disable-ntlm --disable-ntlm-wb \
        --disable-kerberos-auth --disable-negotiate-auth --disable-aws --disable-alt-svc --disable-hsts \
        --disable-cookies --disable-netrc --disable-doh --disable-mime --disable-tls-srp --disable-unix-sockets \
        --without-zlib --without-brotli --without-zstd --without-libssh2 --without-libssh --without-librtmp \
        --without-libidn2 --without-nghttp2 --without-libpsl --without-gssapi \
        >"$W/configure.log" 2>&1 || { tail -30 "$W/configure.log" >&2; fail "curl's configure failed"; }
protocols=$(sed -n 's/^ *Protocols: *//p' "$W/configure.log" | tail -n 1)
[ "$protocols" = "HTTP HTTPS" ] || fail "libcurl was configured for '$protocols', not HTTP and HTTPS alone"
jobs=$(nproc 2>/dev/null || echo 2)
{ make -j"$jobs" -C lib && make -C lib install && make -C include install; } >"$W/make.log" 2>&1 ||
        { tail -30 "$W/make.log" >&2; fail "building libcurl failed"; }

# In place, whole: the old library goes only now, and the Makefile takes
# the library only with its stamp (written last).
rm -rf "$OUT.new"
mkdir "$OUT.new"
cp -R "$W/inst/lib" "$W/inst/include" "$OUT.new/"
cp "$W/configure.log" "$OUT.new/"
echo "curl $got" >"$OUT.new/built-from"
echo "$want" >"$OUT.new/built-for"
rm -rf "$OUT"
mv "$OUT.new" "$OUT"
echo "libcurl $got built for HTTP and HTTPS alone (build/libcurl/lib/libcurl.a)"
