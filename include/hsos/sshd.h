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

/* The files sshd reads a user's keys from (sshd_config's AuthorizedKeysFile:
 * relative to the home directory, %u the user name), as on NixOS. */
#define SSHD_AUTHORIZED_KEYS_FILES ".ssh/authorized_keys /etc/ssh/authorized_keys.d/%u"

/* The drop-in's text: public keys only (no password, no
 * keyboard-interactive), no root login, no TCP, stream-local or X11
 * forwarding.  host_key: the persistent host key to use, or NULL for
 * the keys made in RAM for this boot. */
int sshd_dropin_render(const char *host_key, char **ret);

/* How many keys an authorized_keys file holds that sshd would take: the
 * lines sshkey_check_authorized_line accepts (blank lines and # comments
 * are no keys). data is NUL-terminated. */
int sshd_count_authorized_keys(const char *data, unsigned *ret);
