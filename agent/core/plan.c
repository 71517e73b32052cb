/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "hsos/plan.h"
#include "hsos/render.h"
#include "hsos/util.h"

static const char * const mount_state_table[_MOUNT_STATE_MAX] = {
        [MOUNT_MOUNTED] = "mounted",
        [MOUNT_PENDING] = "to-mount",
        [MOUNT_WAITING] = "waiting",
        [MOUNT_FAILED] = "failed",
};

static const char * const secret_kind_table[_SECRET_KIND_MAX] = {
        [SECRET_JWT] = "jwt",
        [SECRET_SSH_HOST_KEY] = "ssh-host-key",
        [SECRET_WIREGUARD] = "wireguard",
        [SECRET_SSV_OPERATOR_KEY] = "ssv-operator-key",
        [SECRET_SSV_PASSWORD] = "ssv-password",
};

static const char * const secret_state_table[_SECRET_STATE_MAX] = {
        [SECRET_PRESENT] = "present",
        [SECRET_CREATE] = "create",
        [SECRET_INVALID] = "invalid",
        [SECRET_MISSING] = "missing",
        [SECRET_BLOCKED] = "blocked",
        [SECRET_FAILED] = "failed",
};

static const char * const unit_state_table[_UNIT_STATE_MAX] = {
        [UNIT_READY] = "ready",
        [UNIT_BLOCKED] = "blocked",
        [UNIT_WAITING] = "waiting",
};

const char *mount_state_to_string(MountState s) {
        return s >= 0 && s < _MOUNT_STATE_MAX ? mount_state_table[s] : NULL;
}

const char *secret_kind_to_string(SecretKind k) {
        return k >= 0 && k < _SECRET_KIND_MAX ? secret_kind_table[k] : NULL;
}

const char *secret_state_to_string(SecretState s) {
        return s >= 0 && s < _SECRET_STATE_MAX ? secret_state_table[s] : NULL;
}

const char *unit_state_to_string(UnitState s) {
        return s >= 0 && s < _UNIT_STATE_MAX ? unit_state_table[s] : NULL;
}

int client_unit_name(const Config *c, Client client, char **ret) {
        int r;

        if (client == CLIENT_WIREGUARD)
                r = asprintf(ret, "wg-quick-%s.service", strempty(c->wireguard_interface));
        else
                r = asprintf(ret, "%s.service", client_to_string(client));
        return r < 0 ? -ENOMEM : 0;
}

Plan *plan_free(Plan *p) {
        if (!p)
                return NULL;
        for (size_t i = 0; i < p->n_mounts; i++) {
                free(p->mounts[i].device);
                free(p->mounts[i].fstype);
                plan_reason_done(&p->mounts[i].why);
                free(p->mounts[i].reason);
        }
        free(p->mounts);
        for (size_t i = 0; i < p->n_dirs; i++) {
                free(p->dirs[i].path);
                free(p->dirs[i].owner);
        }
        free(p->dirs);
        for (size_t i = 0; i < p->n_secrets; i++) {
                free(p->secrets[i].path);
                free(p->secrets[i].reason);
                strv_free(p->secrets[i].units);
                strv_free(p->secrets[i].shared_with);
                free(p->secrets[i].copy_from);
        }
        free(p->secrets);
        for (size_t i = 0; i < p->n_units; i++) {
                free(p->units[i].name);
                for (size_t k = 0; k < p->units[i].n_whys; k++)
                        plan_reason_done(&p->units[i].whys[k]);
                free(p->units[i].whys);
                free(p->units[i].reason);
                free(p->units[i].content);
                free(p->units[i].executable);
        }
        free(p->units);
        for (size_t i = 0; i < p->n_dropins; i++) {
                free(p->dropins[i].unit);
                free(p->dropins[i].name);
                free(p->dropins[i].content);
        }
        free(p->dropins);
        strv_free(p->notes);
        firewall_free(p->firewall);
        free(p);
        return NULL;
}

const PlanUnit *plan_find_unit(const Plan *p, const char *name) {
        for (size_t i = 0; i < p->n_units; i++)
                if (streq(p->units[i].name, name))
                        return &p->units[i];
        return NULL;
}

const PlanUnit *plan_find_client_unit(const Plan *p, Client client) {
        for (size_t i = 0; i < p->n_units; i++)
                if (p->units[i].client == client)
                        return &p->units[i];
        return NULL;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...) {
        va_list ap;
        char *s;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&s, fmt, ap);
        va_end(ap);
        return r < 0 ? NULL : s;
}

/* ---- reasons ---- */

