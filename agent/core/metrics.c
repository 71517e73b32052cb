/* SPDX-License-Identifier: MIT */
/* The status document as Prometheus text (exposition format 0.0.4), for
 * node-exporter's textfile collector. Families are written one at a time
 * (HELP, TYPE, then every sample), so a family's samples stay together. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <cJSON.h>

#include "hsos/json-doc.h"
#include "hsos/metrics.h"
#include "hsos/status.h"
#include "hsos/util.h"

/* A hostile document cannot make the output grow without bound: each list
 * counts this many elements at most. */
#define ELEMENTS_MAX 256

typedef struct Metrics {
        StrBuf b;
        const char *name, *type, *help;  /* the family being written */
        bool header_done;
        char **seen;                     /* "name{labels}" of every series written */
        size_t n_seen;
        int err;
} Metrics;

static void family(Metrics *m, const char *name, const char *type, const char *help) {
        m->name = name;
        m->type = type;
        m->help = help;
        m->header_done = false;
}

/* Label values are escaped as the format says: \\, \", \n. */
static void label_value(StrBuf *b, const char *v) {
        for (const char *p = v; *p; p++)
                switch (*p) {
                case '\\':
                        sb_append(b, "\\\\");
                        break;
                case '"':
                        sb_append(b, "\\\"");
                        break;
                case '\n':
                        sb_append(b, "\\n");
                        break;
                default:
                        sb_appendc(b, *p);
                }
}

/* Label pairs (name, value, ..., NULL) as {a="x",b="y"}; a NULL value is "". */
static int labels(char **ret, ...) {
        StrBuf b = {};
        va_list ap;
        bool first = true;

        va_start(ap, ret);
        for (const char *k; (k = va_arg(ap, const char *));) {
                const char *v = va_arg(ap, const char *);

                sb_append(&b, first ? "{" : ",");
                sb_appendf(&b, "%s=\"", k);
                label_value(&b, strempty(v));
                sb_appendc(&b, '"');
                first = false;
        }
        va_end(ap);
        if (!first)
                sb_appendc(&b, '}');
        return sb_steal(&b, ret);
}

static bool seen(Metrics *m, const char *series) {
        for (size_t i = 0; i < m->n_seen; i++)
                if (streq(m->seen[i], series))
                        return true;
        return false;
}

static void sample(Metrics *m, const char *lbl, double v) {
        _cleanup_free_ char *series = NULL;
        char **s;

        if (m->err || !isfinite(v))
                return;
        if (asprintf(&series, "%s%s", m->name, strempty(lbl)) < 0) {
                m->err = -ENOMEM;
                return;
        }
        if (seen(m, series))
                return;
        s = realloc(m->seen, (m->n_seen + 1) * sizeof(char *));
        if (!s) {
                m->err = -ENOMEM;
                return;
        }
        m->seen = s;
        if (!m->header_done) {
                sb_appendf(&m->b, "# HELP %s %s\n# TYPE %s %s\n", m->name, m->help, m->name, m->type);
                m->header_done = true;
        }
        if (v == trunc(v) && fabs(v) < 9007199254740992.0)
                sb_appendf(&m->b, "%s %.0f\n", series, v);
        else
                sb_appendf(&m->b, "%s %.15g\n", series, v);
        m->seen[m->n_seen++] = TAKE_PTR(series);
}

static const cJSON *get(const cJSON *o, const char *key) {
        return cJSON_GetObjectItemCaseSensitive(o, key);
}

typedef enum ValueKind {
        VALUE_NUMBER,
        VALUE_BOOL,
        VALUE_MS,         /* milliseconds, written as seconds */
        VALUE_TIME,       /* RFC 3339, written as seconds since the epoch */
        VALUE_COUNT,      /* the length of a list */
        _VALUE_KIND_MAX,
        _VALUE_KIND_INVALID = -EINVAL,
} ValueKind;

