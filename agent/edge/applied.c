/* SPDX-License-Identifier: MIT */
/* What is applied already, read for the actions (hsos/action.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hsos/edge/anchor.h"
#include "hsos/edge/applied.h"
#include "hsos/edge/files.h"
#include "hsos/edge/system.h"
#include "hsos/sshd.h"
#include "hsos/util.h"

#define UNIT_FILE_MAX (1024 * 1024)

/* Reached without a symlink a client could have made; one that is in the
 * way counts as absent, and making it is refused with the reason. */
static int read_dir(Applied *a, const char *path) {
        _cleanup_close_ int fd = anchor_open(path, O_PATH | O_DIRECTORY, 0, NULL);
        struct stat st;

        if (fd < 0 || fstat(fd, &st) < 0)
                return applied_add_dir(a, path, false, 0, 0, 0);
        return applied_add_dir(a, path, true, st.st_uid, st.st_gid, st.st_mode & 07777);
}

static int read_unit_file(Applied *a, int dirfd, const char *name, const char *rel) {
        _cleanup_free_ char *content = NULL;
        size_t size;

        if (read_regular_at(dirfd, name, UNIT_FILE_MAX, &content, &size) < 0)
                return 0; /* absent (or not a file the agent wrote) */
        return applied_add_unit_file(a, rel, content);
}

static int read_unit_files(Applied *a, const Plan *p, const char *unit_dir) {
        _cleanup_close_ int dirfd = open(unit_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        _cleanup_(closedirp) DIR *d = NULL;
        struct dirent *de;
        int fd, r;

        if (dirfd < 0)
                return 0;
        fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0 || !(d = fdopendir(fd))) {
                if (fd >= 0)
                        close(fd);
                return -errno;
        }
        while ((de = readdir(d)))
                if (endswith(de->d_name, ".service") && (r = read_unit_file(a, dirfd, de->d_name, de->d_name)) < 0)
                        return r;
        for (size_t i = 0; i < p->n_dropins; i++) {
                _cleanup_free_ char *sub = NULL, *rel = NULL;
                _cleanup_close_ int subfd = -EBADF;

                if (asprintf(&sub, "%s.d", p->dropins[i].unit) < 0 || asprintf(&rel, "%s/%s", sub, p->dropins[i].name) < 0)
                        return -ENOMEM;
                subfd = openat(dirfd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (subfd >= 0 && (r = read_unit_file(a, subfd, p->dropins[i].name, rel)) < 0)
                        return r;
        }
        return 0;
}

/* ~core/.ssh and its authorized_keys, through fds: a symlink is never
 * followed, a FIFO never opened (read_regular_at). */
static int read_login_keys(Applied *a) {
        _cleanup_close_ int home = -EBADF, ssh = -EBADF;
        struct passwd *pw = passwd_lookup(SSH_LOGIN_USER);
        struct stat st;
        size_t size;

        a->login_user_exists = !!pw;
        if (!pw)
                return 0;
        home = anchor_open(pw->pw_dir, O_RDONLY | O_DIRECTORY, ANCHOR_FOLLOW_LAST, NULL);
        if (home < 0)
                return 0;
        ssh = openat(home, ".ssh", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (ssh < 0 || fstat(ssh, &st) < 0)
                return 0;
        a->login_ssh_dir_ok = st.st_uid == pw->pw_uid && st.st_gid == pw->pw_gid && (st.st_mode & 07777) == 0700;
        if (read_regular_at(ssh, "authorized_keys", 64 * 1024, &a->login_keys, &size) < 0)
                a->login_keys = NULL;
        return 0;
}

int host_key_check(const char *path) {
        struct stat st;

        /* sshd refuses a key others may read. */
        if (stat(path, &st) < 0)
                return -errno;
        return st.st_uid != 0 || (st.st_mode & 077) ? -EPERM : 0;
}

static int read_node(Applied *a, const Plan *p) {
        char now[256] = "", link[512];
        size_t size;
        ssize_t n;

        if (gethostname(now, sizeof now - 1) == 0 && !(a->hostname = strdup(now)))
                return -ENOMEM;
        n = readlink("/etc/localtime", link, sizeof link - 1);
        if (n > 0) {
                link[n] = 0;
                if (!(a->localtime = strdup(link)))
                        return -ENOMEM;
        }
        (void) read_login_keys(a);
        if (read_file_capped(SSHD_DROPIN_PATH, 64 * 1024, &a->sshd_dropin, &size) < 0)
                a->sshd_dropin = NULL;
        for (size_t i = 0; i < p->n_secrets; i++)
                if (p->secrets[i].kind == SECRET_SSH_HOST_KEY && p->secrets[i].state == SECRET_PRESENT)
                        a->host_key_error = host_key_check(p->secrets[i].path);
        return 0;
}

int applied_read(const Plan *p, const Config *c, ActionScope scope, const char *unit_dir, Applied *ret) {
        Applied a = {};
        int r = 0;

        (void) c;
        if (scope & ACTIONS_NODE)
                r = read_node(&a, p);
        for (size_t i = 0; r >= 0 && (scope & ACTIONS_DISK) && i < p->n_dirs; i++)
                r = read_dir(&a, p->dirs[i].path);
        for (size_t i = 0; r >= 0 && (scope & (ACTIONS_USERS | ACTIONS_UNIT_JOBS)) && i < p->n_units; i++) {
                const char *user = client_to_string(p->units[i].client);
                if (p->units[i].client != CLIENT_WIREGUARD && !passwd_lookup(user) && !strv_contains(a.users_missing, user))
                        r = strv_extend(&a.users_missing, user);
        }
        if (r >= 0 && unit_dir && (scope & ACTIONS_UNIT_FILES))
                r = read_unit_files(&a, p, unit_dir);
        if (r < 0) {
                applied_done(&a);
                return r;
        }
        *ret = a;
        return 0;
}
