/* SPDX-License-Identifier: MIT */
/* The firewall's edge on a real kernel, in a network namespace of this
 * test's own (never the host's): the plan's ruleset loaded through
 * libnftables, a ruleset the kernel refuses leaving the one before in place
 * whole (one transaction), loaded again only when its text changed. */

#include <sched.h>
#include <unistd.h>

#include <nftables/libnftables.h>

#include "harness.h"
#include "fixtures.h"
#include "hsos/config.h"
#include "hsos/edge/firewall.h"
#include "hsos/facts.h"
#include "hsos/plan.h"
#include "hsos/util.h"

static const char node[] =
        "{\"execution\": {\"geth\": {\"enable\": %s, \"dataDir\": \"/var/lib/geth\", \"jwtSecretFile\": \"/var/lib/jwt.hex\"}},"
        " \"consensus\": {\"lighthouse\": {\"enable\": true, \"dataDir\": \"/var/lib/lh\", \"jwtSecretFile\": \"/var/lib/jwt.hex\"}}}";

/* The ruleset the plan makes of node.json, geth enabled or not. */
static char *ruleset(bool geth, unsigned *ret_rules) {
        _cleanup_free_ char *json = NULL;
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_(facts_freep) Facts *f = facts_new();
        _cleanup_(plan_freep) Plan *p = NULL;

        ASSERT_TRUE(asprintf(&json, node, geth ? "true" : "false") > 0);
        c = fixture_config(json);
        p = fixture_plan(c, f);
        ASSERT_NOT_NULL(p->firewall);
        *ret_rules = p->firewall->n_rules;
        return strdup(p->firewall->ruleset);
}

/* This process's own network namespace, made once: nothing reaches the host's. */
static void own_netns(void) {
        static bool made;

        if (made)
                return;
        if (geteuid() != 0)
                SKIP_THIS("needs root: a network namespace of its own to load a ruleset in");
        if (unshare(CLONE_NEWNET) < 0)
                SKIP_THIS("cannot create a network namespace: %s", strerror(errno));
        made = true;
}

/* `nft list table inet hsos`, as nft prints it. */
static char *list_table(void) {
        struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
        char *s;

        ASSERT_NOT_NULL(ctx);
        ASSERT_EQ(nft_ctx_buffer_output(ctx), 0);
        ASSERT_EQ(nft_ctx_buffer_error(ctx), 0);
        if (nft_run_cmd_from_buffer(ctx, "list table inet hsos") != 0)
                s = strdup("");
        else
                s = strdup(nft_ctx_get_output_buffer(ctx));
        nft_ctx_free(ctx);
        ASSERT_NOT_NULL(s);
        return s;
}

TEST(a_ruleset_the_kernel_refuses_leaves_the_one_before_whole) {
        FirewallState st = {};
        unsigned n_geth, n_nogeth;
        _cleanup_free_ char *with_geth = ruleset(true, &n_geth), *without = ruleset(false, &n_nogeth);
        _cleanup_free_ char *broken = NULL, *before = NULL, *after = NULL;

        own_netns();
        ASSERT_EQ(firewall_apply(&st, with_geth, n_geth), 1);
        ASSERT_TRUE(st.applied);
        ASSERT_NULL(st.last_error);
        before = list_table();
        ASSERT_CONTAINS(before, "30303");
        ASSERT_CONTAINS(before, "policy drop");

        /* The ruleset without geth (its flush, its rules), then a command
         * only the kernel can refuse: the whole batch is undone, geth's
         * port stays open, nothing of the flush is seen. */
        ASSERT_TRUE(asprintf(&broken, "%sdelete table inet hsos-nosuch\n", without) > 0);
        ASSERT_ERROR(firewall_apply(&st, broken, n_nogeth), EINVAL);
        ASSERT_FALSE(st.applied);
        ASSERT_NOT_NULL(st.last_error);
        printf("# nft said: %s\n", st.last_error);
        ASSERT_CONTAINS(st.last_error, "No such file or directory");
        ASSERT_NULL(strchr(st.last_error, '\n'));
        ASSERT_EQ(st.rules, n_geth); /* the ruleset loaded last, still in the kernel */
        after = list_table();
        ASSERT_STREQ(after, before);

        /* The good one again: loaded (the last asked was not), then not again. */
        ASSERT_EQ(firewall_apply(&st, without, n_nogeth), 1);
        ASSERT_NULL(st.last_error);
        free(after);
        after = list_table();
        ASSERT_NOT_CONTAINS(after, "30303");
        ASSERT_EQ(firewall_apply(&st, without, n_nogeth), 0);
        firewall_state_done(&st);
}

TEST(the_table_outlives_the_state) {
        FirewallState st = {};
        unsigned n;
        _cleanup_free_ char *text = ruleset(true, &n), *listed = NULL;

        own_netns();
        ASSERT_OK(firewall_apply(&st, text, n));
        firewall_state_done(&st); /* what the daemon does when it stops */
        listed = list_table();
        ASSERT_CONTAINS(listed, "30303");
}
