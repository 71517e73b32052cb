/* SPDX-License-Identifier: MIT */
/* etcd v3's HTTP/JSON gateway: base64, keys, request bodies and the parsers
 * of its answers (notes/etcd.md). No I/O: the transport is an edge. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "hsos/etcd.h"
#include "hsos/json-doc.h"
#include "hsos/member.h"
#include "hsos/status.h"
#include "hsos/util.h"

/* ---- keys ---- */

static size_t prefix_len(const char *prefix) {
        size_t n = strlen(prefix);

        while (n > 0 && prefix[n - 1] == '/')
                n--;
        return n;
}

bool etcd_hostname_valid(const char *h) {
        size_t n = strlen(h);

        if (n == 0 || n > 253)
                return false;
        for (const char *p = h; *p; p++)
                if (*p == '/' || (unsigned char) *p < 0x20 || *p == 0x7f)
                        return false;
        return true;
}

int etcd_node_key(const char *prefix, const char *hostname, char **ret) {
        char *s;

        if (!prefix || !hostname || !etcd_hostname_valid(hostname))
                return -EINVAL;
        if (asprintf(&s, "%.*s/nodes/%s/status", (int) prefix_len(prefix), prefix, hostname) < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int etcd_nodes_prefix(const char *prefix, char **ret) {
        char *s;

        if (!prefix)
                return -EINVAL;
        if (asprintf(&s, "%.*s/nodes/", (int) prefix_len(prefix), prefix) < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int etcd_node_key_hostname(const char *prefix, const char *key, char **ret) {
        _cleanup_free_ char *nodes = NULL;
        const char *h;
        size_t n;
        char *s;
        int r;

        r = etcd_nodes_prefix(prefix, &nodes);
        if (r < 0)
                return r;
        h = startswith(key, nodes);
        if (!h || !endswith(h, "/status"))
                return -EINVAL;
        n = strlen(h) - strlen("/status");
        s = strndup(h, n);
        if (!s)
                return -ENOMEM;
        if (!etcd_hostname_valid(s)) {
                free(s);
                return -EINVAL;
        }
        *ret = s;
        return 0;
}

int etcd_member_key(const char *prefix, const char *hostname, char **ret) {
        char *s;

        if (!prefix || !hostname || !etcd_hostname_valid(hostname))
                return -EINVAL;
        if (asprintf(&s, "%.*s/members/%s", (int) prefix_len(prefix), prefix, hostname) < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int etcd_members_prefix(const char *prefix, char **ret) {
        char *s;

        if (!prefix)
                return -EINVAL;
        if (asprintf(&s, "%.*s/members/", (int) prefix_len(prefix), prefix) < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int etcd_member_key_hostname(const char *prefix, const char *key, char **ret) {
        _cleanup_free_ char *members = NULL;
        const char *h;
        char *s;
        int r;

        r = etcd_members_prefix(prefix, &members);
        if (r < 0)
                return r;
        h = startswith(key, members);
        if (!h || !etcd_hostname_valid(h))
                return -EINVAL;
        s = strdup(h);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int etcd_prefix_range_end(const char *key, size_t len, char **ret, size_t *ret_size) {
        size_t n = len;
        char *s;

        while (n > 0 && (unsigned char) key[n - 1] == 0xff)
                n--;
        if (n == 0) {
                s = calloc(2, 1);
                if (!s)
                        return -ENOMEM;
                *ret = s;
                *ret_size = 1;
                return 0;
        }
        s = malloc(n + 1);
        if (!s)
                return -ENOMEM;
        memcpy(s, key, n);
        s[n - 1] = (char) ((unsigned char) s[n - 1] + 1);
        s[n] = 0;
        *ret = s;
        *ret_size = n;
        return 0;
}

/* ---- int64 strings ---- */

bool etcd_int64_valid(const char *s, bool allow_negative) {
        const char *d = s;
        size_t n;

        if (!s)
                return false;
        if (allow_negative && *d == '-')
                d++;
        n = strlen(d);
        if (n == 0 || n > 19 || strspn(d, "0123456789") != n)
                return false;
        if (d[0] == '0' && (n > 1 || d != s))  /* leading zero, "-0" */
                return false;
        if (n == 19 && strcmp(d, d != s ? "9223372036854775808" : "9223372036854775807") > 0)
                return false;
        return true;
}

static int int64_to_value(const char *s, int64_t *ret) {
        long long v;
        char *end;

        errno = 0;
        v = strtoll(s, &end, 10);
        if (errno != 0 || *end)
                return -EINVAL;
        *ret = v;
        return 0;
}

/* ---- request bodies ---- */

static int b64_string(const char *s, char **ret) {
        return base64_encode(s, strlen(s), ret);
}

int etcd_request_authenticate(const char *name, const char *password, char **ret) {
        size_t cap;
        char *body, *p;

        if (isempty(name) || !password || !utf8_is_valid(name, strlen(name)) ||
            !utf8_is_valid(password, strlen(password)))
                return -EINVAL;
        /* Written once into a buffer of its final size: no reallocation leaves
         * a copy of the password behind. */
        cap = 6 * (strlen(name) + strlen(password)) + 64;
        body = p = malloc(cap);
        if (!body)
                return -ENOMEM;
        p = stpcpy(p, "{\"name\":\"");
        for (int field = 0; field < 2; field++) {
                for (const unsigned char *c = (const unsigned char *) (field == 0 ? name : password); *c; c++)
                        if (*c == '"' || *c == '\\') {
                                *p++ = '\\';
                                *p++ = (char) *c;
                        } else if (*c < 0x20 || *c == 0x7f)
                                p += snprintf(p, 7, "\\u%04x", *c);
                        else
                                *p++ = (char) *c;
                p = stpcpy(p, field == 0 ? "\",\"password\":\"" : "\"}");
        }
        *ret = body;
        return 0;
}

int etcd_request_lease_grant(int64_t ttl_sec, char **ret) {
        char *s;

        if (ttl_sec <= 0 || ttl_sec > INT32_MAX)
                return -EINVAL;
        if (asprintf(&s, "{\"TTL\":%lld}", (long long) ttl_sec) < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

static int request_id(const char *lease_id, char **ret) {
        char *s;

        if (!etcd_int64_valid(lease_id, false))
                return -EINVAL;
        if (asprintf(&s, "{\"ID\":\"%s\"}", lease_id) < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int etcd_request_lease_keepalive(const char *lease_id, char **ret) {
        return request_id(lease_id, ret);
}

int etcd_request_lease_revoke(const char *lease_id, char **ret) {
        return request_id(lease_id, ret);
}

int etcd_request_range_key(const char *key, char **ret) {
        _cleanup_free_ char *k = NULL;
        char *s;

        if (isempty(key))
                return -EINVAL;
        if (b64_string(key, &k) < 0 || asprintf(&s, "{\"key\":\"%s\"}", k) < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int etcd_request_range_prefix(const char *prefix, char **ret) {
        _cleanup_free_ char *k = NULL, *end = NULL, *e = NULL;
        size_t end_size;
        char *s;

        if (isempty(prefix))
                return -EINVAL;
        if (b64_string(prefix, &k) < 0 || etcd_prefix_range_end(prefix, strlen(prefix), &end, &end_size) < 0 ||
            base64_encode(end, end_size, &e) < 0 ||
            asprintf(&s, "{\"key\":\"%s\",\"range_end\":\"%s\"}", k, e) < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int etcd_request_watch_prefix(const char *prefix, int64_t start_revision, char **ret) {
        _cleanup_free_ char *k = NULL, *end = NULL, *e = NULL;
        size_t end_size;
        char *s;

        if (isempty(prefix) || start_revision <= 0)
                return -EINVAL;
        if (b64_string(prefix, &k) < 0 || etcd_prefix_range_end(prefix, strlen(prefix), &end, &end_size) < 0 ||
            base64_encode(end, end_size, &e) < 0 ||
            asprintf(&s, "{\"create_request\":{\"key\":\"%s\",\"range_end\":\"%s\",\"start_revision\":\"%lld\","
                     "\"progress_notify\":true}}", k, e, (long long) start_revision) < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int etcd_request_delete_key(const char *key, char **ret) {
        _cleanup_free_ char *k = NULL;
        char *s;

        if (isempty(key))
                return -EINVAL;
        if (b64_string(key, &k) < 0 || asprintf(&s, "{\"key\":\"%s\",\"prev_kv\":true}", k) < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

/* {"key":"..","value":"..","lease":".."}: what a put and a txn's request_put hold. */
static int put_fields(const char *key, const char *value, const char *lease_id, char **ret) {
        _cleanup_free_ char *k = NULL, *v = NULL;
        char *s;

        if (isempty(key) || !value || (lease_id && !etcd_int64_valid(lease_id, false)))
                return -EINVAL;
        if (b64_string(key, &k) < 0 || b64_string(value, &v) < 0)
                return -ENOMEM;
        if (lease_id ? asprintf(&s, "{\"key\":\"%s\",\"value\":\"%s\",\"lease\":\"%s\"}", k, v, lease_id) < 0
                     : asprintf(&s, "{\"key\":\"%s\",\"value\":\"%s\"}", k, v) < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int etcd_request_put(const char *key, const char *value, const char *lease_id, char **ret) {
        return put_fields(key, value, lease_id, ret);
}

/* A txn: compare (target CREATE or MOD of key, EQUAL to revision), success:
 * put, failure: range the key. */
static int request_txn(const char *target, const char *key, const char *value, const char *lease_id,
                       const char *revision, char **ret) {
        _cleanup_free_ char *put = NULL, *k = NULL;
        char *s;
        int r;

        r = put_fields(key, value, lease_id, &put);
        if (r < 0)
                return r;
        if (b64_string(key, &k) < 0)
                return -ENOMEM;
        if (asprintf(&s,
                     "{\"compare\":[{\"key\":\"%s\",\"result\":\"EQUAL\",\"target\":\"%s\",\"%s\":\"%s\"}],"
                     "\"success\":[{\"request_put\":%s}],"
                     "\"failure\":[{\"request_range\":{\"key\":\"%s\"}}]}",
                     k, target, streq(target, "CREATE") ? "create_revision" : "mod_revision", revision, put, k) < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int etcd_request_claim(const char *key, const char *value, const char *lease_id, char **ret) {
        return request_txn("CREATE", key, value, lease_id, "0", ret);
}

int etcd_request_replace(const char *key, const char *value, const char *lease_id, const char *mod_revision,
                         char **ret) {
        if (!etcd_int64_valid(mod_revision, false) || streq(mod_revision, "0"))
                return -EINVAL;
        return request_txn("MOD", key, value, lease_id, mod_revision, ret);
}

/* ---- answers ---- */

static const char * const grpc_codes[] = {
        "OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound", "AlreadyExists",
        "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange",
        "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated",
};

const char *etcd_grpc_code_to_string(int code) {
        if (code < 0 || (size_t) code >= ELEMENTSOF(grpc_codes))
                return "unknown code";
        return grpc_codes[code];
}

static bool json_int(const cJSON *v, int *ret) {
        long long x;

        if (!json_whole_number(v, -1000000, 1000000, &x))
                return false;
        *ret = (int) x;
        return true;
}

/* Fills in code and message when root is an error object; returns 1, 0 (not
 * one), -ENOMEM. */
static int error_object(const cJSON *root, int *ret_code, char **ret_message) {
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "error"), *m;
        _cleanup_free_ char *shown = NULL;
        int code = 2; /* Unknown */

        if (!cJSON_IsObject(root) || !e)
                return 0;
        if (cJSON_IsObject(e)) {
                /* A stream's error: {"error":{"grpc_code","http_code","message","http_status"}} */
                (void) json_int(cJSON_GetObjectItemCaseSensitive(e, "grpc_code"), &code);
                m = cJSON_GetObjectItemCaseSensitive(e, "message");
        } else {
                (void) json_int(cJSON_GetObjectItemCaseSensitive(root, "code"), &code);
                m = cJSON_GetObjectItemCaseSensitive(root, "message");
                if (!cJSON_IsString(m) || isempty(m->valuestring))
                        m = e;
        }
        if (cJSON_IsString(m) && !isempty(m->valuestring)) {
                shown = strdup_printable(m->valuestring, 200);
                if (!shown)
                        return -ENOMEM;
        }
        if (asprintf(ret_message, "etcd refused: %s (gRPC code %d, %s)", shown ?: "no message", code,
                     etcd_grpc_code_to_string(code)) < 0)
                return -ENOMEM;
        *ret_code = code;
        return 1;
}

static int bad(char **ret_error, const char *what) {
        if (asprintf(ret_error, "etcd's answer is not valid: %s", what) < 0)
                return -ENOMEM;
        return -EBADMSG;
}

/* Parses body as one of etcd's answers, at most max bytes ("32 MiB" in
 * words): a JSON object that is not an error object (-EREMOTEIO with its
 * code in *ret_code, may be NULL, and its message in *ret_error). */
static int parse_answer_max(const char *body, size_t size, size_t max, const char *max_words, cJSON **ret,
                            int *ret_code, char **ret_error) {
        _cleanup_(cJSON_Deletep) cJSON *root = NULL;
        _cleanup_free_ char *error = NULL;
        int r, code = 2;

        if (!body || size == 0)
                return bad(ret_error, "it is empty");
        if (size > max)
                return bad(ret_error, max_words);
        r = json_document_parse(body, size, max, ETCD_RESPONSE_DEPTH_MAX, &root, &error);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return bad(ret_error, error);
        if (!cJSON_IsObject(root))
                return bad(ret_error, "not a JSON object");
        r = error_object(root, &code, ret_error);
        if (r < 0)
                return r;
        if (r > 0) {
                if (ret_code)
                        *ret_code = code;
                return -EREMOTEIO;
        }
        *ret = TAKE_PTR(root);
        return 0;
}

static int parse_answer(const char *body, size_t size, cJSON **ret, char **ret_error) {
        return parse_answer_max(body, size, ETCD_RESPONSE_SIZE_MAX, "it is larger than 32 MiB", ret, NULL, ret_error);
}

int etcd_parse_error(const char *body, size_t size, int *ret_code, char **ret_message) {
        _cleanup_(cJSON_Deletep) cJSON *root = NULL;
        _cleanup_free_ char *error = NULL;
        int r;

        if (!body || size == 0 || size > ETCD_RESPONSE_SIZE_MAX)
                return 0;
        r = json_document_parse(body, size, ETCD_RESPONSE_SIZE_MAX, ETCD_RESPONSE_DEPTH_MAX, &root, &error);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return 0;
        return error_object(root, ret_code, ret_message);
}

/* An int64 field, which etcd writes as a string and leaves out when zero.
 * *ret is a copy ("0" when absent). */
static int int64_field(const cJSON *o, const char *name, bool allow_negative, char **ret, char **ret_error) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
        char *s;

        if (!v) {
                s = strdup("0");
        } else {
                if (!cJSON_IsString(v) || !etcd_int64_valid(v->valuestring, allow_negative)) {
                        _cleanup_free_ char *what = NULL, *desc = json_describe(v);

                        if (!desc || asprintf(&what, "\"%s\" is %s, not an int64 as a decimal string", name,
                                              desc) < 0)
                                return -ENOMEM;
                        return bad(ret_error, what);
                }
                s = strdup(v->valuestring);
        }
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

static int object_field(const cJSON *o, const char *name, bool required, const cJSON **ret, char **ret_error) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
        _cleanup_free_ char *what = NULL;

        if (!v && !required) {
                *ret = NULL;
                return 0;
        }
        if (cJSON_IsObject(v)) {
                *ret = v;
                return 0;
        }
        if (asprintf(&what, v ? "\"%s\" is not an object" : "no \"%s\"", name) < 0)
                return -ENOMEM;
        return bad(ret_error, what);
}

int etcd_parse_authenticate(const char *body, size_t size, char **ret_token, char **ret_error) {
        _cleanup_(cJSON_Deletep) cJSON *root = NULL;
        const cJSON *t;
        char *token;
        int r;

        r = parse_answer(body, size, &root, ret_error);
        if (r < 0)
                return r;
        t = cJSON_GetObjectItemCaseSensitive(root, "token");
        if (!cJSON_IsString(t) || isempty(t->valuestring))
                return bad(ret_error, "no token");
        /* Never shown: only said to be unfit. */
        for (const char *p = t->valuestring; *p; p++)
                if (*p <= 0x20 || *p >= 0x7f)
                        return bad(ret_error, "the token holds a character a header cannot carry");
        if (strlen(t->valuestring) > 4096)
                return bad(ret_error, "the token is longer than 4096 bytes");
        token = strdup(t->valuestring);
        if (!token)
                return -ENOMEM;
        *ret_token = token;
        return 0;
}

int etcd_parse_lease_grant(const char *body, size_t size, char **ret_id, int64_t *ret_ttl, char **ret_error) {
        _cleanup_(cJSON_Deletep) cJSON *root = NULL;
        _cleanup_free_ char *id = NULL, *ttl = NULL;
        int64_t t;
        int r;

        r = parse_answer(body, size, &root, ret_error);
        if (r < 0)
                return r;
        r = int64_field(root, "ID", false, &id, ret_error);
        if (r < 0)
                return r;
        r = int64_field(root, "TTL", true, &ttl, ret_error);
        if (r < 0)
                return r;
        if (streq(id, "0"))
                return bad(ret_error, "no lease ID");
        if (int64_to_value(ttl, &t) < 0 || t <= 0)
                return bad(ret_error, "the lease's TTL is not above 0");
        *ret_id = TAKE_PTR(id);
        *ret_ttl = t;
        return 0;
}

int etcd_parse_lease_keepalive(const char *body, size_t size, int64_t *ret_ttl, char **ret_error) {
        _cleanup_(cJSON_Deletep) cJSON *root = NULL;
        _cleanup_free_ char *ttl = NULL, *id = NULL;
        const cJSON *result;
        int64_t t;
        int r;

        r = parse_answer(body, size, &root, ret_error);
        if (r < 0)
                return r;
        r = object_field(root, "result", true, &result, ret_error);
        if (r < 0)
                return r;
        r = int64_field(result, "ID", false, &id, ret_error);
        if (r < 0)
                return r;
        /* An expired or unknown lease: 200 without a TTL (-1 elsewhere). */
        r = int64_field(result, "TTL", true, &ttl, ret_error);
        if (r < 0)
                return r;
        if (int64_to_value(ttl, &t) < 0)
                return bad(ret_error, "the TTL is out of range");
        if (ret_ttl)
                *ret_ttl = t > 0 ? t : 0;
        return t > 0;
}

void etcd_key_values_free(EtcdKeyValue *kvs, size_t n) {
        if (!kvs)
                return;
        for (size_t i = 0; i < n; i++) {
                free(kvs[i].key);
                free(kvs[i].value);
                free(kvs[i].create_revision);
                free(kvs[i].mod_revision);
                free(kvs[i].version);
                free(kvs[i].lease);
        }
        free(kvs);
}

static int b64_field(const cJSON *o, const char *name, bool required, char **ret, size_t *ret_size,
                     char **ret_error) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
        _cleanup_free_ char *what = NULL;
        void *d;
        size_t n;
        int r;

        if (!v && !required) {
                /* Left out: empty. */
                d = calloc(1, 1);
                if (!d)
                        return -ENOMEM;
                *ret = d;
                *ret_size = 0;
                return 0;
        }
        if (!cJSON_IsString(v) || (required && isempty(v->valuestring))) {
                if (asprintf(&what, v ? "\"%s\" is not a base64 string" : "no \"%s\"", name) < 0)
                        return -ENOMEM;
                return bad(ret_error, what);
        }
        r = base64_decode(v->valuestring, strlen(v->valuestring), &d, &n);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                if (asprintf(&what, "\"%s\" is not valid base64", name) < 0)
                        return -ENOMEM;
                return bad(ret_error, what);
        }
        *ret = d;
        *ret_size = n;
        return 0;
}

static int key_value(const cJSON *o, EtcdKeyValue *kv, char **ret_error) {
        int r;

        if (!cJSON_IsObject(o))
                return bad(ret_error, "an element of \"kvs\" is not an object");
        if ((r = b64_field(o, "key", true, &kv->key, &kv->key_size, ret_error)) < 0 ||
            (r = b64_field(o, "value", false, &kv->value, &kv->value_size, ret_error)) < 0 ||
            (r = int64_field(o, "create_revision", false, &kv->create_revision, ret_error)) < 0 ||
            (r = int64_field(o, "mod_revision", false, &kv->mod_revision, ret_error)) < 0 ||
            (r = int64_field(o, "version", false, &kv->version, ret_error)) < 0 ||
            (r = int64_field(o, "lease", false, &kv->lease, ret_error)) < 0)
                return r;
        return 0;
}

/* The "kvs" of a range answer (the top level, or a txn's response_range). */
static int range_kvs(const cJSON *o, EtcdKeyValue **ret_kvs, size_t *ret_n, char **ret_error) {
        const cJSON *kvs = cJSON_GetObjectItemCaseSensitive(o, "kvs"), *e;
        EtcdKeyValue *a = NULL;
        size_t n = 0;
        int r;

        if (kvs && !cJSON_IsArray(kvs))
                return bad(ret_error, "\"kvs\" is not a list");
        cJSON_ArrayForEach(e, kvs) {
                EtcdKeyValue *m = array_grow(a, &n, sizeof *a);

                if (!m) {
                        etcd_key_values_free(a, n);
                        return -ENOMEM;
                }
                a = m;
                r = key_value(e, &a[n - 1], ret_error);
                if (r < 0) {
                        etcd_key_values_free(a, n);
                        return r;
                }
        }
        *ret_kvs = a;
        *ret_n = n;
        return 0;
}

int etcd_parse_range(const char *body, size_t size, EtcdKeyValue **ret_kvs, size_t *ret_n, char **ret_error) {
        _cleanup_(cJSON_Deletep) cJSON *root = NULL;
        int r;

        r = parse_answer(body, size, &root, ret_error);
        if (r < 0)
                return r;
        return range_kvs(root, ret_kvs, ret_n, ret_error);
}

/* A revision field: an int64 string > 0 (or absent: 0, when allowed). */
static int revision_field(const cJSON *o, const char *name, bool required, int64_t *ret, char **ret_error) {
        _cleanup_free_ char *s = NULL, *what = NULL;
        int64_t v;
        int r;

        r = int64_field(o, name, false, &s, ret_error);
        if (r < 0)
                return r;
        if (int64_to_value(s, &v) < 0 || (required && v <= 0)) {
                if (asprintf(&what, "no \"%s\" above 0", name) < 0)
                        return -ENOMEM;
                return bad(ret_error, what);
        }
        *ret = v;
        return 0;
}

int etcd_parse_range_at(const char *body, size_t size, EtcdKeyValue **ret_kvs, size_t *ret_n,
                        int64_t *ret_revision, char **ret_error) {
        _cleanup_(cJSON_Deletep) cJSON *root = NULL;
        const cJSON *header;
        int64_t rev;
        int r;

        r = parse_answer(body, size, &root, ret_error);
        if (r < 0)
                return r;
        r = object_field(root, "header", true, &header, ret_error);
        if (r < 0)
                return r;
        r = revision_field(header, "revision", true, &rev, ret_error);
        if (r < 0)
                return r;
        r = range_kvs(root, ret_kvs, ret_n, ret_error);
        if (r < 0)
                return r;
        *ret_revision = rev;
        return 0;
}

void etcd_watch_response_done(EtcdWatchResponse *w) {
        if (!w)
                return;
        for (size_t i = 0; i < w->n_events; i++) {
                EtcdKeyValue *kv = &w->events[i].kv;

                free(kv->key);
                free(kv->value);
                free(kv->create_revision);
                free(kv->mod_revision);
                free(kv->version);
                free(kv->lease);
        }
        free(w->events);
        free(w->cancel_reason);
        *w = (EtcdWatchResponse) {};
}

static int watch_event(const cJSON *o, EtcdEvent *ev, char **ret_error) {
        const cJSON *type, *kv;
        int r;

        if (!cJSON_IsObject(o))
                return bad(ret_error, "an element of \"events\" is not an object");
        type = cJSON_GetObjectItemCaseSensitive(o, "type");
        if (!type || (cJSON_IsString(type) && streq(type->valuestring, "PUT")))
                ev->type = ETCD_EVENT_PUT;
        else if (cJSON_IsString(type) && streq(type->valuestring, "DELETE"))
                ev->type = ETCD_EVENT_DELETE;
        else
                return bad(ret_error, "an event's \"type\" is neither PUT nor DELETE");
        r = object_field(o, "kv", true, &kv, ret_error);
        if (r < 0)
                return r;
        r = key_value(kv, &ev->kv, ret_error);
        if (r < 0)
                return r;
        if (int64_to_value(ev->kv.mod_revision, &ev->mod_revision) < 0 || ev->mod_revision <= 0)
                return bad(ret_error, "an event without a \"mod_revision\" above 0");
        return 0;
}

int etcd_parse_watch_response(const char *line, size_t size, EtcdWatchResponse *ret, int *ret_code,
                              char **ret_error) {
        _cleanup_(cJSON_Deletep) cJSON *root = NULL;
        EtcdWatchResponse w = {};
        const cJSON *result, *header, *flag, *events, *e, *reason;
        int r;

        r = parse_answer_max(line, size, ETCD_WATCH_LINE_MAX, "a line larger than 8 MiB", &root, ret_code, ret_error);
        if (r < 0)
                return r;
        r = object_field(root, "result", true, &result, ret_error);
        if (r < 0)
                return r;
        r = object_field(result, "header", false, &header, ret_error);
        if (r < 0)
                return r;
        if (header && (r = revision_field(header, "revision", false, &w.revision, ret_error)) < 0)
                return r;
        r = revision_field(result, "compact_revision", false, &w.compact_revision, ret_error);
        if (r < 0)
                return r;
        flag = cJSON_GetObjectItemCaseSensitive(result, "created");
        if (flag && !cJSON_IsBool(flag))
                return bad(ret_error, "\"created\" is not true or false");
        w.created = cJSON_IsTrue(flag);
        flag = cJSON_GetObjectItemCaseSensitive(result, "canceled");
        if (flag && !cJSON_IsBool(flag))
                return bad(ret_error, "\"canceled\" is not true or false");
        w.canceled = cJSON_IsTrue(flag);
        reason = cJSON_GetObjectItemCaseSensitive(result, "cancel_reason");
        if (cJSON_IsString(reason) && !isempty(reason->valuestring)) {
                w.cancel_reason = strdup_printable(reason->valuestring, 200);
                if (!w.cancel_reason)
                        return -ENOMEM;
        }
        events = cJSON_GetObjectItemCaseSensitive(result, "events");
        if (events && !cJSON_IsArray(events)) {
                etcd_watch_response_done(&w);
                return bad(ret_error, "\"events\" is not a list");
        }
        cJSON_ArrayForEach(e, events) {
                EtcdEvent *m = array_grow(w.events, &w.n_events, sizeof(EtcdEvent));

                if (!m) {
                        r = -ENOMEM;
                        goto fail;
                }
                w.events = m;
                m[w.n_events - 1] = (EtcdEvent) {};
                r = watch_event(e, &m[w.n_events - 1], ret_error);
                if (r < 0)
                        goto fail;
        }
        *ret = w;
        return 0;
fail:
        etcd_watch_response_done(&w);
        return r;
}

int etcd_parse_delete(const char *body, size_t size, EtcdKeyValue **ret_kvs, size_t *ret_n, char **ret_error) {
        _cleanup_(cJSON_Deletep) cJSON *root = NULL;
        _cleanup_free_ char *deleted = NULL;
        const cJSON *prev;
        EtcdKeyValue *kvs = NULL;
        size_t n = 0;
        int r;

        r = parse_answer(body, size, &root, ret_error);
        if (r < 0)
                return r;
        r = int64_field(root, "deleted", false, &deleted, ret_error);
        if (r < 0)
                return r;
        prev = cJSON_GetObjectItemCaseSensitive(root, "prev_kvs");
        if (prev && !cJSON_IsArray(prev))
                return bad(ret_error, "\"prev_kvs\" is not a list");
        if (prev) {
                /* range_kvs reads "kvs": the same shape. */
                _cleanup_(cJSON_Deletep) cJSON *o = cJSON_CreateObject();

                if (!o || !cJSON_AddItemReferenceToObject(o, "kvs", (cJSON *) prev))
                        return -ENOMEM;
                r = range_kvs(o, &kvs, &n, ret_error);
                if (r < 0)
                        return r;
        }
        if ((n == 0) != streq(deleted, "0")) {
                etcd_key_values_free(kvs, n);
                return bad(ret_error, "\"deleted\" does not count \"prev_kvs\"");
        }
        *ret_kvs = kvs;
        *ret_n = n;
        return 0;
}

void etcd_txn_result_done(EtcdTxnResult *t) {
        if (!t)
                return;
        free(t->revision);
        free(t->holder_mod_revision);
        free(t->holder_lease);
        free(t->holder_machine_id);
        free(t->holder_problem);
        *t = (EtcdTxnResult) {};
}

/* Whether value is a member document (by its schema), not a status one. */
static bool is_member_document(const EtcdKeyValue *kv) {
        _cleanup_(cJSON_Deletep) cJSON *root = NULL;
        _cleanup_free_ char *error = NULL;
        const cJSON *schema;

        if (kv->value_size == 0 || kv->value_size > MEMBER_SIZE_MAX ||
            json_document_parse(kv->value, kv->value_size, SIZE_MAX, MEMBER_DEPTH_MAX, &root, &error) < 0)
                return false;
        schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
        return cJSON_IsString(schema) && streq(schema->valuestring, MEMBER_SCHEMA);
}

/* Whose status (or member) document is value: its machine id, or what is
 * wrong. */
static int holder_of(const EtcdKeyValue *kv, EtcdTxnResult *t) {
        _cleanup_(cJSON_Deletep) cJSON *doc = NULL;
        const cJSON *id;
        bool member = is_member_document(kv);
        int r;

        r = member ? member_document_parse(kv->value, kv->value_size, &doc, &t->holder_problem)
                   : status_document_parse(kv->value, kv->value_size, &doc, &t->holder_problem);
        if (r == -EINVAL)
                return 0;
        if (r < 0)
                return r;
        id = member ? cJSON_GetObjectItemCaseSensitive(doc, "machineId")
                    : cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "boot"), "machineId");
        if (!cJSON_IsString(id) || isempty(id->valuestring)) {
                t->holder_problem = strdup(member ? "a " MEMBER_SCHEMA " document without machineId"
                                                  : "a " STATUS_SCHEMA " document without boot.machineId");
                return t->holder_problem ? 0 : -ENOMEM;
        }
        t->holder_machine_id = strdup(id->valuestring);
        return t->holder_machine_id ? 0 : -ENOMEM;
}

int etcd_parse_txn(const char *body, size_t size, EtcdTxnResult *ret, char **ret_error) {
        _cleanup_(cJSON_Deletep) cJSON *root = NULL;
        EtcdTxnResult t = {};
        const cJSON *header, *succeeded, *responses, *e;
        int r;

        r = parse_answer(body, size, &root, ret_error);
        if (r < 0)
                return r;
        r = object_field(root, "header", true, &header, ret_error);
        if (r < 0)
                return r;
        r = int64_field(header, "revision", false, &t.revision, ret_error);
        if (r < 0)
                goto fail;
        succeeded = cJSON_GetObjectItemCaseSensitive(root, "succeeded");
        if (succeeded && !cJSON_IsBool(succeeded)) {
                r = bad(ret_error, "\"succeeded\" is not true or false");
                goto fail;
        }
        t.succeeded = cJSON_IsTrue(succeeded);
        responses = cJSON_GetObjectItemCaseSensitive(root, "responses");
        if (responses && !cJSON_IsArray(responses)) {
                r = bad(ret_error, "\"responses\" is not a list");
                goto fail;
        }
        if (!t.succeeded)
                cJSON_ArrayForEach(e, responses) {
                        const cJSON *range;
                        EtcdKeyValue *kvs = NULL;
                        size_t n = 0;

                        if (!cJSON_IsObject(e)) {
                                r = bad(ret_error, "an element of \"responses\" is not an object");
                                goto fail;
                        }
                        r = object_field(e, "response_range", false, &range, ret_error);
                        if (r < 0)
                                goto fail;
                        if (!range)
                                continue;
                        r = range_kvs(range, &kvs, &n, ret_error);
                        if (r < 0)
                                goto fail;
                        if (n > 0 && !t.holder_found) {
                                t.holder_found = true;
                                t.holder_mod_revision = TAKE_PTR(kvs[0].mod_revision);
                                t.holder_lease = TAKE_PTR(kvs[0].lease);
                                r = holder_of(&kvs[0], &t);
                        }
                        etcd_key_values_free(kvs, n);
                        if (r < 0)
                                goto fail;
                }
        *ret = t;
        return 0;
fail:
        etcd_txn_result_done(&t);
        return r;
}

/* ---- the claim ---- */

static const char * const claim_table[_ETCD_CLAIM_MAX] = {
        [ETCD_CLAIM_CLAIMED] = "claimed",
        [ETCD_CLAIM_OURS_REPLACE] = "ours-replace",
        [ETCD_CLAIM_RETRY] = "retry",
        [ETCD_CLAIM_CONFLICT] = "conflict",
};

const char *etcd_claim_to_string(EtcdClaim c) {
        if (c < 0 || c >= _ETCD_CLAIM_MAX)
                return NULL;
        return claim_table[c];
}

int etcd_claim_decide(const char *hostname, const char *machine_id, const EtcdTxnResult *txn,
                      char **ret_message) {
        _cleanup_free_ char *host = NULL, *theirs = NULL, *ours = NULL, *why = NULL;
        char *m;

        if (!hostname || isempty(machine_id) || !txn)
                return -EINVAL;
        if (txn->succeeded) {
                *ret_message = NULL;
                return ETCD_CLAIM_CLAIMED;
        }
        if (!txn->holder_found) {
                *ret_message = NULL;
                return ETCD_CLAIM_RETRY;
        }
        if (txn->holder_machine_id && streq(txn->holder_machine_id, machine_id) &&
            etcd_int64_valid(txn->holder_mod_revision, false) && !streq(txn->holder_mod_revision, "0")) {
                *ret_message = NULL;
                return ETCD_CLAIM_OURS_REPLACE;
        }
        host = strdup_printable(hostname, 64);
        ours = strdup_printable(machine_id, 64);
        if (!host || !ours)
                return -ENOMEM;
        if (txn->holder_machine_id) {
                theirs = strdup_printable(txn->holder_machine_id, 64);
                if (!theirs || asprintf(&m, "hostname %s is held by machine %s; this machine (%s) does not "
                                        "overwrite it", host, theirs, ours) < 0)
                        return -ENOMEM;
        } else {
                why = strdup_printable(strempty(txn->holder_problem), 160);
                if (!why || asprintf(&m, "hostname %s is held by a value that names no machine (%s); this "
                                     "machine (%s) does not overwrite it", host, why, ours) < 0)
                        return -ENOMEM;
        }
        *ret_message = m;
        return ETCD_CLAIM_CONFLICT;
}
