/* SPDX-License-Identifier: MIT */
/* What must exist on the persistent disks once they are mounted: the plan's
 * directories, and the secrets the rules allow to be created. Each write is
 * made so that a crash leaves either nothing or the whole file. */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hsos/cleanup.h"
#include "hsos/edge/anchor.h"
#include "hsos/edge/spawn.h"
#include "hsos/edge/files.h"
#include "hsos/edge/prepare.h"
#include "hsos/util.h"

int dir_create(const char *path, mode_t mode, uid_t uid, gid_t gid) {
        _cleanup_close_ int fd = -EBADF;
        bool created = false;

        fd = anchor_mkdir(path, mode, uid, gid, &created);
        if (fd < 0)
                return fd;
        return created;
}

/* The walk of a take-over. It enters only what it opened itself, relative
 * to the directory it stands in, and changes each entry through an fd of
 * that very inode: a client renaming things under the walk can make it miss
 * an entry, never reach one outside. */
typedef struct TakeOver {
        uid_t uid;
        gid_t gid;
        dev_t dev;
        const dev_t *skip_dev;      /* entries never handed over (other dirs, secrets) */
        const ino_t *skip_ino;
        size_t n_skip;
        unsigned long changed, linked, others;
        int error;
        bool too_deep;
} TakeOver;


static bool take_over_skips(const TakeOver *t, const struct stat *st) {
        for (size_t i = 0; i < t->n_skip; i++)
                if (t->skip_dev[i] == st->st_dev && t->skip_ino[i] == st->st_ino)
                        return true;
        return false;
}

static int take_over_one(TakeOver *t, int fd, const struct stat *st) {
        if (st->st_uid == t->uid && st->st_gid == t->gid)
                return 0;
        /* Only what HomestakerOS left to root, or the client's own with
         * another group: a file another user owns (moved in by a client
         * while a take-over cut short left it a subdirectory) stays theirs. */
        if (st->st_uid != 0 && st->st_uid != t->uid) {
                t->others++;
                return 0;
        }
        /* AT_EMPTY_PATH on an O_PATH fd: the inode checked, a symlink itself. */
        if (fchownat(fd, "", t->uid, t->gid, AT_EMPTY_PATH) < 0)
                return -errno;
        t->changed++;
        return 0;
}

static void take_over_walk(TakeOver *t, int dfd, unsigned depth) {
        _cleanup_(closedirp) DIR *d = NULL;
        struct dirent *de;
        int dup_fd;

        if (depth > TAKE_OVER_MAX_DEPTH) {
                t->too_deep = true;
                return;
        }
        dup_fd = fcntl(dfd, F_DUPFD_CLOEXEC, 3);
        if (dup_fd < 0 || !(d = fdopendir(dup_fd))) {
                if (dup_fd >= 0)
                        close(dup_fd);
                t->error = errno;
                return;
        }
        while ((errno = 0, de = readdir(d))) {
                _cleanup_close_ int fd = -EBADF;
                struct stat st;
                int r;

                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                fd = openat(dfd, de->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0) {
                        if (errno != ENOENT) /* gone meanwhile: nothing to hand over */
                                t->error = errno;
                        continue;
                }
                if (fstat(fd, &st) < 0) {
                        t->error = errno;
                        continue;
                }
                if (st.st_dev != t->dev || take_over_skips(t, &st))
                        continue; /* another mount, or not this client's */
                if (S_ISDIR(st.st_mode)) {
                        /* Reopened through the O_PATH fd: the same inode, whatever the name is now. */
                        _cleanup_close_ int sub = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

                        if (sub < 0) {
                                t->error = errno;
                                continue;
                        }
                        take_over_walk(t, sub, depth + 1);
                } else if (S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode)) {
                        continue; /* a device node would hand the device over: left as it is */
                } else if (st.st_nlink > 1) {
                        /* A hard link may be a name of a file elsewhere (fs.protected_hardlinks=0). */
                        t->linked++;
                        continue;
                }
                /* The directory itself after its entries: it stays root's while walked. */
                r = take_over_one(t, fd, &st);
                if (r < 0)
                        t->error = -r;
        }
        if (errno != 0)
                t->error = errno;
}

