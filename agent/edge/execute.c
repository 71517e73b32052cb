/* SPDX-License-Identifier: MIT */
/* The one executor of the actions (hsos/action.h): each through the edge
 * that does it safely, each said through the ActReport. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hsos/edge/execute.h"
#include "hsos/edge/files.h"
#include "hsos/edge/mounter.h"
#include "hsos/edge/prepare.h"
#include "hsos/edge/spawn.h"
#include "hsos/edge/system.h"
#include "hsos/edge/systemd.h"
#include "hsos/sshd.h"
#include "hsos/util.h"

static void report(ExecContext *ctx, ActKind kind, const char *subject, ActOutcome outcome, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));
static void report(ExecContext *ctx, ActKind kind, const char *subject, ActOutcome outcome, const char *fmt, ...) {
        _cleanup_free_ char *line = NULL;
        va_list ap;
        int r = -EINVAL;

        if (!ctx->report)
                return;
        va_start(ap, fmt);
        r = vasprintf(&line, fmt, ap);
        va_end(ap);
        ctx->report(ctx->userdata, kind, subject, outcome, r < 0 ? "(out of memory)" : line);
}

static void problem(ExecContext *ctx, char *why) {
        if (ctx->problems)
                (void) strv_consume(ctx->problems, why);
        else
                free(why);
}

static int do_mount(const Action *a, ExecContext *ctx) {
        _cleanup_free_ char *err = NULL;
        int r = -EINVAL;

        r = dir_create(a->path, 0755, 0, 0);
        if (r == -ENOTDIR) {
                report(ctx, ACT_MOUNT, a->name, ACT_FAILED, "failed: the mount point %s is a file, not a directory",
                       a->path);
                return r;
        }
        if (r < 0) {
                report(ctx, ACT_MOUNT, a->name, ACT_FAILED, "failed: cannot create the mount point %s: %s", a->path,
                       strerror(-r));
                return r;
        }
        r = mounter_mount(a->device, a->path, a->fstype, a->options, &err);
        if (r < 0) {
                report(ctx, ACT_MOUNT, a->name, ACT_FAILED, "failed: %s on %s: %s", a->device, a->path,
                       err ?: strerror(-r));
                return r;
        }
        report(ctx, ACT_MOUNT, a->name, ACT_OK, "mounted %s on %s (%s%s%s)", a->device, a->path, strempty(a->fstype),
               isempty(a->options) ? "" : ", ", strempty(a->options));
        return 0;
}

static int do_make_dir(const Action *a, ExecContext *ctx) {
        int r = dir_create(a->path, a->mode, a->uid, a->gid);

        if (r < 0) {
                report(ctx, ACT_DIR, a->path, ACT_FAILED, "failed: %s",
                       r == -ENOTDIR ? "a file is in the way of the directory"
                       : r == -ELOOP ? "a symlink a less privileged user could have made is on its path (not followed)"
                                     : strerror(-r));
                return r;
        }
        if (r > 0)
                report(ctx, ACT_DIR, a->path, ACT_OK, "created (%s, %04o)", a->owner, (unsigned) a->mode);
        return 0;
}

/* HomestakerOS left data owned by root: handed to its client, once. */
static int do_take_over(const Action *a, ExecContext *ctx) {
        TakeOverResult t;
        int r = dir_take_over(a->path, a->uid, a->gid, a->keep, &t);

        if (r == -EPERM)
                report(ctx, ACT_DIR, a->path, ACT_FAILED,
                       "failed: owned by uid %u, not by %s (uid %u): left as it is (if the data is %s's: chown -R %s: %s)",
                       (unsigned) t.owner, a->owner, (unsigned) a->uid, a->owner, a->owner, a->path);
        else if (r == -EDEADLK)
                report(ctx, ACT_DIR, a->path, ACT_FAILED,
                       "failed: taking it over for %s: it is nested deeper than %d levels; left root's", a->owner,
                       TAKE_OVER_MAX_DEPTH);
        else if (r < 0)
                report(ctx, ACT_DIR, a->path, ACT_FAILED, "failed: taking it over for %s: %s", a->owner, strerror(-r));
        else if (r > 0)
                report(ctx, ACT_DIR, a->path, ACT_OK, "taken over for %s (%lu entries changed owner%s%s; done once)",
                       a->owner, t.changed, t.linked > 0 ? ", files with more than one link left as they were" : "",
                       t.others > 0 ? ", entries of other users left theirs" : "");
        return r < 0 ? r : 0;
}

