/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "hsos/cleanup.h"
#include "hsos/json-doc.h"
#include "hsos/netmsg.h"
#include "hsos/util.h"


/* Bounds on what the helper may say (the probe's own cuts). */
#define VERSION_MAX 128
#define ERROR_MAX 500
#define GENESIS_MAX 80
#define TARGETS_MAX 64
#define FILES_MAX 8

static const char * const type_table[_NETMSG_TYPE_MAX] = {
        [NETMSG_CONFIG] = "config",
        [NETMSG_PROBE] = "probe",
        [NETMSG_STATUS] = "status",
        [NETMSG_POKE] = "poke",
        [NETMSG_ANSWERS] = "answers",
        [NETMSG_CONTROLLER] = "controller",
};

void netmsg_done(NetMsg *m) {
        free(m->node_json);
        free(m->machine_id);
        strv_free(m->file_paths);
        /* contents and errors may hold NULLs: freed by count */
        for (size_t i = 0; i < m->n_files; i++) {
                if (m->file_contents && m->file_contents[i]) {
                        explicit_bzero(m->file_contents[i], strlen(m->file_contents[i]));
                        free(m->file_contents[i]);
                }
                if (m->file_errors)
                        free(m->file_errors[i]);
        }
        free(m->file_contents);
        free(m->file_errors);
        free(m->ask);
        for (size_t i = 0; m->answers && i < m->n_targets; i++)
                probe_answer_done(&m->answers[i]);
        free(m->answers);
        free(m->answered_for);
        free(m->status_json);
        free(m->etcd.last_error);
        free(m->http.last_error);
        *m = (NetMsg) { .type = _NETMSG_TYPE_INVALID };
}

static int print_and_free(cJSON *o, char **ret) {
        char *s = o ? cJSON_PrintUnformatted(o) : NULL;

        cJSON_Delete(o);
        if (!s)
                return -ENOMEM;
        if (strlen(s) > NETMSG_SIZE_MAX) {
                free(s);
                return -E2BIG;
        }
        *ret = s;
        return 0;
}

static cJSON *new_msg(NetMsgType t) {
        cJSON *o = cJSON_CreateObject();

        if (o && !cJSON_AddStringToObject(o, "type", type_table[t])) {
                cJSON_Delete(o);
                return NULL;
        }
        return o;
}

/* uint64 as decimal text (JSON numbers are doubles); unknown as null. */
static bool add_u64(cJSON *o, const char *name, uint64_t v) {
        char buf[24];

        if (v == UINT64_MAX)
                return cJSON_AddNullToObject(o, name);
        snprintf(buf, sizeof buf, "%" PRIu64, v);
        return cJSON_AddStringToObject(o, name, buf);
}

int netmsg_config(const char *node_json, const char *machine_id, char * const *file_paths,
                  char * const *file_contents, char * const *file_errors, char **ret) {
        cJSON *o = new_msg(NETMSG_CONFIG), *files;
        size_t n = strv_length(file_paths);

        if (!o || !cJSON_AddStringToObject(o, "node", node_json) ||
            !json_add_string_or_null(o, "machineId", machine_id) ||
            !(files = cJSON_AddObjectToObject(o, "files")))
                goto oom;
        for (size_t i = 0; i < n; i++) {
                cJSON *f = cJSON_AddObjectToObject(files, file_paths[i]);

                if (!f)
                        goto oom;
                if (file_contents && file_contents[i]) {
                        if (!cJSON_AddStringToObject(f, "content", file_contents[i]))
                                goto oom;
                } else if (!cJSON_AddStringToObject(f, "error", file_errors && file_errors[i] ? file_errors[i]
                                                                                         : "not read"))
                        goto oom;
        }
        return print_and_free(o, ret);
oom:
        cJSON_Delete(o);
        return -ENOMEM;
}

int netmsg_probe(uint64_t round, const bool *ask, size_t n, char **ret) {
        cJSON *o = new_msg(NETMSG_PROBE), *a;

        if (!o || !add_u64(o, "round", round) || !(a = cJSON_AddArrayToObject(o, "ask")))
                goto oom;
        for (size_t i = 0; i < n; i++)
                if (!cJSON_AddItemToArray(a, cJSON_CreateBool(ask[i])))
                        goto oom;
        return print_and_free(o, ret);
oom:
        cJSON_Delete(o);
        return -ENOMEM;
}