int dir_take_over(const char *path, uid_t uid, gid_t gid, char * const *keep, TakeOverResult *ret) {
        _cleanup_close_ int top = -EBADF;
        _cleanup_free_ dev_t *skip_dev = NULL;
        _cleanup_free_ ino_t *skip_ino = NULL;
        TakeOver t = { .uid = uid, .gid = gid };
        struct stat st;
        size_t n = 0;

        *ret = (TakeOverResult) {};
        top = anchor_open(path, O_RDONLY | O_DIRECTORY, 0, NULL);
        if (top < 0)
                return top;
        if (fstat(top, &st) < 0)
                return -errno;
        ret->owner = st.st_uid;
        if (st.st_uid == uid)
                return 0; /* its client's already: made so, or taken over before */
        /* Only a top that is still root's: a client cannot give a directory to
         * root, so nothing a client made or holds is handed to another. */
        if (st.st_uid != 0)
                return -EPERM;

        skip_dev = calloc(strv_length(keep) + 1, sizeof *skip_dev);
        skip_ino = calloc(strv_length(keep) + 1, sizeof *skip_ino);
        if (!skip_dev || !skip_ino)
                return -ENOMEM;
        STRV_FOREACH(k, keep) {
                _cleanup_close_ int fd = anchor_open(*k, O_PATH, 0, NULL);
                struct stat kst;

                if (fd >= 0 && fstat(fd, &kst) == 0) {
                        skip_dev[n] = kst.st_dev;
                        skip_ino[n++] = kst.st_ino;
                }
        }
        t.dev = st.st_dev;
        t.skip_dev = skip_dev;
        t.skip_ino = skip_ino;
        t.n_skip = n;
        take_over_walk(&t, top, 0);
        ret->changed = t.changed;
        ret->linked = t.linked;
        ret->others = t.others;
        if (t.too_deep)
                return -EDEADLK; /* said as "nested deeper than 256 levels" */
        if (t.error)
                return -t.error;
        /* The top last: a take-over cut short is done again, from the start. */
        if (fchown(top, uid, gid) < 0)
                return -errno;
        ret->changed++;
        return 1;
}

static int split_path(const char *path, char **ret_dir, const char **ret_base) {
        const char *slash = strrchr(path, '/');

        if (!slash || !slash[1])
                return -EINVAL;
        *ret_dir = slash == path ? strdup("/") : strndup(path, (size_t) (slash - path));
        *ret_base = slash + 1;
        return *ret_dir ? 0 : -ENOMEM;
}

/* Opens the directory a new secret goes in; -EEXIST when the secret (or
 * anything by its name, a dangling symlink included) is there already. */