static int do_create_secret(const Action *a, ExecContext *ctx) {
        _cleanup_free_ char *err = NULL, *subject = NULL;
        int r = -EINVAL;

        if (asprintf(&subject, "%s %s", secret_kind_to_string(a->secret), a->path) < 0)
                return -ENOMEM;
        switch (a->secret) {
        case SECRET_JWT:
                r = a->source ? secret_create_jwt_copy(a->path, a->source) : secret_create_jwt(a->path);
                if (!a->source)
                        break;
                if (r == -ENOENT || r == -EBADMSG || r == -EPERM) {
                        if (asprintf(&err, "its pair %s, whose secret it must share, %s", a->source,
                                     r == -ENOENT ? "is missing"
                                     : r == -EPERM ? "lies where a less privileged user may write (a directory on "
                                                     "its path is not root's alone): not copied"
                                                   : "is not a readable JWT") < 0)
                                return -ENOMEM;
                } else if (r >= 0) {
                        if (asprintf(&err, "with the secret of its pair %s", a->source) < 0)
                                return -ENOMEM;
                        r = 1;
                }
                break;
        case SECRET_SSH_HOST_KEY:
                r = secret_create_ssh_host_key(a->path, a->content, &err);
                break;
        case SECRET_WIREGUARD:
        case SECRET_SSV_OPERATOR_KEY:
        case SECRET_SSV_PASSWORD:
        case _SECRET_KIND_MAX:
        case _SECRET_KIND_INVALID:
                return -EINVAL; /* never created by the agent */
        }
        if (r == -EEXIST) {
                report(ctx, ACT_SECRET, subject, ACT_OK, "present (appeared meanwhile; not replaced)");
                return 0;
        }
        if (r < 0) {
                report(ctx, ACT_SECRET, subject, ACT_FAILED, "failed: %s", err ?: strerror(-r));
                /* A fact for the plan made again: its units wait. */
                if (ctx->failures)
                        (void) facts_set_create_error(ctx->failures, a->path, err ?: strerror(-r));
                return r;
        }
        if (ctx->created)
                (void) strv_extend(ctx->created, a->path);
        if (r > 0)
                report(ctx, ACT_SECRET, subject, ACT_CREATED, "created (%s)", err);
        else
                report(ctx, ACT_SECRET, subject, ACT_CREATED, "created");
        return 0;
}

static int do_create_users(const Action *a, ExecContext *ctx) {
        int r = spawn_wait((char *[]) { (char *) "systemd-sysusers", NULL }, &(SpawnOptions) { .cwd_fd = -1 }, NULL);

        if (r < 0)
                report(ctx, ACT_NODE, "users", ACT_FAILED,
                       "a client's system user (%s) is missing and systemd-sysusers could not create it", a->name);
        else
                report(ctx, ACT_NODE, "users", ACT_OK, "the clients' system users were missing: created by systemd-sysusers");
        return r;
}

static int do_hostname(const Action *a, ExecContext *ctx) {
        _cleanup_free_ char *line = NULL;

        if (sethostname(a->name, strlen(a->name)) < 0) {
                int r = -errno;
                report(ctx, ACT_NODE, "hostname", ACT_FAILED, "cannot set it to %s: %s", a->name, strerror(-r));
                return r;
        }
        if (asprintf(&line, "%s\n", a->name) >= 0)
                (void) write_file_atomic("/etc/hostname", line);
        report(ctx, ACT_NODE, "hostname", ACT_OK, "set to %s", a->name);
        return 0;
}

