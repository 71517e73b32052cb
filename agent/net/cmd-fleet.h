/* SPDX-License-Identifier: MIT */
#pragma once

/* What hsos-agent fleet and fleet serve share: a one-shot call to etcd's
 * gateway (agent/net/cmd-fleet.c) and --expect. */

#include "hsos/etcd-watch.h"
#include "hsos/fleet.h"
#include "hsos/http.h"

typedef struct Call {
        long status;
        char *body;
        size_t size;
        char *error;
} Call;

void call_done(Call *c);

/* One POST to etcd, waited for (http_run). 0 with the answer, or -EIO with a
 * message (the URL's user info and query never in it). */
int etcd_call(Http *h, const char *base, const char *path, const char *body, const char *token, const char *cacert,
              unsigned timeout_ms, Call *c, char **ret_error);

/* --expect FILE read and checked, or what is wrong said on stderr. */
int read_expect(const char *path, char ***ret);

/* The fleet as a watch's mirror of <prefix>/ holds it now: its status keys
 * (nodes_key, "<prefix>/nodes/") and members (members_key). v points into
 * the mirror: valid until the mirror changes. */
void fleet_view_of_mirror(const EtcdMirror *m, const char *prefix, const char *nodes_key, const char *members_key,
                          char * const *expected, FleetView *v);

int cmd_fleet_serve(int argc, char **argv);
