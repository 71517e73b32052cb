/* SPDX-License-Identifier: MIT */
#pragma once

/* Unit files, written from the config: one hardened service per client with
 * its documented flags, and the drop-ins a mount's `before` asks for. */

#include "hsos/config.h"

typedef struct RenderContext {
        const Config *config;
        const char *executable;   /* absolute path, or the bare name when not found */
        char **after;             /* units to order after */
        const char *requires;     /* a unit it cannot run without (the VPN), or NULL */
        char ***notes;            /* a note is added for each of the agent's options that
                                     extraOptions replace; may be NULL */
} RenderContext;

int render_unit(const RenderContext *ctx, Client client, char **ret);
int render_mount_dropin(const MountConfig *m, char **ret);
