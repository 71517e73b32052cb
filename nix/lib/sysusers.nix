# The pure part of nix/module.nix that declares the agent's users the NixOS
# way: initrd-hooks/hsos-agent.sysusers (the one list of the clients' users
# and their fixed uids, which the data on the persistent disks is owned by)
# read as data. Builtins only; evaluated by tests/nix/check.sh.
text:
let
  lines = builtins.filter builtins.isString (builtins.split "\n" text);
  match = re: builtins.filter (m: m != null) (map (builtins.match re) lines);
  space = "[[:space:]]+";
in
{
  # "u NAME UID "GECOS" ..." -> NAME = { uid; description; }
  users = builtins.listToAttrs (map
    (m: {
      name = builtins.elemAt m 0;
      value = { uid = builtins.fromJSON (builtins.elemAt m 1); description = builtins.elemAt m 2; };
    })
    (match "u${space}([^[:space:]]+)${space}([0-9]+)${space}\"([^\"]*)\".*"));

  # "g NAME -": groups without a fixed gid.
  groups = map (m: builtins.elemAt m 0) (match "g${space}([^[:space:]]+)${space}-.*");
}
