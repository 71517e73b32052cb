/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hsos/cleanup.h"
#include "hsos/edge/anchor.h"
#include "hsos/util.h"

#define MAX_LINKS 32

static bool dir_only_root_writes(const struct stat *st) {
        return st->st_uid == 0 && !(st->st_mode & 022);
}

/* The walk behind anchor_open and anchor_mkdir. With mkdir, missing
 * directories are made (the last with mode, uid, gid) and the result is a
 * directory opened O_RDONLY. */
/* A directory root made a moment ago: owned by the effective user, and
 * empty. */
static bool dir_fresh_and_ours(int fd) {
        struct stat st;
        DIR *d;
        struct dirent *de;
        bool empty = true;
        int dfd;

        if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || !S_ISDIR(st.st_mode))
                return false;
        dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return false;
        d = fdopendir(dfd);
        if (!d) {
                close(dfd);
                return false;
        }
        while (empty && (de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
                        empty = false;
        closedir(d);
        return empty;
}

static int walk(const char *path, int open_flags, AnchorFlags flags, bool mkdir, mode_t mode, uid_t uid, gid_t gid,
                bool *ret_root_only, bool *ret_created) {
        _cleanup_free_ char *todo = NULL;
        _cleanup_close_ int cur = -EBADF;
        bool root_only = true, created = false;
        unsigned links = 0;
        size_t trusted = 0; /* todo's first bytes that come from root's links: ".." is theirs to use */
        int fd = -EBADF;
        char *p;

        if (!path || path[0] != '/')
                return -EINVAL;
        todo = strdup(path);
        if (!todo)
                return -ENOMEM;
        cur = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (cur < 0)
                return -errno;
        p = todo;

        for (;;) {
                struct stat dst, st;
                char *name, *rest;
                bool last;

                while (*p == '/')
                        p++;
                if (!*p) {
                        /* The path named a directory we stand in ("/", or "a/."). */
                        fd = openat(cur, ".", (mkdir ? O_RDONLY | O_DIRECTORY : open_flags) | O_CLOEXEC | O_NOCTTY);
                        if (fd < 0)
                                return -errno;
                        break;
                }
                name = p;
                rest = strchr(p, '/');
                if (rest)
                        *rest++ = 0;
                else
                        rest = p + strlen(p);
                while (*rest == '/')
                        rest++;
                last = !*rest;
                if (streq(name, ".")) {
                        p = rest;
                        continue;
                }
                if (streq(name, "..")) {
                        /* Only inside a link root made (../usr/lib/os-release),
                         * climbing as the kernel would, from the directory the
                         * walk stands in: each step after it is checked as any. */
                        if ((size_t) (name - todo) >= trusted)
                                return -EINVAL;
                        fd = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
                        if (fd < 0)
                                return -errno;
                        safe_close_fd(cur);
                        cur = fd;
                        fd = -EBADF;
                        p = rest;
                        continue;
                }
                if (strlen(name) > NAME_MAX)
                        return -ENAMETOOLONG;

                if (fstat(cur, &dst) < 0)
                        return -errno;
                if (!dir_only_root_writes(&dst))
                        root_only = false;

                if (fstatat(cur, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                        if (errno != ENOENT || !mkdir)
                                return -errno;
                        /* EEXIST: made by another meanwhile, maybe the user who
                         * may write here: it is no more ours than any found. */
                        if (mkdirat(cur, name, last ? 0700 : 0755) == 0)
                                created = last;
                        else if (errno != EEXIST)
                                return -errno;
                        if (fstatat(cur, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                                return -errno;
                }
                if (S_ISLNK(st.st_mode) && (!last || (flags & ANCHOR_FOLLOW_LAST))) {
                        _cleanup_free_ char *target = NULL, *joined = NULL;
                        char buf[PATH_MAX];
                        ssize_t n;

                        /* Only a link nobody but root could have put there. */
                        if (!dir_only_root_writes(&dst) || st.st_uid != 0)
                                return -ELOOP;
                        if (++links > MAX_LINKS)
                                return -ELOOP;
                        n = readlinkat(cur, name, buf, sizeof buf - 1);
                        if (n < 0)
                                return -errno;
                        buf[n] = 0;
                        if (asprintf(&joined, "%s/%s", buf, rest) < 0)
                                return -ENOMEM;
                        /* The target, and what was still a link's target after it. */
                        trusted = (size_t) n + 1 +
                                  ((size_t) (rest - todo) < trusted ? trusted - (size_t) (rest - todo) : 0);
                        if (buf[0] == '/') {
                                safe_close_fd(cur);
                                cur = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
                                if (cur < 0)
                                        return -errno;
                        }
                        free(todo);
                        todo = TAKE_PTR(joined);
                        p = todo;
                        continue;
                }
                if (!last) {
                        if (S_ISLNK(st.st_mode))
                                return -ELOOP;
                        if (!S_ISDIR(st.st_mode))
                                return -ENOTDIR;
                        /* Swapped for a symlink since the fstatat: O_NOFOLLOW fails. */
                        fd = openat(cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (fd < 0)
                                return -errno;
                        safe_close_fd(cur);
                        cur = fd;
                        p = rest;
                        continue;
                }
                /* The last one, not to be followed: O_NOFOLLOW|O_DIRECTORY on a
                 * symlink says ENOTDIR, the caller is told what it is. */
                if (S_ISLNK(st.st_mode))
                        return -ELOOP;
                if (mkdir) {
                        if (!S_ISDIR(st.st_mode))
                                return -ENOTDIR;
                        fd = openat(cur, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                } else
                        fd = openat(cur, name, open_flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
                if (fd < 0)
                        return -errno;
                break;
        }

        /* Between root's mkdirat and its open, a user who may write in the
         * parent can remove root's new (empty) directory and make its own
         * under the name: what was opened is root's only if it is still
         * owned by root and empty (as a directory root just made is). */
        if (created && !dir_fresh_and_ours(fd))
                created = false;
        if (created) {
                /* Through the fd: mkdir applied the umask. */
                if (fchmod(fd, mode) < 0 || fchown(fd, uid, gid) < 0) {
                        int r = -errno;
                        safe_close_fd(fd);
                        return r;
                }
        }
        if (ret_root_only)
                *ret_root_only = root_only;
        if (ret_created)
                *ret_created = created;
        return fd;
}

int anchor_open(const char *path, int open_flags, AnchorFlags flags, bool *ret_root_only) {
        return walk(path, open_flags, flags, false, 0, 0, 0, ret_root_only, NULL);
}

int anchor_mkdir(const char *path, mode_t mode, uid_t uid, gid_t gid, bool *ret_created) {
        return walk(path, 0, 0, true, mode, uid, gid, NULL, ret_created);
}

int read_fd_capped(int fd, size_t max, char **ret, size_t *ret_size) {
        _cleanup_free_ char *buf = malloc(max + 2);
        size_t n = 0;

        if (!buf)
                return -ENOMEM;
        while (n < max + 1) {
                ssize_t k = read(fd, buf + n, max + 1 - n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        break;
                n += (size_t) k;
        }
        buf[n] = 0;
        *ret = TAKE_PTR(buf);
        *ret_size = n;
        return 0;
}

int read_regular_at(int dirfd, const char *name, size_t max, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *buf = NULL;
        struct stat st;
        size_t n;
        int r;

        if (strchr(name, '/'))
                return -EINVAL;
        /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
        fd = openat(dirfd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
                return errno == ELOOP ? -EBADFD : -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        if ((uintmax_t) st.st_size > max)
                return -EFBIG;
        r = read_fd_capped(fd, max, &buf, &n);
        if (r < 0)
                return r;
        if (n > max)
                return -EFBIG; /* it grew while we read */
        *ret = TAKE_PTR(buf);
        *ret_size = n;
        return 0;
}

static int random_name(char ret[static 24]) {
        static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
        unsigned char raw[12];

        if (getrandom(raw, sizeof raw, 0) != (ssize_t) sizeof raw)
                return -EIO;
        memcpy(ret, ".hsos-", 6);
        for (size_t i = 0; i < sizeof raw; i++)
                ret[6 + i] = chars[raw[i] % (sizeof chars - 1)];
        ret[6 + sizeof raw] = 0;
        return 0;
}

int tmpfile_at(int dirfd, mode_t mode, char **ret_name) {
        int fd;

        *ret_name = NULL;
        fd = openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
        if (fd >= 0)
                return fd;
        if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
                return -errno;
        /* A file system without O_TMPFILE (vfat): a fresh name, O_EXCL never follows a link. */
        for (int tries = 0; tries < 16; tries++) {
                char name[24];
                int r = random_name(name);

                if (r < 0)
                        return r;
                fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
                if (fd >= 0) {
                        *ret_name = strdup(name);
                        if (!*ret_name) {
                                (void) unlinkat(dirfd, name, 0);
                                safe_close_fd(fd);
                                return -ENOMEM;
                        }
                        return fd;
                }
                if (errno != EEXIST)
                        return -errno;
        }
        return -EEXIST;
}

int rename_noreplace_at(int fromfd, const char *from, int tofd, const char *to) {
        /* renameat2 without replace, or link+unlink where the file system lacks it. */
        if (renameat2(fromfd, from, tofd, to, RENAME_NOREPLACE) == 0)
                return 0;
        if (errno != EINVAL && errno != ENOSYS)
                return -errno;
        if (linkat(fromfd, from, tofd, to, 0) < 0)
                return -errno;
        (void) unlinkat(fromfd, from, 0);
        return 0;
}

int link_new_at(int dirfd, int fd, const char *tmp_name, const char *name) {
        char proc[64];

        if (tmp_name)
                return rename_noreplace_at(dirfd, tmp_name, dirfd, name);
        /* linkat(AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH; /proc/self/fd works for root and others. */
        if (linkat(fd, "", dirfd, name, AT_EMPTY_PATH) == 0)
                return 0;
        if (errno == EEXIST)
                return -EEXIST;
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        if (linkat(AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW) < 0)
                return -errno;
        return 0;
}

int write_all(int fd, const void *buf, size_t n) {
        const char *p = buf;

        while (n > 0) {
                ssize_t k = write(fd, p, n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += k;
                n -= (size_t) k;
        }
        return 0;
}

int write_replace_at(int dirfd, const char *name, const char *content, mode_t mode, uid_t uid, gid_t gid,
                     bool durable) {
        _cleanup_close_ int fd = -EBADF;
        char tmp[24];
        int r;

        if (strchr(name, '/'))
                return -EINVAL;
        for (int tries = 0;; tries++) {
                r = random_name(tmp);
                if (r < 0)
                        return r;
                fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
                if (fd >= 0)
                        break;
                if (errno != EEXIST || tries >= 16)
                        return -errno;
        }
        r = write_all(fd, content, strlen(content));
        /* No owner to set, no fchown: a file system without owners (FUSE) refuses even (-1, -1). */
        if (r >= 0 && (((uid != (uid_t) -1 || gid != (gid_t) -1) && fchown(fd, uid, gid) < 0) ||
                       fchmod(fd, mode) < 0 || (durable && fsync(fd) < 0)))
                r = -errno;
        if (r >= 0 && renameat(dirfd, tmp, dirfd, name) < 0)
                r = -errno;
        if (r < 0) {
                (void) unlinkat(dirfd, tmp, 0);
                return r;
        }
        if (durable)
                (void) fsync(dirfd);
        return 0;
}
