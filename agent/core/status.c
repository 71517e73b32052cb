/* SPDX-License-Identifier: MIT */
/* The status document (hsos.status/1) and how the node's state is decided:
 * docs/status.md. Pure: built from the config, the plan and the facts. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cJSON.h>

#include "hsos/sshd.h"
#include "hsos/status.h"
#include "hsos/util.h"

static const char * const node_state_table[_NODE_STATE_MAX] = {
        [NODE_STARTING] = "starting",
        [NODE_OPERATIONAL] = "operational",
        [NODE_DEGRADED] = "degraded",
        [NODE_FAILED] = "failed",
        [NODE_CONFIG_ERROR] = "config-error",
};

const char *node_state_to_string(NodeState s) {
        return s >= 0 && s < _NODE_STATE_MAX ? node_state_table[s] : NULL;
}

NodeState node_state_from_string(const char *s) {
        for (NodeState i = 0; i < _NODE_STATE_MAX; i++)
                if (streq(node_state_table[i], s))
                        return i;
        return _NODE_STATE_INVALID;
}

int node_state_exit_code(NodeState s) {
        switch (s) {
        case NODE_OPERATIONAL:
                return 0;
        case NODE_STARTING:
        case NODE_DEGRADED:
                return 1;
        case NODE_FAILED:
        case NODE_CONFIG_ERROR:
                return 2;
        case _NODE_STATE_MAX:
        case _NODE_STATE_INVALID:
                break;
        }
        return 3;
}

/* ---- units and mounts as the status shows them ---- */

typedef enum UnitStatus {
        US_ACTIVE,
        US_ACTIVATING,
        US_INACTIVE,
        US_FAILED,
        US_BLOCKED,
        US_WAITING,
        _US_MAX,
} UnitStatus;

static const char * const unit_status_table[_US_MAX] = {
        [US_ACTIVE] = "active",
        [US_ACTIVATING] = "activating",
        [US_INACTIVE] = "inactive",
        [US_FAILED] = "failed",
        [US_BLOCKED] = "blocked",
        [US_WAITING] = "waiting",
};

static bool crash_looping(const FactUnit *fu) {
        return fu && fu->restarts_recent >= CRASH_LOOP_RESTARTS;
}

static UnitStatus unit_status(const PlanUnit *u, const FactUnit *fu) {
        switch (u->state) {
        case UNIT_BLOCKED:
                return US_BLOCKED;
        case UNIT_WAITING:
                return US_WAITING;
        case UNIT_READY:
        case _UNIT_STATE_MAX:
        case _UNIT_STATE_INVALID:
                break;
        }
        if (!fu || !fu->active_state)
                return US_INACTIVE;
        /* systemd keeps restarting it, but it is failing. */
        if (crash_looping(fu) || streq(fu->active_state, "failed"))
                return US_FAILED;
        if (streq(fu->active_state, "active") || streq(fu->active_state, "reloading"))
                return US_ACTIVE;
        if (streq(fu->active_state, "activating"))
                return US_ACTIVATING;
        return US_INACTIVE;
}

static const char *mount_status(const PlanMount *pm) {
        switch (pm->state) {
        case MOUNT_MOUNTED:
                return "mounted";
        case MOUNT_PENDING:
        case MOUNT_WAITING:
                return "waiting";
        case MOUNT_FAILED:
        case _MOUNT_STATE_MAX:
        case _MOUNT_STATE_INVALID:
                break;
        }
        return "failed";
}

static const PlanMount *plan_mount(const Plan *p, const MountConfig *mc) {
        for (size_t i = 0; p && i < p->n_mounts; i++)
                if (p->mounts[i].config == mc)
                        return &p->mounts[i];
        return NULL;
}

/* ---- the state and its reasons ---- */

