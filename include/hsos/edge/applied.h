/* SPDX-License-Identifier: MIT */
#pragma once

/* What is applied already, read into the plain Applied the actions are
 * derived from (hsos/action.h): the plan's directories (reached by the
 * anchored walk, never through a symlink a client could have made), the
 * unit files in the unit directory, the node's hostname, zone, login keys
 * (~core/.ssh read through fds, a FIFO never opened) and sshd's drop-in,
 * the clients' users. What systemd says of each unit is the daemon's to add
 * (applied_add_unit). */

#include "hsos/action.h"

/* Reads what scope's actions depend on; unit_dir may be NULL (no unit files). */
int applied_read(const Plan *p, const Config *c, ActionScope scope, const char *unit_dir, Applied *ret);
/* Whether sshd would take the persistent host key at path: 0 yes, -EPERM
 * not root's with mode 0600, -errno. */
int host_key_check(const char *path);
