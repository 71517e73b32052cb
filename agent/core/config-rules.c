/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "hsos/config.h"
#include "hsos/render.h"
#include "hsos/util.h"
#include "config-internal.h"

const char *config_client_path(Client client) {
        const ClientInfo *info = client_info(client);

        return info ? info->config_path : NULL;
}

static int rebase_one(char **path, const char *root) {
        char *s;

        if (!*path || isempty(*path))
                return 0;
        if (path_join(root, *path, &s) < 0)
                return -ENOMEM;
        free(*path);
        *path = s;
        return 0;
}

int config_rebase(Config *c, const char *root) {
        if (isempty(root) || streq(root, "/"))
                return 0;
        for (size_t i = 0; i < c->n_mounts; i++)
                if (rebase_one(&c->mounts[i].where, root) < 0)
                        return -ENOMEM;
        for (Client cl = 0; cl < _CLIENT_MAX; cl++) {
                ClientConfig *cc = &c->clients[cl];
                if (rebase_one(&cc->data_dir, root) < 0 || rebase_one(&cc->jwt_secret_file, root) < 0 ||
                    rebase_one(&cc->private_key_file, root) < 0 ||
                    rebase_one(&cc->private_key_password_file, root) < 0)
                        return -ENOMEM;
        }
        if (rebase_one(&c->ssh_private_key_file, root) < 0 || rebase_one(&c->wireguard_config_file, root) < 0)
                return -ENOMEM;
        return 0;
}

