/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hsos/json-doc.h"
#include "hsos/util.h"

static void position(const char *data, size_t offset, size_t *ret_line, size_t *ret_col) {
        size_t line = 1, col = 1;

        for (size_t i = 0; i < offset; i++) {
                if (data[i] == '\n') {
                        line++;
                        col = 1;
                } else if (((unsigned char) data[i] & 0xc0) != 0x80)
                        col++;
        }
        *ret_line = line;
        *ret_col = col;
}

static int fail_at(const char *data, size_t offset, char **ret_error, const char *what) {
        size_t line, col;

        position(data, offset, &line, &col);
        if (asprintf(ret_error, "%s at line %zu, column %zu", what, line, col) < 0)
                return -ENOMEM;
        return -EINVAL;
}

bool utf8_is_valid(const char *s, size_t n) {
        for (size_t i = 0; i < n;) {
                size_t k = utf8_decode(s + i, n - i, NULL);

                if (k == 0)
                        return false;
                i += k;
        }
        return true;
}

/* Checks what cJSON does not; *ret_open says whether the document ends inside
 * a string or an unclosed object or list (it was cut short). */
static int prescan(const char *data, size_t size, unsigned depth_max, bool *ret_open, char **ret_error) {
        const unsigned char *s = (const unsigned char *) data;
        bool in_string = false;
        unsigned depth = 0;
        char msg[96];

        for (size_t i = 0; i < size;) {
                size_t n = utf8_decode(data + i, size - i, NULL);

                if (n == 0) {
                        snprintf(msg, sizeof msg, "not valid UTF-8: byte 0x%02x", s[i]);
                        return fail_at(data, i, ret_error, msg);
                }
                if (s[i] == 0)
                        return fail_at(data, i, ret_error, "not valid JSON: a NUL byte");
                if (in_string) {
                        if (s[i] == '\\' && i + 1 < size) {
                                if (s[i + 1] == 'u' && i + 5 < size && memcmp(s + i + 2, "0000", 4) == 0)
                                        return fail_at(data, i, ret_error,
                                                       "a string holds an escaped NUL character (\\u0000)");
                                i += 2;
                                continue;
                        }
                        if (s[i] == '"')
                                in_string = false;
                } else if (s[i] == '"')
                        in_string = true;
                else if (s[i] == '{' || s[i] == '[') {
                        if (++depth > depth_max) {
                                snprintf(msg, sizeof msg, "nested deeper than %u levels", depth_max);
                                return fail_at(data, i, ret_error, msg);
                        }
                } else if ((s[i] == '}' || s[i] == ']') && depth > 0)
                        depth--;
                i += n;
        }
        *ret_open = in_string || depth > 0;
        return 0;
}

static bool only_space(const char *s, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (!strchr(" \t\r\n", s[i]))
                        return false;
        return true;
}

int json_document_parse(const char *data, size_t size, size_t size_max, unsigned depth_max,
                        cJSON **ret, char **ret_error) {
        const char *end = NULL;
        bool open = false;
        cJSON *root;
        int r;

        if (size > size_max) {
                if (asprintf(ret_error, "the file is larger than the limit of %zu bytes (%zu KiB)",
                             size_max, size_max / 1024) < 0)
                        return -ENOMEM;
                return -EINVAL;
        }
        if (size == 0 || only_space(data, size)) {
                *ret_error = strdup("the file is empty");
                return *ret_error ? -EINVAL : -ENOMEM;
        }
        /* A UTF-8 byte order mark, as some editors write, is not content. */
        if (size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
                data += 3;
                size -= 3;
        }

        r = prescan(data, size, depth_max, &open, ret_error);
        if (r < 0)
                return r;

        root = cJSON_ParseWithLengthOpts(data, size, &end, false);
        if (!root) {
                size_t off = end && end >= data ? (size_t) (end - data) : 0;

                if (open || off >= size || only_space(data + off, size - off))
                        return fail_at(data, size, ret_error, "truncated: the document ends unexpectedly");
                return fail_at(data, off, ret_error, "not valid JSON: syntax error");
        }
        if (end && !only_space(end, size - (size_t) (end - data))) {
                cJSON_Delete(root);
                return fail_at(data, (size_t) (end - data), ret_error,
                               "not valid JSON: unexpected content after the document");
        }
        *ret = root;
        return 0;
}

