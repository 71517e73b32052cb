/* SPDX-License-Identifier: MIT */
#pragma once

/* hsos-agent fleet serve: the fleet as one web page, rendered here (pure:
 * text in, text out) and served by agent/net/fleet-server.c. The page is a
 * whole HTML table at load time (it needs no JavaScript); /app.js keeps it
 * current from /events, Server-Sent Events, one per changed node, whose
 * payloads are made here too. Every string from etcd goes through
 * html_escape() (the page) or a JSON string literal (the events; the script
 * sets textContent only). */

#include <stddef.h>
#include <stdint.h>

#include "hsos/fleet.h"
#include "hsos/util.h"

/* s with & < > " ' as character references, and each C0 control and DEL
 * (there should be none left: strings from outside were made printable where
 * they were stored) as '?': fit for an element's text and a quoted
 * attribute's value. NULL when out of memory. */
char *html_escape(const char *s);
void sb_append_html(StrBuf *b, const char *s);

/* "5 operational, 1 degraded, 1 down": the count of each state present, in a
 * fixed order (operational, starting, degraded, failed, config-error, down,
 * never seen, invalid, then any other); "no node has reported" for none. */
int fleet_counts_text(const FleetNode *nodes, size_t n, char **ret);

/* "12 s ago", "14 min ago", "3 h ago", "2 days ago"; what app.js writes too. */
void fleet_ago_text(char buf[static 32], uint64_t at_usec, uint64_t now_usec);

/* The whole page (GET /), now_usec for the ages it shows; problem (NULL:
 * none) a line saying why the fleet shown may be old (etcd unreachable). */
int fleet_page_html(const FleetNode *nodes, size_t n, const char *problem, uint64_t now_usec, char **ret);

/* One node as the JSON object an event carries, on one line, holding no
 * time relative to now (so an unchanged node gives the same text):
 * {"host","state","tone","at" (seconds, or null),"was","reasons":[],
 *  "clients":[{"name","role","sync","head","optimistic","version"}],
 *  "optimistic","agent"}. */
int fleet_node_json(const FleetNode *node, char **ret);

/* The page's last known fleet, to send only what changed. */
typedef struct FleetPage FleetPage;
FleetPage *fleet_page_new(void);
FleetPage *fleet_page_free(FleetPage *p);
static inline void fleet_page_freep(FleetPage **p) {
        fleet_page_free(*p);
}

/* Takes the fleet as it is now; *ret the events that bring a page showing
 * the last one up to date, "" when nothing changed:
 *   "event: node\ndata: <fleet_node_json>\n\n"  a node new or changed,
 *   "event: gone\ndata: {\"host\":...}\n\n"     a node no longer listed,
 *   "event: counts\ndata: {\"text\":...}\n\n"  the header line, when it changed.
 * (The server adds "event: problem\ndata: {\"text\": ... or null}" itself.)
 * On failure, the page keeps what it knew. */
int fleet_page_diff(FleetPage *p, const FleetNode *nodes, size_t n, char **ret);

/* Every event of the fleet as last taken (a new /events client gets these
 * first: what changed since it loaded the page shows at once). */
int fleet_page_snapshot(const FleetPage *p, char **ret);

/* "event: problem\ndata: {\"text\":...}\n\n", text NULL: {"text":null}. */
int fleet_problem_event(const char *text, char **ret);

/* The static parts. */
extern const char fleet_page_js[];
extern const char fleet_page_css[];
