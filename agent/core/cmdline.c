/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "hsos/cmdline.h"

static int hexval(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

static void append_utf8(StrBuf *b, uint32_t cp) {
        if (cp < 0x80)
                sb_appendc(b, (char) cp);
        else if (cp < 0x800) {
                sb_appendc(b, (char) (0xc0 | (cp >> 6)));
                sb_appendc(b, (char) (0x80 | (cp & 0x3f)));
        } else if (cp < 0x10000) {
                sb_appendc(b, (char) (0xe0 | (cp >> 12)));
                sb_appendc(b, (char) (0x80 | ((cp >> 6) & 0x3f)));
                sb_appendc(b, (char) (0x80 | (cp & 0x3f)));
        } else {
                sb_appendc(b, (char) (0xf0 | (cp >> 18)));
                sb_appendc(b, (char) (0x80 | ((cp >> 12) & 0x3f)));
                sb_appendc(b, (char) (0x80 | ((cp >> 6) & 0x3f)));
                sb_appendc(b, (char) (0x80 | (cp & 0x3f)));
        }
}

/* Decodes the escape after a backslash at *p; advances *p past it. */
static int unescape_one(const char **p, StrBuf *b, char **ret_error) {
        const char *s = *p;
        uint32_t cp = 0;
        int n = 0;

        switch (*s) {
        case 'a': sb_appendc(b, '\a'); break;
        case 'b': sb_appendc(b, '\b'); break;
        case 'f': sb_appendc(b, '\f'); break;
        case 'n': sb_appendc(b, '\n'); break;
        case 'r': sb_appendc(b, '\r'); break;
        case 't': sb_appendc(b, '\t'); break;
        case 'v': sb_appendc(b, '\v'); break;
        case 's': sb_appendc(b, ' '); break;
        case '\\': case '"': case '\'':
                sb_appendc(b, *s);
                break;
        case 'x':
                n = 2;
                break;
        case 'u':
                n = 4;
                break;
        case 'U':
                n = 8;
                break;
        case '0' ... '7':
                for (int i = 0; i < 3; i++) {
                        if (s[i] < '0' || s[i] > '7')
                                goto bad;
                        cp = cp * 8 + (uint32_t) (s[i] - '0');
                }
                if (cp == 0 || cp > 0xff)
                        goto bad;
                sb_appendc(b, (char) cp);
                *p = s + 3;
                return 0;
        case 0:
                if (asprintf(ret_error, "ends with a lone backslash") < 0)
                        return -ENOMEM;
                return -EINVAL;
        default:
                goto bad;
        }

        if (n > 0) {
                for (int i = 1; i <= n; i++) {
                        int v = hexval(s[i]);
                        if (v < 0)
                                goto bad;
                        cp = cp * 16 + (uint32_t) v;
                }
                if (cp == 0 || (*s != 'x' && (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))))
                        goto bad;
                if (*s == 'x')
                        sb_appendc(b, (char) cp);
                else
                        append_utf8(b, cp);
                *p = s + n + 1;
                return 0;
        }
        *p = s + 1;
        return 0;

bad:
        if (asprintf(ret_error, "invalid escape \"\\%.*s\"", *s == 'x' ? 3 : *s == 'u' ? 5 : *s == 'U' ? 9 : 1, s) < 0)
                return -ENOMEM;
        return -EINVAL;
}

