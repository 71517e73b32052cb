# A HomestakerOS configuration as its users write it (what the web UI's
# default.json says, the rest left to the options' defaults): a team's node
# with an xfs disk on device-mapper under /var/mnt, geth + lighthouse +
# mev-boost on the node's VPN address, wireguard. tests/nix/check.sh checks
# that the node.json the module makes of it is valid.
{
  localization = {
    hostname = "example-ephemeral-alpha";
    timezone = "Europe/Helsinki";
  };
  mounts.data = {
    enable = true;
    description = "nvme/single";
    what = "/dev/mapper/vg0-data";
    where = "/var/mnt/data";
    type = "xfs";
  };
  vpn.wireguard = {
    enable = true;
    configFile = "/var/mnt/data/secrets/wg0.conf";
  };
  ssh = {
    authorizedKeys = [
      "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gAAAABHNzaDo= ssh:example"
    ];
    privateKeyFile = "/var/mnt/data/secrets/ssh/id_ed25519";
  };
  execution.geth = {
    enable = true;
    endpoint = "http://10.10.0.5:8551";
    dataDir = "/var/mnt/data/ethereum/mainnet/geth";
    jwtSecretFile = "/var/mnt/data/ethereum/mainnet/jwt.hex";
    extraOptions = [ "--cache=8192" ];
  };
  consensus.lighthouse = {
    enable = true;
    endpoint = "http://10.10.0.5:5052";
    execEndpoint = "http://10.10.0.5:8551";
    dataDir = "/var/mnt/data/ethereum/mainnet/lighthouse";
    jwtSecretFile = "/var/mnt/data/ethereum/mainnet/jwt.hex";
  };
  addons.mev-boost = {
    enable = true;
    endpoint = "http://10.10.0.5:18550";
  };
}
