/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "hsos/edge/disklibs.h"
#include "hsos/edge/mounttable.h"

int mounttable_read(const char *mountinfo, Facts *f) {
        const MountLib *m;
        struct libmnt_table *tb;
        struct libmnt_iter *it;
        struct libmnt_fs *fs;
        int r;

        r = mount_lib(&m);
        if (r < 0)
                return r;
        tb = m->new_table();
        it = m->new_iter(MNT_ITER_FORWARD);
        if (!tb || !it)
                r = -ENOMEM;
        else {
                r = m->table_parse_file(tb, mountinfo); /* detects the mountinfo format */
                if (r == -1)
                        r = -EINVAL;
        }
        while (r >= 0 && (r = m->table_next_fs(tb, it, &fs)) == 0)
                r = facts_add_mount(f, m->fs_get_target(fs), m->fs_get_source(fs), m->fs_get_fstype(fs),
                                    m->fs_get_options(fs));
        m->free_iter(it);
        m->unref_table(tb);
        return r < 0 ? r : 0;
}
