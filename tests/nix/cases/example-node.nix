# services.hsos-agent.settings written by hand, without HomestakerOS's
# module: the node of examples/node.json (the one flake.nix's example
# builds), hoodi instead of mainnet, with mev-boost's executable named by
# the settings themselves (which wins over the package map).
{
  modules = [{
    services.hsos-agent.enable = true;
    services.hsos-agent.settings = {
      localization = {
        hostname = "staker-01";
        timezone = "Europe/Helsinki";
      };
      mounts.ethdata = {
        enable = true;
        description = "NVMe chain data";
        what = "LABEL=ethdata";
        where = "/mnt/eth";
        type = "ext4";
        options = "noatime";
      };
      ssh = {
        authorizedKeys = [
          "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKXWmLPpUZfm7qVnVhBDv5jSLm9Q4vaJ9Zw2b8p3u1qs operator@laptop"
        ];
        privateKeyFile = "/mnt/eth/secrets/ssh/id_ed25519";
      };
      execution.geth = {
        enable = true;
        dataDir = "/mnt/eth/geth";
        jwtSecretFile = "/mnt/eth/secrets/jwt.hex";
        extraOptions = [ "--cache=4096" ];
      };
      consensus.lighthouse = {
        enable = true;
        dataDir = "/mnt/eth/lighthouse";
        jwtSecretFile = "/mnt/eth/secrets/jwt.hex";
      };
      addons.mev-boost = {
        enable = true;
        relays = [ "https://0xaa58208899c6105603b74396734a6263cc7d947f444f396a90f7b7d3e65d102aec7e5e5291b27e08d02c50a050825c2f@relay-hoodi.example.org" ];
      };
      network = "hoodi";
      agent = {
        deviceTimeoutSec = 120;
        packages.mev-boost = "/opt/mev-boost/bin/mev-boost";
      };
    };
  }];

  clients = {
    go-ethereum = { outPath = "/nix/store/zg8ag0xdihng7ablc575nkpgmvb0am22-go-ethereum-1.16.4"; };
    lighthouse = { outPath = "/nix/store/111x7kgjsm4xlsj23xwp8kma6g9372b0-lighthouse-8.1.3"; };
    mev-boost = { outPath = "/nix/store/dm9l2w51gnkr9glypvdf2x4rr2n5vmff-mev-boost-1.10.1"; };
    ssvnode = { outPath = "/nix/store/jbr561vlkrb2m2zzj6f8i1zc5dyr7azs-ssvnode-2.3.8"; };
  };
}
