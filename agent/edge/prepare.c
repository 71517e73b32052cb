/* SPDX-License-Identifier: MIT */
/* What must exist on the persistent disks once they are mounted: the plan's
 * directories, and the secrets the rules allow to be created. Each write is
 * made so that a crash leaves either nothing or the whole file. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hsos/cleanup.h"
#include "hsos/edge.h"
#include "hsos/util.h"

int dir_create(const char *path, mode_t mode, uid_t uid, gid_t gid) {
        _cleanup_free_ char *p = strdup(path);
        struct stat st;

        if (!p)
                return -ENOMEM;
        if (stat(path, &st) == 0)
                return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
        /* Parents first, 0755 root, as mkdir -p. */
        for (char *s = p + 1; (s = strchr(s, '/')); s++) {
                *s = 0;
                if (mkdir(p, 0755) < 0 && errno != EEXIST)
                        return -errno;
                if (stat(p, &st) < 0)
                        return -errno;
                if (!S_ISDIR(st.st_mode))
                        return -ENOTDIR;
                *s = '/';
        }
        if (mkdir(path, mode) < 0)
                return errno == EEXIST ? 0 : -errno;
        /* mkdir applies the umask: set the mode the plan asks for. */
        if (chmod(path, mode) < 0 || chown(path, uid, gid) < 0)
                return -errno;
        return 1;
}

/* nftw has no user data: the walk's parameters live here for its duration. */
static struct {
        uid_t uid;
        gid_t gid;
        unsigned long changed;
        int error;
} walk;

static int take_over_entry(const char *fpath, const struct stat *sb, int typeflag, struct FTW *ftwbuf) {
        (void) ftwbuf;
        if (typeflag == FTW_NS || typeflag == FTW_DNR) {
                walk.error = EACCES;
                return 0;
        }
        if (sb->st_uid == walk.uid && sb->st_gid == walk.gid)
                return 0;
        /* lchown: a symlink itself changes owner, its target does not. */
        if (lchown(fpath, walk.uid, walk.gid) < 0) {
                walk.error = errno;
                return 0;
        }
        walk.changed++;
        return 0;
}

