# A client package under a name the agent does not know (geth misspelt):
# an error naming the option, not a package silently left out of node.json.
{
  homestakeros = "current";
  error = "The option `services.hsos-agent.clientPackages.gethh' does not exist";
  modules = [
    ({ pkgs, ... }: {
      services.hsos-agent.enable = true;
      services.hsos-agent.clientPackages.gethh = pkgs.go-ethereum;
      homestakeros.execution.geth.enable = true;
    })
  ];
  clients.go-ethereum = { type = "derivation"; outPath = "/nix/store/zg8ag0xdihng7ablc575nkpgmvb0am22-go-ethereum-1.16.4"; };
}
