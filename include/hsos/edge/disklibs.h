/* SPDX-License-Identifier: MIT */
#pragma once

/* libblkid and libmount, opened with dlopen() by the first call that needs
 * one, not when the program starts: the root daemon reads no disk and
 * mounts nothing itself (its worker, a forked child, does), so it never maps
 * them, nor libselinux and libpcre2 behind libmount. The worker and the CLI
 * open them when they read the disk or mount it. */

#include <blkid.h>
#include <libmount.h>

/* The functions the agent uses, each named without its prefix (blkid_,
 * mnt_): a struct member, its type taken from the library's header. */
#define BLKID_FUNCTIONS(X)                                                                                 \
        X(new_probe) X(free_probe) X(probe_set_device) X(probe_enable_superblocks)                         \
        X(probe_set_superblocks_flags) X(probe_enable_partitions) X(probe_set_partitions_flags)            \
        X(do_safeprobe) X(probe_lookup_value)
#define MOUNT_FUNCTIONS(X)                                                                                 \
        X(new_table) X(unref_table) X(new_iter) X(free_iter) X(table_parse_file) X(table_next_fs)          \
        X(fs_get_target) X(fs_get_source) X(fs_get_fstype) X(fs_get_options) X(new_context)                \
        X(free_context) X(context_set_optsmode) X(context_set_source) X(context_set_target)                \
        X(context_set_fstype) X(context_set_options) X(context_enable_rwonly_mount) X(context_mount)       \
        X(context_get_status) X(context_syscall_called) X(context_get_syscall_errno) X(context_get_excode)

#define BLKID_MEMBER(f) typeof(blkid_##f) *f;
#define MOUNT_MEMBER(f) typeof(mnt_##f) *f;
typedef struct BlkidLib {
        BLKID_FUNCTIONS(BLKID_MEMBER)
} BlkidLib;
typedef struct MountLib {
        MOUNT_FUNCTIONS(MOUNT_MEMBER)
} MountLib;
#undef BLKID_MEMBER
#undef MOUNT_MEMBER

/* The library, opened the first time and kept open. Returns 0, or
 * -ELIBACC when it cannot be loaded, -ELIBBAD when it lacks a function;
 * disklibs_error() then says which, in plain words. */
int blkid_lib(const BlkidLib **ret);
int mount_lib(const MountLib **ret);
const char *disklibs_error(void);
