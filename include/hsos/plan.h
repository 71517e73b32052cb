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
#include "hsos/firewall.h"

typedef enum MountState {
        MOUNT_MOUNTED,   /* in place */
        MOUNT_PENDING,   /* its device is there: to be mounted */
        MOUNT_WAITING,   /* no device yet, or its parent mount is not in place */
        MOUNT_FAILED,    /* cannot be mounted as asked: the reason says why */
        _MOUNT_STATE_MAX,
        _MOUNT_STATE_INVALID = -EINVAL,
} MountState;

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

/* Why a mount or a unit is not ready: a kind with its data. Code branches
 * on the kind; the English text (PlanMount.reason, PlanUnit.reason) is
 * rendered from it, by plan_reason_render(). Which fields a kind uses is
 * said beside it; the others are NULL. */
typedef enum ReasonKind {
        REASON_NONE,                 /* nothing to wait for */
        /* a mount */
        REASON_PARENT_MOUNT,         /* name, where: the mount above it is not in place */
        REASON_NO_DEVICE,            /* name (its what): no such device yet */
        REASON_DEVICES_UNREADABLE,   /* name (its what): block devices could not be read */
        REASON_DEVICE_AMBIGUOUS,     /* detail: several devices carry its tag (the facts' words) */
        REASON_DEVICE_PROBE,         /* device, detail: the probe could not decide */
        REASON_NO_FILE_SYSTEM,       /* device: none found, and the type is auto */
        REASON_WRONG_FSTYPE,         /* device, fstype (found), detail (the type asked) */
        REASON_OCCUPIED,             /* where, device (the source there), fstype: something else is mounted */
        REASON_WRONG_SUBVOLUME,      /* device (the source), where, detail (the options asked) */
        /* rule 1: a path that must lie on persistent storage in place */
        REASON_STORAGE_MOUNT_PENDING, /* path, name, where: on a mount not mounted yet */
        REASON_STORAGE_MOUNT_ABSENT,  /* path, name, where, detail (the mount's reason): not in place */
        REASON_STORAGE_UNMOUNTED,     /* path: on no mounted file system */
        REASON_STORAGE_RAM_ROOT,      /* path, fstype: on the RAM root */
        REASON_STORAGE_VOLATILE,      /* path, fstype, where (the mount): on tmpfs or the like */
        /* a unit */
        REASON_EXECUTABLE_NOT_FOUND, /* name (the executable), client, packaged (agent.packages names it) */
        REASON_SECRET,               /* secret, secret_state, path, detail (the secret's reason) */
        REASON_ADDRESS,              /* name (the address): not on any interface yet */
        REASON_NEEDS_VPN,            /* name (the VPN's unit), unit_state (not ready) */
        _REASON_KIND_MAX,
        _REASON_KIND_INVALID = -EINVAL,
} ReasonKind;

typedef struct PlanReason {
        ReasonKind kind;
        char *path;
        char *where;
        char *name;
        char *device;
        char *fstype;
        char *detail;
        SecretKind secret;
        SecretState secret_state;
        UnitState unit_state;
        Client client;
        bool packaged;
} PlanReason;

typedef struct PlanMount {
        const MountConfig *config;  /* borrowed from the Config */
        char *device;               /* the device node it resolves to, or NULL */
        char *fstype;               /* the type to mount with, or NULL when unknown */
        MountState state;
        PlanReason why;             /* REASON_NONE when mounted or to be mounted */
        char *reason;               /* why, rendered; NULL when mounted */
} PlanMount;

typedef struct PlanUnit {
        char *name;                 /* geth.service */
        Client client;
        UnitState state;
        PlanReason *whys;           /* what blocks it first, then what it waits for */
        size_t n_whys;
        char *reason;               /* the whys rendered, joined by "; "; NULL when ready */
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
        Firewall *firewall;         /* the inbound policy of the node so planned */
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
/* The same with its "actions" (hsos/action.h's actions_to_json), NULL: none. */
typedef struct cJSON cJSON;
int plan_to_json_with_actions(const Plan *p, const Config *c, cJSON *actions, char **ret);
/* The firewall's part of the plan's JSON and of the status document:
 * enabled, rules, open [{port, proto, why, only}], notes. NULL: no memory. */
typedef struct cJSON cJSON;
cJSON *firewall_to_json(const Firewall *fw);

const char *mount_state_to_string(MountState s);
const char *secret_kind_to_string(SecretKind k);
const char *secret_state_to_string(SecretState s);
const char *unit_state_to_string(UnitState s);
const char *reason_kind_to_string(ReasonKind k);

/* The English text of a reason; *ret is NULL for REASON_NONE. */
int plan_reason_render(const PlanReason *r, char **ret);
/* Frees a reason's data; it becomes REASON_NONE. */
void plan_reason_done(PlanReason *r);

/* Unit names as HomestakerOS names them. */
int client_unit_name(const Config *c, Client client, char **ret);
