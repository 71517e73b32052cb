/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>

#include "hsos/cleanup.h"
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
