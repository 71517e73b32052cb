/* SPDX-License-Identifier: MIT */
/* Lighthouse, a consensus client in Rust (clap): its beacon node. */
#include "client.h"

static const OptionNames options[] = {
        { { "network", "testnet-dir" } },
        { { "datadir", "-d" } },
        { { "http" } },
        { { "http-address" } },
        { { "http-port" } },
        { { "http-allow-origin" } },
        { { "execution-endpoint", "execution-endpoints" } },
        { { "execution-jwt", "jwt-secrets", "execution-jwt-secret-key" } },
        { { "port" } },
        { { "quic-port" } },
        { { "prune-payloads" } },
        { { "slasher" } },
        { { "slasher-history-length" } },
        { { "slasher-max-db-size" } },
        { { "builder", "payload-builder", "payload-builders" } },
        { { "metrics" } },
        { { "metrics-address" } },
        { { "metrics-port" } },
        { { "checkpoint-sync-url", "checkpoint-state", "allow-insecure-genesis-sync" } },
};

/* The options above that set a port open to the world. */
static const ClientPortOption port_options[] = {
        { "port", PORT_P2P, PROTO_TCP | PROTO_UDP },
        { "quic-port", PORT_QUIC, PROTO_UDP },
};

static void args(Cmd *c, const Config *cfg, Client client) {
        const ClientConfig *cc = &cfg->clients[client];
        const ClientConfig *mev = &cfg->clients[CLIENT_MEV_BOOST];
        const char *host = endpoint_bind_host(&cc->endpoint), *el = cc->exec_endpoint.url, *cp = cc->checkpoint_sync_url;
        unsigned port = cc->endpoint.port, p2p = cmd_port(c, cfg, client, PORT_P2P),
                 metrics = cmd_port(c, cfg, client, PORT_METRICS);

        cmd_argf(c, "--network=%s", network_to_string(cfg->network));
        cmd_argf(c, "--datadir=%s", cc->data_dir);
        cmd_arg(c, "--http");
        cmd_argf(c, "--http-address=%s", host);
        cmd_argf(c, "--http-port=%u", port);
        cmd_arg(c, "--http-allow-origin=*");
        cmd_argf(c, "--execution-endpoint=%s", el);
        cmd_arg_jwt(c, "--execution-jwt=");
        cmd_argf(c, "--port=%u", p2p);
        cmd_argf(c, "--quic-port=%u", cmd_port(c, cfg, client, PORT_QUIC));
        if (cc->slasher_enable) {
                cmd_arg(c, "--slasher");
                cmd_argf(c, "--slasher-history-length=%u", cc->slasher_history_length);
                cmd_argf(c, "--slasher-max-db-size=%u", cc->slasher_max_db_size);
        }
        if (mev->enable)
                cmd_argf(c, "--builder=%s", mev->endpoint.url);
        cmd_arg(c, "--metrics");
        cmd_arg(c, "--metrics-address=127.0.0.1");
        cmd_argf(c, "--metrics-port=%u", metrics);
        if (cp)
                cmd_argf(c, "--checkpoint-sync-url=%s", cp);
}

const ClientInfo client_lighthouse = {
        .name = "lighthouse", .role = ROLE_CONSENSUS, .executable = "lighthouse",
        .subcommand = "bn", .uid = 811, .timeout_stop_sec = 180,
        .default_endpoint = "http://127.0.0.1:5052",
        .ports = {
                { PORT_P2P, "P2P", MOVE_P2P, 9000, BIND_ANY, PROTO_TCP | PROTO_UDP },
                { PORT_QUIC, "QUIC", MOVE_P2P_OFFSET, 1, BIND_ANY, PROTO_UDP },
                { PORT_METRICS, "metrics", MOVE_FIXED, 5054, BIND_LOOPBACK, PROTO_TCP },
        },
        .n_ports = 3,
        .config_path = "consensus.lighthouse",
        .title = "Ethereum consensus client",
        .doc = "https://lighthouse-book.sigmaprime.io/help_bn.html",
        .options = { CLIENT_OPTIONS(options), .short_attached = true },
        CLIENT_PORT_OPTIONS(port_options),
        .args = args,
};
