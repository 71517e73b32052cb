# The example node without HomestakerOS's module: node.json given as
# services.hsos-agent.settings (./settings.nix, the node of
# examples/node.json), the clients from nixpkgs.
{ config, ... }:
{
  imports = [ ./machine.nix ];

  services.hsos-agent = {
    enable = true;
    settings = import ./settings.nix;
  };

  # The operator (the module declares core with the keys of node.json) may
  # use sudo; base's users.mutableUsers = false wants a wheel user with a key.
  users.users.core.extraGroups = [ "wheel" ];

  # sshd with the node's persistent host key, which the agent creates on the
  # disk before sshd starts (HomestakerOS's module does the same).
  services.openssh = {
    enable = true;
    hostKeys = [{ path = config.services.hsos-agent.settings.ssh.privateKeyFile; type = "ed25519"; }];
    settings.PasswordAuthentication = false;
    settings.KbdInteractiveAuthentication = false;
  };
}
