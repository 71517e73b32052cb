# NixOS stage-1 hook: with boot.initrd.systemd.enable, run `hsos-agent mount
# --root /sysroot` in the initrd, after the root is mounted and before
# switch-root, so the persistent disks are in place under the future root.
# Imported by nix/module.nix, whose options it reads: the package, and the
# node.json the image carries. Stage 2's hsos-agent-mount.service then finds
# the disks mounted and leaves them be.
{ config, lib, pkgs, ... }:
let
  cfg = config.services.hsos-agent;
in
{
  config = lib.mkIf (cfg.enable && config.boot.initrd.systemd.enable) {
    boot.initrd.systemd.storePaths = [ "${cfg.package}/bin/hsos-agent" "${pkgs.openssh}/bin/ssh-keygen" ];
    boot.initrd.systemd.contents."/etc/hsos/node.json".source = cfg.nodeJson;
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
        # ssh-keygen, for a host key missing on the disk.
        Environment = "PATH=${pkgs.openssh}/bin:/bin";
        ExecStart = "${cfg.package}/bin/hsos-agent mount --config /etc/hsos/node.json --root /sysroot";
        TimeoutStartSec = "65min";
        StandardOutput = "journal+console";
      };
    };
  };
}
