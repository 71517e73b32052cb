# NixOS stage-1 hook: with boot.initrd.systemd.enable, run `hsos-agent mount
# --root /sysroot` in the initrd, after the root is mounted and before
# switch-root, so the persistent disks are in place under the future root.
# Imported by nix/module.nix; `package` is the hsos-agent derivation and
# `nodeJson` the node.json file the module writes.
{ config, lib, package, nodeJson, ... }:
{
  config = lib.mkIf config.boot.initrd.systemd.enable {
    boot.initrd.systemd.storePaths = [ "${package}/bin/hsos-agent" ];
    boot.initrd.systemd.contents."/etc/hsos/node.json".source = nodeJson;
    boot.initrd.supportedFilesystems = [ "ext4" "xfs" "btrfs" ];
    boot.initrd.systemd.services.hsos-agent-sysroot = {
      description = "Mount the persistent disks of node.json below /sysroot";
      documentation = [ "man:hsos-agent(1)" ];
      unitConfig = {
        DefaultDependencies = false;
        ConditionPathExists = [ "/etc/initrd-release" "/etc/hsos/node.json" ];
      };
      after = [ "sysroot.mount" "systemd-udev-trigger.service" ];
      requires = [ "sysroot.mount" ];
      before = [ "initrd-fs.target" ];
      wantedBy = [ "initrd-fs.target" ];
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
        ExecStart = "${package}/bin/hsos-agent mount --config /etc/hsos/node.json --root /sysroot";
        TimeoutStartSec = "65min";
        StandardOutput = "journal+console";
      };
    };
  };
}
