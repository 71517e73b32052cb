/* SPDX-License-Identifier: MIT */
#pragma once

/* How the actions went (ActReport: `hsos-agent mount` prints each line, the
 * daemon logs it), and the convergence of the mounts shared by `hsos-agent
 * mount` and the daemon. The actions themselves are carried out by the one
 * executor (hsos/edge/execute.h). */

#include <stdbool.h>

#include "hsos/config.h"
#include "hsos/plan.h"

typedef enum ActKind {
        ACT_MOUNT,
        ACT_DIR,
        ACT_SECRET,
        ACT_NODE,
        ACT_UNIT,
        _ACT_KIND_MAX,
} ActKind;

/* One line of what happened: "mounted /dev/vdb on /mnt/eth (ext4)" about
 * subject "eth"; failure says whether it went wrong. */
/* How it went, typed: the journal's MESSAGE_ID and priority follow it, never the words. */
typedef enum ActOutcome {
        ACT_OK,                    /* done, or found as it should be */
        ACT_CREATED,               /* a secret made now */
        ACT_FAILED,
        ACT_STARTED,               /* a unit started or restarted */
        ACT_WAITING,               /* not done: it waits for something (a unit's user) */
        _ACT_OUTCOME_MAX,
} ActOutcome;

typedef void (*ActReport)(void *userdata, ActKind kind, const char *subject, ActOutcome outcome, const char *line);

const char *act_kind_to_string(ActKind k);

/* Reads the facts a plan of the mounts needs. */
typedef int (*ActReadFacts)(void *userdata, Facts **ret);

/* The one convergence of the mounts, for `hsos-agent mount` and the daemon
 * alike: facts read, plan made, the first pending mount not tried yet
 * mounted, and again (a parent mounted changes its children's plan), until
 * nothing pending is left to try. Each mount is tried at most once per call
 * (tried[i], in/out, by the config's mount index; mounted[i] set when it is in
 * place by this call). The last facts and plan are returned. */
int act_converge_mounts(const Config *c, ActReadFacts read_facts, void *facts_userdata, bool *tried, bool *mounted,
                        ActReport report, void *userdata, Facts **ret_facts, Plan **ret_plan);

/* Writes want as pw's ~/.ssh/authorized_keys (pw_dir/.ssh made 0700,
 * pw's). The user owns its home: every step below it is taken through fds
 * opened without following a symlink, and the old file is read only if it
 * is a regular one of bounded size (a FIFO would block). *ret_changed tells
 * whether it was written. -ELOOP when a symlink is in the way, -EPERM when
 * ~/.ssh belongs to another user. */
struct passwd;
int act_install_ssh_keys(const struct passwd *pw, const char *want, bool *ret_changed);

/* The plan's secrets that need nothing done (present, blocked: not with
 * quiet) or cannot be (invalid, missing, failed before), each said; creating
 * one is an action (hsos/action.h, the executor of hsos/edge/execute.h). */
void act_report_secrets(const Plan *p, bool quiet, ActReport report, void *userdata);
