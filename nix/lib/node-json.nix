# The pure part of nix/module.nix: HomestakerOS's `homestakeros` options, as
# the module system hands them over (config.homestakeros), turned into the
# node.json document hsos-agent reads; and the units HomestakerOS's own module
# would make for the same node, which the agent now makes instead.
#
# It takes nixpkgs' `lib`; tests/nix/check.sh evaluates it through the
# module, with nixpkgs' real lib and HomestakerOS's real options.nix.
{ lib }:
let
  inherit (builtins) attrNames concatMap concatStringsSep isAttrs isFunction isList isPath;

  # A value as node.json holds it: Nix paths as strings (never copied into
  # the store), and null, which HomestakerOS's nullOr options hold when
  # unset, left out, as node.json's defaults mean the same.
  plain = v:
    if isPath v then toString v
    else if isList v then map plain v
    else if isAttrs v then lib.mapAttrs (_: plain) (lib.filterAttrs kept v)
    else v;

  # The module system's own attribute in every submodule's value (a mount of
  # HomestakerOS's attrsOf submodule holds _module.args.name) is no setting.
  kept = name: v: v != null && name != "_module";

  # Older HomestakerOS modules typed mounts as free attribute sets, with
  # options a list as often as a string.
  mountOptions = v: if isList v then concatStringsSep "," (map plain v) else plain v;

  keys = names: builtins.listToAttrs (map (name: { inherit name; value = plain; }) names);
  executionKeys = [ "enable" "endpoint" "dataDir" "jwtSecretFile" "extraOptions" ];
  consensusKeys = executionKeys ++ [ "execEndpoint" "slasher" "checkpointSyncUrl" ];
  clients = names: clientKeys: builtins.listToAttrs (map (name: { inherit name; value = keys clientKeys; }) names);

  # What node.json knows (docs/configuration.md). A function is a leaf and
  # says how its value is written; "*" stands for any name.
  schema = {
    localization = keys [ "hostname" "timezone" ];
    mounts."*" = keys [ "enable" "description" "what" "where" "type" "wantedBy" "before" ] // { options = mountOptions; };
    ssh = keys [ "authorizedKeys" "privateKeyFile" ];
    vpn.wireguard = keys [ "enable" "configFile" ];
    execution = clients [ "geth" "nethermind" "besu" "erigon" "reth" ] executionKeys;
    consensus = clients [ "lighthouse" "prysm" "teku" "nimbus" "lodestar" ] consensusKeys;
    addons = {
      mev-boost = keys [ "enable" "endpoint" "extraOptions" "relays" ];
      ssv-node = keys [ "dataDir" "extraOptions" "privateKeyFile" "privateKeyPasswordFile" ];
    };
    network = plain;
    agent = plain;
  };

  specOf = spec: name: spec.${name} or spec."*" or null;

  convert = spec: v:
    if isFunction spec then spec v
    else if isAttrs v then
      lib.mapAttrs (name: convert (specOf spec name))
        (lib.filterAttrs (name: x: kept name x && specOf spec name != null) v)
    else plain v; # not a section: hsos-agent validate says so

  dropped = spec: path: v:
    if isFunction spec || !(isAttrs v) then [ ]
    else concatMap
      (name:
        let at = path ++ [ name ]; in
        if !(kept name v.${name}) then [ ]
        else if specOf spec name == null then [ (concatStringsSep "." at) ]
        else dropped (specOf spec name) at v.${name})
      (attrNames v);

  # wg-quick names the interface after the file, as HomestakerOS does.
  wireguardInterface = file: builtins.head (builtins.split "[.]" (baseNameOf (toString file)));
in
rec {
  # Nix paths in services.hsos-agent.settings as strings: builtins.toJSON
  # would copy each path's file into the world-readable store (a secret's
  # too) and write the store path, or fail where the file is not on the
  # building machine, as the node's disks are not.
  pathsAsStrings = v:
    if isPath v then toString v
    else if isList v then map pathsAsStrings v
    else if isAttrs v then lib.mapAttrs (_: pathsAsStrings) v
    else v;

  # homestakeros (config.homestakeros) -> the node.json document.
  fromHomestakeros = homestakeros: convert schema homestakeros;

  # The homestakeros settings node.json has no place for, as "a.b.c" paths
  # (e.g. execution.geth.port of older HomestakerOS modules): the module
  # warns about each.
  droppedKeys = homestakeros: dropped schema [ ] homestakeros;

  # node.json with agent.packages filled in: `packages` (client -> executable)
  # under what the settings name themselves, which win.
  withPackages = settings: packages:
    if packages == { } then settings
    else settings // {
      agent = (settings.agent or { }) // {
        packages = packages // (settings.agent.packages or { });
      };
    };

  # The units HomestakerOS's module defines for this node and the agent makes
  # now, named as systemd names them; the module suppresses them, so that the
  # agent's units in /run/systemd/system are neither doubled nor shadowed by
  # HomestakerOS's in /etc/systemd/system. As its module
  # (nixosModules/homestakeros/default.nix, recorded in
  # tests/nix/homestakeros-units.nix) defines them:
  # - <client>.service for each client of execution, consensus and
  #   mev-boost whose enable is true (a client that is off has no unit);
  # - ssv-node.service on x86_64-linux, when a consensus and an execution
  #   client are on and addons.ssv-node.dataDir starts with the `where` of
  #   an enabled mount that is not tmpfs, overlay or squashfs;
  # - wg-quick-<if>.service when vpn.wireguard.enable (through nixpkgs'
  #   networking.wg-quick), <if> the config file's name up to its first dot;
  # - <where>.mount for every mount, its enable true or false: NixOS writes
  #   a unit that is off as a link to /dev/null, which would mask the
  #   agent's mount unit of the same name.
  # escapeSystemdPath is nixpkgs' utils.escapeSystemdPath; system the host's
  # (pkgs.stdenv.hostPlatform.system, HomestakerOS's pkgs.system).
  homestakerosUnits = { homestakeros, escapeSystemdPath, system }:
    let
      section = name: lib.attrByPath [ name ] { } homestakeros;
      on = x: isAttrs x && (x.enable or false) == true;
      enabled = name: attrNames (lib.filterAttrs (_: on) (section name));
      consensus = enabled "consensus";
      execution = enabled "execution";
      wireguard = lib.attrByPath [ "vpn" "wireguard" ] { } homestakeros;
      mounts = lib.filterAttrs (_: m: isAttrs m && m ? where) (section "mounts");
      ssvDataDir = lib.attrByPath [ "addons" "ssv-node" "dataDir" ] null homestakeros;
      persistent = path: lib.any
        (m: on m && lib.hasPrefix (toString m.where) path && !(lib.elem (m.type or "auto") [ "tmpfs" "overlay" "squashfs" ]))
        (builtins.attrValues mounts);
    in
    map (name: "${name}.service") (execution ++ consensus
      ++ lib.optional (on (lib.attrByPath [ "addons" "mev-boost" ] { } homestakeros)) "mev-boost"
      ++ lib.optional (system == "x86_64-linux" && consensus != [ ] && execution != [ ] && ssvDataDir != null && persistent (toString ssvDataDir)) "ssv-node")
    ++ lib.optional (on wireguard && (wireguard.configFile or null) != null)
      "wg-quick-${wireguardInterface wireguard.configFile}.service"
    ++ lib.mapAttrsToList (_: m: "${escapeSystemdPath (toString m.where)}.mount") mounts;
}
