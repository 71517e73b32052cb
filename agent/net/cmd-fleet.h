/* SPDX-License-Identifier: MIT */
#pragma once

/* What hsos-agent fleet and fleet serve share: a one-shot call to etcd's
 * gateway (agent/net/cmd-fleet.c) and --expect. */

#include "hsos/etcd-watch.h"
#include "hsos/fleet.h"
#include "hsos/http.h"

#include <systemd/sd-event.h>

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

/* Work that follows etcd's changes, done at most once per every_usec: the
 * changes that come meanwhile are shown together, a fraction of a second
 * later at the most. A fleet of 1,000 nodes writes some 70 keys a second
 * (tests/bench/fleet.sh): redrawing on each answer of the watch kept a core
 * busy and fell behind by minutes. */
typedef struct Coalesce {
        sd_event_source *src;
        uint64_t every_usec, last_usec;
        void (*fn)(void *userdata);
        void *userdata;
} Coalesce;

/* Something changed: fn runs when it is due (at once if it cannot be timed). */
void coalesce_kick(sd_event *e, Coalesce *c);
void coalesce_done(Coalesce *c);

int cmd_fleet_serve(int argc, char **argv);
