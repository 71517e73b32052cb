#!/bin/sh
# The helper's libcurl (scripts/libcurl.sh, run by scripts/deps.sh): built
# from Debian's curl source of the installed libcurl4's version, for HTTP and
# HTTPS over OpenSSL and nothing else, and what hsos-agent-net links. The
# library itself is asked (curl_version_info) by a program linked with it as
# the helper is, and the helper's own dynamic section is read.
. "$(dirname "$0")/lib.sh"
L=$TOP/build/libcurl
N=$(dirname "$HSOS_AGENT")/hsos-agent-net
[ -f "$L/lib/libcurl.a" ] || skip_all "build/libcurl was not built (sh scripts/libcurl.sh; scripts/deps.sh runs it)"
for c in cc pkg-config readelf dpkg dpkg-query sha256sum; do command -v $c >/dev/null || skip_all "$c is not installed"; done

want=$(dpkg-query -W -f '${Version}\n' "libcurl4:$(dpkg --print-architecture)" 2>/dev/null | head -n 1)
expect_in "$L/built-for" "libcurl4 ${want:-none} " "built for the installed libcurl4 (${want:-none})"
expect_in "$L/built-for" " $(sha256sum <"$TOP/scripts/libcurl.sh" | cut -c1-16)" "and by this scripts/libcurl.sh"
expect_exit 0 "scripts/libcurl.sh --print names the source version built" sh "$TOP/scripts/libcurl.sh" --print
expect_in "$T/out" "curl " "as 'curl VERSION'"

cat >"$T/ask.c" <<'C'
#include <curl/curl.h>
#include <stdio.h>
int main(void) {
        const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
        printf("ssl %s\n", v->ssl_version ? v->ssl_version : "none");
        printf("libz %s\n", v->libz_version ? v->libz_version : "none");
        printf("protocols");
        for (const char *const *p = v->protocols; *p; p++)
                printf(" %s", *p);
        printf("\nfeatures");
        for (const char *const *f = v->feature_names; f && *f; f++)
                printf(" %s", *f);
        printf("\n");
        return 0;
}
C
if cc -I"$L/include" -o "$T/ask" "$T/ask.c" "$L/lib/libcurl.a" $(pkg-config --libs openssl) -pthread 2>"$T/cc.err"; then
        ok "a program links with it as the helper does (with OpenSSL alone)"
else
        not_ok "a program links with it as the helper does (with OpenSSL alone)" "$(cat "$T/cc.err")"
fi
"$T/ask" >"$T/info" 2>&1
grep -qx 'protocols http https' "$T/info" && ok "it speaks HTTP and HTTPS and no other protocol" \
        || not_ok "it speaks HTTP and HTTPS and no other protocol" "$(cat "$T/info")"
grep -q '^ssl OpenSSL/' "$T/info" && ok "over OpenSSL" || not_ok "over OpenSSL" "$(cat "$T/info")"
grep -qx 'libz none' "$T/info" && ok "without zlib" || not_ok "without zlib" "$(cat "$T/info")"
off=$(sed -n 's/^features //p' "$T/info" | tr ' ' '\n' | grep -xE 'GSS-API|Kerberos|SPNEGO|NTLM|NTLM_WB|IDN|PSL|HTTP2|HTTP3|brotli|zstd|alt-svc|HSTS|TLS-SRP|UnixSockets|libz' | tr '\n' ' ')
[ -z "$off" ] && ok "and none of the features the agent never sets" || not_ok "and none of the features the agent never sets" "on: $off" "$(cat "$T/info")"

if [ -x "$N" ]; then
        needed=$(readelf -d "$N" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
        case " $needed " in
        *" libcurl"*) not_ok "hsos-agent-net has it built in (needs no libcurl.so)" "NEEDED: $needed" ;;
        *) ok "hsos-agent-net has it built in (needs no libcurl.so)" ;;
        esac
        case " $needed " in
        *" libssl.so.3 "*) ok "and links OpenSSL for it" ;;
        *) not_ok "and links OpenSSL for it" "NEEDED: $needed" ;;
        esac
else
        skip "hsos-agent-net has it built in" "hsos-agent-net is not built beside $HSOS_AGENT"
fi
finish
