/* SPDX-License-Identifier: MIT */
#pragma once

/* The plan: what the node should become, given its config and the facts of
 * the moment. A pure function; recomputed whenever a fact changes. It holds
 * the mounts in parent-before-child order, the directories to create, the
 * secrets to reuse or create, and every unit with its state (ready, blocked,
 * waiting) and the plain reason, following the rules that protect a node
 * (docs/configuration.md). */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "hsos/config.h"
#include "hsos/facts.h"

typedef enum MountState {
        MOUNT_MOUNTED,   /* in place */
        MOUNT_PENDING,   /* its device is there: to be mounted */
        MOUNT_WAITING,   /* no device yet, or its parent mount is not in place */
        MOUNT_FAILED,    /* cannot be mounted as asked: the reason says why */
        _MOUNT_STATE_MAX,
        _MOUNT_STATE_INVALID = -EINVAL,
} MountState;

typedef struct PlanMount {
        const MountConfig *config;  /* borrowed from the Config */
        char *device;               /* the device node it resolves to, or NULL */
        char *fstype;               /* the type to mount with, or NULL when unknown */
        MountState state;
        char *reason;               /* NULL when mounted */
} PlanMount;

typedef struct PlanDir {
        char *path;
        uid_t uid;
        gid_t gid;
        mode_t mode;
        char *owner;                /* user name */
        bool data;                  /* a client's data dir (owned by it) */
} PlanDir;

typedef enum SecretKind {
        SECRET_JWT,
        SECRET_SSH_HOST_KEY,
        SECRET_WIREGUARD,
        SECRET_SSV_OPERATOR_KEY,
        SECRET_SSV_PASSWORD,
        _SECRET_KIND_MAX,
        _SECRET_KIND_INVALID = -EINVAL,
} SecretKind;

typedef enum SecretState {
        SECRET_PRESENT,  /* exists and is used where it lies */
        SECRET_CREATE,   /* missing, and will be created: its place is persistent */
        SECRET_INVALID,  /* exists but is not valid: an error, never replaced */
        SECRET_MISSING,  /* missing and never invented (wireguard) */
        SECRET_BLOCKED,  /* missing, and its place is not persistent (or not mounted yet) */
        SECRET_FAILED,   /* missing, and creating it failed (a fact): its units wait */
        _SECRET_STATE_MAX,
        _SECRET_STATE_INVALID = -EINVAL,
} SecretState;

typedef struct PlanSecret {
        SecretKind kind;
        char *path;
        SecretState state;
        char *reason;
        char **units;               /* the units that use it */
        /* JWTs of execution and consensus clients that name different files:
         * the other files, which must hold the same secret. */
        char **shared_with;
        /* SECRET_CREATE of a paired JWT: written with the secret of this file
         * (present, or created before it in this plan), not a new one. */
        char *copy_from;
} PlanSecret;

typedef enum UnitState {
        UNIT_READY,
        UNIT_BLOCKED,    /* cannot start until its storage or secret is there */
        UNIT_WAITING,    /* waiting for an address to appear */
        _UNIT_STATE_MAX,
        _UNIT_STATE_INVALID = -EINVAL,
} UnitState;

typedef struct PlanUnit {
        char *name;                 /* geth.service */
        Client client;
        UnitState state;
        char *reason;               /* NULL when ready */
        char *content;              /* the unit file */
        char *executable;           /* as asked: agent.packages' path, or the usual name */
} PlanUnit;

typedef struct PlanDropIn {
        char *unit;                 /* the unit it extends */
        char *name;                 /* file name in <unit>.d/ */
        char *content;
} PlanDropIn;

typedef struct Plan {
        PlanMount *mounts;
        size_t n_mounts;
        PlanDir *dirs;
        size_t n_dirs;
        PlanSecret *secrets;
        size_t n_secrets;
        PlanUnit *units;            /* in start order */
        size_t n_units;
        PlanDropIn *dropins;
        size_t n_dropins;
        char **notes;               /* what is not part of the node, and why */
} Plan;

int plan_build(const Config *c, const Facts *f, Plan **ret);
Plan *plan_free(Plan *p);
static inline void plan_freep(Plan **p) {
        plan_free(*p);
}

const PlanUnit *plan_find_unit(const Plan *p, const char *name);
/* The unit that runs client (one at most), or NULL. */
const PlanUnit *plan_find_client_unit(const Plan *p, Client client);

/* Rule 1 for any path: 0 with *ret_reason NULL when it lies on persistent
 * storage that is in place, else a reason why not. */
int plan_storage_check(const Config *c, const Facts *f, const Plan *p, const char *path, char **ret_reason);

int plan_to_text(const Plan *p, const Config *c, char **ret);
int plan_to_json(const Plan *p, const Config *c, char **ret);

const char *mount_state_to_string(MountState s);
const char *secret_kind_to_string(SecretKind k);
const char *secret_state_to_string(SecretState s);
const char *unit_state_to_string(UnitState s);

/* Unit names as HomestakerOS names them. */
int client_unit_name(const Config *c, Client client, char **ret);
