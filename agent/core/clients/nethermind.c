/* SPDX-License-Identifier: MIT */
/* Nethermind, an execution client on .NET. */
#include "client.h"

static const OptionNames options[] = {
        { { "config", "-c" } },
        /* Init.DataDir names the same directory (hidden from the docs;
         * --datadir wins over it without a word, IInitConfig.cs). */
        { { "data-dir", "datadir", "-dd", "Init.DataDir", "init-datadir" } },
        { { "Network.P2PPort", "network-p2pport" } },
        { { "Network.DiscoveryPort", "network-discoveryport" } },
        { { "JsonRpc.EngineHost", "jsonrpc-enginehost" } },
        { { "JsonRpc.EnginePort", "jsonrpc-engineport" } },
        { { "JsonRpc.JwtSecretFile", "jsonrpc-jwtsecretfile" } },
        { { "JsonRpc.Enabled", "jsonrpc-enabled" } },
        { { "JsonRpc.Host", "jsonrpc-host" } },
        { { "JsonRpc.Port", "jsonrpc-port" } },
        { { "Init.WebSocketsEnabled", "init-websocketsenabled" } },
        { { "JsonRpc.WebSocketsPort", "jsonrpc-websocketsport" } },
        { { "Metrics.Enabled", "metrics-enabled" } },
        { { "Metrics.ExposeHost", "metrics-exposehost" } },
        { { "Metrics.ExposePort", "metrics-exposeport" } },
};

/* The options above that set a port open to the world. */
static const ClientPortOption port_options[] = {
        { "Network.P2PPort", PORT_P2P, PROTO_TCP },
        { "Network.DiscoveryPort", PORT_P2P, PROTO_UDP },
};

static void args(Cmd *c, const Config *cfg, Client client) {
        const ClientConfig *cc = &cfg->clients[client];
        const char *host = endpoint_bind_host(&cc->endpoint);
        unsigned port = cc->endpoint.port, p2p = cmd_port(c, cfg, client, PORT_P2P),
                 rpc = cc->json_rpc_port, ws = config_ws_port(cfg, client);

        /* Nethermind takes its options as separate words. */
        cmd_arg(c, "--config");
        cmd_arg(c, network_to_string(cfg->network));
        cmd_arg(c, "--datadir");
        cmd_arg(c, cc->data_dir);
        cmd_arg(c, "--Network.P2PPort");
        cmd_argf(c, "%u", p2p);
        cmd_arg(c, "--Network.DiscoveryPort");
        cmd_argf(c, "%u", p2p);
        cmd_arg(c, "--JsonRpc.EngineHost");
        cmd_arg(c, host);
        cmd_arg(c, "--JsonRpc.EnginePort");
        cmd_argf(c, "%u", port);
        cmd_arg(c, "--JsonRpc.JwtSecretFile");
        cmd_arg_jwt(c, "");
        cmd_arg(c, "--JsonRpc.Enabled");
        cmd_arg(c, "true");
        cmd_arg(c, "--JsonRpc.Host");
        cmd_arg(c, host);
        cmd_arg(c, "--JsonRpc.Port");
        cmd_argf(c, "%u", rpc);
        cmd_arg(c, "--Init.WebSocketsEnabled");
        cmd_arg(c, "true");
        cmd_arg(c, "--JsonRpc.WebSocketsPort");
        cmd_argf(c, "%u", ws);
        cmd_arg(c, "--Metrics.Enabled");
        cmd_arg(c, "true");
        cmd_arg(c, "--Metrics.ExposeHost");
        cmd_arg(c, "127.0.0.1");
        cmd_arg(c, "--Metrics.ExposePort");
        cmd_argf(c, "%u", cmd_port(c, cfg, client, PORT_METRICS));
}

const ClientInfo client_nethermind = {
        .name = "nethermind", .role = ROLE_EXECUTION, .executable = "nethermind",
        .uid = 802, .wx_memory = true, .timeout_stop_sec = 600,
        .default_endpoint = "http://127.0.0.1:8551",
        .ports = {
                { PORT_P2P, "P2P", MOVE_P2P, 30303, BIND_ANY, PROTO_TCP | PROTO_UDP },
                { PORT_JSON_RPC, "JSON-RPC and WebSocket", MOVE_JSON_RPC, 8545, BIND_ENDPOINT, PROTO_TCP },
                { PORT_METRICS, "metrics", MOVE_FIXED, 9091, BIND_LOOPBACK, PROTO_TCP },
        },
        .n_ports = 3,
        .config_path = "execution.nethermind",
        /* 1.39.0 ships configurations for mainnet, sepolia, hoodi:
         * `--config holesky` names none. */
        .no_holesky = "its releases ship no holesky configuration",
        .title = "Ethereum execution client",
        .doc = "https://docs.nethermind.io/fundamentals/configuration",
        /* Matched whatever the case: a spelling nethermind does not take it
         * refuses anyway, so this can only leave out an option the user's
         * would have doubled. */
        .options = { CLIENT_OPTIONS(options), .ignore_case = true },
        CLIENT_PORT_OPTIONS(port_options),
        .args = args,
};
