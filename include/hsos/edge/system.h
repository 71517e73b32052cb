/* SPDX-License-Identifier: MIT */
#pragma once

/* The machine as plain facts, from the kernel's own interfaces:
 * clock_gettime, /proc (memory, load, uptime, the boot id), uname (the
 * kernel), sysconf (CPUs), adjtimex (the clock's synchronization), statvfs
 * (space on mounted file systems). */

#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <time.h>

#include "hsos/facts.h"

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

/* A user or group as /etc/passwd or /etc/group holds it (systemd-sysusers,
 * useradd and NixOS write there), read directly, not through NSS: the root
 * process loads no NSS module (libnss_systemd alone is 320 KiB resident,
 * and asks other services). NULL with errno ENOENT when there is none.
 * The answer lives until the next call, as getpwnam's does. */
struct passwd *passwd_lookup(const char *name);
struct group *group_lookup(const char *name);
