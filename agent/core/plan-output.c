/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <cJSON.h>

#include "hsos/plan.h"
#include "hsos/util.h"

static size_t width_of(size_t n, const char *(*get)(const Plan *, size_t), const Plan *p, size_t min) {
        size_t w = min;

        for (size_t i = 0; i < n; i++) {
                size_t l = strlen(get(p, i));
                if (l > w)
                        w = l;
        }
        return w + 2;
}

static const char *mount_name(const Plan *p, size_t i) {
        return p->mounts[i].config->name;
}

static const char *unit_name(const Plan *p, size_t i) {
        return p->units[i].name;
}

static const char *dir_path(const Plan *p, size_t i) {
        return p->dirs[i].path;
}

static const char *secret_path(const Plan *p, size_t i) {
        return p->secrets[i].path;
}

int plan_to_text(const Plan *p, const Config *c, char **ret) {
        StrBuf b = {};
        size_t w;

        sb_appendf(&b, "Node %s on %s (time zone %s)\n", c->hostname, network_to_string(c->network), c->timezone);

        sb_append(&b, "\nMounts (parents first)\n");
        if (p->n_mounts == 0)
                sb_append(&b, "  none enabled\n");
        w = width_of(p->n_mounts, mount_name, p, 4);
        for (size_t i = 0; i < p->n_mounts; i++) {
                const PlanMount *m = &p->mounts[i];
                sb_appendf(&b, "  %s", m->config->name);
                sb_pad(&b, w + 2);
                sb_appendf(&b, "%s -> %s (%s, %s)", m->config->what, m->config->where,
                           m->fstype ?: m->config->type, m->config->options);
                if (m->device && !streq(m->device, m->config->what))
                        sb_appendf(&b, " on %s", m->device);
                sb_appendf(&b, "\n  ");
                sb_pad(&b, w + 2);
                sb_appendf(&b, "%s%s%s\n", mount_state_to_string(m->state), m->reason ? ": " : "",
                           strempty(m->reason));
        }

        sb_append(&b, "\nDirectories to create (where missing)\n");
        if (p->n_dirs == 0)
                sb_append(&b, "  none\n");
        w = width_of(p->n_dirs, dir_path, p, 4);
        for (size_t i = 0; i < p->n_dirs; i++) {
                const PlanDir *d = &p->dirs[i];
                sb_appendf(&b, "  %s", d->path);
                sb_pad(&b, w + 2);
                sb_appendf(&b, "%s:%s (%u) %04o%s\n", d->owner, d->owner, (unsigned) d->uid, (unsigned) d->mode,
                           d->data ? ", data" : "");
        }

        sb_append(&b, "\nSecrets (described, never shown)\n");
        w = width_of(p->n_secrets, secret_path, p, 4);
        for (size_t i = 0; i < p->n_secrets; i++) {
                const PlanSecret *s = &p->secrets[i];
                sb_appendf(&b, "  %s", secret_kind_to_string(s->kind));
                sb_pad(&b, 20);
                sb_append(&b, s->path);
                sb_pad(&b, 20 + w);
                sb_append(&b, secret_state_to_string(s->state));
                if (s->reason)
                        sb_appendf(&b, ": %s", s->reason);
                sb_appendc(&b, '\n');
                if (s->shared_with) {
                        sb_append(&b, "                    paired with ");
                        STRV_FOREACH(other, s->shared_with)
                                sb_appendf(&b, "%s%s", other == s->shared_with ? "" : ", ", *other);
                        sb_append(&b, " (one secret for the engine API)\n");
                }
        }

        sb_append(&b, "\nUnits (in start order)\n");
        if (p->n_units == 0)
                sb_append(&b, "  no client enabled\n");
        w = width_of(p->n_units, unit_name, p, 4);
        for (size_t i = 0; i < p->n_units; i++) {
                const PlanUnit *u = &p->units[i];
                sb_appendf(&b, "  %s", u->name);
                sb_pad(&b, w + 2);
                sb_appendf(&b, "%s%s%s\n", unit_state_to_string(u->state), u->reason ? ": " : "",
                           strempty(u->reason));
        }

        if (p->firewall) {
                const Firewall *fw = p->firewall;
                if (fw->enabled)
                        sb_appendf(&b, "\nFirewall (inbound, table inet %s, %u rules; everything else dropped)\n",
                                   FIREWALL_TABLE, fw->n_rules);
                else
                        sb_append(&b, "\nFirewall: off (agent.firewall.enable is false); the ports the node needs:\n");
                for (size_t i = 0; i < fw->n_ports; i++) {
                        _cleanup_free_ char *line = NULL;
                        if (firewall_port_describe(fw, &fw->ports[i], &line) < 0)
                                return -ENOMEM;
                        sb_appendf(&b, "  %s\n", line);
                }
                STRV_FOREACH(n, fw->notes)
                        sb_appendf(&b, "  %s\n", *n);
        }

        if (p->n_dropins > 0) {
                sb_append(&b, "\nDrop-ins for units the agent does not own\n");
                for (size_t i = 0; i < p->n_dropins; i++) {
                        const PlanDropIn *d = &p->dropins[i];
                        const char *line = strstr(d->content, "RequiresMountsFor=");
                        sb_appendf(&b, "  %s.d/%s: %.*s\n", d->unit, d->name,
                                   line ? (int) strcspn(line, "\n") : 0, strempty(line));
                }
        }
        if (p->notes) {
                sb_append(&b, "\nNotes\n");
                STRV_FOREACH(n, p->notes)
                        sb_appendf(&b, "  %s\n", *n);
        }
        return sb_steal(&b, ret);
}

