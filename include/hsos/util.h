/* SPDX-License-Identifier: MIT */
#pragma once

/* Small string helpers shared by the core and the edges: NULL-terminated string
 * vectors (strv) and a growing buffer (StrBuf) whose allocation failure is
 * sticky, so a renderer checks once at the end. libc only. */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hsos/cleanup.h"

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

static inline bool streq(const char *a, const char *b) {
        return strcmp(a, b) == 0;
}

static inline bool streq_ptr(const char *a, const char *b) {
        if (!a || !b)
                return a == b;
        return streq(a, b);
}

static inline bool isempty(const char *s) {
        return !s || !*s;
}

static inline void *mfree(void *p) {
        free(p);
        return NULL;
}

static inline const char *strempty(const char *s) {
        return s ?: "";
}

/* Returns the rest of s after prefix, or NULL when s does not start with it. */
const char *startswith(const char *s, const char *prefix);
bool endswith(const char *s, const char *suffix);

/* Replaces *dst with a copy of src (NULL allowed). */
int free_and_strdup(char **dst, const char *src);

/* strv: NULL-terminated vector of owned strings. */
char **strv_free(char **l);
static inline void strv_freep(char ***l) {
        strv_free(*l);
}
#define _cleanup_strv_free_ _cleanup_(strv_freep)
size_t strv_length(char * const *l);
bool strv_contains(char * const *l, const char *s);
/* Appends s, taking ownership; on failure s is freed. */
int strv_consume(char ***l, char *s);
/* Appends a copy of s. */
int strv_extend(char ***l, const char *s);
int strv_extendf(char ***l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char **strv_copy(char * const *l);

#define STRV_FOREACH(s, l) for (char * const *s = (l); s && *s; s++)

/* Grows array by one zeroed element of size bytes; *n counts them. Returns
 * the new array (the caller stores it), or NULL when out of memory (the old
 * one is still valid). */
void *array_grow(void *array, size_t *n, size_t size);

/* StrBuf: a growing string. An allocation failure is remembered in err and
 * every later append is a no-op; sb_steal() reports it. */
typedef struct StrBuf {
        char *s;
        size_t len, cap;
        int err;
} StrBuf;

void sb_append(StrBuf *b, const char *s);
void sb_appendn(StrBuf *b, const char *s, size_t n);
void sb_appendc(StrBuf *b, char c);
void sb_appendf(StrBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vappendf(StrBuf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Pads with spaces up to column width (counting bytes since the last newline). */
void sb_pad(StrBuf *b, size_t width);
/* Hands the string over (never NULL on success), or returns the sticky error. */
int sb_steal(StrBuf *b, char **ret);
void sb_done(StrBuf *b);

/* Path helpers (lexical, no file system access). */
/* True when path equals prefix or lies below it, component-wise. */
bool path_startswith_dir(const char *path, const char *prefix);
/* Copies path with repeated and trailing slashes removed ("/" stays "/"). */
int path_simplify_dup(const char *path, char **ret);
/* True when a component of path is "..". */
bool path_has_dotdot(const char *path);
/* Joins a and b with exactly one slash between them. */
int path_join(const char *a, const char *b, char **ret);

/* Appends s to b as a JSON string literal (quotes included). */
void sb_append_json_string(StrBuf *b, const char *s);

/* "2026-11-26T12:00:00Z" for a CLOCK_REALTIME time in microseconds; false
 * for 0 (unknown) or a time that cannot be shown. */
bool format_rfc3339(uint64_t usec, char buf[static 32]);

/* The length (1 to 4) of the valid UTF-8 character at s (at most n bytes)
 * and, when ret_cp is given, its code point; 0 for a byte that begins none
 * (a cut sequence, an overlong form, a surrogate, past U+10FFFF). */
size_t utf8_decode(const char *s, size_t n, uint32_t *ret_cp);

typedef enum PrintableFlags {
        PRINTABLE_ASCII = 1 << 0, /* every non-ASCII character becomes '?' too (columns counted in bytes) */
} PrintableFlags;

/* The one door for strings from outside (a client's answer, an etcd value, an
 * HTTP answer, what libcurl says of them), passed where they are stored: a
 * copy of the n bytes at s fit to show anywhere, a terminal, a log line, a
 * JSON document, a Prometheus label. Valid UTF-8 text stays (é, 日本); what
 * acts on a terminal or reorders a line becomes '?', one per character: C0
 * controls and DEL, NUL, C1 controls (U+0080..U+009F, e.g. U+009B, a CSI),
 * the bidi controls U+061C, U+200E, U+200F, U+202A..U+202E and
 * U+2066..U+2069; so does each byte that begins no valid UTF-8 sequence. More
 * than max bytes are cut before the first character that would cross max
 * (never inside one) and end in "...": at most max + 3 bytes, always valid
 * UTF-8. NULL when out of memory. */
char *strn_printable(const char *s, size_t n, size_t max, PrintableFlags flags);
/* strn_printable() of a C string, non-ASCII text kept. */
char *strdup_printable(const char *s, size_t max);

/* url fit for a message, without what is meant for its server alone: the
 * user info and the query and fragment, so neither a password nor an API key
 * reaches a log line, the status or etcd:
 * "https://user:pass@host:2379/v3/kv?api_key=x#f" -> "https://host:2379/v3/kv". */
int url_redact(const char *url, char **ret);
/* True when text holds url's user info, its password, or its query or
 * fragment: text is then no message to show (a library's error text). */
bool url_secret_in(const char *text, const char *url);

/* "2026-11-26T12:00:00Z" (UTC, optional fraction of a second) -> microseconds
 * since the epoch; -EINVAL for anything else. */
int time_parse_rfc3339(const char *s, uint64_t *ret_usec);
