/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "hsos/cmdline.h"
#include "hsos/render.h"
#include "hsos/util.h"

/* The credential name a client's JWT is loaded under (LoadCredential=), so the
 * secret file itself can stay 0600 root wherever it lies. */
#define JWT_CREDENTIAL "jwt.hex"

typedef struct Cmd {
        StrBuf *b;
} Cmd;

static void arg(Cmd *c, const char *word) {
        sb_append(c->b, " \\\n        ");
        cmdline_append_word(c->b, word, false);
}

static void argf(Cmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void argf(Cmd *c, const char *fmt, ...) {
        _cleanup_free_ char *w = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&w, fmt, ap);
        va_end(ap);
        if (r < 0) {
                c->b->err = -ENOMEM;
                return;
        }
        arg(c, w);
}

/* A fixed word of our own that uses a specifier on purpose (%d: the
 * credentials directory, %t: the runtime directory). Never config content. */
static void arg_specifier(Cmd *c, const char *word) {
        sb_append(c->b, " \\\n        ");
        sb_append(c->b, word);
}

/* A word naming the JWT credential: a fixed flag, then the %d specifier. */
static void arg_jwt(Cmd *c, const char *prefix) {
        _cleanup_free_ char *w = NULL;

        if (asprintf(&w, "%s%%d/" JWT_CREDENTIAL, prefix) < 0) {
                c->b->err = -ENOMEM;
                return;
        }
        arg_specifier(c, w);
}

/* A path in a setting that is not a command line (RequiresMountsFor=,
 * ReadWritePaths=, LoadCredential=...): validation already refused spaces,
 * quotes, backslashes and control characters; specifiers are escaped. */
static void append_path(StrBuf *b, const char *path) {
        for (const char *p = path; *p; p++)
                if (*p == '%')
                        sb_append(b, "%%");
                else
                        sb_appendc(b, *p);
}

/* A host as an address:port pair wants brackets around IPv6. */
static void host_port(char *buf, size_t n, const char *host, unsigned port) {
        if (strchr(host, ':'))
                snprintf(buf, n, "[%s]:%u", host, port);
        else
                snprintf(buf, n, "%s:%u", host, port);
}

static void render_network_flag(Cmd *c, Client client, Network net) {
        const char *n = network_to_string(net);

        switch (client) {
        case CLIENT_GETH:
        case CLIENT_PRYSM:
                argf(c, "--%s", n);
                break;
        case CLIENT_NETHERMIND:
                arg(c, "--config");
                arg(c, n);
                break;
        case CLIENT_BESU:
        case CLIENT_LIGHTHOUSE:
        case CLIENT_TEKU:
        case CLIENT_NIMBUS:
        case CLIENT_LODESTAR:
                argf(c, "--network=%s", n);
                break;
        case CLIENT_ERIGON:
        case CLIENT_RETH:
                argf(c, "--chain=%s", n);
                break;
        case CLIENT_MEV_BOOST:
                argf(c, "-%s", n);
                break;
        case CLIENT_SSV_NODE:
        case CLIENT_WIREGUARD:
        case _CLIENT_MAX:
        case _CLIENT_INVALID:
                break;
        }
}

static void geth_args(Cmd *c, const Config *cfg, Client client) {
        const ClientConfig *cc = &cfg->clients[client];
        const char *host = cc->endpoint.host;
        unsigned port = cc->endpoint.port, p2p = config_client_port(cfg, client, "P2P"),
                 rpc = cc->json_rpc_port, ws = config_ws_port(cfg, client);

        render_network_flag(c, client, cfg->network);
        argf(c, "--datadir=%s", cc->data_dir);
        argf(c, "--port=%u", p2p);
        argf(c, "--discovery.port=%u", p2p);
        argf(c, "--authrpc.addr=%s", host);
        argf(c, "--authrpc.port=%u", port);
        arg(c, "--authrpc.vhosts=*");
        arg_jwt(c, "--authrpc.jwtsecret=");
        arg(c, "--http");
        argf(c, "--http.addr=%s", host);
        argf(c, "--http.port=%u", rpc);
        arg(c, "--http.api=eth,net,web3,txpool,debug");
        arg(c, "--http.corsdomain=*");
        arg(c, "--ws");
        argf(c, "--ws.addr=%s", host);
        argf(c, "--ws.port=%u", ws);
        arg(c, "--ws.api=eth,net,web3,txpool,debug");
        arg(c, "--ws.origins=*");
        arg(c, "--metrics");
        arg(c, "--metrics.addr=127.0.0.1");
        argf(c, "--metrics.port=%u", config_client_port(cfg, client, "metrics"));
}

