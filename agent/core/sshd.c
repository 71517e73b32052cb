/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "hsos/sshd.h"
#include "hsos/util.h"

int sshd_dropin_render(const char *host_key, char **ret) {
        StrBuf b = {};

        /* Each option checked against Debian 12's sshd (OpenSSH 9.2, `sshd -T`
         * with this file included first: tests/integration/test-sshd.sh). The
         * accepted key types stay sshd's defaults, FIDO (sk-) keys among them. */
        sb_append(&b, "# Written by hsos-agent from node.json (ssh) on every boot.\n"
                      "# sshd as HomestakerOS sets it: public keys only, no forwarding.\n"
                      "AuthenticationMethods publickey\n"
                      "PubkeyAuthentication yes\n"
                      "PasswordAuthentication no\n"
                      "KbdInteractiveAuthentication no\n"
                      "PermitRootLogin no\n"
                      "AllowTcpForwarding no\n"
                      "AllowStreamLocalForwarding no\n"
                      "X11Forwarding no\n"
                      /* Where NixOS's sshd looks too: the status counts exactly these. */
                      "AuthorizedKeysFile " SSHD_AUTHORIZED_KEYS_FILES "\n");
        if (host_key)
                sb_appendf(&b, "HostKey %s\n", host_key);
        return sb_steal(&b, ret);
}
