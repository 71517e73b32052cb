/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "hsos/util.h"

const char *startswith(const char *s, const char *prefix) {
        size_t n = strlen(prefix);

        if (strncmp(s, prefix, n) != 0)
                return NULL;
        return s + n;
}

bool endswith(const char *s, const char *suffix) {
        size_t a = strlen(s), b = strlen(suffix);

        return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

int free_and_strdup(char **dst, const char *src) {
        char *copy = NULL;

        if (src) {
                copy = strdup(src);
                if (!copy)
                        return -ENOMEM;
        }
        free(*dst);
        *dst = copy;
        return 0;
}

char **strv_free(char **l) {
        if (!l)
                return NULL;
        for (char **i = l; *i; i++)
                free(*i);
        free(l);
        return NULL;
}

size_t strv_length(char * const *l) {
        size_t n = 0;

        while (l && l[n])
                n++;
        return n;
}

bool strv_contains(char * const *l, const char *s) {
        STRV_FOREACH(i, l)
                if (streq(*i, s))
                        return true;
        return false;
}

int strv_consume(char ***l, char *s) {
        size_t n = strv_length(*l);
        char **m;

        if (!s)
                return -ENOMEM;
        m = realloc(*l, sizeof(char *) * (n + 2));
        if (!m) {
                free(s);
                return -ENOMEM;
        }
        m[n] = s;
        m[n + 1] = NULL;
        *l = m;
        return 0;
}

int strv_extend(char ***l, const char *s) {
        return strv_consume(l, strdup(s));
}

int strv_extendf(char ***l, const char *fmt, ...) {
        va_list ap;
        char *s;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        return strv_consume(l, s);
}

char **strv_copy(char * const *l) {
        char **c = calloc(strv_length(l) + 1, sizeof(char *));
        size_t k = 0;

        if (!c)
                return NULL;
        STRV_FOREACH(i, l) {
                c[k] = strdup(*i);
                if (!c[k])
                        return strv_free(c);
                k++;
        }
        return c;
}

void *array_grow(void *array, size_t *n, size_t size) {
        char *a = realloc(array, (*n + 1) * size);

        if (!a)
                return NULL;
        memset(a + *n * size, 0, size);
        (*n)++;
        return a;
}

static bool sb_grow(StrBuf *b, size_t extra) {
        size_t need, cap;
        char *s;

        if (b->err)
                return false;
        need = b->len + extra + 1;
        if (need <= b->cap)
                return true;
        cap = b->cap ? b->cap : 256;
        while (cap < need)
                cap *= 2;
        s = realloc(b->s, cap);
        if (!s) {
                b->err = -ENOMEM;
                return false;
        }
        b->s = s;
        b->cap = cap;
        return true;
}

void sb_appendn(StrBuf *b, const char *s, size_t n) {
        if (!sb_grow(b, n))
                return;
        memcpy(b->s + b->len, s, n);
        b->len += n;
        b->s[b->len] = 0;
}

void sb_append(StrBuf *b, const char *s) {
        sb_appendn(b, s, strlen(s));
}

void sb_appendc(StrBuf *b, char c) {
        sb_appendn(b, &c, 1);
}

void sb_vappendf(StrBuf *b, const char *fmt, va_list ap) {
        va_list aq;
        int n;

        if (b->err)
                return;
        va_copy(aq, ap);
        n = vsnprintf(NULL, 0, fmt, aq);
        va_end(aq);
        if (n < 0) {
                b->err = -EINVAL;
                return;
        }
        if (!sb_grow(b, (size_t) n))
                return;
        vsnprintf(b->s + b->len, (size_t) n + 1, fmt, ap);
        b->len += (size_t) n;
}

void sb_appendf(StrBuf *b, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        sb_vappendf(b, fmt, ap);
        va_end(ap);
}

void sb_pad(StrBuf *b, size_t width) {
        size_t col = 0;

        if (b->err)
                return;
        while (col < b->len && b->s[b->len - col - 1] != '\n')
                col++;
        do
                sb_appendc(b, ' ');
        while (++col < width);
}

int sb_steal(StrBuf *b, char **ret) {
        if (b->err) {
                int r = b->err;
                sb_done(b);
                return r;
        }
        if (!b->s) {
                b->s = strdup("");
                if (!b->s)
                        return -ENOMEM;
        }
        *ret = b->s;
        *b = (StrBuf) {};
        return 0;
}

void sb_done(StrBuf *b) {
        free(b->s);
        *b = (StrBuf) {};
}

bool path_startswith_dir(const char *path, const char *prefix) {
        size_t n;

        if (streq(prefix, "/"))
                return path[0] == '/';
        n = strlen(prefix);
        while (n > 1 && prefix[n - 1] == '/')
                n--;
        if (strncmp(path, prefix, n) != 0)
                return false;
        return path[n] == 0 || path[n] == '/';
}

int path_simplify_dup(const char *path, char **ret) {
        size_t n = strlen(path), k = 0;
        char *s = malloc(n + 1);

        if (!s)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                if (path[i] == '/' && k > 0 && s[k - 1] == '/')
                        continue;
                s[k++] = path[i];
        }
        while (k > 1 && s[k - 1] == '/')
                k--;
        s[k] = 0;
        *ret = s;
        return 0;
}

