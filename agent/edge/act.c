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
        };

        return k >= 0 && k < _ACT_KIND_MAX ? table[k] : NULL;
}

static void report(ActReport fn, void *ud, ActKind kind, const char *subject, ActOutcome outcome, const char *fmt, ...)
        __attribute__((format(printf, 6, 7)));
static void report(ActReport fn, void *ud, ActKind kind, const char *subject, ActOutcome outcome, const char *fmt, ...) {
        _cleanup_free_ char *line = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&line, fmt, ap);
        va_end(ap);
        fn(ud, kind, subject, outcome, r < 0 ? "(out of memory)" : line);
}

int act_mount(const PlanMount *pm, ActReport fn, void *ud) {
        const MountConfig *mc = pm->config;
        const char *device = pm->device ?: mc->what;
        _cleanup_free_ char *err = NULL;
        int r;

        r = dir_create(mc->where, 0755, 0, 0);
        if (r == -ENOTDIR) {
                report(fn, ud, ACT_MOUNT, mc->name, ACT_FAILED, "failed: the mount point %s is a file, not a directory",
                       mc->where);
                return r;
        }
        if (r < 0) {
                report(fn, ud, ACT_MOUNT, mc->name, ACT_FAILED, "failed: cannot create the mount point %s: %s", mc->where,
                       strerror(-r));
                return r;
        }
        r = mounter_mount(device, mc->where, pm->fstype, mc->options, &err);
        if (r < 0) {
                report(fn, ud, ACT_MOUNT, mc->name, ACT_FAILED, "failed: %s on %s: %s", device, mc->where,
                       err ?: strerror(-r));
                return r;
        }
        report(fn, ud, ACT_MOUNT, mc->name, ACT_OK, "mounted %s on %s (%s%s%s)", device, mc->where,
               strempty(pm->fstype), isempty(mc->options) ? "" : ", ", strempty(mc->options));
        return 0;
}

