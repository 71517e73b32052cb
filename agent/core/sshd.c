/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hsos/sshd.h"
#include "hsos/sshkey.h"
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

int sshd_count_authorized_keys(const char *data, unsigned *ret) {
        unsigned n = 0;

        for (const char *p = data; *p;) {
                size_t len = strcspn(p, "\n");
                _cleanup_free_ char *line = strndup(p, len), *err = NULL;
                const char *l;
                int r;

                if (!line)
                        return -ENOMEM;
                p += len + (p[len] == '\n');
                if (len > 0 && line[len - 1] == '\r')
                        line[len - 1] = 0;
                l = line + strspn(line, " \t");
                if (*l == 0 || *l == '#')
                        continue;
                r = sshkey_check_authorized_line(l, &err);
                if (r == -ENOMEM)
                        return r;
                if (r >= 0)
                        n++;
        }
        *ret = n;
        return 0;
}
