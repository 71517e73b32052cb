# An existing HomestakerOS configuration moved to the agent: HomestakerOS's
# module and its `homestakeros` options as they were (./homestakeros.nix),
# and one line. node.json is made of the options; the clients come from
# HomestakerOS's overlay of ethereum.nix.
{
  imports = [ ./machine.nix ];

  homestakeros = import ./homestakeros.nix;

  services.hsos-agent.enable = true;
}