int netmsg_status(const char *status_json, char **ret) {
        cJSON *o = new_msg(NETMSG_STATUS);

        if (!o || !cJSON_AddStringToObject(o, "json", status_json)) {
                cJSON_Delete(o);
                return -ENOMEM;
        }
        return print_and_free(o, ret);
}

int netmsg_poke(char **ret) {
        return print_and_free(new_msg(NETMSG_POKE), ret);
}

int netmsg_answers(uint64_t round, const ProbeAnswer *answers, const bool *asked, size_t n, char **ret) {
        cJSON *o = new_msg(NETMSG_ANSWERS), *list;

        if (!o || !add_u64(o, "round", round) || !(list = cJSON_AddArrayToObject(o, "answers")))
                goto oom;
        for (size_t i = 0; i < n; i++) {
                const ProbeAnswer *a = &answers[i];
                cJSON *x;

                if (!asked[i]) {
                        if (!cJSON_AddItemToArray(list, cJSON_CreateNull()))
                                goto oom;
                        continue;
                }
                x = cJSON_CreateObject();
                if (!x || !cJSON_AddItemToArray(list, x))
                        goto oom_x;
                if (!cJSON_AddBoolToObject(x, "answered", a->answered) ||
                    !json_add_string_or_null(x, "error", a->error) ||
                    !cJSON_AddNumberToObject(x, "errorQuery", a->error ? a->error_query : -1) ||
                    !cJSON_AddNumberToObject(x, "latencyMs", a->latency_ms) ||
                    !json_add_string_or_null(x, "version", a->version) ||
                    !json_add(x, "syncing", json_tristate(a->syncing)) || !add_u64(x, "currentBlock", a->current_block) ||
                    !add_u64(x, "highestBlock", a->highest_block) ||
                    !add_u64(x, "headTimestamp", a->head_timestamp) || !add_u64(x, "peers", a->peers) ||
                    !add_u64(x, "chainId", a->chain_id) || !cJSON_AddNumberToObject(x, "health", a->health) ||
                    !add_u64(x, "headSlot", a->head_slot) || !add_u64(x, "syncDistance", a->sync_distance) ||
                    !add_u64(x, "finalizedEpoch", a->finalized_epoch) ||
                    !json_add(x, "optimistic", json_tristate(a->optimistic)) ||
                    !json_add(x, "elOffline", json_tristate(a->el_offline)) ||
                    !json_add_string_or_null(x, "genesisRoot", a->genesis_root))
                        goto oom;
                continue;
        oom_x:
                cJSON_Delete(x);
                goto oom;
        }
        return print_and_free(o, ret);
oom:
        cJSON_Delete(o);
        return -ENOMEM;
}

static cJSON *controller_json(const NetController *c) {
        cJSON *x;

        if (!c->enabled)
                return cJSON_CreateNull();
        x = cJSON_CreateObject();
        if (!x || !add_u64(x, "lastOkUsec", c->last_ok_usec) || !json_add_string_or_null(x, "lastError", c->last_error)) {
                cJSON_Delete(x);
                return NULL;
        }
        return x;
}

int netmsg_controller(const NetController *etcd, const NetController *http, char **ret) {
        cJSON *o = new_msg(NETMSG_CONTROLLER), *e = controller_json(etcd), *h = controller_json(http);

        if (!o || !e || !h || !cJSON_AddItemToObject(o, "etcd", e)) {
                cJSON_Delete(o);
                cJSON_Delete(e);
                cJSON_Delete(h);
                return -ENOMEM;
        }
        if (!cJSON_AddItemToObject(o, "http", h)) {
                cJSON_Delete(o);
                cJSON_Delete(h);
                return -ENOMEM;
        }
        return print_and_free(o, ret);
}

/* ---- reading ---- */

/* A message is read with the kit's JsonReader (hsos/json-doc.h): the first
 * failure is kept, and the message is refused with -EBADMSG. */

static const cJSON *member(JsonReader *rd, const cJSON *o, const char *name) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

        if (!v)
                json_reader_fail(rd, "\"%s\" is missing", name);
        return v;
}