/* The value of field in o, or false when it is null, absent or of another type. */
static bool value_of(const cJSON *o, const char *field, ValueKind kind, double *ret) {
        const cJSON *v = get(o, field);
        uint64_t usec;

        switch (kind) {
        case VALUE_NUMBER:
                if (!cJSON_IsNumber(v))
                        return false;
                *ret = v->valuedouble;
                return true;
        case VALUE_BOOL:
                if (!cJSON_IsBool(v))
                        return false;
                *ret = cJSON_IsTrue(v);
                return true;
        case VALUE_MS:
                if (!cJSON_IsNumber(v))
                        return false;
                *ret = v->valuedouble / 1000;
                return true;
        case VALUE_TIME:
                if (!cJSON_IsString(v) || time_parse_rfc3339(v->valuestring, &usec) < 0)
                        return false;
                *ret = (double) usec / 1e6;
                return true;
        case VALUE_COUNT:
                if (!cJSON_IsArray(v))
                        return false;
                *ret = cJSON_GetArraySize(v);
                return true;
        case _VALUE_KIND_MAX:
        case _VALUE_KIND_INVALID:
                break;
        }
        return false;
}

typedef struct Field {
        const char *name, *type, *help, *field;
        ValueKind kind;
} Field;

static const Field execution_fields[] = {
        { "hsos_execution_reachable", "gauge", "Whether the execution client answered its last probe (1) or not (0).", "reachable", VALUE_BOOL },
        { "hsos_execution_syncing", "gauge", "Whether the execution client says it is syncing.", "syncing", VALUE_BOOL },
        { "hsos_execution_current_block", "gauge", "The execution client's current block.", "currentBlock", VALUE_NUMBER },
        { "hsos_execution_highest_block", "gauge", "The highest block the execution client knows of.", "highestBlock", VALUE_NUMBER },
        { "hsos_execution_head_age_seconds", "gauge", "Age of the execution client's latest block.", "headAgeSec", VALUE_NUMBER },
        { "hsos_execution_stale_head", "gauge", "Whether the execution client's latest block is more than 5 minutes old although it says it is synced.", "staleHead", VALUE_BOOL },
        { "hsos_execution_peers", "gauge", "The execution client's peer count.", "peers", VALUE_NUMBER },
        { "hsos_execution_chain_id", "gauge", "The chain id the execution client serves.", "chainId", VALUE_NUMBER },
        { "hsos_execution_probe_latency_seconds", "gauge", "How long the execution client's last probe took.", "latencyMs", VALUE_MS },
};

static const Field consensus_fields[] = {
        { "hsos_consensus_reachable", "gauge", "Whether the consensus client answered its last probe (1) or not (0).", "reachable", VALUE_BOOL },
        { "hsos_consensus_health_status", "gauge", "The HTTP status of the consensus client's /eth/v1/node/health (200 ready, 206 syncing, 503 not ready).", "health", VALUE_NUMBER },
        { "hsos_consensus_syncing", "gauge", "Whether the consensus client says it is syncing.", "syncing", VALUE_BOOL },
        { "hsos_consensus_head_slot", "gauge", "The consensus client's head slot.", "headSlot", VALUE_NUMBER },
        { "hsos_consensus_sync_distance", "gauge", "Slots between the consensus client's head and the current slot.", "syncDistance", VALUE_NUMBER },
        { "hsos_consensus_optimistic", "gauge", "Whether the consensus client's head is optimistic (not verified by the execution client).", "optimistic", VALUE_BOOL },
        { "hsos_consensus_el_offline", "gauge", "Whether the consensus client says its execution client is offline.", "elOffline", VALUE_BOOL },
        { "hsos_consensus_finalized_epoch", "gauge", "The consensus client's finalized epoch.", "finalizedEpoch", VALUE_NUMBER },
        { "hsos_consensus_peers", "gauge", "The consensus client's peer count.", "peers", VALUE_NUMBER },
        { "hsos_consensus_probe_latency_seconds", "gauge", "How long the consensus client's last probe took.", "latencyMs", VALUE_MS },
};

static const Field mount_fields[] = {
        { "hsos_mount_size_bytes", "gauge", "Size of the mounted file system.", "sizeBytes", VALUE_NUMBER },
        { "hsos_mount_used_bytes", "gauge", "Bytes used on the mounted file system.", "usedBytes", VALUE_NUMBER },
        { "hsos_mount_avail_bytes", "gauge", "Bytes available to unprivileged users on the mounted file system.", "availBytes", VALUE_NUMBER },
};

