/* SPDX-License-Identifier: MIT */
/* Hyperledger Besu, an execution client on the JVM. */
#include "client.h"

static const OptionNames options[] = {
        { { "network" } },
        { { "data-path" } },
        { { "p2p-port" } },
        { { "engine-rpc-enabled" } },
        { { "engine-rpc-port", "engine-rpc-http-port" } },
        { { "engine-host-allowlist" } },
        { { "engine-jwt-secret" } },
        { { "rpc-http-enabled" } },
        { { "rpc-http-host" } },
        { { "rpc-http-port" } },
        { { "rpc-http-api", "rpc-http-apis" } },
        { { "rpc-http-cors-origins" } },
        { { "host-allowlist" } },
        { { "rpc-ws-enabled" } },
        { { "rpc-ws-host" } },
        { { "rpc-ws-port" } },
        { { "rpc-ws-api", "rpc-ws-apis" } },
        { { "metrics-enabled" } },
        { { "metrics-host" } },
        { { "metrics-port" } },
};

/* The options above that set a port open to the world. */
static const ClientPortOption port_options[] = {
        { "p2p-port", PORT_P2P, PROTO_TCP | PROTO_UDP },
};

static void args(Cmd *c, const Config *cfg, Client client) {
        const ClientConfig *cc = &cfg->clients[client];
        const char *host = endpoint_bind_host(&cc->endpoint);
        unsigned port = cc->endpoint.port, p2p = cmd_port(c, cfg, client, PORT_P2P),
                 rpc = cc->json_rpc_port, ws = config_ws_port(cfg, client);

        /* Besu's engine API listens on the JSON-RPC host. */
        cmd_argf(c, "--network=%s", network_to_string(cfg->network));
        cmd_argf(c, "--data-path=%s", cc->data_dir);
        cmd_argf(c, "--p2p-port=%u", p2p);
        cmd_arg(c, "--engine-rpc-enabled=true");
        cmd_argf(c, "--engine-rpc-port=%u", port);
        cmd_arg(c, "--engine-host-allowlist=*");
        cmd_arg_jwt(c, "--engine-jwt-secret=");
        cmd_arg(c, "--rpc-http-enabled=true");
        cmd_argf(c, "--rpc-http-host=%s", host);
        cmd_argf(c, "--rpc-http-port=%u", rpc);
        cmd_arg(c, "--rpc-http-api=ETH,NET,WEB3,TXPOOL,DEBUG,TRACE");
        cmd_arg(c, "--rpc-http-cors-origins=*");
        cmd_arg(c, "--host-allowlist=*");
        cmd_arg(c, "--rpc-ws-enabled=true");
        cmd_argf(c, "--rpc-ws-host=%s", host);
        cmd_argf(c, "--rpc-ws-port=%u", ws);
        cmd_arg(c, "--rpc-ws-api=ETH,NET,WEB3,TXPOOL,DEBUG,TRACE");
        cmd_arg(c, "--metrics-enabled=true");
        cmd_arg(c, "--metrics-host=127.0.0.1");
        cmd_argf(c, "--metrics-port=%u", cmd_port(c, cfg, client, PORT_METRICS));
}

const ClientInfo client_besu = {
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
        .config_path = "execution.besu",
        .title = "Ethereum execution client",
        .doc = "https://besu.hyperledger.org/public-networks/reference/cli/options",
        .options = { CLIENT_OPTIONS(options), .short_attached = true },
        CLIENT_PORT_OPTIONS(port_options),
        .args = args,
};