/* A string from the helper, or NULL for null: cut and made printable. */
static char *get_str(JsonReader *rd, const cJSON *o, const char *name, size_t max) {
        const cJSON *v = member(rd, o, name);
        char *s;

        if (json_is_absent(v))
                return NULL;
        if (!cJSON_IsString(v)) {
                json_reader_fail(rd, "\"%s\" must be a string or null", name);
                return NULL;
        }
        s = strdup_printable(v->valuestring, max);
        if (!s)
                json_reader_oom(rd);
        return s;
}

static uint64_t get_u64(JsonReader *rd, const cJSON *o, const char *name) {
        const cJSON *v = member(rd, o, name);
        uint64_t x = 0;
        const char *s;

        if (json_is_absent(v))
                return UINT64_MAX;
        if (!cJSON_IsString(v) || !*(s = v->valuestring) || strlen(s) > 20) {
                json_reader_fail(rd, "\"%s\" must be a decimal string or null", name);
                return UINT64_MAX;
        }
        for (; *s; s++) {
                if (*s < '0' || *s > '9' || x > (UINT64_MAX - (uint64_t) (*s - '0')) / 10) {
                        json_reader_fail(rd, "\"%s\" is not a number below 2^64", name);
                        return UINT64_MAX;
                }
                x = x * 10 + (uint64_t) (*s - '0');
        }
        return x; /* UINT64_MAX itself means unknown, as null does */
}

static int get_tristate(JsonReader *rd, const cJSON *o, const char *name) {
        const cJSON *v = member(rd, o, name);

        if (json_is_absent(v))
                return -1;
        if (!cJSON_IsBool(v)) {
                json_reader_fail(rd, "\"%s\" must be true, false or null", name);
                return -1;
        }
        return cJSON_IsTrue(v);
}

static bool get_bool(JsonReader *rd, const cJSON *o, const char *name) {
        const cJSON *v = member(rd, o, name);

        if (v && !cJSON_IsBool(v))
                json_reader_fail(rd, "\"%s\" must be true or false", name);
        return v && cJSON_IsTrue(v);
}

static long get_int(JsonReader *rd, const cJSON *o, const char *name, long min, long max) {
        const cJSON *v = member(rd, o, name);
        long long x;

        if (!v)
                return min;
        if (!json_whole_number(v, min, max, &x)) {
                json_reader_fail(rd, "\"%s\" must be a whole number from %ld to %ld", name, min, max);
                return min;
        }
        return (long) x;
}

static void read_answer(JsonReader *rd, const cJSON *x, ProbeAnswer *a) {
        if (!cJSON_IsObject(x)) {
                json_reader_fail(rd, "an answer must be an object or null");
                return;
        }
        a->answered = get_bool(rd, x, "answered");
        a->error = get_str(rd, x, "error", ERROR_MAX);
        a->error_query = (int) get_int(rd, x, "errorQuery", -1, _Q_MAX - 1);
        a->latency_ms = (unsigned) get_int(rd, x, "latencyMs", 0, 24L * 3600 * 1000);
        a->version = get_str(rd, x, "version", VERSION_MAX);
        a->syncing = get_tristate(rd, x, "syncing");
        a->current_block = get_u64(rd, x, "currentBlock");
        a->highest_block = get_u64(rd, x, "highestBlock");
        a->head_timestamp = get_u64(rd, x, "headTimestamp");
        a->peers = get_u64(rd, x, "peers");
        a->chain_id = get_u64(rd, x, "chainId");
        a->health = (int) get_int(rd, x, "health", -1, 999);
        a->head_slot = get_u64(rd, x, "headSlot");
        a->sync_distance = get_u64(rd, x, "syncDistance");
        a->finalized_epoch = get_u64(rd, x, "finalizedEpoch");
        a->optimistic = get_tristate(rd, x, "optimistic");
        a->el_offline = get_tristate(rd, x, "elOffline");
        a->genesis_root = get_str(rd, x, "genesisRoot", GENESIS_MAX);
        if (a->error_query < 0 && a->error)
                json_reader_fail(rd, "an error needs the question it came from");
}