static void nethermind_args(Cmd *c, const Config *cfg, Client client) {
        const ClientConfig *cc = &cfg->clients[client];
        const char *host = cc->endpoint.host;
        unsigned port = cc->endpoint.port, p2p = config_client_port(cfg, client, "P2P"),
                 rpc = cc->json_rpc_port, ws = config_ws_port(cfg, client);

        /* Nethermind takes its options as separate words. */
        render_network_flag(c, client, cfg->network);
        arg(c, "--datadir");
        arg(c, cc->data_dir);
        arg(c, "--Network.P2PPort");
        argf(c, "%u", p2p);
        arg(c, "--Network.DiscoveryPort");
        argf(c, "%u", p2p);
        arg(c, "--JsonRpc.EngineHost");
        arg(c, host);
        arg(c, "--JsonRpc.EnginePort");
        argf(c, "%u", port);
        arg(c, "--JsonRpc.JwtSecretFile");
        arg_jwt(c, "");
        arg(c, "--JsonRpc.Enabled");
        arg(c, "true");
        arg(c, "--JsonRpc.Host");
        arg(c, host);
        arg(c, "--JsonRpc.Port");
        argf(c, "%u", rpc);
        arg(c, "--Init.WebSocketsEnabled");
        arg(c, "true");
        arg(c, "--JsonRpc.WebSocketsPort");
        argf(c, "%u", ws);
        arg(c, "--Metrics.Enabled");
        arg(c, "true");
        arg(c, "--Metrics.ExposeHost");
        arg(c, "127.0.0.1");
        arg(c, "--Metrics.ExposePort");
        argf(c, "%u", config_client_port(cfg, client, "metrics"));
}

static void besu_args(Cmd *c, const Config *cfg, Client client) {
        const ClientConfig *cc = &cfg->clients[client];
        const char *host = cc->endpoint.host;
        unsigned port = cc->endpoint.port, p2p = config_client_port(cfg, client, "P2P"),
                 rpc = cc->json_rpc_port, ws = config_ws_port(cfg, client);

        /* Besu's engine API listens on the JSON-RPC host. */
        render_network_flag(c, client, cfg->network);
        argf(c, "--data-path=%s", cc->data_dir);
        argf(c, "--p2p-port=%u", p2p);
        arg(c, "--engine-rpc-enabled=true");
        argf(c, "--engine-rpc-port=%u", port);
        arg(c, "--engine-host-allowlist=*");
        arg_jwt(c, "--engine-jwt-secret=");
        arg(c, "--rpc-http-enabled=true");
        argf(c, "--rpc-http-host=%s", host);
        argf(c, "--rpc-http-port=%u", rpc);
        arg(c, "--rpc-http-api=ETH,NET,WEB3,TXPOOL,DEBUG,TRACE");
        arg(c, "--rpc-http-cors-origins=*");
        arg(c, "--host-allowlist=*");
        arg(c, "--rpc-ws-enabled=true");
        argf(c, "--rpc-ws-host=%s", host);
        argf(c, "--rpc-ws-port=%u", ws);
        arg(c, "--rpc-ws-api=ETH,NET,WEB3,TXPOOL,DEBUG,TRACE");
        arg(c, "--metrics-enabled=true");
        arg(c, "--metrics-host=127.0.0.1");
        argf(c, "--metrics-port=%u", config_client_port(cfg, client, "metrics"));
}

