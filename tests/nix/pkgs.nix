# The `pkgs` nix/module.nix is evaluated with in tests/nix/eval.nix: the few
# nixpkgs functions and packages it (and nix/package.nix, through
# callPackage) uses, nothing built. A package is what nixpkgs' is to the
# module system: an attribute set of type "derivation" whose outPath is a
# store path (a string here: no .drv is written); its attributes are the
# ones the derivation was made with, as mkDerivation's result has them
# (writeText's `text`, runCommand's `buildCommand` and `passthru`).
# `clients` (attribute -> package) are the case's client packages.
{ lib, clients ? { } }:
let
  # A store path named NAME, its hash part made of SEED.
  storePath = name: seed: "${builtins.storeDir}/${builtins.substring 0 32 (builtins.hashString "sha256" "${name}:${seed}")}-${name}";

  derivation = name: seed: attrs:
    let self = attrs // { type = "derivation"; inherit name; outPath = storePath name seed; outputs = [ "out" ]; out = self; outputName = "out"; }; in
    self;

  package = pname: version: derivation "${pname}-${version}" "" { inherit pname version; meta = { }; };

  x86_64-linux = { system = "x86_64-linux"; canExecute = platform: platform.system == "x86_64-linux"; };

  pkgs = {
    inherit lib;

    writeText = name: text: derivation name text { inherit text; };

    # nixpkgs' runCommand: env is the derivation's attributes, passthru's
    # on the result.
    runCommand = name: env: buildCommand:
      derivation name buildCommand (removeAttrs env [ "passthru" ] // env.passthru or { } // { inherit buildCommand; });

    # nixpkgs' formats.json: its type (pkgs-lib/formats.nix), and generate.
    formats.json = { }: {
      type =
        let
          valueType = types.nullOr (types.oneOf [
            types.bool
            types.int
            types.float
            types.str
            types.path
            (types.attrsOf valueType)
            (types.listOf valueType)
          ]) // { description = "JSON value"; };
          types = lib.types;
        in
        valueType;
      generate = name: value: pkgs.writeText name (builtins.toJSON value);
    };

    callPackage = lib.callPackageWith pkgs;

    stdenv = {
      hostPlatform = x86_64-linux;
      buildPlatform = x86_64-linux;
      # The source (a lib.fileset, which would copy the tree into the store)
      # is left unevaluated.
      mkDerivation = attrs: derivation "${attrs.pname}-${attrs.version}" "" (removeAttrs attrs [ "src" ]);
    };

    openssh = package "openssh" "10.2p1";
    shadow = package "shadow" "4.18.0";
    systemd = package "systemd" "258.2";
    coreutils = package "coreutils" "9.8";
    pkg-config = package "pkg-config-wrapper" "0.29.2";
    cjson = package "cjson" "1.7.19";
    util-linux = package "util-linux" "2.41.2";
    libmnl = package "libmnl" "1.0.5";
    curl = package "curl" "8.17.0";
    libseccomp = package "libseccomp" "2.6.0";
    libmicrohttpd = package "libmicrohttpd" "1.0.2"; # fleet serve
    nftables = package "nftables" "1.1.5"; # libnftables, the firewall edge
  } // clients;
in
pkgs
