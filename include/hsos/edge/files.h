/* SPDX-License-Identifier: MIT */
#pragma once

/* Files, through the kernel's file system calls (the anchored walk of
 * hsos/edge/anchor.h below a directory another user may write): secret files
 * looked at without keeping their content, bounded reads, atomic writes,
 * executables on a search path. */

#include <stdbool.h>
#include <stddef.h>

#include "hsos/facts.h"

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
