/* SPDX-License-Identifier: MIT */
/* hsos-agent fleet: the statuses under "<prefix>/nodes/", the members under
 * "<prefix>/members/" that have none (down), the expected hostnames that are
 * neither (never seen), one line each. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <cJSON.h>

#include "hsos/fleet.h"
#include "hsos/json-doc.h"
#include "hsos/member.h"
#include "hsos/status.h"
#include "hsos/util.h"

#define WIDTH 100
#define HOST_WIDTH_MIN 8
#define HOST_WIDTH_MAX 20
#define STATE_WIDTH 12
#define AGE_WIDTH 5

typedef enum RowKind {
        ROW_LIVE,                 /* a status under nodes/ (doc, or problem) */
        ROW_DOWN,                 /* a member without a status (doc, or problem) */
        ROW_NEVER,                /* expected, never seen */
        _ROW_KIND_MAX,
        _ROW_KIND_INVALID = -EINVAL,
} RowKind;

typedef struct Row {
        RowKind kind;
        char *host;               /* the hostname as it is, NULL when the key holds none */
        char *name;               /* printable: the hostname, else the key */
        const EtcdKeyValue *kv;   /* NULL for ROW_NEVER */
        cJSON *doc;               /* NULL: problem says why (ROW_NEVER: neither) */
        char *problem;
} Row;

typedef struct Rows {
        Row *rows;
        size_t n;
} Rows;

static void rows_free(Rows *rs) {
        for (size_t i = 0; i < rs->n; i++) {
                free(rs->rows[i].host);
                free(rs->rows[i].name);
                cJSON_Delete(rs->rows[i].doc);
                free(rs->rows[i].problem);
        }
        free(rs->rows);
        *rs = (Rows) {};
}

static int row_cmp(const void *a, const void *b) {
        const Row *x = a, *y = b;
        size_t n;
        int c = strcmp(x->name, y->name);

        if (c != 0)
                return c;
        if (!x->kv || !y->kv)
                return !!x->kv - !!y->kv;
        n = x->kv->key_size < y->kv->key_size ? x->kv->key_size : y->kv->key_size;
        c = memcmp(x->kv->key, y->kv->key, n);
        if (c != 0)
                return c;
        return x->kv->key_size < y->kv->key_size ? -1 : x->kv->key_size > y->kv->key_size;
}

static bool rows_have_host(const Rows *rs, const char *host) {
        for (size_t i = 0; i < rs->n; i++)
                if (rs->rows[i].host && streq(rs->rows[i].host, host))
                        return true;
        return false;
}

static Row *rows_add(Rows *rs) {
        Row *m = array_grow(rs->rows, &rs->n, sizeof(Row));

        if (!m)
                return NULL;
        rs->rows = m;
        m[rs->n - 1] = (Row) {};
        return &m[rs->n - 1];
}

/* One row of a key under nodes/ (live) or members/ (down). 0, or 1 when a
 * member is left out because its node is live. */
static int row_of(const char *prefix, const EtcdKeyValue *kv, RowKind kind, Rows *rs) {
        _cleanup_free_ char *host = NULL;
        Row *row;
        int r;

        r = strlen(kv->key) != kv->key_size ? -EINVAL :
            kind == ROW_LIVE ? etcd_node_key_hostname(prefix, kv->key, &host)
                             : etcd_member_key_hostname(prefix, kv->key, &host);
        if (r == -ENOMEM)
                return r;
        if (kind == ROW_DOWN && host && rows_have_host(rs, host))
                return 1;
        row = rows_add(rs);
        if (!row)
                return -ENOMEM;
        row->kind = kind;
        row->kv = kv;
        /* ASCII in the columns: they are counted in bytes. */
        row->name = host ? strn_printable(host, strlen(host), 76, PRINTABLE_ASCII)
                         : strn_printable(kv->key, kv->key_size, 76, PRINTABLE_ASCII);
        if (!row->name)
                return -ENOMEM;
        row->host = TAKE_PTR(host);
        if (!row->host) {
                row->problem = strdup(kind == ROW_LIVE ? "not a node's status key (<prefix>/nodes/<hostname>/status)"
                                                       : "not a member's key (<prefix>/members/<hostname>)");
                return row->problem ? 0 : -ENOMEM;
        }
        r = kind == ROW_LIVE ? status_document_parse(kv->value, kv->value_size, &row->doc, &row->problem)
                             : member_document_parse(kv->value, kv->value_size, &row->doc, &row->problem);
        /* Another node's words, shown in a terminal (text and JSON): its
         * controls and bidi controls become '?'. */
        if (r >= 0)
                r = json_make_printable(row->doc);
        return r == -ENOMEM ? r : 0;
}