static int do_timezone(const Action *a, ExecContext *ctx) {
        _cleanup_free_ char *tmp = NULL, *line = NULL;
        struct stat st;
        int r = -EINVAL;

        if (stat(a->path, &st) < 0 || !S_ISREG(st.st_mode)) {
                char *why = NULL;
                if (asprintf(&why, "the time zone %s is not in this image (%s is missing): the clock shows UTC",
                             a->name, a->path) < 0)
                        return -ENOMEM;
                report(ctx, ACT_NODE, "timezone", ACT_FAILED, "%s", why);
                problem(ctx, why);
                return -ENOENT;
        }
        /* A symlink made beside it and renamed over: never a moment without one. */
        if (asprintf(&tmp, "/etc/.localtime.hsos-%d", (int) getpid()) < 0)
                return -ENOMEM;
        (void) unlink(tmp);
        if (symlink(a->path, tmp) < 0 || rename(tmp, "/etc/localtime") < 0) {
                r = -errno;
                report(ctx, ACT_NODE, "timezone", ACT_FAILED, "cannot set it to %s: %s", a->name, strerror(-r));
                (void) unlink(tmp);
                return r;
        }
        if (asprintf(&line, "%s\n", a->name) >= 0)
                (void) write_file_atomic("/etc/timezone", line);
        report(ctx, ACT_NODE, "timezone", ACT_OK, "set to %s", a->name);
        return 0;
}

static int run_useradd(const char *user) {
        /* Debian's place (bash there), else PATH (NixOS: the unit's path). */
        bool debian = access("/usr/sbin/useradd", X_OK) == 0;
        char *argv[] = { debian ? (char *) "/usr/sbin/useradd" : (char *) "useradd", (char *) "--create-home",
                         (char *) "--user-group", (char *) "--shell", debian ? (char *) "/bin/bash" : (char *) "/bin/sh",
                         (char *) "--comment", (char *) "HomestakerOS operator", (char *) user, NULL };

        return spawn_wait(argv, &(SpawnOptions) { .cwd_fd = -1, .quiet_stdout = true }, NULL);
}

static int do_ssh_keys(const Action *a, ExecContext *ctx) {
        struct passwd *pw = passwd_lookup(a->name);
        size_t n = 0;
        bool changed;
        int r = -EINVAL;

        if (!pw) {
                if (run_useradd(a->name) < 0 || !(pw = passwd_lookup(a->name))) {
                        report(ctx, ACT_NODE, "ssh", ACT_FAILED, "cannot create the login user %s", a->name);
                        return -ESRCH;
                }
                report(ctx, ACT_NODE, "ssh", ACT_OK, "login user %s created", a->name);
        }
        r = act_install_ssh_keys(pw, a->content, &changed);
        if (r < 0) {
                report(ctx, ACT_NODE, "ssh", ACT_FAILED, "cannot install the authorized keys of %s in %s/.ssh: %s",
                       a->name, pw->pw_dir,
                       r == -ELOOP ? "a symlink is in the way (not followed)"
                       : r == -ENOTDIR ? "something not a directory is in the way"
                       : r == -EPERM ? "~/.ssh belongs to another user" : strerror(-r));
                return r;
        }
        if (!changed)
                return 0;
        for (const char *s = a->content; *s; s++)
                n += *s == '\n';
        report(ctx, ACT_NODE, "ssh", ACT_OK, "%zu authorized key%s installed for %s", n, n == 1 ? "" : "s", a->name);
        return 0;
}

static int do_sshd_dropin(const Action *a, ExecContext *ctx) {
        _cleanup_free_ char *dir = NULL;
        const char *slash = strrchr(a->path, '/');
        int r = -EINVAL;

        dir = slash ? strndup(a->path, (size_t) (slash - a->path)) : NULL;
        if (dir)
                (void) mkdir(dir, 0755);
        r = write_file_atomic(a->path, a->content);
        if (r < 0) {
                report(ctx, ACT_NODE, "sshd", ACT_FAILED, "cannot write %s: %s", a->path, strerror(-r));
                return r;
        }
        report(ctx, ACT_NODE, "sshd", ACT_OK, "%s", a->flag ? "uses the persistent host key" :
                                                   "uses a host key made in RAM for this boot");
        return 0;
}

