/* SPDX-License-Identifier: MIT */
#pragma once

/* What must exist on the persistent disks once they are mounted: the plan's
 * directories and the secrets the rules allow to be created. Through the
 * kernel's file system calls on fds (the anchored walk of hsos/edge/anchor.h,
 * fchown, linkat and renameat2), getrandom(2) for JWTs, and ssh-keygen(1) for host keys.
 * Each write is made so that a crash leaves either nothing or the whole
 * file. */

#include <sys/types.h>

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
