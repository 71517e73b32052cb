/* SPDX-License-Identifier: MIT */
/* Erigon, an execution client: Go's flag package (urfave/cli). */
#include "client.h"

static const OptionNames options[] = {
        { { "chain" } },
        { { "datadir" } },
        { { "externalcl" } },
        { { "port" } },
        { { "torrent.port" } },
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
        { { "private.api.addr" } },
        { { "metrics" } },
        { { "metrics.addr" } },
        { { "metrics.port" } },
};

/* The options above that set a port open to the world. */
static const ClientPortOption port_options[] = {
        { "port", PORT_P2P, PROTO_TCP | PROTO_UDP },
        { "torrent.port", PORT_TORRENT, PROTO_TCP | PROTO_UDP },
};

static void args(Cmd *c, const Config *cfg, Client client) {
        const ClientConfig *cc = &cfg->clients[client];
        const char *host = endpoint_bind_host(&cc->endpoint);
        unsigned port = cc->endpoint.port, p2p = cmd_port(c, cfg, client, PORT_P2P),
                 rpc = cc->json_rpc_port;

        cmd_argf(c, "--chain=%s", network_to_string(cfg->network));
        cmd_argf(c, "--datadir=%s", cc->data_dir);
        cmd_arg(c, "--externalcl");
        cmd_argf(c, "--port=%u", p2p);
        cmd_argf(c, "--torrent.port=%u", cmd_port(c, cfg, client, PORT_TORRENT));
        cmd_argf(c, "--authrpc.addr=%s", host);
        cmd_argf(c, "--authrpc.port=%u", port);
        cmd_arg(c, "--authrpc.vhosts=*");
        cmd_arg_jwt(c, "--authrpc.jwtsecret=");
        cmd_arg(c, "--http");
        cmd_argf(c, "--http.addr=%s", host);
        cmd_argf(c, "--http.port=%u", rpc);
        cmd_arg(c, "--http.api=eth,erigon,web3,net,debug,trace,txpool");
        cmd_arg(c, "--http.corsdomain=*");
        cmd_arg(c, "--ws");
        cmd_argf(c, "--private.api.addr=127.0.0.1:%u", cmd_port(c, cfg, client, PORT_PRIVATE_API));
        cmd_arg(c, "--metrics");
        cmd_arg(c, "--metrics.addr=127.0.0.1");
        cmd_argf(c, "--metrics.port=%u", cmd_port(c, cfg, client, PORT_METRICS));
}

const ClientInfo client_erigon = {
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
        .config_path = "execution.erigon",
        .title = "Ethereum execution client",
        .doc = "https://docs.erigon.tech",
        .options = { CLIENT_OPTIONS(options), .single_dash = true },
        CLIENT_PORT_OPTIONS(port_options),
        .args = args,
};