static int run_journalctl(const char *option) {
        char *argv[] = { access("/usr/bin/journalctl", X_OK) == 0 ? (char *) "/usr/bin/journalctl" : (char *) "journalctl",
                         (char *) option, NULL };

        return spawn_wait(argv, &(SpawnOptions) { .cwd_fd = -1, .quiet_stdout = true, .quiet_stderr = true }, NULL);
}

/* journald lets go of /var/log/journal (if it held one on the RAM root),
 * the disk's directory takes its place, and journald moves what it kept in
 * /run there. */
static int do_journal(const Action *a, ExecContext *ctx) {
        _cleanup_free_ char *err = NULL;
        int r = -EINVAL;

        (void) run_journalctl("--relinquish-var");
        if ((r = dir_create(a->path, 0755, 0, 0)) < 0 || (r = dir_create("/var/log/journal", 0755, 0, 0)) < 0 ||
            (r = mounter_mount(a->path, "/var/log/journal", NULL, "bind", &err)) < 0) {
                report(ctx, ACT_NODE, "journal", ACT_FAILED, "cannot keep the journal in %s: %s", a->path,
                       err ?: strerror(-r));
                return r;
        }
        r = run_journalctl("--flush");
        report(ctx, ACT_NODE, "journal", r < 0 ? ACT_FAILED : ACT_OK, "kept in %s from now on, across boots%s", a->path,
               r < 0 ? " (journalctl --flush failed: it moves there at the next rotation)" : "");
        return 0;
}

/* The unit directory is root's alone (/run/systemd/system): its names are ours. */
static int do_write_unit(const Action *a, ExecContext *ctx) {
        _cleanup_free_ char *path = NULL;
        const char *slash = strchr(a->name, '/');
        int r = -EINVAL;

        if (!ctx->unit_dir || path_join(ctx->unit_dir, a->name, &path) < 0)
                return -ENOMEM;
        if (slash) {
                _cleanup_free_ char *dir = strndup(path, strlen(ctx->unit_dir) + 1 + (size_t) (slash - a->name));
                if (!dir)
                        return -ENOMEM;
                (void) mkdir(dir, 0755);
        }
        r = write_file_atomic(path, a->content);
        if (r < 0)
                report(ctx, ACT_UNIT, a->unit, ACT_FAILED, "cannot write %s: %s", path, strerror(-r));
        return r;
}

static int do_remove_unit(const Action *a, ExecContext *ctx) {
        _cleanup_free_ char *path = NULL;
        UnitTrack *u;

        if (!ctx->unit_dir || path_join(ctx->unit_dir, a->name, &path) < 0)
                return -ENOMEM;
        /* Forgotten: if it comes back, it is started anew. */
        if (ctx->systemd && (u = systemd_track(ctx->systemd, a->unit)))
                u->started_content = mfree(u->started_content);
        if (unlink(path) < 0) {
                int r = -errno;
                report(ctx, ACT_UNIT, a->unit, ACT_FAILED, "cannot remove %s: %s", path, strerror(-r));
                return r;
        }
        report(ctx, ACT_UNIT, a->unit, ACT_OK, "is no longer part of the node: stopped and removed");
        return 0;
}

static int do_reload(ExecContext *ctx) {
        int r = -EINVAL;

        if (!ctx->systemd)
                return -ENOTCONN;
        r = systemd_reload(ctx->systemd, ctx->reloaded, ctx->reload_userdata);
        if (r < 0) {
                report(ctx, ACT_UNIT, "systemd", ACT_FAILED, "cannot ask systemd to reload: %s", strerror(-r));
                return r;
        }
        ctx->reload_asked = true;
        return 0;
}

