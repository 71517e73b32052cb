/* SPDX-License-Identifier: MIT */
#pragma once

/* What the agent does now, as a list of typed actions: the plan (what the
 * node should be), its facts, and what is applied already (the directories,
 * the unit files the agent wrote, what systemd says of each unit, the node's
 * name, zone and keys) in; the actions out, their content rendered. Pure: the
 * edges read what is applied into an Applied (agent/edge/applied.c), and one
 * executor carries each action out (agent/edge/execute.c). `hsos-agent
 * plan` prints the list; tests/unit/test-action.c holds the decisions. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "hsos/config.h"
#include "hsos/facts.h"
#include "hsos/plan.h"
#include "hsos/reconcile.h"

/* Every unit file the agent writes begins so; a unit file in the unit
 * directory that does not is someone else's, never removed. */
#define ACTION_UNIT_HEADER "# Written by hsos-agent"
/* Where the agent writes them: systemd's runtime units, gone at reboot. */
#define ACTION_UNIT_DIR "/run/systemd/system"

typedef enum ActionKind {
        ACTION_MOUNT,           /* name (the mount's), device, path (where), fstype, options */
        ACTION_MAKE_DIR,        /* path, uid, gid, mode, owner: created with its parents where missing */
        ACTION_TAKE_OVER,       /* path, uid, gid, owner, keep: a data dir HomestakerOS left to root, to its client */
        ACTION_CREATE_SECRET,   /* secret, path; source (a JWT's pair to copy) or content (ssh-keygen's comment) */
        ACTION_CREATE_USERS,    /* systemd-sysusers: the user of a ready unit is missing (name: the first) */
        ACTION_HOSTNAME,        /* name */
        ACTION_TIMEZONE,        /* name (the zone), path (its file in zoneinfo) */
        ACTION_SSH_KEYS,        /* name (the login user), content (authorized_keys), flag: create the user first */
        ACTION_SSHD_DROPIN,     /* path, content; flag: with the persistent host key */
        ACTION_JOURNAL,         /* path (agent.journalDir): bind-mounted on /var/log/journal */
        ACTION_WRITE_UNIT,      /* unit, name (its file, relative to the unit directory), content */
        ACTION_REMOVE_UNIT,     /* unit, name: the agent's unit file the plan no longer has */
        ACTION_RELOAD,          /* systemd reads the unit files again */
        ACTION_START_UNIT,      /* unit, content (the file it starts with) */
        ACTION_RESTART_UNIT,    /* unit, content: its file changed while it runs */
        ACTION_STOP_UNIT,       /* unit */
        ACTION_ADOPT_UNIT,      /* unit, content: running, not started by this agent: kept as it is */
        ACTION_HOLD_UNIT,       /* unit, owner: ready, but its user does not exist: not started (217/USER) */
        ACTION_RELOAD_UNIT,     /* unit: reads its configuration again (sshd after its drop-in changed) */
        _ACTION_KIND_MAX,
        _ACTION_KIND_INVALID = -EINVAL,
} ActionKind;

typedef struct Action {
        ActionKind kind;
        char *name;
        char *unit;
        char *path;
        char *content;
        char *source;
        char *device;
        char *fstype;
        char *options;
        char *owner;
        char **keep;                /* a take-over leaves these alone (other dirs, secrets inside) */
        uid_t uid;
        gid_t gid;
        mode_t mode;
        SecretKind secret;
        bool flag;
} Action;

typedef struct ActionList {
        Action *actions;
        size_t n_actions;
        /* What cannot be done, said once per evaluation (the status's "problems"). */
        char **problems;
} ActionList;

/* A directory as it is: exists, and if so its owner and mode. */
typedef struct AppliedDir {
        char *path;
        bool exists;
        uid_t uid;
        gid_t gid;
        mode_t mode;
} AppliedDir;

/* A file in the unit directory: "geth.service", "ssh.service.d/50-hsos-mounts.conf". */
typedef struct AppliedUnitFile {
        char *name;
        char *content;
} AppliedUnitFile;

/* What systemd and the agent know of a unit (hsos/reconcile.h). */
typedef struct AppliedUnit {
        char *name;
        UnitSeen seen;              /* its strings borrowed from whoever filled it */
} AppliedUnit;

/* What is applied already, as plain data. A part not read is as on a fresh
 * node: no directory, no unit file, no unit running, every user there. */
typedef struct Applied {
        AppliedDir *dirs;           /* the plan's directories (those not listed are absent) */
        size_t n_dirs;
        AppliedUnitFile *unit_files;
        size_t n_unit_files;
        AppliedUnit *units;         /* units not listed: known to systemd, inactive, never started */
        size_t n_units;
        char **users_missing;       /* the client users that do not exist */
        char *hostname;             /* NULL: unknown (set) */
        char *localtime;            /* /etc/localtime's target, NULL: none */
        bool login_user_exists;
        bool login_ssh_dir_ok;      /* ~core/.ssh is core's, mode 0700 */
        char *login_keys;           /* ~core/.ssh/authorized_keys, NULL: absent or not a bounded regular file */
        char *sshd_dropin;          /* SSHD_DROPIN_PATH as it is, NULL: absent */
        int host_key_error;         /* the persistent ssh host key: 0 sshd takes it, -EPERM owner or mode, -errno */
} Applied;

