/* SPDX-License-Identifier: MIT */
/* hsos-agent fleet serve: the page, its events, and what changed between two
 * looks at the fleet. Text in, text out: the server (agent/net/fleet-server.c)
 * sends it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "hsos/json-doc.h"
#include "hsos/fleet-page.h"
#include "hsos/util.h"

void sb_append_html(StrBuf *b, const char *s) {
        for (const char *p = s ?: ""; *p; p++)
                switch (*p) {
                case '&':
                        sb_append(b, "&amp;");
                        break;
                case '<':
                        sb_append(b, "&lt;");
                        break;
                case '>':
                        sb_append(b, "&gt;");
                        break;
                case '"':
                        sb_append(b, "&quot;");
                        break;
                case '\'':
                        sb_append(b, "&#39;");
                        break;
                default:
                        sb_appendc(b, (unsigned char) *p < 0x20 || *p == 0x7f ? '?' : *p);
                }
}

char *html_escape(const char *s) {
        StrBuf b = {};
        char *ret;

        sb_append(&b, "");
        sb_append_html(&b, s);
        return sb_steal(&b, &ret) < 0 ? NULL : ret;
}

int fleet_counts_text(const FleetNode *nodes, size_t n, char **ret) {
        static const char * const order[] = {
                "operational", "starting", "degraded", "failed", "config-error", "down", "never seen", "invalid",
        };
        StrBuf b = {};
        bool *counted;

        if (n == 0) {
                *ret = strdup("no node has reported");
                return *ret ? 0 : -ENOMEM;
        }
        counted = calloc(n, sizeof(bool));
        if (!counted)
                return -ENOMEM;
        sb_append(&b, "");
        /* The known states in their order, then any other in the order met. */
        for (size_t k = 0; k <= ELEMENTSOF(order); k++)
                for (size_t i = 0; i < n; i++) {
                        const char *st = nodes[i].state;
                        size_t c = 0;

                        if (counted[i])
                                continue;
                        if (k < ELEMENTSOF(order) ? !streq(st, order[k]) : false)
                                continue;
                        if (k == ELEMENTSOF(order)) {
                                bool known = false;
                                for (size_t j = 0; j < ELEMENTSOF(order); j++)
                                        known = known || streq(st, order[j]);
                                if (known)
                                        continue;
                        }
                        for (size_t j = i; j < n; j++)
                                if (!counted[j] && streq(nodes[j].state, st)) {
                                        counted[j] = true;
                                        c++;
                                }
                        sb_appendf(&b, "%s%zu %s", b.len > 0 ? ", " : "", c, st);
                }
        free(counted);
        return sb_steal(&b, ret);
}

void fleet_ago_text(char buf[static 32], uint64_t at_usec, uint64_t now_usec) {
        uint64_t d = at_usec > now_usec ? 0 : (now_usec - at_usec) / 1000000;

        if (at_usec == 0)
                snprintf(buf, 32, "at an unknown time");
        else if (at_usec > now_usec + 60 * UINT64_C(1000000))
                snprintf(buf, 32, "in the future");
        else if (d < 60)
                snprintf(buf, 32, "%u s ago", (unsigned) d);
        else if (d < 3600)
                snprintf(buf, 32, "%u min ago", (unsigned) (d / 60));
        else if (d < 2 * 86400)
                snprintf(buf, 32, "%u h ago", (unsigned) (d / 3600));
        else if (d < 1000 * 86400)
                snprintf(buf, 32, "%u days ago", (unsigned) (d / 86400));
        else
                snprintf(buf, 32, "long ago");
}

static void append_list(StrBuf *b, char * const *items) {
        sb_append(b, "<ul>");
        STRV_FOREACH(i, items) {
                sb_append(b, "<li>");
                sb_append_html(b, *i);
                sb_append(b, "</li>");
        }
        sb_append(b, "</ul>");
}

