/* SPDX-License-Identifier: MIT */
/* ssv-node, a node of SSV's distributed validators; its unit's other parts
 * (the YAML file, the operator key) are render.c's. */
#include "client.h"

static const OptionNames options[] = {
        { { "config", "-c" } },
};

static void args(Cmd *c, const Config *cfg, Client client) {
        (void) cfg;
        (void) client;
        cmd_arg_specifier(c, "--config=%t/ssv-node/config.yaml");
}

const ClientInfo client_ssv_node = {
        .name = "ssv-node", .role = ROLE_ADDON, .executable = "ssvnode",
        .subcommand = "start-node", .uid = 822, .timeout_stop_sec = 120,
        .ports = {
                { PORT_P2P, "P2P", MOVE_FIXED, 13001, BIND_ANY, PROTO_TCP },
                { PORT_DISCOVERY, "P2P discovery", MOVE_FIXED, 12001, BIND_ANY, PROTO_UDP },
                { PORT_METRICS, "metrics", MOVE_FIXED, 15000, BIND_LOOPBACK, PROTO_TCP },
        },
        .n_ports = 3,
        .config_path = "addons.ssv-node",
        .title = "SSV distributed validator node",
        .doc = "https://docs.ssv.network",
        .options = { CLIENT_OPTIONS(options), .short_attached = true },
        .args = args,
};
