/* SPDX-License-Identifier: MIT */
#pragma once

/* Reporting the node's status to the team's controller (docs/status.md, "The
 * controller"): etcd v3 over its HTTP/JSON gateway (a lease, the key claimed
 * create-if-absent, kept alive every interval, written when the status
 * changes and otherwise once a minute) and/or an HTTP POST every interval. Everything runs
 * on the loop through libcurl: a controller that is down, slow or refusing
 * never slows the node. Failures back off exponentially with jitter, and
 * only the newest status is ever sent (the Manager hands it over on demand). */

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "hsos/config.h"
#include "hsos/http.h"
#include "hsos/status.h"

/* A status written at least this often, even unchanged. */
#define REPORT_REWRITE_USEC (60ULL * 1000000)
/* The longest wait between attempts after failures. */
#define REPORT_BACKOFF_MAX_USEC (60ULL * 1000000)
/* Logging in is slow for etcd (bcrypt): a long timeout. */
#define ETCD_AUTH_TIMEOUT_MS 60000

typedef struct Controller Controller;

/* The newest status document (a copy for the caller to free). */
typedef int (*controller_status_t)(void *userdata, char **ret_json);
/* Something in controller_state() changed: the status follows. */
typedef void (*controller_changed_t)(void *userdata);

/* The files the controller needs (the etcd password, the HTTP token, a CA),
 * read by the root process: the helper that reports may read none of them.
 * For each path its content (a secret: its one line) or why it could not be
 * read. */
typedef struct ControllerFiles {
        char * const *paths;
        char * const *contents;
        char * const *errors;
        size_t n;
} ControllerFiles;

/* NULL in *ret (and 0) when the config names no controller. machine_id may
 * be NULL (etcd then refuses to claim). files: as above (copied); NULL: read
 * from disk here. */
int controller_new(sd_event *event, Http *http, const Config *c, const char *machine_id, const ControllerFiles *files,
                   controller_status_t get, controller_changed_t changed, void *userdata, Controller **ret);
Controller *controller_free(Controller *c);
static inline void controller_freep(Controller **c) {
        controller_free(*c);
}

/* The status may have changed: report soon (not sooner than a backoff allows). */
void controller_poke(Controller *c);

/* For the status document. The strings live until the next event. */
void controller_state(const Controller *c, ControllerStatus *ret_etcd, ControllerStatus *ret_http);
