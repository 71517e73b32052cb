# node.json's ssh keys written in services.hsos-agent.settings (free JSON) as
# one string where a list of strings is expected: an error naming the
# setting the user wrote, not users.users.core's option the keys reach.
{
  error = "A definition for option `services.hsos-agent.settings.ssh.authorizedKeys' is not of type `list of string'";
  modules = [{
    services.hsos-agent.enable = true;
    services.hsos-agent.settings.ssh.authorizedKeys = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKXWmLPpUZfm7qVnVhBDv5jSLm9Q4vaJ9Zw2b8p3u1qs operator@laptop";
  }];
}
