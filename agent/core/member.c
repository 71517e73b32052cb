/* SPDX-License-Identifier: MIT */
/* The member document: the last known summary of a node's status. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <cJSON.h>

#include "hsos/json-doc.h"
#include "hsos/member.h"
#include "hsos/status.h"
#include "hsos/util.h"

/* The fields of a client's entry a summary keeps: its sync. */
static const char * const client_fields[] = {
        "client", "reachable", "syncing", "currentBlock", "highestBlock", "headAgeSec", "staleHead",
        "headSlot", "syncDistance", "optimistic", "elOffline", "peers", "version", NULL,
};

static int copy_clients(const cJSON *status, const char *name, cJSON *doc) {
        const cJSON *e;
        cJSON *a;
        unsigned n = 0;

        a = cJSON_AddArrayToObject(doc, name);
        if (!a)
                return -ENOMEM;
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(status, name)) {
                cJSON *o;

                if (!cJSON_IsObject(e))
                        continue;
                if (n++ >= MEMBER_CLIENTS_MAX)
                        break;
                o = cJSON_CreateObject();
                if (!o || !cJSON_AddItemToArray(a, o)) {
                        cJSON_Delete(o);
                        return -ENOMEM;
                }
                for (const char * const *f = client_fields; *f; f++) {
                        const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, *f);
                        cJSON *c;

                        /* Figures and words only, never a nested value. */
                        if (!v || cJSON_IsArray(v) || cJSON_IsObject(v))
                                continue;
                        if (cJSON_IsString(v)) {
                                _cleanup_free_ char *s = strdup_printable(v->valuestring, 120);

                                c = s ? cJSON_CreateString(s) : NULL;
                        } else
                                c = cJSON_Duplicate(v, false);
                        if (!c || !cJSON_AddItemToObject(o, *f, c)) {
                                cJSON_Delete(c);
                                return -ENOMEM;
                        }
                }
        }
        return 0;
}

static int add_string(cJSON *o, const char *name, const char *value, size_t max) {
        _cleanup_free_ char *s = strdup_printable(value, max);

        return s && cJSON_AddStringToObject(o, name, s) ? 0 : -ENOMEM;
}

int member_build(const char *status_json, const char *machine_id, uint64_t now_usec, char **ret_json,
                 char **ret_state) {
        _cleanup_(cJSON_Deletep) cJSON *status = NULL, *doc = NULL;
        _cleanup_free_ char *problem = NULL, *state = NULL;
        const cJSON *e, *host, *st, *version;
        cJSON *reasons;
        char at[32];
        unsigned n = 0;
        char *s;
        int r;

        if (!status_json || isempty(machine_id))
                return -EINVAL;
        r = status_document_parse(status_json, strlen(status_json), &status, &problem);
        if (r < 0)
                return r;
        host = cJSON_GetObjectItemCaseSensitive(status, "hostname");
        st = cJSON_GetObjectItemCaseSensitive(status, "state");
        version = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(status, "agent"), "version");
        if (!cJSON_IsString(host) || isempty(host->valuestring) || !format_rfc3339(now_usec, at))
                return -EINVAL;
        state = strdup_printable(st->valuestring, 32);
        doc = cJSON_CreateObject();
        if (!state || !doc || !cJSON_AddStringToObject(doc, "schema", MEMBER_SCHEMA) ||
            add_string(doc, "hostname", host->valuestring, 253) < 0 ||
            add_string(doc, "machineId", machine_id, 64) < 0 || !cJSON_AddStringToObject(doc, "state", state) ||
            !cJSON_AddStringToObject(doc, "lastSeen", at) ||
            (cJSON_IsString(version) && add_string(doc, "agentVersion", version->valuestring, 64) < 0))
                return -ENOMEM;
        reasons = cJSON_AddArrayToObject(doc, "reasons");
        if (!reasons)
                return -ENOMEM;
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(status, "reasons")) {
                _cleanup_free_ char *reason = NULL;
                cJSON *c;

                if (!cJSON_IsString(e))
                        continue;
                if (n++ >= MEMBER_REASONS_MAX)
                        break;
                reason = strdup_printable(e->valuestring, MEMBER_REASON_MAX);
                c = reason ? cJSON_CreateString(reason) : NULL;
                if (!c || !cJSON_AddItemToArray(reasons, c)) {
                        cJSON_Delete(c);
                        return -ENOMEM;
                }
        }
        if ((r = copy_clients(status, "execution", doc)) < 0 || (r = copy_clients(status, "consensus", doc)) < 0)
                return r;
        s = cJSON_PrintUnformatted(doc);
        if (!s)
                return -ENOMEM;
        *ret_json = s;
        *ret_state = TAKE_PTR(state);
        return 0;
}

static int problem(char **ret_problem, const char *what) {
        char *s = strdup(what);

        if (!s)
                return -ENOMEM;
        *ret_problem = s;
        return -EINVAL;
}

int member_document_parse(const char *data, size_t size, cJSON **ret, char **ret_problem) {
        _cleanup_(cJSON_Deletep) cJSON *root = NULL;
        _cleanup_free_ char *error = NULL;
        const cJSON *schema, *v;
        int r;

        if (size == 0)
                return problem(ret_problem, "empty, not a " MEMBER_SCHEMA " document");
        if (size > MEMBER_SIZE_MAX)
                return asprintf(ret_problem, "%zu bytes, larger than a " MEMBER_SCHEMA " document may be (64 KiB)",
                                size) < 0 ? -ENOMEM : -EINVAL;
        r = json_document_parse(data, size, SIZE_MAX, MEMBER_DEPTH_MAX, &root, &error);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return asprintf(ret_problem, "not JSON (%s)", error) < 0 ? -ENOMEM : -EINVAL;
        if (!cJSON_IsObject(root))
                return problem(ret_problem, "not a " MEMBER_SCHEMA " document: not a JSON object");
        schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
        if (!cJSON_IsString(schema))
                return problem(ret_problem, "not a " MEMBER_SCHEMA " document: no schema");
        if (!streq(schema->valuestring, MEMBER_SCHEMA)) {
                _cleanup_free_ char *shown = strdup_printable(schema->valuestring, 40);

                if (!shown || asprintf(ret_problem, "not a " MEMBER_SCHEMA " document: its schema is \"%s\"",
                                       shown) < 0)
                        return -ENOMEM;
                return -EINVAL;
        }
        v = cJSON_GetObjectItemCaseSensitive(root, "hostname");
        if (!cJSON_IsString(v))
                return problem(ret_problem, "not a valid " MEMBER_SCHEMA " document: no hostname");
        v = cJSON_GetObjectItemCaseSensitive(root, "state");
        if (!cJSON_IsString(v))
                return problem(ret_problem, "not a valid " MEMBER_SCHEMA " document: no state");
        *ret = TAKE_PTR(root);
        return 0;
}
