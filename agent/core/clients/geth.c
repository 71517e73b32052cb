/* SPDX-License-Identifier: MIT */
/* geth (go-ethereum), an execution client: Go's flag package. */
#include "client.h"

static const OptionNames options[] = {
        /* the network switches: two of them are refused */
        { { "mainnet", "sepolia", "holesky", "hoodi" } },
        { { "datadir" } },
        { { "port" } },
        { { "discovery.port" } },
        { { "authrpc.addr" } },
        { { "authrpc.port" } },
        { { "authrpc.vhosts" } },
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
        { { "ws.origins" } },
        { { "metrics" } },
        { { "metrics.addr" } },
        { { "metrics.port" } },
};

/* The options above that set a port open to the world. */
static const ClientPortOption port_options[] = {
        { "port", PORT_P2P, PROTO_TCP },
        { "discovery.port", PORT_P2P, PROTO_UDP },
};

static void args(Cmd *c, const Config *cfg, Client client) {
        const ClientConfig *cc = &cfg->clients[client];
        const char *host = endpoint_bind_host(&cc->endpoint);
        unsigned port = cc->endpoint.port, p2p = cmd_port(c, cfg, client, PORT_P2P),
                 rpc = cc->json_rpc_port, ws = config_ws_port(cfg, client);

        cmd_argf(c, "--%s", network_to_string(cfg->network));
        cmd_argf(c, "--datadir=%s", cc->data_dir);
        cmd_argf(c, "--port=%u", p2p);
        cmd_argf(c, "--discovery.port=%u", p2p);
        cmd_argf(c, "--authrpc.addr=%s", host);
        cmd_argf(c, "--authrpc.port=%u", port);
        cmd_arg(c, "--authrpc.vhosts=*");
        cmd_arg_jwt(c, "--authrpc.jwtsecret=");
        cmd_arg(c, "--http");
        cmd_argf(c, "--http.addr=%s", host);
        cmd_argf(c, "--http.port=%u", rpc);
        cmd_arg(c, "--http.api=eth,net,web3,txpool,debug");
        cmd_arg(c, "--http.corsdomain=*");
        cmd_arg(c, "--ws");
        cmd_argf(c, "--ws.addr=%s", host);
        cmd_argf(c, "--ws.port=%u", ws);
        cmd_arg(c, "--ws.api=eth,net,web3,txpool,debug");
        cmd_arg(c, "--ws.origins=*");
        cmd_arg(c, "--metrics");
        cmd_arg(c, "--metrics.addr=127.0.0.1");
        cmd_argf(c, "--metrics.port=%u", cmd_port(c, cfg, client, PORT_METRICS));
}

const ClientInfo client_geth = {
        .name = "geth", .role = ROLE_EXECUTION, .executable = "geth",
        .uid = 801, .timeout_stop_sec = 600,
        .default_endpoint = "http://127.0.0.1:8551",
        .ports = {
                { PORT_P2P, "P2P", MOVE_P2P, 30303, BIND_ANY, PROTO_TCP | PROTO_UDP },
                { PORT_JSON_RPC, "JSON-RPC and WebSocket", MOVE_JSON_RPC, 8545, BIND_ENDPOINT, PROTO_TCP },
                { PORT_METRICS, "metrics", MOVE_FIXED, 6060, BIND_LOOPBACK, PROTO_TCP },
        },
        .n_ports = 3,
        .config_path = "execution.geth",
        .title = "Ethereum execution client",
        .doc = "https://geth.ethereum.org/docs/fundamentals/command-line-options",
        .options = { CLIENT_OPTIONS(options), .single_dash = true },
        CLIENT_PORT_OPTIONS(port_options),
        .args = args,
};