static void append_row(StrBuf *b, const FleetNode *node, uint64_t now_usec) {
        char ago[32];
        bool any = false;

        sb_appendf(b, "<tr data-host=\"");
        sb_append_html(b, node->host);
        sb_appendf(b, "\" class=\"tone-%s\">\n<td class=\"host\" data-label=\"Node\">", fleet_tone_to_string(node->tone));
        sb_append_html(b, node->host);
        sb_append(b, "</td>\n<td class=\"state\" data-label=\"State\"><span class=\"badge\">");
        sb_append_html(b, node->state);
        sb_append(b, "</span>");
        if (node->at_usec > 0 || node->was) {
                fleet_ago_text(ago, node->at_usec, now_usec);
                sb_appendf(b, " <span class=\"seen\">%s<span class=\"age\" data-at=\"%llu\">%s</span></span>",
                           node->was ? "last seen " : "", (unsigned long long) (node->at_usec / 1000000), ago);
        }
        if (node->was) {
                sb_append(b, " <span class=\"was\">was ");
                sb_append_html(b, node->was);
                sb_append(b, "</span>");
        }
        sb_append(b, "</td>\n<td class=\"reasons\" data-label=\"Reasons\">");
        if (node->reasons)
                append_list(b, node->reasons);
        sb_append(b, "</td>\n<td class=\"clients\" data-label=\"Clients\">");
        if (node->n_clients > 0) {
                sb_append(b, "<ul>");
                for (size_t i = 0; i < node->n_clients; i++) {
                        const FleetClient *c = &node->clients[i];

                        sb_append(b, "<li><span class=\"name\">");
                        sb_append_html(b, c->name);
                        sb_append(b, "</span> <span class=\"sync\">");
                        sb_append_html(b, c->sync);
                        sb_append(b, "</span>");
                        if (c->head) {
                                sb_append(b, " <span class=\"head\">");
                                sb_append_html(b, c->head);
                                sb_append(b, "</span>");
                        }
                        if (c->optimistic)
                                sb_append(b, " <span class=\"opt\">optimistic</span>");
                        sb_append(b, "</li>");
                }
                sb_append(b, "</ul>");
        }
        sb_append(b, "</td>\n<td class=\"versions\" data-label=\"Versions\"><ul>");
        if (node->agent_version) {
                sb_append(b, "<li>hsos-agent ");
                sb_append_html(b, node->agent_version);
                sb_append(b, "</li>");
                any = true;
        }
        for (size_t i = 0; i < node->n_clients; i++)
                if (node->clients[i].version) {
                        sb_append(b, "<li>");
                        sb_append_html(b, node->clients[i].version);
                        sb_append(b, "</li>");
                        any = true;
                }
        if (!any)
                sb_append(b, "<li class=\"none\">not said</li>");
        sb_append(b, "</ul></td>\n</tr>\n");
}

int fleet_page_html(const FleetNode *nodes, size_t n, const char *problem, uint64_t now_usec, char **ret) {
        _cleanup_free_ char *counts = NULL;
        StrBuf b = {};
        char at[32];
        int r;

        if (n > 0 && !nodes)
                return -EINVAL;
        r = fleet_counts_text(nodes, n, &counts);
        if (r < 0)
                return r;
        if (!format_rfc3339(now_usec, at))
                snprintf(at, sizeof at, "an unknown time");
        sb_append(&b,
                  "<!DOCTYPE html>\n"
                  "<html lang=\"en\">\n"
                  "<head>\n"
                  "<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<meta name=\"color-scheme\" content=\"light dark\">\n"
                  "<title>Fleet: ");
        sb_append_html(&b, counts);
        sb_append(&b,
                  "</title>\n"
                  "<link rel=\"stylesheet\" href=\"/style.css\">\n"
                  "<script src=\"/app.js\" defer></script>\n"
                  "</head>\n"
                  "<body>\n"
                  "<header>\n"
                  "<h1>Fleet</h1>\n"
                  "<p id=\"counts\">");
        sb_append_html(&b, counts);
        sb_appendf(&b,
                   "</p>\n"
                   "<p id=\"live\" class=\"static\">As of %s: reload for news.</p>\n"
                   "</header>\n", at);
        sb_appendf(&b, "<p id=\"problem\"%s>", problem ? "" : " hidden");
        sb_append_html(&b, problem);
        sb_append(&b,
                   "</p>\n"
                   "<main>\n"
                   "<table id=\"fleet\">\n"
                   "<thead><tr><th>Node</th><th>State</th><th>Reasons</th><th>Clients</th><th>Versions</th></tr></thead>\n"
                   "<tbody>\n");
        if (n == 0)
                sb_append(&b, "<tr class=\"empty\"><td colspan=\"5\">No node has reported.</td></tr>\n");
        for (size_t i = 0; i < n; i++)
                append_row(&b, &nodes[i], now_usec);
        sb_append(&b,
                  "</tbody>\n"
                  "</table>\n"
                  "</main>\n"
                  "<footer><a href=\"/fleet.json\">fleet.json</a> (as <code>hsos-agent fleet --json</code>)</footer>\n"
                  "</body>\n"
                  "</html>\n");
        return sb_steal(&b, ret);
}

