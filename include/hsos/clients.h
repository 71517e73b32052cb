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

typedef enum PortKind {
        PORT_P2P,       /* follows the client's "port" key */
        PORT_P2P_EXTRA, /* p2p + offset, moves with "port" */
        PORT_JSON_RPC,  /* follows "jsonRpcPort" */
        PORT_WS,        /* jsonRpcPort + offset */
        PORT_FIXED,
} PortKind;

typedef struct ClientPort {
        const char *what; /* "P2P", "JSON-RPC", "metrics", ... */
        PortKind kind;
        uint16_t port;    /* default, or the offset for the relative kinds */
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

/* The default P2P port (first PORT_P2P entry), 0 if the client has none. */
uint16_t client_default_p2p_port(Client c);