static void erigon_args(Cmd *c, const Config *cfg, Client client) {
        const ClientConfig *cc = &cfg->clients[client];
        const char *host = cc->endpoint.host;
        unsigned port = cc->endpoint.port, p2p = config_client_port(cfg, client, "P2P"),
                 rpc = cc->json_rpc_port;

        render_network_flag(c, client, cfg->network);
        argf(c, "--datadir=%s", cc->data_dir);
        arg(c, "--externalcl");
        argf(c, "--port=%u", p2p);
        argf(c, "--torrent.port=%u", config_client_port(cfg, client, "torrent"));
        argf(c, "--authrpc.addr=%s", host);
        argf(c, "--authrpc.port=%u", port);
        arg(c, "--authrpc.vhosts=*");
        arg_jwt(c, "--authrpc.jwtsecret=");
        arg(c, "--http");
        argf(c, "--http.addr=%s", host);
        argf(c, "--http.port=%u", rpc);
        arg(c, "--http.api=eth,erigon,web3,net,debug,trace,txpool");
        arg(c, "--http.corsdomain=*");
        arg(c, "--ws");
        argf(c, "--private.api.addr=127.0.0.1:%u", config_client_port(cfg, client, "private API"));
        arg(c, "--metrics");
        arg(c, "--metrics.addr=127.0.0.1");
        argf(c, "--metrics.port=%u", config_client_port(cfg, client, "metrics"));
}

static void reth_args(Cmd *c, const Config *cfg, Client client) {
        const ClientConfig *cc = &cfg->clients[client];
        const char *host = cc->endpoint.host;
        unsigned port = cc->endpoint.port, p2p = config_client_port(cfg, client, "P2P"),
                 rpc = cc->json_rpc_port, ws = config_ws_port(cfg, client);

        render_network_flag(c, client, cfg->network);
        argf(c, "--datadir=%s", cc->data_dir);
        argf(c, "--port=%u", p2p);
        argf(c, "--discovery.port=%u", p2p);
        argf(c, "--discovery.v5.port=%u", config_client_port(cfg, client, "discovery v5"));
        argf(c, "--authrpc.addr=%s", host);
        argf(c, "--authrpc.port=%u", port);
        arg_jwt(c, "--authrpc.jwtsecret=");
        arg(c, "--http");
        argf(c, "--http.addr=%s", host);
        argf(c, "--http.port=%u", rpc);
        arg(c, "--http.api=eth,net,web3,txpool,debug,trace");
        arg(c, "--http.corsdomain=*");
        arg(c, "--ws");
        argf(c, "--ws.addr=%s", host);
        argf(c, "--ws.port=%u", ws);
        arg(c, "--ws.api=eth,net,web3,txpool,debug,trace");
        arg(c, "--ws.origins=*");
        argf(c, "--metrics=127.0.0.1:%u", config_client_port(cfg, client, "metrics"));
}

static void lighthouse_args(Cmd *c, const Config *cfg, Client client) {
        const ClientConfig *cc = &cfg->clients[client];
        const ClientConfig *mev = &cfg->clients[CLIENT_MEV_BOOST];
        const char *host = cc->endpoint.host, *el = cc->exec_endpoint.url, *cp = cc->checkpoint_sync_url;
        unsigned port = cc->endpoint.port, p2p = config_client_port(cfg, client, "P2P"),
                 metrics = config_client_port(cfg, client, "metrics");

        render_network_flag(c, client, cfg->network);
        argf(c, "--datadir=%s", cc->data_dir);
        arg(c, "--http");
        argf(c, "--http-address=%s", host);
        argf(c, "--http-port=%u", port);
        arg(c, "--http-allow-origin=*");
        argf(c, "--execution-endpoint=%s", el);
        arg_jwt(c, "--execution-jwt=");
        argf(c, "--port=%u", p2p);
        argf(c, "--quic-port=%u", config_client_port(cfg, client, "QUIC"));
        arg(c, "--prune-payloads=false");
        if (cc->slasher_enable) {
                arg(c, "--slasher");
                argf(c, "--slasher-history-length=%u", cc->slasher_history_length);
                argf(c, "--slasher-max-db-size=%u", cc->slasher_max_db_size);
        }
        if (mev->enable)
                argf(c, "--builder=%s", mev->endpoint.url);
        arg(c, "--metrics");
        arg(c, "--metrics-address=127.0.0.1");
        argf(c, "--metrics-port=%u", metrics);
        if (cp)
                argf(c, "--checkpoint-sync-url=%s", cp);
}

