# nix/module.nix evaluated by nixpkgs' real module system (lib.evalModules of
# ../shared/data/nixpkgs-lib), with the NixOS options it sets or reads
# (./nixos-options.nix), HomestakerOS's real option declarations
# (../shared/data/homestakeros-module/options.nix) where a case uses them,
# and a small pkgs (./pkgs.nix). Nothing is built.
#
#   nix-instantiate --eval --strict --json tests/nix/eval.nix \
#     --argstr nixpkgsLib ../shared/data/nixpkgs-lib \
#     --argstr homestakerosOptions ../shared/data/homestakeros-module/options.nix \
#     --argstr case cases/team-node --argstr what system
#
# case: a file below tests/nix/ (cases/X: a node; wrong/X: settings the
# module system must refuse), client/X (./client-node.nix's node for client
# X), fixture/X (the web UI's tests/fixtures/configs/X.json, through
# ./fixture-node.nix), or example / example-homestakeros, the nodes
# of flake.nix (nix/example/, without HomestakerOS's base and kexecTree
# modules, which are not here). A case is { homestakeros ? null (see c
# below), modules (NixOS modules), clients ? { } }. what:
#   system   what the evaluated config says of the node (below), as JSON
#   options  every option HomestakerOS declares, with its default, and
#            what node.json has there when every option is at its default
#   clients  the clients HomestakerOS declares (a case client/X each)
{ nixpkgsLib, homestakerosOptions, case ? null, what ? "system" }:
let
  lib = import "${nixpkgsLib}/lib";
  inherit (lib) filterAttrs mapAttrs;

  # nixpkgs' nixos/lib/utils.nix: a path as systemd names its unit.
  utils.escapeSystemdPath = s:
    let
      replacePrefix = p: r: s: if lib.hasPrefix p s then r + lib.removePrefix p s else s;
      trim = s: lib.removeSuffix "/" (lib.removePrefix "/" s);
      normalizedPath = lib.strings.normalizePath s;
    in
    builtins.replaceStrings [ "/" ] [ "-" ]
      (replacePrefix "." (lib.strings.escapeC [ "." ] ".")
        (lib.strings.escapeC (lib.stringToCharacters " !\"#$%&'()*+,;<=>=@[\\]^`{|}~-")
          (if normalizedPath == "/" then normalizedPath else trim normalizedPath)));

  # An older HomestakerOS module (2023-24), whose declarations are not
  # here: homestakeros is whatever the configuration says.
  olderHomestakerOS = {
    options.homestakeros = lib.mkOption { type = lib.types.attrsOf lib.types.anything; default = { }; };
  };

  examples = {
    # flake.nix's nixosConfigurations.example
    example = { modules = [ ../../nix/example/node.nix ]; };
    # flake.nix's nixosConfigurations.example-homestakeros
    example-homestakeros = { homestakeros = "current"; modules = [ ../../nix/example/homestakeros-node.nix ]; };
  };

  # A case: { homestakeros ? null ("current": HomestakerOS's options.nix;
  # "older": olderHomestakerOS; null: without HomestakerOS), modules,
  # clients ? { } (pkgs attribute -> package, added to ./pkgs.nix),
  # agentFirewallKept ? false (settings keep the agent's firewall on beside
  # NixOS's) }.
  # client/X: ./client-node.nix's node for client X; fixture/X: the web
  # UI's tests/fixtures/configs/X.json as settings (./fixture-node.nix).
  c =
    if case != null && lib.hasPrefix "client/" case then import ./client-node.nix { client = lib.removePrefix "client/" case; }
    else if case != null && lib.hasPrefix "fixture/" case then import ./fixture-node.nix { fixture = ../fixtures/configs + "/${lib.removePrefix "fixture/" case}.json"; }
    else examples.${case} or (import (./. + "/${case}.nix"));

  eval = { homestakeros ? null, modules, clients ? { }, ... }: lib.evalModules {
    specialArgs = { inherit utils; };
    modules = [
      ./nixos-options.nix
      ../../nix/module.nix
      { _module.args.pkgs = import ./pkgs.nix { inherit lib clients; }; }
    ]
    # HomestakerOS's options, and the units its module would define for
    # them (./homestakeros-units.nix, a stand-in recording that module).
    ++ lib.optionals (homestakeros == "current") [ homestakerosOptions ./homestakeros-units.nix ]
    ++ lib.optional (homestakeros == "older") olderHomestakerOS
    ++ modules;
  };

  strings = map toString;

  # What the evaluated config says of the node: node.json's text and how
  # the image gets it, the agent's units, the users and groups, HomestakerOS's
  # units left out, the firewall, the initrd stage, the warnings and the
  # assertions that fail.
  system = { config, options, ... }:
    let
      cfg = config.services.hsos-agent;
      etc = config.environment.etc."hsos/node.json";
      file = etc.source;
      # nodeJson is written by writeText, then, when validated, copied by a
      # derivation that runs hsos-agent validate on it first.
      written = file.written or file;
      unit = s: {
        inherit (s) enable wantedBy requiredBy wants requires after before restartIfChanged reloadIfChanged;
        path = strings s.path;
        reloadTriggers = strings s.reloadTriggers;
      };
    in
    {
      nodeJson = {
        text = written.text;
        etcSource = toString file;
        isOption = toString file == toString cfg.nodeJson;
        validatedBy = file.buildCommand or null;
        writtenPath = toString written;
      };
      services = mapAttrs (_: unit) (filterAttrs (name: _: lib.hasPrefix "hsos-agent" name) config.systemd.services);
      # The package's units' ordering, as the module read it from their files.
      agentUnits = cfg.units;
      initrd = {
        inherit (config.boot.initrd.systemd) enable;
        services = mapAttrs (_: s: unit s // { inherit (s) unitConfig serviceConfig; }) config.boot.initrd.systemd.services;
        storePaths = strings config.boot.initrd.systemd.storePaths;
        # node.json's store path named as the option it is.
        contents = mapAttrs (_: f: if toString f.source == toString cfg.nodeJson then "services.hsos-agent.nodeJson" else toString f.source) config.boot.initrd.systemd.contents;
        inherit (config.boot.initrd) supportedFilesystems;
      };
      packages = {
        systemd = strings config.systemd.packages;
        environment = strings config.environment.systemPackages;
        agent = toString cfg.package;
      };
      users = mapAttrs (_: u: { inherit (u) uid group extraGroups description isSystemUser isNormalUser; sshKeys = u.openssh.authorizedKeys.keys; }) config.users.users;
      groups = mapAttrs (_: g: { inherit (g) gid; }) config.users.groups;
      suppressedUnits = config.systemd.suppressedSystemUnits;
      # The units of /etc/systemd/system (NixOS's enabledUnits, computed in
      # ./nixos-options.nix), and the ones HomestakerOS's module defines
      # (./homestakeros-units.nix, read back from that file's definitions).
      units =
        let
          fromStandIn = o: lib.filter (d: lib.hasSuffix "/tests/nix/homestakeros-units.nix" (toString d.file)) o.definitionsWithLocations;
        in
        {
          enabled = builtins.attrNames config.systemd.enabledUnits;
          homestakeros = lib.unique (lib.concatMap (d: map (n: "${n}.service") (builtins.attrNames d.value)) (fromStandIn options.systemd.services)
            ++ lib.concatMap (d: map (m: "${utils.escapeSystemdPath m.where}.mount") d.value) (fromStandIn options.systemd.mounts));
          homestakerosModule = c.homestakeros or null;
        };
      tmpfiles = config.systemd.tmpfiles.rules;
      hostName = config.networking.hostName;
      timeZone = config.time.timeZone;
      # Time synchronisation: whether it is on, the files that say so
      # (none but its declaration's default when nothing sets it), its unit.
      timeSync = {
        inherit (config.services.timesyncd) enable;
        definedIn = map (f: lib.removePrefix "${toString ../..}/" (toString f)) options.services.timesyncd.enable.files;
        unit = if config.systemd.services ? systemd-timesyncd then { inherit (config.systemd.services.systemd-timesyncd) enable wantedBy; } else null;
      };
      # NixOS's firewall: its ports, the ones nix/module.nix defines (the
      # rest are the case's own), and sshd's, which it opens itself.
      firewall = {
        inherit (config.networking.firewall) enable allowedTCPPorts allowedUDPPorts;
        interfaces = mapAttrs (_: i: { inherit (i) allowedTCPPorts allowedUDPPorts; }) config.networking.firewall.interfaces;
        byModule = lib.genAttrs [ "allowedTCPPorts" "allowedUDPPorts" ] (o: lib.concatMap (d: d.value)
          (lib.filter (d: lib.hasSuffix "/nix/module.nix" (toString d.file)) options.networking.firewall.${o}.definitionsWithLocations));
        ssh = { inherit (config.services.openssh) enable openFirewall ports; };
      };
      warnings = config.warnings;
      failedAssertions = map (a: a.message) (lib.filter (a: !a.assertion) config.assertions);
    };

  # Every option HomestakerOS declares: its path below homestakeros (a
  # mount's as mounts.<name>.X) and default, walked from the declarations
  # themselves; and the node.json of a configuration that sets nothing but
  # one mount's two mandatory options.
  options =
    let
      declared = (lib.evalModules { modules = [ homestakerosOptions ]; }).options.homestakeros;
      walk = prefix: opts: lib.concatMap
        (name:
          let o = opts.${name}; at = prefix ++ [ name ]; in
          if lib.isOption o then
            (if o.type.name == "attrsOf" then walk (at ++ [ "<name>" ]) (o.type.getSubOptions [ ])
            else [{ path = at; default = if o ? default then o.default else null; hasDefault = o ? default; }])
          else if builtins.isAttrs o then walk at o
          else [ ])
        (lib.filter (name: name != "_module") (builtins.attrNames opts));
      mount = { what = "/dev/disk/by-label/ethdata"; where = "/mnt/eth"; };
      defaults = eval {
        homestakeros = "current";
        modules = [{ services.hsos-agent.enable = true; homestakeros.mounts.m = mount; system.stateVersion = "25.11"; }];
      };
      nothing = eval {
        homestakeros = "current";
        modules = [{ services.hsos-agent.enable = true; system.stateVersion = "25.11"; }];
      };
      text = config: (config.environment.etc."hsos/node.json".source.written or config.environment.etc."hsos/node.json".source).text;
      document = builtins.fromJSON (text defaults.config);
    in
    {
      declared = map
        (o:
          let
            at = map (p: if p == "<name>" then "m" else p) o.path;
            missing = { missing = true; };
          in
          o // {
            path = lib.concatStringsSep "." o.path;
            default = if o.hasDefault then o.default else lib.attrByPath o.path null { mounts."<name>" = mount; };
            inNodeJson = lib.attrByPath at missing document;
          })
        (walk [ ] declared);
      nodeJson = text nothing.config;
      nodeJsonWithMount = text defaults.config;
      warnings = defaults.config.warnings;
    };

  # The clients HomestakerOS declares, by their node.json names: each of
  # execution.*, consensus.* and addons.*, and wireguard (vpn.wireguard).
  clients =
    let declared = (lib.evalModules { modules = [ homestakerosOptions ]; }).options.homestakeros; in
    builtins.attrNames declared.execution ++ builtins.attrNames declared.consensus ++ builtins.attrNames declared.addons
    ++ lib.optional (declared.vpn ? wireguard) "wireguard";
in
if what == "system" then system (eval c) // { agentFirewallKept = c.agentFirewallKept or false; }
else if what == "options" then options
else if what == "clients" then clients
else throw "what: system, options or clients"
