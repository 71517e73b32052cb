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

/* A number fit to print (within 10^15), or false. */
static bool get_count(const cJSON *o, const char *key, double *ret) {
        double v;

        if (!json_get_number(o, key, &v) || !(v >= -1e15 && v <= 1e15))
                return false;
        *ret = v;
        return true;
}

static bool is_true(const cJSON *o, const char *key) {
        return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static bool is_false(const cJSON *o, const char *key) {
        return cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(o, key));
}

static void age_text(char *buf, size_t size, const cJSON *doc, uint64_t now_usec) {
        const char *at = json_get_string(doc, "generatedAt");
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
        const char *s = json_get_string(c, "client") ?: "?";

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

/* What a client's figures say of its sync, in words, without its name, its
 * head or its peers: "synced", "syncing 1234/5678", "stale head 3m old",
 * "syncing dist 120 optimistic", "el offline", "unreachable". Both the text
 * view and the page say it so. */
static int client_sync(const cJSON *c, bool consensus, char **ret) {
        double cur, high, age, dist;
        bool have_dist, optimistic = consensus && is_true(c, "optimistic");
        int r;

        if (is_false(c, "reachable"))
                r = asprintf(ret, "unreachable");
        else if (!consensus) {
                if (is_true(c, "syncing")) {
                        if (get_count(c, "currentBlock", &cur) && get_count(c, "highestBlock", &high))
                                r = asprintf(ret, "syncing %.0f/%.0f", cur, high);
                        else
                                r = asprintf(ret, "syncing");
                } else if (is_true(c, "staleHead")) {
                        if (get_count(c, "headAgeSec", &age) && age >= 0)
                                r = asprintf(ret, "stale head %.0fm old", floor(age / 60));
                        else
                                r = asprintf(ret, "stale head");
                } else
                        r = asprintf(ret, "synced");
        } else {
                have_dist = get_count(c, "syncDistance", &dist);
                if (is_true(c, "syncing") || (have_dist && dist >= 60)) {
                        if (have_dist)
                                r = asprintf(ret, "syncing dist %.0f%s", dist, optimistic ? " optimistic" : "");
                        else
                                r = asprintf(ret, "syncing%s", optimistic ? " optimistic" : "");
                } else if (is_true(c, "elOffline"))
                        r = asprintf(ret, "el offline%s", optimistic ? " optimistic" : "");
                else
                        r = asprintf(ret, "%s", optimistic ? "optimistic" : "synced");
        }
        return r < 0 ? -ENOMEM : 0;
}

/* The head a client is at: "block 21187730" (execution, not while it
 * syncs: its numbers say it), "slot 10311210" (consensus); "" unknown. */
static void head_text(char *buf, size_t size, const cJSON *c, bool consensus) {
        double head;

        *buf = 0;
        if (is_false(c, "reachable") || (!consensus && is_true(c, "syncing")))
                return;
        if (get_count(c, consensus ? "headSlot" : "currentBlock", &head) && head >= 0)
                snprintf(buf, size, "%s %.0f", consensus ? "slot" : "block", head);
}

/* "geth synced block 21187730 (50 peers)", "teku syncing dist 120 slot 100
 * (3 peers)", "nimbus optimistic slot 5". */
static int client_text(const cJSON *c, bool consensus, char ***l) {
        _cleanup_free_ char *name = NULL, *sync = NULL;
        char head[40], peers[40];

        if (client_name(c, &name) < 0 || client_sync(c, consensus, &sync) < 0)
                return -ENOMEM;
        head_text(head, sizeof head, c, consensus);
        peers_text(peers, sizeof peers, c);
        return strv_extendf(l, "%s %s%s%s%s", name, sync, *head ? " " : "", head, peers);
}

static int clients_text(const cJSON *doc, char ***ret) {
        const cJSON *e;
        char **l = NULL;
        int r = 0;

        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "execution"))
                if (cJSON_IsObject(e) && (r = client_text(e, false, &l)) < 0)
                        goto fail;
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "consensus"))
                if (cJSON_IsObject(e) && (r = client_text(e, true, &l)) < 0)
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
        const char *agent = json_get_string(cJSON_GetObjectItemCaseSensitive(doc, "agent"), "version")
                                    ?: json_get_string(doc, "agentVersion");
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
                        const char *ver = json_get_string(e, "version");

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
        const char *seen = json_get_string(doc, "lastSeen"), *st = json_get_string(doc, "state"), *why = first_reason(doc);
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
                return row->doc ? json_get_string(row->doc, "state") : "invalid";
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
                const char *seen = json_get_string(row->doc, "lastSeen");
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
                NodeState st = row->kind == ROW_LIVE && row->doc ? node_state_from_string(json_get_string(row->doc, "state"))
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
                const char *id = json_get_string(doc, "machineId"), *seen = json_get_string(doc, "lastSeen"),
                           *st = json_get_string(doc, "state");
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