static int rows_build(const FleetView *v, Rows *ret) {
        Rows rs = {};
        int r;

        if (!v || !v->prefix || (v->n_nodes > 0 && !v->nodes) || (v->n_members > 0 && !v->members))
                return -EINVAL;
        for (size_t i = 0; i < v->n_nodes; i++)
                if ((r = row_of(v->prefix, &v->nodes[i], ROW_LIVE, &rs)) < 0)
                        goto fail;
        for (size_t i = 0; i < v->n_members; i++)
                if ((r = row_of(v->prefix, &v->members[i], ROW_DOWN, &rs)) < 0)
                        goto fail;
        STRV_FOREACH(h, (char **) v->expected) {
                Row *row;

                if (rows_have_host(&rs, *h))
                        continue;
                row = rows_add(&rs);
                if (!row) {
                        r = -ENOMEM;
                        goto fail;
                }
                row->kind = ROW_NEVER;
                row->host = strdup(*h);
                row->name = strn_printable(*h, strlen(*h), 76, PRINTABLE_ASCII);
                if (!row->host || !row->name) {
                        r = -ENOMEM;
                        goto fail;
                }
        }
        if (rs.n > 0)
                qsort(rs.rows, rs.n, sizeof(Row), row_cmp);
        *ret = rs;
        return 0;
fail:
        rows_free(&rs);
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

/* " (50 peers)" when the client said, else "". */
static void peers_text(char *buf, size_t size, const cJSON *c) {
        double peers;

        if (get_count(c, "peers", &peers))
                snprintf(buf, size, " (%.0f peer%s)", peers, peers == 1 ? "" : "s");
        else
                *buf = 0;
}

static int execution_text(const cJSON *c, char ***l) {
        _cleanup_free_ char *name = NULL;
        double cur, high, age;
        char peers[40];

        if (client_name(c, &name) < 0)
                return -ENOMEM;
        peers_text(peers, sizeof peers, c);
        if (is_false(c, "reachable"))
                return strv_extendf(l, "%s unreachable", name);
        if (is_true(c, "syncing")) {
                if (get_count(c, "currentBlock", &cur) && get_count(c, "highestBlock", &high))
                        return strv_extendf(l, "%s syncing %.0f/%.0f%s", name, cur, high, peers);
                return strv_extendf(l, "%s syncing%s", name, peers);
        }
        if (is_true(c, "staleHead")) {
                if (get_count(c, "headAgeSec", &age) && age >= 0)
                        return strv_extendf(l, "%s stale head %.0fm old%s", name, floor(age / 60), peers);
                return strv_extendf(l, "%s stale head%s", name, peers);
        }
        if (get_count(c, "currentBlock", &cur))
                return strv_extendf(l, "%s synced block %.0f%s", name, cur, peers);
        return strv_extendf(l, "%s synced%s", name, peers);
}

/* "lighthouse synced slot 9876543 (80 peers)", "teku syncing slot 100 dist
 * 120", "nimbus optimistic slot 5": the sync and the beacon head slot. */
static int consensus_text(const cJSON *c, char ***l) {
        _cleanup_free_ char *name = NULL;
        double dist, slot;
        bool have_dist, optimistic = is_true(c, "optimistic");
        char peers[40], at[40] = "";
        const char *what;

        if (client_name(c, &name) < 0)
                return -ENOMEM;
        peers_text(peers, sizeof peers, c);
        have_dist = get_count(c, "syncDistance", &dist);
        if (get_count(c, "headSlot", &slot))
                snprintf(at, sizeof at, " slot %.0f", slot);
        if (is_false(c, "reachable"))
                return strv_extendf(l, "%s unreachable", name);
        if (is_true(c, "syncing") || (have_dist && dist >= 60)) {
                if (have_dist)
                        return strv_extendf(l, "%s syncing%s dist %.0f%s%s", name, at, dist,
                                            optimistic ? " optimistic" : "", peers);
                return strv_extendf(l, "%s syncing%s%s%s", name, at, optimistic ? " optimistic" : "", peers);
        }
        what = is_true(c, "elOffline") ? "el offline" : optimistic ? "optimistic" : "synced";
        return strv_extendf(l, "%s %s%s%s%s", name, what, at,
                            optimistic && is_true(c, "elOffline") ? " optimistic" : "", peers);
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

/* "agent 0.4.0, geth Geth/v1.14.11-stable/linux-amd64/go1.22.5, lighthouse
 * Lighthouse/v5.3.0": the agent's version (a status document's
 * agent.version, a member's agentVersion) and each client's. NULL when none
 * is known. */
static int versions_text(const cJSON *doc, char ***ret) {
        const char *agent = get_str(cJSON_GetObjectItemCaseSensitive(doc, "agent"), "version")
                                    ?: get_str(doc, "agentVersion");
        static const char * const kinds[] = { "execution", "consensus" };
        char **l = NULL;
        const cJSON *e;
        int r = 0;

        if (agent) {
                _cleanup_free_ char *v = strn_printable(agent, strlen(agent), 40, PRINTABLE_ASCII);

                if (!v || (r = strv_extendf(&l, "agent %s", v)) < 0)
                        goto fail;
        }
        for (size_t k = 0; k < ELEMENTSOF(kinds); k++)
                cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, kinds[k])) {
                        _cleanup_free_ char *name = NULL, *v = NULL;
                        const char *ver = get_str(e, "version");

                        if (!cJSON_IsObject(e) || isempty(ver))
                                continue;
                        if (client_name(e, &name) < 0 || !(v = strn_printable(ver, strlen(ver), 80, PRINTABLE_ASCII)) ||
                            (r = strv_extendf(&l, "%s %s", name, v)) < 0)
                                goto fail;
                }
        *ret = l;
        return 0;
fail:
        strv_free(l);
        return r < 0 ? r : -ENOMEM;
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

/* "14 min ago" */
static void ago_text(char *buf, size_t size, uint64_t t, uint64_t now_usec) {
        uint64_t d = (t > now_usec ? 0 : now_usec - t) / 1000000;

        if (t > now_usec)
                snprintf(buf, size, "in the future");
        else if (d < 60)
                snprintf(buf, size, "%u s ago", (unsigned) d);
        else if (d < 3600)
                snprintf(buf, size, "%u min ago", (unsigned) (d / 60));
        else if (d < 2 * 86400)
                snprintf(buf, size, "%u h ago", (unsigned) (d / 3600));
        else if (d < 1000 * 86400)
                snprintf(buf, size, "%u days ago", (unsigned) (d / 86400));
        else
                snprintf(buf, size, "long ago");
}

/* The first string of a member's reasons, or NULL. */
static const char *first_reason(const cJSON *doc) {
        const cJSON *e;

        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "reasons"))
                if (cJSON_IsString(e) && !isempty(e->valuestring))
                        return e->valuestring;
        return NULL;
}

