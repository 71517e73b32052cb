/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hsos/cleanup.h"
#include "hsos/edge/anchor.h"
#include "hsos/edge/blockdev.h"
#include "hsos/edge/facts-system.h"
#include "hsos/edge/system.h"
#include "hsos/edge/files.h"
#include "hsos/edge/links.h"
#include "hsos/edge/mounttable.h"
#include "hsos/sshd.h"
#include "hsos/util.h"

int facts_read_storage(Facts *f) {
        int r;

        r = mounttable_read("/proc/self/mountinfo", f);
        if (r < 0)
                return r;
        /* Devices that cannot be read (no privileges, no sysfs) leave
         * have_devices false, which the plan reports; only memory is fatal. */
        r = blockdev_read("/sys/class/block", "/dev", f);
        return r == -ENOMEM ? r : 0;
}

/* Each JWT file's state, and which of them hold the same secret: the
 * secrets are compared here and forgotten, only the grouping is kept. */
static int facts_add_jwt_files(Facts *f, char **paths) {
        size_t n = strv_length(paths);
        _cleanup_free_ char (*hex)[65] = calloc(n ?: 1, sizeof *hex);
        _cleanup_free_ unsigned *ids = calloc(n ?: 1, sizeof *ids);
        unsigned next = 0;
        int r = 0;

        if (!hex || !ids)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                FileState s = secret_file_read(paths[i], true, hex[i]);

                /* Compared only where no client can have swapped it for a
                 * symlink (which would test any root-only file). */
                if (s == FILE_PRESENT && hex[i][0] && path_only_root_writes(paths[i])) {
                        ids[i] = ++next;
                        for (size_t j = 0; j < i; j++)
                                if (ids[j] && streq(hex[i], hex[j])) {
                                        ids[i] = ids[j];
                                        next--;
                                        break;
                                }
                }
                if ((r = facts_add_file_id(f, paths[i], s, ids[i])) < 0)
                        break;
        }
        explicit_bzero(hex, (n ?: 1) * sizeof *hex);
        return r;
}

#define WIREGUARD_CONFIG_MAX (64 * 1024)

/* The WireGuard ListenPort, for the firewall: the file (it holds the private
 * key) is read through the anchored walk, as root reads any secret, and
 * wiped; only the number is kept. Unreadable or without one: 0. */
static unsigned wireguard_port_read(const char *path) {
        _cleanup_close_ int fd = -EBADF;
        char *buf = NULL;
        struct stat st;
        unsigned port = 0;
        ssize_t n = 0, k;

        fd = anchor_open(path, O_RDONLY | O_NONBLOCK, ANCHOR_FOLLOW_LAST, NULL);
        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > WIREGUARD_CONFIG_MAX)
                return 0;
        buf = malloc(WIREGUARD_CONFIG_MAX);
        if (!buf)
                return 0;
        while (n < WIREGUARD_CONFIG_MAX && (k = read(fd, buf + n, WIREGUARD_CONFIG_MAX - n)) > 0)
                n += k;
        if (wireguard_listen_port(buf, (size_t) n, &port) < 0)
                port = 0;
        explicit_bzero(buf, WIREGUARD_CONFIG_MAX);
        free(buf);
        return port;
}

#define AUTHORIZED_KEYS_MAX (256 * 1024)

/* sshd's StrictModes: a file or directory on the way that someone other
 * than the user or root may write (or owns) makes sshd ignore the file. */
static bool strict_modes_ok(int fd, uid_t uid) {
        struct stat st;

        return fstat(fd, &st) == 0 && (st.st_uid == uid || st.st_uid == 0) && !(st.st_mode & 022);
}

/* Adds to *n the keys of dir/sub/name (sub may be NULL), read as root reads
 * any file in a user's tree: walked without following the user's symlinks,
 * a regular file only, size capped. 0 when it is absent, -errno when it
 * could not be read. */
static int authorized_keys_count(const char *dir, const char *sub, const char *name, uid_t uid, unsigned *n) {
        _cleanup_close_ int dfd = -EBADF, sfd = -EBADF, fd = -EBADF;
        _cleanup_free_ char *data = NULL;
        struct stat st;
        size_t size;
        unsigned k;
        int r;

        dfd = anchor_open(dir, O_RDONLY | O_DIRECTORY, ANCHOR_FOLLOW_LAST, NULL);
        if (dfd == -ENOENT)
                return 0;
        if (dfd < 0)
                return dfd;
        if (sub) {
                if (!strict_modes_ok(dfd, uid))
                        return 0;
                sfd = openat(dfd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sfd < 0)
                        return errno == ENOENT ? 0 : -errno;
                if (!strict_modes_ok(sfd, uid))
                        return 0;
        }
        /* Never a FIFO (O_NONBLOCK: opening one does not wait), a device or a symlink. */
        fd = openat(sub ? sfd : dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? 0 : -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        if (!strict_modes_ok(fd, uid))
                return 0;
        r = read_fd_capped(fd, AUTHORIZED_KEYS_MAX, &data, &size);
        if (r < 0)
                return r;
        if (size > AUTHORIZED_KEYS_MAX)
                return -EFBIG;
        r = sshd_count_authorized_keys(data, &k);
        if (r < 0)
                return r;
        *n += k;
        return 0;
}

/* The keys sshd would take for the login user, in the files the agent's
 * drop-in names (SSHD_AUTHORIZED_KEYS_FILES). No such user: nobody. */
static int login_keys_read(const char *user) {
        struct passwd *pw;
        unsigned n = 0;
        bool unread = false;
        int r;

        errno = 0;
        pw = passwd_lookup(user);
        if (!pw)
                return errno == 0 || errno == ENOENT ? 0 : -1;
        r = authorized_keys_count(pw->pw_dir, ".ssh", "authorized_keys", pw->pw_uid, &n);
        if (r == -ENOMEM)
                return -1;
        unread = unread || r < 0;
        r = authorized_keys_count("/etc/ssh/authorized_keys.d", NULL, user, pw->pw_uid, &n);
        if (r == -ENOMEM)
                return -1;
        unread = unread || r < 0;
        if (n == 0 && unread)
                return -1;
        return n > INT_MAX ? INT_MAX : (int) n;
}

int facts_from_system(const Config *c, Facts **ret) {
        _cleanup_(facts_freep) Facts *f = facts_new();
        _cleanup_strv_free_ char **files = NULL, **jwts = NULL, **exes = NULL;
        int r;

        if (!f)
                return -ENOMEM;

        r = facts_read_storage(f);
        if (r < 0)
                return r;
        r = links_read_addresses(f);
        if (r == -ENOMEM)
                return r;

        r = facts_wanted_files(c, &files, &jwts);
        if (r < 0)
                return r;
        r = facts_add_jwt_files(f, jwts);
        if (r < 0)
                return r;
        STRV_FOREACH(p, files)
                if ((r = facts_add_file(f, *p, secret_file_state(*p, false))) < 0)
                        return r;

        if (c->wireguard_enable && c->wireguard_config_file)
                f->wireguard_listen_port = wireguard_port_read(c->wireguard_config_file);

        f->login_keys = login_keys_read(SSH_LOGIN_USER);

        r = facts_wanted_executables(c, &exes);
        if (r < 0)
                return r;
        STRV_FOREACH(e, exes) {
                _cleanup_free_ char *path = NULL;
                r = executable_find(*e, getenv("PATH"), &path);
                if (r == -ENOMEM)
                        return r;
                if ((r = facts_add_executable(f, *e, path)) < 0)
                        return r;
        }
        *ret = TAKE_PTR(f);
        return 0;
}
