# The inbound ports the agent's own firewall opens for a node.json
# (agent/core/firewall.c, docs/configuration.md "The firewall"), for
# NixOS's firewall when it is in charge instead (nix/module.nix): each
# planned client's P2P ports to everyone, after `port` and after an
# extraOptions word that moves one; its APIs (endpoint, JSON-RPC,
# WebSocket, gRPC, private API, metrics) only on the WireGuard interface;
# agent.firewall.allowTCP and allowUDP to everyone.
#
# Not here: ssh (NixOS's services.openssh opens its own ports; the module
# makes sure it does), and the WireGuard ListenPort, which lives in
# vpn.wireguard.configFile, a secret on the node's disk that evaluation
# cannot and must not read.
#
# The clients' ports, how node.json and extraOptions move them and how
# each client reads its options are the agent's own descriptions
# (agent/core/clients/<name>.c), as hsos-clients-json prints them into
# ./clients.json: make check-nix fails when the committed file differs from
# what the agent's program prints (make clients-json-update writes it anew).
# The rest, how a node.json's words become ports, is the agent's
# render_listen_ports done in Nix: tests/nix/check.sh compares what this
# gives, case by case, with the `firewall.open` of `hsos-agent plan --json`
# for the same node.json, so logic that drifts fails there.
{ lib }:
let
  inherit (builtins) bitAnd concatMap elem filter head length match split;

  tcp = 1;
  udp = 2;
  protosOf = l: (if elem "tcp" l then tcp else 0) + (if elem "udp" l then udp else 0);

  # Per client: its role, default endpoint (null: none of the node's ports),
  # ports (kind; how node.json moves it: move fixed, p2p = `port`,
  # p2pOffset = `port` + port, jsonRpc = `jsonRpcPort`, jsonRpcOffset =
  # `jsonRpcPort` + port; open to everyone when the agent binds it to all
  # addresses, else only on the WireGuard interface; protocols), how it reads
  # its options (a single dash as well as two, case and '_' ignored, a ':'
  # between option and value), and the options of the agent's that set a
  # port open to everyone (the option's spellings, the kind of the port, the
  # protocols its value moves).
  clients = lib.mapAttrs
    (_: c: {
      inherit (c) role endpoint syntax;
      ports = map (p: { inherit (p) kind move port; open = p.bind == "any"; protos = protosOf p.protos; }) c.ports;
      options = map (o: { inherit (o) names kind; protos = protosOf o.protos; }) c.options;
    })
    (builtins.fromJSON (builtins.readFile ./clients.json));

  # A key of node.json, null (HomestakerOS's unset nullOr) as absent.
  get = set: name: default: if builtins.isAttrs set && set ? ${name} && set.${name} != null then set.${name} else default;

  # A whole number 1-65535 written in decimal (render.c's parse_port_word),
  # else null.
  portNumber = s:
    if builtins.isString s && match "[0-9]{1,5}" s != null then
      let v = lib.toIntBase10 s; in if v >= 1 && v <= 65535 then v else null
    else null;

  # extraOptions' words, split as the agent splits them (cmdline.c, systemd's
  # rules: words between spaces, quotes and backslash escapes); an escape
  # other than a single character's is kept as written, so a port written
  # with one is no port here (and never opens anything).
  unquote = w:
    lib.concatStrings (map
      (part: if builtins.isList part then (
        let q = head part; in
        if lib.hasPrefix "\\" q then lib.substring 1 1 q
        else lib.replaceStrings [ "\\\\" "\\\"" "\\'" ] [ "\\" "\"" "'" ] (lib.substring 1 (lib.stringLength q - 2) q))
      else part)
      (split "(\\\\.|\"([^\"\\\\]|\\\\.)*\"|'([^'\\\\]|\\\\.)*')" w));
  words = opts:
    concatMap (opt: map (w: if w == "\\;" then ";" else unquote w)
      (map head (filter builtins.isList
        (split "(([^ \"'\\\\]|\\\\.|\"([^\"\\\\]|\\\\.)*\"|'([^'\\\\]|\\\\.)*')+)" opt))))
      opts;

  # The option part of a word ("port" of "--port=30313"), by the client's
  # syntax, and what follows it ("=30313"), or null if the word is no option.
  optionOf = s: w:
    let
      body = if lib.hasPrefix "--" w then lib.removePrefix "--" w
        else if s.singleDash && lib.hasPrefix "-" w then lib.removePrefix "-" w
        else null;
      parts = match (if s.colonValue then "([^=:]*)([=:].*)?" else "([^=]*)(=.*)?") body;
    in
    if body == null then null else { name = head parts; rest = lib.elemAt parts 1; };
  normal = s: name:
    let n = if s.ignoreUnderscore then lib.replaceStrings [ "_" ] [ "" ] name else name; in
    if s.ignoreCase then lib.toLower n else n;

  # The value the first word (before a "--") setting one of names gives, as
  # render.c's user_sets and user_value: after '=' (or ':'), else the next
  # word unless an option. { value } when a word sets it, else null.
  userSets = s: ws: names:
    let
      before = lib.take (lib.lists.findFirstIndex (w: w == "--") (length ws) ws) ws;
      wanted = map (normal s) names;
      index = lib.lists.findFirstIndex (w: let o = optionOf s w; in o != null && elem (normal s o.name) wanted) null before;
      o = optionOf s (lib.elemAt ws index);
      next = if index + 1 < length ws then lib.elemAt ws (index + 1) else null;
    in
    if index == null then null
    else if o.rest != null then { value = lib.substring 1 (lib.stringLength o.rest) o.rest; }
    else { value = if next != null && !lib.hasPrefix "-" next then next else null; };

  # A client's listening ports, as render_listen_ports: its P2P port first
  # (a port the agent does not pass follows the user's P2P port as the
  # client does), then the others; [ { port, protos, open } ].
  listenPorts = name: cc:
    let
      info = clients.${name};
      ws = words (get cc "extraOptions" [ ]);
      defaultP2p = (lib.findFirst (p: p.kind == "p2p") { port = 0; } info.ports).port;
      p2pPort = get cc "port" defaultP2p;
      jsonRpcPort = get cc "jsonRpcPort" 8545;
      value = cp: {
        fixed = cp.port;
        p2p = p2pPort;
        p2pOffset = p2pPort + cp.port;
        jsonRpc = jsonRpcPort;
        jsonRpcOffset = jsonRpcPort + cp.port;
      }.${cp.move};
      step = acc: cp:
        let
          opts = filter (po: po.kind == cp.kind) info.options;
          set = lib.foldl'
            (a: po:
              let u = userSets info.syntax ws po.names; p = if u == null then null else portNumber u.value; in
              if u == null then a
              # Validation refuses a word that makes no port: nothing opens.
              else if p == null then a // { left = bitAnd a.left (3 - po.protos); }
              else a // {
                ports = a.ports ++ [{ port = p; protos = bitAnd po.protos cp.protos; inherit (cp) open; }];
                left = bitAnd a.left (3 - po.protos);
                userP2p = if cp.kind == "p2p" && bitAnd po.protos tcp != 0 then p else a.userP2p;
              })
            { ports = [ ]; left = cp.protos; inherit (acc) userP2p; }
            opts;
          v = if opts == [ ] && set.userP2p != 0 && cp.move == "p2pOffset" then set.userP2p + cp.port else value cp;
        in
        {
          inherit (set) userP2p;
          ports = acc.ports ++ set.ports
            ++ lib.optional (set.left != 0 && v >= 1 && v <= 65535) { port = v; protos = set.left; inherit (cp) open; };
        };
      ordered = filter (cp: cp.kind == "p2p") info.ports ++ filter (cp: cp.kind != "p2p") info.ports;
    in
    (lib.foldl' step { ports = [ ]; userP2p = 0; } ordered).ports;

  # The port of an endpoint, http(s)://[user@]host:port[/...].
  endpointPort = url:
    let m = if builtins.isString url then match "https?://([^/?#]*@)?(\\[[^]/]*]|[^:/?#@]*):([0-9]+)([/?#].*)?" url else null; in
    if m == null then null else portNumber (lib.elemAt m 2);

  section = settings: name:
    let role = clients.${name}.role; in
    if role == "addon" then get (get settings "addons" { }) name { } else get (get settings role { }) name { };

  stripSlashes = p: let m = match "(.*[^/])/*" p; in if m == null then p else head m;
  under = path: dir: let d = stripSlashes dir; in d == "/" || path == d || lib.hasPrefix "${d}/" path;

  # agent/core/config-rules.c's fstype_is_volatile.
  volatile = [
    "tmpfs" "ramfs" "rootfs" "overlay" "squashfs" "devtmpfs" "proc" "sysfs" "cgroup" "cgroup2" "devpts" "mqueue"
    "hugetlbfs" "debugfs" "tracefs" "securityfs" "pstore" "bpf" "configfs" "fusectl" "efivarfs" "autofs"
    "binfmt_misc" "nsfs" "zram"
  ];

  # The clients the plan runs: the ones enabled, and ssv-node, which has no
  # enable of its own, beside an execution and a consensus client when its
  # dataDir is under an enabled mount that persists (config_ssv_enabled).
  planned = settings:
    let
      enabled = name: get (section settings name) "enable" false == true;
      of = role: filter (name: clients.${name}.role == role && enabled name) (lib.attrNames clients);
      mounts = filter (m: get m "enable" false == true && get m "where" null != null)
        (lib.attrValues (get settings "mounts" { }));
      ssvDir = get (section settings "ssv-node") "dataDir" "/mnt/addons/ssv";
      holding = lib.foldl' (best: m: if under ssvDir m.where && (best == null || lib.stringLength m.where > lib.stringLength best.where) then m else best) null mounts;
      ssv = of "execution" != [ ] && of "consensus" != [ ] && holding != null && !elem (get holding "type" "auto") volatile;
    in
    of "execution" ++ of "consensus" ++ lib.optional (enabled "mev-boost") "mev-boost" ++ lib.optional ssv "ssv-node";

  # The WireGuard interface when the node runs WireGuard: the config file's
  # base name up to its first '.', as the agent names it.
  wireguardInterface = settings:
    let
      wg = get (get settings "vpn" { }) "wireguard" { };
      name = head (lib.splitString "." (baseNameOf (toString (get wg "configFile" "/mnt/secrets/wg0.conf"))));
    in
    if get wg "enable" false == true && match "[A-Za-z0-9_-]{1,15}" name != null then name else null;
in
{
  inherit clients;

  # node.json (paths as strings) -> { tcp, udp (open to everyone), interface
  # (the WireGuard interface, or null), interfaceTCP, interfaceUDP (only on
  # it; without WireGuard, the APIs are reached from loopback alone, which
  # NixOS's firewall accepts whole) }, each list sorted, without repeats.
  ports = settings:
    let
      all = concatMap
        (name:
          let
            cc = section settings name;
            api = if clients.${name}.endpoint == null then null else endpointPort (get cc "endpoint" clients.${name}.endpoint);
          in
          lib.optional (api != null) { port = api; protos = tcp; open = false; } ++ listenPorts name cc)
        (planned settings);
      fw = get (get settings "agent" { }) "firewall" { };
      pick = open: proto: lib.unique (lib.sort lib.lessThan
        (map (p: p.port) (filter (p: p.open == open && bitAnd p.protos proto != 0) all)));
      interface = wireguardInterface settings;
    in
    {
      tcp = lib.unique (lib.sort lib.lessThan (pick true tcp ++ get fw "allowTCP" [ ]));
      udp = lib.unique (lib.sort lib.lessThan (pick true udp ++ get fw "allowUDP" [ ]));
      inherit interface;
      interfaceTCP = if interface == null then [ ] else pick false tcp;
      interfaceUDP = if interface == null then [ ] else pick false udp;
    };
}
