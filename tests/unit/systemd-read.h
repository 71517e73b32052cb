/* SPDX-License-Identifier: MIT */
#pragma once

/* How systemd reads a command line back, for the tests that check what the
 * agent writes: the separator check that runs before words are unquoted. */

#include <stdbool.h>

/* A raw token that is an unquoted ';' separates a second command. */
static inline bool line_has_lone_semicolon(const char *line) {
        const char *p = line;

        for (;;) {
                const char *start;
                char quote = 0;

                while (*p == ' ')
                        p++;
                if (!*p)
                        return false;
                start = p;
                while (*p && (quote || *p != ' ')) {
                        if (*p == '\\' && p[1]) {
                                p += 2;
                                continue;
                        }
                        if (quote && *p == quote)
                                quote = 0;
                        else if (!quote && (*p == '"' || *p == '\''))
                                quote = *p;
                        p++;
                }
                if (p - start == 1 && *start == ';')
                        return true;
        }
}