static const Field system_fields[] = {
        { "hsos_system_memory_total_bytes", "gauge", "Total memory.", "memTotalBytes", VALUE_NUMBER },
        { "hsos_system_memory_available_bytes", "gauge", "Available memory.", "memAvailableBytes", VALUE_NUMBER },
        { "hsos_system_root_used_bytes", "gauge", "Bytes used by the RAM root file system.", "rootUsedBytes", VALUE_NUMBER },
        { "hsos_system_load1", "gauge", "The 1-minute load average.", "load1", VALUE_NUMBER },
        { "hsos_system_cpus", "gauge", "Number of CPUs.", "cpus", VALUE_NUMBER },
        { "hsos_system_clock_synchronized", "gauge", "Whether the system clock is synchronized.", "clockSynchronized", VALUE_BOOL },
};

static const Field connectivity_fields[] = {
        { "hsos_network_online", "gauge", "Whether the node has a default route and a link with carrier.", "online", VALUE_BOOL },
        { "hsos_network_default_route", "gauge", "Whether the node has a default route.", "defaultRoute", VALUE_BOOL },
};

/* The labels of one element of a list, or NULL to skip it. */
typedef int (*LabelsFn)(const cJSON *e, char **ret);

static int client_labels(const cJSON *e, char **ret) {
        const char *client = json_get_string(e, "client");

        if (isempty(client))
                return 0;
        return labels(ret, "client", client, NULL);
}

static int unit_labels(const cJSON *e, char **ret) {
        const char *unit = json_get_string(e, "name");

        if (isempty(unit))
                return 0;
        return labels(ret, "unit", unit, "client", json_get_string(e, "client"), "role", json_get_string(e, "role"), NULL);
}

static int mount_labels(const cJSON *e, char **ret) {
        const char *name = json_get_string(e, "name");

        if (isempty(name))
                return 0;
        return labels(ret, "mount", name, "mountpoint", json_get_string(e, "where"), NULL);
}

/* Each field over every element of list. */
static void list_fields(Metrics *m, const cJSON *list, const Field *fields, size_t n_fields, LabelsFn fn) {
        if (!cJSON_IsArray(list))
                return;
        for (size_t f = 0; f < n_fields; f++) {
                const cJSON *e;
                size_t k = 0;

                family(m, fields[f].name, fields[f].type, fields[f].help);
                cJSON_ArrayForEach(e, list) {
                        _cleanup_free_ char *lbl = NULL;
                        double v;

                        if (++k > ELEMENTS_MAX)
                                break;
                        if (!cJSON_IsObject(e) || !value_of(e, fields[f].field, fields[f].kind, &v))
                                continue;
                        if (fn(e, &lbl) < 0) {
                                m->err = -ENOMEM;
                                return;
                        }
                        if (lbl)
                                sample(m, lbl, v);
                }
        }
}

static void object_fields(Metrics *m, const cJSON *o, const Field *fields, size_t n_fields) {
        if (!cJSON_IsObject(o))
                return;
        for (size_t f = 0; f < n_fields; f++) {
                double v;

                family(m, fields[f].name, fields[f].type, fields[f].help);
                if (value_of(o, fields[f].field, fields[f].kind, &v))
                        sample(m, NULL, v);
        }
}

/* A gauge of 1 with the element's labels plus its state: an info-style
 * metric, one series per element. */
static void list_states(Metrics *m, const cJSON *list, LabelsFn fn) {
        _cleanup_strv_free_ char **bases = NULL;
        const cJSON *e;
        size_t k = 0;

        cJSON_ArrayForEach(e, list) {
                _cleanup_free_ char *base = NULL, *lbl = NULL;
                const char *state = json_get_string(e, "state");

                if (++k > ELEMENTS_MAX)
                        break;
                if (!cJSON_IsObject(e) || !state)
                        continue;
                if (fn(e, &base) < 0)
                        goto oom;
                /* An element listed twice has one state: the first. */
                if (!base || strv_contains(bases, base))
                        continue;
                if (strv_extend(&bases, base) < 0)
                        goto oom;
                /* base ends in '}': the state goes in before it. */
                StrBuf b = {};
                sb_appendn(&b, base, strlen(base) - 1);
                sb_append(&b, ",state=\"");
                label_value(&b, state);
                sb_append(&b, "\"}");
                if (sb_steal(&b, &lbl) < 0)
                        goto oom;
                sample(m, lbl, 1);
        }
        return;
oom:
        m->err = -ENOMEM;
}

