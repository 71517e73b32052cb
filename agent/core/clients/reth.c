/* SPDX-License-Identifier: MIT */
/* reth, an execution client in Rust (clap). */
#include "client.h"

static const OptionNames options[] = {
        { { "chain" } },
        { { "datadir" } },
        { { "port" } },
        { { "discovery.port" } },
        { { "discovery.v5.port" } },
        { { "authrpc.addr" } },
        { { "authrpc.port" } },
        { { "authrpc.jwtsecret" } },
        { { "http" } },
        { { "http.addr" } },
        { { "http.port" } },
        { { "http.api" } },
        { { "http.corsdomain" } },
        { { "ws" } },
        { { "ws.addr" } },
        { { "ws.port" } },
        { { "ws.api" } },
        { { "ws.origins", "ws.corsdomain" } },
        { { "metrics", "metrics.prometheus" } },
};

/* The options above that set a port open to the world. */
static const ClientPortOption port_options[] = {
        { "port", PORT_P2P, PROTO_TCP },
        { "discovery.port", PORT_P2P, PROTO_UDP },
        { "discovery.v5.port", PORT_DISCOVERY_V5, PROTO_UDP },
};

static void args(Cmd *c, const Config *cfg, Client client) {
        const ClientConfig *cc = &cfg->clients[client];
        const char *host = endpoint_bind_host(&cc->endpoint);
        unsigned port = cc->endpoint.port, p2p = cmd_port(c, cfg, client, PORT_P2P),
                 rpc = cc->json_rpc_port, ws = config_ws_port(cfg, client);

        cmd_argf(c, "--chain=%s", network_to_string(cfg->network));
        cmd_argf(c, "--datadir=%s", cc->data_dir);
        cmd_argf(c, "--port=%u", p2p);
        cmd_argf(c, "--discovery.port=%u", p2p);
        cmd_argf(c, "--discovery.v5.port=%u", cmd_port(c, cfg, client, PORT_DISCOVERY_V5));
        cmd_argf(c, "--authrpc.addr=%s", host);
        cmd_argf(c, "--authrpc.port=%u", port);
        cmd_arg_jwt(c, "--authrpc.jwtsecret=");
        cmd_arg(c, "--http");
        cmd_argf(c, "--http.addr=%s", host);
        cmd_argf(c, "--http.port=%u", rpc);
        cmd_arg(c, "--http.api=eth,net,web3,txpool,debug,trace");
        cmd_arg(c, "--http.corsdomain=*");
        cmd_arg(c, "--ws");
        cmd_argf(c, "--ws.addr=%s", host);
        cmd_argf(c, "--ws.port=%u", ws);
        cmd_arg(c, "--ws.api=eth,net,web3,txpool,debug,trace");
        cmd_arg(c, "--ws.origins=*");
        cmd_argf(c, "--metrics=127.0.0.1:%u", cmd_port(c, cfg, client, PORT_METRICS));
}

const ClientInfo client_reth = {
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
        .config_path = "execution.reth",
        .title = "Ethereum execution client",
        .doc = "https://reth.rs/cli/reth/node",
        .options = { CLIENT_OPTIONS(options), .short_attached = true },
        CLIENT_PORT_OPTIONS(port_options),
        .args = args,
};
