/* SPDX-License-Identifier: MIT */
#pragma once

/* Block device events, from the kernel's uevent netlink socket
 * (NETLINK_KOBJECT_UEVENT): where udevd runs, its own events (the device
 * node and its /dev/disk links are ready by then); elsewhere the kernel's. */

#include <stdbool.h>

/* Open before probing, so a device that appears in between is not missed.
 * *ret_udev says whether the events are udevd's. */
int uevent_open(bool *ret_udev);
/* Waits up to timeout_ms for an event about a block device: 1 when one came
 * (drained), 0 on timeout, -errno on failure. */
int uevent_wait(int fd, int timeout_ms);
