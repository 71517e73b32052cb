# A node.json as HomestakerOS's web UI writes it (tests/fixtures/configs/,
# `fixture`: its path) turned back into NixOS settings: each section
# HomestakerOS declares an option for (localization, mounts, ssh, vpn,
# execution, consensus, addons) given to `homestakeros`, as the module
# system reads the JSON, unchanged; a section it has none for (network,
# agent) given to services.hsos-agent.settings. No client package is in
# pkgs, so agent.packages stays out and /etc/hsos/node.json must be the
# web UI's document itself (tests/nix/check.sh).
{ fixture }:
let
  document = builtins.fromJSON (builtins.readFile fixture);
in
{
  homestakeros = "current";
  modules = [
    ({ options, ... }: {
      services.hsos-agent.enable = true;
      homestakeros = builtins.removeAttrs document (builtins.filter (name: !(options.homestakeros ? ${name})) (builtins.attrNames document));
      services.hsos-agent.settings = builtins.removeAttrs document (builtins.filter (name: options.homestakeros ? ${name}) (builtins.attrNames document));
    })
  ];
}
