/* SPDX-License-Identifier: MIT */
/* hsos-agent fleet: the statuses under "<prefix>/nodes/", one line each. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <cJSON.h>

#include "hsos/fleet.h"
#include "hsos/json-doc.h"
#include "hsos/status.h"
#include "hsos/util.h"

#define WIDTH 80
#define HOST_WIDTH_MIN 8
#define HOST_WIDTH_MAX 20
#define STATE_WIDTH 12
#define AGE_WIDTH 5

typedef struct Row {
        char *name;               /* printable: the hostname, else the key */
        const EtcdKeyValue *kv;
        cJSON *doc;               /* NULL: problem says why */
        char *problem;
} Row;

static void rows_free(Row *rows, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(rows[i].name);
                cJSON_Delete(rows[i].doc);
                free(rows[i].problem);
        }
        free(rows);
}

static int row_cmp(const void *a, const void *b) {
        const Row *x = a, *y = b;
        size_t n = x->kv->key_size < y->kv->key_size ? x->kv->key_size : y->kv->key_size;
        int c = strcmp(x->name, y->name);

        if (c != 0)
                return c;
        c = memcmp(x->kv->key, y->kv->key, n);
        if (c != 0)
                return c;
        return x->kv->key_size < y->kv->key_size ? -1 : x->kv->key_size > y->kv->key_size;
}

static int rows_build(const char *prefix, const EtcdKeyValue *kvs, size_t n, Row **ret) {
        Row *rows = calloc(n ?: 1, sizeof(Row));
        int r;

        if (!rows)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                Row *row = &rows[i];
                _cleanup_free_ char *host = NULL;

                row->kv = &kvs[i];
                r = strlen(kvs[i].key) == kvs[i].key_size ? etcd_node_key_hostname(prefix, kvs[i].key, &host)
                                                          : -EINVAL;
                if (r == -ENOMEM)
                        goto fail;
                /* ASCII in the columns: they are counted in bytes. */
                row->name = r >= 0 ? strn_printable(host, strlen(host), 76, PRINTABLE_ASCII)
                                   : strn_printable(kvs[i].key, kvs[i].key_size, 76, PRINTABLE_ASCII);
                if (!row->name) {
                        r = -ENOMEM;
                        goto fail;
                }
                if (r < 0) {
                        row->problem = strdup("not a node's status key (<prefix>/nodes/<hostname>/status)");
                        if (!row->problem) {
                                r = -ENOMEM;
                                goto fail;
                        }
                        continue;
                }
                r = status_document_parse(kvs[i].value, kvs[i].value_size, &row->doc, &row->problem);
                /* Another node's words, shown in a terminal (text and JSON):
                 * its controls and bidi controls become '?'. */
                if (r >= 0)
                        r = json_make_printable(row->doc);
                if (r == -ENOMEM)
                        goto fail;
        }
        qsort(rows, n, sizeof(Row), row_cmp);
        *ret = rows;
        return 0;
fail:
        rows_free(rows, n);
        return r;
}

static const char *get_str(const cJSON *o, const char *key) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

        return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A whole number fit to print, or false. */
static bool get_count(const cJSON *o, const char *key, double *ret) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

        if (!cJSON_IsNumber(v) || !(v->valuedouble >= -1e15 && v->valuedouble <= 1e15))
                return false;
        *ret = v->valuedouble;
        return true;
}

static bool is_true(const cJSON *o, const char *key) {
        return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static bool is_false(const cJSON *o, const char *key) {
        return cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(o, key));
}

static void age_text(char *buf, size_t size, const cJSON *doc, uint64_t now_usec) {
        const char *at = get_str(doc, "generatedAt");
        uint64_t t, d;
        bool ahead;

        if (!at || time_parse_rfc3339(at, &t) < 0) {
                snprintf(buf, size, "?");
                return;
        }
        ahead = t > now_usec;
        d = (ahead ? t - now_usec : now_usec - t) / 1000000;
        if (d < 60)
                snprintf(buf, size, "%s%us", ahead ? "-" : "", (unsigned) d);
        else if (d < 3600)
                snprintf(buf, size, "%s%um", ahead ? "-" : "", (unsigned) (d / 60));
        else if (d < 2 * 86400)
                snprintf(buf, size, "%s%uh", ahead ? "-" : "", (unsigned) (d / 3600));
        else if (d < 1000 * 86400)
                snprintf(buf, size, "%s%ud", ahead ? "-" : "", (unsigned) (d / 86400));
        else
                snprintf(buf, size, "%s", ahead ? "-old" : "old");
}

