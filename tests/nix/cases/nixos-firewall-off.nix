# NixOS's firewall off: the agent's own (its nftables table inet hsos) stays
# on, node.json says nothing of it, and the module opens nothing.
{
  homestakeros = "current";
  modules = [{
    services.hsos-agent.enable = true;
    networking.firewall.enable = false;
    homestakeros = {
      localization.hostname = "nofw-01";
      mounts.eth = { enable = true; what = "/dev/disk/by-label/eth"; where = "/mnt/eth"; type = "ext4"; };
      execution.geth = { enable = true; dataDir = "/mnt/eth/geth"; jwtSecretFile = "/mnt/eth/jwt.hex"; };
      consensus.lighthouse = { enable = true; dataDir = "/mnt/eth/lighthouse"; jwtSecretFile = "/mnt/eth/jwt.hex"; };
    };
  }];

  clients = {
    geth = { outPath = "/nix/store/q8k4gpgjdc40sdrzp6j3rjwkpybvqh9m-geth-1.16.7"; };
    lighthouse = { outPath = "/nix/store/111x7kgjsm4xlsj23xwp8kma6g9372b0-lighthouse-8.1.3"; };
  };
}
