/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hsos/cli.h"
#include "hsos/util.h"

bool cli_extra_args(int argc, char **argv, const char *command) {
        if (optind >= argc)
                return false;
        fprintf(stderr, "%s %s: unexpected argument '%s'\n", program_name, command, argv[optind]);
        return true;
}

int read_file_capped(const char *path, size_t max, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *buf = NULL;
        size_t n = 0;
        struct stat st;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        buf = malloc(max + 2);
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

int cli_load_config(const char *path, Config **ret) {
        _cleanup_strv_free_ char **errors = NULL;
        _cleanup_free_ char *data = NULL;
        size_t size;
        int r;

        r = read_file_capped(path, CONFIG_SIZE_MAX, &data, &size);
        if (r < 0) {
                fprintf(stderr, "%s: cannot read %s: %s\n", program_name, path, strerror(-r));
                return r == -EINVAL ? -EIO : r;
        }
        r = config_parse(data, size, ret, &errors);
        if (r == -EINVAL) {
                STRV_FOREACH(e, errors)
                        fprintf(stderr, "%s\n", *e);
                return -EINVAL;
        }
        if (r < 0) {
                fprintf(stderr, "%s: %s: %s\n", program_name, path, strerror(-r));
                return r == -EINVAL ? -EIO : r;
        }
        return 0;
}
