/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "hsos/action.h"
#include "hsos/sshd.h"
#include "hsos/util.h"

#define ZONEINFO "/usr/share/zoneinfo"

const char *action_kind_to_string(ActionKind k) {
        static const char * const table[_ACTION_KIND_MAX] = {
                [ACTION_MOUNT] = "mount",
                [ACTION_MAKE_DIR] = "make-dir",
                [ACTION_TAKE_OVER] = "take-over",
                [ACTION_CREATE_SECRET] = "create-secret",
                [ACTION_CREATE_USERS] = "create-users",
                [ACTION_HOSTNAME] = "hostname",
                [ACTION_TIMEZONE] = "timezone",
                [ACTION_SSH_KEYS] = "ssh-keys",
                [ACTION_SSHD_DROPIN] = "sshd-dropin",
                [ACTION_JOURNAL] = "journal",
                [ACTION_WRITE_UNIT] = "write-unit",
                [ACTION_REMOVE_UNIT] = "remove-unit",
                [ACTION_RELOAD] = "reload",
                [ACTION_START_UNIT] = "start",
                [ACTION_RESTART_UNIT] = "restart",
                [ACTION_STOP_UNIT] = "stop",
                [ACTION_ADOPT_UNIT] = "adopt",
                [ACTION_HOLD_UNIT] = "hold",
                [ACTION_RELOAD_UNIT] = "reload-unit",
        };

        return k >= 0 && k < _ACTION_KIND_MAX ? table[k] : NULL;
}

void action_done(Action *a) {
        if (!a)
                return;
        free(a->name);
        free(a->unit);
        free(a->path);
        if (a->content)
                explicit_bzero(a->content, strlen(a->content));
        free(a->content);
        free(a->source);
        free(a->device);
        free(a->fstype);
        free(a->options);
        free(a->owner);
        strv_free(a->keep);
        *a = (Action) {};
}

void action_list_done(ActionList *l) {
        for (size_t i = 0; i < l->n_actions; i++)
                action_done(&l->actions[i]);
        free(l->actions);
        strv_free(l->problems);
        *l = (ActionList) {};
}

void applied_done(Applied *a) {
        for (size_t i = 0; i < a->n_dirs; i++)
                free(a->dirs[i].path);
        free(a->dirs);
        for (size_t i = 0; i < a->n_unit_files; i++) {
                free(a->unit_files[i].name);
                free(a->unit_files[i].content);
        }
        free(a->unit_files);
        for (size_t i = 0; i < a->n_units; i++)
                free(a->units[i].name);
        free(a->units);
        strv_free(a->users_missing);
        free(a->hostname);
        free(a->localtime);
        free(a->login_keys);
        free(a->sshd_dropin);
        *a = (Applied) {};
}

int applied_add_dir(Applied *a, const char *path, bool exists, uid_t uid, gid_t gid, mode_t mode) {
        AppliedDir *n = array_grow(a->dirs, &a->n_dirs, sizeof *n);

        if (!n)
                return -ENOMEM;
        a->dirs = n;
        n[a->n_dirs - 1] = (AppliedDir) { .path = strdup(path), .exists = exists, .uid = uid, .gid = gid, .mode = mode };
        return n[a->n_dirs - 1].path ? 0 : -ENOMEM;
}

int applied_add_unit_file(Applied *a, const char *name, const char *content) {
        AppliedUnitFile *n = array_grow(a->unit_files, &a->n_unit_files, sizeof *n);

        if (!n)
                return -ENOMEM;
        a->unit_files = n;
        n[a->n_unit_files - 1] = (AppliedUnitFile) { .name = strdup(name), .content = strdup(content) };
        return n[a->n_unit_files - 1].name && n[a->n_unit_files - 1].content ? 0 : -ENOMEM;
}

int applied_add_unit(Applied *a, const char *name, const UnitSeen *seen) {
        AppliedUnit *n = array_grow(a->units, &a->n_units, sizeof *n);

        if (!n)
                return -ENOMEM;
        a->units = n;
        n[a->n_units - 1] = (AppliedUnit) { .name = strdup(name), .seen = *seen };
        return n[a->n_units - 1].name ? 0 : -ENOMEM;
}

