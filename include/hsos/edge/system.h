/* SPDX-License-Identifier: MIT */
#pragma once

/* The machine as plain facts, from the kernel's own interfaces:
 * clock_gettime, /proc (memory, load, uptime, the boot id), uname (the
 * kernel), sysconf (CPUs), adjtimex (the clock's synchronization), statvfs
 * (space on mounted file systems). */

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
