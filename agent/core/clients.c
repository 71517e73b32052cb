/* SPDX-License-Identifier: MIT */
#include "hsos/clients.h"
#include "hsos/util.h"

/* wx_memory: the JIT runtimes (teku and besu on the JVM, nethermind on .NET,
 * lodestar on Node.js) need writable and executable memory; prysm and nimbus
 * fail to load under MemoryDenyWriteExecute= in practice (nix-community's
 * ethereum.nix turns it off for both). */

/* Ports: the spec's table of ports (docs/configuration.md), which follows
 * HomestakerOS's module, plus what each client opens by its own documentation
 * with the flags the renderer passes (metrics, QUIC, private APIs). The
 * renderer asks for each port by its kind and passes it explicitly; asking a
 * client for a kind it has no entry of fails the unit's rendering, so the
 * table and the units cannot drift apart. A client has one entry of a kind.
 * prysm (prysm.offchainlabs.com/docs/reference/ports): libp2p on TCP 13000
 * (--p2p-tcp-port), QUIC on UDP 13000 (--p2p-quic-port), discv5 on UDP 12000
 * (--p2p-udp-port). */
static const ClientInfo client_table[_CLIENT_MAX] = {
        [CLIENT_GETH] = {
                .name = "geth", .role = ROLE_EXECUTION, .executable = "geth",
                .uid = 801, .timeout_stop_sec = 600,
                .default_endpoint = "http://127.0.0.1:8551",
                .ports = {
                        { PORT_P2P, "P2P", MOVE_P2P, 30303, BIND_ANY, PROTO_TCP | PROTO_UDP },
                        { PORT_JSON_RPC, "JSON-RPC and WebSocket", MOVE_JSON_RPC, 8545, BIND_ENDPOINT, PROTO_TCP },
                        { PORT_METRICS, "metrics", MOVE_FIXED, 6060, BIND_LOOPBACK, PROTO_TCP },
                },
                .n_ports = 3,
        },
        [CLIENT_NETHERMIND] = {
                .name = "nethermind", .role = ROLE_EXECUTION, .executable = "nethermind",
                .uid = 802, .wx_memory = true, .timeout_stop_sec = 600,
                .default_endpoint = "http://127.0.0.1:8551",
                .ports = {
                        { PORT_P2P, "P2P", MOVE_P2P, 30303, BIND_ANY, PROTO_TCP | PROTO_UDP },
                        { PORT_JSON_RPC, "JSON-RPC and WebSocket", MOVE_JSON_RPC, 8545, BIND_ENDPOINT, PROTO_TCP },
                        { PORT_METRICS, "metrics", MOVE_FIXED, 9091, BIND_LOOPBACK, PROTO_TCP },
                },
                .n_ports = 3,
        },
        [CLIENT_BESU] = {
                .name = "besu", .role = ROLE_EXECUTION, .executable = "besu",
                .uid = 803, .wx_memory = true, .timeout_stop_sec = 600,
                .default_endpoint = "http://127.0.0.1:8551",
                .ports = {
                        { PORT_P2P, "P2P", MOVE_P2P, 30303, BIND_ANY, PROTO_TCP | PROTO_UDP },
                        { PORT_JSON_RPC, "JSON-RPC", MOVE_JSON_RPC, 8545, BIND_ENDPOINT, PROTO_TCP },
                        { PORT_WS, "WebSocket", MOVE_JSON_RPC_OFFSET, 1, BIND_ENDPOINT, PROTO_TCP },
                        { PORT_METRICS, "metrics", MOVE_FIXED, 9545, BIND_LOOPBACK, PROTO_TCP },
                },
                .n_ports = 4,
        },
        [CLIENT_ERIGON] = {
                .name = "erigon", .role = ROLE_EXECUTION, .executable = "erigon",
                .uid = 804, .syscalls_extra = "mincore @chown", .timeout_stop_sec = 600,
                .default_endpoint = "http://127.0.0.1:8551",
                .ports = {
                        { PORT_P2P, "P2P", MOVE_P2P, 30303, BIND_ANY, PROTO_TCP | PROTO_UDP },
                        { PORT_P2P_SECOND, "P2P", MOVE_P2P_OFFSET, 1, BIND_ANY, PROTO_TCP | PROTO_UDP },
                        { PORT_JSON_RPC, "JSON-RPC and WebSocket", MOVE_JSON_RPC, 8545, BIND_ENDPOINT, PROTO_TCP },
                        { PORT_TORRENT, "torrent", MOVE_FIXED, 42069, BIND_ANY, PROTO_TCP | PROTO_UDP },
                        { PORT_PRIVATE_API, "private API", MOVE_FIXED, 9090, BIND_LOOPBACK, PROTO_TCP },
                        { PORT_METRICS, "metrics", MOVE_FIXED, 6061, BIND_LOOPBACK, PROTO_TCP },
                },
                .n_ports = 6,
        },
        [CLIENT_RETH] = {
                .name = "reth", .role = ROLE_EXECUTION, .executable = "reth",
                .subcommand = "node", .uid = 805, .syscalls_extra = "mincore", .timeout_stop_sec = 600,
                .default_endpoint = "http://127.0.0.1:8551",
                .ports = {
                        { PORT_P2P, "P2P", MOVE_P2P, 30303, BIND_ANY, PROTO_TCP | PROTO_UDP },
                        { PORT_JSON_RPC, "JSON-RPC", MOVE_JSON_RPC, 8545, BIND_ENDPOINT, PROTO_TCP },
                        { PORT_WS, "WebSocket", MOVE_JSON_RPC_OFFSET, 1, BIND_ENDPOINT, PROTO_TCP },
                        { PORT_DISCOVERY_V5, "discovery v5", MOVE_FIXED, 9200, BIND_ANY, PROTO_UDP },
                        { PORT_METRICS, "metrics", MOVE_FIXED, 9001, BIND_LOOPBACK, PROTO_TCP },
                },
                .n_ports = 5,
        },
        [CLIENT_LIGHTHOUSE] = {
                .name = "lighthouse", .role = ROLE_CONSENSUS, .executable = "lighthouse",
                .subcommand = "bn", .uid = 811, .timeout_stop_sec = 180,
                .default_endpoint = "http://127.0.0.1:5052",
                .ports = {
                        { PORT_P2P, "P2P", MOVE_P2P, 9000, BIND_ANY, PROTO_TCP | PROTO_UDP },
                        { PORT_QUIC, "QUIC", MOVE_P2P_OFFSET, 1, BIND_ANY, PROTO_UDP },
                        { PORT_METRICS, "metrics", MOVE_FIXED, 5054, BIND_LOOPBACK, PROTO_TCP },
                },
                .n_ports = 3,
        },
        [CLIENT_PRYSM] = {
                .name = "prysm", .role = ROLE_CONSENSUS, .executable = "beacon-chain",
                .uid = 812, .wx_memory = true, .timeout_stop_sec = 180,
                .default_endpoint = "http://127.0.0.1:3500",
                .ports = {
                        { PORT_P2P, "P2P", MOVE_P2P, 13000, BIND_ANY, PROTO_TCP },
                        { PORT_QUIC, "QUIC", MOVE_P2P_OFFSET, 0, BIND_ANY, PROTO_UDP },
                        { PORT_DISCOVERY, "P2P discovery", MOVE_FIXED, 12000, BIND_ANY, PROTO_UDP },
                        { PORT_GRPC, "gRPC", MOVE_FIXED, 4000, BIND_LOOPBACK, PROTO_TCP },
                        { PORT_METRICS, "metrics", MOVE_FIXED, 8080, BIND_LOOPBACK, PROTO_TCP },
                },
                .n_ports = 5,
        },
        [CLIENT_TEKU] = {
                .name = "teku", .role = ROLE_CONSENSUS, .executable = "teku",
                .uid = 813, .wx_memory = true, .syscalls_extra = "mincore", .timeout_stop_sec = 180,
                .default_endpoint = "http://127.0.0.1:5051",
                .ports = {
                        { PORT_P2P, "P2P", MOVE_P2P, 9000, BIND_ANY, PROTO_TCP | PROTO_UDP },
                        { PORT_QUIC, "QUIC", MOVE_P2P_OFFSET, 1, BIND_ANY, PROTO_UDP },
                        { PORT_METRICS, "metrics", MOVE_FIXED, 8008, BIND_LOOPBACK, PROTO_TCP },
                },
                .n_ports = 3,
        },
        [CLIENT_NIMBUS] = {
                .name = "nimbus", .role = ROLE_CONSENSUS, .executable = "nimbus_beacon_node",
                .uid = 814, .wx_memory = true, .timeout_stop_sec = 180,
                .default_endpoint = "http://127.0.0.1:5052",
                .ports = {
                        { PORT_P2P, "P2P", MOVE_P2P, 9000, BIND_ANY, PROTO_TCP | PROTO_UDP },
                        { PORT_METRICS, "metrics", MOVE_FIXED, 8008, BIND_LOOPBACK, PROTO_TCP },
                },
                .n_ports = 2,
        },
        [CLIENT_LODESTAR] = {
                .name = "lodestar", .role = ROLE_CONSENSUS, .executable = "lodestar",
                .subcommand = "beacon", .uid = 815, .wx_memory = true, .timeout_stop_sec = 180,
                .default_endpoint = "http://127.0.0.1:5052",
                .ports = {
                        { PORT_P2P, "P2P", MOVE_P2P, 9000, BIND_ANY, PROTO_TCP | PROTO_UDP },
                        { PORT_METRICS, "metrics", MOVE_FIXED, 8008, BIND_LOOPBACK, PROTO_TCP },
                },
                .n_ports = 2,
        },
        [CLIENT_MEV_BOOST] = {
                .name = "mev-boost", .role = ROLE_ADDON, .executable = "mev-boost",
                .uid = 821, .timeout_stop_sec = 30,
                .default_endpoint = "http://127.0.0.1:18550",
        },
        [CLIENT_SSV_NODE] = {
                .name = "ssv-node", .role = ROLE_ADDON, .executable = "ssvnode",
                .subcommand = "start-node", .uid = 822, .timeout_stop_sec = 120,
                .ports = {
                        { PORT_P2P, "P2P", MOVE_FIXED, 13001, BIND_ANY, PROTO_TCP },
                        { PORT_DISCOVERY, "P2P discovery", MOVE_FIXED, 12001, BIND_ANY, PROTO_UDP },
                        { PORT_METRICS, "metrics", MOVE_FIXED, 15000, BIND_LOOPBACK, PROTO_TCP },
                },
                .n_ports = 3,
        },
        [CLIENT_WIREGUARD] = {
                .name = "wireguard", .role = ROLE_VPN, .executable = "wg-quick",
                .timeout_stop_sec = 30,
        },
};