static void read_controller(JsonReader *rd, const cJSON *o, const char *name, NetController *c) {
        const cJSON *x = member(rd, o, name);

        *c = (NetController) {};
        if (json_is_absent(x))
                return;
        if (!cJSON_IsObject(x)) {
                json_reader_fail(rd, "\"%s\" must be an object or null", name);
                return;
        }
        c->enabled = true;
        c->last_ok_usec = get_u64(rd, x, "lastOkUsec");
        if (c->last_ok_usec == UINT64_MAX)
                c->last_ok_usec = 0;
        c->last_error = get_str(rd, x, "lastError", 300);
}

static NetMsgType read_type(JsonReader *rd, const cJSON *o) {
        const cJSON *t = member(rd, o, "type");

        if (!t)
                return _NETMSG_TYPE_INVALID;
        for (int i = 0; i < _NETMSG_TYPE_MAX; i++)
                if (cJSON_IsString(t) && streq(t->valuestring, type_table[i]))
                        return (NetMsgType) i;
        json_reader_fail(rd, "unknown message type");
        return _NETMSG_TYPE_INVALID;
}

/* The message as an object, and its type; what failed is in rd. */
static int parse(const char *data, size_t size, cJSON **ret, NetMsgType *ret_type, JsonReader *rd) {
        _cleanup_free_ char *err = NULL;
        int r;

        if (size > NETMSG_SIZE_MAX) {
                json_reader_fail(rd, "a message of %zu bytes (at most %d)", size, NETMSG_SIZE_MAX);
                return rd->r;
        }
        r = json_document_parse(data, size, NETMSG_SIZE_MAX, 8, ret, &err);
        if (r == -ENOMEM)
                json_reader_oom(rd);
        else if (r < 0)
                json_reader_fail(rd, "%s", err ? err : "not JSON");
        else if (!cJSON_IsObject(*ret))
                json_reader_fail(rd, "a message must be an object");
        else
                *ret_type = read_type(rd, *ret);
        return rd->r;
}

/* Hands m over, or frees it and says why the message was refused. */
static int finish(JsonReader *rd, NetMsg *m, NetMsg *ret, char **ret_error) {
        int r = json_reader_finish(rd, -EBADMSG, ret_error);

        if (r < 0) {
                netmsg_done(m);
                return r;
        }
        *ret = *m;
        return 0;
}

int netmsg_parse_from_helper(const char *data, size_t size, size_t n_targets, NetMsg *ret, char **ret_error) {
        _cleanup_(cJSON_Deletep) cJSON *o = NULL;
        NetMsg m = { .type = _NETMSG_TYPE_INVALID };
        JsonReader rd = {};
        const cJSON *list;

        *ret_error = NULL;
        if (parse(data, size, &o, &m.type, &rd) < 0)
                return finish(&rd, &m, ret, ret_error);
        switch (m.type) {
        case NETMSG_ANSWERS:
                m.round = get_u64(&rd, o, "round");
                list = member(&rd, o, "answers");
                if (rd.r < 0)
                        break;
                if (!cJSON_IsArray(list) || (size_t) cJSON_GetArraySize(list) != n_targets || n_targets > TARGETS_MAX) {
                        json_reader_fail(&rd, "\"answers\" must be a list of %zu", n_targets);
                        break;
                }
                m.n_targets = n_targets;
                m.answers = calloc(n_targets ?: 1, sizeof *m.answers);
                m.answered_for = calloc(n_targets ?: 1, sizeof *m.answered_for);
                if (!m.answers || !m.answered_for) {
                        json_reader_oom(&rd);
                        break;
                }
                for (size_t i = 0; i < n_targets; i++)
                        probe_answer_init(&m.answers[i]);
                for (size_t i = 0; i < n_targets && rd.r >= 0; i++) {
                        const cJSON *x = cJSON_GetArrayItem(list, (int) i);
                        if (cJSON_IsNull(x))
                                continue;
                        m.answered_for[i] = true;
                        read_answer(&rd, x, &m.answers[i]);
                }
                break;
        case NETMSG_CONTROLLER:
                read_controller(&rd, o, "etcd", &m.etcd);
                read_controller(&rd, o, "http", &m.http);
                break;
        case NETMSG_CONFIG:
        case NETMSG_PROBE:
        case NETMSG_STATUS:
        case NETMSG_POKE:
                json_reader_fail(&rd, "a \"%s\" message comes from root, never from the helper", type_table[m.type]);
                break;
        case _NETMSG_TYPE_MAX:
        case _NETMSG_TYPE_INVALID:
                break;
        }
        return finish(&rd, &m, ret, ret_error);
}