static int client_name(const cJSON *c, char **ret) {
        const char *s = get_str(c, "client") ?: "?";

        *ret = strn_printable(s, strlen(s), 20, PRINTABLE_ASCII);
        return *ret ? 0 : -ENOMEM;
}

static int execution_text(const cJSON *c, char ***l) {
        _cleanup_free_ char *name = NULL;
        double cur, high, age, peers;
        const char *peer_note;

        if (client_name(c, &name) < 0)
                return -ENOMEM;
        peer_note = get_count(c, "peers", &peers) && peers == 0 ? ", 0 peers" : "";
        if (is_false(c, "reachable"))
                return strv_extendf(l, "%s unreachable", name);
        if (is_true(c, "syncing")) {
                if (get_count(c, "currentBlock", &cur) && get_count(c, "highestBlock", &high))
                        return strv_extendf(l, "%s syncing %.0f/%.0f%s", name, cur, high, peer_note);
                return strv_extendf(l, "%s syncing%s", name, peer_note);
        }
        if (is_true(c, "staleHead")) {
                if (get_count(c, "headAgeSec", &age) && age >= 0)
                        return strv_extendf(l, "%s stale head %.0fm old%s", name, floor(age / 60), peer_note);
                return strv_extendf(l, "%s stale head%s", name, peer_note);
        }
        return strv_extendf(l, "%s synced%s", name, peer_note);
}

static int consensus_text(const cJSON *c, char ***l) {
        _cleanup_free_ char *name = NULL;
        double dist, peers;
        bool have_dist;
        const char *peer_note;

        if (client_name(c, &name) < 0)
                return -ENOMEM;
        peer_note = get_count(c, "peers", &peers) && peers == 0 ? ", 0 peers" : "";
        have_dist = get_count(c, "syncDistance", &dist);
        if (is_false(c, "reachable"))
                return strv_extendf(l, "%s unreachable", name);
        if (is_true(c, "syncing") || (have_dist && dist >= 60)) {
                if (have_dist)
                        return strv_extendf(l, "%s syncing dist %.0f%s", name, dist, peer_note);
                return strv_extendf(l, "%s syncing%s", name, peer_note);
        }
        if (is_true(c, "elOffline"))
                return strv_extendf(l, "%s el offline%s", name, peer_note);
        if (is_true(c, "optimistic"))
                return strv_extendf(l, "%s optimistic%s", name, peer_note);
        return strv_extendf(l, "%s synced%s", name, peer_note);
}

static int clients_text(const cJSON *doc, char ***ret) {
        const cJSON *e;
        char **l = NULL;
        int r = 0;

        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "execution"))
                if (cJSON_IsObject(e) && (r = execution_text(e, &l)) < 0)
                        goto fail;
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "consensus"))
                if (cJSON_IsObject(e) && (r = consensus_text(e, &l)) < 0)
                        goto fail;
        if (!l && (r = strv_extend(&l, "no client reported")) < 0)
                goto fail;
        *ret = l;
        return 0;
fail:
        strv_free(l);
        return r;
}

static const char *state_color(const char *state) {
        if (streq(state, "operational"))
                return "\033[32m";
        if (streq(state, "failed") || streq(state, "config-error") || streq(state, "invalid"))
                return "\033[31m";
        return "\033[33m";
}

/* Appends items, separated by sep (", ", or " " between the words of a
 * text), starting at column col, wrapped at WIDTH with continuation lines at
 * column indent; no line ends in a space. A word longer than a line is cut. */
static void wrap_items(StrBuf *b, char **items, const char *sep, size_t col, size_t indent) {
        size_t room = WIDTH - indent, sep_len = strlen(sep), sep_trim = sep_len;

        while (sep_trim > 0 && sep[sep_trim - 1] == ' ')
                sep_trim--;
        STRV_FOREACH(i, items) {
                const char *s = *i;
                size_t len = strlen(s) + (i[1] ? sep_trim : 0);

                if (i != items) {
                        if (col + sep_len + len > WIDTH) {
                                sb_appendn(b, sep, sep_trim);
                                sb_appendc(b, '\n');
                                sb_pad(b, indent);
                                col = indent;
                        } else {
                                sb_append(b, sep);
                                col += sep_len;
                        }
                }
                while (strlen(s) > room) {
                        sb_appendn(b, s, room);
                        sb_appendc(b, '\n');
                        sb_pad(b, indent);
                        s += room;
                }
                sb_append(b, s);
                col += strlen(s);
        }
        sb_appendc(b, '\n');
}

