/* SPDX-License-Identifier: MIT */
#pragma once

/* Mounting, with libmount's context API (mnt_context_mount): its status and
 * exit code turned into -errno and a plain-words cause. */

/* Mounts device on target with libmount, fstab ignored, never falling back
 * to read-only behind the user's back. On failure returns -errno (or -EIO)
 * and a plain-words cause in *ret_error. */
int mounter_mount(const char *device, const char *target, const char *fstype, const char *options,
                  char **ret_error);
