# A HomestakerOS setting of the wrong type: one ssh key given as a string
# where options.nix declares a list of strings.
{
  homestakeros = "current";
  error = "A definition for option `homestakeros.ssh.authorizedKeys' is not of type `list of string'";
  modules = [{
    services.hsos-agent.enable = true;
    homestakeros.ssh.authorizedKeys = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKXWmLPpUZfm7qVnVhBDv5jSLm9Q4vaJ9Zw2b8p3u1qs operator@laptop";
  }];
}
