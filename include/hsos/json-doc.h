/* SPDX-License-Identifier: MIT */
#pragma once

/* Reads a JSON document from bytes that came from outside (node.json, a facts
 * file) with the checks cJSON does not make: a size cap, strict UTF-8, a
 * nesting limit, no escaped NUL (cJSON would silently cut the string there),
 * nothing after the document. Errors say where, by line and column. */

#include <stdbool.h>
#include <stddef.h>

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
