/* SPDX-License-Identifier: MIT */
/* hsos-agent status, for people: a summary of the status document that fits
 * an 80-column terminal, coloured only when asked (a terminal). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <cJSON.h>

#include "hsos/json-doc.h"
#include "hsos/status.h"
#include "hsos/util.h"

#define WIDTH 80

typedef struct Out {
        StrBuf b;
        bool color;
} Out;

static const char *state_color(const char *state) {
        if (!state)
                return "";
        if (streq(state, "operational") || streq(state, "active") || streq(state, "mounted") ||
            streq(state, "present") || streq(state, "created"))
                return "\033[32m";
        if (streq(state, "failed") || streq(state, "config-error") || streq(state, "invalid"))
                return "\033[31m";
        return "\033[33m";
}

static void colored(Out *o, const char *state) {
        if (o->color)
                sb_appendf(&o->b, "%s%s\033[0m", state_color(state), strempty(state));
        else
                sb_append(&o->b, strempty(state));
}

/* Appends text, which starts at column `col`, wrapped at WIDTH; the lines
 * after the first start at column `indent`. */
static void wrapped(Out *o, const char *text, size_t col, size_t indent) {
        size_t start = col;
        const char *p = text;

        /* What fits keeps its alignment. */
        if (col + strlen(text) <= WIDTH) {
                sb_append(&o->b, text);
                sb_appendc(&o->b, '\n');
                return;
        }
        while (*p) {
                size_t word = strcspn(p, " ");
                if (col > start && col + 1 + word > WIDTH) {
                        sb_appendc(&o->b, '\n');
                        for (size_t i = 0; i < indent; i++)
                                sb_appendc(&o->b, ' ');
                        col = start = indent;
                } else if (col > start) {
                        sb_appendc(&o->b, ' ');
                        col++;
                }
                sb_appendn(&o->b, p, word);
                col += word;
                p += word;
                while (*p == ' ')
                        p++;
        }
        sb_appendc(&o->b, '\n');
}

