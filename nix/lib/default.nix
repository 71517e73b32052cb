# The pure parts of nix/module.nix, in one place: what the module computes
# from its options without building anything. tests/nix/check.sh evaluates
# them through the module, with nixpkgs' real lib.
{ lib }:
let
  nodeJson = import ./node-json.nix { inherit lib; };
  packages = import ./packages.nix { inherit lib; };
in
{
  inherit nodeJson packages;
  sysusers = import ./sysusers.nix;
  units = import ./units.nix { inherit lib; };

  # The ports the agent's firewall would open for node.json, for NixOS's
  # firewall (./firewall.nix).
  firewall = settings: (import ./firewall.nix { inherit lib; }).ports (nodeJson.pathsAsStrings settings);

  # The document the module writes to /etc/hsos/node.json: the settings, with
  # agent.packages filled from `pkgs` (and `overrides`, client -> package)
  # for the clients they enable.
  document = { settings, pkgs, overrides ? { } }:
    nodeJson.withPackages (nodeJson.pathsAsStrings settings) (packages.packageMap { inherit pkgs settings overrides; });
}
