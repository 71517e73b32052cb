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
#include "hsos/edge/files.h"
#include "hsos/util.h"

bool cli_extra_args(int argc, char **argv, const char *command) {
        if (optind >= argc)
                return false;
        fprintf(stderr, "%s %s: unexpected argument '%s'\n", program_name, command, argv[optind]);
        return true;
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