static const char * const node_states[] = { "starting", "operational", "degraded", "failed", "config-error" };

static void node_metrics(Metrics *m, const cJSON *root) {
        const cJSON *boot = get(root, "boot"), *agent = get(root, "agent"), *e;
        const char *state = json_get_string(root, "state");
        _cleanup_free_ char *lbl = NULL;
        double v;
        bool known = false;

        family(m, "hsos_node_info", "gauge", "The node: hostname, network, machine and boot (always 1).");
        if (labels(&lbl, "hostname", json_get_string(root, "hostname"), "network", json_get_string(root, "network"),
                   "machine_id", json_get_string(boot, "machineId"), "boot_id", json_get_string(boot, "id"),
                   "kernel", json_get_string(boot, "kernel"), NULL) < 0)
                goto oom;
        sample(m, lbl, 1);
        lbl = mfree(lbl);

        family(m, "hsos_agent_info", "gauge", "The agent's version and the SHA-256 of its node.json (always 1).");
        if (labels(&lbl, "version", json_get_string(agent, "version"), "config_sha256", json_get_string(agent, "configSha256"),
                   NULL) < 0)
                goto oom;
        sample(m, lbl, 1);
        lbl = mfree(lbl);

        family(m, "hsos_node_state", "gauge", "The node's state: 1 for the current one, 0 for the others.");
        for (size_t i = 0; i < ELEMENTSOF(node_states); i++) {
                if (labels(&lbl, "state", node_states[i], NULL) < 0)
                        goto oom;
                sample(m, lbl, streq(state, node_states[i]));
                known = known || streq(state, node_states[i]);
                lbl = mfree(lbl);
        }
        if (!known) {
                if (labels(&lbl, "state", state, NULL) < 0)
                        goto oom;
                sample(m, lbl, 1);
                lbl = mfree(lbl);
        }

        family(m, "hsos_node_reasons", "gauge", "How many conditions keep the node from operational.");
        if (value_of(root, "reasons", VALUE_COUNT, &v))
                sample(m, NULL, v);
        family(m, "hsos_config_errors", "gauge", "How many errors node.json has (at boot, or in a refused reload).");
        if (value_of(get(root, "config"), "errors", VALUE_COUNT, &v))
                sample(m, NULL, v);
        family(m, "hsos_status_generated_timestamp_seconds", "gauge", "When the status document was generated.");
        if (value_of(root, "generatedAt", VALUE_TIME, &v))
                sample(m, NULL, v);
        family(m, "hsos_agent_start_timestamp_seconds", "gauge", "When the agent started.");
        if (value_of(agent, "startedAt", VALUE_TIME, &v))
                sample(m, NULL, v);
        family(m, "hsos_boot_uptime_seconds", "gauge", "Seconds since the machine booted.");
        if (value_of(boot, "uptimeSec", VALUE_NUMBER, &v))
                sample(m, NULL, v);

        /* Units. */
        family(m, "hsos_unit_active", "gauge", "Whether the client's unit is active (1) or not (0).");
        {
                size_t k = 0;
                cJSON_ArrayForEach(e, get(root, "units")) {
                        const char *s = json_get_string(e, "state");

                        if (++k > ELEMENTS_MAX)
                                break;
                        if (!cJSON_IsObject(e) || !s)
                                continue;
                        if (unit_labels(e, &lbl) < 0)
                                goto oom;
                        if (lbl)
                                sample(m, lbl, streq(s, "active"));
                        lbl = mfree(lbl);
                }
        }
        family(m, "hsos_unit_state", "gauge", "The client unit's state (active, activating, inactive, failed, blocked, waiting) as a label (always 1).");
        list_states(m, get(root, "units"), unit_labels);
        {
                static const Field restarts = { "hsos_unit_restarts_total", "counter",
                                                "How often systemd restarted the client's unit.", "restarts",
                                                VALUE_NUMBER };
                list_fields(m, get(root, "units"), &restarts, 1, unit_labels);
        }

        /* Mounts. */
        family(m, "hsos_mount_state", "gauge", "The mount's state (mounted, waiting, failed, disabled) as a label (always 1).");
        list_states(m, get(root, "mounts"), mount_labels);
        list_fields(m, get(root, "mounts"), mount_fields, ELEMENTSOF(mount_fields), mount_labels);

        /* Clients. */
        list_fields(m, get(root, "execution"), execution_fields, ELEMENTSOF(execution_fields), client_labels);
        list_fields(m, get(root, "consensus"), consensus_fields, ELEMENTSOF(consensus_fields), client_labels);

        object_fields(m, get(root, "connectivity"), connectivity_fields, ELEMENTSOF(connectivity_fields));
        object_fields(m, get(root, "system"), system_fields, ELEMENTSOF(system_fields));
        return;
oom:
        m->err = -ENOMEM;
}