static const AppliedDir *applied_dir(const Applied *a, const char *path) {
        for (size_t i = 0; i < a->n_dirs; i++)
                if (streq(a->dirs[i].path, path))
                        return &a->dirs[i];
        return NULL;
}

static const AppliedUnitFile *applied_unit_file(const Applied *a, const char *name) {
        for (size_t i = 0; i < a->n_unit_files; i++)
                if (streq(a->unit_files[i].name, name))
                        return &a->unit_files[i];
        return NULL;
}

static const AppliedUnit *applied_unit(const Applied *a, const char *name) {
        for (size_t i = 0; i < a->n_units; i++)
                if (streq(a->units[i].name, name))
                        return &a->units[i];
        return NULL;
}

/* Appends an action of kind; the caller fills its fields (owned by the list). */
static Action *push(ActionList *l, ActionKind kind) {
        Action *n = array_grow(l->actions, &l->n_actions, sizeof *n);

        if (!n)
                return NULL;
        l->actions = n;
        n[l->n_actions - 1].kind = kind;
        return &n[l->n_actions - 1];
}

/* strdup of NULL is NULL; of anything else, NULL only without memory. */
static bool copy(char **dst, const char *src) {
        if (!src)
                return true;
        *dst = strdup(src);
        return !!*dst;
}

int action_mount(const PlanMount *pm, Action *ret) {
        const MountConfig *mc = pm->config;
        Action a = { .kind = ACTION_MOUNT };

        if (!copy(&a.name, mc->name) || !copy(&a.device, pm->device ?: mc->what) || !copy(&a.path, mc->where) ||
            !copy(&a.fstype, pm->fstype) || !copy(&a.options, mc->options)) {
                action_done(&a);
                return -ENOMEM;
        }
        *ret = a;
        return 0;
}

const PlanMount *action_next_mount(const Plan *p, const Config *c, const bool *tried) {
        for (size_t i = 0; i < p->n_mounts; i++)
                if (p->mounts[i].state == MOUNT_PENDING && !(tried && tried[p->mounts[i].config - c->mounts]))
                        return &p->mounts[i];
        return NULL;
}

