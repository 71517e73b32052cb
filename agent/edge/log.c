/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <systemd/sd-journal.h>

#include "hsos/edge/log.h"
#include "hsos/util.h"

/* sd_journal_send() is silent where no journald listens: stderr then. */
static bool have_journal(void) {
        static int have = -1;

        if (have < 0)
                have = access("/run/systemd/journal/socket", F_OK) == 0;
        return have;
}

void log_event(int priority, const char *message_id, const char *field, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (r < 0)
                return;
        if (!have_journal())
                r = -ENOENT;
        else if (message_id)
                r = sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%i", priority, "MESSAGE_ID=%s", message_id,
                                    "SYSLOG_IDENTIFIER=hsos-agent", field ? field : "HSOS_AGENT=1", NULL);
        else
                r = sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%i", priority, "SYSLOG_IDENTIFIER=hsos-agent",
                                    field ? field : "HSOS_AGENT=1", NULL);
        if (r < 0)
                fprintf(stderr, "hsos-agent: %s\n", msg);
}