int fleet_node_json(const FleetNode *node, char **ret) {
        _cleanup_(cJSON_Deletep) cJSON *o = cJSON_CreateObject();
        cJSON *reasons, *clients;
        char *s;

        if (!o || !cJSON_AddStringToObject(o, "host", node->host) || !cJSON_AddStringToObject(o, "state", node->state) ||
            !cJSON_AddStringToObject(o, "tone", fleet_tone_to_string(node->tone)) ||
            !(node->at_usec > 0 ? cJSON_AddNumberToObject(o, "at", (double) (node->at_usec / 1000000))
                                : cJSON_AddNullToObject(o, "at")) ||
            !json_add_string_or_null(o, "was", node->was) || !(reasons = cJSON_AddArrayToObject(o, "reasons")) ||
            !(clients = cJSON_AddArrayToObject(o, "clients")) || !cJSON_AddBoolToObject(o, "optimistic", node->optimistic) ||
            !json_add_string_or_null(o, "agent", node->agent_version))
                return -ENOMEM;
        STRV_FOREACH(i, node->reasons) {
                cJSON *e = cJSON_CreateString(*i);
                if (!e || !cJSON_AddItemToArray(reasons, e)) {
                        cJSON_Delete(e);
                        return -ENOMEM;
                }
        }
        for (size_t i = 0; i < node->n_clients; i++) {
                const FleetClient *c = &node->clients[i];
                cJSON *e = cJSON_CreateObject();

                if (!e || !cJSON_AddItemToArray(clients, e)) {
                        cJSON_Delete(e);
                        return -ENOMEM;
                }
                if (!cJSON_AddStringToObject(e, "name", c->name) ||
                    !cJSON_AddStringToObject(e, "role", c->consensus ? "consensus" : "execution") ||
                    !cJSON_AddStringToObject(e, "sync", c->sync) || !json_add_string_or_null(e, "head", c->head) ||
                    !cJSON_AddBoolToObject(e, "optimistic", c->optimistic) ||
                    !json_add_string_or_null(e, "version", c->version))
                        return -ENOMEM;
        }
        s = cJSON_PrintUnformatted(o);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

/* ---- what changed ---- */

typedef struct PageEntry {
        char *host;
        char *json;
} PageEntry;

struct FleetPage {
        PageEntry *entries;
        size_t n;
        char *counts;
};

static void entries_free(PageEntry *e, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(e[i].host);
                free(e[i].json);
        }
        free(e);
}

FleetPage *fleet_page_new(void) {
        return calloc(1, sizeof(FleetPage));
}

FleetPage *fleet_page_free(FleetPage *p) {
        if (!p)
                return NULL;
        entries_free(p->entries, p->n);
        free(p->counts);
        free(p);
        return NULL;
}

/* The entries are kept sorted by host: a lookup is a binary search (a
 * fleet of 1,000 nodes is diffed a few times a second). */
static int entry_cmp(const void *a, const void *b) {
        return strcmp(((const PageEntry *) a)->host, ((const PageEntry *) b)->host);
}

static const PageEntry *page_find(const PageEntry *e, size_t n, const char *host) {
        PageEntry key = { .host = (char *) host };

        return n > 0 ? bsearch(&key, e, n, sizeof(PageEntry), entry_cmp) : NULL;
}

static void append_event(StrBuf *b, const char *name, const char *json) {
        /* json is one line (cJSON_PrintUnformatted escapes every control). */
        sb_appendf(b, "event: %s\ndata: %s\n\n", name, json);
}

static void append_named(StrBuf *b, const char *event, const char *key, const char *value) {
        sb_appendf(b, "event: %s\ndata: {\"%s\":", event, key);
        sb_append_json_string(b, value);
        sb_append(b, "}\n\n");
}

int fleet_page_diff(FleetPage *p, const FleetNode *nodes, size_t n, char **ret) {
        _cleanup_free_ char *counts = NULL;
        PageEntry *now = NULL;
        StrBuf b = {};
        int r;

        if (!p || (n > 0 && !nodes))
                return -EINVAL;
        r = fleet_counts_text(nodes, n, &counts);
        if (r < 0)
                return r;
        if (n > 0 && !(now = calloc(n, sizeof(PageEntry))))
                return -ENOMEM;
        sb_append(&b, "");
        for (size_t i = 0; i < n; i++) {
                const PageEntry *was;

                now[i].host = strdup(nodes[i].host);
                r = now[i].host ? fleet_node_json(&nodes[i], &now[i].json) : -ENOMEM;
                if (r < 0)
                        goto fail;
                was = page_find(p->entries, p->n, now[i].host);
                if (!was || !streq(was->json, now[i].json))
                        append_event(&b, "node", now[i].json);
        }
        if (n > 1)
                qsort(now, n, sizeof(PageEntry), entry_cmp);
        for (size_t i = 0; i < p->n; i++)
                if (!page_find(now, n, p->entries[i].host))
                        append_named(&b, "gone", "host", p->entries[i].host);
        if (!p->counts || !streq(p->counts, counts))
                append_named(&b, "counts", "text", counts);
        r = sb_steal(&b, ret);
        if (r < 0)
                goto fail;
        entries_free(p->entries, p->n);
        p->entries = now;
        p->n = n;
        free(p->counts);
        p->counts = TAKE_PTR(counts);
        return 0;
fail:
        entries_free(now, n);
        sb_done(&b);
        return r;
}

int fleet_page_snapshot(const FleetPage *p, char **ret) {
        StrBuf b = {};

        if (!p)
                return -EINVAL;
        sb_append(&b, "");
        for (size_t i = 0; i < p->n; i++)
                append_event(&b, "node", p->entries[i].json);
        if (p->counts)
                append_named(&b, "counts", "text", p->counts);
        return sb_steal(&b, ret);
}

int fleet_problem_event(const char *text, char **ret) {
        StrBuf b = {};

        sb_append(&b, "event: problem\ndata: {\"text\":");
        if (text)
                sb_append_json_string(&b, text);
        else
                sb_append(&b, "null");
        sb_append(&b, "}\n\n");
        return sb_steal(&b, ret);
}
