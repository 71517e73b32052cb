# The port options of clients that read them their own way, moved by
# extraOptions: nethermind (case ignored, the value in the next word),
# nimbus (case ignored, a ':' before the value; a word after "--" is no
# option). The user keeps the agent's firewall on beside NixOS's
# (settings.agent.firewall.enable = true wins over the module's default):
# both then filter, and the module still opens the same ports in NixOS's.
{
  agentFirewallKept = true;
  modules = [{
    services.hsos-agent.enable = true;
    services.hsos-agent.settings = {
      localization.hostname = "fw-02";
      mounts.data = { enable = true; what = "LABEL=data"; where = "/mnt/data"; type = "xfs"; };
      execution.nethermind = {
        enable = true;
        dataDir = "/mnt/data/nethermind";
        jwtSecretFile = "/mnt/data/jwt.hex";
        extraOptions = [ "--network.p2pport 30400 --NETWORK.DISCOVERYPORT=30401" ];
      };
      consensus.nimbus = {
        enable = true;
        dataDir = "/mnt/data/nimbus";
        jwtSecretFile = "/mnt/data/jwt.hex";
        extraOptions = [ "--TCP-PORT:9010" "--" "--udp-port=9999" ];
      };
      agent.firewall.enable = true;
    };
  }];

  clients = {
    nethermind = { outPath = "/nix/store/3h9sq2pp8ygx3s7b3b0mjk6j6i0c6x7n-nethermind-1.35.2"; };
    nimbus = { outPath = "/nix/store/7rl4xkkpf6rq1l1nlkd2nqvrpn4l8q0p-nimbus-25.11.1"; };
  };
}
