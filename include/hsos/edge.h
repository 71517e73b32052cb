/* SPDX-License-Identifier: MIT */
#pragma once

/* The edges: each wraps one library or kernel interface and turns what it
 * sees into facts. They take paths as parameters so tests can hand them
 * their own files. They log nothing; the caller decides. */

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "hsos/config.h"
#include "hsos/facts.h"

/* The mount table (libmount), from a mountinfo file ("/proc/self/mountinfo"). */
int mounttable_read(const char *mountinfo, Facts *f);

/* Addresses on interfaces (rtnetlink through libmnl). */
int links_read_addresses(Facts *f);

/* Block devices and their identities (libblkid): whole disks and partitions,
 * device-mapper and loop devices, from sysfs_block ("/sys/class/block") and
 * dev_dir ("/dev"). Sets f->have_devices when every device could be probed. */
int blockdev_read(const char *sysfs_block, const char *dev_dir, Facts *f);

/* The state of a secret file, never reading more than it needs and never
 * keeping any of its content. A JWT must be 64 hex characters, optionally
 * with a 0x prefix and a trailing newline. */
FileState secret_file_state(const char *path, bool jwt);
/* Whether only root may write every directory on the way to path (each
 * root's, without group or other write): where no less privileged user can
 * put a symlink. Secrets are copied or compared only from such paths. */
bool path_only_root_writes(const char *path);
/* The same, and for a valid JWT its 64 hex characters, lower case, without
 * "0x" (empty otherwise): the caller explicit_bzero()s them. */
FileState secret_file_read(const char *path, bool jwt, char ret_hex[static 65]);

/* A clock's time in microseconds (CLOCK_REALTIME for documents,
 * CLOCK_MONOTONIC for intervals). */
uint64_t now_usec(clockid_t clock);

/* The machine (f->system): boot, memory, load, CPUs, the clock. */
int system_read(Facts *f);
/* 1 when a time source keeps the clock synchronized (adjtimex), 0 when not,
 * -1 when unknown. */
int clock_synchronized(void);
/* Space on the file system mounted at target (statvfs). */
int space_read(Facts *f, const char *target);
/* Links (operstate, carrier) and whether a default route exists (rtnetlink). */
int links_read(Facts *f);

/* Reads a file of at most max bytes (reading max+1 to see that it is
 * larger). -errno on failure. */
int read_file_capped(const char *path, size_t max, char **ret, size_t *ret_size);
/* A password or token file: one line (its newline dropped), at most 4 KiB.
 * -EINVAL when it is empty or holds a NUL byte. */
int read_secret_line(const char *path, char **ret);

/* Writes content to path through a temporary file in the same directory,
 * renamed into place (mode 0644): a reader sees the old file or the new one. */
int write_file_atomic(const char *path, const char *content);
/* The same, with the fsync only when durable: for a file rewritten every few
 * seconds whose last version alone matters (the metrics textfile), readers
 * still never see half of it. */
int write_file_replace(const char *path, const char *content, bool durable);

/* Looks name up on search_path (PATH syntax), or checks an absolute path. */
int executable_find(const char *name, const char *search_path, char **ret);

/* The facts about storage: the mount table (its failure is an error) and
 * the block devices (as far as they can be read: f->have_devices). */
int facts_read_storage(Facts *f);

/* All the facts a config's plan needs, as far as they can be read. */
int facts_from_system(const Config *c, Facts **ret);

/* Block device events. Where udevd runs, its own events (the device node and
 * its /dev/disk links are ready by then); elsewhere the kernel's uevents.
 * Open before probing, so a device that appears in between is not missed. */
int uevent_open(bool *ret_udev);
/* Waits up to timeout_ms for an event about a block device: 1 when one came
 * (drained), 0 on timeout, -errno on failure. */
int uevent_wait(int fd, int timeout_ms);

/* Mounts device on target with libmount, fstab ignored, never falling back
 * to read-only behind the user's back. On failure returns -errno (or -EIO)
 * and a plain-words cause in *ret_error. */
int mounter_mount(const char *device, const char *target, const char *fstype, const char *options,
                  char **ret_error);

/* Creates dir and its missing parents (0755 root), the last one with mode
 * and owner; an existing directory is left as it is. 1 when created. */
int dir_create(const char *path, mode_t mode, uid_t uid, gid_t gid);
/* Hands a data dir HomestakerOS left to root to its client: done only while
 * its top is still root's (a client cannot give a directory to root, so the
 * top's owner is the marker), the top changed last so a walk cut short is
 * done again. The walk never follows a symlink nor enters what it did not
 * open itself, stays on the top's file system, skips files with more than one
 * link and device nodes, and leaves alone the entries keep names (other dirs
 * and secrets of the plan), and hands over only what root owns (or uid with
 * another group). 1 when done now, 0 when the top is uid's already, -EPERM
 * when another user owns the top (ret->owner says who), -EDEADLK when it is
 * nested deeper than TAKE_OVER_MAX_DEPTH levels (the top stays root's). */
#define TAKE_OVER_MAX_DEPTH 256
typedef struct TakeOverResult {
        uid_t owner;                /* of the top, before */
        unsigned long changed;      /* entries that changed owner */
        unsigned long linked;       /* files left as they were: more than one link */
        unsigned long others;       /* entries left to the other user who owns them */
} TakeOverResult;
int dir_take_over(const char *path, uid_t uid, gid_t gid, char * const *keep, TakeOverResult *ret);

/* A new JWT: 32 bytes from the kernel's random source as 64 hex characters,
 * mode 0600, written to a temporary file in the same directory, fsync'ed,
 * renamed without replacing, directory fsync'ed. -EEXIST if one exists. */
int secret_create_jwt(const char *path);
/* A new JWT file holding the secret of source (its pair): -ENOENT when
 * source is missing, -EBADMSG when it is no JWT or cannot be read, -EPERM
 * when a less privileged user may write a directory on its path. */
int secret_create_jwt_copy(const char *path, const char *source);
/* A new Ed25519 ssh host key (ssh-keygen) with the same care; the public key
 * goes next to it (.pub). -EEXIST if the key exists. Returns 1, with a note in
 * *ret_error, when an existing .pub was left in place. */
int secret_create_ssh_host_key(const char *path, const char *comment, char **ret_error);
