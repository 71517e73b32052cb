# The NixOS options nix/module.nix (and initrd-hooks/nixos-stage1.nix, and
# the examples of nix/example/) set or read, declared as NixOS declares them
# (nixos/modules/: system/boot/systemd.nix, config/users-groups.nix,
# system/etc/etc.nix, ...) with the real lib.types, since nixos/modules is
# not here. Only these options exist: a module that sets another one, or one
# of these with a value of the wrong type, fails the evaluation as it would
# on NixOS. What NixOS does with them (the units, the passwd files, /etc) is
# not here: tests/nix/check.sh reads the evaluated config.
#
# The submodules are closed, as NixOS's are: systemd.services.<name> has the
# options NixOS's unit options have that a unit of this tree uses (a
# misspelt one fails); users.users.<name> checks what
# config/users-groups.nix asserts (exactly one of isSystemUser and
# isNormalUser, a group), and that the group is declared (the activation's
# update-users-groups.pl fails on an undeclared one).
{ config, lib, pkgs, utils, ... }:
let
  inherit (lib) mkOption types;

  unitOption = types.oneOf [ types.str types.bool types.int types.path (types.listOf (types.oneOf [ types.str types.bool types.int types.path ])) ];
  unitNames = mkOption { type = types.listOf types.str; default = [ ]; };

  # systemd.services.<name> and boot.initrd.systemd.services.<name>
  # (nixos/lib/systemd-unit-options.nix).
  service = types.submodule ({ name, ... }: {
    options = {
      enable = mkOption { type = types.bool; default = true; };
      description = mkOption { type = types.singleLineStr; default = ""; };
      documentation = mkOption { type = types.listOf types.str; default = [ ]; };
      wantedBy = unitNames;
      requiredBy = unitNames;
      wants = unitNames;
      requires = unitNames;
      after = unitNames;
      before = unitNames;
      unitConfig = mkOption { type = types.attrsOf unitOption; default = { }; };
      serviceConfig = mkOption { type = types.attrsOf unitOption; default = { }; };
      environment = mkOption { type = types.attrsOf (types.nullOr (types.oneOf [ types.str types.path types.package ])); default = { }; };
      path = mkOption { type = types.listOf (types.oneOf [ types.package types.str ]); default = [ ]; };
      script = mkOption { type = types.lines; default = ""; };
      restartIfChanged = mkOption { type = types.bool; default = true; };
      reloadIfChanged = mkOption { type = types.bool; default = false; };
      stopIfChanged = mkOption { type = types.bool; default = true; };
      restartTriggers = mkOption { type = types.listOf types.unspecified; default = [ ]; };
      reloadTriggers = mkOption { type = types.listOf unitOption; default = [ ]; };
    };
  });

  # systemd.mounts's entries (nixos/lib/systemd-unit-options.nix, mountOptions):
  # a mount unit, named after its `where`.
  mount = types.submodule {
    options = {
      enable = mkOption { type = types.bool; default = true; };
      description = mkOption { type = types.singleLineStr; default = ""; };
      what = mkOption { type = types.str; };
      where = mkOption { type = types.str; };
      type = mkOption { type = types.str; default = ""; };
      options = mkOption { type = types.commas; default = ""; };
      wantedBy = unitNames;
      requiredBy = unitNames;
      wants = unitNames;
      requires = unitNames;
      after = unitNames;
      before = unitNames;
      unitConfig = mkOption { type = types.attrsOf unitOption; default = { }; };
      mountConfig = mkOption { type = types.attrsOf unitOption; default = { }; };
    };
  };

  # environment.etc.<name> and boot.initrd.systemd.contents.<name>
  # (system/etc/etc.nix): text, when given, becomes source, a store file.
  etcFile = types.submodule ({ name, config, ... }: {
    options = {
      enable = mkOption { type = types.bool; default = true; };
      target = mkOption { type = types.str; default = name; };
      text = mkOption { type = types.nullOr types.lines; default = null; };
      source = mkOption { type = types.path; };
      mode = mkOption { type = types.str; default = "symlink"; };
    };
    config.source = lib.mkIf (config.text != null) (lib.mkDefault (pkgs.writeText (baseNameOf name) config.text));
  });

  # boot.initrd.supportedFilesystems (tasks/filesystems.nix): a list is
  # turned into { fs = true; }.
  fsSet = types.coercedTo (types.listOf types.str) (names: lib.genAttrs names (_: true)) (types.attrsOf types.bool);

  user = types.submodule ({ name, ... }: {
    options = {
      name = mkOption { type = types.passwdEntry types.str; default = name; };
      uid = mkOption { type = types.nullOr types.int; default = null; };
      group = mkOption { type = types.str; default = ""; };
      extraGroups = mkOption { type = types.listOf types.str; default = [ ]; };
      description = mkOption { type = types.passwdEntry types.str; default = ""; };
      isSystemUser = mkOption { type = types.bool; default = false; };
      isNormalUser = mkOption { type = types.bool; default = false; };
      home = mkOption { type = types.passwdEntry types.path; default = "/var/empty"; };
      createHome = mkOption { type = types.bool; default = false; };
      openssh.authorizedKeys.keys = mkOption { type = types.listOf types.singleLineStr; default = [ ]; };
    };
  });

  group = types.submodule ({ name, ... }: {
    options = {
      name = mkOption { type = types.passwdEntry types.str; default = name; };
      gid = mkOption { type = types.nullOr types.int; default = null; };
      members = mkOption { type = types.listOf (types.passwdEntry types.str); default = [ ]; };
    };
  });

  # services.openssh.settings is freeform (services/networking/ssh/sshd.nix).
  sshdSettings = types.submodule {
    freeformType = types.attrsOf (types.nullOr (types.oneOf [ types.bool types.int types.str (types.listOf types.str) ]));
    options = {
      PasswordAuthentication = mkOption { type = types.bool; default = true; };
      KbdInteractiveAuthentication = mkOption { type = types.bool; default = true; };
    };
  };