int cmdline_split(const char *s, char ***ret, char **ret_error) {
        _cleanup_strv_free_ char **words = NULL;
        const char *p = s;
        int r;

        for (const unsigned char *c = (const unsigned char *) s; *c; c++)
                if (*c < 0x20 || *c == 0x7f) {
                        if (asprintf(ret_error, "contains the control character 0x%02x at byte %zu",
                                     *c, (size_t) ((const char *) c - s)) < 0)
                                return -ENOMEM;
                        return -EINVAL;
                }

        for (;;) {
                StrBuf w = {};
                char quote = 0;

                while (*p == ' ')
                        p++;
                if (!*p)
                        break;

                /* systemd's one exception: a lone "\;" is a literal ";". */
                if (p[0] == '\\' && p[1] == ';' && (p[2] == 0 || p[2] == ' ')) {
                        r = strv_extend(&words, ";");
                        if (r < 0)
                                return r;
                        p += 2;
                        continue;
                }

                for (;;) {
                        if (!*p) {
                                if (quote) {
                                        sb_done(&w);
                                        if (asprintf(ret_error, "has an unbalanced %s quote",
                                                     quote == '"' ? "double" : "single") < 0)
                                                return -ENOMEM;
                                        return -EINVAL;
                                }
                                break;
                        }
                        if (!quote && *p == ' ')
                                break;
                        if (*p == '\\') {
                                p++;
                                r = unescape_one(&p, &w, ret_error);
                                if (r < 0) {
                                        sb_done(&w);
                                        return r;
                                }
                                continue;
                        }
                        if (quote && *p == quote) {
                                quote = 0;
                                p++;
                                continue;
                        }
                        if (!quote && (*p == '"' || *p == '\'')) {
                                quote = *p++;
                                continue;
                        }
                        sb_appendc(&w, *p++);
                }

                char *word;
                r = sb_steal(&w, &word);
                if (r < 0)
                        return r;
                r = strv_consume(&words, word);
                if (r < 0)
                        return r;
        }

        if (!words) {
                words = calloc(1, sizeof(char *));
                if (!words)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(words);
        return 0;
}

static bool word_is_plain(const char *w) {
        if (!*w)
                return false;
        for (const char *c = w; *c; c++) {
                if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9'))
                        continue;
                if (!strchr("_./:=,@+-", *c))
                        return false;
        }
        return true;
}

/* The length of the UTF-8 character at s as systemd takes it in a unit file
 * (its utf8_is_valid(): well formed, shortest form, no surrogate, no
 * noncharacter), or 0. systemd ignores a whole line that holds anything
 * else ("String is not UTF-8 clean"). */
static size_t utf8_char_len(const unsigned char *s) {
        static const uint32_t shortest[] = { 0, 0, 0x80, 0x800, 0x10000 };
        uint32_t cp;
        size_t n;

        if (s[0] < 0x80)
                return 1;
        if (s[0] >= 0xc2 && s[0] <= 0xdf) {
                n = 2;
                cp = s[0] & 0x1f;
        } else if ((s[0] & 0xf0) == 0xe0) {
                n = 3;
                cp = s[0] & 0x0f;
        } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
                n = 4;
                cp = s[0] & 0x07;
        } else
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (s[i] & 0x3f);
        }
        if (cp < shortest[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe)
                return 0;
        return n;
}

static void append_word(StrBuf *b, const char *word, bool force_quote, bool executable) {
        bool quote = force_quote || !word_is_plain(word);

        if (quote)
                sb_appendc(b, '"');
        for (const unsigned char *c = (const unsigned char *) word; *c; c++) {
                size_t n;

                switch (*c) {
                case '%':
                        sb_append(b, "%%");
                        break;
                case '$':
                        /* Variables are expanded in the arguments at exec
                         * time, never in the path systemd executes: "$$"
                         * there would name a file with "$$" in it. */
                        sb_append(b, executable ? "$" : "$$");
                        break;
                case '"':
                        sb_append(b, "\\\"");
                        break;
                case '\\':
                        sb_append(b, "\\\\");
                        break;
                default:
                        if (*c < 0x20 || *c == 0x7f)
                                sb_appendf(b, "\\x%02x", *c);
                        else if (*c < 0x80)
                                sb_appendc(b, (char) *c);
                        else if ((n = utf8_char_len(c)) > 0) {
                                /* UTF-8 as itself, readable in the unit. */
                                sb_appendn(b, (const char *) c, n);
                                c += n - 1;
                        } else
                                /* Any other byte as an escape: the line stays UTF-8
                                 * and "\xNN" gives systemd that very byte. */
                                sb_appendf(b, "\\x%02x", *c);
                }
        }
        if (quote)
                sb_appendc(b, '"');
}

void cmdline_append_word(StrBuf *b, const char *word, bool force_quote) {
        append_word(b, word, force_quote, false);
}

void cmdline_append_executable(StrBuf *b, const char *path) {
        append_word(b, path, false, true);
}