static int build_mounts(const Plan *p, ActionList *l) {
        for (size_t i = 0; i < p->n_mounts; i++) {
                Action *a;

                if (p->mounts[i].state != MOUNT_PENDING)
                        continue;
                a = push(l, ACTION_MOUNT);
                if (!a || action_mount(&p->mounts[i], a) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int action_sshd_dropin(const Plan *p, int host_key_error, char ***problems, char **ret) {
        const PlanSecret *key = NULL;
        bool use_key = false;
        int r;

        for (size_t i = 0; i < p->n_secrets; i++)
                if (p->secrets[i].kind == SECRET_SSH_HOST_KEY)
                        key = &p->secrets[i];
        if (key && key->state == SECRET_PRESENT) {
                /* sshd refuses a key others may read: keep RAM keys rather than no sshd. */
                if (host_key_error == 0)
                        use_key = true;
                else if (problems &&
                         strv_extendf(problems, "the ssh host key %s is not used: %s; sshd runs with a key made in "
                                      "RAM for this boot", key->path,
                                      host_key_error == -EPERM ? "sshd wants it owned by root with mode 0600"
                                                               : strerror(-host_key_error)) < 0)
                        return -ENOMEM;
        }
        r = sshd_dropin_render(use_key ? key->path : NULL, ret);
        return r < 0 ? r : use_key;
}

static int build_node(const Plan *p, const Config *c, const Facts *f, const Applied *ap, ActionList *l) {
        _cleanup_free_ char *zone = NULL, *dropin = NULL;
        Action *a;
        int r;

        if (!streq_ptr(ap->hostname, c->hostname)) {
                if (!(a = push(l, ACTION_HOSTNAME)) || !copy(&a->name, c->hostname))
                        return -ENOMEM;
        }

        if (asprintf(&zone, ZONEINFO "/%s", c->timezone) < 0)
                return -ENOMEM;
        if (!streq_ptr(ap->localtime, zone)) {
                if (!(a = push(l, ACTION_TIMEZONE)) || !copy(&a->name, c->timezone) || !copy(&a->path, zone))
                        return -ENOMEM;
        }

        if (strv_length(c->ssh_authorized_keys) > 0) {
                _cleanup_free_ char *want = NULL;
                StrBuf b = {};

                STRV_FOREACH(k, c->ssh_authorized_keys)
                        sb_appendf(&b, "%s\n", *k);
                if (sb_steal(&b, &want) < 0)
                        return -ENOMEM;
                if (!ap->login_user_exists || !ap->login_ssh_dir_ok || !streq_ptr(ap->login_keys, want)) {
                        if (!(a = push(l, ACTION_SSH_KEYS)) || !copy(&a->name, SSH_LOGIN_USER))
                                return -ENOMEM;
                        a->content = TAKE_PTR(want);
                        a->flag = !ap->login_user_exists;
                }
        }

        r = action_sshd_dropin(p, ap->host_key_error, &l->problems, &dropin);
        if (r < 0)
                return r;
        if (!streq_ptr(ap->sshd_dropin, dropin)) {
                if (!(a = push(l, ACTION_SSHD_DROPIN)) || !copy(&a->path, SSHD_DROPIN_PATH))
                        return -ENOMEM;
                a->content = TAKE_PTR(dropin);
                a->flag = r > 0;
        }

        /* In place already (by us, or by whoever set it up): nothing to do. */
        if (!isempty(c->agent.journal_dir) && !facts_mount_at(f, "/var/log/journal")) {
                _cleanup_free_ char *why = NULL;

                r = plan_storage_check(c, f, p, c->agent.journal_dir, &why);
                if (r < 0)
                        return r;
                if (why) {
                        if (strv_extendf(&l->problems, "the journal stays in RAM: agent.journalDir %s", why) < 0)
                                return -ENOMEM;
                } else if (!(a = push(l, ACTION_JOURNAL)) || !copy(&a->path, c->agent.journal_dir))
                        return -ENOMEM;
        }
        return 0;
}

/* What a take-over of dir must leave alone: the plan's other dirs and its
 * secrets that lie inside (another client's data, a shared JWT). */
static int take_over_keep(const Plan *p, const PlanDir *dir, char ***ret) {
        _cleanup_strv_free_ char **keep = NULL;

        for (size_t i = 0; i < p->n_dirs; i++)
                if (&p->dirs[i] != dir && !streq(p->dirs[i].path, dir->path) &&
                    path_startswith_dir(p->dirs[i].path, dir->path) && strv_extend(&keep, p->dirs[i].path) < 0)
                        return -ENOMEM;
        for (size_t i = 0; i < p->n_secrets; i++)
                if (path_startswith_dir(p->secrets[i].path, dir->path) && strv_extend(&keep, p->secrets[i].path) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(keep);
        return 0;
}

static bool user_missing(const Applied *ap, const PlanUnit *pu) {
        return pu->client != CLIENT_WIREGUARD && strv_contains(ap->users_missing, client_to_string(pu->client));
}

static int build_disk(const Plan *p, const Config *c, const Applied *ap, ActionList *l) {
        Action *a;

        for (size_t i = 0; i < p->n_dirs; i++) {
                const PlanDir *d = &p->dirs[i];
                const AppliedDir *have = applied_dir(ap, d->path);

                if (!have || !have->exists) {
                        /* Made with its owner: a new data dir needs no take-over. */
                        if (!(a = push(l, ACTION_MAKE_DIR)) || !copy(&a->path, d->path) || !copy(&a->owner, d->owner))
                                return -ENOMEM;
                        a->uid = d->uid;
                        a->gid = d->gid;
                        a->mode = d->mode;
                        continue;
                }
                /* A data dir whose top is its client's was made so, or taken
                 * over before (the top changes last); any other owner is the
                 * executor's to judge, on the fd it opens. */
                if (!d->data || have->uid == d->uid)
                        continue;
                if (!(a = push(l, ACTION_TAKE_OVER)) || !copy(&a->path, d->path) || !copy(&a->owner, d->owner) ||
                    take_over_keep(p, d, &a->keep) < 0)
                        return -ENOMEM;
                a->uid = d->uid;
                a->gid = d->gid;
        }

        for (size_t i = 0; i < p->n_secrets; i++) {
                const PlanSecret *s = &p->secrets[i];

                /* ssv-node.service makes its own keys; a WireGuard key is never invented. */
                if (s->state != SECRET_CREATE || (s->kind != SECRET_JWT && s->kind != SECRET_SSH_HOST_KEY))
                        continue;
                if (!(a = push(l, ACTION_CREATE_SECRET)) || !copy(&a->path, s->path) || !copy(&a->source, s->copy_from))
                        return -ENOMEM;
                a->secret = s->kind;
                if (s->kind == SECRET_SSH_HOST_KEY && asprintf(&a->content, "root@%s", c->hostname) < 0) {
                        a->content = NULL;
                        return -ENOMEM;
                }
        }

        return 0;
}

/* sysusers.d should have made them at boot; one run makes all that are missing. */
static int build_users(const Plan *p, const Applied *ap, ActionList *l) {
        Action *a;

        for (size_t i = 0; i < p->n_units; i++)
                if (p->units[i].state == UNIT_READY && user_missing(ap, &p->units[i])) {
                        if (!(a = push(l, ACTION_CREATE_USERS)) || !copy(&a->name, client_to_string(p->units[i].client)))
                                return -ENOMEM;
                        break;
                }
        return 0;
}

static int build_unit_files(const Plan *p, const Applied *ap, ActionList *l) {
        bool changed = false;
        Action *a;

        for (size_t i = 0; i < p->n_units; i++) {
                const PlanUnit *u = &p->units[i];
                const AppliedUnitFile *have = applied_unit_file(ap, u->name);

                if (have && streq(have->content, u->content))
                        continue;
                if (!(a = push(l, ACTION_WRITE_UNIT)) || !copy(&a->unit, u->name) || !copy(&a->name, u->name) ||
                    !copy(&a->content, u->content))
                        return -ENOMEM;
                changed = true;
        }
        for (size_t i = 0; i < p->n_dropins; i++) {
                const PlanDropIn *d = &p->dropins[i];
                _cleanup_free_ char *name = NULL;
                const AppliedUnitFile *have;

                if (asprintf(&name, "%s.d/%s", d->unit, d->name) < 0)
                        return -ENOMEM;
                have = applied_unit_file(ap, name);
                if (have && streq(have->content, d->content))
                        continue;
                if (!(a = push(l, ACTION_WRITE_UNIT)) || !copy(&a->unit, d->unit) || !copy(&a->content, d->content))
                        return -ENOMEM;
                a->name = TAKE_PTR(name);
                changed = true;
        }
        /* The agent's units the plan dropped: stopped, then their file goes. */
        for (size_t i = 0; i < ap->n_unit_files; i++) {
                const AppliedUnitFile *have = &ap->unit_files[i];

                if (strchr(have->name, '/') ||
                    !unit_is_stale(p, have->name, startswith(have->content, ACTION_UNIT_HEADER)))
                        continue;
                if (!(a = push(l, ACTION_STOP_UNIT)) || !copy(&a->unit, have->name))
                        return -ENOMEM;
                if (!(a = push(l, ACTION_REMOVE_UNIT)) || !copy(&a->unit, have->name) || !copy(&a->name, have->name))
                        return -ENOMEM;
                changed = true;
        }
        if (changed && !push(l, ACTION_RELOAD))
                return -ENOMEM;
        return 0;
}

static int build_unit_jobs(const Plan *p, const Facts *f, const Applied *ap, ActionList *l) {
        for (size_t i = 0; i < p->n_units; i++) {
                const PlanUnit *pu = &p->units[i];
                const AppliedUnit *have = applied_unit(ap, pu->name);
                const FactUnit *fu = f ? facts_find_unit(f, pu->name) : NULL;
                /* Not heard of: systemd knows it (its file is written), as the facts say it is. */
                UnitSeen seen = have ? have->seen : (UnitSeen) {
                        .known = true,
                        .active_state = fu ? fu->active_state : "inactive",
                };
                ActionKind kind = _ACTION_KIND_INVALID;
                Action *a;

                seen.user_exists = !user_missing(ap, pu);
                switch (unit_decide(pu, &seen)) {
                case UNIT_ACTION_NONE:
                        continue;
                case UNIT_ACTION_START:
                        kind = ACTION_START_UNIT;
                        break;
                case UNIT_ACTION_RESTART:
                        kind = ACTION_RESTART_UNIT;
                        break;
                case UNIT_ACTION_ADOPT:
                        kind = ACTION_ADOPT_UNIT;
                        break;
                case UNIT_ACTION_WAIT_USER:
                        kind = ACTION_HOLD_UNIT;
                        break;
                case _UNIT_ACTION_MAX:
                        continue;
                }
                if (!(a = push(l, kind)) || !copy(&a->unit, pu->name) || !copy(&a->content, pu->content) ||
                    !copy(&a->owner, client_to_string(pu->client)))
                        return -ENOMEM;
        }
        return 0;
}

int actions_build(const Plan *p, const Config *c, const Facts *f, const Applied *a, ActionScope scope,
                  ActionList *ret) {
        static const Applied fresh = { .host_key_error = 0 };
        ActionList l = {};
        int r = 0;

        if (!a)
                a = &fresh;
        if (r >= 0 && (scope & ACTIONS_MOUNTS))
                r = build_mounts(p, &l);
        if (r >= 0 && (scope & ACTIONS_NODE))
                r = build_node(p, c, f, a, &l);
        if (r >= 0 && (scope & ACTIONS_DISK))
                r = build_disk(p, c, a, &l);
        if (r >= 0 && (scope & ACTIONS_USERS))
                r = build_users(p, a, &l);
        if (r >= 0 && (scope & ACTIONS_UNIT_FILES))
                r = build_unit_files(p, a, &l);
        if (r >= 0 && (scope & ACTIONS_UNIT_JOBS))
                r = build_unit_jobs(p, f, a, &l);
        if (r < 0) {
                action_list_done(&l);
                return r;
        }
        *ret = l;
        return 0;
}

const char * const action_sshd_units[] = { "ssh.service", "sshd.service", NULL };

int action_sshd_reload(const Facts *f, unsigned changes, Action *ret) {
        if (!(changes & NODE_CHANGED_SSHD_DROPIN) || !f || !f->have_units)
                return 0;
        for (size_t i = 0; action_sshd_units[i]; i++) {
                const FactUnit *u = facts_find_unit(f, action_sshd_units[i]);

                if (!u || !(streq_ptr(u->active_state, "active") || streq_ptr(u->active_state, "reloading")))
                        continue;
                *ret = (Action) { .kind = ACTION_RELOAD_UNIT, .unit = strdup(u->name) };
                return ret->unit ? 1 : -ENOMEM;
        }
        return 0;
}

int action_watch_dirs(const Plan *p, char * const *present_dirs, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;

        for (size_t i = 0; i < p->n_secrets; i++) {
                const PlanSecret *s = &p->secrets[i];
                _cleanup_free_ char *dir = NULL;
                char *slash;

                if (s->state != SECRET_BLOCKED && s->state != SECRET_MISSING && s->state != SECRET_FAILED)
                        continue;
                dir = strdup(s->path);
                if (!dir)
                        return -ENOMEM;
                /* Up from its directory to the first there; "/" is always there. */
                while ((slash = strrchr(dir, '/'))) {
                        if (slash == dir)
                                slash[1] = 0;
                        else
                                *slash = 0;
                        if (slash == dir || strv_contains(present_dirs, dir))
                                break;
                }
                if (!slash || dir[0] != '/')
                        continue; /* not an absolute path: nothing to watch */
                if (!strv_contains(l, dir) && strv_extend(&l, dir) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

int action_describe(const Action *a, char **ret) {
        size_t n;
        int r = -EINVAL;

        switch (a->kind) {
        case ACTION_MOUNT:
                r = asprintf(ret, "mount %s: %s on %s (%s%s%s)", a->name, a->device, a->path, strempty(a->fstype),
                             isempty(a->options) ? "" : ", ", strempty(a->options));
                break;
        case ACTION_MAKE_DIR:
                r = asprintf(ret, "make dir %s (%s, %04o)", a->path, a->owner, (unsigned) a->mode);
                break;
        case ACTION_TAKE_OVER:
                r = asprintf(ret, "take over %s for %s (its top is not %s's)", a->path, a->owner, a->owner);
                break;
        case ACTION_CREATE_SECRET:
                r = a->source ? asprintf(ret, "create %s %s (the secret of its pair %s)",
                                         secret_kind_to_string(a->secret), a->path, a->source)
                              : asprintf(ret, "create %s %s", secret_kind_to_string(a->secret), a->path);
                break;
        case ACTION_CREATE_USERS:
                r = asprintf(ret, "create the clients' system users (systemd-sysusers: %s is missing)", a->name);
                break;
        case ACTION_HOSTNAME:
                r = asprintf(ret, "set the hostname to %s", a->name);
                break;
        case ACTION_TIMEZONE:
                r = asprintf(ret, "set the time zone to %s", a->name);
                break;
        case ACTION_SSH_KEYS:
                n = 0;
                for (const char *s = a->content; s && *s; s++)
                        n += *s == '\n';
                r = asprintf(ret, "%sinstall %zu authorized key%s for %s", a->flag ? "create the login user, " : "",
                             n, n == 1 ? "" : "s", a->name);
                break;
        case ACTION_SSHD_DROPIN:
                r = asprintf(ret, "write %s (%s)", a->path,
                             a->flag ? "the persistent host key" : "a host key made in RAM for this boot");
                break;
        case ACTION_JOURNAL:
                r = asprintf(ret, "keep the journal in %s", a->path);
                break;
        case ACTION_WRITE_UNIT:
                r = asprintf(ret, "write unit %s", a->name);
                break;
        case ACTION_REMOVE_UNIT:
                r = asprintf(ret, "remove unit %s", a->name);
                break;
        case ACTION_RELOAD:
                r = asprintf(ret, "reload systemd");
                break;
        case ACTION_START_UNIT:
                r = asprintf(ret, "start %s", a->unit);
                break;
        case ACTION_RESTART_UNIT:
                r = asprintf(ret, "restart %s (its unit changed)", a->unit);
                break;
        case ACTION_STOP_UNIT:
                r = asprintf(ret, "stop %s (no longer part of the node)", a->unit);
                break;
        case ACTION_ADOPT_UNIT:
                r = asprintf(ret, "adopt %s (running, not started by this agent)", a->unit);
                break;
        case ACTION_HOLD_UNIT:
                r = asprintf(ret, "hold %s (its user %s does not exist yet)", a->unit, a->owner);
                break;
        case ACTION_RELOAD_UNIT:
                r = asprintf(ret, "reload %s (its configuration changed)", a->unit);
                break;
        case _ACTION_KIND_MAX:
        case _ACTION_KIND_INVALID:
                return -EINVAL;
        }
        if (r < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}

int actions_to_text(const ActionList *l, char **ret) {
        StrBuf b = {};

        sb_append(&b, "\nWould do:\n");
        if (l->n_actions == 0)
                sb_append(&b, "  nothing\n");
        for (size_t i = 0; i < l->n_actions; i++) {
                _cleanup_free_ char *line = NULL;
                if (action_describe(&l->actions[i], &line) < 0) {
                        sb_done(&b);
                        return -ENOMEM;
                }
                sb_appendf(&b, "  %s\n", line);
        }
        STRV_FOREACH(s, l->problems)
                sb_appendf(&b, "  cannot: %s\n", *s);
        return sb_steal(&b, ret);
}

static bool add_string(cJSON *o, const char *key, const char *value) {
        return !value || cJSON_AddStringToObject(o, key, value);
}

cJSON *actions_to_json(const ActionList *l) {
        _cleanup_(cJSON_Deletep) cJSON *a = cJSON_CreateArray();

        if (!a)
                return NULL;
        for (size_t i = 0; i < l->n_actions; i++) {
                const Action *x = &l->actions[i];
                _cleanup_free_ char *line = NULL;
                cJSON *o = cJSON_CreateObject();

                if (!o || !cJSON_AddItemToArray(a, o)) {
                        cJSON_Delete(o);
                        return NULL;
                }
                if (action_describe(x, &line) < 0 || !add_string(o, "kind", action_kind_to_string(x->kind)) ||
                    !add_string(o, "unit", x->unit) || !add_string(o, "name", x->name) ||
                    !add_string(o, "path", x->path) || !add_string(o, "description", line))
                        return NULL;
        }
        return TAKE_PTR(a);
}