/* The data of a reason, borrowed: reason_make() copies it. */
typedef struct ReasonData {
        const char *path, *where, *name, *device, *fstype, *detail;
        SecretKind secret;
        SecretState secret_state;
        UnitState unit_state;
        Client client;
        bool packaged;
} ReasonData;

static int reason_make(PlanReason *r, ReasonKind kind, const ReasonData *d) {
        *r = (PlanReason) {
                .kind = kind,
                .secret = d->secret,
                .secret_state = d->secret_state,
                .unit_state = d->unit_state,
                .client = d->client,
                .packaged = d->packaged,
        };
        if ((d->path && !(r->path = strdup(d->path))) || (d->where && !(r->where = strdup(d->where))) ||
            (d->name && !(r->name = strdup(d->name))) || (d->device && !(r->device = strdup(d->device))) ||
            (d->fstype && !(r->fstype = strdup(d->fstype))) || (d->detail && !(r->detail = strdup(d->detail)))) {
                plan_reason_done(r);
                return -ENOMEM;
        }
        return 0;
}

/* A mount that is not to be mounted now: its state, why, and the words. */
static int mount_not_now(PlanMount *pm, MountState state, ReasonKind kind, const ReasonData *d) {
        int r;

        pm->state = state;
        r = reason_make(&pm->why, kind, d);
        if (r < 0)
                return r;
        return plan_reason_render(&pm->why, &pm->reason);
}

/* Reasons gathered for a unit, in order. */
typedef struct Reasons {
        PlanReason *a;
        size_t n;
} Reasons;

static void reasons_done(Reasons *l) {
        for (size_t i = 0; i < l->n; i++)
                plan_reason_done(&l->a[i]);
        free(l->a);
        *l = (Reasons) {};
}

static int reasons_add(Reasons *l, ReasonKind kind, const ReasonData *d) {
        PlanReason *a = array_grow(l->a, &l->n, sizeof(PlanReason));
        int r;

        if (!a)
                return -ENOMEM;
        l->a = a;
        r = reason_make(&a[l->n - 1], kind, d);
        if (r < 0)
                l->n--;
        return r;
}

/* Moves every reason of from to the end of to. */
static int reasons_move(Reasons *to, Reasons *from) {
        for (size_t i = 0; i < from->n; i++) {
                PlanReason *a = array_grow(to->a, &to->n, sizeof(PlanReason));
                if (!a)
                        return -ENOMEM;
                to->a = a;
                a[to->n - 1] = from->a[i];
                from->a[i] = (PlanReason) { .kind = REASON_NONE };
        }
        return 0;
}

/* The reasons in words, joined by "; ". */
static int reasons_render(const PlanReason *a, size_t n, char **ret) {
        StrBuf b = {};

        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *s = NULL;
                int r = plan_reason_render(&a[i], &s);
                if (r < 0) {
                        sb_done(&b);
                        return r;
                }
                sb_appendf(&b, "%s%s", i > 0 ? "; " : "", strempty(s));
        }
        return sb_steal(&b, ret);
}

/* ---- mounts ---- */

/* Reads "key=value" from a comma-separated option string. */
static char *option_value(const char *options, const char *key) {
        size_t n = strlen(key);

        for (const char *p = options; p && *p;) {
                size_t len = strcspn(p, ",");
                if (len > n && strncmp(p, key, n) == 0 && p[n] == '=')
                        return strndup(p + n + 1, len - n - 1);
                p += len;
                if (*p == ',')
                        p++;
        }
        return NULL;
}

static const char *strip_slash(const char *s) {
        while (*s == '/')
                s++;
        return s;
}

/* Whether the mounted subvolume is the one the options ask for. */
static bool subvolume_matches(const char *want_options, const char *have_options) {
        _cleanup_free_ char *want_id = option_value(want_options, "subvolid"),
                            *want = option_value(want_options, "subvol"),
                            *have_id = option_value(have_options, "subvolid"),
                            *have = option_value(have_options, "subvol");

        if (want_id && have_id && !streq(want_id, have_id))
                return false;
        if (want && have && !streq(strip_slash(want), strip_slash(have)))
                return false;
        return true;
}

static bool source_matches(const FactMount *m, const MountConfig *mc, const FactDevice *d) {
        if (!m->source)
                return false;
        if (streq(m->source, mc->what))
                return true;
        return d && (streq_ptr(d->devname, m->source) || strv_contains(d->aliases, m->source));
}

