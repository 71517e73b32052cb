/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "hsos/reconcile.h"
#include "hsos/util.h"

const char *unit_action_to_string(UnitAction a) {
        static const char * const table[_UNIT_ACTION_MAX] = {
                [UNIT_ACTION_NONE] = "none",
                [UNIT_ACTION_START] = "start",
                [UNIT_ACTION_RESTART] = "restart",
                [UNIT_ACTION_ADOPT] = "adopt",
                [UNIT_ACTION_WAIT_USER] = "wait-user",
        };

        return a >= 0 && a < _UNIT_ACTION_MAX ? table[a] : NULL;
}

static bool running(const char *active_state) {
        return streq_ptr(active_state, "active") || streq_ptr(active_state, "activating") ||
               streq_ptr(active_state, "reloading");
}

UnitAction unit_decide(const PlanUnit *pu, const UnitSeen *seen) {
        if (pu->state != UNIT_READY || !seen->known || seen->job_pending)
                return UNIT_ACTION_NONE;
        if (!seen->user_exists)
                return UNIT_ACTION_WAIT_USER;
        if (seen->started_content && streq(seen->started_content, pu->content))
                return UNIT_ACTION_NONE; /* unchanged: never restarted (systemd's Restart= handles a crash) */
        if (!seen->started_content && running(seen->active_state))
                return UNIT_ACTION_ADOPT;
        return running(seen->active_state) ? UNIT_ACTION_RESTART : UNIT_ACTION_START;
}

bool unit_is_stale(const Plan *p, const char *name, bool ours) {
        if (!ours || !endswith(name, ".service"))
                return false;
        for (size_t i = 0; i < p->n_units; i++)
                if (streq(p->units[i].name, name))
                        return false;
        return true;
}
