# services.hsos-agent: the agent and its node.json baked into a NixOS image,
# such as the RAM-disk images HomestakerOS builds (bzImage, initrd.zst,
# kexec-boot).
#
# Imported next to HomestakerOS's module, node.json defaults to the
# `homestakeros` options, so an existing HomestakerOS configuration moves to
# the agent with one line:
#
#   services.hsos-agent.enable = true;
#
# HomestakerOS's own units for the same clients, mounts and wg-quick are then
# left out (the agent makes them, hardened, in /run/systemd/system, and a
# unit in /etc would shadow its own). Without HomestakerOS's module, node.json
# is services.hsos-agent.settings, written as Nix.
#
# The pure parts (homestakeros -> node.json, the package map, the users) are
# in ./lib. tests/nix/check.sh evaluates this module with nixpkgs' real
# lib.evalModules and HomestakerOS's real options.nix.
{ config, lib, pkgs, options, utils, ... }:
let
  inherit (lib) mkDefault mkIf mkMerge mkOption types literalExpression;

  cfg = config.services.hsos-agent;
  hsos = import ./lib { inherit lib; };
  sysusers = hsos.sysusers (builtins.readFile ../initrd-hooks/hsos-agent.sysusers);
  hasHomestakerOS = options ? homestakeros;

  # The package's units (initrd-hooks/, installed by `make install` into
  # $out/lib/systemd/system, which systemd.packages hands to NixOS): the
  # dependencies each declares, read from the files themselves.
  units = lib.genAttrs [ "hsos-agent-mount" "hsos-agent" "hsos-agent-net" ]
    (name: hsos.units.dependencies "${name}.service" (builtins.readFile (../initrd-hooks + "/${name}.service")));

  # node.json: the settings, agent.packages filled with the store paths of
  # the enabled clients' executables (which puts them in the image), written
  # with builtins.toJSON and, where the build can run the agent, validated
  # by it: an invalid node.json fails the build, with every error. The
  # file it checked stays reachable: nodeJson.written (its text in .text).
  document = hsos.document { inherit (cfg) settings; inherit pkgs; overrides = lib.filterAttrs (_: p: p != null) cfg.clientPackages; };
  written = pkgs.writeText "node.json" (builtins.toJSON document);
  validated = pkgs.runCommand "node.json" { passthru = { inherit written; }; } ''
    ${cfg.package}/bin/hsos-agent validate --config ${written}
    cp ${written} $out
  '';
  canValidate = pkgs.stdenv.buildPlatform.canExecute pkgs.stdenv.hostPlatform;
  nodeJson = if cfg.validate && canValidate then validated else written;

  # node.json's ssh keys, which core logs in with. settings is free JSON, so
  # a value of the wrong type is an error naming the setting the user wrote,
  # not users.users.core's option the keys would reach.
  authorizedKeys =
    let keys = lib.attrByPath [ "ssh" "authorizedKeys" ] [ ] cfg.settings; in
    if builtins.isList keys && lib.all builtins.isString keys then keys
    else throw ("A definition for option `services.hsos-agent.settings.ssh.authorizedKeys' is not of type `list of string'. "
      + "Definition value: ${builtins.toJSON keys} (node.json's ssh.authorizedKeys: a list of public keys, one a string)");

  # The ports the agent would open, for NixOS's firewall.
  firewall = hsos.firewall cfg.settings;
