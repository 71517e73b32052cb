/* SPDX-License-Identifier: MIT */
/* mev-boost, the builders' relay client of the consensus clients: Go's flag package. */
#include "client.h"

static const OptionNames options[] = {
        /* the network switches: two of them are refused */
        { { "mainnet", "sepolia", "holesky", "hoodi" } },
        { { "relay-check" } },
        { { "relay", "relays" } },
        { { "addr" } },
};

static void args(Cmd *c, const Config *cfg, Client client) {
        const ClientConfig *cc = &cfg->clients[client];
        StrBuf relays = {};
        char addr[300];

        cmd_argf(c, "-%s", network_to_string(cfg->network));
        cmd_arg(c, "-relay-check");
        cmd_arg(c, "-relays");
        STRV_FOREACH(r, cc->relays)
                sb_appendf(&relays, "%s%s", r == cc->relays ? "" : ",", *r);
        if (relays.err)
                cmd_fail(c, relays.err);
        cmd_arg(c, strempty(relays.s));
        sb_done(&relays);
        cmd_arg(c, "-addr");
        format_host_port(addr, sizeof addr, endpoint_bind_host(&cc->endpoint), cc->endpoint.port);
        cmd_arg(c, addr);
}

const ClientInfo client_mev_boost = {
        .name = "mev-boost", .role = ROLE_ADDON, .executable = "mev-boost",
        .uid = 821, .timeout_stop_sec = 30,
        .default_endpoint = "http://127.0.0.1:18550",
        .config_path = "addons.mev-boost",
        .title = "MEV-Boost relay client",
        .doc = "https://github.com/flashbots/mev-boost",
        .options = { CLIENT_OPTIONS(options), .single_dash = true },
        .args = args,
};
