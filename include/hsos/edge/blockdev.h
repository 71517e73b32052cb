/* SPDX-License-Identifier: MIT */
#pragma once

/* Block devices and their identities, probed with libblkid: whole disks and
 * partitions, device-mapper and loop devices, found in sysfs. */

#include "hsos/facts.h"

/* From sysfs_block ("/sys/class/block") and dev_dir ("/dev"). Sets
 * f->have_devices when every device could be probed. */
int blockdev_read(const char *sysfs_block, const char *dev_dir, Facts *f);