static int split_words(const char *text, char ***ret) {
        char **l = NULL;

        for (const char *p = text; *p;) {
                size_t n = strcspn(p, " ");

                if (n > 0 && strv_consume(&l, strndup(p, n)) < 0) {
                        strv_free(l);
                        return -ENOMEM;
                }
                p += n;
                p += strspn(p, " ");
        }
        *ret = l;
        return 0;
}

int fleet_to_text(const char *prefix, const EtcdKeyValue *kvs, size_t n, uint64_t now_usec, bool color,
                  char **ret) {
        Row *rows = NULL;
        StrBuf b = {};
        size_t w = HOST_WIDTH_MIN, clients_col;
        int r;

        if (!prefix || (n > 0 && !kvs))
                return -EINVAL;
        r = rows_build(prefix, kvs, n, &rows);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                if (strlen(rows[i].name) > w)
                        w = strlen(rows[i].name);
        if (w > HOST_WIDTH_MAX)
                w = HOST_WIDTH_MAX;
        clients_col = w + 2 + STATE_WIDTH + 1 + AGE_WIDTH + 2;

        sb_append(&b, "HOSTNAME");
        sb_pad(&b, w + 2);
        sb_appendf(&b, "%-*s %*s  CLIENTS\n", STATE_WIDTH, "STATE", AGE_WIDTH, "AGE");
        if (n == 0)
                sb_append(&b, "(no node has reported)\n");

        for (size_t i = 0; i < n; i++) {
                const Row *row = &rows[i];
                _cleanup_strv_free_ char **items = NULL;
                _cleanup_free_ char *state = NULL;
                char age[16];

                sb_append(&b, row->name);
                if (strlen(row->name) > w) {
                        sb_appendc(&b, '\n');
                        sb_pad(&b, w + 2);
                } else
                        sb_pad(&b, w + 2);

                const char *st = row->doc ? get_str(row->doc, "state") : "invalid";
                state = strn_printable(st, strlen(st), STATE_WIDTH, PRINTABLE_ASCII);
                if (!state) {
                        r = -ENOMEM;
                        goto fail;
                }
                if (color)
                        sb_appendf(&b, "%s%s\033[0m", state_color(state), state);
                else
                        sb_append(&b, state);
                sb_appendf(&b, "%*s", (int) (STATE_WIDTH + 1 - strlen(state)), "");

                if (!row->doc) {
                        _cleanup_free_ char *what = strn_printable(row->problem, strlen(row->problem), 400,
                                                                   PRINTABLE_ASCII);

                        if (!what || split_words(what, &items) < 0) {
                                r = -ENOMEM;
                                goto fail;
                        }
                        sb_appendf(&b, "%*s  ", AGE_WIDTH, "");
                        wrap_items(&b, items, " ", clients_col, clients_col);
                        continue;
                }
                age_text(age, sizeof age, row->doc, now_usec);
                sb_appendf(&b, "%*s  ", AGE_WIDTH, age);
                r = clients_text(row->doc, &items);
                if (r < 0)
                        goto fail;
                wrap_items(&b, items, ", ", clients_col, clients_col);
        }
        rows_free(rows, n);
        return sb_steal(&b, ret);
fail:
        rows_free(rows, n);
        sb_done(&b);
        return r;
}

int fleet_to_json(const char *prefix, const EtcdKeyValue *kvs, size_t n, char **ret) {
        _cleanup_(cJSON_Deletep) cJSON *a = NULL;
        Row *rows = NULL;
        char *s;
        int r;

        if (!prefix || (n > 0 && !kvs))
                return -EINVAL;
        r = rows_build(prefix, kvs, n, &rows);
        if (r < 0)
                return r;
        a = cJSON_CreateArray();
        if (!a)
                goto oom;
        for (size_t i = 0; i < n; i++) {
                cJSON *o;

                if (rows[i].doc) {
                        if (!cJSON_AddItemToArray(a, rows[i].doc))
                                goto oom;
                        rows[i].doc = NULL;
                        continue;
                }
                _cleanup_free_ char *key = strn_printable(rows[i].kv->key, rows[i].kv->key_size, 1024, 0);
                o = cJSON_CreateObject();
                if (!key || !o || !cJSON_AddItemToArray(a, o)) {
                        cJSON_Delete(o);
                        goto oom;
                }
                if (!cJSON_AddStringToObject(o, "key", key) || !cJSON_AddStringToObject(o, "error", rows[i].problem))
                        goto oom;
        }
        rows_free(rows, n);
        rows = NULL;
        s = cJSON_Print(a);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
oom:
        rows_free(rows, n);
        return -ENOMEM;
}
