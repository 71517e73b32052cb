/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libmount.h>

#include "hsos/cleanup.h"
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

int mounter_mount(const char *device, const char *target, const char *fstype, const char *options,
                  char **ret_error) {
        _cleanup_(mnt_free_contextp) struct libmnt_context *cxt = NULL;
        char buf[BUFSIZ] = "";
        const char *cause;
        int r, err = 0, ex;

        cxt = mnt_new_context();
        if (!cxt)
                return -ENOMEM;
        /* node.json is the only source of truth: fstab plays no part. */
        if (mnt_context_set_optsmode(cxt, MNT_OMODE_NOTAB) < 0 ||
            mnt_context_set_source(cxt, device) < 0 ||
            mnt_context_set_target(cxt, target) < 0 ||
            (fstype && mnt_context_set_fstype(cxt, fstype) < 0) ||
            (!isempty(options) && mnt_context_set_options(cxt, options) < 0))
                return -ENOMEM;
        /* A data disk silently mounted read-only would fail every client later. */
        mnt_context_enable_rwonly_mount(cxt, 1);

        r = mnt_context_mount(cxt);
        if (r == 0 && mnt_context_get_status(cxt) == 1)
                return 0;

        /* Convert libmount's convention once, here: a failed mount(2) leaves its
         * errno; otherwise r is -errno or a libmount error, explained by excode. */
        if (mnt_context_syscall_called(cxt))
                err = mnt_context_get_syscall_errno(cxt);
        else if (r < 0 && -r < 4096)
                err = -r;
        ex = mnt_context_get_excode(cxt, r, buf, sizeof buf);
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
