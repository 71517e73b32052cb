#!/bin/sh
# Builds the libcurl that hsos-agent-net links: Debian's own curl source
# package (the version of the installed libcurl4 where the archive still has
# it, with Debian's patches), configured for HTTP and HTTPS over OpenSSL and
# nothing else, as a static library in build/libcurl/. scripts/deps.sh runs
# it; the Makefile links it when it is there and Debian's libcurl otherwise.
#
# Why: Debian 12's libcurl4 links 20 libraries for protocols and features the
# agent turns off (GnuTLS, nettle, p11-kit, krb5, GSSAPI, libssh2, LDAP,
# RTMP, nghttp2, IDN, PSL, brotli, zstd, ...): some 2.6 MiB of the helper's
# memory, and a larger surface in the one process that parses network input.
# Built this way the helper maps OpenSSL, libz-free, and nothing of the rest
# (tests/bench/memory.sh: all the agent's processes PSS 8.6 -> 5.3 MiB).
#
# The source comes from the Debian archive this machine installs from (its
# sources' URIs, as deb-src), through apt with its own lists under
# build/libcurl/apt: the machine's apt configuration is not changed, and apt
# checks the files against the archive's signed index. Quick when the
# library of the wanted version is already built.
#   sh scripts/libcurl.sh          build if missing or of another version
#   sh scripts/libcurl.sh --print  the version built, or nothing
set -eu
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

for c in apt-get dpkg-source dpkg-buildflags dpkg-query make cc; do
        command -v "$c" >/dev/null 2>&1 || fail "needs $c (Debian: apt-get, dpkg-dev, build-essential)"
done
pkg-config --exists openssl 2>/dev/null || fail "needs OpenSSL's headers (Debian: libssl-dev)"

# The installed libcurl's version, to build the same source; a machine
# without libcurl4 takes the newest the archive has.
want=$(dpkg-query -W -f '${Version}' libcurl4 2>/dev/null || true)
# Built already for this libcurl4 (the archive may have had another version
# of the source: built-for keeps what was asked, built-from what was built).
if [ -f "$OUT/lib/libcurl.a" ] && [ -f "$STAMP" ] && [ "$(cat "$OUT/built-for" 2>/dev/null)" = "libcurl4 $want" ]; then
        exit 0
fi

APT=$OUT/apt
rm -rf "$APT" "$OUT/src" "$OUT/lib" "$OUT/include" "$STAMP" "$OUT/built-for"
mkdir -p "$APT/lists/partial" "$APT/archives/partial" "$OUT/src"

# deb-src for every Debian source this machine's apt already uses.
# shellcheck disable=SC2016
apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' 'Identifier: Packages' 'Origin: Debian' \
        2>/dev/null | sort -u >"$APT/targets" || true
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
        -o Dir::State::Lists="$APT/lists" -o Dir::Cache::Archives="$APT/archives" \
        -o APT::Sandbox::User=root -q
echo "Building libcurl for HTTP(S) alone from Debian's curl source into build/libcurl"
apt-get "$@" update >"$APT/update.log" 2>&1 || { cat "$APT/update.log" >&2; fail "apt-get update of the deb-src lists failed"; }
cd "$OUT/src"
if [ -z "$want" ] || ! apt-get "$@" source --download-only "curl=$want" >"$APT/source.log" 2>&1; then
        apt-get "$@" source --download-only curl >"$APT/source.log" 2>&1 ||
                { cat "$APT/source.log" >&2; fail "apt-get source curl failed"; }
fi
dsc=$(ls curl_*.dsc)
got=${dsc#curl_}
got=${got%.dsc}
# Debian's patches applied (its security fixes among them); the signature
# was checked through the archive's index by apt, not against a keyring here.
dpkg-source --no-check -x "$dsc" curl >"$APT/dpkg-source.log" 2>&1 ||
        { cat "$APT/dpkg-source.log" >&2; fail "dpkg-source could not unpack $dsc"; }

# HTTP and HTTPS over OpenSSL, the proxy and HTTP authentication the
# controller's URL may ask for, the threaded resolver; every other protocol,
# every library for them and the features the helper never sets, off.
cd curl
CFLAGS="$(dpkg-buildflags --get CFLAGS) -ffunction-sections -fdata-sections" \
CPPFLAGS="$(dpkg-buildflags --get CPPFLAGS)" \
LDFLAGS="$(dpkg-buildflags --get LDFLAGS)" \
./configure --prefix="$OUT" --disable-shared --enable-static --with-pic \
        --with-openssl --with-ca-path=/etc/ssl/certs --with-ca-bundle=/etc/ssl/certs/ca-certificates.crt \
        --disable-ftp --disable-file --disable-ldap --disable-ldaps --disable-rtsp --disable-dict \
        --disable-telnet --disable-tftp --disable-pop3 --disable-imap --disable-smb --disable-smtp \
        --disable-gopher --disable-mqtt --disable-manual --disable-docs --disable-ntlm --disable-ntlm-wb \
        --disable-kerberos-auth --disable-negotiate-auth --disable-aws --disable-alt-svc --disable-hsts \
        --disable-cookies --disable-netrc --disable-doh --disable-mime --disable-tls-srp --disable-unix-sockets \
        --without-zlib --without-brotli --without-zstd --without-libssh2 --without-libssh --without-librtmp \
        --without-libidn2 --without-nghttp2 --without-libpsl --without-gssapi \
        >"$OUT/configure.log" 2>&1 || { tail -30 "$OUT/configure.log" >&2; fail "curl's configure failed (build/libcurl/configure.log)"; }
jobs=$(nproc 2>/dev/null || echo 2)
{ make -j"$jobs" -C lib && make -C lib install && make -C include install; } >"$OUT/make.log" 2>&1 ||
        { tail -30 "$OUT/make.log" >&2; fail "building libcurl failed (build/libcurl/make.log)"; }

protocols=$(sed -n 's/^ *Protocols: *//p' "$OUT/configure.log" | tail -1)
case "$protocols" in
"HTTP HTTPS") ;;
*) fail "libcurl was configured for '$protocols', not HTTP and HTTPS alone" ;;
esac
cd "$OUT"
rm -rf "$OUT/src" "$APT/archives"
echo "curl $got" >"$STAMP"
echo "libcurl4 $want" >"$OUT/built-for"
echo "libcurl $got built for HTTP and HTTPS alone (build/libcurl/lib/libcurl.a)"