static const char * const controllers[] = { "etcd", "http" };

/* controller.<name> is null when that controller is not configured. */
static void controller_metrics(Metrics *m, const cJSON *root) {
        const cJSON *ctl = get(root, "controller");
        _cleanup_free_ char *lbl = NULL;
        double v;

        family(m, "hsos_controller_report_ok", "gauge", "Whether the last report to the controller succeeded (1) or failed (0).");
        for (size_t i = 0; i < ELEMENTSOF(controllers); i++) {
                const cJSON *c = get(ctl, controllers[i]), *err;

                if (!cJSON_IsObject(c))
                        continue;
                err = get(c, "lastError");
                if (labels(&lbl, "controller", controllers[i], NULL) < 0)
                        goto oom;
                sample(m, lbl, !(cJSON_IsString(err) && !isempty(err->valuestring)));
                lbl = mfree(lbl);
        }
        family(m, "hsos_controller_last_ok_timestamp_seconds", "gauge", "When a report to the controller last succeeded.");
        for (size_t i = 0; i < ELEMENTSOF(controllers); i++) {
                const cJSON *c = get(ctl, controllers[i]);

                if (!cJSON_IsObject(c) || !value_of(c, "lastOkAt", VALUE_TIME, &v))
                        continue;
                if (labels(&lbl, "controller", controllers[i], NULL) < 0)
                        goto oom;
                sample(m, lbl, v);
                lbl = mfree(lbl);
        }
        return;
oom:
        m->err = -ENOMEM;
}

static void secret_metrics(Metrics *m, const cJSON *root) {
        const cJSON *e;
        size_t k = 0;

        family(m, "hsos_secret_state", "gauge", "The secret's state (present, created, missing, invalid, blocked) as a label (always 1); never its content.");
        cJSON_ArrayForEach(e, get(root, "secrets")) {
                _cleanup_free_ char *lbl = NULL;
                const char *state = json_get_string(e, "state"), *kind = json_get_string(e, "kind"), *path = json_get_string(e, "path");

                if (++k > ELEMENTS_MAX)
                        break;
                if (!cJSON_IsObject(e) || !state || !kind || !path)
                        continue;
                if (labels(&lbl, "kind", kind, "path", path, "state", state, NULL) < 0) {
                        m->err = -ENOMEM;
                        return;
                }
                sample(m, lbl, 1);
        }
}

int metrics_from_status(const char *json, size_t size, char **ret, char **ret_error) {
        _cleanup_(cJSON_Deletep) cJSON *root = NULL;
        Metrics m = {};
        int r;

        r = status_document_parse(json, size, &root, ret_error);
        if (r < 0)
                return r;
        node_metrics(&m, root);
        secret_metrics(&m, root);
        controller_metrics(&m, root);
        for (size_t i = 0; i < m.n_seen; i++)
                free(m.seen[i]);
        free(m.seen);
        if (m.err < 0) {
                sb_done(&m.b);
                return m.err;
        }
        return sb_steal(&m.b, ret);
}
