/* SPDX-License-Identifier: MIT */
#pragma once

/* What the agent knows of each client: its role, executable, system user,
 * runtime, default endpoint, and the ports it listens on besides its
 * endpoint. One table, read by validation, the plan and the renderer. */

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
} ClientInfo;

const ClientInfo *client_info(Client c);
const char *client_to_string(Client c);
Client client_from_string(const char *s);
const char *role_to_string(Role r);

const char *network_to_string(Network n);
Network network_from_string(const char *s);
uint64_t network_chain_id(Network n);

/* The client's port of that kind, NULL if it has none. */
const ClientPort *client_port(Client c, PortKind kind);

/* The default P2P port (the PORT_P2P entry), 0 if the client has none. */
uint16_t client_default_p2p_port(Client c);
