/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>

#include <cJSON.h>

#include "hsos/clients.h"
#include "hsos/util.h"

/* The names Nix reads (nix/lib/firewall.nix), in its camelCase. */
static const char *port_kind_name(PortKind k) {
        switch (k) {
        case PORT_P2P:
                return "p2p";
        case PORT_P2P_SECOND:
                return "p2pSecond";
        case PORT_DISCOVERY:
                return "discovery";
        case PORT_DISCOVERY_V5:
                return "discoveryV5";
        case PORT_QUIC:
                return "quic";
        case PORT_TORRENT:
                return "torrent";
        case PORT_JSON_RPC:
                return "jsonRpc";
        case PORT_WS:
                return "ws";
        case PORT_PRIVATE_API:
                return "privateApi";
        case PORT_GRPC:
                return "grpc";
        case PORT_METRICS:
                return "metrics";
        case _PORT_KIND_MAX:
        case _PORT_KIND_INVALID:
                break;
        }
        return NULL;
}

static const char *port_move_name(PortMove m) {
        switch (m) {
        case MOVE_FIXED:
                return "fixed";
        case MOVE_P2P:
                return "p2p";
        case MOVE_P2P_OFFSET:
                return "p2pOffset";
        case MOVE_JSON_RPC:
                return "jsonRpc";
        case MOVE_JSON_RPC_OFFSET:
                return "jsonRpcOffset";
        }
        return NULL;
}

static const char *port_bind_name(PortBind b) {
        switch (b) {
        case BIND_ANY:
                return "any";
        case BIND_ENDPOINT:
                return "endpoint";
        case BIND_LOOPBACK:
                return "loopback";
        }
        return NULL;
}

static cJSON *drop(cJSON *v) {
        cJSON_Delete(v);
        return NULL;
}

/* Adds v to o under key (to an array if key is NULL); frees v if it cannot.
 * False when v is NULL (not made) or not added. */
static bool add(cJSON *o, const char *key, cJSON *v) {
        if (!v)
                return false;
        if (key ? cJSON_AddItemToObject(o, key, v) : cJSON_AddItemToArray(o, v))
                return true;
        cJSON_Delete(v);
        return false;
}

static cJSON *protos_json(unsigned protos) {
        cJSON *a = cJSON_CreateArray();

        if (a && (((protos & PROTO_TCP) && !add(a, NULL, cJSON_CreateString("tcp"))) ||
                  ((protos & PROTO_UDP) && !add(a, NULL, cJSON_CreateString("udp")))))
                a = drop(a);
        return a;
}

static cJSON *port_json(const ClientPort *cp) {
        cJSON *o = cJSON_CreateObject();

        if (o && (!add(o, "kind", cJSON_CreateString(port_kind_name(cp->kind))) ||
                  !add(o, "move", cJSON_CreateString(port_move_name(cp->move))) ||
                  !add(o, "port", cJSON_CreateNumber(cp->port)) ||
                  !add(o, "bind", cJSON_CreateString(port_bind_name(cp->bind))) ||
                  !add(o, "protos", protos_json(cp->protos))))
                o = drop(o);
        return o;
}

/* An option that moves a port, by all its spellings. */
static cJSON *port_option_json(Client client, const ClientPortOption *po) {
        const char * const *names = client_option_names(client, po->name);
        cJSON *o = cJSON_CreateObject(), *n = cJSON_CreateArray();

        if (!add(o, "names", n)) {
                cJSON_Delete(o);
                return NULL;
        }
        for (const char * const *s = names; s && *s; s++)
                if (!add(n, NULL, cJSON_CreateString(*s)))
                        return drop(o);
        if (!add(o, "kind", cJSON_CreateString(port_kind_name(po->kind))) ||
            !add(o, "protos", protos_json(po->protos)))
                o = drop(o);
        return o;
}

static cJSON *syntax_json(const ClientOptions *opts) {
        cJSON *o = cJSON_CreateObject();

        if (o && (!add(o, "singleDash", cJSON_CreateBool(opts->single_dash)) ||
                  !add(o, "ignoreCase", cJSON_CreateBool(opts->ignore_case)) ||
                  !add(o, "ignoreUnderscore", cJSON_CreateBool(opts->ignore_underscore)) ||
                  !add(o, "colonValue", cJSON_CreateBool(opts->colon_value)) ||
                  !add(o, "shortAttached", cJSON_CreateBool(opts->short_attached))))
                o = drop(o);
        return o;
}

static cJSON *client_json(Client client) {
        const ClientInfo *info = client_info(client);
        cJSON *o = cJSON_CreateObject(), *ports = cJSON_CreateArray(), *options = cJSON_CreateArray();

        for (size_t i = 0; ports && i < info->n_ports; i++)
                if (!add(ports, NULL, port_json(&info->ports[i])))
                        ports = drop(ports);
        for (size_t i = 0; options && i < info->n_port_options; i++)
                if (!add(options, NULL, port_option_json(client, &info->port_options[i])))
                        options = drop(options);
        if (!o || !add(o, "role", cJSON_CreateString(role_to_string(info->role))) ||
            !add(o, "endpoint", info->default_endpoint ? cJSON_CreateString(info->default_endpoint)
                                                       : cJSON_CreateNull()) ||
            !add(o, "ports", TAKE_PTR(ports)) ||
            !add(o, "syntax", syntax_json(&info->options)) ||
            !add(o, "options", TAKE_PTR(options))) {
                cJSON_Delete(ports);
                cJSON_Delete(options);
                return drop(o);
        }
        return o;
}

int clients_json(char **ret) {
        cJSON *root = cJSON_CreateObject();
        char *text;

        if (!root)
                return -ENOMEM;
        for (Client c = 0; c < _CLIENT_MAX; c++)
                if (!add(root, client_to_string(c), client_json(c))) {
                        cJSON_Delete(root);
                        return -ENOMEM;
                }
        text = cJSON_Print(root);
        cJSON_Delete(root);
        if (!text)
                return -ENOMEM;
        *ret = text;
        return 0;
}
