/* SPDX-License-Identifier: MIT */
#pragma once

/* The one executor: carries out one typed action (hsos/action.h) through the
 * safe edges (the anchored walk of hsos/edge/anchor.h, the take-over on fds,
 * the secrets' O_TMPFILE and renames, the mounter, sd-bus jobs), and says
 * how it went through an ActReport. It decides nothing the action does not
 * say, but checks again, on the fds it opens, what a less privileged user
 * could have changed since (a take-over happens only to a top still root's).
 * Used by `hsos-agent mount`, the daemon's worker (disk and node actions)
 * and the daemon itself (unit actions: sd-bus jobs stay asynchronous). */

#include <stdbool.h>

#include "hsos/action.h"
#include "hsos/edge/act.h"
#include "hsos/facts.h"

struct Systemd;

typedef struct ExecContext {
        ActReport report;
        void *userdata;
        /* Unit actions: systemd's bus, the directory of the unit files, and
         * who hears that a reload is done (also when it failed). */
        struct Systemd *systemd;
        const char *unit_dir;
        void (*reloaded)(void *userdata, int error);
        void *reload_userdata;
        /* Secrets: a creation that failed is recorded here as a fact
         * (facts_set_create_error), so the plan made again blocks its
         * units; the paths created are added to *created. Either may be NULL. */
        Facts *failures;
        char ***created;
        /* What cannot be done (a zone the image lacks): added here (may be NULL). */
        char ***problems;
        /* Out. */
        unsigned n_failed;
        bool reload_asked;         /* a reload is under way: reloaded() will be called */
} ExecContext;

/* 0 when done (or found done meanwhile), -errno when it failed (reported). */
int execute(const Action *a, ExecContext *ctx);
