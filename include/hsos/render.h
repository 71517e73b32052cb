/* SPDX-License-Identifier: MIT */
#pragma once

/* Unit files, written from the config: one hardened service per client with
 * its documented flags, and the drop-ins a mount's `before` asks for. */

#include "hsos/config.h"

typedef struct RenderContext {
        const Config *config;
        const char *executable;   /* absolute path, or the bare name when not found */
        char **after;             /* units to order after */
        const char *requires;     /* a unit it cannot run without (the VPN), or NULL */
        char ***notes;            /* a note is added for each of the agent's options that
                                     extraOptions replace; may be NULL */
} RenderContext;

int render_unit(const RenderContext *ctx, Client client, char **ret);
int render_mount_dropin(const MountConfig *m, char **ret);

/* A port a client listens on besides its endpoint, as its unit's command line
 * sets it: the client table's after node.json's `port` and `jsonRpcPort`, or
 * the value of an extraOptions word that replaces the agent's option of a
 * port open to the world (P2P, discovery, QUIC, torrent). One entry per port
 * and kind; a port whose protocols the user's words split (geth's --port and
 * --discovery.port) is two. */
typedef struct ListenPort {
        PortKind kind;
        const char *what;         /* the table's words: "P2P", "metrics", ... */
        uint16_t port;
        unsigned protos;
        PortBind bind;
        bool from_user;           /* extraOptions set it (for one protocol at least) */
} ListenPort;

#define LISTEN_PORTS_MAX (CLIENT_PORTS_MAX * 2)

/* A user's word that sets a port to anything but a whole number 1-65535
 * ("--p2p-port=22;", "--port=70000", "--port" with no value) is -EINVAL with
 * *ret_error saying which (may be NULL). */
int render_listen_ports(const Config *cfg, Client client, ListenPort ret[static LISTEN_PORTS_MAX], size_t *ret_n,
                        char **ret_error);
