/* SPDX-License-Identifier: MIT */
#pragma once

/* hsos-agent fleet serve's web server: libmicrohttpd on the caller's sd_event
 * loop (MHD's epoll fd and its timeout become event sources; one thread).
 * It serves the fleet page (hsos/fleet-page.h) and pushes what changes to
 * every /events client. Read-only: GET and HEAD, anything else is 405. */

#include <stdint.h>

#include <systemd/sd-event.h>

#include "hsos/fleet.h"

typedef struct FleetServer FleetServer;

typedef struct FleetServerOptions {
        const char *listen;                 /* "127.0.0.1:8088", "[::1]:8088" */
        unsigned max_connections;           /* at once, every client */
        unsigned max_per_ip;                /* at once, from one address */
        unsigned idle_timeout_sec;          /* a connection silent this long is closed */
        unsigned keepalive_sec;             /* a comment to each /events client this often */
} FleetServerOptions;

/* Listens (a bad address or a busy port: -EINVAL, -EADDRINUSE...; *ret_error says). */
int fleet_server_new(sd_event *event, const FleetServerOptions *o, FleetServer **ret, char **ret_error);
FleetServer *fleet_server_free(FleetServer *s);

/* THE one call that says "the fleet changed": v is the whole fleet as it is
 * now. The page served from now on shows it, and each /events client gets an
 * event per node that changed (fleet_page_diff). Etcd's watch calls it
 * (agent/net/cmd-fleet-serve.c), at most a few times a second. */
int fleet_server_update(FleetServer *s, const FleetView *v);

/* Where /fleet.json comes from: fn writes hsos-agent fleet --json of the
 * fleet as it is when asked (made per request, not per change). */
void fleet_server_set_json_source(FleetServer *s, int (*fn)(void *userdata, char **ret), void *userdata);

/* etcd cannot be read (error), or can again (NULL): said on the page and to
 * /events clients; the last known fleet stays shown. */
int fleet_server_set_problem(FleetServer *s, const char *error);