static int open_secret_dir(const char *path, char **ret_dir, const char **ret_base) {
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int dirfd = -EBADF;
        const char *base;
        int r;

        r = split_path(path, &dir, &base);
        if (r < 0)
                return r;
        /* Reached from "/" without a symlink a client could have made. */
        dirfd = anchor_open(dir, O_RDONLY | O_DIRECTORY, ANCHOR_FOLLOW_LAST, NULL);
        if (dirfd < 0)
                return dirfd;
        if (faccessat(dirfd, base, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
                return -EEXIST;
        *ret_dir = TAKE_PTR(dir);
        *ret_base = base;
        return TAKE_FD(dirfd);
}

static int write_new_jwt(const char *path, char text[static 64]);

int secret_create_jwt(const char *path) {
        static const char hex[] = "0123456789abcdef";
        unsigned char raw[32];
        char text[64];

        if (getrandom(raw, sizeof raw, 0) != (ssize_t) sizeof raw)
                return -errno;
        for (size_t i = 0; i < sizeof raw; i++) {
                text[2 * i] = hex[raw[i] >> 4];
                text[2 * i + 1] = hex[raw[i] & 15];
        }
        explicit_bzero(raw, sizeof raw);
        return write_new_jwt(path, text);
}

int secret_create_jwt_copy(const char *path, const char *source) {
        char hex[65];
        FileState s;
        int r;

        /* A client could swap a pair in its own directory for a symlink to
         * any root-only file of 64 hex characters: copy only from a path
         * no less privileged user can change. */
        if (!path_only_root_writes(source))
                return -EPERM;
        s = secret_file_read(source, true, hex);
        if (s == FILE_ABSENT)
                r = -ENOENT;
        else if (s != FILE_PRESENT || !hex[0])
                r = -EBADMSG; /* not a JWT, or not readable */
        else
                r = write_new_jwt(path, hex);
        explicit_bzero(hex, sizeof hex);
        return r;
}

/* Writes 64 hex characters to a new file at path (never over anything),
 * through a temporary file, fsync and a rename without replace; wipes text. */
static int write_new_jwt(const char *path, char text[static 64]) {
        _cleanup_free_ char *dir = NULL, *tmp = NULL;
        _cleanup_close_ int dirfd = -EBADF, fd = -EBADF;
        const char *base;
        int r;

        dirfd = open_secret_dir(path, &dir, &base);
        if (dirfd < 0) {
                explicit_bzero(text, 64);
                return dirfd;
        }
        /* Unnamed until complete (O_TMPFILE), then linked without replacing anything. */
        fd = tmpfile_at(dirfd, 0600, &tmp);
        if (fd < 0) {
                explicit_bzero(text, 64);
                return fd;
        }
        r = fchmod(fd, 0600) < 0 ? -errno : write_all(fd, text, 64);
        explicit_bzero(text, 64);
        if (r >= 0 && fsync(fd) < 0)
                r = -errno;
        if (r >= 0)
                r = link_new_at(dirfd, fd, tmp, base);
        if (r < 0) {
                if (tmp)
                        (void) unlinkat(dirfd, tmp, 0);
                return r;
        }
        if (fsync(dirfd) < 0)
                return -errno;
        return 0;
}

static int fsync_at(int dirfd, const char *name) {
        _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

        if (fd < 0 || fsync(fd) < 0)
                return -errno;
        return 0;
}

int secret_create_ssh_host_key(const char *path, const char *comment, char **ret_error) {
        _cleanup_free_ char *dir = NULL, *keygen = NULL, *pub_name = NULL;
        _cleanup_close_ int dirfd = -EBADF, tmpfd = -EBADF;
        char tmpname[32];
        const char *base;
        int r;

        dirfd = open_secret_dir(path, &dir, &base);
        if (dirfd < 0)
                return dirfd;
        r = executable_find("ssh-keygen", getenv("PATH"), &keygen);
        if (r < 0) {
                *ret_error = strdup("ssh-keygen was not found (package openssh-client)");
                return r;
        }
        if (asprintf(&pub_name, "%s.pub", base) < 0)
                return -ENOMEM;

        /* Generated in a private directory beside the key, reached only by
         * its fd (ssh-keygen runs in it), then moved into place. */
        for (int tries = 0;; tries++) {
                unsigned rnd;
                if (getrandom(&rnd, sizeof rnd, 0) != (ssize_t) sizeof rnd)
                        return -EIO;
                snprintf(tmpname, sizeof tmpname, ".hsos-keygen-%08x", rnd);
                if (mkdirat(dirfd, tmpname, 0700) == 0)
                        break;
                if (errno != EEXIST || tries >= 16)
                        return -errno;
        }
        tmpfd = openat(dirfd, tmpname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (tmpfd < 0) {
                r = -errno;
                (void) unlinkat(dirfd, tmpname, AT_REMOVEDIR);
                return r;
        }

        {
                char *argv[] = { keygen, (char *) "-q", (char *) "-t", (char *) "ed25519", (char *) "-N", (char *) "",
                                 (char *) "-C", (char *) comment, (char *) "-f", (char *) "key", NULL };
                int status;

                /* Inside its private directory, reached by the fd alone. */
                r = spawn_wait(argv, &(SpawnOptions) { .cwd_fd = tmpfd, .quiet_stdout = true }, &status);
                if (r == -EIO) {
                        if (asprintf(ret_error, "ssh-keygen failed (exit status %d)", status) < 0)
                                r = -ENOMEM;
                        goto finish;
                }
                if (r < 0)
                        goto finish;
        }

        if ((r = fsync_at(tmpfd, "key")) < 0 || (r = fsync_at(tmpfd, "key.pub")) < 0)
                goto finish;
        r = rename_noreplace_at(tmpfd, "key", dirfd, base);
        if (r < 0)
                goto finish;
        /* Nothing on disk is overwritten, not even a stale public key: sshd
         * needs only the private one. */
        r = rename_noreplace_at(tmpfd, "key.pub", dirfd, pub_name);
        if (r == -EEXIST) {
                if (asprintf(ret_error, "%s existed already and was left as it was", pub_name) < 0) {
                        r = -ENOMEM;
                        goto finish;
                }
                r = 1;
        } else if (r < 0)
                goto finish;
        if (fsync(dirfd) < 0)
                r = -errno;

finish:
        (void) unlinkat(tmpfd, "key", 0);
        (void) unlinkat(tmpfd, "key.pub", 0);
        (void) unlinkat(dirfd, tmpname, AT_REMOVEDIR);
        return r;
}