int netmsg_parse_from_root(const char *data, size_t size, NetMsg *ret, char **ret_error) {
        _cleanup_(cJSON_Deletep) cJSON *o = NULL;
        NetMsg m = { .type = _NETMSG_TYPE_INVALID };
        JsonReader rd = {};
        const cJSON *v, *list, *f;

        *ret_error = NULL;
        if (parse(data, size, &o, &m.type, &rd) < 0)
                return finish(&rd, &m, ret, ret_error);
        switch (m.type) {
        case NETMSG_CONFIG:
                v = member(&rd, o, "node");
                if (v && cJSON_IsString(v))
                        m.node_json = strdup(v->valuestring);
                else
                        json_reader_fail(&rd, "\"node\" must be a string");
                v = member(&rd, o, "machineId");
                if (v && cJSON_IsString(v))
                        m.machine_id = strdup(v->valuestring);
                list = member(&rd, o, "files");
                if (rd.r < 0)
                        break;
                if (!cJSON_IsObject(list) || cJSON_GetArraySize(list) > FILES_MAX) {
                        json_reader_fail(&rd, "\"files\" must be an object of at most %d", FILES_MAX);
                        break;
                }
                m.n_files = (size_t) cJSON_GetArraySize(list);
                m.file_contents = calloc(m.n_files + 1, sizeof(char *));
                m.file_errors = calloc(m.n_files + 1, sizeof(char *));
                if (!m.file_contents || !m.file_errors) {
                        json_reader_oom(&rd);
                        break;
                }
                cJSON_ArrayForEach(f, list) {
                        size_t i = strv_length(m.file_paths);
                        const cJSON *c = cJSON_GetObjectItemCaseSensitive(f, "content");
                        const cJSON *e = cJSON_GetObjectItemCaseSensitive(f, "error");

                        if (strv_extend(&m.file_paths, f->string) < 0) {
                                json_reader_oom(&rd);
                                break;
                        }
                        if (cJSON_IsString(c))
                                m.file_contents[i] = strdup(c->valuestring);
                        else if (cJSON_IsString(e))
                                m.file_errors[i] = strdup(e->valuestring);
                        else
                                json_reader_fail(&rd, "a file needs its content or an error");
                }
                break;
        case NETMSG_PROBE:
                m.round = get_u64(&rd, o, "round");
                list = member(&rd, o, "ask");
                if (rd.r < 0)
                        break;
                if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) > TARGETS_MAX) {
                        json_reader_fail(&rd, "\"ask\" must be a list of at most %d", TARGETS_MAX);
                        break;
                }
                m.n_ask = (size_t) cJSON_GetArraySize(list);
                m.ask = calloc(m.n_ask ?: 1, sizeof(bool));
                if (!m.ask) {
                        json_reader_oom(&rd);
                        break;
                }
                for (size_t i = 0; i < m.n_ask; i++)
                        m.ask[i] = cJSON_IsTrue(cJSON_GetArrayItem(list, (int) i));
                break;
        case NETMSG_STATUS:
                v = member(&rd, o, "json");
                if (v && cJSON_IsString(v))
                        m.status_json = strdup(v->valuestring);
                else
                        json_reader_fail(&rd, "\"json\" must be a string");
                break;
        case NETMSG_POKE:
                break;
        case NETMSG_ANSWERS:
        case NETMSG_CONTROLLER:
                json_reader_fail(&rd, "a \"%s\" message comes from the helper, never from root", type_table[m.type]);
                break;
        case _NETMSG_TYPE_MAX:
        case _NETMSG_TYPE_INVALID:
                break;
        }
        if (rd.r >= 0 && ((m.type == NETMSG_CONFIG && !m.node_json) || (m.type == NETMSG_STATUS && !m.status_json)))
                json_reader_oom(&rd);
        return finish(&rd, &m, ret, ret_error);
}