static int plan_one_mount(const Facts *f, Plan *p, const MountConfig *mc) {
        PlanMount *pm, *parent = NULL;
        const FactDevice *d = NULL;
        const FactMount *at;
        _cleanup_free_ char *reason = NULL;
        int r;

        pm = array_grow(p->mounts, &p->n_mounts, sizeof(PlanMount));
        if (!pm)
                return -ENOMEM;
        p->mounts = pm;
        pm = &p->mounts[p->n_mounts - 1];
        pm->config = mc;

        /* The closest enabled mount above this one, already planned. */
        for (size_t i = 0; i + 1 < p->n_mounts; i++) {
                PlanMount *o = &p->mounts[i];
                if (!streq(o->config->where, mc->where) && path_startswith_dir(mc->where, o->config->where) &&
                    (!parent || strlen(o->config->where) > strlen(parent->config->where)))
                        parent = o;
        }

        if (fstype_has_free_source(mc->type)) {
                /* tmpfs, nfs, ...: no device to find; mounted as the config says. */
                at = facts_mount_at(f, mc->where);
                if (parent && parent->state != MOUNT_MOUNTED)
                        return mount_not_now(pm, MOUNT_WAITING, REASON_PARENT_MOUNT,
                                             &(ReasonData) { .name = parent->config->name,
                                                             .where = parent->config->where });
                if (at && !(streq_ptr(at->source, mc->what) && streq_ptr(at->fstype, mc->type)))
                        return mount_not_now(pm, MOUNT_FAILED, REASON_OCCUPIED,
                                             &(ReasonData) { .where = mc->where, .device = at->source,
                                                             .fstype = at->fstype });
                pm->state = at ? MOUNT_MOUNTED : MOUNT_PENDING;
                pm->fstype = strdup(mc->type);
                return pm->fstype ? 0 : -ENOMEM;
        }

        r = facts_resolve_device(f, mc->what, &d, &reason);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return mount_not_now(pm, MOUNT_FAILED, REASON_DEVICE_AMBIGUOUS, &(ReasonData) { .detail = reason });
        if (d && !(pm->device = strdup(d->devname)))
                return -ENOMEM;

        at = facts_mount_at(f, mc->where);
        if (at && !(parent && parent->state != MOUNT_MOUNTED)) {
                if (source_matches(at, mc, d) && subvolume_matches(mc->options, at->options)) {
                        pm->state = MOUNT_MOUNTED;
                        pm->fstype = strdup(strempty(at->fstype));
                        return pm->fstype ? 0 : -ENOMEM;
                }
                if (source_matches(at, mc, d))
                        return mount_not_now(pm, MOUNT_FAILED, REASON_WRONG_SUBVOLUME,
                                             &(ReasonData) { .device = at->source, .where = mc->where,
                                                             .detail = mc->options });
                return mount_not_now(pm, MOUNT_FAILED, REASON_OCCUPIED,
                                     &(ReasonData) { .where = mc->where, .device = at->source, .fstype = at->fstype });
        }

        if (parent && parent->state != MOUNT_MOUNTED)
                return mount_not_now(pm, MOUNT_WAITING, REASON_PARENT_MOUNT,
                                     &(ReasonData) { .name = parent->config->name, .where = parent->config->where });
        if (!d)
                return mount_not_now(pm, MOUNT_WAITING, f->have_devices ? REASON_NO_DEVICE : REASON_DEVICES_UNREADABLE,
                                     &(ReasonData) { .name = mc->what });
        if (d->error)
                return mount_not_now(pm, MOUNT_FAILED, REASON_DEVICE_PROBE,
                                     &(ReasonData) { .device = d->devname, .detail = d->error });
        if (streq(mc->type, "auto")) {
                if (!d->type)
                        return mount_not_now(pm, MOUNT_FAILED, REASON_NO_FILE_SYSTEM,
                                             &(ReasonData) { .device = d->devname });
        } else if (d->type && !streq(d->type, mc->type))
                return mount_not_now(pm, MOUNT_FAILED, REASON_WRONG_FSTYPE,
                                     &(ReasonData) { .device = d->devname, .fstype = d->type, .detail = mc->type });
        pm->state = MOUNT_PENDING;
        pm->fstype = strdup(streq(mc->type, "auto") ? d->type : mc->type);
        return pm->fstype ? 0 : -ENOMEM;
}

static int cmp_mount_depth(const void *a, const void *b) {
        const MountConfig *x = *(const MountConfig * const *) a, *y = *(const MountConfig * const *) b;
        size_t dx = 0, dy = 0;

        for (const char *s = x->where; *s; s++)
                dx += *s == '/';
        for (const char *s = y->where; *s; s++)
                dy += *s == '/';
        if (dx != dy)
                return dx < dy ? -1 : 1;
        return strcmp(x->where, y->where);
}