char *json_describe(const cJSON *v) {
        char *s = NULL;

        if (!v || cJSON_IsNull(v))
                return strdup("null");
        if (cJSON_IsTrue(v))
                return strdup("true");
        if (cJSON_IsFalse(v))
                return strdup("false");
        if (cJSON_IsNumber(v)) {
                if (!isfinite(v->valuedouble))
                        return strdup("a number out of range");
                if (asprintf(&s, "%.17g", v->valuedouble) < 0)
                        return NULL;
                return s;
        }
        if (cJSON_IsArray(v))
                return strdup("a list");
        if (cJSON_IsObject(v))
                return strdup("an object");
        if (cJSON_IsString(v)) {
                _cleanup_free_ char *t = NULL;
                StrBuf b = {};
                size_t n = strlen(v->valuestring);

                /* Cut at a character boundary, cleaned of controls: it may come
                 * from outside (an etcd answer). */
                t = strn_printable(v->valuestring, n, n > 60 ? 57 : 60, 0);
                if (!t)
                        return NULL;
                sb_append_json_string(&b, t);
                if (sb_steal(&b, &s) < 0)
                        return NULL;
                return s;
        }
        return strdup("an unknown value");
}

/* Overwrites s with its printable form, never longer. */
static int make_printable(char *s) {
        _cleanup_free_ char *t = strdup_printable(s, SIZE_MAX);

        if (!t)
                return -ENOMEM;
        strcpy(s, t);
        return 0;
}

int json_make_printable(cJSON *v) {
        for (cJSON *c = v; c; c = c->next) {
                if (c->string && !(c->type & cJSON_StringIsConst) && make_printable(c->string) < 0)
                        return -ENOMEM;
                if (cJSON_IsString(c) && c->valuestring && make_printable(c->valuestring) < 0)
                        return -ENOMEM;
                if (c->child && json_make_printable(c->child) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* ---- reading members ---- */

bool json_is_absent(const cJSON *v) {
        return !v || cJSON_IsNull(v);
}

const char *json_get_string(const cJSON *o, const char *key) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

        return cJSON_IsString(v) ? v->valuestring : NULL;
}

bool json_get_number(const cJSON *o, const char *key, double *ret) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

        if (!cJSON_IsNumber(v))
                return false;
        *ret = v->valuedouble;
        return true;
}

bool json_whole_number(const cJSON *v, long long min, long long max, long long *ret) {
        if (!cJSON_IsNumber(v) || !(v->valuedouble >= (double) min && v->valuedouble <= (double) max) ||
            v->valuedouble != (double) (long long) v->valuedouble)
                return false;
        if (ret)
                *ret = (long long) v->valuedouble;
        return true;
}

void json_reader_fail(JsonReader *rd, const char *fmt, ...) {
        va_list ap;

        if (rd->r < 0)
                return;
        va_start(ap, fmt);
        rd->r = vasprintf(&rd->error, fmt, ap) < 0 ? -ENOMEM : -EBADMSG;
        va_end(ap);
        if (rd->r == -ENOMEM)
                rd->error = NULL; /* vasprintf leaves it undefined */
}

void json_reader_oom(JsonReader *rd) {
        if (rd->r == -EBADMSG)
                rd->error = mfree(rd->error);
        rd->r = -ENOMEM;
}

int json_reader_finish(JsonReader *rd, int code, char **ret_error) {
        if (rd->r >= 0)
                return 0;
        if (rd->r == -ENOMEM) {
                rd->error = mfree(rd->error);
                return -ENOMEM;
        }
        *ret_error = TAKE_PTR(rd->error);
        return code;
}

/* ---- building ---- */

bool json_add(cJSON *o, const char *key, cJSON *item) {
        if (!item)
                return false;
        if (!cJSON_AddItemToObject(o, key, item)) {
                cJSON_Delete(item);
                return false;
        }
        return true;
}

cJSON *json_string_or_null(const char *s) {
        return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

cJSON *json_tristate(int v) {
        return v < 0 ? cJSON_CreateNull() : cJSON_CreateBool(v);
}

cJSON *json_u64_or_null(uint64_t v) {
        return v == UINT64_MAX ? cJSON_CreateNull() : cJSON_CreateNumber((double) v);
}

bool json_add_string_or_null(cJSON *o, const char *key, const char *s) {
        return json_add(o, key, json_string_or_null(s));
}
