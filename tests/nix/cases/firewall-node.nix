# NixOS's firewall in charge (its default) of a node whose ports move:
# settings written by hand, WireGuard (an interface named after its file,
# wg-stake), geth's P2P ports moved by extraOptions (a quoted value, and a
# value in the next list element), lighthouse's by `port` and its QUIC port
# by extraOptions, mev-boost on a LAN address, ssv-node beside them, the
# operator's own ports (agent.firewall.allowTCP; allowUDP for the WireGuard
# ListenPort, which is in the config file and not known to the module),
# and sshd with openFirewall off (the module opens 22 itself: the agent
# never closes ssh).
{
  modules = [{
    services.hsos-agent.enable = true;
    services.hsos-agent.settings = {
      localization.hostname = "fw-01";
      mounts.data = { enable = true; what = "LABEL=data"; where = "/mnt/data/"; type = "ext4"; };
      vpn.wireguard = { enable = true; configFile = "/mnt/data/secrets/wg-stake.conf"; };
      execution.geth = {
        enable = true;
        dataDir = "/mnt/data/geth";
        jwtSecretFile = "/mnt/data/secrets/jwt.hex";
        extraOptions = [ "--maxpeers 50 --port='30313'" "--discovery.port" "30320" ];
      };
      consensus.lighthouse = {
        enable = true;
        dataDir = "/mnt/data/lighthouse";
        jwtSecretFile = "/mnt/data/secrets/jwt.hex";
        port = 9010;
        extraOptions = [ "--quic-port 9101" ];
      };
      addons.mev-boost = { enable = true; endpoint = "http://192.168.1.20:18551"; };
      addons.ssv-node.dataDir = "/mnt/data/ssv";
      agent.firewall = { allowTCP = [ 9100 ]; allowUDP = [ 51820 ]; };
    };
    services.openssh = { enable = true; openFirewall = false; };
  }];

  clients = {
    geth = { outPath = "/nix/store/q8k4gpgjdc40sdrzp6j3rjwkpybvqh9m-geth-1.16.7"; };
    lighthouse = { outPath = "/nix/store/111x7kgjsm4xlsj23xwp8kma6g9372b0-lighthouse-8.1.3"; };
    mev-boost = { outPath = "/nix/store/dm9l2w51gnkr9glypvdf2x4rr2n5vmff-mev-boost-1.10.1"; };
    ssvnode = { outPath = "/nix/store/jbr561vlkrb2m2zzj6f8i1zc5dyr7azs-ssvnode-2.3.8"; };
    wireguard-tools = { outPath = "/nix/store/0kwqk1xvgkpgndcp9d1p461flh9pr4rp-wireguard-tools-1.0.20250521"; };
  };
}