/* ---- the nodes of the web page ---- */

#define PAGE_REASONS_MAX 16
#define PAGE_TEXT_MAX 300

const char *fleet_tone_to_string(FleetTone t) {
        switch (t) {
        case FLEET_TONE_OK:
                return "ok";
        case FLEET_TONE_WARN:
                return "warn";
        case FLEET_TONE_BAD:
                return "bad";
        case FLEET_TONE_NONE:
                return "none";
        case _FLEET_TONE_MAX:
        case _FLEET_TONE_INVALID:
                break;
        }
        return NULL;
}

static FleetTone state_tone(const char *state) {
        NodeState st = node_state_from_string(state);

        if (st < 0)
                return FLEET_TONE_BAD;
        switch (node_state_exit_code(st)) {
        case 0:
                return FLEET_TONE_OK;
        case 1:
                return FLEET_TONE_WARN;
        default:
                return FLEET_TONE_BAD;
        }
}

/* A copy fit to show, or NULL when s is NULL; -ENOMEM. */
static int dup_shown(const char *s, size_t max, char **ret) {
        *ret = NULL;
        if (!s)
                return 0;
        *ret = strn_printable(s, strlen(s), max, 0);
        return *ret ? 0 : -ENOMEM;
}

static int client_of(const cJSON *c, bool consensus, FleetClient *ret) {
        double head, peers;
        int r;

        *ret = (FleetClient) { .consensus = consensus, .optimistic = consensus && is_true(c, "optimistic") };
        r = client_name(c, &ret->name);
        if (r >= 0)
                r = client_sync(c, consensus, &ret->sync);
        /* The page names peers only when there are none. */
        if (r >= 0 && get_count(c, "peers", &peers) && peers == 0) {
                char *s = NULL;

                if (asprintf(&s, "%s, 0 peers", ret->sync) < 0)
                        r = -ENOMEM;
                else {
                        free(ret->sync);
                        ret->sync = s;
                }
        }
        if (r >= 0 && get_count(c, consensus ? "headSlot" : "currentBlock", &head) && head >= 0 &&
            asprintf(&ret->head, "%s %.0f", consensus ? "slot" : "block", head) < 0) {
                ret->head = NULL;
                r = -ENOMEM;
        }
        if (r >= 0)
                r = dup_shown(json_get_string(c, "version"), 80, &ret->version);
        return r;
}

static void client_done(FleetClient *c) {
        free(c->name);
        free(c->sync);
        free(c->head);
        free(c->version);
}