in
{
  options = {
    assertions = mkOption { type = types.listOf types.unspecified; default = [ ]; internal = true; };
    warnings = mkOption { type = types.listOf types.str; default = [ ]; internal = true; };

    environment.etc = mkOption { type = types.attrsOf etcFile; default = { }; };
    environment.systemPackages = mkOption { type = types.listOf types.package; default = [ ]; };

    systemd.package = mkOption { type = types.package; default = pkgs.systemd; };
    systemd.packages = mkOption { type = types.listOf types.package; default = [ ]; };
    systemd.services = mkOption { type = types.attrsOf service; default = { }; };
    systemd.mounts = mkOption { type = types.listOf mount; default = [ ]; };
    systemd.suppressedSystemUnits = mkOption { type = types.listOf types.str; default = [ ]; };
    # The units NixOS writes, by the name systemd knows them by
    # (system/boot/systemd.nix: systemd.units, made of systemd.services,
    # systemd.mounts, ...): here only what the two make, each its
    # submodule's value, and none defined directly.
    systemd.units = mkOption { type = types.attrsOf types.unspecified; internal = true; readOnly = true; };
    # Not an option of NixOS: the `enabledUnits` of system/boot/systemd.nix
    # (filterAttrs (n: v: ! elem n cfg.suppressedSystemUnits) cfg.units),
    # which generateUnits writes to /etc/systemd/system: a unit whose enable
    # is true as its file (its wantedBy as links), one whose enable is false
    # as a link to /dev/null (nixos/lib/systemd-lib.nix, makeUnit), which
    # masks a unit of that name anywhere else (the agent's in /run). A
    # suppressed unit is in neither form.
    systemd.enabledUnits = mkOption { type = types.attrsOf types.unspecified; internal = true; readOnly = true; };
    systemd.tmpfiles.rules = mkOption { type = types.listOf types.str; default = [ ]; };

    users.users = mkOption { type = types.attrsOf user; default = { }; };
    users.groups = mkOption { type = types.attrsOf group; default = { }; };

    boot.initrd.systemd.enable = mkOption { type = types.bool; default = false; };
    boot.initrd.systemd.storePaths = mkOption { type = types.listOf (types.oneOf [ types.singleLineStr types.package ]); default = [ ]; };
    boot.initrd.systemd.contents = mkOption { type = types.attrsOf etcFile; default = { }; };
    boot.initrd.systemd.services = mkOption { type = types.attrsOf service; default = { }; };
    boot.initrd.supportedFilesystems = mkOption { type = fsSet; default = { }; };
    boot.initrd.availableKernelModules = mkOption { type = types.listOf types.str; default = [ ]; };
    boot.kernelModules = mkOption { type = types.listOf types.str; default = [ ]; };
    boot.kernelParams = mkOption { type = types.listOf (types.strMatching ''([^"[:space:]]|"[^"]*")+''); default = [ ]; };

    # networking.hostName as NixOS types it (tasks/network-interfaces.nix).
    networking.hostName = mkOption { type = types.strMatching "^$|^[[:alnum:]]([[:alnum:]_-]{0,61}[[:alnum:]])?$"; default = "nixos"; };
    networking.useDHCP = mkOption { type = types.bool; default = true; };
    # networking.firewall (services/networking/firewall.nix): on by default;
    # the ports open to everyone, and per interface (a submodule of the same
    # two lists).
    networking.firewall.enable = mkOption { type = types.bool; default = true; };
    networking.firewall.allowedTCPPorts = mkOption { type = types.listOf types.port; default = [ ]; };
    networking.firewall.allowedUDPPorts = mkOption { type = types.listOf types.port; default = [ ]; };
    networking.firewall.interfaces = mkOption {
      type = types.attrsOf (types.submodule {
        options = {
          allowedTCPPorts = mkOption { type = types.listOf types.port; default = [ ]; };
          allowedUDPPorts = mkOption { type = types.listOf types.port; default = [ ]; };
        };
      });
      default = { };
    };

    services.openssh.enable = mkOption { type = types.bool; default = false; };
    # sshd's ports, which it opens in NixOS's firewall itself when
    # openFirewall (services/networking/ssh/sshd.nix).
    services.openssh.ports = mkOption { type = types.listOf types.port; default = [ 22 ]; };
    services.openssh.openFirewall = mkOption { type = types.bool; default = true; };
    services.openssh.hostKeys = mkOption { type = types.listOf types.attrs; default = [ ]; };
    services.openssh.settings = mkOption { type = sshdSettings; default = { }; };

    # Time synchronisation (system/boot/timesyncd.nix): on unless the system
    # is a container (virtualisation/nixos-containers.nix). HomestakerOS's
    # images keep it on: a validator with a wrong clock misses its duties.
    services.timesyncd.enable = mkOption { type = types.bool; default = !config.boot.isContainer; };
    boot.isContainer = mkOption { type = types.bool; default = config.boot.isNspawnContainer; };
    boot.isNspawnContainer = mkOption { type = types.bool; default = false; };

    # time.timeZone (config/locale.nix): no spaces.
    time.timeZone = mkOption { type = types.nullOr (types.addCheck types.str (s: builtins.match "[^[:space:]]*" s != null)); default = null; };

    system.stateVersion = mkOption { type = types.str; };
  };

  # What timesyncd.nix makes of services.timesyncd.enable: its unit, wanted
  # by sysinit.target.
  config.systemd.services = lib.mkIf config.services.timesyncd.enable {
    systemd-timesyncd.wantedBy = [ "sysinit.target" ];
  };

  config.systemd.units = lib.mapAttrs' (name: s: lib.nameValuePair "${name}.service" s) config.systemd.services
    // lib.listToAttrs (map (m: lib.nameValuePair "${utils.escapeSystemdPath m.where}.mount" m) config.systemd.mounts);
  config.systemd.enabledUnits = lib.filterAttrs (n: v: ! lib.elem n config.systemd.suppressedSystemUnits) config.systemd.units;

  config.assertions = lib.flatten (lib.mapAttrsToList
    (name: user: [
      {
        assertion = user.isSystemUser != user.isNormalUser;
        message = "Exactly one of users.users.${name}.isSystemUser and users.users.${name}.isNormalUser must be set.";
      }
      {
        assertion = user.group != "";
        message = "users.users.${name}.group is unset.";
      }
      {
        assertion = user.group == "" || config.users.groups ? ${user.group};
        message = "users.users.${name}.group: group ${user.group} is not declared.";
      }
    ])
    config.users.users);
}
