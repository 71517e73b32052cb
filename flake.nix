{
  description = "hsos-agent: the boot agent of a HomestakerOS-style Ethereum staking node";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";
    # HomestakerOS: its homestakeros module (the options the web UI writes),
    # and its base flake's modules: kexecTree makes bzImage, initrd.zst and
    # kexec-boot; base is the opinionated base of its nodes.
    homestakeros.url = "github:ponkila/HomestakerOS";
    homestakeros.inputs.nixpkgs.follows = "nixpkgs";
    ponkila.url = "github:ponkila/HomestakerOS?dir=nixosModules/base";
    ponkila.inputs.nixpkgs.follows = "nixpkgs";
  };

  outputs = { self, nixpkgs, homestakeros, ponkila, ... }@inputs:
    let
      inherit (nixpkgs) lib;
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f: lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});

      # An image the HomestakerOS way: its base and kexecTree modules, the
      # agent's module, and a node.
      node = modules: lib.nixosSystem {
        system = "x86_64-linux";
        specialArgs = { inherit inputs; };
        modules = [
          ponkila.nixosModules.base
          ponkila.nixosModules.kexecTree
          self.nixosModules.default
        ] ++ modules;
      };
    in
    {
      # nix build .#hsos-agent
      packages = forAllSystems (pkgs: {
        default = pkgs.callPackage ./nix/package.nix { };
        hsos-agent = self.packages.${pkgs.stdenv.hostPlatform.system}.default;
      } // lib.optionalAttrs (pkgs.stdenv.hostPlatform.system == "x86_64-linux") {
        # nix build .#example: result/bzImage, result/initrd.zst, result/kexec-boot
        example = self.nixosConfigurations.example.config.system.build.kexecTree;
        example-homestakeros = self.nixosConfigurations.example-homestakeros.config.system.build.kexecTree;
      });

      overlays.default = final: _prev: {
        hsos-agent = final.callPackage ./nix/package.nix { };
      };

      nixosModules.default = ./nix/module.nix;
      nixosModules.hsos-agent = ./nix/module.nix;

      nixosConfigurations = {
        # node.json written as Nix (services.hsos-agent.settings).
        example = node [ ./nix/example/node.nix ];
        # A HomestakerOS configuration with one line added.
        example-homestakeros = node [
          homestakeros.nixosModules.homestakeros
          ./nix/example/homestakeros-node.nix
        ];
      };

      checks = forAllSystems (pkgs: {
        hsos-agent = self.packages.${pkgs.stdenv.hostPlatform.system}.default;
      });
    };
}
