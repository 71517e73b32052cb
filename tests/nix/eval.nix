# Evaluates the module's pure parts (nix/lib/) on one case of tests/nix/cases/
# with the stand-in lib, as nix/module.nix calls them:
#   nix-instantiate --eval --strict --json tests/nix/eval.nix --argstr case team-node --argstr what document
# what: document (node.json), dropped (homestakeros keys node.json has no
# place for), units (HomestakerOS's units the module suppresses), sysusers;
# without a case: example-settings and example-homestakeros, the node.json
# of flake.nix's two example nodes (nix/example/), and example-dropped.
{ case ? null, what }:
let
  lib = import ./lib-standin.nix;
  hsos = import ../../nix/lib { inherit lib; };
  c = import (./cases + "/${case}.nix");
  settings = if c ? homestakeros then hsos.nodeJson.fromHomestakeros c.homestakeros else c.settings;

  # nixpkgs' utils.escapeSystemdPath for the plain paths of the cases:
  # trimmed of slashes, "-" escaped, "/" turned into "-".
  escapeSystemdPath = path:
    let
      trimmed = builtins.head (builtins.match "/*(.*[^/])/*" path);
    in
    builtins.replaceStrings [ "/" ] [ "-" ] (builtins.replaceStrings [ "-" ] [ "\\x2d" ] trimmed);
in
{
  document = hsos.document { inherit settings; inherit (c) pkgs; overrides = c.overrides or { }; };
  dropped = hsos.nodeJson.droppedKeys c.homestakeros;
  units = hsos.nodeJson.homestakerosUnits { inherit (c) homestakeros; inherit escapeSystemdPath; };
  sysusers = hsos.sysusers (builtins.readFile ../../initrd-hooks/hsos-agent.sysusers);
  example-settings = import ../../nix/example/settings.nix;
  example-homestakeros = hsos.nodeJson.fromHomestakeros (import ../../nix/example/homestakeros.nix);
  example-dropped = hsos.nodeJson.droppedKeys (import ../../nix/example/homestakeros.nix);
}.${what}