static int plan_mounts(const Config *c, const Facts *f, Plan *p) {
        _cleanup_free_ const MountConfig **order = NULL;
        size_t n = 0;
        int r;

        order = calloc(c->n_mounts + 1, sizeof(MountConfig *));
        if (!order)
                return -ENOMEM;
        for (size_t i = 0; i < c->n_mounts; i++)
                if (c->mounts[i].enable)
                        order[n++] = &c->mounts[i];
        /* Parents before children: fewer path components first. */
        qsort(order, n, sizeof(MountConfig *), cmp_mount_depth);
        for (size_t i = 0; i < n; i++) {
                r = plan_one_mount(f, p, order[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

static const PlanMount *plan_mount_of(const Plan *p, const MountConfig *mc) {
        for (size_t i = 0; i < p->n_mounts; i++)
                if (p->mounts[i].config == mc)
                        return &p->mounts[i];
        return NULL;
}

/* ---- storage: rule 1 ---- */

/* Whether path lies on persistent storage that is in place now: REASON_NONE
 * when it does, else why not. */
static int storage_check(const Config *c, const Facts *f, const Plan *p, const char *path, PlanReason *ret) {
        const MountConfig *mc = config_mount_holding(c, path);
        const FactMount *m;

        *ret = (PlanReason) { .kind = REASON_NONE };
        if (mc) {
                const PlanMount *pm = plan_mount_of(p, mc);
                if (pm && pm->state == MOUNT_PENDING)
                        return reason_make(ret, REASON_STORAGE_MOUNT_PENDING,
                                           &(ReasonData) { .path = path, .name = mc->name, .where = mc->where });
                if (pm && pm->state != MOUNT_MOUNTED)
                        return reason_make(ret, REASON_STORAGE_MOUNT_ABSENT,
                                           &(ReasonData) { .path = path, .name = mc->name, .where = mc->where,
                                                           .detail = pm->reason });
        }
        m = facts_mount_holding(f, path);
        if (!m)
                return reason_make(ret, REASON_STORAGE_UNMOUNTED, &(ReasonData) { .path = path });
        if (fstype_is_volatile(strempty(m->fstype))) {
                if (streq(m->target, "/"))
                        return reason_make(ret, REASON_STORAGE_RAM_ROOT,
                                           &(ReasonData) { .path = path, .fstype = m->fstype });
                return reason_make(ret, REASON_STORAGE_VOLATILE,
                                   &(ReasonData) { .path = path, .fstype = m->fstype, .where = m->target });
        }
        return 0;
}

int plan_storage_check(const Config *c, const Facts *f, const Plan *p, const char *path, char **ret_reason) {
        PlanReason why;
        int r;

        r = storage_check(c, f, p, path, &why);
        if (r < 0)
                return r;
        r = plan_reason_render(&why, ret_reason);
        plan_reason_done(&why);
        return r;
}

/* ---- secrets: rule 2 ---- */

static PlanSecret *find_secret(Plan *p, SecretKind kind, const char *path) {
        for (size_t i = 0; i < p->n_secrets; i++)
                if (p->secrets[i].kind == kind && streq(p->secrets[i].path, path))
                        return &p->secrets[i];
        return NULL;
}

static int dirname_dup(const char *path, char **ret) {
        const char *slash = strrchr(path, '/');

        *ret = slash == path ? strdup("/") : strndup(path, (size_t) (slash - path));
        return *ret ? 0 : -ENOMEM;
}

static int add_dir(Plan *p, const char *path, uid_t uid, const char *owner, mode_t mode, bool data) {
        PlanDir *a;

        for (size_t i = 0; i < p->n_dirs; i++)
                if (streq(p->dirs[i].path, path))
                        return 0;
        a = array_grow(p->dirs, &p->n_dirs, sizeof(PlanDir));
        if (!a)
                return -ENOMEM;
        p->dirs = a;
        a = &p->dirs[p->n_dirs - 1];
        *a = (PlanDir) { .uid = uid, .gid = uid, .mode = mode, .data = data };
        a->path = strdup(path);
        a->owner = strdup(owner);
        return a->path && a->owner ? 0 : -ENOMEM;
}

static int plan_secret(const Config *c, const Facts *f, Plan *p, SecretKind kind, const char *path,
                       const char *unit) {
        _cleanup_free_ char *why = NULL;
        PlanSecret *s = find_secret(p, kind, path);
        FileState fs;
        int r;

        if (s)
                return unit && !strv_contains(s->units, unit) ? strv_extend(&s->units, unit) : 0;

        s = array_grow(p->secrets, &p->n_secrets, sizeof(PlanSecret));
        if (!s)
                return -ENOMEM;
        p->secrets = s;
        s = &p->secrets[p->n_secrets - 1];
        s->kind = kind;
        if (!(s->path = strdup(path)) || (unit && strv_extend(&s->units, unit) < 0))
                return -ENOMEM;

        /* A secret under a mount that is not in place is not looked at: what
         * lies beneath the mount point is not what the disk holds. */
        r = plan_storage_check(c, f, p, path, &why);
        if (r < 0)
                return r;
        {
                const MountConfig *mc = config_mount_holding(c, path);
                const PlanMount *pm = mc ? plan_mount_of(p, mc) : NULL;
                if (pm && pm->state != MOUNT_MOUNTED) {
                        s->state = SECRET_BLOCKED;
                        s->reason = pm->state == MOUNT_FAILED
                                ? xasprintf("mount %s (%s) is not in place: %s", mc->name, mc->where, pm->reason)
                                : xasprintf("waiting for mount %s (%s)", mc->name, mc->where);
                        return s->reason ? 0 : -ENOMEM;
                }
        }

        fs = facts_file_state(f, path);
        switch (fs) {
        case FILE_PRESENT:
                s->state = SECRET_PRESENT;
                return 0;
        case FILE_INVALID:
                s->state = SECRET_INVALID;
                s->reason = xasprintf("%s is not 64 hex characters (an optional 0x prefix allowed); "
                                      "it is never replaced: fix it or remove it", path);
                return s->reason ? 0 : -ENOMEM;
        case FILE_UNSAFE:
                /* A client could point it at any root-only file (systemd's
                 * LoadCredential= would hand that file to the client). */
                s->state = SECRET_INVALID;
                s->reason = xasprintf("%s is reached through a symlink that a less privileged user could have "
                                      "made (in a directory not root's alone, or not root's): not followed; "
                                      "put the file itself there", path);
                return s->reason ? 0 : -ENOMEM;
        case FILE_ABSENT:
        case _FILE_STATE_MAX:
        case _FILE_STATE_INVALID:
                break;
        }

        if (kind == SECRET_WIREGUARD) {
                s->state = SECRET_MISSING;
                s->reason = xasprintf("%s does not exist; a wireguard configuration is never invented", path);
                return s->reason ? 0 : -ENOMEM;
        }
        if (why) {
                s->state = SECRET_BLOCKED;
                s->reason = kind == SECRET_SSH_HOST_KEY
                        ? xasprintf("missing and not created: %s; sshd runs with a key made in RAM for this boot", why)
                        : xasprintf("missing and not created: %s; its units wait for it to appear", why);
                return s->reason ? 0 : -ENOMEM;
        }
        /* Created in an earlier step that failed (a full or read-only disk):
         * its units wait rather than start without it. The next evaluation's
         * facts do not carry it, so the creation is tried again then. */
        const char *error = facts_file_create_error(f, path);
        if (error) {
                s->state = SECRET_FAILED;
                s->reason = kind == SECRET_SSH_HOST_KEY
                        ? xasprintf("%s could not be created: %s; sshd runs with a key made in RAM for this boot",
                                    path, error)
                        : xasprintf("%s could not be created: %s", path, error);
                return s->reason ? 0 : -ENOMEM;
        }
        s->state = SECRET_CREATE;
        if (kind == SECRET_SSV_OPERATOR_KEY || kind == SECRET_SSV_PASSWORD) {
                s->reason = strdup("generated by ssv-node.service on its first start");
                if (!s->reason)
                        return -ENOMEM;
        }
        return 0;
}

/* The directory a secret to be created goes in, in the order its users are
 * planned (a client's data dir first, when the secret lies inside it). */
static int plan_secret_dir(Plan *p, SecretKind kind, const char *path) {
        _cleanup_free_ char *dir = NULL;
        const PlanSecret *s = find_secret(p, kind, path);
        int r;

        if (!s || s->state != SECRET_CREATE)
                return 0;
        r = dirname_dup(path, &dir);
        if (r < 0)
                return r;
        return add_dir(p, dir, 0, "root", kind == SECRET_SSH_HOST_KEY ? 0700 : 0755, false);
}

/* ---- units ---- */

static const char *jwt_problem(const PlanSecret *s) {
        switch (s->state) {
        case SECRET_PRESENT:
        case SECRET_CREATE:
                return NULL;
        case SECRET_INVALID:
        case SECRET_MISSING:
        case SECRET_BLOCKED:
        case SECRET_FAILED:
        case _SECRET_STATE_MAX:
        case _SECRET_STATE_INVALID:
                break;
        }
        return s->reason;
}

static int collect_after(const Config *c, Client client, char ***ret) {
        _cleanup_strv_free_ char **after = NULL;
        Role role = client_info(client)->role;
        int r;

        after = calloc(1, sizeof(char *));
        if (!after)
                return -ENOMEM;
        if (client != CLIENT_WIREGUARD && c->wireguard_enable) {
                _cleanup_free_ char *wg = NULL;
                r = client_unit_name(c, CLIENT_WIREGUARD, &wg);
                if (r < 0 || strv_extend(&after, wg) < 0)
                        return -ENOMEM;
        }
        for (Client o = 0; o < _CLIENT_MAX; o++) {
                Role orole = client_info(o)->role;
                bool want = false;

                if (!config_client_enabled(c, o))
                        continue;
                if (role == ROLE_CONSENSUS)
                        want = orole == ROLE_EXECUTION || o == CLIENT_MEV_BOOST;
                else if (client == CLIENT_SSV_NODE)
                        want = orole == ROLE_EXECUTION || orole == ROLE_CONSENSUS;
                if (want && strv_extendf(&after, "%s.service", client_to_string(o)) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(after);
        return 0;
}

static int plan_unit(const Config *c, const Facts *f, Plan *p, Client client) {
        const ClientConfig *cc = &c->clients[client];
        const ClientInfo *info = client_info(client);
        _cleanup_free_ char *name = NULL, *vpn = NULL;
        _cleanup_(reasons_done) Reasons blocked = {}, waiting = {};
        _cleanup_strv_free_ char **after = NULL;
        const char *exe_name = c->agent.packages[client] ?: info->executable;
        const char *exe = facts_executable(f, exe_name);
        PlanUnit *u;
        int r;

        r = client_unit_name(c, client, &name);
        if (r < 0)
                return r;

        if (!exe && (r = reasons_add(&blocked, REASON_EXECUTABLE_NOT_FOUND,
                                     &(ReasonData) { .name = exe_name, .client = client,
                                                     .packaged = !!c->agent.packages[client] })) < 0)
                return r;

        /* Rule 1: the data stays on disk. */
        if (cc->data_dir && client != CLIENT_MEV_BOOST && client != CLIENT_WIREGUARD) {
                PlanReason why;

                r = storage_check(c, f, p, cc->data_dir, &why);
                if (r < 0)
                        return r;
                if (why.kind != REASON_NONE) {
                        PlanReason *a = array_grow(blocked.a, &blocked.n, sizeof(PlanReason));
                        if (!a) {
                                plan_reason_done(&why);
                                return -ENOMEM;
                        }
                        blocked.a = a;
                        a[blocked.n - 1] = why;
                } else {
                        r = add_dir(p, cc->data_dir, info->uid, info->name, 0700, true);
                        if (r < 0)
                                return r;
                }
        }

        /* Rule 2: secrets are used where they are, created only where they last. */
        if (info->role == ROLE_EXECUTION || info->role == ROLE_CONSENSUS) {
                r = plan_secret(c, f, p, SECRET_JWT, cc->jwt_secret_file, name);
                if (r >= 0)
                        r = plan_secret_dir(p, SECRET_JWT, cc->jwt_secret_file);
                if (r < 0)
                        return r;
                const PlanSecret *s = find_secret(p, SECRET_JWT, cc->jwt_secret_file);
                const char *problem = jwt_problem(s);
                if (problem && (r = reasons_add(&blocked, REASON_SECRET, &(ReasonData) {
                                        .secret = SECRET_JWT, .secret_state = s->state, .path = s->path,
                                        .detail = problem })) < 0)
                        return r;
        }
        if (client == CLIENT_WIREGUARD) {
                r = plan_secret(c, f, p, SECRET_WIREGUARD, c->wireguard_config_file, name);
                if (r >= 0)
                        r = plan_secret_dir(p, SECRET_WIREGUARD, c->wireguard_config_file);
                if (r < 0)
                        return r;
                const PlanSecret *s = find_secret(p, SECRET_WIREGUARD, c->wireguard_config_file);
                if (s->state != SECRET_PRESENT && (r = reasons_add(&blocked, REASON_SECRET, &(ReasonData) {
                                        .secret = SECRET_WIREGUARD, .secret_state = s->state, .path = s->path,
                                        .detail = s->reason })) < 0)
                        return r;
        }
        if (client == CLIENT_SSV_NODE) {
                static const SecretKind kinds[] = { SECRET_SSV_OPERATOR_KEY, SECRET_SSV_PASSWORD };
                const char *paths[] = { cc->private_key_file, cc->private_key_password_file };

                for (size_t i = 0; i < ELEMENTSOF(kinds); i++) {
                        r = plan_secret(c, f, p, kinds[i], paths[i], name);
                        if (r >= 0)
                                r = plan_secret_dir(p, kinds[i], paths[i]);
                        if (r < 0)
                                return r;
                        const PlanSecret *s = find_secret(p, kinds[i], paths[i]);
                        if ((s->state == SECRET_BLOCKED || s->state == SECRET_INVALID || s->state == SECRET_FAILED) &&
                            (r = reasons_add(&blocked, REASON_SECRET, &(ReasonData) {
                                        .secret = kinds[i], .secret_state = s->state, .path = s->path,
                                        .detail = s->reason })) < 0)
                                return r;
                }
        }

        /* Rule 3: listen where the address exists. */
        if (cc->endpoint.host && !cc->endpoint.loopback && !cc->endpoint.wildcard &&
            !facts_has_address(f, cc->endpoint.host)) {
                r = reasons_add(&waiting, REASON_ADDRESS, &(ReasonData) { .name = cc->endpoint.host });
                if (r < 0)
                        return r;
        }

        r = collect_after(c, client, &after);
        if (r < 0)
                return r;

        /* Every client Requires= the VPN, as on HomestakerOS: it cannot start
         * while the VPN's own unit cannot. */
        if (client != CLIENT_WIREGUARD && c->wireguard_enable) {
                r = client_unit_name(c, CLIENT_WIREGUARD, &vpn);
                if (r < 0)
                        return r;
                const PlanUnit *v = plan_find_unit(p, vpn);
                if (v && v->state != UNIT_READY &&
                    (r = reasons_add(v->state == UNIT_BLOCKED ? &blocked : &waiting, REASON_NEEDS_VPN,
                                     &(ReasonData) { .name = vpn, .unit_state = v->state })) < 0)
                        return r;
        }

        u = array_grow(p->units, &p->n_units, sizeof(PlanUnit));
        if (!u)
                return -ENOMEM;
        p->units = u;
        u = &p->units[p->n_units - 1];
        u->client = client;
        u->name = TAKE_PTR(name);
        u->executable = strdup(exe_name);
        if (!u->executable)
                return -ENOMEM;
        /* Everything that keeps it from starting is told, waiting included. */
        u->state = blocked.n > 0 ? UNIT_BLOCKED : waiting.n > 0 ? UNIT_WAITING : UNIT_READY;
        r = reasons_move(&blocked, &waiting);
        if (r < 0)
                return r;
        if (blocked.n > 0) {
                r = reasons_render(blocked.a, blocked.n, &u->reason);
                if (r < 0)
                        return r;
                u->whys = TAKE_PTR(blocked.a);
                u->n_whys = blocked.n;
                blocked.n = 0;
        }

        RenderContext ctx = {
                .config = c,
                .executable = exe ?: exe_name,
                .after = after,
                .requires = vpn,
                .notes = &p->notes,
        };
        return render_unit(&ctx, client, &u->content);
}

/* Rule 2, paired: the execution and consensus clients authenticate the
 * engine API with one secret. Where their jwtSecretFiles name different files
 * (HomestakerOS allows it), the files are paired: a missing one is created
 * with the secret of the other (none there: one new secret written to all),
 * and files that hold different secrets block every unit using them, naming
 * both files, changing neither. A missing one waits while a pair it would copy
 * cannot be read yet (its mount is not in place, or it is invalid). */
static int plan_jwts(const Config *c, const Facts *f, Plan *p) {
        _cleanup_strv_free_ char **paths = NULL;
        const char *source = NULL, *waiting_for = NULL, *conflict_a = NULL, *conflict_b = NULL;
        unsigned first_id = 0;
        int r;

        for (int pass = 0; pass < 2; pass++)
                for (Client cl = 0; cl < _CLIENT_MAX; cl++) {
                        const ClientConfig *cc = &c->clients[cl];
                        _cleanup_free_ char *name = NULL;

                        if (client_info(cl)->role != (pass == 0 ? ROLE_EXECUTION : ROLE_CONSENSUS) || !cc->enable)
                                continue;
                        if ((r = client_unit_name(c, cl, &name)) < 0 ||
                            (r = plan_secret(c, f, p, SECRET_JWT, cc->jwt_secret_file, name)) < 0)
                                return r;
                        if (!strv_contains(paths, cc->jwt_secret_file) && strv_extend(&paths, cc->jwt_secret_file) < 0)
                                return -ENOMEM;
                }
        if (strv_length(paths) < 2)
                return 0;

        STRV_FOREACH(path, paths) {
                PlanSecret *s = find_secret(p, SECRET_JWT, *path);
                unsigned id = facts_file_secret_id(f, *path);

                STRV_FOREACH(other, paths)
                        if (*other != *path && strv_extend(&s->shared_with, *other) < 0)
                                return -ENOMEM;
                switch (s->state) {
                case SECRET_PRESENT:
                        if (!source)
                                source = s->path;
                        if (id && !first_id) {
                                first_id = id;
                                conflict_a = s->path;
                        } else if (id && id != first_id && !conflict_b)
                                conflict_b = s->path;
                        break;
                case SECRET_INVALID:
                case SECRET_BLOCKED:
                case SECRET_MISSING:
                case SECRET_FAILED:
                        if (!waiting_for)
                                waiting_for = s->path;
                        break;
                case SECRET_CREATE:
                case _SECRET_STATE_MAX:
                case _SECRET_STATE_INVALID:
                        break;
                }
        }

        STRV_FOREACH(path, paths) {
                PlanSecret *s = find_secret(p, SECRET_JWT, *path);

                if (conflict_b && s->state == SECRET_PRESENT && facts_file_secret_id(f, s->path)) {
                        s->state = SECRET_INVALID;
                        s->reason = xasprintf("%s and %s hold different JWT secrets, but the execution and consensus "
                                              "clients must share one; neither is changed: copy one file over the other",
                                              conflict_a, conflict_b);
                        if (!s->reason)
                                return -ENOMEM;
                } else if (s->state == SECRET_CREATE && source) {
                        s->copy_from = strdup(source);
                        s->reason = xasprintf("created with the secret of %s (its pair)", source);
                        if (!s->copy_from || !s->reason)
                                return -ENOMEM;
                } else if (s->state == SECRET_CREATE && waiting_for) {
                        s->state = SECRET_BLOCKED;
                        s->reason = xasprintf("waiting for its pair %s, whose secret it must share, to be read first",
                                              waiting_for);
                        if (!s->reason)
                                return -ENOMEM;
                } else if (s->state == SECRET_CREATE)
                        source = s->path; /* a new secret, which the next ones copy */
        }
        return 0;
}

static int plan_dropins(const Config *c, Plan *p) {
        for (size_t i = 0; i < c->n_mounts; i++) {
                const MountConfig *m = &c->mounts[i];

                if (!m->enable)
                        continue;
                STRV_FOREACH(unit, m->before) {
                        PlanDropIn *d = array_grow(p->dropins, &p->n_dropins, sizeof(PlanDropIn));
                        if (!d)
                                return -ENOMEM;
                        p->dropins = d;
                        d = &p->dropins[p->n_dropins - 1];
                        d->unit = strdup(*unit);
                        d->name = xasprintf("50-hsos-mount-%s.conf", m->name);
                        if (!d->unit || !d->name || render_mount_dropin(m, &d->content) < 0)
                                return -ENOMEM;
                }
        }
        return 0;
}

int plan_build(const Config *c, const Facts *f, Plan **ret) {
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_free_ char *ssv_reason = NULL;
        bool ssv = false;
        int r;

        p = calloc(1, sizeof(Plan));
        if (!p)
                return -ENOMEM;

        r = plan_mounts(c, f, p);
        if (r < 0)
                return r;

        r = plan_secret(c, f, p, SECRET_SSH_HOST_KEY, c->ssh_private_key_file, "sshd.service");
        if (r >= 0)
                r = plan_secret_dir(p, SECRET_SSH_HOST_KEY, c->ssh_private_key_file);
        if (r < 0)
                return r;

        r = config_ssv_enabled(c, &ssv, &ssv_reason);
        if (r < 0)
                return r;

        /* Start order: the VPN, execution, mev-boost, consensus, then ssv-node. */
        if (c->wireguard_enable && (r = plan_unit(c, f, p, CLIENT_WIREGUARD)) < 0)
                return r;
        r = plan_jwts(c, f, p);
        if (r < 0)
                return r;
        for (Client cl = 0; cl < _CLIENT_MAX; cl++)
                if (client_info(cl)->role == ROLE_EXECUTION && c->clients[cl].enable &&
                    (r = plan_unit(c, f, p, cl)) < 0)
                        return r;
        if (c->clients[CLIENT_MEV_BOOST].enable && (r = plan_unit(c, f, p, CLIENT_MEV_BOOST)) < 0)
                return r;
        for (Client cl = 0; cl < _CLIENT_MAX; cl++)
                if (client_info(cl)->role == ROLE_CONSENSUS && c->clients[cl].enable &&
                    (r = plan_unit(c, f, p, cl)) < 0)
                        return r;
        if (ssv) {
                if ((r = plan_unit(c, f, p, CLIENT_SSV_NODE)) < 0)
                        return r;
        } else if (config_count_enabled(c, ROLE_EXECUTION) + config_count_enabled(c, ROLE_CONSENSUS) > 0 &&
                   strv_extendf(&p->notes, "ssv-node is not part of the node: %s", ssv_reason) < 0)
                return -ENOMEM;

        r = plan_dropins(c, p);
        if (r < 0)
                return r;

        r = firewall_build(c, p, f, &p->firewall);
        if (r < 0)
                return r;

        *ret = TAKE_PTR(p);
        return 0;
}