static void human_bytes(char *buf, size_t n, double bytes) {
        static const char * const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
        size_t u = 0;

        while (bytes >= 1024 && u + 1 < ELEMENTSOF(units)) {
                bytes /= 1024;
                u++;
        }
        snprintf(buf, n, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
}

static void section(Out *o, const char *title) {
        if (o->color)
                sb_appendf(&o->b, "\n\033[1m%s\033[0m\n", title);
        else
                sb_appendf(&o->b, "\n%s\n", title);
}

static void print_mounts(Out *o, const cJSON *mounts) {
        const cJSON *m;

        if (cJSON_GetArraySize(mounts) == 0)
                return;
        section(o, "Mounts");
        cJSON_ArrayForEach(m, mounts) {
                double size, used, avail;
                const char *state = json_get_string(m, "state");

                sb_appendf(&o->b, "  %-12s %-22s ", strempty(json_get_string(m, "name")), strempty(json_get_string(m, "where")));
                colored(o, state);
                if (json_get_number(m, "sizeBytes", &size) && json_get_number(m, "usedBytes", &used) && json_get_number(m, "availBytes", &avail) &&
                    size > 0) {
                        char u[32], s[32];
                        human_bytes(u, sizeof u, used);
                        human_bytes(s, sizeof s, size);
                        sb_appendf(&o->b, "  %s of %s used, %.0f%% free", u, s, 100 * avail / size);
                } else if (json_get_string(m, "device"))
                        sb_appendf(&o->b, "  %s", json_get_string(m, "device"));
                sb_appendc(&o->b, '\n');
        }
}

static void print_secrets(Out *o, const cJSON *secrets) {
        const cJSON *s;

        if (cJSON_GetArraySize(secrets) == 0)
                return;
        section(o, "Secrets (never shown)");
        cJSON_ArrayForEach(s, secrets) {
                sb_appendf(&o->b, "  %-17s ", strempty(json_get_string(s, "kind")));
                colored(o, json_get_string(s, "state"));
                sb_appendf(&o->b, "%*s%s\n", (int) (9 - strlen(strempty(json_get_string(s, "state")))), "",
                           strempty(json_get_string(s, "path")));
        }
}

static void print_units(Out *o, const cJSON *units) {
        const cJSON *u;

        section(o, "Units");
        if (cJSON_GetArraySize(units) == 0) {
                sb_append(&o->b, "  no client enabled\n");
                return;
        }
        cJSON_ArrayForEach(u, units) {
                const char *state = json_get_string(u, "state");
                double restarts;

                sb_appendf(&o->b, "  %-22s ", strempty(json_get_string(u, "name")));
                colored(o, state);
                if (json_get_number(u, "restarts", &restarts))
                        sb_appendf(&o->b, "%*s%.0f restart%s", (int) (11 - strlen(strempty(state))), "", restarts,
                                   restarts == 1 ? "" : "s");
                sb_appendc(&o->b, '\n');
        }
}

/* One line per client: what it said, in short. */
static void print_clients(Out *o, const cJSON *root) {
        const cJSON *ex = cJSON_GetObjectItemCaseSensitive(root, "execution"),
                    *co = cJSON_GetObjectItemCaseSensitive(root, "consensus"), *c;

        if (cJSON_GetArraySize(ex) + cJSON_GetArraySize(co) == 0)
                return;
        section(o, "Clients");
        for (int pass = 0; pass < 2; pass++) {
                const cJSON *list = pass == 0 ? ex : co;

                cJSON_ArrayForEach(c, list) {
                        const cJSON *reach = cJSON_GetObjectItemCaseSensitive(c, "reachable"),
                                    *sync = cJSON_GetObjectItemCaseSensitive(c, "syncing");
                        _cleanup_(sb_done) StrBuf line = {};
                        double v, w = 0;

                        if (cJSON_IsNull(reach) || !reach) {
                                sb_append(&line, "not asked yet");
                        } else if (cJSON_IsFalse(reach)) {
                                sb_appendf(&line, "unreachable: %s", strempty(json_get_string(c, "error")));
                        } else {
                                sb_append(&line, cJSON_IsTrue(sync) ? "syncing" : cJSON_IsFalse(sync) ? "synced" : "sync unknown");
                                /* w is read before the call (the order of a call's
                                 * arguments is unspecified): not in the same call. */
                                if (pass == 0 && json_get_number(c, "currentBlock", &v)) {
                                        if (json_get_number(c, "highestBlock", &w) && cJSON_IsTrue(sync))
                                                sb_appendf(&line, ", block %.0f of %.0f", v, w);
                                        else
                                                sb_appendf(&line, ", block %.0f", v);
                                }
                                if (pass == 1 && json_get_number(c, "headSlot", &v))
                                        sb_appendf(&line, ", slot %.0f", v);
                                if (pass == 1 && json_get_number(c, "syncDistance", &v) && v > 0)
                                        sb_appendf(&line, " (%.0f behind)", v);
                                if (json_get_number(c, "peers", &v))
                                        sb_appendf(&line, ", %.0f peer%s", v, v == 1 ? "" : "s");
                                if (pass == 0 && json_get_number(c, "headAgeSec", &v))
                                        sb_appendf(&line, ", head %.0f s old", v);
                                if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "optimistic")))
                                        sb_append(&line, ", optimistic");
                                if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "elOffline")))
                                        sb_append(&line, ", el_offline");
                                if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "wrongNetwork")))
                                        sb_append(&line, ", WRONG NETWORK");
                        }
                        sb_appendf(&o->b, "  %-11s ", strempty(json_get_string(c, "client")));
                        if (line.s)
                                wrapped(o, line.s, 14, 14);
                        else
                                sb_appendc(&o->b, '\n');
                }
        }
}

static void print_controller(Out *o, const cJSON *ctl) {
        static const char * const names[] = { "etcd", "http" };
        bool any = false;

        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                const cJSON *c = cJSON_GetObjectItemCaseSensitive(ctl, names[i]);
                _cleanup_(sb_done) StrBuf line = {};

                if (!cJSON_IsObject(c))
                        continue;
                if (!any)
                        section(o, "Reports");
                any = true;
                if (json_get_string(c, "lastError"))
                        sb_appendf(&line, "failing: %s", json_get_string(c, "lastError"));
                else if (json_get_string(c, "lastOkAt"))
                        sb_appendf(&line, "ok, last at %s", json_get_string(c, "lastOkAt"));
                else
                        sb_append(&line, "not yet sent");
                sb_appendf(&o->b, "  %-11s ", names[i]);
                wrapped(o, line.s ? line.s : "", 14, 14);
        }
}

