/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hsos/cleanup.h"
#include "hsos/edge/anchor.h"
#include "hsos/edge/blockdev.h"
#include "hsos/edge/facts-system.h"
#include "hsos/edge/files.h"
#include "hsos/edge/links.h"
#include "hsos/edge/mounttable.h"
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