/* "last seen 14 min ago, was degraded: <first reason>", printable ASCII;
 * absolute: "last seen 2026-11-26T11:46:00Z, ..." (the text does not age). */
static int down_text(const cJSON *doc, uint64_t now_usec, bool absolute, char **ret) {
        const char *seen = get_str(doc, "lastSeen"), *st = get_str(doc, "state"), *why = first_reason(doc);
        _cleanup_free_ char *state = NULL, *reason = NULL, *s = NULL;
        char ago[32];
        uint64_t t;

        if (seen && time_parse_rfc3339(seen, &t) >= 0) {
                if (!absolute || !format_rfc3339(t, ago))
                        ago_text(ago, sizeof ago, t, now_usec);
        } else
                snprintf(ago, sizeof ago, "at an unknown time");
        state = strn_printable(st, strlen(st), 32, PRINTABLE_ASCII);
        reason = why ? strn_printable(why, strlen(why), 200, PRINTABLE_ASCII) : NULL;
        if (!state || (why && !reason))
                return -ENOMEM;
        if (asprintf(&s, "last seen %s, was %s%s%s", ago, state, reason ? ": " : "", strempty(reason)) < 0)
                return -ENOMEM;
        *ret = strn_printable(s, strlen(s), 400, PRINTABLE_ASCII);
        return *ret ? 0 : -ENOMEM;
}