bool path_has_dotdot(const char *path) {
        for (const char *p = path; (p = strstr(p, "..")); p += 2)
                if ((p == path || p[-1] == '/') && (p[2] == 0 || p[2] == '/'))
                        return true;
        return false;
}

int path_join(const char *a, const char *b, char **ret) {
        size_t n = strlen(a);
        char *s;

        while (n > 0 && a[n - 1] == '/')
                n--;
        while (*b == '/')
                b++;
        if (asprintf(&s, "%.*s/%s", (int) n, a, b) < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

void sb_append_json_string(StrBuf *b, const char *s) {
        sb_appendc(b, '"');
        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                switch (*p) {
                case '"':
                        sb_append(b, "\\\"");
                        break;
                case '\\':
                        sb_append(b, "\\\\");
                        break;
                case '\n':
                        sb_append(b, "\\n");
                        break;
                case '\t':
                        sb_append(b, "\\t");
                        break;
                case '\r':
                        sb_append(b, "\\r");
                        break;
                default:
                        if (*p < 0x20 || *p == 0x7f)
                                sb_appendf(b, "\\u%04x", *p);
                        else
                                sb_appendc(b, (char) *p);
                }
        }
        sb_appendc(b, '"');
}

bool format_rfc3339(uint64_t usec, char buf[static 32]) {
        time_t t = (time_t) (usec / 1000000);
        struct tm tm;

        return usec != 0 && gmtime_r(&t, &tm) && strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) != 0;
}

