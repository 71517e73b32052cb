# A node's mounts, written only with HomestakerOS's options, where its
# module defines units the agent must not leave beside its own: an ext4
# disk for the chain (geth, lighthouse, the JWT), a disk whose enable is
# false (HomestakerOS's module still defines its mount unit, which NixOS
# writes as a link to /dev/null: a mask), and a tmpfs holding ssv-node's
# dataDir (not persistent: HomestakerOS defines no ssv-node.service
# then, so it is no unit to suppress). mev-boost and WireGuard are off.
{
  homestakeros = "current";
  modules = [{
    services.hsos-agent.enable = true;
    homestakeros = {
      localization.hostname = "mounts-node";
      mounts = {
        chain = {
          enable = true;
          description = "the chain";
          what = "/dev/disk/by-label/chain";
          where = "/mnt/chain";
          type = "ext4";
        };
        spare = {
          enable = false;
          what = "/dev/disk/by-label/spare";
          where = "/mnt/spare";
          type = "ext4";
        };
        scratch = {
          enable = true;
          what = "tmpfs";
          where = "/mnt/scratch";
          type = "tmpfs";
          options = "size=1G";
        };
      };
      execution.geth = { enable = true; dataDir = "/mnt/chain/geth"; jwtSecretFile = "/mnt/chain/jwt.hex"; };
      consensus.lighthouse = { enable = true; dataDir = "/mnt/chain/lighthouse"; jwtSecretFile = "/mnt/chain/jwt.hex"; };
      addons.ssv-node.dataDir = "/mnt/scratch/ssv";
    };
  }];
}
