/* SPDX-License-Identifier: MIT */
#pragma once

/* node.json: the HomestakerOS node configuration, parsed into typed structs
 * with every default applied, and checked against every rule of the contract
 * (docs/configuration.md). Pure: the caller hands in the bytes. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hsos/clients.h"

#define CONFIG_SIZE_MAX (1024 * 1024)
#define CONFIG_DEPTH_MAX 64
#define CONFIG_DEFAULT_PATH "/etc/hsos/node.json"

/* A parsed http(s)://host:port URL. host is without brackets. */
typedef struct Endpoint {
        char *url;
        bool https;
        char *host;
        uint16_t port;
        int family;      /* AF_INET, AF_INET6 for IP literals, AF_UNSPEC for names */
        bool loopback;   /* 127.0.0.0/8, ::1, localhost */
        bool wildcard;   /* 0.0.0.0 or :: */
} Endpoint;

typedef struct MountConfig {
        char *name;
        bool enable;
        char *description;
        char *what;
        char *where;     /* simplified: no trailing or repeated slashes */
        char *type;
        char *options;
        char **wanted_by;
        char **before;
} MountConfig;

typedef struct ClientConfig {
        Client client;
        bool enable;
        Endpoint endpoint;        /* listen address (not for ssv-node) */
        Endpoint exec_endpoint;   /* consensus: where the engine API is */
        char *data_dir;
        char *jwt_secret_file;
        char **extra_options;     /* as written in node.json */
        char **extra_args;        /* split into words as systemd splits them */
        uint16_t p2p_port;        /* HomestakerOS "port" */
        uint16_t json_rpc_port;   /* HomestakerOS "jsonRpcPort" */
        bool slasher_enable;
        unsigned slasher_history_length;
        unsigned slasher_max_db_size;
        char *checkpoint_sync_url; /* NULL: none */
        char **relays;            /* mev-boost */
        char *private_key_file;   /* ssv-node operator key */
        char *private_key_password_file;
} ClientConfig;

typedef struct EtcdConfig {
        bool enable;
        char **endpoints;
        char *prefix;
        char *username;
        char *password_file;
        char *ca_file;
        unsigned member_interval_sec; /* the member key, unchanged, rewritten at most this often */
} EtcdConfig;

typedef struct HttpControllerConfig {
        bool enable;
        char *url;
        char *token_file;
        char *ca_file;
} HttpControllerConfig;

/* agent.firewall: the agent's nftables table (docs/configuration.md). */
typedef struct FirewallConfig {
        bool enable;
        uint16_t *allow_tcp;      /* the operator's own ports, in document order */
        size_t n_allow_tcp;
        uint16_t *allow_udp;
        size_t n_allow_udp;
} FirewallConfig;

typedef struct AgentConfig {
        char *status_socket;
        unsigned report_interval_sec;
        unsigned probe_timeout_ms;
        unsigned device_timeout_sec;
        char *journal_dir;        /* "" = off */
        char *metrics_textfile;   /* "" = off */
        char *packages[_CLIENT_MAX];
        EtcdConfig etcd;
        HttpControllerConfig http;
        FirewallConfig firewall;
} AgentConfig;

typedef struct Config {
        char *hostname;
        char *timezone;
        MountConfig *mounts;      /* in document order */
        size_t n_mounts;
        char **ssh_authorized_keys;
        char *ssh_private_key_file;
        bool wireguard_enable;
        char *wireguard_config_file;
        char *wireguard_interface;
        ClientConfig clients[_CLIENT_MAX]; /* indexed by Client; wireguard unused */
        Network network;
        AgentConfig agent;
} Config;

Config *config_free(Config *c);
static inline void config_freep(Config **c) {
        config_free(*c);
}

/* Parses and validates node.json. Returns 0 and the config when valid.
 * When the content is invalid in any way, returns -EINVAL and every error
 * found in *ret_errors ("json.path: message" or "file: message" for errors
 * about the document as a whole). -ENOMEM on allocation failure. */
int config_parse(const char *data, size_t size, Config **ret, char ***ret_errors);

/* Parses "http(s)://host:port[/path]"; on failure returns -EINVAL and a
 * message in *ret_error. */
int endpoint_parse(const char *url, bool need_port, Endpoint *ret, char **ret_error);
void endpoint_done(Endpoint *e);

/* The clients in table order that the config enables (mev-boost included,
 * ssv-node and wireguard not: the plan decides those). */
bool config_client_enabled(const Config *c, Client client);
size_t config_count_enabled(const Config *c, Role role);

/* Default relays HomestakerOS's module lists for mainnet. */
extern const char * const mainnet_default_relays[];

/* Takes every path the agent creates or checks (mount points, data dirs,
 * secrets) below root, for an initrd mounting the future root at /sysroot. */
int config_rebase(Config *c, const char *root);

/* The JSON path of a client's section: "execution.geth", "addons.mev-boost". */
const char *config_client_path(Client client);

/* Whether ssv-node is part of the node (HomestakerOS's rule: an execution and
 * a consensus client enabled, and its dataDir under an enabled mount of a
 * persistent type). When not, *ret_reason says why (may be NULL). */
int config_ssv_enabled(const Config *c, bool *ret, char **ret_reason);

/* File systems whose source is a name or a server's export, not a device. */
bool fstype_has_free_source(const char *type);

/* File system types that do not survive a reboot. */
bool fstype_is_volatile(const char *fstype);

/* The enabled mount whose mount point holds path most closely, or NULL. */
const MountConfig *config_mount_holding(const Config *c, const char *path);

/* The port of that kind a client listens on, after the config's port keys;
 * -ENOENT when its table has no port of that kind. */
int config_client_port(const Config *c, Client client, PortKind kind);
/* The WebSocket port of an execution client (its JSON-RPC port or next to it). */
unsigned config_ws_port(const Config *c, Client client);
/* A host to connect to a listening endpoint: the wildcard becomes loopback. */
const char *endpoint_connect_host(const Endpoint *e);
/* The address a client binds for a listening endpoint: "localhost" (the
 * one host name a listening endpoint may have) as 127.0.0.1, since
 * lighthouse, nimbus and reth take only IP addresses there. */
const char *endpoint_bind_host(const Endpoint *e);