void applied_done(Applied *a);
int applied_add_dir(Applied *a, const char *path, bool exists, uid_t uid, gid_t gid, mode_t mode);
int applied_add_unit_file(Applied *a, const char *name, const char *content);
/* seen's strings are borrowed: they must outlive the Applied's use. */
int applied_add_unit(Applied *a, const char *name, const UnitSeen *seen);

typedef enum ActionScope {
        ACTIONS_MOUNTS     = 1 << 0, /* every pending mount (the convergence mounts them one by one) */
        ACTIONS_NODE       = 1 << 1, /* hostname, time zone, ssh keys, sshd, journal: where the agent applies the node */
        ACTIONS_DISK       = 1 << 2, /* directories, take-overs, secrets */
        ACTIONS_USERS      = 1 << 3, /* the clients' users, where a ready unit's is missing */
        ACTIONS_UNIT_FILES = 1 << 4, /* unit files written and removed, the reload */
        ACTIONS_UNIT_JOBS  = 1 << 5, /* start, restart, stop, adopt, hold */
        ACTIONS_ALL        = (1 << 6) - 1,
} ActionScope;

/* The actions of scope, in the order they are carried out. A stale unit is
 * stopped in the unit-files part (before its file goes), a changed unit
 * restarted in the jobs part (after the reload). */
int actions_build(const Plan *p, const Config *c, const Facts *f, const Applied *a, ActionScope scope,
                  ActionList *ret);
void action_list_done(ActionList *l);

/* The first pending mount not tried yet (tried[i] by the config's mount
 * index), or NULL: the convergence mounts one at a time, parents first. */
const PlanMount *action_next_mount(const Plan *p, const Config *c, const bool *tried);
int action_mount(const PlanMount *pm, Action *ret);
void action_done(Action *a);

/* sshd's drop-in: with the persistent host key when the plan has it present
 * and host_key_error is 0; otherwise a problem says why (to *problems, may be
 * NULL). 1 when the persistent key is used, 0 when not. */
int action_sshd_dropin(const Plan *p, int host_key_error, char ***problems, char **ret);

/* What the node's actions changed, as the executor did them: what follows
 * in the daemon (which runs the unit jobs the worker cannot). */
typedef enum NodeChange {
        NODE_CHANGED_SSHD_DROPIN = 1 << 0, /* ACTION_SSHD_DROPIN written */
        NODE_CHANGED_SSH_KEYS    = 1 << 1, /* ACTION_SSH_KEYS installed keys that differ */
        NODE_CHANGED_HOST_KEY    = 1 << 2, /* the persistent ssh host key created */
} NodeChange;

/* The units that may run sshd, in the order they are preferred: Debian's
 * ssh.service (where sshd.service is its alias), NixOS's sshd.service. The
 * daemon follows both, so their state is in the facts. */
extern const char * const action_sshd_units[];

/* Whether sshd reads its configuration again after changes (NodeChange
 * bits): only after its drop-in changed (authorized_keys are read at each
 * login; a new host key is named by the drop-in of the next evaluation,
 * whose change reloads it then). Which unit: the first of
 * action_sshd_units the facts say is active (or reloading); none when none
 * runs (sshd reads the drop-in when it starts) or the facts have no units.
 * 1 and *ret an ACTION_RELOAD_UNIT, 0 nothing to do, -ENOMEM. */
int action_sshd_reload(const Facts *f, unsigned changes, Action *ret);

/* The directories the daemon watches (inotify: IN_CREATE, IN_MOVED_TO,
 * IN_CLOSE_WRITE) for the plan's secrets that are not there: for each
 * blocked, missing or failed one, the nearest of its ancestors that exists
 * (present_dirs, as the worker found them after its work), once each, in
 * the plan's order. A JWT decrypted into /run/secrets/x/ later, with only
 * /run there: /run. Watching a directory a client can write is harmless:
 * an event only makes the node be evaluated again, and what is read then
 * is read safely; nothing is followed or opened by the watch's path. */
int action_watch_dirs(const Plan *p, char * const *present_dirs, char ***ret);

const char *action_kind_to_string(ActionKind k);
/* One line: "make dir /mnt/eth/geth (geth, 0700)". */
int action_describe(const Action *a, char **ret);

/* `hsos-agent plan`'s "Would do:" section (each action described, then what
 * cannot be done), and its JSON "actions" array: [{kind, unit, name, path,
 * description}], the fields an action lacks left out. NULL: no memory. */
int actions_to_text(const ActionList *l, char **ret);
typedef struct cJSON cJSON;
cJSON *actions_to_json(const ActionList *l);