int act_converge_mounts(const Config *c, ActReadFacts read_facts, void *facts_userdata, bool *tried, bool *mounted,
                        ActReport fn, void *ud, Facts **ret_facts, Plan **ret_plan) {
        /* Each round mounts one, so the rounds are bounded by the mounts. */
        for (size_t round = 0; round <= c->n_mounts; round++) {
                _cleanup_(facts_freep) Facts *f = NULL;
                _cleanup_(plan_freep) Plan *p = NULL;
                const PlanMount *next = NULL;
                int r;

                r = read_facts(facts_userdata, &f);
                if (r < 0)
                        return r;
                r = plan_build(c, f, &p);
                if (r < 0)
                        return r;
                for (size_t i = 0; i < p->n_mounts && !next; i++)
                        if (p->mounts[i].state == MOUNT_PENDING && !tried[p->mounts[i].config - c->mounts])
                                next = &p->mounts[i];
                if (!next) {
                        *ret_facts = TAKE_PTR(f);
                        *ret_plan = TAKE_PTR(p);
                        return 0;
                }
                tried[next->config - c->mounts] = true;
                if (act_mount(next, fn, ud) >= 0 && mounted)
                        mounted[next->config - c->mounts] = true;
        }
        return -ELOOP; /* cannot be: each round tries a mount not tried before */
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

void act_prepare_dirs(const Plan *p, ActReport fn, void *ud) {
        for (size_t i = 0; i < p->n_dirs; i++) {
                const PlanDir *d = &p->dirs[i];
                _cleanup_strv_free_ char **keep = NULL;
                TakeOverResult t;
                int r = dir_create(d->path, d->mode, d->uid, d->gid);

                if (r < 0) {
                        report(fn, ud, ACT_DIR, d->path, ACT_FAILED, "failed: %s",
                               r == -ENOTDIR ? "a file is in the way of the directory"
                               : r == -ELOOP ? "a symlink a less privileged user could have made is on its path "
                                               "(not followed)"
                                             : strerror(-r));
                        continue;
                }
                if (r > 0)
                        report(fn, ud, ACT_DIR, d->path, ACT_OK, "created (%s, %04o)", d->owner, (unsigned) d->mode);
                if (!d->data)
                        continue;
                if (take_over_keep(p, d, &keep) < 0)
                        return;
                /* HomestakerOS left data owned by root: hand it to its client, once. */
                r = dir_take_over(d->path, d->uid, d->gid, keep, &t);
                if (r == -EPERM)
                        report(fn, ud, ACT_DIR, d->path, ACT_FAILED,
                               "failed: owned by uid %u, not by %s (uid %u): left as it is (if the data is %s's: "
                               "chown -R %s: %s)", (unsigned) t.owner, d->owner, (unsigned) d->uid, d->owner,
                               d->owner, d->path);
                else if (r == -EDEADLK)
                        report(fn, ud, ACT_DIR, d->path, ACT_FAILED,
                               "failed: taking it over for %s: it is nested deeper than %d levels; left root's",
                               d->owner, TAKE_OVER_MAX_DEPTH);
                else if (r < 0)
                        report(fn, ud, ACT_DIR, d->path, ACT_FAILED, "failed: taking it over for %s: %s", d->owner,
                               strerror(-r));
                else if (r > 0)
                        report(fn, ud, ACT_DIR, d->path, ACT_OK,
                               "taken over for %s (%lu entries changed owner%s%s; done once)", d->owner, t.changed,
                               t.linked > 0 ? ", files with more than one link left as they were" : "",
                               t.others > 0 ? ", entries of other users left theirs" : "");
        }
}

unsigned act_prepare_secrets(const Plan *p, const Config *c, bool quiet, char ***created, Facts *failures,
                             ActReport fn, void *ud) {
        unsigned n_failed = 0;

        for (size_t i = 0; i < p->n_secrets; i++) {
                const PlanSecret *s = &p->secrets[i];
                const char *kind = secret_kind_to_string(s->kind);
                _cleanup_free_ char *err = NULL, *subject = NULL;
                int r = -EINVAL;

                if (asprintf(&subject, "%s %s", kind, s->path) < 0)
                        return n_failed;
                switch (s->state) {
                case SECRET_PRESENT:
                        if (!quiet)
                                report(fn, ud, ACT_SECRET, subject, ACT_OK, "present");
                        continue;
                case SECRET_INVALID:
                        report(fn, ud, ACT_SECRET, subject, ACT_FAILED, "invalid: %s", s->reason);
                        continue;
                case SECRET_MISSING:
                        report(fn, ud, ACT_SECRET, subject, ACT_FAILED, "missing: %s", s->reason);
                        continue;
                case SECRET_BLOCKED:
                        if (!quiet)
                                report(fn, ud, ACT_SECRET, subject, ACT_OK, "not created: %s", s->reason);
                        continue;
                case SECRET_FAILED:
                        report(fn, ud, ACT_SECRET, subject, ACT_FAILED, "not created: %s", s->reason);
                        continue;
                case SECRET_CREATE:
                        break;
                case _SECRET_STATE_MAX:
                case _SECRET_STATE_INVALID:
                        continue;
                }

                switch (s->kind) {
                case SECRET_JWT:
                        r = s->copy_from ? secret_create_jwt_copy(s->path, s->copy_from) : secret_create_jwt(s->path);
                        if (!s->copy_from)
                                break;
                        if (r == -ENOENT || r == -EBADMSG || r == -EPERM) {
                                if (asprintf(&err, "its pair %s, whose secret it must share, %s", s->copy_from,
                                             r == -ENOENT ? "is missing"
                                             : r == -EPERM ? "lies where a less privileged user may write (a "
                                                             "directory on its path is not root's alone): not copied"
                                             : "is not a readable JWT") < 0)
                                        return n_failed;
                        } else if (r >= 0) {
                                if (asprintf(&err, "with the secret of its pair %s", s->copy_from) < 0)
                                        return n_failed;
                                r = 1;
                        }
                        break;
                case SECRET_SSH_HOST_KEY: {
                        _cleanup_free_ char *comment = NULL;
                        if (asprintf(&comment, "root@%s", c->hostname) < 0)
                                return n_failed;
                        r = secret_create_ssh_host_key(s->path, comment, &err);
                        break;
                }
                case SECRET_SSV_OPERATOR_KEY:
                case SECRET_SSV_PASSWORD:
                        if (!quiet)
                                report(fn, ud, ACT_SECRET, subject, ACT_OK,
                                       "to be created by ssv-node.service on its first start");
                        continue;
                case SECRET_WIREGUARD:
                case _SECRET_KIND_MAX:
                case _SECRET_KIND_INVALID:
                        continue;
                }
                if (r == -EEXIST)
                        report(fn, ud, ACT_SECRET, subject, ACT_OK, "present (appeared meanwhile; not replaced)");
                else if (r < 0) {
                        report(fn, ud, ACT_SECRET, subject, ACT_FAILED, "failed: %s", err ?: strerror(-r));
                        /* A fact for the plan made again: its units wait. */
                        if (failures)
                                (void) facts_set_create_error(failures, s->path, err ?: strerror(-r));
                        n_failed++;
                } else {
                        if (created && strv_extend(created, s->path) < 0)
                                return n_failed;
                        if (r > 0)
                                report(fn, ud, ACT_SECRET, subject, ACT_CREATED, "created (%s)", err);
                        else
                                report(fn, ud, ACT_SECRET, subject, ACT_CREATED, "created");
                }
        }
        return n_failed;
}

#define ZONEINFO "/usr/share/zoneinfo"
#define LOGIN_USER SSH_LOGIN_USER

static void set_hostname(const Config *c, ActReport fn, void *ud) {
        char now[256] = "";

        if (gethostname(now, sizeof now - 1) == 0 && streq(now, c->hostname))
                return;
        if (sethostname(c->hostname, strlen(c->hostname)) < 0) {
                report(fn, ud, ACT_NODE, "hostname", ACT_FAILED, "cannot set it to %s: %s", c->hostname, strerror(errno));
                return;
        }
        _cleanup_free_ char *line = NULL;
        if (asprintf(&line, "%s\n", c->hostname) >= 0)
                (void) write_file_atomic("/etc/hostname", line);
        report(fn, ud, ACT_NODE, "hostname", ACT_OK, "set to %s", c->hostname);
}

static void set_timezone(const Config *c, char ***problems, ActReport fn, void *ud) {
        _cleanup_free_ char *target = NULL, *tmp = NULL;
        char now[512];
        ssize_t n;
        struct stat st;

        if (asprintf(&target, ZONEINFO "/%s", c->timezone) < 0)
                return;
        if (stat(target, &st) < 0 || !S_ISREG(st.st_mode)) {
                _cleanup_free_ char *why = NULL;
                if (asprintf(&why, "the time zone %s is not in this image (%s is missing): the clock shows UTC",
                             c->timezone, target) >= 0) {
                        report(fn, ud, ACT_NODE, "timezone", ACT_FAILED, "%s", why);
                        if (problems)
                                (void) strv_consume(problems, TAKE_PTR(why));
                }
                return;
        }
        n = readlink("/etc/localtime", now, sizeof now - 1);
        if (n > 0) {
                now[n] = 0;
                if (streq(now, target))
                        return;
        }
        /* A symlink made beside it and renamed over: never a moment without one. */
        if (asprintf(&tmp, "/etc/.localtime.hsos-%d", (int) getpid()) < 0)
                return;
        (void) unlink(tmp);
        if (symlink(target, tmp) < 0 || rename(tmp, "/etc/localtime") < 0) {
                report(fn, ud, ACT_NODE, "timezone", ACT_FAILED, "cannot set it to %s: %s", c->timezone, strerror(errno));
                (void) unlink(tmp);
                return;
        }
        _cleanup_free_ char *line = NULL;
        if (asprintf(&line, "%s\n", c->timezone) >= 0)
                (void) write_file_atomic("/etc/timezone", line);
        report(fn, ud, ACT_NODE, "timezone", ACT_OK, "set to %s", c->timezone);
}

static int run_useradd(void) {
        /* Debian's place (bash there), else PATH (NixOS: the unit's path). */
        bool debian = access("/usr/sbin/useradd", X_OK) == 0;
        char *argv[] = { debian ? (char *) "/usr/sbin/useradd" : (char *) "useradd", (char *) "--create-home",
                         (char *) "--user-group", (char *) "--shell", debian ? (char *) "/bin/bash" : (char *) "/bin/sh",
                         (char *) "--comment", (char *) "HomestakerOS operator", (char *) LOGIN_USER, NULL };

        return spawn_wait(argv, &(SpawnOptions) { .cwd_fd = -1, .quiet_stdout = true }, NULL);
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

static void set_ssh_keys(const Config *c, ActReport fn, void *ud) {
        _cleanup_free_ char *want = NULL;
        StrBuf b = {};
        struct passwd *pw;
        bool changed;
        int r;

        if (strv_length(c->ssh_authorized_keys) == 0)
                return;
        pw = passwd_lookup(LOGIN_USER);
        if (!pw) {
                if (run_useradd() < 0 || !(pw = passwd_lookup(LOGIN_USER))) {
                        report(fn, ud, ACT_NODE, "ssh", ACT_FAILED, "cannot create the login user %s", LOGIN_USER);
                        return;
                }
                report(fn, ud, ACT_NODE, "ssh", ACT_OK, "login user %s created", LOGIN_USER);
        }
        STRV_FOREACH(k, c->ssh_authorized_keys)
                sb_appendf(&b, "%s\n", *k);
        if (sb_steal(&b, &want) < 0)
                return;
        r = act_install_ssh_keys(pw, want, &changed);
        if (r < 0) {
                report(fn, ud, ACT_NODE, "ssh", ACT_FAILED, "cannot install the authorized keys of %s in %s/.ssh: %s",
                       LOGIN_USER, pw->pw_dir,
                       r == -ELOOP ? "a symlink is in the way (not followed)"
                       : r == -ENOTDIR ? "something not a directory is in the way"
                       : r == -EPERM ? "~/.ssh belongs to another user" : strerror(-r));
                return;
        }
        if (!changed)
                return;
        report(fn, ud, ACT_NODE, "ssh", ACT_OK, "%zu authorized key%s installed for %s",
               strv_length(c->ssh_authorized_keys), strv_length(c->ssh_authorized_keys) == 1 ? "" : "s", LOGIN_USER);
}

void act_localize(const Config *c, char ***problems, ActReport fn, void *ud) {
        set_hostname(c, fn, ud);
        set_timezone(c, problems, fn, ud);
        set_ssh_keys(c, fn, ud);
}

int act_sshd_dropin(const Plan *p, char ***problems, char **ret) {
        const PlanSecret *key = NULL;
        struct stat st;
        bool use_key = false;
        int r;

        for (size_t i = 0; i < p->n_secrets; i++)
                if (p->secrets[i].kind == SECRET_SSH_HOST_KEY)
                        key = &p->secrets[i];
        if (key && key->state == SECRET_PRESENT) {
                /* sshd refuses a key others may read: keep RAM keys rather than no sshd. */
                if (stat(key->path, &st) < 0)
                        r = -errno;
                else if (st.st_uid != 0 || (st.st_mode & 077))
                        r = -EPERM;
                else
                        r = 0;
                if (r == 0)
                        use_key = true;
                else if (problems)
                        (void) strv_extendf(problems, "the ssh host key %s is not used: %s; sshd runs with a key "
                                            "made in RAM for this boot", key->path,
                                            r == -EPERM ? "sshd wants it owned by root with mode 0600"
                                                        : strerror(-r));
        }
        r = sshd_dropin_render(use_key ? key->path : NULL, ret);
        return r < 0 ? r : use_key;
}

int act_sshd(const Plan *p, char ***problems, ActReport fn, void *ud) {
        _cleanup_free_ char *want = NULL, *have = NULL;
        size_t size;
        bool persistent;
        int r;

        r = act_sshd_dropin(p, problems, &want);
        if (r < 0)
                return r;
        persistent = r > 0;
        if (read_file_capped(SSHD_DROPIN_PATH, 64 * 1024, &have, &size) >= 0 && streq(have, want))
                return 0;
        (void) mkdir("/etc/ssh/sshd_config.d", 0755);
        r = write_file_atomic(SSHD_DROPIN_PATH, want);
        if (r < 0) {
                report(fn, ud, ACT_NODE, "sshd", ACT_FAILED, "cannot write %s: %s", SSHD_DROPIN_PATH, strerror(-r));
                return r;
        }
        report(fn, ud, ACT_NODE, "sshd", ACT_OK, "%s", persistent ? "uses the persistent host key" :
                                                    "uses a host key made in RAM for this boot");
        return 1;
}

static int run_journalctl(const char *option) {
        char *argv[] = { access("/usr/bin/journalctl", X_OK) == 0 ? (char *) "/usr/bin/journalctl" : (char *) "journalctl",
                         (char *) option, NULL };

        return spawn_wait(argv, &(SpawnOptions) { .cwd_fd = -1, .quiet_stdout = true, .quiet_stderr = true }, NULL);
}

int act_journal(const Config *c, const Facts *f, const Plan *p, char ***problems, ActReport fn, void *ud) {
        _cleanup_free_ char *why = NULL, *err = NULL;
        const char *dir = c->agent.journal_dir;
        const FactMount *at;
        int r;

        if (isempty(dir))
                return 0;
        at = facts_mount_at(f, "/var/log/journal");
        if (at)
                return 0; /* in place (by us, or by whoever set it up) */
        r = plan_storage_check(c, f, p, dir, &why);
        if (r < 0)
                return r;
        if (why) {
                if (problems)
                        (void) strv_extendf(problems, "the journal stays in RAM: agent.journalDir %s", why);
                return 0;
        }
        /* journald lets go of /var/log/journal (if it held one on the RAM
         * root), the disk's directory takes its place, and journald moves what
         * it kept in /run there. */
        (void) run_journalctl("--relinquish-var");
        if ((r = dir_create(dir, 0755, 0, 0)) < 0 || (r = dir_create("/var/log/journal", 0755, 0, 0)) < 0 ||
            (r = mounter_mount(dir, "/var/log/journal", NULL, "bind", &err)) < 0) {
                report(fn, ud, ACT_NODE, "journal", ACT_FAILED, "cannot keep the journal in %s: %s", dir,
                       err ?: strerror(-r));
                return r;
        }
        r = run_journalctl("--flush");
        report(fn, ud, ACT_NODE, "journal", (r < 0) ? ACT_FAILED : ACT_OK, "kept in %s from now on, across boots%s", dir,
               r < 0 ? " (journalctl --flush failed: it moves there at the next rotation)" : "");
        return 1;
}
