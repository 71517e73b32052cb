/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hsos/edge/act.h"
#include "hsos/edge/execute.h"
#include "hsos/edge/anchor.h"
#include "hsos/edge/spawn.h"
#include "hsos/edge/files.h"
#include "hsos/edge/mounter.h"
#include "hsos/edge/prepare.h"
#include "hsos/edge/system.h"
#include "hsos/sshd.h"
#include "hsos/util.h"

const char *act_kind_to_string(ActKind k) {
        static const char * const table[_ACT_KIND_MAX] = {
                [ACT_MOUNT] = "mount",
                [ACT_DIR] = "dir",
                [ACT_SECRET] = "secret",
                [ACT_NODE] = "node",
                [ACT_UNIT] = "unit",
        };

        return k >= 0 && k < _ACT_KIND_MAX ? table[k] : NULL;
}

int act_converge_mounts(const Config *c, ActReadFacts read_facts, void *facts_userdata, bool *tried, bool *mounted,
                        ActReport fn, void *ud, Facts **ret_facts, Plan **ret_plan) {
        /* Each round mounts one, so the rounds are bounded by the mounts. */
        for (size_t round = 0; round <= c->n_mounts; round++) {
                _cleanup_(facts_freep) Facts *f = NULL;
                _cleanup_(plan_freep) Plan *p = NULL;
                const PlanMount *next = NULL;
                Action a = {};
                int r;

                r = read_facts(facts_userdata, &f);
                if (r < 0)
                        return r;
                r = plan_build(c, f, &p);
                if (r < 0)
                        return r;
                next = action_next_mount(p, c, tried);
                if (!next) {
                        *ret_facts = TAKE_PTR(f);
                        *ret_plan = TAKE_PTR(p);
                        return 0;
                }
                tried[next->config - c->mounts] = true;
                r = action_mount(next, &a);
                if (r < 0)
                        return r;
                r = execute(&a, &(ExecContext) { .report = fn, .userdata = ud });
                action_done(&a);
                if (r >= 0 && mounted)
                        mounted[next->config - c->mounts] = true;
        }
        return -ELOOP; /* cannot be: each round tries a mount not tried before */
}

/* The plan's secrets that need nothing done, or cannot be: said (creating
 * one is an action of the executor's). */
void act_report_secrets(const Plan *p, bool quiet, ActReport fn, void *ud) {
        for (size_t i = 0; i < p->n_secrets; i++) {
                const PlanSecret *s = &p->secrets[i];
                _cleanup_free_ char *subject = NULL, *line = NULL;
                ActOutcome outcome = ACT_FAILED;
                int r = 0;

                if (asprintf(&subject, "%s %s", secret_kind_to_string(s->kind), s->path) < 0)
                        return;
                switch (s->state) {
                case SECRET_PRESENT:
                        if (quiet)
                                continue;
                        outcome = ACT_OK;
                        r = asprintf(&line, "present");
                        break;
                case SECRET_INVALID:
                        r = asprintf(&line, "invalid: %s", s->reason);
                        break;
                case SECRET_MISSING:
                        r = asprintf(&line, "missing: %s", s->reason);
                        break;
                case SECRET_BLOCKED:
                        if (quiet)
                                continue;
                        outcome = ACT_OK;
                        r = asprintf(&line, "not created: %s", s->reason);
                        break;
                case SECRET_FAILED:
                        r = asprintf(&line, "not created: %s", s->reason);
                        break;
                case SECRET_CREATE:
                        if (quiet || (s->kind != SECRET_SSV_OPERATOR_KEY && s->kind != SECRET_SSV_PASSWORD))
                                continue;
                        outcome = ACT_OK;
                        r = asprintf(&line, "to be created by ssv-node.service on its first start");
                        break;
                case _SECRET_STATE_MAX:
                case _SECRET_STATE_INVALID:
                        continue;
                }
                if (r < 0)
                        return;
                fn(ud, ACT_SECRET, subject, outcome, line);
        }
}

int act_install_ssh_keys(const struct passwd *pw, const char *want, bool *ret_changed) {
        _cleanup_close_ int home = -EBADF, ssh = -EBADF;
        _cleanup_free_ char *have = NULL;
        struct stat st;
        size_t size;
        int r;

        *ret_changed = false;
        home = anchor_open(pw->pw_dir, O_RDONLY | O_DIRECTORY, ANCHOR_FOLLOW_LAST, NULL);
        if (home < 0)
                return home;
        if (mkdirat(home, ".ssh", 0700) < 0 && errno != EEXIST)
                return -errno;
        ssh = openat(home, ".ssh", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (ssh < 0) {
                r = -errno;
                if (r == -ENOTDIR && fstatat(home, ".ssh", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
                        r = -ELOOP;
                return r;
        }
        if (fstat(ssh, &st) < 0)
                return -errno;
        if (st.st_uid != pw->pw_uid && st.st_uid != 0)
                return -EPERM;
        if ((st.st_uid != pw->pw_uid || st.st_gid != pw->pw_gid) && fchown(ssh, pw->pw_uid, pw->pw_gid) < 0)
                return -errno;
        if ((st.st_mode & 07777) != 0700 && fchmod(ssh, 0700) < 0)
                return -errno;

        r = read_regular_at(ssh, "authorized_keys", 64 * 1024, &have, &size);
        if (r >= 0 && streq(have, want))
                return 0;
        /* Anything else by that name (a FIFO, a symlink) is replaced, never opened. */
        r = write_replace_at(ssh, "authorized_keys", want, 0600, pw->pw_uid, pw->pw_gid, true);
        if (r < 0)
                return r;
        *ret_changed = true;
        return 0;
}

