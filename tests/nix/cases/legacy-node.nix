# A node configured with an older HomestakerOS module (its options.nix of
# 2023-24): nullOr options left null (timezone, the JWT, extraOptions, the ssh
# host key), ports node.json has no place for (port, jsonRpcPort), data under
# /var/mnt, and mounts typed as free attribute sets: one btrfs disk mounted
# twice by subvolid, options given as a list, and a systemd key (after)
# the agent does not take. Its declarations are not here: homestakeros is
# declared as a free attribute set (eval.nix, olderHomestakerOS). clients:
# plain nixpkgs (go-ethereum, with a geth that throws as a removed alias
# would; lighthouse with a separate bin output), no ssvnode (as off x86_64).
let
  execution = dataDir: {
    enable = false;
    endpoint = "http://127.0.0.1:8551";
    port = 30303;
    jsonRpcPort = 8545;
    inherit dataDir;
    jwtSecretFile = null;
    extraOptions = null;
  };
  consensus = endpoint: dataDir: {
    enable = false;
    inherit endpoint dataDir;
    port = 9000;
    execEndpoint = "http://127.0.0.1:8551";
    jwtSecretFile = null;
    extraOptions = null;
  };
in
{
  homestakeros = "older";
  modules = [{
    services.hsos-agent.enable = true;
    homestakeros = {
      localization = {
        hostname = "ponkila-ephemeral-beta";
        timezone = null;
      };
      mounts = {
        eth = {
          enable = true;
          description = "btrfs subvolume for the chain data";
          what = "/dev/disk/by-label/ethereum";
          where = "/var/mnt/eth";
          type = "btrfs";
          options = [ "noatime" "subvolid=256" ];
          wantedBy = [ "multi-user.target" ];
        };
        secrets = {
          enable = true;
          description = "btrfs subvolume for the secrets";
          what = "/dev/disk/by-label/ethereum";
          where = "/var/mnt/secrets";
          type = "btrfs";
          options = "noatime,subvolid=257";
          after = [ "var-mnt-eth.mount" ];
          wantedBy = [ "multi-user.target" ];
        };
      };
      vpn.wireguard = {
        enable = false;
        configFile = "/var/mnt/secrets/wg0.conf";
      };
      ssh = {
        authorizedKeys = [
          "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKXWmLPpUZfm7qVnVhBDv5jSLm9Q4vaJ9Zw2b8p3u1qs operator@laptop"
        ];
        privateKeyFile = null;
      };
      execution = {
        erigon = execution "/var/mnt/erigon";
        geth = execution "/var/mnt/eth/geth" // {
          enable = true;
          jwtSecretFile = "/var/mnt/secrets/jwt.hex";
          extraOptions = [ "--maxpeers=100" ];
        };
        nethermind = execution "/var/mnt/nethermind";
        besu = execution "/var/mnt/besu";
      };
      consensus = {
        lighthouse = consensus "http://127.0.0.1:5052" "/var/mnt/eth/lighthouse" // {
          enable = true;
          jwtSecretFile = "/var/mnt/secrets/jwt.hex";
          slasher = {
            enable = false;
            historyLength = 4096;
            maxDatabaseSize = 256;
          };
        };
        prysm = consensus "http://127.0.0.1:3500" "/var/mnt/prysm" // { slasher.enable = false; };
        teku = consensus "http://127.0.0.1:5051" "/var/mnt/teku";
        nimbus = consensus "http://127.0.0.1:5052" "/var/mnt/nimbus";
      };
      addons = {
        ssv-node = {
          privateKeyFile = "/var/mnt/addons/ssv/ssv_operator_key";
          privateKeyPasswordFile = "/var/mnt/addons/ssv/password";
          dataDir = "/var/mnt/addons/ssv";
        };
        mev-boost = {
          enable = false;
          endpoint = "http://127.0.0.1:18550";
        };
      };
    };
  }];

  clients = {
    # an alias nixpkgs keeps for a renamed package, which throws
    geth = throw "geth has been renamed to go-ethereum";
    go-ethereum = { outPath = "/nix/store/zg8ag0xdihng7ablc575nkpgmvb0am22-go-ethereum-1.16.4"; };
    lighthouse = {
      outPath = "/nix/store/g5w6wzclrscbl12dndn38ggrzrfgrqki-lighthouse-7.1.0";
      bin = { outPath = "/nix/store/b59panfzrpwhdmr78vgxs2dzzahksv33-lighthouse-7.1.0-bin"; };
    };
    wireguard-tools = { outPath = "/nix/store/0kwqk1xvgkpgndcp9d1p461flh9pr4rp-wireguard-tools-1.0.20250521"; };
  };
}
