/* SPDX-License-Identifier: MIT */
#pragma once

/* The core's JSON kit. json_document_parse reads a JSON document from bytes
 * that came from outside (node.json, a facts file, a message of the helper, an
 * answer of etcd) with the checks cJSON does not make: a size cap, strict
 * UTF-8, a nesting limit, no escaped NUL (cJSON would silently cut the string
 * there), nothing after the document. Errors say where, by line and column.
 * Below it, the few readers and builders every document of the core uses, so
 * that each check is written once. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

/* On failure returns -EINVAL (or -ENOMEM) and a message in *ret_error. */
int json_document_parse(const char *data, size_t size, size_t size_max, unsigned depth_max,
                        cJSON **ret, char **ret_error);

/* A short, printable rendering of a JSON value for error messages:
 * "yes" (quoted, truncated to ~60 chars), 12, true, null, an object, a list. */
char *json_describe(const cJSON *v);

/* Makes every string of a document from outside, names and values, fit to
 * show (strdup_printable(): controls and bidi controls become '?'), in place
 * (never longer). v's siblings too; the depth is what the parser allowed.
 * -ENOMEM (some strings done) or 0. */
int json_make_printable(cJSON *v);

/* True when s[0..n) is valid UTF-8 (no overlong forms, no surrogates). */
bool utf8_is_valid(const char *s, size_t n);

/* ---- reading members ---- */

/* True for an absent member and for null. */
bool json_is_absent(const cJSON *v);

/* The string at key, or NULL (absent, null or not a string). Borrowed. */
const char *json_get_string(const cJSON *o, const char *key);

/* The number at key in *ret; false (ret untouched) when it is none. */
bool json_get_number(const cJSON *o, const char *key, double *ret);

/* True, and the value in *ret (may be NULL), when v is a whole number from
 * min to max. The range is checked before the cast (casting 4e61 is
 * undefined); min and max within 2^53. */
bool json_whole_number(const cJSON *v, long long min, long long max, long long *ret);

/* A reader of a document from outside, member by member: the first failure
 * is kept (r -EBADMSG and its message in error, or r -ENOMEM), later ones are
 * dropped, so a reader checks r once, where it must stop. */
typedef struct JsonReader {
        char *error;
        int r;
} JsonReader;

void json_reader_fail(JsonReader *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void json_reader_oom(JsonReader *rd);
/* 0 when nothing failed; else the error handed to *ret_error (on -EBADMSG)
 * and the failure returned: -ENOMEM, or code for a refused document. */
int json_reader_finish(JsonReader *rd, int code, char **ret_error);

/* ---- building ---- */

/* Adds item at key; false when item is NULL (out of memory) or cannot be
 * added, and then item is freed: one check for both. */
bool json_add(cJSON *o, const char *key, cJSON *item);

/* s, or null for NULL. */
cJSON *json_string_or_null(const char *s);
/* true, false, or null for "unknown" (v < 0). */
cJSON *json_tristate(int v);
/* v as a number, or null for "unknown" (UINT64_MAX). */
cJSON *json_u64_or_null(uint64_t v);

/* json_add(o, key, json_string_or_null(s)). */
bool json_add_string_or_null(cJSON *o, const char *key, const char *s);
