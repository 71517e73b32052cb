/* SPDX-License-Identifier: MIT */
/* Lodestar, a consensus client on Node.js: its beacon node. */
#include "client.h"

static const OptionNames options[] = {
        { { "network" } },
        { { "dataDir", "data-dir" } },
        { { "rest", "no-rest" } },
        { { "rest.address" } },
        { { "rest.port" } },
        { { "rest.cors" } },
        { { "execution.urls" } },
        { { "jwtSecret", "jwt-secret" } },
        { { "port" } },
        { { "builder", "no-builder" } },
        { { "builder.url", "builder.urls" } },
        { { "metrics", "no-metrics" } },
        { { "metrics.address" } },
        { { "metrics.port" } },
        { { "checkpointSyncUrl", "checkpoint-sync-url" } },
};

/* The options above that set a port open to the world. */
static const ClientPortOption port_options[] = {
        { "port", PORT_P2P, PROTO_TCP | PROTO_UDP },
};

static void args(Cmd *c, const Config *cfg, Client client) {
        const ClientConfig *cc = &cfg->clients[client];
        const ClientConfig *mev = &cfg->clients[CLIENT_MEV_BOOST];
        const char *host = endpoint_bind_host(&cc->endpoint), *el = cc->exec_endpoint.url, *cp = cc->checkpoint_sync_url;
        unsigned port = cc->endpoint.port, p2p = cmd_port(c, cfg, client, PORT_P2P),
                 metrics = cmd_port(c, cfg, client, PORT_METRICS);

        cmd_argf(c, "--network=%s", network_to_string(cfg->network));
        cmd_argf(c, "--dataDir=%s", cc->data_dir);
        cmd_arg(c, "--rest");
        cmd_argf(c, "--rest.address=%s", host);
        cmd_argf(c, "--rest.port=%u", port);
        cmd_arg(c, "--rest.cors=*");
        cmd_argf(c, "--execution.urls=%s", el);
        cmd_arg_jwt(c, "--jwtSecret=");
        cmd_argf(c, "--port=%u", p2p);
        if (mev->enable) {
                cmd_arg(c, "--builder");
                cmd_argf(c, "--builder.url=%s", mev->endpoint.url);
        }
        cmd_arg(c, "--metrics");
        cmd_arg(c, "--metrics.address=127.0.0.1");
        cmd_argf(c, "--metrics.port=%u", metrics);
        if (cp)
                cmd_argf(c, "--checkpointSyncUrl=%s", cp);
}

const ClientInfo client_lodestar = {
        .name = "lodestar", .role = ROLE_CONSENSUS, .executable = "lodestar",
        .subcommand = "beacon", .uid = 815, .wx_memory = true, .timeout_stop_sec = 180,
        .default_endpoint = "http://127.0.0.1:5052",
        .ports = {
                { PORT_P2P, "P2P", MOVE_P2P, 9000, BIND_ANY, PROTO_TCP | PROTO_UDP },
                { PORT_METRICS, "metrics", MOVE_FIXED, 8008, BIND_LOOPBACK, PROTO_TCP },
        },
        .n_ports = 2,
        .config_path = "consensus.lodestar",
        /* 1.44.0 knows mainnet, gnosis, sepolia, hoodi, chiado, ephemery
         * and dev, and refuses `--network holesky`. */
        .no_holesky = "its releases no longer know the network",
        .title = "Ethereum consensus client",
        .doc = "https://chainsafe.github.io/lodestar/run/beacon-management/beacon-cli",
        .options = { CLIENT_OPTIONS(options) },
        CLIENT_PORT_OPTIONS(port_options),
        .args = args,
};
