/* SPDX-License-Identifier: MIT */
#pragma once

/* What the agent knows of each client, described once, in its own file
 * (agent/core/clients/<name>.c): its role, executable, system user, runtime,
 * default endpoint, the ports it listens on besides its endpoint, where its
 * settings lie in node.json, its documentation, how it reads its options,
 * which of them move a port open to the world, and the function writing its
 * command line. Validation, the plan, the renderer, the firewall and the Nix
 * module's port table (nix/lib/clients.json, made by hsos-clients-json) all
 * read these descriptions; no other table is indexed by Client. */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef enum Role {
        ROLE_EXECUTION,
        ROLE_CONSENSUS,
        ROLE_ADDON,
        ROLE_VPN,
        _ROLE_MAX,
        _ROLE_INVALID = -EINVAL,
} Role;

typedef enum Client {
        CLIENT_GETH,
        CLIENT_NETHERMIND,
        CLIENT_BESU,
        CLIENT_ERIGON,
        CLIENT_RETH,
        CLIENT_LIGHTHOUSE,
        CLIENT_PRYSM,
        CLIENT_TEKU,
        CLIENT_NIMBUS,
        CLIENT_LODESTAR,
        CLIENT_MEV_BOOST,
        CLIENT_SSV_NODE,
        CLIENT_WIREGUARD,
        _CLIENT_MAX,
        _CLIENT_INVALID = -EINVAL,
} Client;

typedef enum Network {
        NETWORK_MAINNET,
        NETWORK_HOODI,
        NETWORK_HOLESKY,
        NETWORK_SEPOLIA,
        _NETWORK_MAX,
        _NETWORK_INVALID = -EINVAL,
} Network;

/* A port a client opens whatever its endpoint says. */
typedef enum PortBind {
        BIND_ANY,      /* all addresses (P2P) */
        BIND_ENDPOINT, /* the host of the client's own endpoint */
        BIND_LOOPBACK, /* 127.0.0.1 (metrics, private APIs) */
} PortBind;

enum {
        PROTO_TCP = 1 << 0,
        PROTO_UDP = 1 << 1,
};

/* What a port is for. The renderer asks for a client's port by its kind,
 * and a client has at most one port of each kind. */
typedef enum PortKind {
        PORT_P2P,           /* devp2p or libp2p over TCP (and UDP discovery where it shares the port) */
        PORT_P2P_SECOND,    /* erigon: the sentry of its second eth protocol */
        PORT_DISCOVERY,     /* UDP discovery on a port of its own */
        PORT_DISCOVERY_V5,  /* reth: discv5 */
        PORT_QUIC,          /* libp2p over QUIC (UDP) */
        PORT_TORRENT,
        PORT_JSON_RPC,
        PORT_WS,            /* a WebSocket port of its own */
        PORT_PRIVATE_API,
        PORT_GRPC,
        PORT_METRICS,
        _PORT_KIND_MAX,
        _PORT_KIND_INVALID = -EINVAL,
} PortKind;

/* Which config key moves a port. */
typedef enum PortMove {
        MOVE_FIXED,
        MOVE_P2P,             /* the client's "port" key */
        MOVE_P2P_OFFSET,      /* "port" + offset */
        MOVE_JSON_RPC,        /* "jsonRpcPort" */
        MOVE_JSON_RPC_OFFSET, /* "jsonRpcPort" + offset */
} PortMove;

typedef struct ClientPort {
        PortKind kind;
        const char *what; /* how an error names it: "P2P", "JSON-RPC and WebSocket", ... */
        PortMove move;
        uint16_t port;    /* default, or the offset for the relative moves */
        PortBind bind;
        unsigned protos;
} ClientPort;

#define CLIENT_PORTS_MAX 6

/* An option the agent writes, by the names the client's contract gives it
 * (tests/fixtures/clients/<client>.json): its canonical name, then the other
 * spellings the client reads as that option, without dashes; a name "-x" is
 * a short option, written with one dash only. Also named: the options the
 * client refuses beside it (one network switch beside another, clap's
 * conflicts_with), which replace it as well. NULL-terminated. */
