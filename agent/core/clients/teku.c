/* SPDX-License-Identifier: MIT */
/* Teku, a consensus client on the JVM. */
#include "client.h"

static const OptionNames options[] = {
        { { "network", "-n" } },
        { { "data-base-path", "data-path" } },
        { { "rest-api-enabled" } },
        { { "rest-api-interface" } },
        { { "rest-api-port" } },
        { { "rest-api-host-allowlist" } },
        { { "ee-endpoint" } },
        { { "ee-jwt-secret-file" } },
        { { "p2p-port" } },
        { { "p2p-quic-port" } },
        { { "builder-endpoint" } },
        { { "metrics-enabled" } },
        { { "metrics-interface" } },
        { { "metrics-port" } },
        { { "checkpoint-sync-url" } },
};

/* The options above that set a port open to the world. */
static const ClientPortOption port_options[] = {
        { "p2p-port", PORT_P2P, PROTO_TCP | PROTO_UDP },
        { "p2p-quic-port", PORT_QUIC, PROTO_UDP },
};

static void args(Cmd *c, const Config *cfg, Client client) {
        const ClientConfig *cc = &cfg->clients[client];
        const ClientConfig *mev = &cfg->clients[CLIENT_MEV_BOOST];
        const char *host = endpoint_bind_host(&cc->endpoint), *el = cc->exec_endpoint.url, *cp = cc->checkpoint_sync_url;
        unsigned port = cc->endpoint.port, p2p = cmd_port(c, cfg, client, PORT_P2P),
                 metrics = cmd_port(c, cfg, client, PORT_METRICS);

        cmd_argf(c, "--network=%s", network_to_string(cfg->network));
        cmd_argf(c, "--data-base-path=%s", cc->data_dir);
        cmd_arg(c, "--rest-api-enabled=true");
        cmd_argf(c, "--rest-api-interface=%s", host);
        cmd_argf(c, "--rest-api-port=%u", port);
        cmd_arg(c, "--rest-api-host-allowlist=*");
        cmd_argf(c, "--ee-endpoint=%s", el);
        cmd_arg_jwt(c, "--ee-jwt-secret-file=");
        cmd_argf(c, "--p2p-port=%u", p2p);
        cmd_argf(c, "--p2p-quic-port=%u", cmd_port(c, cfg, client, PORT_QUIC));
        if (mev->enable)
                cmd_argf(c, "--builder-endpoint=%s", mev->endpoint.url);
        cmd_arg(c, "--metrics-enabled=true");
        cmd_arg(c, "--metrics-interface=127.0.0.1");
        cmd_argf(c, "--metrics-port=%u", metrics);
        if (cp)
                cmd_argf(c, "--checkpoint-sync-url=%s", cp);
}

const ClientInfo client_teku = {
        .name = "teku", .role = ROLE_CONSENSUS, .executable = "teku",
        .uid = 813, .wx_memory = true, .syscalls_extra = "mincore", .timeout_stop_sec = 180,
        .default_endpoint = "http://127.0.0.1:5051",
        .ports = {
                { PORT_P2P, "P2P", MOVE_P2P, 9000, BIND_ANY, PROTO_TCP | PROTO_UDP },
                { PORT_QUIC, "QUIC", MOVE_P2P_OFFSET, 1, BIND_ANY, PROTO_UDP },
                { PORT_METRICS, "metrics", MOVE_FIXED, 8008, BIND_LOOPBACK, PROTO_TCP },
        },
        .n_ports = 3,
        .config_path = "consensus.teku",
        .title = "Ethereum consensus client",
        .doc = "https://docs.teku.consensys.io/reference/cli",
        .options = { CLIENT_OPTIONS(options), .short_attached = true },
        CLIENT_PORT_OPTIONS(port_options),
        .args = args,
};
