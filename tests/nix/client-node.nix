# A node for one client HomestakerOS knows (tests/nix/check.sh makes one
# case per client its options.nix declares: execution.*, consensus.*,
# addons.*, vpn.wireguard), written only with `homestakeros` options: a
# persistent ext4 disk at /mnt/eth holding the client's data and the JWT,
# and the client enabled. ssv-node, which has no enable option, runs beside
# an execution and a consensus client (geth and lighthouse) once its dataDir
# is on the disk.
#
# clients: the client's package under its nixpkgs attribute name, as a
# NixOS user without HomestakerOS's overlay has it (go-ethereum,
# nimbus-eth2, ssvnode, wireguard-tools): agent.packages names its
# executable. units: the units `hsos-agent plan` makes of the node.json.
# A client declared by options.nix and missing here fails the evaluation.
{ client }:
let
  storePath = name: "${builtins.storeDir}/${builtins.substring 0 32 (builtins.hashString "sha256" name)}-${name}";
  package = name: { type = "derivation"; outPath = storePath name; };

  mount = { enable = true; what = "/dev/disk/by-label/ethdata"; where = "/mnt/eth"; type = "ext4"; };
  jwt = "/mnt/eth/secrets/jwt.hex";
  execution = name: { execution.${name} = { enable = true; dataDir = "/mnt/eth/${name}"; jwtSecretFile = jwt; }; };
  consensus = name: { consensus.${name} = { enable = true; dataDir = "/mnt/eth/${name}"; jwtSecretFile = jwt; }; };

  # client -> { settings (below homestakeros), packages (pkgs attribute ->
  # store name), units }
  clients = {
    erigon = { settings = execution "erigon"; packages.erigon = "erigon-3.2.2"; units = [ "erigon.service" ]; };
    geth = { settings = execution "geth"; packages.go-ethereum = "go-ethereum-1.16.4"; units = [ "geth.service" ]; };
    nethermind = { settings = execution "nethermind"; packages.nethermind = "nethermind-1.35.2"; units = [ "nethermind.service" ]; };
    besu = { settings = execution "besu"; packages.besu = "besu-25.11.0"; units = [ "besu.service" ]; };
    lighthouse = { settings = consensus "lighthouse"; packages.lighthouse = "lighthouse-8.0.1"; units = [ "lighthouse.service" ]; };
    prysm = { settings = consensus "prysm"; packages.prysm = "prysm-6.1.4"; units = [ "prysm.service" ]; };
    teku = { settings = consensus "teku"; packages.teku = "teku-25.11.0"; units = [ "teku.service" ]; };
    nimbus = { settings = consensus "nimbus"; packages.nimbus-eth2 = "nimbus-eth2-25.11.0"; units = [ "nimbus.service" ]; };
    mev-boost = {
      settings.addons.mev-boost = { enable = true; extraOptions = [ "-relay-check" ]; };
      packages.mev-boost = "mev-boost-1.10.1";
      units = [ "mev-boost.service" ];
    };
    ssv-node = {
      settings = execution "geth" // consensus "lighthouse" // {
        addons.ssv-node = { dataDir = "/mnt/eth/ssv"; extraOptions = [ "--log-level=info" ]; };
      };
      packages = { go-ethereum = "go-ethereum-1.16.4"; lighthouse = "lighthouse-8.0.1"; ssvnode = "ssvnode-2.3.8"; };
      units = [ "geth.service" "lighthouse.service" "ssv-node.service" ];
    };
    wireguard = {
      settings.vpn.wireguard = { enable = true; configFile = "/mnt/eth/secrets/wg0.conf"; };
      packages.wireguard-tools = "wireguard-tools-1.0.20250521";
      units = [ "wg-quick-wg0.service" ];
    };
  };

  c = clients.${client} or (throw "tests/nix/client-node.nix: no node for client ${client}, which HomestakerOS's options.nix declares");
in
{
  homestakeros = "current";
  modules = [{
    services.hsos-agent.enable = true;
    homestakeros = c.settings // {
      localization.hostname = "${client}-node";
      mounts.eth = mount;
    };
  }];
  clients = builtins.mapAttrs (_: package) c.packages;
  inherit (c) units;
}
