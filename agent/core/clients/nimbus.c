/* SPDX-License-Identifier: MIT */
/* Nimbus, a consensus client in Nim: its beacon node. */
#include "client.h"

static const OptionNames options[] = {
        { { "network" } },
        { { "data-dir", "-d" } },
        { { "non-interactive" } },
        { { "rest" } },
        { { "rest-address" } },
        { { "rest-port" } },
        { { "rest-allow-origin" } },
        { { "el" } },
        { { "jwt-secret" } },
        { { "tcp-port" } },
        { { "udp-port" } },
        { { "payload-builder" } },
        { { "payload-builder-url" } },
        { { "metrics" } },
        { { "metrics-address" } },
        { { "metrics-port" } },
        { { "external-beacon-api-url" } },
};

/* The options above that set a port open to the world. */
static const ClientPortOption port_options[] = {
        { "tcp-port", PORT_P2P, PROTO_TCP },
        { "udp-port", PORT_P2P, PROTO_UDP },
};

static void args(Cmd *c, const Config *cfg, Client client) {
        const ClientConfig *cc = &cfg->clients[client];
        const ClientConfig *mev = &cfg->clients[CLIENT_MEV_BOOST];
        const char *host = endpoint_bind_host(&cc->endpoint), *el = cc->exec_endpoint.url, *cp = cc->checkpoint_sync_url;
        unsigned port = cc->endpoint.port, p2p = cmd_port(c, cfg, client, PORT_P2P),
                 metrics = cmd_port(c, cfg, client, PORT_METRICS);

        cmd_argf(c, "--network=%s", network_to_string(cfg->network));
        cmd_argf(c, "--data-dir=%s", cc->data_dir);
        cmd_arg(c, "--non-interactive");
        cmd_arg(c, "--rest=true");
        cmd_argf(c, "--rest-address=%s", host);
        cmd_argf(c, "--rest-port=%u", port);
        cmd_arg(c, "--rest-allow-origin=*");
        cmd_argf(c, "--el=%s", el);
        cmd_arg_jwt(c, "--jwt-secret=");
        cmd_argf(c, "--tcp-port=%u", p2p);
        cmd_argf(c, "--udp-port=%u", p2p);
        if (mev->enable) {
                cmd_arg(c, "--payload-builder=true");
                cmd_argf(c, "--payload-builder-url=%s", mev->endpoint.url);
        }
        cmd_arg(c, "--metrics=true");
        cmd_arg(c, "--metrics-address=127.0.0.1");
        cmd_argf(c, "--metrics-port=%u", metrics);
        if (cp)
                cmd_argf(c, "--external-beacon-api-url=%s", cp);
}

const ClientInfo client_nimbus = {
        .name = "nimbus", .role = ROLE_CONSENSUS, .executable = "nimbus_beacon_node",
        .uid = 814, .wx_memory = true, .timeout_stop_sec = 180,
        .default_endpoint = "http://127.0.0.1:5052",
        .ports = {
                { PORT_P2P, "P2P", MOVE_P2P, 9000, BIND_ANY, PROTO_TCP | PROTO_UDP },
                { PORT_METRICS, "metrics", MOVE_FIXED, 8008, BIND_LOOPBACK, PROTO_TCP },
        },
        .n_ports = 2,
        .config_path = "consensus.nimbus",
        /* nimbus-eth2 #7586 "rm holesky support" (October 2025, before
         * v25.10.0): `--network holesky` is then read as the path of a
         * metadata directory, and the node exits without its config.yaml. */
        .no_holesky = "its releases since v25.10.0 no longer know the network",
        .title = "Ethereum consensus client",
        .doc = "https://nimbus.guide/options.html",
        .restart_prevent_exit_status = 129, /* doppelganger detected */
        .options = { CLIENT_OPTIONS(options), .ignore_case = true, .ignore_underscore = true,
                     .colon_value = true },
        CLIENT_PORT_OPTIONS(port_options),
        .args = args,
};