static int node_of(const Row *row, FleetNode *n) {
        const cJSON *e;
        const char *at = NULL;
        int r;

        r = dup_shown(row->host ?: row->name, 300, &n->host);
        if (r < 0)
                return r;
        switch (row->kind) {
        case ROW_LIVE:
                if (!row->doc)
                        break;
                r = dup_shown(json_get_string(row->doc, "state") ?: "?", 32, &n->state);
                n->tone = state_tone(json_get_string(row->doc, "state"));
                at = json_get_string(row->doc, "generatedAt");
                break;
        case ROW_DOWN:
                if (!row->doc)
                        break;
                n->state = strdup("down");
                n->tone = FLEET_TONE_BAD;
                r = dup_shown(json_get_string(row->doc, "state") ?: "?", 32, &n->was);
                at = json_get_string(row->doc, "lastSeen");
                break;
        case ROW_NEVER:
                n->state = strdup("never seen");
                n->tone = FLEET_TONE_NONE;
                if (n->state && strv_extend(&n->reasons, "no report from it in this etcd") < 0)
                        return -ENOMEM;
                return n->state ? 0 : -ENOMEM;
        case _ROW_KIND_MAX:
        case _ROW_KIND_INVALID:
                return -EINVAL;
        }
        if (r < 0)
                return r;
        if (!row->doc) {
                n->state = strdup("invalid");
                n->tone = FLEET_TONE_BAD;
                if (!n->state || strv_consume(&n->reasons, strn_printable(row->problem, strlen(row->problem),
                                                                          PAGE_TEXT_MAX, 0)) < 0)
                        return -ENOMEM;
                return 0;
        }
        if (!n->state)
                return -ENOMEM;
        if (!at || time_parse_rfc3339(at, &n->at_usec) < 0)
                n->at_usec = 0;
        r = dup_shown(row->kind == ROW_LIVE ? json_get_string(cJSON_GetObjectItemCaseSensitive(row->doc, "agent"), "version")
                                            : json_get_string(row->doc, "agentVersion"),
                      64, &n->agent_version);
        if (r < 0)
                return r;
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(row->doc, "reasons")) {
                if (!cJSON_IsString(e) || isempty(e->valuestring))
                        continue;
                if (strv_length(n->reasons) >= PAGE_REASONS_MAX) {
                        if (strv_extend(&n->reasons, "(more reasons left out)") < 0)
                                return -ENOMEM;
                        break;
                }
                if (strv_consume(&n->reasons, strn_printable(e->valuestring, strlen(e->valuestring),
                                                             PAGE_TEXT_MAX, 0)) < 0)
                        return -ENOMEM;
        }
        for (int consensus = 0; consensus <= 1; consensus++)
                cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(row->doc, consensus ? "consensus" : "execution")) {
                        FleetClient *c;

                        if (!cJSON_IsObject(e) || n->n_clients >= 16)
                                continue;
                        c = array_grow(n->clients, &n->n_clients, sizeof(FleetClient));
                        if (!c)
                                return -ENOMEM;
                        n->clients = c;
                        r = client_of(e, consensus, &c[n->n_clients - 1]);
                        if (r < 0)
                                return r;
                        n->optimistic = n->optimistic || c[n->n_clients - 1].optimistic;
                }
        return 0;
}

void fleet_nodes_free(FleetNode *nodes, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(nodes[i].host);
                free(nodes[i].state);
                free(nodes[i].was);
                strv_free(nodes[i].reasons);
                for (size_t j = 0; j < nodes[i].n_clients; j++)
                        client_done(&nodes[i].clients[j]);
                free(nodes[i].clients);
                free(nodes[i].agent_version);
        }
        free(nodes);
}

int fleet_nodes_build(const FleetView *v, FleetNode **ret, size_t *ret_n) {
        FleetNode *nodes = NULL;
        Rows rs = {};
        int r;

        r = rows_build(v, &rs);
        if (r < 0)
                return r;
        if (rs.n > 0 && !(nodes = calloc(rs.n, sizeof(FleetNode)))) {
                rows_free(&rs);
                return -ENOMEM;
        }
        for (size_t i = 0; i < rs.n; i++)
                if ((r = node_of(&rs.rows[i], &nodes[i])) < 0) {
                        fleet_nodes_free(nodes, rs.n);
                        rows_free(&rs);
                        return r;
                }
        *ret_n = rs.n;
        rows_free(&rs);
        *ret = nodes;
        return 0;
}
