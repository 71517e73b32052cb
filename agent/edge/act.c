/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hsos/act.h"
#include "hsos/edge.h"
#include "hsos/util.h"

const char *act_kind_to_string(ActKind k) {
        static const char * const table[_ACT_KIND_MAX] = {
                [ACT_MOUNT] = "mount",
                [ACT_DIR] = "dir",
                [ACT_SECRET] = "secret",
        };

        return k >= 0 && k < _ACT_KIND_MAX ? table[k] : NULL;
}

static void report(ActReport fn, void *ud, ActKind kind, const char *subject, bool failure, const char *fmt, ...)
        __attribute__((format(printf, 6, 7)));
static void report(ActReport fn, void *ud, ActKind kind, const char *subject, bool failure, const char *fmt, ...) {
        _cleanup_free_ char *line = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&line, fmt, ap);
        va_end(ap);
        fn(ud, kind, subject, failure, r < 0 ? "(out of memory)" : line);
}

int act_mount(const PlanMount *pm, ActReport fn, void *ud) {
        const MountConfig *mc = pm->config;
        const char *device = pm->device ?: mc->what;
        _cleanup_free_ char *err = NULL;
        int r;

        r = dir_create(mc->where, 0755, 0, 0);
        if (r == -ENOTDIR) {
                report(fn, ud, ACT_MOUNT, mc->name, true, "failed: the mount point %s is a file, not a directory",
                       mc->where);
                return r;
        }
        if (r < 0) {
                report(fn, ud, ACT_MOUNT, mc->name, true, "failed: cannot create the mount point %s: %s", mc->where,
                       strerror(-r));
                return r;
        }
        r = mounter_mount(device, mc->where, pm->fstype, mc->options, &err);
        if (r < 0) {
                report(fn, ud, ACT_MOUNT, mc->name, true, "failed: %s on %s: %s", device, mc->where,
                       err ?: strerror(-r));
                return r;
        }
        report(fn, ud, ACT_MOUNT, mc->name, false, "mounted %s on %s (%s%s%s)", device, mc->where,
               strempty(pm->fstype), isempty(mc->options) ? "" : ", ", strempty(mc->options));
        return 0;
}

void act_prepare_dirs(const Plan *p, ActReport fn, void *ud) {
        for (size_t i = 0; i < p->n_dirs; i++) {
                const PlanDir *d = &p->dirs[i];
                unsigned long changed = 0;
                int r = dir_create(d->path, d->mode, d->uid, d->gid);

                if (r < 0) {
                        report(fn, ud, ACT_DIR, d->path, true, "failed: %s",
                               r == -ENOTDIR ? "a file is in the way of the directory" : strerror(-r));
                        continue;
                }
                if (r > 0)
                        report(fn, ud, ACT_DIR, d->path, false, "created (%s, %04o)", d->owner, (unsigned) d->mode);
                if (!d->data)
                        continue;
                /* HomestakerOS left data owned by root: hand it to its client, once. */
                r = dir_take_over(d->path, d->uid, d->gid, d->owner, &changed);
                if (r < 0)
                        report(fn, ud, ACT_DIR, d->path, true, "failed: taking it over for %s: %s", d->owner,
                               strerror(-r));
                else if (changed > 0)
                        report(fn, ud, ACT_DIR, d->path, false,
                               "taken over for %s (%lu entries changed owner; done once)", d->owner, changed);
        }
}

void act_prepare_secrets(const Plan *p, const Config *c, bool quiet, char ***created, ActReport fn, void *ud) {
        for (size_t i = 0; i < p->n_secrets; i++) {
                const PlanSecret *s = &p->secrets[i];
                const char *kind = secret_kind_to_string(s->kind);
                _cleanup_free_ char *err = NULL, *subject = NULL;
                int r = -EINVAL;

                if (asprintf(&subject, "%s %s", kind, s->path) < 0)
                        return;
                switch (s->state) {
                case SECRET_PRESENT:
                        if (!quiet)
                                report(fn, ud, ACT_SECRET, subject, false, "present");
                        continue;
                case SECRET_INVALID:
                        report(fn, ud, ACT_SECRET, subject, true, "invalid: %s", s->reason);
                        continue;
                case SECRET_MISSING:
                        report(fn, ud, ACT_SECRET, subject, true, "missing: %s", s->reason);
                        continue;
                case SECRET_BLOCKED:
                        if (!quiet)
                                report(fn, ud, ACT_SECRET, subject, false, "not created: %s", s->reason);
                        continue;
                case SECRET_CREATE:
                        break;
                case _SECRET_STATE_MAX:
                case _SECRET_STATE_INVALID:
                        continue;
                }

                switch (s->kind) {
                case SECRET_JWT:
                        r = secret_create_jwt(s->path);
                        break;
                case SECRET_SSH_HOST_KEY: {
                        _cleanup_free_ char *comment = NULL;
                        if (asprintf(&comment, "root@%s", c->hostname) < 0)
                                return;
                        r = secret_create_ssh_host_key(s->path, comment, &err);
                        break;
                }
                case SECRET_SSV_OPERATOR_KEY:
                case SECRET_SSV_PASSWORD:
                        if (!quiet)
                                report(fn, ud, ACT_SECRET, subject, false,
                                       "to be created by ssv-node.service on its first start");
                        continue;
                case SECRET_WIREGUARD:
                case _SECRET_KIND_MAX:
                case _SECRET_KIND_INVALID:
                        continue;
                }
                if (r == -EEXIST)
                        report(fn, ud, ACT_SECRET, subject, false, "present (appeared meanwhile; not replaced)");
                else if (r < 0)
                        report(fn, ud, ACT_SECRET, subject, true, "failed: %s", err ?: strerror(-r));
                else {
                        if (created && strv_extend(created, s->path) < 0)
                                return;
                        if (r > 0)
                                report(fn, ud, ACT_SECRET, subject, false, "created (%s)", err);
                        else
                                report(fn, ud, ACT_SECRET, subject, false, "created");
                }
        }
}
