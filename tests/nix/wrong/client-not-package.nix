# A client package given as its name: not a package.
{
  error = "A definition for option `services.hsos-agent.clientPackages.lighthouse' is not of type `null or package'";
  modules = [{
    services.hsos-agent.enable = true;
    services.hsos-agent.clientPackages.lighthouse = "lighthouse";
    services.hsos-agent.settings.consensus.lighthouse.enable = true;
  }];
}
