/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "hsos/sshd.h"
#include "hsos/util.h"

int sshd_dropin_render(const char *host_key, char **ret) {
        StrBuf b = {};

        sb_append(&b, "# Written by hsos-agent from node.json (ssh) on every boot.\n"
                      "PasswordAuthentication no\n"
                      "KbdInteractiveAuthentication no\n");
        if (host_key)
                sb_appendf(&b, "HostKey %s\n", host_key);
        return sb_steal(&b, ret);
}
