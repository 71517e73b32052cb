#!/bin/sh
# make image: the three artifacts HomestakerOS's builds name, in OUT:
#   bzImage      Debian's kernel
#   initrd.zst   the whole root file system as a compressed initramfs: the
#                cached base, then a small layer with the agent, its units and
#                node.json (the kernel unpacks concatenated archives, later
#                files winning), then any extra layers given
#   kexec-boot   loads the two on a running Linux and jumps into them
#   [CLIENTS=DIR] sh scripts/image/build.sh AGENT-BIN NODE.JSON OUT [EXTRA-LAYER-DIR...]
# CLIENTS: the clients' executables to bake in (scripts/image/clients.sh).
set -eu
bin=$1 config=$2 out=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${HSOS_IMAGE_CACHE:-$top/build/image-cache}

kimage=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
[ -n "$kimage" ] || { echo "image: no kernel in /boot (package linux-image-amd64)" >&2; exit 1; }
kver=${kimage#/boot/vmlinuz-}

"$bin" validate --config "$config" >/dev/null || { echo "image: $config is not a valid node.json" >&2; exit 1; }

base=$(sh "$here/base.sh" "$kver" "$cache")

# The agent's layer: what `make install` puts in an image, enabled, plus node.json.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
make -s -C "$top" install DESTDIR="$stage" PREFIX=/usr BIN="$bin" >/dev/null
mkdir -p "$stage/etc/hsos" "$stage/etc/systemd/system/local-fs.target.wants" \
         "$stage/etc/systemd/system/multi-user.target.wants"
ln -sf /usr/lib/systemd/system/hsos-agent-mount.service "$stage/etc/systemd/system/local-fs.target.wants/"
ln -sf /usr/lib/systemd/system/hsos-agent.service "$stage/etc/systemd/system/multi-user.target.wants/"
# hsos-agent-net.service (installed above) is not enabled: the daemon starts it.
[ -f "$stage/usr/lib/systemd/system/hsos-agent-net.service" ] ||
        { echo "image: make install put no hsos-agent-net.service in the layer" >&2; exit 1; }
rm -rf "$stage/usr/share/man" "$stage/usr/share/doc"
# The clients (CLIENTS=DIR), and node.json naming them; the enabled clients
# the image lacks (in the base, this layer or the extra ones) are named.
[ -s "$base.list" ] && [ "$base.list" -nt "$base" ] ||
        { zstd -dc "$base" | cpio -it --quiet >"$base.list.tmp" && mv "$base.list.tmp" "$base.list"; }
# The agent's own programs run on the base's libraries: one the base lacks
# (hsos-agent-net linked against Debian's libcurl4, not the libcurl
# scripts/libcurl.sh builds, which make image runs first) stops the build
# here, not the node at its first boot.
base_list=$base.list layers="$*"
. "$here/lib.sh"
[ -n "$loader" ] || { echo "image: no dynamic loader here to list the agent's libraries with" >&2; exit 1; }
for prog in /usr/bin/hsos-agent /usr/bin/hsos-agent-net; do
        missing=$(libs "$stage$prog" | while read -r lib; do in_base "$lib" || echo "$lib"; done | tr '\n' ' ')
        [ -z "$missing" ] || { echo "image: $prog needs ${missing% } which the image's base lacks (scripts/image/packages;" \
                "for hsos-agent-net, the HTTP-only libcurl: sh scripts/libcurl.sh)" >&2; exit 1; }
done
CLIENTS_DIR=${CLIENTS:-} sh "$here/clients.sh" "$bin" "$config" "$stage/etc/hsos/node.json" "$stage" "$base.list" "$@"
chmod 0644 "$stage/etc/hsos/node.json"
for extra in "$@"; do
        cp -a "$extra/." "$stage/"
done

mkdir -p "$out"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | zstd -3 -q) >"$out/layer.cpio.zst"
cat "$base" "$out/layer.cpio.zst" >"$out/initrd.zst.tmp"
mv "$out/initrd.zst.tmp" "$out/initrd.zst"
rm -f "$out/layer.cpio.zst"
cp "$kimage" "$out/bzImage"
install -m 0755 "$here/kexec-boot" "$out/kexec-boot"
echo "image: $out/bzImage ($(du --block-size=1M "$out/bzImage" | cut -f1) MiB), $out/initrd.zst ($(du --block-size=1M "$out/initrd.zst" | cut -f1) MiB), $out/kexec-boot"