static void prysm_args(Cmd *c, const Config *cfg, Client client) {
        const ClientConfig *cc = &cfg->clients[client];
        const ClientConfig *mev = &cfg->clients[CLIENT_MEV_BOOST];
        const char *host = cc->endpoint.host, *el = cc->exec_endpoint.url, *cp = cc->checkpoint_sync_url;
        unsigned port = cc->endpoint.port, p2p = config_client_port(cfg, client, "P2P"),
                 metrics = config_client_port(cfg, client, "metrics");

        render_network_flag(c, client, cfg->network);
        argf(c, "--datadir=%s", cc->data_dir);
        arg(c, "--accept-terms-of-use");
        argf(c, "--http-host=%s", host);
        argf(c, "--http-port=%u", port);
        argf(c, "--execution-endpoint=%s", el);
        arg_jwt(c, "--jwt-secret=");
        argf(c, "--p2p-tcp-port=%u", p2p);
        argf(c, "--p2p-quic-port=%u", p2p);
        argf(c, "--p2p-udp-port=%u", config_client_port(cfg, client, "P2P discovery"));
        argf(c, "--rpc-port=%u", config_client_port(cfg, client, "gRPC"));
        if (mev->enable)
                argf(c, "--http-mev-relay=%s", mev->endpoint.url);
        if (cc->slasher_enable) {
                arg(c, "--historical-slasher-node");
                argf(c, "--slasher-datadir=%s/beacon/slasher_db", cc->data_dir);
        }
        arg(c, "--monitoring-host=127.0.0.1");
        argf(c, "--monitoring-port=%u", metrics);
        if (cp) {
                argf(c, "--checkpoint-sync-url=%s", cp);
                argf(c, "--genesis-beacon-api-url=%s", cp);
        }
}

static void teku_args(Cmd *c, const Config *cfg, Client client) {
        const ClientConfig *cc = &cfg->clients[client];
        const ClientConfig *mev = &cfg->clients[CLIENT_MEV_BOOST];
        const char *host = cc->endpoint.host, *el = cc->exec_endpoint.url, *cp = cc->checkpoint_sync_url;
        unsigned port = cc->endpoint.port, p2p = config_client_port(cfg, client, "P2P"),
                 metrics = config_client_port(cfg, client, "metrics");

        render_network_flag(c, client, cfg->network);
        argf(c, "--data-base-path=%s", cc->data_dir);
        arg(c, "--rest-api-enabled=true");
        argf(c, "--rest-api-interface=%s", host);
        argf(c, "--rest-api-port=%u", port);
        arg(c, "--rest-api-host-allowlist=*");
        argf(c, "--ee-endpoint=%s", el);
        arg_jwt(c, "--ee-jwt-secret-file=");
        argf(c, "--p2p-port=%u", p2p);
        argf(c, "--p2p-quic-port=%u", config_client_port(cfg, client, "QUIC"));
        if (mev->enable)
                argf(c, "--builder-endpoint=%s", mev->endpoint.url);
        arg(c, "--metrics-enabled=true");
        arg(c, "--metrics-interface=127.0.0.1");
        argf(c, "--metrics-port=%u", metrics);
        if (cp)
                argf(c, "--checkpoint-sync-url=%s", cp);
}

static void nimbus_args(Cmd *c, const Config *cfg, Client client) {
        const ClientConfig *cc = &cfg->clients[client];
        const ClientConfig *mev = &cfg->clients[CLIENT_MEV_BOOST];
        const char *host = cc->endpoint.host, *el = cc->exec_endpoint.url, *cp = cc->checkpoint_sync_url;
        unsigned port = cc->endpoint.port, p2p = config_client_port(cfg, client, "P2P"),
                 metrics = config_client_port(cfg, client, "metrics");

        render_network_flag(c, client, cfg->network);
        argf(c, "--data-dir=%s", cc->data_dir);
        arg(c, "--non-interactive");
        arg(c, "--rest=true");
        argf(c, "--rest-address=%s", host);
        argf(c, "--rest-port=%u", port);
        arg(c, "--rest-allow-origin=*");
        argf(c, "--el=%s", el);
        arg_jwt(c, "--jwt-secret=");
        argf(c, "--tcp-port=%u", p2p);
        argf(c, "--udp-port=%u", p2p);
        if (mev->enable) {
                arg(c, "--payload-builder=true");
                argf(c, "--payload-builder-url=%s", mev->endpoint.url);
        }
        arg(c, "--metrics=true");
        arg(c, "--metrics-address=127.0.0.1");
        argf(c, "--metrics-port=%u", metrics);
        if (cp)
                argf(c, "--external-beacon-api-url=%s", cp);
}

