/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>

#include "hsos/cleanup.h"
#include "hsos/edge.h"
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
        STRV_FOREACH(p, jwts)
                if ((r = facts_add_file(f, *p, secret_file_state(*p, true))) < 0)
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
