# node.json written as Nix: the node of examples/node.json (make demo's),
# a mainnet geth + lighthouse + mev-boost node whose chain data lies on an
# ext4 disk labelled ethdata. tests/nix/check.sh checks that it is
# examples/node.json and that hsos-agent validates it.
{
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
    endpoint = "http://127.0.0.1:8551";
    dataDir = "/mnt/eth/geth";
    jwtSecretFile = "/mnt/eth/secrets/jwt.hex";
    extraOptions = [ "--cache=4096" ];
  };
  consensus.lighthouse = {
    enable = true;
    endpoint = "http://127.0.0.1:5052";
    execEndpoint = "http://127.0.0.1:8551";
    dataDir = "/mnt/eth/lighthouse";
    jwtSecretFile = "/mnt/eth/secrets/jwt.hex";
  };
  addons.mev-boost = {
    enable = true;
    endpoint = "http://127.0.0.1:18550";
  };
  network = "mainnet";
}
