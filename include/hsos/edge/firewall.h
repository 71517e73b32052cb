/* SPDX-License-Identifier: MIT */
#pragma once

/* Loads the plan's firewall (hsos/firewall.h) through libnftables, the
 * library behind nft: the whole text in one nft_run_cmd_from_buffer(), one
 * transaction, so a ruleset that fails to load changes nothing and the one
 * before stays. Loaded again only when the text changed; never removed when
 * the agent stops (the node stays protected). */

#include <stdbool.h>

typedef struct FirewallState {
        char *loaded;       /* the text loaded last, NULL before the first */
        bool applied;       /* the text asked last is the one in the kernel */
        unsigned rules;
        char *last_error;   /* nft's words when the last load failed, else NULL */
} FirewallState;

/* 1 loaded now, 0 unchanged (not loaded again), -errno when it failed
 * (-EINVAL: nft refused it, the reason in s->last_error; the previous
 * ruleset stays). */
int firewall_apply(FirewallState *s, const char *ruleset, unsigned n_rules);
void firewall_state_done(FirewallState *s);
