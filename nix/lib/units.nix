# The dependencies a unit file of the package declares (initrd-hooks/*.service,
# which `make install` puts in $out/lib/systemd/system and NixOS takes from
# systemd.packages): its [Unit] After=, Before=, Wants=, Requires=,
# BindsTo=, Conflicts= and its [Install] WantedBy=, RequiredBy=, each a list
# of unit names (repeated lines add up, an empty assignment empties the
# list, as systemd reads them). NixOS reads no [Install]: nix/module.nix
# makes systemd.services.<unit>.wantedBy of it.
{ lib }:
let
  keys = {
    Unit = { After = "after"; Before = "before"; Wants = "wants"; Requires = "requires"; BindsTo = "bindsTo"; Conflicts = "conflicts"; };
    Install = { WantedBy = "wantedBy"; RequiredBy = "requiredBy"; };
  };
  empty = lib.genAttrs (builtins.attrValues keys.Unit ++ builtins.attrValues keys.Install) (_: [ ]);

  words = s: lib.filter (w: builtins.isString w && w != "") (builtins.split "[[:space:]]+" s);

  line = name: state: l:
    let
      section = builtins.match "[[](.*)[]]" l;
      assignment = builtins.match "([A-Za-z]+)[[:space:]]*=[[:space:]]*(.*)" l;
      key = builtins.elemAt assignment 0;
      value = builtins.elemAt assignment 1;
      attr = (keys.${state.section} or { }).${key} or null;
    in
    if l == "" || lib.hasPrefix "#" l || lib.hasPrefix ";" l then state
    else if lib.hasSuffix "\\" l then throw "${name}: a continued line, which nix/lib/units.nix does not read: ${l}"
    else if section != null then state // { section = builtins.head section; }
    else if assignment == null || state.section == null then throw "${name}: not a unit file's line: ${l}"
    else if state.section == "Install" && attr == null then throw "${name}: [Install] ${key}=, which nix/module.nix does not carry over to NixOS"
    else if attr == null then state
    else state // { deps = state.deps // { ${attr} = if value == "" then [ ] else state.deps.${attr} ++ words value; }; };
in
{
  # NAME (for errors) and the unit file's TEXT -> { after, before, wants,
  # requires, bindsTo, conflicts, wantedBy, requiredBy }.
  dependencies = name: text:
    (builtins.foldl' (line name) { section = null; deps = empty; }
      (map lib.trim (lib.splitString "\n" text))).deps;
}
