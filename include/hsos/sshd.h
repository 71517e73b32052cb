/* SPDX-License-Identifier: MIT */
#pragma once

/* sshd as the node runs it: the drop-in the agent writes into
 * /etc/ssh/sshd_config.d, and who can log in. */

#include <stddef.h>

/* The operator HomestakerOS logs in as: node.json's ssh.authorizedKeys are
 * theirs. */
#define SSH_LOGIN_USER "core"

/* Where the drop-in lies on the node (Debian's sshd_config includes
 * sshd_config.d/ first: the first value of an option wins). */
#define SSHD_DROPIN_PATH "/etc/ssh/sshd_config.d/50-hsos-agent.conf"

/* The drop-in's text. host_key: the persistent host key to use, or NULL for
 * the keys made in RAM for this boot. */
int sshd_dropin_render(const char *host_key, char **ret);