static void lodestar_args(Cmd *c, const Config *cfg, Client client) {
        const ClientConfig *cc = &cfg->clients[client];
        const ClientConfig *mev = &cfg->clients[CLIENT_MEV_BOOST];
        const char *host = cc->endpoint.host, *el = cc->exec_endpoint.url, *cp = cc->checkpoint_sync_url;
        unsigned port = cc->endpoint.port, p2p = config_client_port(cfg, client, "P2P"),
                 metrics = config_client_port(cfg, client, "metrics");

        render_network_flag(c, client, cfg->network);
        argf(c, "--dataDir=%s", cc->data_dir);
        arg(c, "--rest");
        argf(c, "--rest.address=%s", host);
        argf(c, "--rest.port=%u", port);
        arg(c, "--rest.cors=*");
        argf(c, "--execution.urls=%s", el);
        arg_jwt(c, "--jwtSecret=");
        argf(c, "--port=%u", p2p);
        if (mev->enable) {
                arg(c, "--builder");
                argf(c, "--builder.url=%s", mev->endpoint.url);
        }
        arg(c, "--metrics");
        arg(c, "--metrics.address=127.0.0.1");
        argf(c, "--metrics.port=%u", metrics);
        if (cp)
                argf(c, "--checkpointSyncUrl=%s", cp);
}

static void mev_boost_args(Cmd *c, const Config *cfg, Client client) {
        const ClientConfig *cc = &cfg->clients[CLIENT_MEV_BOOST];
        StrBuf relays = {};
        char addr[300];

        render_network_flag(c, client, cfg->network);
        arg(c, "-relay-check");
        arg(c, "-relays");
        STRV_FOREACH(r, cc->relays)
                sb_appendf(&relays, "%s%s", r == cc->relays ? "" : ",", *r);
        if (relays.err)
                c->b->err = relays.err;
        arg(c, strempty(relays.s));
        sb_done(&relays);
        arg(c, "-addr");
        host_port(addr, sizeof addr, cc->endpoint.host, cc->endpoint.port);
        arg(c, addr);
}

/* ssv-node reads a YAML file (it will not start without one) and lets the
 * environment override it: the settings go in Environment=, and the file is
 * written to the runtime directory as the service's user. A missing operator
 * key (and its password) is generated before the first start, as HomestakerOS
 * does, by a step with full privileges (the key may lie in a root-owned
 * directory); it hands the files to the service's user, mode 0600. Paths reach
 * both scripts as arguments, never inside the script text. */
static const char ssv_keygen_script[] =
        "set -eu; umask 077; "
        "if [ ! -e \"$2\" ]; then "
        "head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n' > \"$2.tmp\"; mv \"$2.tmp\" \"$2\"; "
        "fi; "
        "if [ ! -e \"$1\" ]; then "
        "d=$(mktemp -d); cd \"$d\"; "
        "\"$3\" generate-operator-keys --password-file=\"$2\"; "
        "mv encrypted_private_key.json \"$1\"; cd /; rmdir \"$d\"; "
        "fi; "
        "chown \"$4:$4\" \"$1\" \"$2\"; chmod 0600 \"$1\" \"$2\"";

static const char ssv_config_script[] =
        "printf 'global:\\n  LogLevel: info\\n' > \"$RUNTIME_DIRECTORY/config.yaml\"";

static const ClientConfig *first_enabled(const Config *cfg, Role role, Client *ret) {
        for (Client cl = 0; cl < _CLIENT_MAX; cl++)
                if (client_info(cl)->role == role && cfg->clients[cl].enable) {
                        *ret = cl;
                        return &cfg->clients[cl];
                }
        return NULL;
}

static void env_line(StrBuf *b, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void env_line(StrBuf *b, const char *name, const char *fmt, ...) {
        _cleanup_free_ char *value = NULL, *word = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&value, fmt, ap);
        va_end(ap);
        if (r < 0 || asprintf(&word, "%s=%s", name, value) < 0) {
                b->err = -ENOMEM;
                return;
        }
        /* Environment= expands specifiers but not variables: '%' is doubled, '$' is not. */
        sb_append(b, "Environment=\"");
        for (const char *p = word; *p; p++)
                switch (*p) {
                case '%':
                        sb_append(b, "%%");
                        break;
                case '"':
                case '\\':
                        sb_appendc(b, '\\');
                        sb_appendc(b, *p);
                        break;
                default:
                        sb_appendc(b, *p);
                }
        sb_append(b, "\"\n");
}

