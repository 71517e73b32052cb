/* SPDX-License-Identifier: MIT */
#pragma once

/* The edges: each wraps one library or kernel interface and turns what it
 * sees into facts. They take paths as parameters so tests can hand them
 * their own files. They log nothing; the caller decides. */

#include <stdbool.h>

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

/* Looks name up on search_path (PATH syntax), or checks an absolute path. */
int executable_find(const char *name, const char *search_path, char **ret);

/* All the facts a config's plan needs, as far as they can be read. */
int facts_from_system(const Config *c, Facts **ret);