static const char *row_state(const Row *row) {
        switch (row->kind) {
        case ROW_LIVE:
                return row->doc ? get_str(row->doc, "state") : "invalid";
        case ROW_DOWN:
                return row->doc ? "down" : "invalid";
        case ROW_NEVER:
                return "never seen";
        case _ROW_KIND_MAX:
        case _ROW_KIND_INVALID:
                break;
        }
        return "invalid";
}

/* What a row says: its state (printable, capped), its age, the words after
 * them (items, joined by *ret_sep), and a second line of versions (NULL:
 * none). */
typedef struct RowText {
        char *state;
        char age[16];
        char **items;
        const char *sep;
        char **versions;
} RowText;

static void row_text_done(RowText *t) {
        free(t->state);
        strv_free(t->items);
        strv_free(t->versions);
        *t = (RowText) {};
}

/* absolute: no age, and a down node's last word at its time, not "14 min
 * ago": a text that changes only when the node's does. */
static int row_text(const FleetView *v, const Row *row, bool absolute, RowText *ret) {
        _cleanup_free_ char *words = NULL;
        const char *st = row_state(row);
        RowText t = { .sep = ", " };
        int r;

        t.state = strn_printable(st, strlen(st), STATE_WIDTH, PRINTABLE_ASCII);
        if (!t.state)
                return -ENOMEM;
        if (row->kind == ROW_LIVE && row->doc) {
                if (!absolute)
                        age_text(t.age, sizeof t.age, row->doc, v->now_usec);
                r = clients_text(row->doc, &t.items);
                if (r >= 0)
                        r = versions_text(row->doc, &t.versions);
                if (r < 0)
                        goto fail;
                *ret = t;
                return 0;
        }
        t.sep = " ";
        if (row->kind == ROW_NEVER)
                words = strdup("no report from it in this etcd");
        else if (row->doc) {
                /* The age of its last word. */
                const char *seen = get_str(row->doc, "lastSeen");
                _cleanup_(cJSON_Deletep) cJSON *at = cJSON_CreateObject();

                if (!at || (seen && !cJSON_AddStringToObject(at, "generatedAt", seen))) {
                        r = -ENOMEM;
                        goto fail;
                }
                if (!absolute)
                        age_text(t.age, sizeof t.age, at, v->now_usec);
                r = down_text(row->doc, v->now_usec, absolute, &words);
                if (r >= 0)
                        r = versions_text(row->doc, &t.versions);
                if (r < 0)
                        goto fail;
        } else
                words = strn_printable(row->problem, strlen(row->problem), 400, PRINTABLE_ASCII);
        if (!words || split_words(words, &t.items) < 0) {
                r = -ENOMEM;
                goto fail;
        }
        *ret = t;
        return 0;
fail:
        row_text_done(&t);
        return r;
}