static void render_ssv_environment(StrBuf *b, const Config *cfg) {
        const ClientConfig *cc = &cfg->clients[CLIENT_SSV_NODE], *el, *cl;
        Client elc = CLIENT_GETH, clc = CLIENT_LIGHTHOUSE;
        char ws[300], beacon[300];

        el = first_enabled(cfg, ROLE_EXECUTION, &elc);
        cl = first_enabled(cfg, ROLE_CONSENSUS, &clc);
        if (!el || !cl)
                return;
        host_port(ws, sizeof ws, endpoint_connect_host(&el->endpoint), config_ws_port(cfg, elc));
        host_port(beacon, sizeof beacon, endpoint_connect_host(&cl->endpoint), cl->endpoint.port);

        env_line(b, "NETWORK", "%s", network_to_string(cfg->network));
        env_line(b, "BEACON_NODE_ADDR", "%s://%s", cl->endpoint.https ? "https" : "http", beacon);
        env_line(b, "ETH_1_ADDR", "ws://%s", ws);
        env_line(b, "DB_PATH", "%s/db", cc->data_dir);
        env_line(b, "LOG_FILE_PATH", "%s/debug.log", cc->data_dir);
        env_line(b, "PRIVATE_KEY_FILE", "%s", cc->private_key_file);
        env_line(b, "PASSWORD_FILE", "%s", cc->private_key_password_file);
        env_line(b, "TCP_PORT", "%u", config_client_port(cfg, CLIENT_SSV_NODE, "P2P"));
        env_line(b, "UDP_PORT", "%u", config_client_port(cfg, CLIENT_SSV_NODE, "P2P discovery"));
        env_line(b, "METRICS_API_PORT", "%u", config_client_port(cfg, CLIENT_SSV_NODE, "metrics"));
}

static const char *client_doc(Client client) {
        static const char * const table[_CLIENT_MAX] = {
                [CLIENT_GETH] = "https://geth.ethereum.org/docs/fundamentals/command-line-options",
                [CLIENT_NETHERMIND] = "https://docs.nethermind.io/fundamentals/configuration",
                [CLIENT_BESU] = "https://besu.hyperledger.org/public-networks/reference/cli/options",
                [CLIENT_ERIGON] = "https://docs.erigon.tech",
                [CLIENT_RETH] = "https://reth.rs/cli/reth/node",
                [CLIENT_LIGHTHOUSE] = "https://lighthouse-book.sigmaprime.io/help_bn.html",
                [CLIENT_PRYSM] = "https://docs.prylabs.network/docs/prysm-usage/parameters",
                [CLIENT_TEKU] = "https://docs.teku.consensys.io/reference/cli",
                [CLIENT_NIMBUS] = "https://nimbus.guide/options.html",
                [CLIENT_LODESTAR] = "https://chainsafe.github.io/lodestar/run/beacon-management/beacon-cli",
                [CLIENT_MEV_BOOST] = "https://github.com/flashbots/mev-boost",
                [CLIENT_SSV_NODE] = "https://docs.ssv.network",
                [CLIENT_WIREGUARD] = "man:wg-quick(8)",
        };
        return table[client];
}

static const char *role_title(Client client) {
        switch (client_info(client)->role) {
        case ROLE_EXECUTION:
                return "Ethereum execution client";
        case ROLE_CONSENSUS:
                return "Ethereum consensus client";
        case ROLE_ADDON:
                return client == CLIENT_MEV_BOOST ? "MEV-Boost relay client" : "SSV distributed validator node";
        case ROLE_VPN:
                return "WireGuard VPN";
        case _ROLE_MAX:
        case _ROLE_INVALID:
                break;
        }
        return "service";
}

/* The sandbox every client runs in; JIT runtimes keep writable+executable
 * memory, and a few clients need system calls outside @system-service. */