static int unit_reason(char ***l, const PlanUnit *u, const FactUnit *fu, UnitStatus st) {
        switch (st) {
        case US_BLOCKED:
                return strv_extendf(l, "%s blocked: %s", u->name, strempty(u->reason));
        case US_WAITING:
                return strv_extendf(l, "%s waiting: %s", u->name, strempty(u->reason));
        case US_FAILED:
                if (crash_looping(fu))
                        return strv_extendf(l, "%s is crash-looping: %u restarts within 5 minutes (%u in all), "
                                      "last result %s, exit status %d", u->name, fu->restarts_recent, fu->restarts,
                                      strempty(fu->result), fu->exit_status);
                return strv_extendf(l, "%s failed: result %s, exit status %d, %u restarts", u->name,
                              fu ? strempty(fu->result) : "unknown", fu ? fu->exit_status : 0, fu ? fu->restarts : 0);
        case US_ACTIVATING:
                if (fu && streq_ptr(fu->sub_state, "auto-restart"))
                        return strv_extendf(l, "%s is restarting (%u restarts so far)", u->name, fu->restarts);
                return strv_extendf(l, "%s is starting", u->name);
        case US_INACTIVE:
                return strv_extendf(l, "%s is not running", u->name);
        case US_ACTIVE:
        case _US_MAX:
                break;
        }
        return 0;
}