typedef struct OptionNames {
        const char *names[6]; /* NULL-terminated: at most 5 */;
} OptionNames;

/* How a client reads its options (the "syntax" of its contract), to find the
 * agent's among extraOptions, and the agent's options by their names. */
typedef struct ClientOptions {
        const OptionNames *options;
        size_t n_options;
        bool single_dash;       /* Go's flag package: -name is --name */
        bool ignore_case;       /* names match whatever their case */
        bool ignore_underscore; /* ... and whatever their '_' (Nim's cmpIgnoreStyle) */
        bool colon_value;       /* --name:value as well as --name=value */
        bool short_attached;    /* -dVALUE: a one-letter option with its value attached */
} ClientOptions;

/* An option of the agent's that sets a port open to the world: its
 * canonical name (its other spellings are those of its OptionNames entry),
 * the kind of the port, and the protocols the option's value moves. */
typedef struct ClientPortOption {
        const char *name;
        PortKind kind;
        unsigned protos;
} ClientPortOption;

/* The writer of a unit's command line (agent/core/render.c); a client's
 * argument builder writes its words through it (agent/core/clients/client.h). */
typedef struct Cmd Cmd;
struct Config;
typedef void (*ClientArgsFunc)(Cmd *c, const struct Config *cfg, Client client);

typedef struct ClientInfo {
        const char *name;        /* config key, unit and user name */
        Role role;
        const char *executable;  /* looked up on PATH unless agent.packages names one */
        const char *subcommand;  /* first argument, or NULL */
        uid_t uid;               /* fixed system user and group id */
        bool wx_memory;          /* needs writable+executable memory (JIT runtimes, and
                                  * what fails under MemoryDenyWriteExecute= in practice) */
        const char *syscalls_extra; /* beyond @system-service, or NULL */
        unsigned timeout_stop_sec;
        const char *default_endpoint;
        ClientPort ports[CLIENT_PORTS_MAX];
        size_t n_ports;
        const char *config_path; /* its settings in node.json: "execution.geth" */
        const char *title;       /* its unit's Description=, before its name */
        const char *doc;         /* its unit's Documentation= */
        int restart_prevent_exit_status; /* an exit status not to restart after, or 0 */
        const char *no_holesky;  /* why its releases cannot run on holesky (retired in
                                  * 2025), or NULL: node.json is refused with it */
        ClientOptions options;
        const ClientPortOption *port_options;
        size_t n_port_options;
        ClientArgsFunc args;     /* NULL for wireguard, whose unit is wg-quick's own */
} ClientInfo;

const ClientInfo *client_info(Client c);
const char *client_to_string(Client c);
Client client_from_string(const char *s);
const char *role_to_string(Role r);

/* The names of the clients of a role, in Client order, NULL-terminated: the
 * keys node.json's section of that role knows. */
void client_names_of_role(Role role, const char *ret[static _CLIENT_MAX + 1]);

const char *network_to_string(Network n);
Network network_from_string(const char *s);
uint64_t network_chain_id(Network n);

/* The client's port of that kind, NULL if it has none. */
const ClientPort *client_port(Client c, PortKind kind);

/* The spellings of the client's option of that (canonical) name, by its
 * option table, NULL-terminated; NULL when it has no such option. */
const char * const *client_option_names(Client client, const char *name);

/* The default P2P port (the PORT_P2P entry), 0 if the client has none. */
uint16_t client_default_p2p_port(Client c);

/* The descriptions' facts the Nix module needs to open the same ports in
 * NixOS's firewall (nix/lib/firewall.nix): per client its role, default
 * endpoint, ports (kind, move, port, bind, protos), option syntax, and the
 * options that move a port open to the world, with all their spellings. A
 * JSON text (agent/core/clients-json.c); printed by hsos-clients-json into
 * nix/lib/clients.json. */
int clients_json(char **ret);
