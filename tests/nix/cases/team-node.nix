# A team's node written only with HomestakerOS's options (its real
# options.nix), every one of them given, the same node as
# tests/fixtures/configs/webui-team-node.json (an xfs disk on device-mapper
# under /var/mnt, geth + lighthouse + mev-boost on the VPN address, a FIDO
# ssh key, wireguard). Some paths are Nix path literals, as users write them
# for types.path options. clients: HomestakerOS's overlay of ethereum.nix
# (geth, ssvnode, ...) over nixpkgs (go-ethereum, wireguard-tools).
{
  homestakeros = "current";
  modules = [{
    services.hsos-agent.enable = true;
    homestakeros = {
      localization = {
        hostname = "example-ephemeral-alpha";
        timezone = "Europe/Helsinki";
      };
      mounts = {
        data = {
          enable = true;
          description = "nvme/single";
          what = "/dev/mapper/vg0-data";
          where = "/var/mnt/data";
          type = "xfs";
          options = "noatime";
          wantedBy = [ "multi-user.target" ];
          before = [ ];
        };
      };
      vpn.wireguard = {
        enable = true;
        configFile = /var/mnt/data/secrets/wg0.conf;
      };
      ssh = {
        authorizedKeys = [
          "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gAAAABHNzaDo= ssh:example"
        ];
        privateKeyFile = /var/mnt/data/secrets/ssh/id_ed25519;
      };
      execution = {
        erigon = {
          enable = false;
          endpoint = "http://127.0.0.1:8551";
          dataDir = "/mnt/erigon";
          jwtSecretFile = "/mnt/secrets/jwt.hex";
          extraOptions = [ ];
        };
        geth = {
          enable = true;
          endpoint = "http://10.10.0.5:8551";
          dataDir = /var/mnt/data/ethereum/mainnet/geth;
          jwtSecretFile = "/var/mnt/data/ethereum/mainnet/jwt.hex";
          extraOptions = [ "--cache=8192" "--http.vhosts=\"*\"" ];
        };
        nethermind = {
          enable = false;
          endpoint = "http://127.0.0.1:8551";
          dataDir = "/mnt/nethermind";
          jwtSecretFile = "/mnt/secrets/jwt.hex";
          extraOptions = [ ];
        };
        besu = {
          enable = false;
          endpoint = "http://127.0.0.1:8551";
          dataDir = "/mnt/besu";
          jwtSecretFile = "/mnt/secrets/jwt.hex";
          extraOptions = [ ];
        };
      };
      consensus = {
        lighthouse = {
          enable = true;
          endpoint = "http://10.10.0.5:5052";
          execEndpoint = "http://10.10.0.5:8551";
          slasher = {
            enable = false;
            historyLength = 4096;
            maxDatabaseSize = 256;
          };
          dataDir = /var/mnt/data/ethereum/mainnet/lighthouse;
          jwtSecretFile = /var/mnt/data/ethereum/mainnet/jwt.hex;
          extraOptions = [ ];
        };
        prysm = {
          enable = false;
          endpoint = "http://127.0.0.1:3500";
          execEndpoint = "http://127.0.0.1:8551";
          slasher.enable = false;
          dataDir = "/mnt/prysm";
          jwtSecretFile = "/mnt/secrets/jwt.hex";
          extraOptions = [ ];
        };
        teku = {
          enable = false;
          endpoint = "http://127.0.0.1:5051";
          execEndpoint = "http://127.0.0.1:8551";
          dataDir = "/mnt/teku";
          jwtSecretFile = "/mnt/secrets/jwt.hex";
          extraOptions = [ ];
        };
        nimbus = {
          enable = false;
          endpoint = "http://127.0.0.1:5052";
          execEndpoint = "http://127.0.0.1:8551";
          dataDir = "/mnt/nimbus";
          jwtSecretFile = "/mnt/secrets/jwt.hex";
          extraOptions = [ ];
        };
      };
      addons = {
        ssv-node = {
          dataDir = "/mnt/addons/ssv";
          extraOptions = [ ];
        };
        mev-boost = {
          enable = true;
          endpoint = "http://10.10.0.5:18550";
          extraOptions = [ ];
        };
      };
    };
  }];

  clients = {
    geth = { outPath = "/nix/store/q8k4gpgjdc40sdrzp6j3rjwkpybvqh9m-geth-1.16.7"; };
    go-ethereum = { outPath = "/nix/store/zg8ag0xdihng7ablc575nkpgmvb0am22-go-ethereum-1.16.4"; };
    lighthouse = { outPath = "/nix/store/111x7kgjsm4xlsj23xwp8kma6g9372b0-lighthouse-8.1.3"; };
    mev-boost = { outPath = "/nix/store/dm9l2w51gnkr9glypvdf2x4rr2n5vmff-mev-boost-1.10.1"; };
    ssvnode = { outPath = "/nix/store/jbr561vlkrb2m2zzj6f8i1zc5dyr7azs-ssvnode-2.3.8"; };
    wireguard-tools = { outPath = "/nix/store/0kwqk1xvgkpgndcp9d1p461flh9pr4rp-wireguard-tools-1.0.20250521"; };
  };
}
