# A STAND-IN, for tests only: the units HomestakerOS's own NixOS module
# would define for the case's `homestakeros` settings, so that
# tests/nix/check.sh can evaluate whether nix/module.nix leaves each of them
# out of /etc/systemd/system. HomestakerOS's module is not here (nor in CI);
# this records what it does, it is not its code.
#
# Recorded from ponkila/HomestakerOS, nixosModules/homestakeros/default.nix
# at commit f762dec586dce47fddb4f3a7a19f3fff36d2323f (2026-03-30), the
# config side of the options.nix in ../shared/data/homestakeros-module/.
# Its units, and when it defines them (cfg = config.homestakeros):
#
#  - systemd.services.<client> (createService), wantedBy multi-user.target,
#    for each of erigon, geth, nethermind, besu (cfg.execution), lighthouse,
#    prysm, teku, nimbus (cfg.consensus) and mev-boost (cfg.addons), under
#    mkIf of that client's enable: a client that is off has no unit at all.
#    With WireGuard on, each also requires and is after wg-quick-<if>; an
#    execution client is after the enabled consensus clients' units, a
#    consensus client after mev-boost.service when mev-boost is on.
#  - systemd.services.ssv-node (after and wants network-online.target,
#    wantedBy multi-user.target) when all of: pkgs.system is x86_64-linux,
#    at least one consensus and one execution client are enabled, and
#    addons.ssv-node.dataDir is on a persistent mount (an enabled mount
#    whose type is not tmpfs, overlay or squashfs and whose `where` is a
#    string prefix of dataDir: lib.hasPrefix, not by path components).
#    The SSV operator key is made by init-ssv inside that unit's script: no
#    unit of its own.
#  - networking.wg-quick.interfaces.<if>.configFile = vpn.wireguard.configFile
#    when vpn.wireguard.enable, <if> being the file's name up to its first
#    dot; nixpkgs' wg-quick module (services/networking/wg-quick.nix) makes
#    of it systemd.services.wg-quick-<if>, wantedBy multi-user.target
#    (autostart defaults to true; HomestakerOS leaves it), requires
#    network-online.target, after network.target and network-online.target.
#  - systemd.mounts: EVERY entry of cfg.mounts, the submodule's attributes
#    as they are (enable, description, what, where, type, options, wantedBy,
#    before), also those whose enable is false. NixOS names each
#    <escapeSystemdPath where>.mount, and writes a unit whose enable is false
#    as a symlink to /dev/null (nixos/lib/systemd-lib.nix, makeUnit): a
#    mask, which in /etc/systemd/system would hide the agent's unit of the
#    same name in /run/systemd/system. So a mount that is off is left out
#    too.
#  - Units it does not replace, so not here: sshd.service (services.openssh,
#    host key at ssh.privateKeyFile), rust-motd.service and rust-motd.timer
#    (programs.rust-motd), firewall.service (its networking.firewall ports).
#    It writes no systemd.tmpfiles rule and no timer of its own.
#    nixosModules/backend (the web UI's backend, homestakeros-backend.service)
#    is another module, not imported by the node's.
#
# Each unit is defined here with what matters to the check (wantedBy, the
# ordering above); the rest of HomestakerOS's definition (ExecStart, the
# firewall ports, the packages) is left out.
{ config, lib, pkgs, ... }:
let
  cfg = config.homestakeros;
  enabled = section: lib.filter (name: cfg.${section}.${name}.enable) (builtins.attrNames cfg.${section});
  consensus = enabled "consensus";
  execution = enabled "execution";
  wireguard = cfg.vpn.wireguard.enable;
  wgUnit = "wg-quick-${builtins.elemAt (builtins.split "[.]" (baseNameOf cfg.vpn.wireguard.configFile)) 0}.service";

  client = type: name: lib.mkIf cfg.${type}.${name}.enable {
    systemd.services.${name} = {
      wantedBy = [ "multi-user.target" ];
      requires = lib.optional wireguard wgUnit;
      after =
        (if type == "execution" then map (n: "${n}.service") consensus
        else if type == "consensus" && cfg.addons.mev-boost.enable then [ "mev-boost.service" ]
        else [ ])
        ++ lib.optional wireguard wgUnit;
    };
  };

  persistent = path: lib.filterAttrs
    (_: m: m.enable && lib.hasPrefix m.where path && !(lib.elem m.type [ "tmpfs" "overlay" "squashfs" ]))
    cfg.mounts != { };
in
{
  config = lib.mkMerge (
    map (client "execution") [ "erigon" "geth" "nethermind" "besu" ]
    ++ map (client "consensus") [ "lighthouse" "prysm" "teku" "nimbus" ]
    ++ [
      (client "addons" "mev-boost")

      (lib.mkIf (pkgs.stdenv.hostPlatform.system == "x86_64-linux" && consensus != [ ] && execution != [ ] && persistent cfg.addons.ssv-node.dataDir) {
        systemd.services.ssv-node = {
          after = [ "network-online.target" ];
          wants = [ "network-online.target" ];
          wantedBy = [ "multi-user.target" ];
        };
      })

      (lib.mkIf wireguard {
        systemd.services.${lib.removeSuffix ".service" wgUnit} = {
          requires = [ "network-online.target" ];
          after = [ "network.target" "network-online.target" ];
          wantedBy = [ "multi-user.target" ];
        };
      })

      { systemd.mounts = lib.mapAttrsToList (_: mount: mount) cfg.mounts; }
    ]);
}