static void render_hardening(StrBuf *b, Client client) {
        const ClientInfo *info = client_info(client);

        sb_append(b,
                  "NoNewPrivileges=yes\n"
                  "CapabilityBoundingSet=\n"
                  "AmbientCapabilities=\n"
                  "ProtectSystem=strict\n"
                  "ProtectHome=yes\n"
                  "PrivateTmp=yes\n"
                  "PrivateDevices=yes\n"
                  "PrivateUsers=yes\n"
                  "PrivateIPC=yes\n"
                  "ProtectHostname=yes\n"
                  "ProtectClock=yes\n"
                  "ProtectKernelTunables=yes\n"
                  "ProtectKernelModules=yes\n"
                  "ProtectKernelLogs=yes\n"
                  "ProtectControlGroups=yes\n"
                  "ProtectProc=invisible\n"
                  "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK\n"
                  "RestrictNamespaces=yes\n"
                  "RestrictRealtime=yes\n"
                  "RestrictSUIDSGID=yes\n"
                  "RemoveIPC=yes\n"
                  "LockPersonality=yes\n"
                  "KeyringMode=private\n"
                  "DevicePolicy=closed\n");
        if (!info->wx_memory)
                sb_append(b, "MemoryDenyWriteExecute=yes\n");
        sb_append(b, "SystemCallArchitectures=native\n"
                     "SystemCallFilter=@system-service\n"
                     "SystemCallFilter=~@privileged\n");
        if (info->syscalls_extra)
                sb_appendf(b, "SystemCallFilter=%s\n", info->syscalls_extra);
        sb_append(b, "SystemCallErrorNumber=EPERM\n");
}

static void ssv_node_args(Cmd *c, const Config *cfg, Client client) {
        (void) cfg;
        (void) client;
        arg_specifier(c, "--config=%t/ssv-node/config.yaml");
}

typedef void (*ArgsFunc)(Cmd *c, const Config *cfg, Client client);

static const ArgsFunc client_args[_CLIENT_MAX] = {
        [CLIENT_GETH] = geth_args,
        [CLIENT_NETHERMIND] = nethermind_args,
        [CLIENT_BESU] = besu_args,
        [CLIENT_ERIGON] = erigon_args,
        [CLIENT_RETH] = reth_args,
        [CLIENT_LIGHTHOUSE] = lighthouse_args,
        [CLIENT_PRYSM] = prysm_args,
        [CLIENT_TEKU] = teku_args,
        [CLIENT_NIMBUS] = nimbus_args,
        [CLIENT_LODESTAR] = lodestar_args,
        [CLIENT_MEV_BOOST] = mev_boost_args,
        [CLIENT_SSV_NODE] = ssv_node_args,
};

static void render_wireguard(StrBuf *b, const RenderContext *ctx) {
        const Config *cfg = ctx->config;
        Cmd c = { b };

        sb_appendf(b, "[Unit]\nDescription=WireGuard VPN %s (vpn.wireguard)\n", cfg->wireguard_interface);
        sb_appendf(b, "Documentation=%s\n", client_doc(CLIENT_WIREGUARD));
        /* As Debian's wg-quick@.service: after the network is online (and
         * names resolve, for endpoints). Not Before=network.target as well:
         * network-online.target is after network.target, so that is a cycle,
         * which systemd breaks by dropping a job (at shutdown, the stop of
         * network-online.target). The clients are ordered after this unit. */
        sb_append(b, "Wants=network-online.target nss-lookup.target\n"
                     "After=network-online.target nss-lookup.target\n");
        sb_append(b, "RequiresMountsFor=");
        append_path(b, cfg->wireguard_config_file);
        sb_append(b, "\n\n[Service]\nType=oneshot\nRemainAfterExit=yes\n");
        sb_append(b, "ExecStart=");
        cmdline_append_word(b, ctx->executable, false);
        arg(&c, "up");
        arg(&c, cfg->wireguard_config_file);
        sb_append(b, "\nExecStop=");
        cmdline_append_word(b, ctx->executable, false);
        arg(&c, "down");
        arg(&c, cfg->wireguard_config_file);
        /* wg-quick needs root with CAP_NET_ADMIN, sysctls and resolvconf:
         * confine what does not get in its way. */
        sb_append(b, "\nTimeoutStopSec=30s\n"
                     "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW\n"
                     "NoNewPrivileges=yes\n"
                     "ProtectHome=yes\n"
                     "PrivateTmp=yes\n"
                     "ProtectClock=yes\n"
                     "ProtectKernelLogs=yes\n"
                     "ProtectControlGroups=yes\n"
                     "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK\n"
                     "RestrictRealtime=yes\n"
                     "RestrictSUIDSGID=yes\n"
                     "LockPersonality=yes\n"
                     "MemoryDenyWriteExecute=yes\n"
                     "SystemCallArchitectures=native\n");
}

