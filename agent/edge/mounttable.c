/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include <libmount.h>

#include "hsos/cleanup.h"
#include "hsos/edge/mounttable.h"

int mounttable_read(const char *mountinfo, Facts *f) {
        _cleanup_(mnt_unref_tablep) struct libmnt_table *tb = NULL;
        _cleanup_(mnt_free_iterp) struct libmnt_iter *it = NULL;
        struct libmnt_fs *fs;
        int r;

        tb = mnt_new_table();
        it = mnt_new_iter(MNT_ITER_FORWARD);
        if (!tb || !it)
                return -ENOMEM;
        r = mnt_table_parse_file(tb, mountinfo); /* detects the mountinfo format */
        if (r < 0)
                return r == -1 ? -EINVAL : r;
        while ((r = mnt_table_next_fs(tb, it, &fs)) == 0) {
                r = facts_add_mount(f, mnt_fs_get_target(fs), mnt_fs_get_source(fs), mnt_fs_get_fstype(fs),
                                    mnt_fs_get_options(fs));
                if (r < 0)
                        return r;
        }
        return r < 0 ? r : 0;
}
