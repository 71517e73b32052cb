/* SPDX-License-Identifier: MIT */
#pragma once

/* The mount table, read with libmount from a mountinfo file
 * ("/proc/self/mountinfo", or a test's own): what is mounted where, as facts. */

#include "hsos/facts.h"

int mounttable_read(const char *mountinfo, Facts *f);