in
{
  imports = [ ../initrd-hooks/nixos-stage1.nix ];

  options.services.hsos-agent = {
    enable = lib.mkEnableOption ''
      hsos-agent, which makes the node of node.json on every boot: it mounts
      the persistent disks, prepares the JWT and the ssh host key, and starts
      one hardened unit per enabled client, never one whose data would land
      in RAM'';

    package = mkOption {
      type = types.package;
      default = pkgs.callPackage ./package.nix { };
      defaultText = literalExpression "pkgs.callPackage ./nix/package.nix { }";
      description = "The hsos-agent package.";
    };

    settings = mkOption {
      type = (pkgs.formats.json { }).type;
      default = { };
      description = ''
        The node's node.json (docs/configuration.md: localization, mounts,
        ssh, vpn, execution, consensus, addons, network, agent) as a Nix
        attribute set, written to /etc/hsos/node.json with builtins.toJSON.
        With HomestakerOS's module imported, each setting defaults to its
        `homestakeros` option (see fromHomestakerOS); one given here wins.
        agent.packages is filled with the store paths of the enabled
        clients' executables; a client named here keeps its own.
      '';
      example = literalExpression ''
        {
          localization = { hostname = "staker-01"; timezone = "Europe/Helsinki"; };
          mounts.ethdata = { enable = true; what = "LABEL=ethdata"; where = "/mnt/eth"; type = "ext4"; };
          execution.geth = { enable = true; dataDir = "/mnt/eth/geth"; jwtSecretFile = "/mnt/eth/jwt.hex"; };
          consensus.lighthouse = { enable = true; dataDir = "/mnt/eth/lighthouse"; jwtSecretFile = "/mnt/eth/jwt.hex"; };
          addons.mev-boost.enable = true;
        }
      '';
    };

    fromHomestakerOS = mkOption {
      type = types.bool;
      default = hasHomestakerOS;
      defaultText = literalExpression "options ? homestakeros";
      description = ''
        Whether node.json defaults to HomestakerOS's `homestakeros` options
        (settings node.json has no place for are named in a warning), and
        HomestakerOS's units for the node's clients, mev-boost, ssv-node,
        wg-quick and mounts are left out of /etc/systemd/system, so the
        agent's own are the ones systemd runs. True when HomestakerOS's
        module is imported.
      '';
    };

    # One option per client the agent knows (a misspelt name is an error
    # naming it, not a package silently left out).
    clientPackages = mkOption {
      type = types.submodule {
        options = lib.mapAttrs
          (name: client: mkOption {
            type = types.nullOr types.package;
            default = null;
            description = "The package whose bin/${client.exe} runs ${name}.";
          })
          hsos.packages.clients;
      };
      default = { };
      example = literalExpression "{ inherit (inputs.ethereum-nix.packages.x86_64-linux) geth lighthouse; }";
      description = ''
        The package of a client (by its node.json name: geth, lighthouse,
        mev-boost, ssv-node, wireguard, ...), instead of the one found in
        pkgs (pkgs.geth, else pkgs.go-ethereum; pkgs.nimbus, else
        pkgs.nimbus-eth2; pkgs.ssvnode; pkgs.wireguard-tools; ...).
      '';
    };

    validate = mkOption {
      type = types.bool;
      default = true;
      description = "Whether the build runs `hsos-agent validate` on node.json (not when cross-compiling).";
    };

    nodeJson = mkOption {
      type = types.path;
      readOnly = true;
      description = "The node.json the image carries at /etc/hsos/node.json (built from settings).";
    };

    units = mkOption {
      type = types.attrsOf (types.attrsOf (types.listOf types.str));
      readOnly = true;
      default = units;
      defaultText = literalExpression "the dependencies of initrd-hooks/*.service";
      description = ''
        The ordering and dependencies of the package's units, as their
        files declare them ([Unit] after, before, wants, requires,
        bindsTo, conflicts; [Install] wantedBy, requiredBy), by unit name:
        hsos-agent-mount (before local-fs.target, wanted by it),
        hsos-agent (after hsos-agent-mount.service and network.target,
        wanted by multi-user.target), hsos-agent-net (bound to hsos-agent,
        wanted by nothing: the daemon starts it). NixOS reads the [Unit]
        lines from the package's file and ignores [Install]: the module
        gives a unit's WantedBy=/RequiredBy= to
        systemd.services.<unit>.wantedBy/requiredBy, and nothing else (set
        there, After= and the rest would be written a second time, into
        the unit's overrides.conf).
      '';
    };
  };

  config = mkIf cfg.enable (mkMerge [
    {
      assertions = [{
        assertion = cfg.fromHomestakerOS -> hasHomestakerOS;
        message = "services.hsos-agent.fromHomestakerOS needs HomestakerOS's module, which declares the homestakeros options.";
      }];

      services.hsos-agent.nodeJson = nodeJson;
      environment.etc."hsos/node.json".source = nodeJson;
      environment.systemPackages = [ cfg.package ];

      # The units of initrd-hooks/, as the package installs them, their
      # ordering in their files; enabled as their [Install] says, which
      # NixOS does not read (hsos-agent-net.service is wanted by nothing:
      # the daemon starts it).
      systemd.packages = [ cfg.package ];
      systemd.services = lib.mapAttrs (_: u: { inherit (u) wantedBy requiredBy; })
        (lib.filterAttrs (_: u: u.wantedBy != [ ] || u.requiredBy != [ ]) units);
    }
    {
      systemd.services.hsos-agent-mount = {
        path = [ pkgs.openssh ]; # ssh-keygen, for a missing host key
        # The disks are mounted once a boot; a switch leaves them be.
        restartIfChanged = false;
      };
      systemd.services.hsos-agent = {
        # ssh-keygen, journalctl (agent.journalDir), useradd (core, should the
        # module not have declared it).
        path = [ pkgs.openssh config.systemd.package pkgs.shadow ];
        # A new node.json is applied by a reload (SIGHUP): only the units it
        # changes are restarted.
        reloadTriggers = [ nodeJson ];
      };

      # The hsos group (the status socket) and the clients' users with the
      # fixed uids of initrd-hooks/hsos-agent.sysusers, which the data on
      # the persistent disks is owned by.
      users.groups = lib.genAttrs sysusers.groups (_: { })
        // lib.mapAttrs (_: user: { gid = user.uid; }) sysusers.users
        // { core = { }; };
      users.users = lib.mapAttrs
        (name: user: {
          isSystemUser = true;
          inherit (user) uid description;
          group = name;
        })
        sysusers.users // {
        # The operator's login, whose keys the agent installs.
        core = {
          isNormalUser = true;
          group = mkDefault "core";
          description = mkDefault "HomestakerOS operator";
          extraGroups = [ "hsos" ];
          openssh.authorizedKeys.keys = mkDefault authorizedKeys;
        };
      };

      # The agent sets the time zone from /usr/share/zoneinfo, which NixOS
      # keeps in /etc/zoneinfo; the image starts with node.json's anyway.
      systemd.tmpfiles.rules = [ "L /usr/share/zoneinfo - - - - /etc/zoneinfo" ];
      networking.hostName = mkDefault (cfg.settings.localization.hostname or "homestaker");
      time.timeZone = mkDefault (cfg.settings.localization.timezone or "UTC");
    }

    # NixOS's firewall in charge (its default), as on HomestakerOS: the
    # agent leaves its own nftables table out (agent.firewall.enable =
    # false, at a lower priority than any setting, so one given in settings
    # wins and keeps both firewalls, which then open the same ports), and
    # the ports it would open are NixOS's: the P2P ports of the clients the
    # agent runs and agent.firewall.allowTCP/allowUDP to everyone, their
    # APIs only on the WireGuard interface (lib/firewall.nix). ssh is
    # NixOS's own (services.openssh.openFirewall); as the agent never
    # closes it, it is opened here should openFirewall be off. The WireGuard
    # ListenPort is in vpn.wireguard.configFile, a secret on the node's
    # disk, not known here: a node WireGuard peers dial in to opens it in
    # networking.firewall.allowedUDPPorts. With NixOS's firewall off, the
    # agent's own firewall stays on.
    (mkIf config.networking.firewall.enable {
      services.hsos-agent.settings.agent.firewall.enable = lib.mkOverride 1200 false;
      networking.firewall = {
        allowedTCPPorts = firewall.tcp
          ++ lib.optionals (config.services.openssh.enable && !config.services.openssh.openFirewall) config.services.openssh.ports;
        allowedUDPPorts = firewall.udp;
        interfaces = mkIf (firewall.interface != null && firewall.interfaceTCP ++ firewall.interfaceUDP != [ ]) {
          ${firewall.interface} = { allowedTCPPorts = firewall.interfaceTCP; allowedUDPPorts = firewall.interfaceUDP; };
        };
      };
    })

    (mkIf cfg.fromHomestakerOS {
      # Each setting at the priority of a default, so that one given in
      # services.hsos-agent.settings wins over its homestakeros option.
      services.hsos-agent.settings = lib.mapAttrsRecursive (_: mkDefault) (hsos.nodeJson.fromHomestakeros config.homestakeros);
      systemd.suppressedSystemUnits = hsos.nodeJson.homestakerosUnits {
        inherit (config) homestakeros;
        inherit (utils) escapeSystemdPath;
        inherit (pkgs.stdenv.hostPlatform) system;
      };
      warnings = map (key: "services.hsos-agent: homestakeros.${key} has no place in node.json: the agent does not use it")
        (hsos.nodeJson.droppedKeys config.homestakeros);
    })
  ]);
}