const ClientInfo *client_info(Client c) {
        if (c < 0 || c >= _CLIENT_MAX)
                return NULL;
        return &client_table[c];
}

const char *client_to_string(Client c) {
        const ClientInfo *i = client_info(c);

        return i ? i->name : NULL;
}

Client client_from_string(const char *s) {
        for (Client c = 0; c < _CLIENT_MAX; c++)
                if (streq(client_table[c].name, s))
                        return c;
        return _CLIENT_INVALID;
}

const char *role_to_string(Role r) {
        static const char * const table[_ROLE_MAX] = {
                [ROLE_EXECUTION] = "execution",
                [ROLE_CONSENSUS] = "consensus",
                [ROLE_ADDON] = "addon",
                [ROLE_VPN] = "vpn",
        };

        if (r < 0 || r >= _ROLE_MAX)
                return NULL;
        return table[r];
}

static const char * const network_table[_NETWORK_MAX] = {
        [NETWORK_MAINNET] = "mainnet",
        [NETWORK_HOODI] = "hoodi",
        [NETWORK_HOLESKY] = "holesky",
        [NETWORK_SEPOLIA] = "sepolia",
};

const char *network_to_string(Network n) {
        if (n < 0 || n >= _NETWORK_MAX)
                return NULL;
        return network_table[n];
}

Network network_from_string(const char *s) {
        for (Network n = 0; n < _NETWORK_MAX; n++)
                if (streq(network_table[n], s))
                        return n;
        return _NETWORK_INVALID;
}

uint64_t network_chain_id(Network n) {
        switch (n) {
        case NETWORK_MAINNET:
                return 1;
        case NETWORK_HOODI:
                return 560048;
        case NETWORK_HOLESKY:
                return 17000;
        case NETWORK_SEPOLIA:
                return 11155111;
        case _NETWORK_MAX:
        case _NETWORK_INVALID:
                break;
        }
        return 0;
}

const ClientPort *client_port(Client c, PortKind kind) {
        const ClientInfo *info = client_info(c);

        for (size_t i = 0; info && i < info->n_ports; i++)
                if (info->ports[i].kind == kind)
                        return &info->ports[i];
        return NULL;
}

uint16_t client_default_p2p_port(Client c) {
        const ClientPort *p = client_port(c, PORT_P2P);

        return p ? p->port : 0;
}
