# The pure part of nix/module.nix that fills node.json's agent.packages: for
# each client the node enables, the store path of its executable. Taking the
# executables from the store puts them in the image's closure, and the agent
# never has to look for them on PATH.
#
# Takes nixpkgs' `lib`; evaluated by tests/nix/check.sh through the module.
{ lib }:
let
  inherit (builtins) attrNames filter head listToAttrs;

  # client -> the package attributes that may hold it, the first present one
  # wins (HomestakerOS's overlay of ethereum.nix names first, then nixpkgs'),
  # and the executable the agent runs (docs/configuration.md).
  clients = {
    geth = { attrs = [ "geth" "go-ethereum" ]; exe = "geth"; };
    nethermind = { attrs = [ "nethermind" ]; exe = "nethermind"; };
    besu = { attrs = [ "besu" ]; exe = "besu"; };
    erigon = { attrs = [ "erigon" ]; exe = "erigon"; };
    reth = { attrs = [ "reth" ]; exe = "reth"; };
    lighthouse = { attrs = [ "lighthouse" ]; exe = "lighthouse"; };
    prysm = { attrs = [ "prysm" ]; exe = "beacon-chain"; };
    teku = { attrs = [ "teku" ]; exe = "teku"; };
    nimbus = { attrs = [ "nimbus" "nimbus-eth2" ]; exe = "nimbus_beacon_node"; };
    lodestar = { attrs = [ "lodestar" ]; exe = "lodestar"; };
    mev-boost = { attrs = [ "mev-boost" ]; exe = "mev-boost"; };
    ssv-node = { attrs = [ "ssvnode" ]; exe = "ssvnode"; };
    wireguard = { attrs = [ "wireguard-tools" ]; exe = "wg-quick"; };
  };

  enabledIn = section: filter (name: (section.${name}.enable or false) == true) (attrNames section);
in
rec {
  inherit clients;

  # The clients a node.json document enables, by the names agent.packages
  # takes. ssv-node is there when an execution and a consensus client are
  # (whether it runs is the agent's to say: its dataDir must be on a mount).
  enabledClients = settings:
    let
      execution = enabledIn (settings.execution or { });
      consensus = enabledIn (settings.consensus or { });
    in
    filter (name: clients ? ${name}) (execution ++ consensus)
    ++ lib.optional ((lib.attrByPath [ "addons" "mev-boost" "enable" ] false settings) == true) "mev-boost"
    ++ lib.optional (execution != [ ] && consensus != [ ]) "ssv-node"
    ++ lib.optional ((lib.attrByPath [ "vpn" "wireguard" "enable" ] false settings) == true) "wireguard";

  # client -> the package that provides it: `overrides` (client -> package)
  # first, then `pkgs`; null when neither has one (ssv-node off x86_64). An
  # attribute nixpkgs keeps only to throw (a renamed package) does not count.
  packageFor = { pkgs, overrides ? { } }: name:
    let present = filter (attr: pkgs ? ${attr} && (builtins.tryEval pkgs.${attr}).success) clients.${name}.attrs; in
    if overrides ? ${name} then overrides.${name}
    else if present == [ ] then null
    else pkgs.${head present};

  # The agent.packages map of a node.json document: client -> absolute path
  # of the executable, for the enabled clients that have a package.
  packageMap = { pkgs, settings, overrides ? { } }:
    let
      found = filter (entry: entry.package != null)
        (map (name: { inherit name; package = packageFor { inherit pkgs overrides; } name; }) (enabledClients settings));
    in
    listToAttrs (map
      (entry: {
        inherit (entry) name;
        value = "${lib.getBin entry.package}/bin/${clients.${entry.name}.exe}";
      })
      found);
}
