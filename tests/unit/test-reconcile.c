/* SPDX-License-Identifier: MIT */
/* The daemon's decisions about units, as pure code: which unit starts,
 * which restarts, which is adopted, which waits, which is removed. */
#include <string.h>

#include "harness.h"
#include "hsos/reconcile.h"
#include "hsos/util.h"

static PlanUnit unit(UnitState state, const char *content) {
        return (PlanUnit) { .name = (char *) "geth.service", .client = CLIENT_GETH, .state = state,
                            .content = (char *) content };
}

static UnitSeen seen(const char *active, const char *started) {
        return (UnitSeen) { .known = true, .active_state = active, .started_content = started, .user_exists = true };
}

TEST(a_ready_unit_not_running_is_started) {
        PlanUnit u = unit(UNIT_READY, "A");
        UnitSeen s = seen("inactive", NULL);

        ASSERT_EQ(unit_decide(&u, &s), UNIT_ACTION_START);
        s = seen("failed", NULL);
        ASSERT_EQ(unit_decide(&u, &s), UNIT_ACTION_START);
        /* Started before with another file and now stopped: started with the new one. */
        s = seen("inactive", "OLD");
        ASSERT_EQ(unit_decide(&u, &s), UNIT_ACTION_START);
}

TEST(an_unchanged_unit_is_never_restarted) {
        PlanUnit u = unit(UNIT_READY, "A");
        UnitSeen s = seen("active", "A");

        ASSERT_EQ(unit_decide(&u, &s), UNIT_ACTION_NONE);
        /* Crashed and left to systemd's Restart=: not started over it. */
        s = seen("failed", "A");
        ASSERT_EQ(unit_decide(&u, &s), UNIT_ACTION_NONE);
}

TEST(a_changed_running_unit_is_restarted) {
        PlanUnit u = unit(UNIT_READY, "B");
        UnitSeen s = seen("active", "A");

        ASSERT_EQ(unit_decide(&u, &s), UNIT_ACTION_RESTART);
        s = seen("activating", "A");
        ASSERT_EQ(unit_decide(&u, &s), UNIT_ACTION_RESTART);
}

TEST(a_running_unit_the_agent_did_not_start_is_adopted) {
        PlanUnit u = unit(UNIT_READY, "A");
        UnitSeen s = seen("active", NULL);

        ASSERT_EQ(unit_decide(&u, &s), UNIT_ACTION_ADOPT);
        s = seen("reloading", NULL);
        ASSERT_EQ(unit_decide(&u, &s), UNIT_ACTION_ADOPT);
}

TEST(blocked_waiting_unknown_or_busy_units_wait) {
        PlanUnit blocked = unit(UNIT_BLOCKED, "A"), waiting = unit(UNIT_WAITING, "A"), ready = unit(UNIT_READY, "A");
        UnitSeen s = seen("inactive", NULL);

        ASSERT_EQ(unit_decide(&blocked, &s), UNIT_ACTION_NONE);
        ASSERT_EQ(unit_decide(&waiting, &s), UNIT_ACTION_NONE);
        s.known = false;
        ASSERT_EQ(unit_decide(&ready, &s), UNIT_ACTION_NONE);
        s = seen("inactive", NULL);
        s.job_pending = true;
        ASSERT_EQ(unit_decide(&ready, &s), UNIT_ACTION_NONE);
}

TEST(a_unit_whose_user_is_missing_waits_for_it) {
        PlanUnit u = unit(UNIT_READY, "A");
        UnitSeen s = seen("inactive", NULL);

        s.user_exists = false;
        ASSERT_EQ(unit_decide(&u, &s), UNIT_ACTION_WAIT_USER);
        ASSERT_STREQ(unit_action_to_string(UNIT_ACTION_WAIT_USER), "wait-user");
}

TEST(only_the_agents_own_units_the_plan_dropped_are_stale) {
        PlanUnit units[1] = { unit(UNIT_READY, "A") };
        Plan p = { .units = units, .n_units = 1 };

        ASSERT_FALSE(unit_is_stale(&p, "geth.service", true));
        ASSERT_TRUE(unit_is_stale(&p, "lighthouse.service", true));
        ASSERT_FALSE(unit_is_stale(&p, "lighthouse.service", false)); /* not written by the agent */
        ASSERT_FALSE(unit_is_stale(&p, "lighthouse.service.d", true));
}
