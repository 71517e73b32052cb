#!/bin/sh
# Installs what the build and the tests need: the Debian packages (on Debian 12
# as root, whatever is missing; elsewhere it prints the list and stops), the
# helper's libcurl built from Debian's source (scripts/libcurl.sh), then
# the real Ethereum clients the tests run on loopback, from the npm registry,
# pinned by tests/peers/package-lock.json, into build/npm. Quick when all is
# there.
#
# dracut-core, not dracut: the tests build an initramfs with our dracut
# module, and dracut-core brings the dracut and lsinitrd programs alone.
# Debian's dracut package conflicts with initramfs-tools (it replaces the
# host's initramfs generator and hooks into kernel installs); dracut-core
# runs nothing when installed, adds no kernel hook, and leaves /boot alone.
#
# `sh scripts/deps.sh bench` (make bench) adds what only the benchmarks use:
# Debian's prometheus-node-exporter, the agent's yardstick for memory
# (tests/bench/memory.sh starts its own on loopback).
#
# openssh-server: tests/integration/test-sshd.sh runs the real sshd with the
# agent's drop-in, in a network namespace of its own. On a machine that had no
# sshd, installing the package must not start one listening on every address:
# /etc/ssh/sshd_not_to_be_run (which Debian's ssh.service and init script both
# honour) is made first, so the package's service never starts; the test runs
# sshd itself. sudo: the test checks the image's sudoers file with visudo.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)

PACKAGES="build-essential pkg-config clang libclang-rt-14-dev valgrind
wireguard-tools nftables libcjson-dev libblkid-dev libmount-dev libmnl-dev libnftables-dev libsystemd-dev libcurl4-openssl-dev libseccomp-dev
libssl-dev dpkg-dev
systemd util-linux fdisk e2fsprogs btrfs-progs xfsprogs iproute2 openssh-client openssl jq curl
qemu-system-x86 linux-image-amd64 debootstrap zstd cpio kexec-tools python3 nix-bin dracut-core
etcd-server etcd-client libmicrohttpd-dev chromium openssh-server sudo"
case "${1:-}" in
bench) PACKAGES="$PACKAGES prometheus-node-exporter" ;;
"") ;;
*) echo "usage: sh scripts/deps.sh [bench]" >&2; exit 2 ;;
esac

missing=""
for p in $PACKAGES; do
        if ! dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
                missing="$missing $p"
        fi
done
# Node.js may come from elsewhere (another vendor's package, a tarball): only
# the commands count, and Debian's are installed only when they are absent.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -n "$missing" ]; then
        debian12=false
        if [ -r /etc/os-release ]; then
                . /etc/os-release
                [ "${ID:-}" = debian ] && [ "${VERSION_ID:-}" = 12 ] && debian12=true
        fi
        if ! $debian12 || [ "$(id -u)" != 0 ]; then
                echo "hsos-agent needs these packages, which are not installed:" >&2
                echo "  $missing" >&2
                echo "Install them (Debian names; on Debian 12 as root this script does it), then run make again." >&2
                exit 1
        fi

        echo "Installing:$missing"
        case " $missing " in
        *" openssh-server "*)
                [ -e /usr/sbin/sshd ] || { mkdir -p /etc/ssh && : >/etc/ssh/sshd_not_to_be_run; } ;;
        esac
        export DEBIAN_FRONTEND=noninteractive
        # An unreachable third-party source must not stop Debian's own packages.
        apt-get update -q >/dev/null 2>&1 || apt-get update -q || true
        # shellcheck disable=SC2086
        apt-get install -y -q --no-install-recommends $missing

        # etcd-server enables etcd.service and starts it where systemd runs;
        # prometheus-node-exporter likewise, listening on every address. The
        # tests start their own etcd on free loopback ports with a throwaway
        # data dir, the benchmark its own node_exporter on loopback: the
        # packages' services are stopped and disabled.
        for pair in etcd-server:etcd prometheus-node-exporter:prometheus-node-exporter; do
                case " $missing " in
                *" ${pair%%:*} "*)
                        if command -v systemctl >/dev/null 2>&1; then
                                if [ -d /run/systemd/system ]; then
                                        systemctl disable --now "${pair#*:}.service" >/dev/null 2>&1 || true
                                else
                                        systemctl disable "${pair#*:}.service" >/dev/null 2>&1 || true
                                fi
                        fi
                        ;;
                esac
        done
fi

# hsos-agent-net's libcurl, for HTTP and HTTPS alone, from Debian's curl
# source (scripts/libcurl.sh; quick once built). Where the archive's sources
# cannot be had, the helper links Debian's libcurl4: it works the same and
# maps some 3 MiB more, and the image (which carries no libcurl4) cannot be
# built; said here, and the test of the helper's maps fails.
if ! sh "$TOP/scripts/libcurl.sh"; then
        echo "deps: warning: no HTTP-only libcurl; hsos-agent-net links Debian's libcurl4 (see above)" >&2
fi

# anvil ships its binary in an optional per-platform package
# (@foundry-rs/anvil-linux-amd64); the wrapper's postinstall script would only
# download one, so scripts stay off.
NPM_DIR=$TOP/build/npm
LOCK=$TOP/tests/peers/package-lock.json
if ! cmp -s "$LOCK" "$NPM_DIR/.installed-lock.json" || ! [ -x "$NPM_DIR/node_modules/.bin/anvil" ]; then
        echo "Installing the test clients from tests/peers/package-lock.json into build/npm"
        rm -f "$NPM_DIR/.installed-lock.json"
        mkdir -p "$NPM_DIR"
        cp "$TOP/tests/peers/package.json" "$LOCK" "$NPM_DIR/"
        npm ci --prefix "$NPM_DIR" --ignore-scripts --no-audit --no-fund --loglevel=error
        cp "$LOCK" "$NPM_DIR/.installed-lock.json"
fi
if ! "$NPM_DIR/node_modules/.bin/anvil" --version >/dev/null 2>&1; then
        echo "anvil from build/npm does not run:" >&2
        "$NPM_DIR/node_modules/.bin/anvil" --version >&2 || true
        exit 1
fi