int fleet_to_text(const FleetView *v, bool color, char **ret) {
        Rows rs = {};
        StrBuf b = {};
        size_t w = HOST_WIDTH_MIN, clients_col;
        int r;

        r = rows_build(v, &rs);
        if (r < 0)
                return r;
        for (size_t i = 0; i < rs.n; i++)
                if (strlen(rs.rows[i].name) > w)
                        w = strlen(rs.rows[i].name);
        if (w > HOST_WIDTH_MAX)
                w = HOST_WIDTH_MAX;
        clients_col = w + 2 + STATE_WIDTH + 1 + AGE_WIDTH + 2;

        sb_append(&b, "HOSTNAME");
        sb_pad(&b, w + 2);
        sb_appendf(&b, "%-*s %*s  CLIENTS\n", STATE_WIDTH, "STATE", AGE_WIDTH, "AGE");
        if (rs.n == 0)
                sb_append(&b, "(no node has reported)\n");

        for (size_t i = 0; i < rs.n; i++) {
                const Row *row = &rs.rows[i];
                RowText t = {};

                r = row_text(v, row, false, &t);
                if (r < 0)
                        goto fail;
                sb_append(&b, row->name);
                if (strlen(row->name) > w) {
                        sb_appendc(&b, '\n');
                        sb_pad(&b, w + 2);
                } else
                        sb_pad(&b, w + 2);
                if (color)
                        sb_appendf(&b, "%s%s\033[0m",
                                   row->kind == ROW_LIVE && row->doc ? state_color(t.state) : "\033[31m", t.state);
                else
                        sb_append(&b, t.state);
                sb_appendf(&b, "%*s", (int) (STATE_WIDTH + 1 - strlen(t.state)), "");
                sb_appendf(&b, "%*s  ", AGE_WIDTH, t.age);
                wrap_items(&b, t.items, t.sep, clients_col, clients_col);
                if (t.versions) {
                        /* The second line: the versions, indented. */
                        sb_pad(&b, clients_col);
                        wrap_items(&b, t.versions, ", ", clients_col, clients_col);
                }
                row_text_done(&t);
        }
        rows_free(&rs);
        return sb_steal(&b, ret);
fail:
        rows_free(&rs);
        sb_done(&b);
        return r;
}

static char *strv_join(char **l, const char *sep) {
        StrBuf b = {};
        char *s = NULL;

        STRV_FOREACH(i, l) {
                if (i != l)
                        sb_append(&b, sep);
                sb_append(&b, *i);
        }
        sb_append(&b, "");
        return sb_steal(&b, &s) < 0 ? NULL : s;
}

int fleet_to_lines(const FleetView *v, char ***ret_hosts, char ***ret_lines) {
        _cleanup_strv_free_ char **hosts = NULL, **lines = NULL;
        Rows rs = {};
        int r = 0;

        r = rows_build(v, &rs);
        if (r < 0)
                return r;
        for (size_t i = 0; i < rs.n; i++) {
                const Row *row = &rs.rows[i];
                _cleanup_free_ char *items = NULL, *versions = NULL;
                RowText t = {};

                r = row_text(v, row, true, &t);
                if (r < 0)
                        goto out;
                items = strv_join(t.items, t.sep);
                versions = t.versions ? strv_join(t.versions, ", ") : strdup("");
                r = !items || !versions ? -ENOMEM
                                        : strv_extendf(&lines, "%s %s %s%s%s", row->name, t.state, items,
                                                       *versions ? "; " : "", versions);
                if (r >= 0)
                        r = strv_extend(&hosts, row->name);
                row_text_done(&t);
                if (r < 0)
                        goto out;
        }
        if ((!lines && !(lines = calloc(1, sizeof(char *)))) || (!hosts && !(hosts = calloc(1, sizeof(char *))))) {
                r = -ENOMEM;
                goto out;
        }
        *ret_hosts = TAKE_PTR(hosts);
        *ret_lines = TAKE_PTR(lines);
out:
        rows_free(&rs);
        return r;
}

int fleet_to_json(const FleetView *v, char **ret) {
        _cleanup_(cJSON_Deletep) cJSON *a = NULL;
        Rows rs = {};
        char *s;
        int r;

        r = rows_build(v, &rs);
        if (r < 0)
                return r;
        a = cJSON_CreateArray();
        if (!a)
                goto oom;
        for (size_t i = 0; i < rs.n; i++) {
                Row *row = &rs.rows[i];
                cJSON *o;

                if (row->doc) {
                        if (row->kind == ROW_DOWN) {
                                cJSON *was = cJSON_DetachItemFromObjectCaseSensitive(row->doc, "state");

                                if (!was || !cJSON_AddItemToObject(row->doc, "lastState", was)) {
                                        cJSON_Delete(was);
                                        goto oom;
                                }
                                if (!cJSON_AddStringToObject(row->doc, "state", "down"))
                                        goto oom;
                        }
                        if (!cJSON_AddItemToArray(a, row->doc))
                                goto oom;
                        row->doc = NULL;
                        continue;
                }
                o = cJSON_CreateObject();
                if (!o || !cJSON_AddItemToArray(a, o)) {
                        cJSON_Delete(o);
                        goto oom;
                }
                if (row->kind == ROW_NEVER) {
                        if (!cJSON_AddStringToObject(o, "hostname", row->name) ||
                            !cJSON_AddStringToObject(o, "state", "never seen"))
                                goto oom;
                        continue;
                }
                _cleanup_free_ char *key = strn_printable(row->kv->key, row->kv->key_size, 1024, 0);
                if (!key || !cJSON_AddStringToObject(o, "key", key) || !cJSON_AddStringToObject(o, "error", row->problem))
                        goto oom;
        }
        rows_free(&rs);
        s = cJSON_Print(a);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
oom:
        rows_free(&rs);
        return -ENOMEM;
}