static void print_network(Out *o, const cJSON *conn) {
        const cJSON *ifs = cJSON_GetObjectItemCaseSensitive(conn, "interfaces"), *i;

        section(o, "Network");
        cJSON_ArrayForEach(i, ifs) {
                const cJSON *addrs = cJSON_GetObjectItemCaseSensitive(i, "addresses"), *a;
                StrBuf line = {};
                _cleanup_free_ char *s = NULL;
                size_t before = o->b.len;

                /* The columns stay columns; only the addresses wrap, under
                 * the first of them. */
                sb_appendf(&o->b, cJSON_GetArraySize(addrs) > 0 ? "  %-10s %-8s %-10s " : "  %-10s %-8s %s",
                           strempty(json_get_string(i, "name")), strempty(json_get_string(i, "operstate")),
                           cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(i, "carrier")) ? "carrier" : "no carrier");
                cJSON_ArrayForEach(a, addrs)
                        if (cJSON_IsString(a))
                                sb_appendf(&line, "%s%s", line.len ? " " : "", a->valuestring);
                if (sb_steal(&line, &s) < 0)
                        return;
                wrapped(o, s, o->b.len - before, o->b.len - before);
        }
        sb_appendf(&o->b, "  default route: %s, online: %s\n",
                   cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(conn, "defaultRoute")) ? "yes" : "no",
                   cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(conn, "online")) ? "yes" : "no");
}

/* One line under Network: "firewall: applied, 14 rules, 5 ports open, 6
 * only on wg0", or why it is not. */
static void print_firewall(Out *o, const cJSON *fw) {
        const cJSON *open = cJSON_GetObjectItemCaseSensitive(fw, "open"), *p;
        unsigned world = 0, only = 0;
        const char *ifname = NULL, *error = json_get_string(fw, "lastError");
        double rules = 0;
        StrBuf line = {};
        _cleanup_free_ char *s = NULL;

        if (!cJSON_IsObject(fw))
                return;
        cJSON_ArrayForEach(p, open) {
                const char *on = json_get_string(p, "only");
                if (on) {
                        only++;
                        ifname = on;
                } else
                        world++;
        }
        (void) json_get_number(fw, "rules", &rules);
        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(fw, "enabled")))
                sb_append(&line, "off (agent.firewall.enable is false: the ports are another firewall's)");
        else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(fw, "applied"))) {
                sb_appendf(&line, "applied, %.0f rules, %u port%s open", rules, world, world == 1 ? "" : "s");
                if (only > 0)
                        sb_appendf(&line, ", %u only on %s", only, ifname);
        } else
                sb_appendf(&line, "NOT applied (the ruleset before stays): %s", error ?: "not loaded yet");
        if (sb_steal(&line, &s) < 0)
                return;
        sb_append(&o->b, "  firewall: ");
        wrapped(o, s, 12, 4);
}

static void print_system(Out *o, const cJSON *sys) {
        double total, avail, load, cpus;
        const cJSON *clock = cJSON_GetObjectItemCaseSensitive(sys, "clockSynchronized");

        StrBuf line = {};
        _cleanup_free_ char *s = NULL;

        section(o, "System");
        if (json_get_number(sys, "memTotalBytes", &total) && json_get_number(sys, "memAvailableBytes", &avail)) {
                char a[32], t[32];
                human_bytes(a, sizeof a, avail);
                human_bytes(t, sizeof t, total);
                sb_appendf(&line, "memory %s of %s available, ", a, t);
        }
        if (json_get_number(sys, "load1", &load))
                sb_appendf(&line, "load %.2f%s", load, json_get_number(sys, "cpus", &cpus) ? "" : ", ");
        if (json_get_number(sys, "cpus", &cpus))
                sb_appendf(&line, " on %.0f CPUs, ", cpus);
        sb_appendf(&line, "clock %s", cJSON_IsTrue(clock) ? "synchronized" :
                                      cJSON_IsFalse(clock) ? "NOT synchronized" : "unknown");
        if (sb_steal(&line, &s) < 0)
                return;
        sb_append(&o->b, "  ");
        wrapped(o, s, 2, 4);
}