int render_unit(const RenderContext *ctx, Client client, char **ret) {
        const Config *cfg = ctx->config;
        const ClientInfo *info = client_info(client);
        const ClientConfig *cc = &cfg->clients[client];
        bool jwt = info->role == ROLE_EXECUTION || info->role == ROLE_CONSENSUS;
        StrBuf b = {};
        Cmd c = { &b };

        sb_appendf(&b, "# Written by hsos-agent from node.json (%s) on every boot; edit node.json, not this file.\n",
                   config_client_path(client));
        if (client == CLIENT_WIREGUARD) {
                render_wireguard(&b, ctx);
                return sb_steal(&b, ret);
        }

        sb_appendf(&b, "[Unit]\nDescription=%s %s (%s)\n", role_title(client), info->name,
                   network_to_string(cfg->network));
        sb_appendf(&b, "Documentation=%s\n", client_doc(client));
        sb_append(&b, "Wants=network-online.target\nAfter=network-online.target");
        STRV_FOREACH(a, ctx->after)
                sb_appendf(&b, " %s", *a);
        sb_appendc(&b, '\n');
        if (cc->data_dir && client != CLIENT_MEV_BOOST) {
                sb_append(&b, "RequiresMountsFor=");
                append_path(&b, cc->data_dir);
                if (jwt) {
                        sb_appendc(&b, ' ');
                        append_path(&b, cc->jwt_secret_file);
                }
                sb_appendc(&b, '\n');
        }
        /* A client that keeps failing is restarted for ever, as HomestakerOS does. */
        sb_append(&b, "StartLimitIntervalSec=0\n");

        sb_appendf(&b, "\n[Service]\nType=simple\nUser=%s\nGroup=%s\n", info->name, info->name);
        if (jwt) {
                sb_append(&b, "LoadCredential=" JWT_CREDENTIAL ":");
                append_path(&b, cc->jwt_secret_file);
                sb_appendc(&b, '\n');
        }
        if (client == CLIENT_SSV_NODE) {
                sb_append(&b, "RuntimeDirectory=ssv-node\nRuntimeDirectoryMode=0700\nWorkingDirectory=");
                append_path(&b, cc->data_dir);
                sb_appendc(&b, '\n');
                render_ssv_environment(&b, cfg);
                sb_append(&b, "ExecStartPre=+/bin/sh -c ");
                cmdline_append_word(&b, ssv_keygen_script, true);
                arg(&c, "sh");
                arg(&c, cc->private_key_file);
                arg(&c, cc->private_key_password_file);
                arg(&c, ctx->executable);
                arg(&c, info->name);
                sb_append(&b, "\nExecStartPre=/bin/sh -c ");
                cmdline_append_word(&b, ssv_config_script, true);
                sb_appendc(&b, '\n');
        }

        sb_append(&b, "ExecStart=");
        cmdline_append_word(&b, ctx->executable, false);
        if (info->subcommand)
                arg(&c, info->subcommand);
        client_args[client](&c, cfg, client);
        /* extraOptions: HomestakerOS's words, each written back quoted. */
        STRV_FOREACH(w, cc->extra_args) {
                sb_append(&b, " \\\n        ");
                cmdline_append_word(&b, *w, true);
        }
        sb_appendc(&b, '\n');

        sb_appendf(&b, "Restart=always\nRestartSec=5s\nTimeoutStopSec=%us\n", info->timeout_stop_sec);
        if (client == CLIENT_NIMBUS)
                sb_append(&b, "RestartPreventExitStatus=129\n"); /* doppelganger detected */
        sb_append(&b, "UMask=0077\n");
        if (cc->data_dir && client != CLIENT_MEV_BOOST) {
                sb_append(&b, "ReadWritePaths=");
                append_path(&b, cc->data_dir);
                sb_appendc(&b, '\n');
        }
        render_hardening(&b, client);
        return sb_steal(&b, ret);
}

int render_mount_dropin(const MountConfig *m, char **ret) {
        StrBuf b = {};

        sb_appendf(&b, "# Written by hsos-agent from node.json (mounts.%s.before) on every boot.\n", m->name);
        sb_append(&b, "[Unit]\nRequiresMountsFor=");
        append_path(&b, m->where);
        sb_appendc(&b, '\n');
        return sb_steal(&b, ret);
}
