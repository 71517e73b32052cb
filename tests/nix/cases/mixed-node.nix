# HomestakerOS's options (the current module) with services.hsos-agent
# overrides: settings node.json has and homestakeros has not (network,
# agent.*), homestakeros settings overridden (nethermind's dataDir, at a
# normal priority over the module's mkDefault; wireguard's configFile, as a
# Nix path), a client's package given by
# clientPackages (teku, which pkgs has not), sshd from the host key of
# node.json, and the systemd stage 1, which runs the mount stage in the
# initrd too (initrd-hooks/nixos-stage1.nix).
{
  homestakeros = "current";
  modules = [
    ({ config, pkgs, ... }: {
      homestakeros = {
        localization.hostname = "mixed-01";
        mounts.chain = {
          enable = true;
          what = "/dev/disk/by-label/chain";
          where = "/mnt/chain";
          type = "btrfs";
          options = "noatime,compress=zstd";
        };
        ssh.privateKeyFile = "/mnt/chain/secrets/ssh/id_ed25519";
        execution.nethermind = {
          enable = true;
          dataDir = "/mnt/chain/nethermind";
          jwtSecretFile = "/mnt/chain/secrets/jwt.hex";
        };
        consensus.teku = {
          enable = true;
          dataDir = "/mnt/chain/teku";
          jwtSecretFile = "/mnt/chain/secrets/jwt.hex";
          extraOptions = [ "--validators-proposer-default-fee-recipient=0x0000000000000000000000000000000000000001" ];
        };
      };

      services.hsos-agent = {
        enable = true;
        settings = {
          network = "hoodi";
          execution.nethermind.dataDir = "/mnt/chain/hoodi/nethermind";
          # A Nix path, as types.path options take them: written as the
          # string, never copied into the store (a secret would be).
          vpn.wireguard.configFile = /mnt/chain/secrets/wg0.conf;
          agent.deviceTimeoutSec = 60;
        };
        clientPackages.teku = pkgs.teku-ethereum-nix;
      };

      boot.initrd.systemd.enable = true;
      services.openssh = {
        enable = true;
        hostKeys = [{ path = config.services.hsos-agent.settings.ssh.privateKeyFile; type = "ed25519"; }];
      };
      # A port of the configuration's own (node_exporter), kept beside the
      # ones the module opens.
      networking.firewall.allowedTCPPorts = [ 9100 ];
    })
  ];

  clients = {
    nethermind = { type = "derivation"; outPath = "/nix/store/3h9sq2pp8ygx3s7b3b0mjk6j6i0c6x7n-nethermind-1.35.2"; };
    teku-ethereum-nix = { type = "derivation"; outPath = "/nix/store/9vq8d2b8qkq0d6sm1pl2v4cc8kk3yq5w-teku-25.11.0"; };
    ssvnode = { type = "derivation"; outPath = "/nix/store/jbr561vlkrb2m2zzj6f8i1zc5dyr7azs-ssvnode-2.3.8"; };
  };
}