static int write_all(int fd, const void *buf, size_t n) {
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

int dir_take_over(const char *path, uid_t uid, gid_t gid, const char *owner, unsigned long *ret_changed) {
        _cleanup_free_ char *marker = NULL, *content = NULL;
        _cleanup_close_ int fd = -EBADF;
        char buf[128] = "";
        ssize_t n;
        int r;

        *ret_changed = 0;
        if (path_join(path, TAKE_OVER_MARKER, &marker) < 0 || asprintf(&content, "%s %u\n", owner, (unsigned) uid) < 0)
                return -ENOMEM;

        fd = open(marker, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd >= 0) {
                n = read(fd, buf, sizeof buf - 1);
                if (n > 0 && streq(buf, content))
                        return 0; /* done before, for this owner */
                fd = safe_close_fd(fd);
        }

        walk.uid = uid;
        walk.gid = gid;
        walk.changed = 0;
        walk.error = 0;
        /* FTW_PHYS: never follow a symlink; FTW_MOUNT: stay on this file system. */
        if (nftw(path, take_over_entry, 64, FTW_PHYS | FTW_MOUNT) < 0)
                return -errno;
        *ret_changed = walk.changed;
        if (walk.error)
                return -walk.error;

        /* Written last: a take-over cut short runs again at the next boot. */
        fd = open(marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
                return -errno;
        r = write_all(fd, content, strlen(content));
        if (r < 0)
                return r;
        if (fchown(fd, uid, gid) < 0 || fsync(fd) < 0)
                return -errno;
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

/* rename() that never replaces: renameat2(RENAME_NOREPLACE), or link+unlink
 * where the file system lacks it. */
static int rename_noreplace(int dirfd, const char *from, const char *to) {
        if (renameat2(dirfd, from, dirfd, to, RENAME_NOREPLACE) == 0)
                return 0;
        if (errno != EINVAL && errno != ENOSYS)
                return -errno;
        if (linkat(dirfd, from, dirfd, to, 0) < 0)
                return -errno;
        (void) unlinkat(dirfd, from, 0);
        return 0;
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
        dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                return -errno;
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

        if (asprintf(&tmp, ".%s.XXXXXX", base) < 0) {
                explicit_bzero(text, 64);
                return -ENOMEM;
        }
        {
                _cleanup_free_ char *full = NULL;
                if (path_join(dir, tmp, &full) < 0) {
                        explicit_bzero(text, 64);
                        return -ENOMEM;
                }
                fd = mkostemp(full, O_CLOEXEC);
                if (fd < 0) {
                        r = -errno;
                        explicit_bzero(text, 64);
                        return r;
                }
                free(tmp);
                tmp = strdup(strrchr(full, '/') + 1);
                if (!tmp) {
                        unlink(full);
                        explicit_bzero(text, 64);
                        return -ENOMEM;
                }
        }
        r = fchmod(fd, 0600) < 0 ? -errno : write_all(fd, text, 64);
        explicit_bzero(text, 64);
        if (r >= 0 && fsync(fd) < 0)
                r = -errno;
        if (r >= 0)
                r = rename_noreplace(dirfd, tmp, base);
        if (r < 0) {
                (void) unlinkat(dirfd, tmp, 0);
                return r;
        }
        if (fsync(dirfd) < 0)
                return -errno;
        return 0;
}

static int fsync_path(int dirfd, const char *name) {
        _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

        if (fd < 0 || fsync(fd) < 0)
                return -errno;
        return 0;
}

int secret_create_ssh_host_key(const char *path, const char *comment, char **ret_error) {
        _cleanup_free_ char *dir = NULL, *tmpdir = NULL, *keygen = NULL, *key = NULL, *pub = NULL, *pub_name = NULL,
                            *tmp_key = NULL, *tmp_pub = NULL;
        _cleanup_close_ int dirfd = -EBADF;
        const char *base;
        pid_t pid;
        int r, status;

        dirfd = open_secret_dir(path, &dir, &base);
        if (dirfd < 0)
                return dirfd;
        r = executable_find("ssh-keygen", getenv("PATH"), &keygen);
        if (r < 0) {
                *ret_error = strdup("ssh-keygen was not found (package openssh-client)");
                return r;
        }

        /* Generated in a private directory beside the key, then moved into place. */
        if (asprintf(&tmpdir, "%s/.%s.XXXXXX", dir, base) < 0)
                return -ENOMEM;
        if (!mkdtemp(tmpdir))
                return -errno;
        if (asprintf(&key, "%s/key", tmpdir) < 0 || asprintf(&pub, "%s/key.pub", tmpdir) < 0 ||
            asprintf(&pub_name, "%s.pub", base) < 0) {
                r = -ENOMEM;
                goto finish;
        }

        pid = fork();
        if (pid < 0) {
                r = -errno;
                goto finish;
        }
        if (pid == 0) {
                int null = open("/dev/null", O_RDWR | O_CLOEXEC);
                if (null >= 0) {
                        dup2(null, STDIN_FILENO);
                        dup2(null, STDOUT_FILENO);
                }
                execl(keygen, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", key, (char *) NULL);
                _exit(127);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR) {
                        r = -errno;
                        goto finish;
                }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                if (asprintf(ret_error, "ssh-keygen failed (exit status %d)",
                             WIFEXITED(status) ? WEXITSTATUS(status) : -1) < 0)
                        r = -ENOMEM;
                else
                        r = -EIO;
                goto finish;
        }

        tmp_key = strdup(key + strlen(dir) + 1);
        tmp_pub = strdup(pub + strlen(dir) + 1);
        if (!tmp_key || !tmp_pub) {
                r = -ENOMEM;
                goto finish;
        }
        if ((r = fsync_path(dirfd, tmp_key)) < 0 || (r = fsync_path(dirfd, tmp_pub)) < 0)
                goto finish;
        r = rename_noreplace(dirfd, tmp_key, base);
        if (r < 0)
                goto finish;
        /* Nothing on disk is overwritten, not even a stale public key: sshd
         * needs only the private one. */
        r = rename_noreplace(dirfd, tmp_pub, pub_name);
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
        if (key)
                (void) unlink(key);
        if (pub)
                (void) unlink(pub);
        (void) rmdir(tmpdir);
        return r;
}
