/* SPDX-License-Identifier: MIT */
#pragma once

/* hsos-agent fleet: every node's status as the controller holds it (the
 * entries of a range over "<prefix>/nodes/"), every member without a live
 * status as down (a range over "<prefix>/members/"), every expected
 * hostname that is neither as never seen; one line per node for people, or
 * the documents as JSON. The values were written by other machines: a
 * value that is not a valid status document is shown as such, with what is
 * wrong with it, and nothing in it reaches the terminal unfiltered. */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hsos/etcd.h"

typedef struct FleetView {
        const char *prefix;
        const EtcdKeyValue *nodes;        /* the range over "<prefix>/nodes/" */
        size_t n_nodes;
        const EtcdKeyValue *members;      /* the range over "<prefix>/members/" */
        size_t n_members;
        char * const *expected;           /* hostnames (--expect), NULL: none */
        uint64_t now_usec;                /* CLOCK_REALTIME */
} FleetView;

/* One line per node, sorted by hostname, under a header, fitting 80 columns:
 * hostname, state, age of the report (now_usec - generatedAt), each client's
 * sync ("geth synced", "geth syncing 1234/5678", "lighthouse syncing dist
 * 120", "geth unreachable"). A member without a live status is "down": "last
 * seen 14 min ago, was degraded: <its first reason>"; an expected hostname
 * that is no member "never seen". A key that is not a node's or a member's,
 * or a value that is not a status or member document, is a line saying so.
 * With color, ANSI colours for the states. */
int fleet_to_text(const FleetView *v, bool color, char **ret);

/* A JSON list, sorted as the text: each live node's status document as it
 * is; a down member's hsos.member/1 document with "state" "down" and
 * "lastState" what it last said; {"hostname", "state": "never seen"}; and
 * anything else as {"key": "...", "error": "what is wrong"}. */
int fleet_to_json(const FleetView *v, char **ret);

/* hsos-agent status's codes over the fleet: 0 every node operational, 1 one
 * starting or degraded, 2 one down, failed, config-error, never seen, or not
 * readable (an unknown state, a value that is no document). (3, etcd cannot
 * be reached, is the caller's.) -ENOMEM. */
int fleet_exit_code(const FleetView *v);

/* --expect FILE: a JSON list of hostnames (a team repository's
 * hostnames.json). *ret the hostnames, duplicates dropped; on -EINVAL
 * *ret_error says what is wrong (which element, why). */
int fleet_expect_parse(const char *data, size_t size, char ***ret, char **ret_error);

/* What hsos-agent fleet forget removed: "forgot alpha: machine 1234..., last
 * seen 2026-11-26T11:46:00Z (14 min ago), was degraded", or what the value
 * was when it was no member document. One line, no newline, printable. */
int fleet_forgotten_text(const char *hostname, const EtcdKeyValue *kv, uint64_t now_usec, char **ret);

/* ---- the fleet as a list of nodes, for the web page (hsos/fleet-page.h) ----
 * The same rows as fleet_to_text(), in the same order, each reduced to what
 * a page shows. Every string is printable (strn_printable: no control, no
 * bidi control) but not escaped for any markup: the renderer escapes. */

typedef struct FleetClient {
        char *name;               /* "geth", "?" when it said none */
        bool consensus;           /* else execution */
        char *sync;               /* in words: "synced", "syncing 1234/5678, 0 peers", "unreachable" */
        char *head;               /* "slot 1234" or "block 1234", NULL: not said */
        bool optimistic;
        char *version;            /* as the client said it, NULL: not said */
} FleetClient;

typedef enum FleetTone {
        FLEET_TONE_OK,            /* operational */
        FLEET_TONE_WARN,          /* starting, degraded */
        FLEET_TONE_BAD,           /* failed, config-error, down, invalid */
        FLEET_TONE_NONE,          /* never seen */
        _FLEET_TONE_MAX,
        _FLEET_TONE_INVALID = -EINVAL,
} FleetTone;

typedef struct FleetNode {
        char *host;               /* the hostname, or the key when it holds none */
        char *state;              /* a status' state, "down", "never seen" or "invalid" */
        FleetTone tone;
        uint64_t at_usec;         /* live: generatedAt; down: lastSeen; 0 unknown */
        char *was;                /* down: the state it last reported, else NULL */
        char **reasons;           /* in words (live and down: the node's; invalid: what is wrong) */
        FleetClient *clients;
        size_t n_clients;
        bool optimistic;          /* a client said so */
        char *agent_version;      /* NULL: not said */
} FleetNode;

int fleet_nodes_build(const FleetView *v, FleetNode **ret, size_t *ret_n);
void fleet_nodes_free(FleetNode *nodes, size_t n);
const char *fleet_tone_to_string(FleetTone t);