bool fstype_is_volatile(const char *fstype) {
        static const char * const table[] = {
                "tmpfs", "ramfs", "rootfs", "overlay", "squashfs", "devtmpfs", "proc", "sysfs",
                "cgroup", "cgroup2", "devpts", "mqueue", "hugetlbfs", "debugfs", "tracefs",
                "securityfs", "pstore", "bpf", "configfs", "fusectl", "efivarfs", "autofs",
                "binfmt_misc", "nsfs", "zram",
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (streq(table[i], fstype))
                        return true;
        return false;
}

/* File systems whose source is not a block device: any name (tmpfs), or a
 * server's export (nfs, cifs). */
bool fstype_has_free_source(const char *type) {
        static const char * const table[] = {
                "tmpfs", "ramfs", "overlay", "nfs", "nfs4", "cifs", "smb3", "9p", "virtiofs",
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (streq(table[i], type))
                        return true;
        return startswith(type, "fuse.") != NULL;
}

const MountConfig *config_mount_holding(const Config *c, const char *path) {
        const MountConfig *best = NULL;

        for (size_t i = 0; i < c->n_mounts; i++) {
                const MountConfig *m = &c->mounts[i];

                if (!m->enable || !m->where || !path_startswith_dir(path, m->where))
                        continue;
                if (!best || strlen(m->where) > strlen(best->where))
                        best = m;
        }
        return best;
}

int config_ssv_enabled(const Config *c, bool *ret, char **ret_reason) {
        const ClientConfig *ssv = &c->clients[CLIENT_SSV_NODE];
        const MountConfig *m;
        char *reason = NULL;
        int r = 0;

        if (config_count_enabled(c, ROLE_EXECUTION) == 0 || config_count_enabled(c, ROLE_CONSENSUS) == 0)
                r = asprintf(&reason, "it needs an execution and a consensus client enabled");
        else if (!ssv->data_dir || !(m = config_mount_holding(c, ssv->data_dir)))
                r = asprintf(&reason, "its dataDir %s is not under an enabled mount", strempty(ssv->data_dir));
        else if (fstype_is_volatile(m->type))
                r = asprintf(&reason, "its dataDir %s is under mount %s of type %s, which is not persistent",
                             ssv->data_dir, m->name, m->type);
        if (r < 0)
                return -ENOMEM;
        *ret = !reason;
        if (ret_reason)
                *ret_reason = reason;
        else
                free(reason);
        return 0;
}

static void check_mount_points(Parser *p, const Config *c) {
        for (size_t i = 0; i < c->n_mounts; i++) {
                const MountConfig *a = &c->mounts[i];

                if (!a->enable || !a->where)
                        continue;
                for (size_t j = 0; j < i; j++) {
                        const MountConfig *b = &c->mounts[j];
                        _cleanup_free_ char *path = NULL;

                        if (!b->enable || !b->where || !streq(a->where, b->where))
                                continue;
                        _cleanup_free_ char *mp = parser_child(p, "mounts", a->name);
                        path = mp ? parser_child(p, mp, "where") : NULL;
                        if (path)
                                parser_error(p, path, "\"%s\" is also the mount point of mounts.%s; "
                                             "two enabled mounts cannot share one mount point", a->where, b->name);
                        break;
                }
        }
}

typedef struct Listener {
        Client client;
        const char *what;
        const char *key;     /* the key that sets it, or NULL for a fixed port */
        const char *host;    /* NULL: all addresses */
        uint16_t port;
        unsigned protos;
} Listener;

static const char *listen_host(const Endpoint *e) {
        return e->wildcard ? NULL : endpoint_bind_host(e);
}

static bool listeners_clash(const Listener *a, const Listener *b) {
        if (a->port != b->port || !(a->protos & b->protos))
                return false;
        return !a->host || !b->host || streq(a->host, b->host);
}

static unsigned port_value(const ClientConfig *cc, const ClientPort *cp) {
        switch (cp->move) {
        case MOVE_P2P:
                return cc->p2p_port ?: cp->port;
        case MOVE_P2P_OFFSET:
                return (unsigned) (cc->p2p_port ?: client_default_p2p_port(cc->client)) + cp->port;
        case MOVE_JSON_RPC:
                return cc->json_rpc_port ?: cp->port;
        case MOVE_JSON_RPC_OFFSET:
                return (unsigned) (cc->json_rpc_port ?: 8545) + cp->port;
        case MOVE_FIXED:
                return cp->port;
        }
        return 0;
}

int config_client_port(const Config *c, Client client, PortKind kind) {
        const ClientPort *cp = client_port(client, kind);

        if (!cp)
                return -ENOENT;
        return (int) port_value(&c->clients[client], cp);
}

unsigned config_ws_port(const Config *c, Client client) {
        int ws = config_client_port(c, client, PORT_WS);

        /* Without a WebSocket port of its own, it is served on the JSON-RPC port. */
        return ws >= 0 ? (unsigned) ws : c->clients[client].json_rpc_port;
}

const char *endpoint_bind_host(const Endpoint *e) {
        return e->host && streq(e->host, "localhost") ? "127.0.0.1" : e->host;
}

const char *endpoint_connect_host(const Endpoint *e) {
        if (!e->wildcard)
                return e->host;
        return e->family == AF_INET6 ? "::1" : "127.0.0.1";
}

static size_t collect(const Config *c, Client cl, Listener *out) {
        const ClientInfo *info = client_info(cl);
        const ClientConfig *cc = &c->clients[cl];
        const char *host = cc->endpoint.host ? listen_host(&cc->endpoint) : "127.0.0.1";
        size_t n = 0;

        if (cc->endpoint.host && cc->endpoint.port > 0)
                out[n++] = (Listener) {
                        .client = cl,
                        .what = info->role == ROLE_EXECUTION ? "engine API" :
                                info->role == ROLE_CONSENSUS ? "REST API" : "builder API",
                        .key = "endpoint", .host = host, .port = cc->endpoint.port, .protos = PROTO_TCP,
                };
        for (size_t i = 0; i < info->n_ports; i++) {
                const ClientPort *cp = &info->ports[i];
                Listener l = { .client = cl, .what = cp->what, .protos = cp->protos };
                unsigned port = port_value(cc, cp);

                switch (cp->move) {
                case MOVE_P2P:
                case MOVE_P2P_OFFSET:
                        l.key = "port";
                        break;
                case MOVE_JSON_RPC:
                case MOVE_JSON_RPC_OFFSET:
                        l.key = "jsonRpcPort";
                        break;
                case MOVE_FIXED:
                        break;
                }
                if (port == 0 || port > 65535)
                        continue;
                l.port = (uint16_t) port;
                switch (cp->bind) {
                case BIND_ANY:
                        l.host = NULL;
                        break;
                case BIND_ENDPOINT:
                        l.host = host;
                        break;
                case BIND_LOOPBACK:
                        l.host = "127.0.0.1";
                        break;
                }
                out[n++] = l;
        }
        return n;
}

static void describe_listener(StrBuf *b, const Listener *l) {
        if (!l->host)
                sb_appendf(b, "port %u on all addresses (%s)", l->port, l->what);
        else if (strchr(l->host, ':'))
                sb_appendf(b, "[%s]:%u (%s)", l->host, l->port, l->what);
        else
                sb_appendf(b, "%s:%u (%s)", l->host, l->port, l->what);
}

static void check_ports(Parser *p, const Config *c, bool ssv) {
        Listener all[_CLIENT_MAX * (CLIENT_PORTS_MAX + 1)];
        size_t n = 0;

        for (Client cl = 0; cl < _CLIENT_MAX; cl++) {
                if (cl == CLIENT_WIREGUARD)
                        continue;
                if (cl == CLIENT_SSV_NODE ? !ssv : !c->clients[cl].enable)
                        continue;
                n += collect(c, cl, all + n);
        }

        for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < i; j++) {
                        const Listener *a = &all[i], *b = &all[j];
                        _cleanup_free_ char *path = NULL, *msg = NULL;
                        StrBuf sb = {};

                        if (!listeners_clash(a, b))
                                continue;
                        path = a->key ? parser_child(p, config_client_path(a->client), a->key)
                                      : strdup(config_client_path(a->client));
                        if (!path) {
                                p->r = -ENOMEM;
                                return;
                        }
                        sb_appendf(&sb, "%s would listen on ", client_to_string(a->client));
                        describe_listener(&sb, a);
                        sb_appendf(&sb, ", which %s already uses for ", client_to_string(b->client));
                        describe_listener(&sb, b);
                        if (a->client == b->client)
                                sb_append(&sb, "; give them different ports");
                        else
                                sb_append(&sb, "; two enabled clients cannot listen on the same address and port");
                        if (sb_steal(&sb, &msg) < 0) {
                                p->r = -ENOMEM;
                                return;
                        }
                        parser_error(p, path, "%s", msg);
                        break;
                }
}

/* A port the extraOptions give a client must be a port: it becomes a rule of
 * the firewall, and a word such as "--p2p-port=22;" never reaches one. */
static void check_extra_option_ports(Parser *p, const Config *c) {
        for (Client cl = 0; cl < _CLIENT_MAX; cl++) {
                _cleanup_free_ char *err = NULL, *path = NULL;
                ListenPort ports[LISTEN_PORTS_MAX];
                size_t n;
                int r;

                if (cl == CLIENT_WIREGUARD || !c->clients[cl].enable)
                        continue;
                r = render_listen_ports(c, cl, ports, &n, &err);
                if (r == -ENOMEM) {
                        p->r = r;
                        return;
                }
                if (r >= 0)
                        continue;
                path = parser_child(p, config_client_path(cl), "extraOptions");
                if (path)
                        parser_error(p, path, "%s", err ?: "sets a port that is not a port");
        }
}

void config_check_rules(Parser *p, Config *c) {
        bool ssv = false;

        check_mount_points(p, c);
        if (config_ssv_enabled(c, &ssv, NULL) < 0) {
                p->r = -ENOMEM;
                return;
        }
        check_ports(p, c, ssv);
        check_extra_option_ports(p, c);
}