int fleet_exit_code(const FleetView *v) {
        Rows rs = {};
        int code = 0, r;

        r = rows_build(v, &rs);
        if (r < 0)
                return r;
        for (size_t i = 0; i < rs.n; i++) {
                const Row *row = &rs.rows[i];
                NodeState st = row->kind == ROW_LIVE && row->doc ? node_state_from_string(get_str(row->doc, "state"))
                                                                : _NODE_STATE_INVALID;
                int c = st < 0 ? 2 : node_state_exit_code(st);

                if (c > code)
                        code = c;
        }
        rows_free(&rs);
        return code;
}

int fleet_expect_parse(const char *data, size_t size, char ***ret, char **ret_error) {
        _cleanup_(cJSON_Deletep) cJSON *root = NULL;
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *error = NULL;
        const cJSON *e;
        size_t i = 0;
        int r;

        if (!data || size == 0)
                return asprintf(ret_error, "it is empty, not a JSON list of hostnames") < 0 ? -ENOMEM : -EINVAL;
        r = json_document_parse(data, size, 1024 * 1024, 4, &root, &error);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return asprintf(ret_error, "not JSON (%s)", error) < 0 ? -ENOMEM : -EINVAL;
        if (!cJSON_IsArray(root)) {
                _cleanup_free_ char *desc = json_describe(root);

                return !desc || asprintf(ret_error, "not a JSON list of hostnames: it is %s", desc) < 0 ? -ENOMEM
                                                                                                        : -EINVAL;
        }
        cJSON_ArrayForEach(e, root) {
                if (!cJSON_IsString(e) || !etcd_hostname_valid(e->valuestring) ||
                    strspn(e->valuestring, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") !=
                            strlen(e->valuestring)) {
                        _cleanup_free_ char *desc = json_describe(e);

                        return !desc || asprintf(ret_error, "element %zu (%s) is not a hostname (letters, digits, "
                                                 "'-' and '.')", i, desc) < 0 ? -ENOMEM : -EINVAL;
                }
                if (!strv_contains(l, e->valuestring) && strv_extend(&l, e->valuestring) < 0)
                        return -ENOMEM;
                i++;
        }
        if (!l && !(l = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}

int fleet_forgotten_text(const char *hostname, const EtcdKeyValue *kv, uint64_t now_usec, char **ret) {
        _cleanup_(cJSON_Deletep) cJSON *doc = NULL;
        _cleanup_free_ char *problem = NULL, *s = NULL, *host = NULL;
        int r;

        if (!hostname || !kv)
                return -EINVAL;
        host = strdup_printable(hostname, 253);
        if (!host)
                return -ENOMEM;
        r = member_document_parse(kv->value, kv->value_size, &doc, &problem);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                if (asprintf(&s, "forgot %s (its value was %s)", host, problem) < 0)
                        return -ENOMEM;
        } else {
                const char *id = get_str(doc, "machineId"), *seen = get_str(doc, "lastSeen"),
                           *st = get_str(doc, "state");
                char ago[32] = "";
                uint64_t t;

                if (seen && time_parse_rfc3339(seen, &t) >= 0)
                        ago_text(ago, sizeof ago, t, now_usec);
                if (asprintf(&s, "forgot %s: machine %s, last seen %s%s%s%s, was %s", host, id ?: "?",
                             seen ?: "?", *ago ? " (" : "", ago, *ago ? ")" : "", st) < 0)
                        return -ENOMEM;
        }
        *ret = strn_printable(s, strlen(s), 600, 0);
        return *ret ? 0 : -ENOMEM;
}
