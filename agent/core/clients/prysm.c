/* SPDX-License-Identifier: MIT */
/* Prysm, a consensus client in Go: its beacon node (beacon-chain). */
#include "client.h"

static const OptionNames options[] = {
        /* the network switches: two of them are refused */
        { { "mainnet", "sepolia", "holesky", "hoodi" } },
        { { "datadir" } },
        { { "accept-terms-of-use" } },
        { { "http-host", "grpc-gateway-host" } },
        { { "http-port", "grpc-gateway-port" } },
        { { "execution-endpoint" } },
        { { "jwt-secret" } },
        { { "p2p-tcp-port" } },
        { { "p2p-quic-port" } },
        { { "p2p-udp-port" } },
        { { "rpc-port" } },
        { { "http-mev-relay" } },
        { { "historical-slasher-node" } },
        { { "slasher-datadir" } },
        { { "monitoring-host" } },
        { { "monitoring-port" } },
        { { "checkpoint-sync-url" } },
        { { "genesis-beacon-api-url" } },
};

/* The options above that set a port open to the world. */
static const ClientPortOption port_options[] = {
        { "p2p-tcp-port", PORT_P2P, PROTO_TCP },
        { "p2p-quic-port", PORT_QUIC, PROTO_UDP },
        { "p2p-udp-port", PORT_DISCOVERY, PROTO_UDP },
};

static void args(Cmd *c, const Config *cfg, Client client) {
        const ClientConfig *cc = &cfg->clients[client];
        const ClientConfig *mev = &cfg->clients[CLIENT_MEV_BOOST];
        const char *host = endpoint_bind_host(&cc->endpoint), *el = cc->exec_endpoint.url, *cp = cc->checkpoint_sync_url;
        unsigned port = cc->endpoint.port, p2p = cmd_port(c, cfg, client, PORT_P2P),
                 metrics = cmd_port(c, cfg, client, PORT_METRICS);

        cmd_argf(c, "--%s", network_to_string(cfg->network));
        cmd_argf(c, "--datadir=%s", cc->data_dir);
        cmd_arg(c, "--accept-terms-of-use");
        cmd_argf(c, "--http-host=%s", host);
        cmd_argf(c, "--http-port=%u", port);
        cmd_argf(c, "--execution-endpoint=%s", el);
        cmd_arg_jwt(c, "--jwt-secret=");
        cmd_argf(c, "--p2p-tcp-port=%u", p2p);
        cmd_argf(c, "--p2p-quic-port=%u", cmd_port(c, cfg, client, PORT_QUIC));
        cmd_argf(c, "--p2p-udp-port=%u", cmd_port(c, cfg, client, PORT_DISCOVERY));
        cmd_argf(c, "--rpc-port=%u", cmd_port(c, cfg, client, PORT_GRPC));
        if (mev->enable)
                cmd_argf(c, "--http-mev-relay=%s", mev->endpoint.url);
        /* HomestakerOS's prysm slasher.enable is "historical slasher": a
         * beacon node serving history to a slasher. Its --slasher-datadir is
         * left out: prysm reads it only with --slasher (node.go). */
        if (cc->slasher_enable)
                cmd_arg(c, "--historical-slasher-node");
        cmd_arg(c, "--monitoring-host=127.0.0.1");
        cmd_argf(c, "--monitoring-port=%u", metrics);
        if (cp) {
                cmd_argf(c, "--checkpoint-sync-url=%s", cp);
                cmd_argf(c, "--genesis-beacon-api-url=%s", cp);
        }
}

/* prysm.offchainlabs.com/docs/reference/ports: libp2p on TCP 13000
 * (--p2p-tcp-port), QUIC on UDP 13000 (--p2p-quic-port), discv5 on UDP 12000
 * (--p2p-udp-port). */
const ClientInfo client_prysm = {
        .name = "prysm", .role = ROLE_CONSENSUS, .executable = "beacon-chain",
        .uid = 812, .wx_memory = true, .timeout_stop_sec = 180,
        .default_endpoint = "http://127.0.0.1:3500",
        .ports = {
                { PORT_P2P, "P2P", MOVE_P2P, 13000, BIND_ANY, PROTO_TCP },
                { PORT_QUIC, "QUIC", MOVE_P2P_OFFSET, 0, BIND_ANY, PROTO_UDP },
                { PORT_DISCOVERY, "P2P discovery", MOVE_FIXED, 12000, BIND_ANY, PROTO_UDP },
                { PORT_GRPC, "gRPC", MOVE_FIXED, 4000, BIND_LOOPBACK, PROTO_TCP },
                { PORT_METRICS, "metrics", MOVE_FIXED, 8080, BIND_LOOPBACK, PROTO_TCP },
        },
        .n_ports = 5,
        .config_path = "consensus.prysm",
        .title = "Ethereum consensus client",
        .doc = "https://docs.prylabs.network/docs/prysm-usage/parameters",
        .options = { CLIENT_OPTIONS(options), .single_dash = true },
        CLIENT_PORT_OPTIONS(port_options),
        .args = args,
};