size_t utf8_decode(const char *s, size_t n, uint32_t *ret_cp) {
        const unsigned char *u = (const unsigned char *) s;
        uint32_t cp;
        size_t len;

        if (n == 0)
                return 0;
        if (u[0] < 0x80) {
                len = 1;
                cp = u[0];
        } else if (u[0] >= 0xc2 && u[0] <= 0xdf) {
                len = 2;
                cp = u[0] & 0x1f;
        } else if (u[0] >= 0xe0 && u[0] <= 0xef) {
                len = 3;
                cp = u[0] & 0x0f;
        } else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
                len = 4;
                cp = u[0] & 0x07;
        } else
                return 0;
        if (n < len)
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((u[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (u[i] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        if (ret_cp)
                *ret_cp = cp;
        return len;
}

/* What acts on a terminal or reorders a line rather than shows. */
static bool char_is_control(uint32_t cp) {
        return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
               (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

char *strn_printable(const char *s, size_t n, size_t max, PrintableFlags flags) {
        size_t i = 0, k = 0;
        char *c;

        /* Never longer than what it copies: each replaced character or byte
         * is one '?'. */
        c = malloc((n < max ? n : max) + 4);
        if (!c)
                return NULL;
        while (i < n) {
                uint32_t cp = 0;
                size_t len = utf8_decode(s + i, n - i, &cp);

                if (i + (len ?: 1) > max)
                        break;
                if (len == 0 || char_is_control(cp) || (len > 1 && (flags & PRINTABLE_ASCII)))
                        c[k++] = '?';
                else {
                        memcpy(c + k, s + i, len);
                        k += len;
                }
                i += len ?: 1;
        }
        if (i < n)
                memcpy(c + k, "...", 3), k += 3;
        c[k] = 0;
        return c;
}

char *strdup_printable(const char *s, size_t max) {
        return strn_printable(s, strlen(s), max, 0);
}

/* Where the parts of url begin and end: the authority begins at *ret_host
 * (after "scheme://", and after the user info "user:pass@" when there is
 * one, which begins at *ret_userinfo); the query and the fragment begin at
 * *ret_rest. */
static void url_parts(const char *url, size_t *ret_userinfo, size_t *ret_host, size_t *ret_rest) {
        const char *p = strstr(url, "://"), *a;
        size_t authority, end;

        /* A "://" after a '/', '?' or '#' belongs to the path or the query. */
        authority = p && (size_t) (p - url) <= strcspn(url, "/?#") ? (size_t) (p - url) + 3 : 0;
        *ret_userinfo = *ret_host = authority;
        /* The last '@' anywhere: a password may hold a raw '/', '?' or '#'
         * (not valid, but typed), and no part of it may be shown; a query
         * holding an '@' only makes less of the URL shown. */
        a = strrchr(url + authority, '@');
        if (a)
                *ret_host = (size_t) (a - url) + 1;
        end = *ret_host + strcspn(url + *ret_host, "/?#");
        *ret_rest = end + strcspn(url + end, "?#");
}

int url_redact(const char *url, char **ret) {
        size_t userinfo, host, rest;
        char *s;

        url_parts(url, &userinfo, &host, &rest);
        if (asprintf(&s, "%.*s%.*s", (int) userinfo, url, (int) (rest - host), url + host) < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

bool url_secret_in(const char *text, const char *url) {
        size_t userinfo, host, rest, colon;

        url_parts(url, &userinfo, &host, &rest);
        if (host > userinfo + 1) {
                /* "user:pass", and the password alone */
                if (memmem(text, strlen(text), url + userinfo, host - 1 - userinfo))
                        return true;
                colon = userinfo + strcspn(url + userinfo, ":");
                if (colon + 1 < host - 1 && memmem(text, strlen(text), url + colon + 1, host - 2 - colon))
                        return true;
        }
        return url[rest] && url[rest + 1] && strstr(text, url + rest + 1);
}

static bool digits(const char *s, size_t n, unsigned *ret) {
        unsigned v = 0;

        for (size_t i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return false;
                v = v * 10 + (unsigned) (s[i] - '0');
        }
        *ret = v;
        return true;
}

int time_parse_rfc3339(const char *s, uint64_t *ret_usec) {
        unsigned year, mon, day, hour, min, sec, usec = 0, scale = 100000;
        static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
        struct tm tm = {};
        const char *p;
        time_t t;

        if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
            !digits(s, 4, &year) || !digits(s + 5, 2, &mon) || !digits(s + 8, 2, &day) ||
            !digits(s + 11, 2, &hour) || !digits(s + 14, 2, &min) || !digits(s + 17, 2, &sec))
                return -EINVAL;
        if (year < 1970 || mon < 1 || mon > 12 || day < 1 || day > mdays[mon - 1] || hour > 23 || min > 59 ||
            sec > 60)
                return -EINVAL;
        p = s + 19;
        if (*p == '.') {
                if (!(p[1] >= '0' && p[1] <= '9'))
                        return -EINVAL;
                for (p++; *p >= '0' && *p <= '9'; p++) {
                        usec += (unsigned) (*p - '0') * scale;
                        scale /= 10;
                }
        }
        if (!streq(p, "Z"))
                return -EINVAL;
        tm.tm_year = (int) year - 1900;
        tm.tm_mon = (int) mon - 1;
        tm.tm_mday = (int) day;
        tm.tm_hour = (int) hour;
        tm.tm_min = (int) min;
        tm.tm_sec = (int) (sec == 60 ? 59 : sec);
        t = timegm(&tm);
        if (t < 0 || tm.tm_mday != (int) day) /* February 30 */
                return -EINVAL;
        *ret_usec = (uint64_t) t * 1000000 + usec;
        return 0;
}