/* One line under System: who can log in over ssh. */
static void print_login(Out *o, const cJSON *login) {
        const char *user = json_get_string(login, "user");
        double n;

        if (!user)
                return;
        if (!json_get_number(login, "authorizedKeys", &n))
                sb_appendf(&o->b, "  ssh: the authorized keys of %s could not be read\n", user);
        else if (n == 0) {
                sb_append(&o->b, "  ssh: ");
                colored(o, "NOBODY");
                sb_appendf(&o->b, " can log in: %s has no authorized key (ssh.authorizedKeys)\n", user);
        } else
                sb_appendf(&o->b, "  ssh: %s can log in with %.0f authorized key%s\n", user, n, n == 1 ? "" : "s");
}

int status_to_text(const char *json, bool color, char **ret, char **ret_error) {
        _cleanup_(cJSON_Deletep) cJSON *root = cJSON_Parse(json);
        const cJSON *reasons, *r, *agent, *boot, *errors;
        const char *state;
        Out o = { .color = color };
        double uptime;

        if (!root || !cJSON_IsObject(root) || !streq_ptr(json_get_string(root, "schema"), STATUS_SCHEMA)) {
                *ret_error = strdup("the agent's answer is not a " STATUS_SCHEMA " document");
                return *ret_error ? -EINVAL : -ENOMEM;
        }
        state = json_get_string(root, "state");
        agent = cJSON_GetObjectItemCaseSensitive(root, "agent");
        boot = cJSON_GetObjectItemCaseSensitive(root, "boot");

        sb_appendf(&o.b, "%s (%s): ", json_get_string(root, "hostname") ?: "?", json_get_string(root, "network") ?: "?");
        colored(&o, state);
        if (json_get_number(boot, "uptimeSec", &uptime)) {
                /* floor() is inlined; fmod() would make the binary, and the
                 * root daemon with it, map libm for this one line. */
                double hours = floor(uptime / 3600);
                sb_appendf(&o.b, ", up %.0f h %.0f min", hours, floor((uptime - hours * 3600) / 60));
        }
        if (json_get_string(agent, "version"))
                sb_appendf(&o.b, ", agent %s", json_get_string(agent, "version"));
        sb_appendc(&o.b, '\n');

        reasons = cJSON_GetObjectItemCaseSensitive(root, "reasons");
        cJSON_ArrayForEach(r, reasons)
                if (cJSON_IsString(r)) {
                        sb_append(&o.b, "  - ");
                        wrapped(&o, r->valuestring, 4, 4);
                }
        errors = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "config"), "errors");
        if (cJSON_GetArraySize(errors) > 0) {
                section(&o, "node.json errors");
                cJSON_ArrayForEach(r, errors)
                        if (cJSON_IsString(r)) {
                                sb_append(&o.b, "  ");
                                wrapped(&o, r->valuestring, 2, 4);
                        }
        }

        print_mounts(&o, cJSON_GetObjectItemCaseSensitive(root, "mounts"));
        print_secrets(&o, cJSON_GetObjectItemCaseSensitive(root, "secrets"));
        print_units(&o, cJSON_GetObjectItemCaseSensitive(root, "units"));
        print_clients(&o, root);
        print_network(&o, cJSON_GetObjectItemCaseSensitive(root, "connectivity"));
        print_firewall(&o, cJSON_GetObjectItemCaseSensitive(root, "firewall"));
        print_system(&o, cJSON_GetObjectItemCaseSensitive(root, "system"));
        print_login(&o, cJSON_GetObjectItemCaseSensitive(root, "login"));
        print_controller(&o, cJSON_GetObjectItemCaseSensitive(root, "controller"));
        return sb_steal(&o.b, ret);
}
