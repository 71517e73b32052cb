/* SPDX-License-Identifier: MIT */
#pragma once

/* Reaching a path without letting a less privileged user choose where it
 * leads. The agent runs as root among clients that run as their own users and
 * a login user, `core`: any directory one of them may write is hostile, and a
 * name in it may become a symlink (or another file) between two system calls.
 * So a path is walked from "/" one component at a time, each opened relative
 * to the directory before it with O_NOFOLLOW, and the caller acts on the file
 * descriptor it gets, never on the name again.
 *
 * A symlink is followed only where nobody but root could have made it: owned
 * by root, in a directory only root may write (NixOS's /etc is made of such
 * links). Any other symlink on the way is refused with -ELOOP. ".." is
 * climbed only inside such a link's target (Debian's /etc/os-release is
 * ../usr/lib/os-release); in the path given it is -EINVAL. */

#include <stdbool.h>
#include <sys/types.h>

typedef enum AnchorFlags {
        /* The last component may itself be such a trusted symlink (for a file
         * to read); without it the last component is never followed. */
        ANCHOR_FOLLOW_LAST = 1 << 0,
} AnchorFlags;

/* Opens path with open_flags (O_CLOEXEC, O_NOCTTY and O_NOFOLLOW are added).
 * *ret_root_only (may be NULL): whether every directory looked up on the way
 * is root's and writable by nobody else, i.e. nothing on the path can change
 * under a less privileged user's hand. Returns the fd or -errno. */
int anchor_open(const char *path, int open_flags, AnchorFlags flags, bool *ret_root_only);

/* The same walk for a directory, creating the missing ones: parents 0755
 * root's (as mkdir -p), the last one with mode and owner, set through its fd.
 * Returns an O_RDONLY|O_DIRECTORY fd; *ret_created tells whether the last one
 * was made now. -ENOTDIR when a file is in the way. */
int anchor_mkdir(const char *path, mode_t mode, uid_t uid, gid_t gid, bool *ret_created);

/* A regular file opened relative to dirfd (name: one component), never a
 * symlink, FIFO or device (a FIFO would block the reader forever): read up to
 * max bytes, NUL-terminated. -EFBIG when larger, -EBADFD when it is not a
 * regular file, -ENOENT when absent. */
int read_regular_at(int dirfd, const char *name, size_t max, char **ret, size_t *ret_size);

/* Reads fd to its end, at most max bytes (reading max+1 to see that it is
 * larger: *ret_size is then max+1), NUL-terminated. */
int read_fd_capped(int fd, size_t max, char **ret, size_t *ret_size);
/* Writes all n bytes (EINTR and short writes taken care of). */
int write_all(int fd, const void *buf, size_t n);

/* Replaces name in dirfd with content: a new file (mode, owner) made in the
 * same directory with O_EXCL, fsync'ed, renamed over the old name, which is
 * replaced whatever it was (a symlink there is replaced, never followed). */
int write_replace_at(int dirfd, const char *name, const char *content, mode_t mode, uid_t uid, gid_t gid,
                     bool durable);

/* A new, unnamed file in dirfd (O_TMPFILE, else an O_EXCL name that is
 * unlinked at once by link_new_at's fallback): see link_new_at. Returns the
 * fd; *ret_name is set to the temporary name when one had to be used. */
int tmpfile_at(int dirfd, mode_t mode, char **ret_name);
/* Moves from (in fromfd) to to (in tofd), never replacing anything: -EEXIST
 * when something has that name (renameat2 RENAME_NOREPLACE, or link+unlink
 * where the file system lacks it). */
int rename_noreplace_at(int fromfd, const char *from, int tofd, const char *to);
/* Gives the file of tmpfile_at the name name in dirfd, never replacing
 * anything: -EEXIST when something has that name. */
int link_new_at(int dirfd, int fd, const char *tmp_name, const char *name);