/* A job on the bus: asynchronous, its end logged by the systemd edge. */
static int do_job(const Action *a, ExecContext *ctx) {
        UnitTrack *u = ctx->systemd ? systemd_track(ctx->systemd, a->unit) : NULL;
        const char *method = NULL;
        int r = -EINVAL;

        if (!u)
                return -ENOTCONN;
        switch (a->kind) {
        case ACTION_START_UNIT:
                method = "StartUnit";
                break;
        case ACTION_RESTART_UNIT:
                method = "RestartUnit";
                break;
        case ACTION_STOP_UNIT:
                method = "StopUnit";
                break;
        case ACTION_RELOAD_UNIT:
                method = "ReloadOrRestartUnit";
                break;
        case ACTION_ADOPT_UNIT:
                /* Already running (the agent was restarted): kept, with the file it runs. */
                return free_and_strdup(&u->started_content, a->content);
        case ACTION_HOLD_UNIT:
                report(ctx, ACT_UNIT, a->unit, ACT_WAITING, "waits: its user %s does not exist (yet)", a->owner);
                return 0;
        case ACTION_MOUNT:
        case ACTION_MAKE_DIR:
        case ACTION_TAKE_OVER:
        case ACTION_CREATE_SECRET:
        case ACTION_CREATE_USERS:
        case ACTION_HOSTNAME:
        case ACTION_TIMEZONE:
        case ACTION_SSH_KEYS:
        case ACTION_SSHD_DROPIN:
        case ACTION_JOURNAL:
        case ACTION_WRITE_UNIT:
        case ACTION_REMOVE_UNIT:
        case ACTION_RELOAD:
        case _ACTION_KIND_MAX:
        case _ACTION_KIND_INVALID:
                return -EINVAL;
        }
        r = systemd_job(ctx->systemd, u, method);
        if (r < 0)
                return r;
        if (a->kind == ACTION_STOP_UNIT)
                return 0;
        if (a->kind == ACTION_RELOAD_UNIT) {
                report(ctx, ACT_UNIT, a->unit, ACT_OK, "reloaded: its configuration changed");
                return 0;
        }
        report(ctx, ACT_UNIT, a->unit, ACT_STARTED, "%s",
               a->kind == ACTION_RESTART_UNIT ? "restarted: its unit changed" : "started");
        return free_and_strdup(&u->started_content, a->content);
}

int execute(const Action *a, ExecContext *ctx) {
        int r = -EINVAL;

        switch (a->kind) {
        case ACTION_MOUNT:
                r = do_mount(a, ctx);
                break;
        case ACTION_MAKE_DIR:
                r = do_make_dir(a, ctx);
                break;
        case ACTION_TAKE_OVER:
                r = do_take_over(a, ctx);
                break;
        case ACTION_CREATE_SECRET:
                r = do_create_secret(a, ctx);
                break;
        case ACTION_CREATE_USERS:
                r = do_create_users(a, ctx);
                break;
        case ACTION_HOSTNAME:
                r = do_hostname(a, ctx);
                break;
        case ACTION_TIMEZONE:
                r = do_timezone(a, ctx);
                break;
        case ACTION_SSH_KEYS:
                r = do_ssh_keys(a, ctx);
                break;
        case ACTION_SSHD_DROPIN:
                r = do_sshd_dropin(a, ctx);
                break;
        case ACTION_JOURNAL:
                r = do_journal(a, ctx);
                break;
        case ACTION_WRITE_UNIT:
                r = do_write_unit(a, ctx);
                break;
        case ACTION_REMOVE_UNIT:
                r = do_remove_unit(a, ctx);
                break;
        case ACTION_RELOAD:
                r = do_reload(ctx);
                break;
        case ACTION_START_UNIT:
        case ACTION_RESTART_UNIT:
        case ACTION_STOP_UNIT:
        case ACTION_ADOPT_UNIT:
        case ACTION_HOLD_UNIT:
        case ACTION_RELOAD_UNIT:
                r = do_job(a, ctx);
                break;
        case _ACTION_KIND_MAX:
        case _ACTION_KIND_INVALID:
                break;
        }
        if (r < 0)
                ctx->n_failed++;
        return r;
}
