/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <nftables/libnftables.h>

#include "hsos/edge/firewall.h"
#include "hsos/util.h"

static void nft_ctx_freep(struct nft_ctx **c) {
        if (*c)
                nft_ctx_free(*c);
}

/* nft's error, its first line (the ones after it quote the ruleset and
 * point at the word), capped, without control characters: it goes into
 * the status and a log line. */
static char *nft_error(struct nft_ctx *ctx) {
        const char *e = nft_ctx_get_error_buffer(ctx);
        size_t n;
        char *s;

        if (!e || !*e)
                return strdup("nft refused the ruleset");
        n = strcspn(e, "\n");
        s = strndup(e, n > 512 ? 512 : n);
        for (char *p = s; p && *p; p++)
                if ((unsigned char) *p < 0x20 || *p == 0x7f)
                        *p = ' ';
        return s;
}

int firewall_apply(FirewallState *s, const char *ruleset, unsigned n_rules) {
        _cleanup_(nft_ctx_freep) struct nft_ctx *ctx = NULL;
        char *copy;

        if (s->applied && streq_ptr(s->loaded, ruleset))
                return 0;
        copy = strdup(ruleset);
        if (!copy)
                return -ENOMEM;
        ctx = nft_ctx_new(NFT_CTX_DEFAULT);
        if (!ctx) {
                free(copy);
                return -ENOMEM;
        }
        if (nft_ctx_buffer_output(ctx) < 0 || nft_ctx_buffer_error(ctx) < 0) {
                free(copy);
                return -ENOMEM;
        }
        free(s->last_error);
        s->last_error = NULL;
        if (nft_run_cmd_from_buffer(ctx, ruleset) != 0) {
                free(copy);
                s->applied = false;
                s->last_error = nft_error(ctx);
                return s->last_error ? -EINVAL : -ENOMEM;
        }
        free(s->loaded);
        s->loaded = copy;
        s->applied = true;
        s->rules = n_rules;
        return 1;
}

void firewall_state_done(FirewallState *s) {
        free(s->loaded);
        free(s->last_error);
        *s = (FirewallState) {};
}