int status_evaluate(const StatusInput *in, NodeState *ret_state, char ***ret_reasons) {
        _cleanup_strv_free_ char **reasons = NULL;
        const Config *c = in->config;
        const Facts *f = in->facts;
        bool failed = false;
        int r;

        if (!c) {
                r = strv_extendf(&reasons, "node.json is invalid (%zu error%s, see config.errors): nothing was mounted or started",
                           strv_length(in->config_errors), strv_length(in->config_errors) == 1 ? "" : "s");
                if (r < 0)
                        return r;
                *ret_state = NODE_CONFIG_ERROR;
                *ret_reasons = TAKE_PTR(reasons);
                return 0;
        }
        if (in->reload_refused &&
            (r = strv_extendf(&reasons, "a reload of node.json was refused (%zu error%s, see config.errors): the node runs "
                        "as it was", strv_length(in->config_errors), strv_length(in->config_errors) == 1 ? "" : "s")) < 0)
                return r;

        for (size_t i = 0; in->plan && i < in->plan->n_mounts; i++) {
                const PlanMount *pm = &in->plan->mounts[i];
                const MountConfig *mc = pm->config;
                const FactSpace *sp;

                if (pm->state == MOUNT_PENDING)
                        r = strv_extendf(&reasons, "mount %s (%s) is not mounted yet", mc->name, mc->where);
                else if (pm->state == MOUNT_WAITING)
                        r = strv_extendf(&reasons, "mount %s (%s) is waiting: %s", mc->name, mc->where, strempty(pm->reason));
                else if (pm->state == MOUNT_FAILED)
                        r = strv_extendf(&reasons, "mount %s (%s) failed: %s", mc->name, mc->where, strempty(pm->reason));
                else if ((sp = f ? facts_find_space(f, mc->where) : NULL) && sp->size > 0) {
                        double free_pct = 100.0 * (double) sp->avail / (double) sp->size;
                        if (free_pct < 2)
                                r = strv_extendf(&reasons, "mount %s (%s) is almost full: %.1f%% free (critical)", mc->name,
                                           mc->where, free_pct);
                        else if (free_pct < 10)
                                r = strv_extendf(&reasons, "mount %s (%s) is low on space: %.1f%% free", mc->name,
                                           mc->where, free_pct);
                        else
                                r = 0;
                } else
                        r = 0;
                if (r < 0)
                        return r;
        }

        for (size_t i = 0; in->plan && i < in->plan->n_units; i++) {
                const PlanUnit *u = &in->plan->units[i];
                const FactUnit *fu = f ? facts_find_unit(f, u->name) : NULL;
                UnitStatus st = unit_status(u, fu);

                if (st == US_FAILED)
                        failed = true;
                r = unit_reason(&reasons, u, fu, st);
                if (r < 0)
                        return r;
        }

        /* The clients' word counts for a client whose unit runs: a unit that is
         * blocked, starting or failed has said why already. Without units to
         * ask (no systemd), the plan alone speaks. */
        for (size_t i = 0; in->health && in->plan && i < in->health->n_clients; i++) {
                const ClientHealth *h = &in->health->clients[i];
                const PlanUnit *u = plan_find_client_unit(in->plan, h->client);

                if (!u || unit_status(u, f ? facts_find_unit(f, u->name) : NULL) != US_ACTIVE)
                        continue;
                r = health_reasons(h, c->network, &reasons);
                if (r < 0)
                        return r;
        }

        if (f && f->system.clock_synchronized == 0 &&
            (r = strv_extendf(&reasons, "the system clock is not synchronized (the JWT between the clients carries a time "
                        "that must be within 60 s)")) < 0)
                return r;

        STRV_FOREACH(p, in->problems)
                if ((r = strv_extend(&reasons, *p)) < 0)
                        return r;
        /* A firewall the plan asks for that is not the one loaded: the node
         * keeps the ruleset before (or none), the error says why. */
        if (in->evaluated && in->plan && in->plan->firewall && !in->firewall.applied &&
            (r = strv_extendf(&reasons, "the firewall was not loaded (the ruleset before stays): %s",
                              in->firewall.last_error ?: "not loaded yet")) < 0)
                return r;

        if (!in->evaluated) {
                r = strv_extend(&reasons, "the agent has not finished its first evaluation");
                if (r < 0)
                        return r;
                *ret_state = NODE_STARTING;
        } else if (failed)
                *ret_state = NODE_FAILED;
        else if (reasons)
                *ret_state = NODE_DEGRADED;
        else
                *ret_state = NODE_OPERATIONAL;
        if (!reasons && !(reasons = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret_reasons = TAKE_PTR(reasons);
        return 0;
}

/* ---- the document ---- */

typedef struct Doc {
        bool ok;
} Doc;

static cJSON *add(Doc *d, cJSON *o, const char *key, cJSON *v) {
        if (!v) {
                d->ok = false;
                return NULL;
        }
        if (cJSON_IsArray(o) ? !cJSON_AddItemToArray(o, v) : !cJSON_AddItemToObject(o, key, v)) {
                cJSON_Delete(v);
                d->ok = false;
                return NULL;
        }
        return v;
}

static cJSON *str_or_null(const char *s) {
        return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *num_or_null(uint64_t v) {
        return v == UINT64_MAX ? cJSON_CreateNull() : cJSON_CreateNumber((double) v);
}

static cJSON *time_rfc3339(uint64_t usec) {
        char buf[32];

        return format_rfc3339(usec, buf) ? cJSON_CreateString(buf) : cJSON_CreateNull();
}

static cJSON *strv_json(Doc *d, char **l) {
        cJSON *a = cJSON_CreateArray();

        STRV_FOREACH(s, l)
                add(d, a, NULL, cJSON_CreateString(*s));
        return a;
}

static const char *secret_status(const PlanSecret *s, char **created) {
        switch (s->state) {
        case SECRET_PRESENT:
                return strv_contains(created, s->path) ? "created" : "present";
        case SECRET_CREATE:
                /* Planned before it was written: the agent created it since. */
                return strv_contains(created, s->path) ? "created" : "missing";
        case SECRET_MISSING:
                return "missing";
        case SECRET_INVALID:
                return "invalid";
        case SECRET_BLOCKED:
        case SECRET_FAILED: /* its units wait, as for a blocked one; the reason says why */
        case _SECRET_STATE_MAX:
        case _SECRET_STATE_INVALID:
                break;
        }
        return "blocked";
}

static void build_mounts(Doc *d, cJSON *root, const StatusInput *in) {
        cJSON *a = add(d, root, "mounts", cJSON_CreateArray());

        for (size_t i = 0; a && in->config && i < in->config->n_mounts; i++) {
                const MountConfig *mc = &in->config->mounts[i];
                const PlanMount *pm = plan_mount(in->plan, mc);
                const FactSpace *sp = pm && pm->state == MOUNT_MOUNTED && in->facts
                        ? facts_find_space(in->facts, mc->where) : NULL;
                cJSON *o = add(d, a, NULL, cJSON_CreateObject());

                if (!o)
                        return;
                add(d, o, "name", cJSON_CreateString(mc->name));
                add(d, o, "what", str_or_null(mc->what));
                add(d, o, "device", str_or_null(pm ? pm->device : NULL));
                add(d, o, "where", str_or_null(mc->where));
                add(d, o, "type", str_or_null(pm && pm->fstype ? pm->fstype : mc->type));
                add(d, o, "options", str_or_null(mc->options));
                add(d, o, "state", cJSON_CreateString(pm ? mount_status(pm) : "disabled"));
                add(d, o, "error", str_or_null(pm && pm->state != MOUNT_MOUNTED ? pm->reason : NULL));
                add(d, o, "sizeBytes", num_or_null(sp ? sp->size : UINT64_MAX));
                add(d, o, "usedBytes", num_or_null(sp ? sp->used : UINT64_MAX));
                add(d, o, "availBytes", num_or_null(sp ? sp->avail : UINT64_MAX));
        }
}

static void build_secrets(Doc *d, cJSON *root, const StatusInput *in) {
        cJSON *a = add(d, root, "secrets", cJSON_CreateArray());

        for (size_t i = 0; a && in->plan && i < in->plan->n_secrets; i++) {
                const PlanSecret *s = &in->plan->secrets[i];
                cJSON *o = add(d, a, NULL, cJSON_CreateObject());

                if (!o)
                        return;
                add(d, o, "kind", cJSON_CreateString(secret_kind_to_string(s->kind)));
                add(d, o, "path", cJSON_CreateString(s->path));
                add(d, o, "state", cJSON_CreateString(secret_status(s, in->created_secrets)));
                add(d, o, "reason", str_or_null(s->reason));
        }
}

static void build_units(Doc *d, cJSON *root, const StatusInput *in) {
        cJSON *a = add(d, root, "units", cJSON_CreateArray());

        for (size_t i = 0; a && in->plan && i < in->plan->n_units; i++) {
                const PlanUnit *u = &in->plan->units[i];
                const FactUnit *fu = in->facts ? facts_find_unit(in->facts, u->name) : NULL;
                UnitStatus st = unit_status(u, fu);
                _cleanup_strv_free_ char **why = NULL;
                cJSON *o = add(d, a, NULL, cJSON_CreateObject());

                if (!o)
                        return;
                if (unit_reason(&why, u, fu, st) < 0)
                        d->ok = false;
                add(d, o, "name", cJSON_CreateString(u->name));
                add(d, o, "role", cJSON_CreateString(role_to_string(client_info(u->client)->role)));
                add(d, o, "client", cJSON_CreateString(client_to_string(u->client)));
                add(d, o, "state", cJSON_CreateString(unit_status_table[st]));
                add(d, o, "subState", str_or_null(fu ? fu->sub_state : NULL));
                add(d, o, "restarts", fu ? cJSON_CreateNumber(fu->restarts) : cJSON_CreateNull());
                add(d, o, "exitStatus", fu ? cJSON_CreateNumber(fu->exit_status) : cJSON_CreateNull());
                add(d, o, "reason", str_or_null(why ? why[0] : NULL));
        }
}

static void build_connectivity(Doc *d, cJSON *root, const StatusInput *in) {
        const Facts *f = in->facts;
        cJSON *o = add(d, root, "connectivity", cJSON_CreateObject()), *ifs;
        bool online = false;

        if (!o)
                return;
        ifs = cJSON_CreateArray();
        for (size_t i = 0; f && ifs && i < f->n_links; i++) {
                const FactLink *l = &f->links[i];
                cJSON *x = add(d, ifs, NULL, cJSON_CreateObject()), *addrs;

                if (!x)
                        break;
                add(d, x, "name", cJSON_CreateString(l->ifname));
                add(d, x, "operstate", str_or_null(l->operstate));
                add(d, x, "carrier", cJSON_CreateBool(l->carrier));
                addrs = add(d, x, "addresses", cJSON_CreateArray());
                for (size_t k = 0; addrs && k < f->n_addresses; k++) {
                        const FactAddress *fa = &f->addresses[k];
                        char buf[80];

                        if (!streq_ptr(fa->ifname, l->ifname))
                                continue;
                        if (fa->prefixlen > 0)
                                snprintf(buf, sizeof buf, "%s/%u", fa->address, fa->prefixlen);
                        else
                                snprintf(buf, sizeof buf, "%s", fa->address);
                        add(d, addrs, NULL, cJSON_CreateString(buf));
                        if (!streq(l->ifname, "lo") && l->carrier)
                                online = true;
                }
        }
        add(d, o, "online", cJSON_CreateBool(online && f && f->system.default_route));
        add(d, o, "defaultRoute", cJSON_CreateBool(f && f->system.default_route));
        add(d, o, "interfaces", ifs);
}

/* What the plan asks (enabled, open) beside what was loaded (applied,
 * rules, lastError), as spec/status.md's firewall section has it; null
 * without a plan. */
static void build_firewall(Doc *d, cJSON *root, const StatusInput *in) {
        const Firewall *fw = in->plan ? in->plan->firewall : NULL;
        cJSON *o, *open;

        if (!fw) {
                add(d, root, "firewall", cJSON_CreateNull());
                return;
        }
        o = add(d, root, "firewall", cJSON_CreateObject());
        if (!o)
                return;
        add(d, o, "enabled", cJSON_CreateBool(fw->enabled));
        add(d, o, "applied", cJSON_CreateBool(in->firewall.applied));
        add(d, o, "rules", cJSON_CreateNumber(in->firewall.rules)); /* in the kernel: the last that loaded */
        open = add(d, o, "open", cJSON_CreateArray());
        for (size_t i = 0; open && fw->enabled && i < fw->n_ports; i++) {
                const FirewallPort *fp = &fw->ports[i];
                cJSON *e = add(d, open, NULL, cJSON_CreateObject());

                if (!e)
                        break;
                add(d, e, "port", cJSON_CreateNumber(fp->port));
                add(d, e, "proto", cJSON_CreateString(firewall_protos_to_string(fp->protos)));
                add(d, e, "why", cJSON_CreateString(fp->why));
                add(d, e, "only", fp->scope == FIREWALL_OPEN ? cJSON_CreateNull() :
                                  cJSON_CreateString(fw->private_ifname ?: "lo"));
        }
        add(d, o, "lastError", str_or_null(in->firewall.last_error));
}

static void build_system(Doc *d, cJSON *root, const StatusInput *in) {
        const FactSystem *s = in->facts ? &in->facts->system : NULL;
        cJSON *o = add(d, root, "system", cJSON_CreateObject());

        if (!o)
                return;
        add(d, o, "memTotalBytes", num_or_null(s ? s->mem_total : UINT64_MAX));
        add(d, o, "memAvailableBytes", num_or_null(s ? s->mem_available : UINT64_MAX));
        add(d, o, "rootUsedBytes", num_or_null(s ? s->root_used : UINT64_MAX));
        /* Rounded to two places: floor (inlined), not round(), which would
         * make the root daemon map libm for it. */
        add(d, o, "load1", s && s->load1 >= 0 ? cJSON_CreateNumber(floor(s->load1 * 100 + 0.5) / 100)
                                              : cJSON_CreateNull());
        add(d, o, "cpus", s && s->cpus ? cJSON_CreateNumber(s->cpus) : cJSON_CreateNull());
        add(d, o, "clockSynchronized", !s || s->clock_synchronized < 0 ? cJSON_CreateNull()
                                                                       : cJSON_CreateBool(s->clock_synchronized));
}

static void build_health(Doc *d, cJSON *root, const StatusInput *in) {
        cJSON *ex = add(d, root, "execution", cJSON_CreateArray());
        cJSON *co = add(d, root, "consensus", cJSON_CreateArray());

        for (size_t i = 0; ex && co && in->health && i < in->health->n_clients; i++) {
                const ClientHealth *h = &in->health->clients[i];
                add(d, h->role == ROLE_EXECUTION ? ex : co, NULL, health_to_json(h));
        }
}

static cJSON *controller_json(Doc *d, const ControllerStatus *cs) {
        cJSON *o;

        if (!cs->enabled)
                return cJSON_CreateNull();
        o = cJSON_CreateObject();
        add(d, o, "lastOkAt", time_rfc3339(cs->last_ok_usec));
        add(d, o, "lastError", str_or_null(cs->last_error));
        return o;
}

int status_build(const StatusInput *in, char **ret_json) {
        _cleanup_(cJSON_Deletep) cJSON *root = cJSON_CreateObject();
        _cleanup_strv_free_ char **reasons = NULL;
        const Config *c = in->config;
        const FactSystem *sys = in->facts ? &in->facts->system : NULL;
        cJSON *o;
        NodeState state;
        Doc d = { .ok = true };
        char *s;
        int r;

        if (!root)
                return -ENOMEM;
        r = status_evaluate(in, &state, &reasons);
        if (r < 0)
                return r;

        add(&d, root, "schema", cJSON_CreateString(STATUS_SCHEMA));
        add(&d, root, "generatedAt", time_rfc3339(in->now_usec));
        add(&d, root, "hostname", str_or_null(c ? c->hostname : NULL));
        add(&d, root, "network", str_or_null(c ? network_to_string(c->network) : NULL));
        add(&d, root, "state", cJSON_CreateString(node_state_to_string(state)));
        add(&d, root, "reasons", strv_json(&d, reasons));

        if ((o = add(&d, root, "agent", cJSON_CreateObject()))) {
                add(&d, o, "version", str_or_null(in->version));
                add(&d, o, "pid", cJSON_CreateNumber(in->pid));
                add(&d, o, "startedAt", time_rfc3339(in->started_at_usec));
                add(&d, o, "configSha256", str_or_null(in->config_sha256));
        }
        if ((o = add(&d, root, "boot", cJSON_CreateObject()))) {
                add(&d, o, "id", str_or_null(sys ? sys->boot_id : NULL));
                add(&d, o, "machineId", str_or_null(sys ? sys->machine_id : NULL));
                add(&d, o, "kernel", str_or_null(sys ? sys->kernel : NULL));
                add(&d, o, "uptimeSec", num_or_null(sys ? sys->uptime_sec : UINT64_MAX));
        }
        if ((o = add(&d, root, "config", cJSON_CreateObject())))
                add(&d, o, "errors", strv_json(&d, in->config_errors));

        build_mounts(&d, root, in);
        build_secrets(&d, root, in);
        build_units(&d, root, in);
        build_health(&d, root, in);
        build_connectivity(&d, root, in);
        build_system(&d, root, in);
        /* Who can log in: a node nobody can reach over ssh says so. Not a
         * reason: the node does its duty all the same (see docs). */
        if ((o = add(&d, root, "login", cJSON_CreateObject()))) {
                add(&d, o, "user", cJSON_CreateString(SSH_LOGIN_USER));
                add(&d, o, "authorizedKeys", in->facts && in->facts->login_keys >= 0
                                             ? cJSON_CreateNumber(in->facts->login_keys) : cJSON_CreateNull());
        }
        if ((o = add(&d, root, "controller", cJSON_CreateObject()))) {
                add(&d, o, "etcd", controller_json(&d, &in->etcd));
                add(&d, o, "http", controller_json(&d, &in->http));
        }
        build_firewall(&d, root, in);
        if (!d.ok)
                return -ENOMEM;

        s = cJSON_Print(root);
        if (!s)
                return -ENOMEM;
        *ret_json = s;
        return 0;
}

int status_change_key(const char *json, char **ret) {
        _cleanup_(cJSON_Deletep) cJSON *root = cJSON_Parse(json);
        const cJSON *v;
        StrBuf b = {};

        if (!root)
                return -EINVAL;
        sb_append(&b, strempty(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "state"))));
        cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(root, "reasons")) {
                sb_appendc(&b, '\n');
                sb_append(&b, strempty(cJSON_GetStringValue(v)));
        }
        cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(root, "units"))
                sb_appendf(&b, "\n%s=%s", strempty(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "name"))),
                           strempty(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "state"))));
        return sb_steal(&b, ret);
}
