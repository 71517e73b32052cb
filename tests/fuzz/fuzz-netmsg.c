/* SPDX-License-Identifier: MIT */
/* libFuzzer target: a message from the network helper, as the root daemon
 * reads it (netmsg_parse_from_helper). The helper speaks to the network; a
 * helper taken over by a client's answer may send anything. Whatever comes,
 * the root side either refuses it with a reason or reads it into fields that
 * are printable and within their bounds.
 *
 *   make fuzz FUZZ_TARGET=netmsg FUZZ_SECONDS=300 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hsos/json-doc.h"
#include "hsos/netmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s, size_t max) {
        if (!s)
                return;
        /* strdup_printable: at most max bytes and "...", valid UTF-8, no control. */
        if (strlen(s) > max + 3 || !utf8_is_valid(s, strlen(s)))
                abort();
        for (const unsigned char *p = (const unsigned char *) s; *p; p++)
                if (*p < 0x20 || *p == 0x7f)
                        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        NetMsg m;
        char *err = NULL;
        int r;

        r = netmsg_parse_from_helper((const char *) data, size, 3, &m, &err);
        if (r == -EBADMSG && !err)
                abort(); /* a refusal always says why */
        if (r >= 0) {
                if (m.type != NETMSG_ANSWERS && m.type != NETMSG_CONTROLLER)
                        abort();
                for (size_t i = 0; m.type == NETMSG_ANSWERS && i < m.n_targets; i++) {
                        check_str(m.answers[i].version, 128);
                        check_str(m.answers[i].error, 500);
                        check_str(m.answers[i].genesis_root, 80);
                        if (m.answers[i].error_query < -1 || m.answers[i].error_query >= _Q_MAX)
                                abort();
                }
                check_str(m.etcd.last_error, 300);
                check_str(m.http.last_error, 300);
                netmsg_done(&m);
        }
        free(err);
        return 0;
}
