# What every example node shares: the machine around the agent, the way
# HomestakerOS's images are made (its base and kexecTree modules are imported
# in flake.nix): no boot loader, the whole OS in initrd.zst, booted by
# kexec-boot or iPXE.
{ lib, ... }:
{
  # The disks a staking node has (NVMe, SATA, USB) and QEMU's virtio, so the
  # image finds its persistent disk wherever it boots. HomestakerOS's
  # kexecTree adds squashfs, overlay, loop and btrfs for the RAM root.
  boot.initrd.availableKernelModules = [
    "nvme"
    "ahci"
    "sd_mod"
    "xhci_pci"
    "usb_storage"
    "virtio_pci"
    "virtio_blk"
    "virtio_scsi"
  ];
  # The file systems and device-mapper the agent mounts from node.json, and
  # wireguard; the kernel would load them on demand, this says they are needed.
  boot.kernelModules = [ "ext4" "xfs" "btrfs" "dm_mod" "wireguard" ];
  # The console on the serial port as well, for a node without a screen.
  boot.kernelParams = [ "console=tty0" "console=ttyS0,115200" ];

  # With the systemd stage 1, the agent mounts the disks in the initrd too
  # (initrd-hooks/nixos-stage1.nix); HomestakerOS's images use the scripted
  # stage 1, so the examples do too, and the disks are mounted in stage 2
  # before local-fs.target.
  boot.initrd.systemd.enable = lib.mkDefault false;

  networking.useDHCP = lib.mkDefault true;
  # NixOS's firewall stays on: the module opens in it the ports the agent
  # would (the clients' P2P ports; their APIs only on WireGuard).

  system.stateVersion = "25.11";
}
