# A stand-in for the few functions of nixpkgs' `lib` that nix/lib/*.nix use,
# each written to behave as nixpkgs' does (lib/attrsets.nix, lib/lists.nix),
# so that the module's pure parts are evaluated here, where there is no
# nixpkgs. A function the pure parts start to use and this file lacks fails
# the check, by name.
{
  mapAttrs = builtins.mapAttrs;

  filterAttrs = pred: set:
    builtins.listToAttrs (builtins.concatMap
      (name: let v = set.${name}; in if pred name v then [{ inherit name; value = v; }] else [ ])
      (builtins.attrNames set));

  mapAttrsToList = f: attrs: map (name: f name attrs.${name}) (builtins.attrNames attrs);

  attrByPath = attrPath: default: set:
    let
      go = path: s:
        if path == [ ] then s
        else if builtins.isAttrs s && s ? ${builtins.head path} then go (builtins.tail path) s.${builtins.head path}
        else default;
    in
    go attrPath set;

  optional = cond: elem: if cond then [ elem ] else [ ];

  # lib.getBin: the "bin" output where there is one, else "out".
  getBin = pkg:
    if !(pkg ? outputSpecified) || !pkg.outputSpecified
    then pkg.bin or pkg.out or pkg
    else pkg;
}