static cJSON *string_or_null(const char *s) {
        return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static bool add(cJSON *o, const char *key, cJSON *v) {
        if (!v)
                return false;
        if (!cJSON_AddItemToObject(o, key, v)) {
                cJSON_Delete(v);
                return false;
        }
        return true;
}

static bool push(cJSON *a, cJSON *v) {
        if (!v)
                return false;
        if (!cJSON_AddItemToArray(a, v)) {
                cJSON_Delete(v);
                return false;
        }
        return true;
}

cJSON *firewall_to_json(const Firewall *fw) {
        _cleanup_(cJSON_Deletep) cJSON *o = cJSON_CreateObject();
        cJSON *open = NULL, *notes = NULL;
        bool ok = !!o;

        ok = ok && add(o, "enabled", cJSON_CreateBool(fw->enabled));
        ok = ok && add(o, "rules", cJSON_CreateNumber(fw->n_rules));
        ok = ok && add(o, "open", open = cJSON_CreateArray());
        for (size_t i = 0; ok && i < fw->n_ports; i++) {
                const FirewallPort *fp = &fw->ports[i];
                cJSON *e = cJSON_CreateObject();
                ok = push(open, e);
                ok = ok && add(e, "port", cJSON_CreateNumber(fp->port));
                ok = ok && add(e, "proto", cJSON_CreateString(firewall_protos_to_string(fp->protos)));
                ok = ok && add(e, "why", cJSON_CreateString(fp->why));
                ok = ok && add(e, "only", fp->scope == FIREWALL_OPEN ? cJSON_CreateNull() :
                                          cJSON_CreateString(fw->private_ifname ?: "lo"));
        }
        ok = ok && add(o, "notes", notes = cJSON_CreateArray());
        STRV_FOREACH(n, fw->notes)
                ok = ok && push(notes, cJSON_CreateString(*n));
        return ok ? TAKE_PTR(o) : NULL;
}

int plan_to_json(const Plan *p, const Config *c, char **ret) {
        return plan_to_json_with_actions(p, c, NULL, ret);
}

/* Takes actions (freed here, also on failure). */
int plan_to_json_with_actions(const Plan *p, const Config *c, cJSON *actions, char **ret) {
        _cleanup_(cJSON_Deletep) cJSON *owned = actions, *root = cJSON_CreateObject();
        cJSON *mounts, *dirs, *secrets, *units, *dropins, *notes;
        bool ok = true;
        char *s;

        if (!root)
                return -ENOMEM;
        ok = ok && add(root, "hostname", cJSON_CreateString(c->hostname));
        ok = ok && add(root, "network", cJSON_CreateString(network_to_string(c->network)));
        ok = ok && add(root, "timezone", cJSON_CreateString(c->timezone));
        ok = ok && add(root, "mounts", mounts = cJSON_CreateArray());
        ok = ok && add(root, "directories", dirs = cJSON_CreateArray());
        ok = ok && add(root, "secrets", secrets = cJSON_CreateArray());
        ok = ok && add(root, "units", units = cJSON_CreateArray());
        ok = ok && add(root, "dropins", dropins = cJSON_CreateArray());
        ok = ok && add(root, "notes", notes = cJSON_CreateArray());
        if (!ok)
                return -ENOMEM;

        for (size_t i = 0; ok && i < p->n_mounts; i++) {
                const PlanMount *m = &p->mounts[i];
                cJSON *o = cJSON_CreateObject();
                ok = push(mounts, o);
                ok = ok && add(o, "name", cJSON_CreateString(m->config->name));
                ok = ok && add(o, "what", cJSON_CreateString(m->config->what));
                ok = ok && add(o, "where", cJSON_CreateString(m->config->where));
                ok = ok && add(o, "type", cJSON_CreateString(m->config->type));
                ok = ok && add(o, "options", cJSON_CreateString(m->config->options));
                ok = ok && add(o, "device", string_or_null(m->device));
                ok = ok && add(o, "fstype", string_or_null(m->fstype));
                ok = ok && add(o, "state", cJSON_CreateString(mount_state_to_string(m->state)));
                ok = ok && add(o, "reason", string_or_null(m->reason));
        }
        for (size_t i = 0; ok && i < p->n_dirs; i++) {
                const PlanDir *d = &p->dirs[i];
                char mode[8];
                cJSON *o = cJSON_CreateObject();
                snprintf(mode, sizeof mode, "%04o", (unsigned) d->mode);
                ok = push(dirs, o);
                ok = ok && add(o, "path", cJSON_CreateString(d->path));
                ok = ok && add(o, "owner", cJSON_CreateString(d->owner));
                ok = ok && add(o, "uid", cJSON_CreateNumber(d->uid));
                ok = ok && add(o, "gid", cJSON_CreateNumber(d->gid));
                ok = ok && add(o, "mode", cJSON_CreateString(mode));
                ok = ok && add(o, "data", cJSON_CreateBool(d->data));
        }
        for (size_t i = 0; ok && i < p->n_secrets; i++) {
                const PlanSecret *sc = &p->secrets[i];
                cJSON *o = cJSON_CreateObject(), *us = NULL;
                ok = push(secrets, o);
                ok = ok && add(o, "kind", cJSON_CreateString(secret_kind_to_string(sc->kind)));
                ok = ok && add(o, "path", cJSON_CreateString(sc->path));
                ok = ok && add(o, "state", cJSON_CreateString(secret_state_to_string(sc->state)));
                ok = ok && add(o, "reason", string_or_null(sc->reason));
                ok = ok && add(o, "units", us = cJSON_CreateArray());
                STRV_FOREACH(u, sc->units)
                        ok = ok && push(us, cJSON_CreateString(*u));
                if (sc->kind == SECRET_JWT) {
                        cJSON *sw = NULL;
                        ok = ok && add(o, "sharedWith", sw = cJSON_CreateArray());
                        STRV_FOREACH(other, sc->shared_with)
                                ok = ok && push(sw, cJSON_CreateString(*other));
                        ok = ok && add(o, "copyFrom", string_or_null(sc->copy_from));
                }
        }
        for (size_t i = 0; ok && i < p->n_units; i++) {
                const PlanUnit *u = &p->units[i];
                cJSON *o = cJSON_CreateObject();
                ok = push(units, o);
                ok = ok && add(o, "name", cJSON_CreateString(u->name));
                ok = ok && add(o, "client", cJSON_CreateString(client_to_string(u->client)));
                ok = ok && add(o, "executable", cJSON_CreateString(u->executable));
                ok = ok && add(o, "role", cJSON_CreateString(role_to_string(client_info(u->client)->role)));
                ok = ok && add(o, "state", cJSON_CreateString(unit_state_to_string(u->state)));
                ok = ok && add(o, "reason", string_or_null(u->reason));
        }
        for (size_t i = 0; ok && i < p->n_dropins; i++) {
                const PlanDropIn *d = &p->dropins[i];
                cJSON *o = cJSON_CreateObject();
                ok = push(dropins, o);
                ok = ok && add(o, "unit", cJSON_CreateString(d->unit));
                ok = ok && add(o, "name", cJSON_CreateString(d->name));
                ok = ok && add(o, "content", cJSON_CreateString(d->content));
        }
        STRV_FOREACH(n, p->notes)
                ok = ok && push(notes, cJSON_CreateString(*n));
        if (ok && p->firewall)
                ok = add(root, "firewall", firewall_to_json(p->firewall));
        if (ok && owned)
                ok = add(root, "actions", TAKE_PTR(owned));
        if (!ok)
                return -ENOMEM;

        s = cJSON_Print(root);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}
