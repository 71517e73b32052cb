/* SPDX-License-Identifier: MIT */
#pragma once

/* The daemon's decisions about units, pure: given the plan's unit and what
 * systemd says of it, what to do now. The daemon (agent/daemon/manager.c)
 * carries the decision out; tests/unit/test-reconcile.c holds every case. */

#include <stdbool.h>

#include "hsos/plan.h"

/* What systemd and the agent know of a unit. */
typedef struct UnitSeen {
        bool known;                 /* systemd answered about it */
        bool job_pending;           /* a start/restart/stop the agent asked for is under way */
        const char *active_state;   /* systemd's ActiveState, NULL unknown */
        const char *started_content; /* the unit file the agent last started it with, NULL never */
        bool user_exists;           /* the user it runs as exists (always true for root's units) */
} UnitSeen;

typedef enum UnitAction {
        UNIT_ACTION_NONE,           /* nothing: blocked, waiting, unchanged, or a job is under way */
        UNIT_ACTION_START,          /* ready and not running: start it */
        UNIT_ACTION_RESTART,        /* running with another unit file: restart it (its file changed) */
        UNIT_ACTION_ADOPT,          /* running, not started by this agent (it restarted): keep it as it is */
        UNIT_ACTION_WAIT_USER,      /* ready, but its user does not exist yet: not started (217/USER) */
        _UNIT_ACTION_MAX,
} UnitAction;

const char *unit_action_to_string(UnitAction a);

/* An unchanged unit is never restarted; a unit systemd does not know yet, or
 * with a job under way, waits. */
UnitAction unit_decide(const PlanUnit *pu, const UnitSeen *seen);

/* A unit file the agent wrote that the plan no longer has: stopped and
 * removed. ours: it starts with the agent's header. */
bool unit_is_stale(const Plan *p, const char *name, bool ours);
