/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hsos/edge/disklibs.h"
#include "hsos/edge/mounter.h"
#include "hsos/util.h"

/* The kernel's refusal, in plain words. */
static const char *cause_of(int err, const char *options) {
        switch (err) {
        case ENODEV:
                return "the kernel does not know this file system type (is its module loaded?)";
        case EINVAL:
                return "wrong file system type, bad option, or a damaged superblock";
        case EUCLEAN:
                return "the file system needs repair: the kernel found it corrupted (run fsck)";
        case EROFS:
        case EACCES:
                return strstr(strempty(options), "ro") ? "permission denied"
                                                       : "the device is read-only (add \"ro\" to options to mount it so)";
        case ENOTDIR:
                return "the mount point is not a directory";
        case EPERM:
                return "permission denied: mounting needs root";
        case EBUSY:
                return "the device or the mount point is busy";
        case ENOENT:
                return "no such device or mount point";
        case ENXIO:
                return "no such device (it went away)";
        case ENOMEDIUM:
                return "no medium in the device";
        default:
                return NULL;
        }
}

/* libmount's verdict on a mount tried with cxt: 0, or -errno and the cause. */
static int verdict(const MountLib *m, struct libmnt_context *cxt, int r, const char *options, char **ret_error) {
        char buf[BUFSIZ] = "";
        const char *cause;
        int err = 0, ex;

        if (r == 0 && m->context_get_status(cxt) == 1)
                return 0;

        /* Convert libmount's convention once, here: a failed mount(2) leaves its
         * errno; otherwise r is -errno or a libmount error, explained by excode. */
        if (m->context_syscall_called(cxt))
                err = m->context_get_syscall_errno(cxt);
        else if (r < 0 && -r < 4096)
                err = -r;
        ex = m->context_get_excode(cxt, r, buf, sizeof buf);
        (void) ex;
        cause = cause_of(err, options);
        if (cause && *buf)
                r = asprintf(ret_error, "%s (%s)", cause, buf);
        else if (cause)
                r = asprintf(ret_error, "%s", cause);
        else if (*buf)
                r = asprintf(ret_error, "%s", buf);
        else
                r = asprintf(ret_error, "%s", err ? strerror(err) : "mount failed");
        if (r < 0)
                return -ENOMEM;
        return err > 0 ? -err : -EIO;
}

int mounter_mount(const char *device, const char *target, const char *fstype, const char *options,
                  char **ret_error) {
        struct libmnt_context *cxt;
        const MountLib *m;
        int r;

        r = mount_lib(&m);
        if (r < 0) {
                *ret_error = strdup(disklibs_error());
                return *ret_error ? r : -ENOMEM;
        }
        cxt = m->new_context();
        if (!cxt)
                return -ENOMEM;
        /* node.json is the only source of truth: fstab plays no part. */
        if (m->context_set_optsmode(cxt, MNT_OMODE_NOTAB) < 0 ||
            m->context_set_source(cxt, device) < 0 ||
            m->context_set_target(cxt, target) < 0 ||
            (fstype && m->context_set_fstype(cxt, fstype) < 0) ||
            (!isempty(options) && m->context_set_options(cxt, options) < 0)) {
                m->free_context(cxt);
                return -ENOMEM;
        }
        /* A data disk silently mounted read-only would fail every client later. */
        m->context_enable_rwonly_mount(cxt, 1);

        r = verdict(m, cxt, m->context_mount(cxt), options, ret_error);
        m->free_context(cxt);
        return r;
}
