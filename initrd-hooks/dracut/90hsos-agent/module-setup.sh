#!/bin/bash
# dracut module: runs `hsos-agent mount --root /sysroot` in the initrd, after
# the root is mounted and before switch-root, so the persistent disks are in
# place under the future root before its services start.

# The node.json to carry: the host's, or the one named by $hsos_node_json.
node_json() {
        echo "${hsos_node_json:-/etc/hsos/node.json}"
}

check() {
        require_binaries @bindir@/hsos-agent || return 1
        [[ -r $(node_json) ]] || return 1
        return 255 # only when asked for (dracut --add hsos-agent)
}

# systemd-initrd (and through it systemd): initrd.target and initrd-fs.target,
# which the unit is wanted by, and the generator of sysroot.mount; base:
# /etc/initrd-release, the unit's condition, and root in /etc/passwd, without
# which ssh-keygen refuses to run ("No user exists for uid 0").
depends() {
        echo base systemd-initrd
}

installkernel() {
        hostonly='' instmods ext4 xfs btrfs dm_mod crc32c_generic
}

install() {
        inst_multiple @bindir@/hsos-agent blkid ssh-keygen
        inst_simple "$(node_json)" /etc/hsos/node.json
        inst_simple "$moddir/hsos-agent-sysroot.service" "$systemdsystemunitdir/hsos-agent-sysroot.service"
        $SYSTEMCTL -q --root "$initdir" enable hsos-agent-sysroot.service
}
