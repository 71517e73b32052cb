/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hsos/cleanup.h"
#include "hsos/edge/anchor.h"
#include "hsos/edge/files.h"
#include "hsos/util.h"

static bool is_hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool path_only_root_writes(const char *path) {
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int fd = -EBADF;
        const char *slash = path ? strrchr(path, '/') : NULL;
        bool root_only = false;
        struct stat st;

        if (!slash || path[0] != '/')
                return false;
        dir = slash == path ? strdup("/") : strndup(path, (size_t) (slash - path));
        if (!dir)
                return false;
        /* Every directory on the way, and the file's own: a user who may
         * write one of them may put a symlink or another file in the path. */
        fd = anchor_open(dir, O_PATH | O_DIRECTORY, ANCHOR_FOLLOW_LAST, &root_only);
        if (fd < 0 || fstat(fd, &st) < 0)
                return false;
        return root_only && st.st_uid == 0 && !(st.st_mode & 022);
}

FileState secret_file_state(const char *path, bool jwt) {
        char hex[65];
        FileState s = secret_file_read(path, jwt, hex);

        explicit_bzero(hex, sizeof hex);
        return s;
}

FileState secret_file_read(const char *path, bool jwt, char ret_hex[static 65]) {
        _cleanup_close_ int fd = -EBADF;
        char buf[72];
        struct stat st;
        const char *p = buf;
        ssize_t n;
        size_t len;
        FileState s = FILE_INVALID;

        ret_hex[0] = 0;
        /* From "/", following only symlinks root made in root's directories:
         * a client's symlink to a root-only file is not read (nor given to
         * systemd's LoadCredential=). O_NONBLOCK: a FIFO does not block. */
        fd = anchor_open(path, O_RDONLY | O_NONBLOCK, ANCHOR_FOLLOW_LAST, NULL);
        if (fd < 0) {
                if (fd == -ENOENT || fd == -ENOTDIR)
                        return FILE_ABSENT;
                if (fd == -ELOOP)
                        return FILE_UNSAFE;
                /* It exists, but we may not read it (a plan without privileges). */
                if (fd == -EACCES || fd == -EPERM)
                        return FILE_PRESENT;
                return FILE_INVALID;
        }
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                return FILE_INVALID;
        if (!jwt)
                return FILE_PRESENT;

        /* "0x" + 64 + "\n" is 67 bytes at most; read one more to see a longer file. */
        n = read(fd, buf, sizeof buf);
        if (n < 0)
                return FILE_INVALID;
        len = (size_t) n;
        if (len > 0 && buf[len - 1] == '\n')
                len--;
        if (len >= 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) {
                p += 2;
                len -= 2;
        }
        if (len == 64) {
                s = FILE_PRESENT;
                for (size_t i = 0; i < 64; i++) {
                        if (!is_hex(p[i]))
                                s = FILE_INVALID;
                        ret_hex[i] = (char) (p[i] >= 'A' && p[i] <= 'F' ? p[i] - 'A' + 'a' : p[i]);
                }
                ret_hex[s == FILE_PRESENT ? 64 : 0] = 0;
        }
        explicit_bzero(buf, sizeof buf);
        return s;
}

int write_file_atomic(const char *path, const char *content) {
        return write_file_replace(path, content, true);
}

int write_file_replace(const char *path, const char *content, bool durable) {
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int dirfd = -EBADF;
        const char *slash = strrchr(path, '/');

        if (!slash) {
                dir = strdup(".");
                slash = path - 1;
        } else
                dir = slash == path ? strdup("/") : strndup(path, (size_t) (slash - path));
        if (!dir)
                return -ENOMEM;
        if (!slash[1])
                return -EISDIR;
        /* An absolute path (the agent's own files, units, the metrics textfile
         * in node_exporter's directory) is reached from "/"; a relative one
         * is the user's own on the command line. */
        if (dir[0] == '/')
                dirfd = anchor_open(dir, O_RDONLY | O_DIRECTORY, ANCHOR_FOLLOW_LAST, NULL);
        else if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
                return -errno;
        if (dirfd < 0)
                return dirfd;
        return write_replace_at(dirfd, slash + 1, content, 0644, (uid_t) -1, (gid_t) -1, durable);
}

int read_secret_line(const char *path, char **ret) {
        _cleanup_free_ char *data = NULL;
        size_t size;
        int r;

        r = read_file_capped(path, 4096, &data, &size);
        if (r < 0)
                return r;
        while (size > 0 && (data[size - 1] == '\n' || data[size - 1] == '\r'))
                data[--size] = 0;
        if (size == 0 || strlen(data) != size) {
                explicit_bzero(data, size);
                return -EINVAL;
        }
        *ret = TAKE_PTR(data);
        return 0;
}

int read_file_capped(const char *path, size_t max, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = -EBADF;
        struct stat st;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        return read_fd_capped(fd, max, ret, ret_size);
}

int executable_find(const char *name, const char *search_path, char **ret) {
        _cleanup_free_ char *copy = NULL;
        char *saveptr = NULL;

        if (name[0] == '/') {
                if (access(name, X_OK) < 0)
                        return -errno;
                *ret = strdup(name);
                return *ret ? 0 : -ENOMEM;
        }
        copy = strdup(search_path ?: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        if (!copy)
                return -ENOMEM;
        for (char *dir = strtok_r(copy, ":", &saveptr); dir; dir = strtok_r(NULL, ":", &saveptr)) {
                _cleanup_free_ char *p = NULL;
                struct stat st;

                if (dir[0] != '/')
                        continue; /* a relative PATH entry is not used for system units */
                if (path_join(dir, name, &p) < 0)
                        return -ENOMEM;
                if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0) {
                        *ret = TAKE_PTR(p);
                        return 0;
                }
        }
        return -ENOENT;
}
