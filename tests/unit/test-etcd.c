/* SPDX-License-Identifier: MIT */
/* etcd's HTTP/JSON gateway: base64, keys, request bodies, and the parsers of
 * its answers, fed the shapes etcd 3.4.23 gave here (notes/etcd.md) and
 * hostile ones. */
#include <stdint.h>

#include <cJSON.h>

#include "harness.h"
#include "hsos/etcd.h"
#include "hsos/util.h"

#define S(x) x, strlen(x)

/* ---- base64 ---- */

static char *enc(const char *s) {
        char *t = NULL;

        ASSERT_OK(base64_encode(s, strlen(s), &t));
        return t;
}

TEST(base64_round_trips) {
        static const char * const cases[][2] = {
                { "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
                { "/homestakeros/nodes/", "L2hvbWVzdGFrZXJvcy9ub2Rlcy8=" },
                { "/homestakeros/nodes0", "L2hvbWVzdGFrZXJvcy9ub2RlczA=" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *t = enc(cases[i][0]);
                _cleanup_free_ void *d = NULL;
                size_t n;

                ASSERT_STREQ(t, cases[i][1]);
                ASSERT_OK(base64_decode(t, strlen(t), &d, &n));
                ASSERT_EQ(n, strlen(cases[i][0]));
                ASSERT_STREQ(d, cases[i][0]);
        }
}

TEST(base64_binary_with_nul_and_high_bytes) {
        const unsigned char bin[] = { 0, 0xff, 0xfe, 0x80, 0, 1 };
        _cleanup_free_ char *t = NULL;
        _cleanup_free_ void *d = NULL;
        size_t n;

        ASSERT_OK(base64_encode(bin, sizeof bin, &t));
        ASSERT_STREQ(t, "AP/+gAAB");
        ASSERT_OK(base64_decode(t, strlen(t), &d, &n));
        ASSERT_EQ(n, sizeof bin);
        ASSERT_TRUE(memcmp(d, bin, n) == 0);
}

TEST(base64_decoder_is_strict) {
        static const char * const bad[] = {
                "Zg=",      /* not a multiple of 4 */
                "Zg",       /* unpadded */
                "Z===",     /* too much padding */
                "Zh==",     /* unused bits set */
                "Zm9=",     /* unused bits set */
                "Zm=v",     /* padding in the middle */
                "Zg==Zg==", /* padding before the end */
                "Zm9v\n",   /* whitespace */
                "Zm 9",
                "Zm9-",     /* URL alphabet */
                "Zm9_",
                "====",
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                void *d = NULL;
                size_t n = 0;

                if (base64_decode(bad[i], strlen(bad[i]), &d, &n) != -EINVAL)
                        HARNESS_FAIL("accepted \"%s\"", bad[i]);
                ASSERT_NULL(d);
        }
}

/* ---- keys ---- */

TEST(node_key_and_prefix) {
        _cleanup_free_ char *k1 = NULL, *k2 = NULL, *k3 = NULL, *p = NULL, *h = NULL, *end = NULL;
        char *x = NULL;
        size_t n;

        ASSERT_OK(etcd_node_key("/homestakeros", "homestaker", &k1));
        ASSERT_STREQ(k1, "/homestakeros/nodes/homestaker/status");
        ASSERT_OK(etcd_node_key("/homestakeros//", "homestaker", &k2));
        ASSERT_STREQ(k2, k1);
        ASSERT_OK(etcd_node_key("/", "n1", &k3));
        ASSERT_STREQ(k3, "/nodes/n1/status");
        ASSERT_ERROR(etcd_node_key("/p", "", &x), EINVAL);
        ASSERT_ERROR(etcd_node_key("/p", "a/b", &x), EINVAL);
        ASSERT_ERROR(etcd_node_key("/p", "a\nb", &x), EINVAL);
        ASSERT_NULL(x);

        ASSERT_OK(etcd_nodes_prefix("/homestakeros/", &p));
        ASSERT_STREQ(p, "/homestakeros/nodes/");
        ASSERT_OK(etcd_prefix_range_end(S(p), &end, &n));
        ASSERT_STREQ(end, "/homestakeros/nodes0");
        ASSERT_EQ(n, strlen("/homestakeros/nodes0"));

        ASSERT_OK(etcd_node_key_hostname("/homestakeros/", k1, &h));
        ASSERT_STREQ(h, "homestaker");
        ASSERT_ERROR(etcd_node_key_hostname("/homestakeros", "/homestakeros/nodes/a/b/status", &x), EINVAL);
        ASSERT_ERROR(etcd_node_key_hostname("/homestakeros", "/homestakeros/nodes/a/other", &x), EINVAL);
        ASSERT_ERROR(etcd_node_key_hostname("/homestakeros", "/other/nodes/a/status", &x), EINVAL);
        ASSERT_ERROR(etcd_node_key_hostname("/homestakeros", "/homestakeros/nodes//status", &x), EINVAL);
        ASSERT_NULL(x);
}

TEST(range_end_carries_over_0xff) {
        _cleanup_free_ char *a = NULL, *b = NULL;
        size_t n;

        ASSERT_OK(etcd_prefix_range_end("a\xff\xff", 3, &a, &n));
        ASSERT_EQ(n, 1);
        ASSERT_STREQ(a, "b");
        /* Nothing to increment: every key from the start on. */
        ASSERT_OK(etcd_prefix_range_end("\xff", 1, &b, &n));
        ASSERT_EQ(n, 1);
        ASSERT_EQ(b[0], 0);
}

TEST(int64_strings) {
        ASSERT_TRUE(etcd_int64_valid("0", false));
        ASSERT_TRUE(etcd_int64_valid("7587880012296148263", false));
        ASSERT_TRUE(etcd_int64_valid("9223372036854775807", false));
        ASSERT_FALSE(etcd_int64_valid("9223372036854775808", false));
        ASSERT_FALSE(etcd_int64_valid("99999999999999999999", false));
        ASSERT_FALSE(etcd_int64_valid("", false));
        ASSERT_FALSE(etcd_int64_valid("-1", false));
        ASSERT_TRUE(etcd_int64_valid("-1", true));
        ASSERT_TRUE(etcd_int64_valid("-9223372036854775808", true));
        ASSERT_FALSE(etcd_int64_valid("-9223372036854775809", true));
        ASSERT_FALSE(etcd_int64_valid("-0", true));
        ASSERT_FALSE(etcd_int64_valid("007", false));
        ASSERT_FALSE(etcd_int64_valid("1e3", false));
        ASSERT_FALSE(etcd_int64_valid(" 1", false));
        ASSERT_FALSE(etcd_int64_valid("+1", false));
        ASSERT_FALSE(etcd_int64_valid("0x10", false));
        ASSERT_FALSE(etcd_int64_valid(NULL, false));
}

/* ---- request bodies ---- */

/* Parses a body we built: it must be JSON. */
static cJSON *body(const char *s) {
        cJSON *j = cJSON_Parse(s);

        if (!j)
                HARNESS_FAIL("not JSON: %s", s);
        return j;
}

static const char *str_at(const cJSON *o, const char *path) {
        char buf[256], *save = NULL;

        snprintf(buf, sizeof buf, "%s", path);
        for (char *p = strtok_r(buf, ".", &save); p && o; p = strtok_r(NULL, ".", &save))
                o = (p[0] >= '0' && p[0] <= '9') ? cJSON_GetArrayItem(o, atoi(p))
                                                 : cJSON_GetObjectItemCaseSensitive(o, p);
        return cJSON_IsString(o) ? o->valuestring : NULL;
}

TEST(authenticate_body_holds_the_password_only_there) {
        _cleanup_free_ char *s = NULL;
        _cleanup_(cJSON_Deletep) cJSON *j = NULL;
        char *x = NULL;

        ASSERT_OK(etcd_request_authenticate("node", "pa\"ss\\wo\nrd", &s));
        ASSERT_STREQ(s, "{\"name\":\"node\",\"password\":\"pa\\\"ss\\\\wo\\u000ard\"}");
        j = body(s);
        ASSERT_STREQ(str_at(j, "password"), "pa\"ss\\wo\nrd");
        ASSERT_ERROR(etcd_request_authenticate("", "x", &x), EINVAL);
        ASSERT_ERROR(etcd_request_authenticate("n", "\xff", &x), EINVAL);
        ASSERT_NULL(x);
}

TEST(lease_bodies) {
        _cleanup_free_ char *g = NULL, *k = NULL, *r = NULL;
        char *x = NULL;

        ASSERT_OK(etcd_request_lease_grant(30, &g));
        ASSERT_STREQ(g, "{\"TTL\":30}");
        ASSERT_ERROR(etcd_request_lease_grant(0, &x), EINVAL);
        ASSERT_ERROR(etcd_request_lease_grant(INT64_MAX, &x), EINVAL);
        ASSERT_OK(etcd_request_lease_keepalive("7587880012296148263", &k));
        ASSERT_STREQ(k, "{\"ID\":\"7587880012296148263\"}");
        ASSERT_OK(etcd_request_lease_revoke("7587880012296148263", &r));
        ASSERT_STREQ(r, k);
        ASSERT_ERROR(etcd_request_lease_keepalive("7.587880012296148e18", &x), EINVAL);
        ASSERT_ERROR(etcd_request_lease_revoke("1\"}", &x), EINVAL);
        ASSERT_NULL(x);
}

TEST(range_bodies) {
        _cleanup_free_ char *k = NULL, *p = NULL;

        ASSERT_OK(etcd_request_range_key("/homestakeros/nodes/homestaker/status", &k));
        ASSERT_STREQ(k, "{\"key\":\"L2hvbWVzdGFrZXJvcy9ub2Rlcy9ob21lc3Rha2VyL3N0YXR1cw==\"}");
        ASSERT_OK(etcd_request_range_prefix("/homestakeros/nodes/", &p));
        ASSERT_STREQ(p, "{\"key\":\"L2hvbWVzdGFrZXJvcy9ub2Rlcy8=\",\"range_end\":\"L2hvbWVzdGFrZXJvcy9ub2RlczA=\"}");
}

TEST(claim_and_replace_transactions) {
        const char *key = "/homestakeros/nodes/homestaker/status", *val = "{\"schema\":\"hsos.status/1\"}";
        _cleanup_free_ char *c = NULL, *r = NULL, *p = NULL, *kb = NULL, *vb = NULL;
        _cleanup_(cJSON_Deletep) cJSON *cj = NULL, *rj = NULL;
        char *x = NULL;

        kb = enc(key);
        vb = enc(val);
        ASSERT_OK(etcd_request_claim(key, val, "7587880012296148263", &c));
        cj = body(c);
        ASSERT_STREQ(str_at(cj, "compare.0.key"), kb);
        ASSERT_STREQ(str_at(cj, "compare.0.target"), "CREATE");
        ASSERT_STREQ(str_at(cj, "compare.0.result"), "EQUAL");
        ASSERT_STREQ(str_at(cj, "compare.0.create_revision"), "0");
        ASSERT_STREQ(str_at(cj, "success.0.request_put.key"), kb);
        ASSERT_STREQ(str_at(cj, "success.0.request_put.value"), vb);
        ASSERT_STREQ(str_at(cj, "success.0.request_put.lease"), "7587880012296148263");
        ASSERT_STREQ(str_at(cj, "failure.0.request_range.key"), kb);

        ASSERT_OK(etcd_request_replace(key, val, "7587880012296148263", "42", &r));
        rj = body(r);
        ASSERT_STREQ(str_at(rj, "compare.0.target"), "MOD");
        ASSERT_STREQ(str_at(rj, "compare.0.mod_revision"), "42");
        ASSERT_NULL(str_at(rj, "compare.0.create_revision"));
        ASSERT_STREQ(str_at(rj, "success.0.request_put.value"), vb);
        ASSERT_STREQ(str_at(rj, "failure.0.request_range.key"), kb);

        ASSERT_ERROR(etcd_request_replace(key, val, "1", "0", &x), EINVAL);
        ASSERT_ERROR(etcd_request_replace(key, val, "1", "4 2", &x), EINVAL);
        ASSERT_ERROR(etcd_request_claim(key, val, "-1", &x), EINVAL);
        ASSERT_ERROR(etcd_request_claim("", val, "1", &x), EINVAL);
        ASSERT_NULL(x);

        ASSERT_OK(etcd_request_put(key, "v", NULL, &p));
        ASSERT_STREQ(p, "{\"key\":\"L2hvbWVzdGFrZXJvcy9ub2Rlcy9ob21lc3Rha2VyL3N0YXR1cw==\",\"value\":\"dg==\"}");
}

/* ---- answers, as etcd 3.4.23 gave them ---- */

#define HEADER "\"header\":{\"cluster_id\":\"7801232528081817440\",\"member_id\":\"13458989633860879742\",\"revision\":\"3\",\"raft_term\":\"2\"}"

TEST(grant_keeps_the_id_exact) {
        const char *a = "{" HEADER ",\"ID\":\"7587880012296148263\",\"TTL\":\"30\"}";
        _cleanup_free_ char *id = NULL, *err = NULL;
        int64_t ttl = 0;

        ASSERT_OK(etcd_parse_lease_grant(S(a), &id, &ttl, &err));
        /* Above 2^53: a double would have made it ...8264 or ...8256. */
        ASSERT_STREQ(id, "7587880012296148263");
        ASSERT_EQ(ttl, 30);
}

TEST(grant_refuses_numbers_and_junk) {
        static const char * const bad[] = {
                "{\"ID\":7587880012296148263,\"TTL\":\"30\"}",       /* a number: already corrupted */
                "{\"ID\":\"75878800122961482630\",\"TTL\":\"30\"}",  /* beyond int64 */
                "{\"ID\":\"12ab\",\"TTL\":\"30\"}",
                "{\"ID\":\"-5\",\"TTL\":\"30\"}",
                "{\"ID\":\"5\",\"TTL\":\"0\"}",
                "{\"ID\":\"5\"}",
                "{\"TTL\":\"30\"}",
                "{\"ID\":\"5\",\"TTL\":30}",
                "[\"ID\"]",
                "{\"ID\":\"5\",\"TTL\":\"30\"} trailing",
                "",
                "\xff",
                "{\"ID\":\"5\",\"TTL\":\"30\"",
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *err = NULL;
                char *id = NULL;
                int64_t ttl = -7;
                int r = etcd_parse_lease_grant(S(bad[i]), &id, &ttl, &err);

                printf("#   %s -> %s\n", bad[i], strempty(err));
                if (r != -EBADMSG)
                        HARNESS_FAIL("%s: %d", bad[i], r);
                ASSERT_NOT_NULL(err);
                ASSERT_NULL(id);
                ASSERT_EQ(ttl, -7);
        }
}

TEST(keepalive_alive_and_gone) {
        const char *alive = "{\"result\":{" HEADER ",\"ID\":\"5007618062460524039\",\"TTL\":\"30\"}}\n";
        const char *gone = "{\"result\":{" HEADER ",\"ID\":\"5007618062460524039\"}}\n";
        _cleanup_free_ char *err = NULL;
        int64_t ttl = -1;

        ASSERT_EQ(etcd_parse_lease_keepalive(S(alive), &ttl, &err), 1);
        ASSERT_EQ(ttl, 30);
        ASSERT_EQ(etcd_parse_lease_keepalive(S(gone), &ttl, &err), 0);
        ASSERT_EQ(ttl, 0);
        ASSERT_EQ(etcd_parse_lease_keepalive(S("{\"result\":{\"TTL\":\"-1\"}}"), NULL, &err), 0);
        ASSERT_ERROR(etcd_parse_lease_keepalive(S("{\"result\":{\"TTL\":\"x\"}}"), NULL, &err), EBADMSG);
        err = mfree(err);
        ASSERT_ERROR(etcd_parse_lease_keepalive(S("{\"result\":[]}"), NULL, &err), EBADMSG);
        err = mfree(err);
        ASSERT_ERROR(etcd_parse_lease_keepalive(S("{}"), NULL, &err), EBADMSG);
        err = mfree(err);
        /* Two lines: not one answer. */
        ASSERT_ERROR(etcd_parse_lease_keepalive(S("{\"result\":{}}\n{\"result\":{}}\n"), NULL, &err), EBADMSG);
}

TEST(error_objects_name_the_grpc_code) {
        const char *notfound = "{\"error\":\"etcdserver: requested lease not found\",\"message\":\"etcdserver: "
                               "requested lease not found\",\"code\":5}";
        const char *stream = "{\"error\":{\"grpc_code\":16,\"http_code\":401,\"message\":\"etcdserver: invalid "
                             "auth token\",\"http_status\":\"Unauthorized\"}}";
        _cleanup_free_ char *m1 = NULL, *m2 = NULL, *m3 = NULL, *m4 = NULL;
        int code = -1;
        int64_t ttl;

        ASSERT_EQ(etcd_parse_error(S(notfound), &code, &m1), 1);
        ASSERT_EQ(code, 5);
        ASSERT_STREQ(m1, "etcd refused: etcdserver: requested lease not found (gRPC code 5, NotFound)");
        ASSERT_EQ(etcd_parse_error(S(stream), &code, &m2), 1);
        ASSERT_EQ(code, 16);
        ASSERT_STREQ(m2, "etcd refused: etcdserver: invalid auth token (gRPC code 16, Unauthenticated)");
        ASSERT_EQ(etcd_parse_error(S("{\"result\":{}}"), &code, &m3), 0);
        ASSERT_EQ(etcd_parse_error(S("not json"), &code, &m3), 0);
        ASSERT_NULL(m3);
        /* Any parser says so. */
        ASSERT_ERROR(etcd_parse_lease_keepalive(S(notfound), &ttl, &m3), EREMOTEIO);
        ASSERT_CONTAINS(m3, "gRPC code 5, NotFound");
        /* A hostile message is cut and made printable. */
        ASSERT_EQ(etcd_parse_error(S("{\"error\":\"x\",\"message\":\"\\u001b[31mred\",\"code\":99}"), &code, &m4), 1);
        ASSERT_STREQ(m4, "etcd refused: ?[31mred (gRPC code 99, unknown code)");
}

TEST(authenticate_answer) {
        _cleanup_free_ char *token = NULL, *err = NULL, *err2 = NULL;

        ASSERT_OK(etcd_parse_authenticate(S("{" HEADER ",\"token\":\"KsbOnTtwIYjZrMHw.17\"}"), &token, &err));
        ASSERT_STREQ(token, "KsbOnTtwIYjZrMHw.17");
        /* A token that would break the header is refused, and not shown. */
        ASSERT_ERROR(etcd_parse_authenticate(S("{\"token\":\"secret\\r\\nX-Evil: 1\"}"), &token, &err), EBADMSG);
        ASSERT_NOT_CONTAINS(err, "secret");
        ASSERT_ERROR(etcd_parse_authenticate(S("{\"error\":\"etcdserver: authentication failed, invalid user ID "
                                               "or password\",\"code\":3}"), &token, &err2), EREMOTEIO);
        ASSERT_CONTAINS(err2, "InvalidArgument");
}

/* The values of a node's key, as etcd returns them (base64). */
static char *kv_json(const char *key, const char *value, const char *mod_revision) {
        _cleanup_free_ char *k = enc(key), *v = enc(value);
        char *s;

        ASSERT_TRUE(asprintf(&s, "{\"key\":\"%s\",\"create_revision\":\"2\",\"mod_revision\":\"%s\","
                             "\"version\":\"1\",\"value\":\"%s\",\"lease\":\"5007618062460524039\"}",
                             k, mod_revision, v) >= 0);
        return s;
}

static const char doc_1234[] = "{\"schema\":\"hsos.status/1\",\"hostname\":\"homestaker\",\"state\":\"operational\","
                               "\"boot\":{\"machineId\":\"1234abcd1234abcd1234abcd1234abcd\"}}";

TEST(range_answers) {
        _cleanup_free_ char *kv = kv_json("/homestakeros/nodes/homestaker/status", doc_1234, "3"), *a = NULL,
                            *err = NULL;
        EtcdKeyValue *kvs = NULL;
        size_t n = 99;

        ASSERT_TRUE(asprintf(&a, "{" HEADER ",\"kvs\":[%s],\"count\":\"1\"}", kv) >= 0);
        ASSERT_OK(etcd_parse_range(S(a), &kvs, &n, &err));
        ASSERT_EQ(n, 1);
        ASSERT_STREQ(kvs[0].key, "/homestakeros/nodes/homestaker/status");
        ASSERT_STREQ(kvs[0].value, doc_1234);
        ASSERT_EQ(kvs[0].value_size, strlen(doc_1234));
        ASSERT_STREQ(kvs[0].mod_revision, "3");
        ASSERT_STREQ(kvs[0].lease, "5007618062460524039");
        etcd_key_values_free(kvs, n);

        /* An empty range is only a header. */
        kvs = NULL;
        ASSERT_OK(etcd_parse_range(S("{" HEADER "}"), &kvs, &n, &err));
        ASSERT_EQ(n, 0);
        ASSERT_NULL(kvs);

        /* Zero fields are left out: an empty value, no lease. */
        ASSERT_OK(etcd_parse_range(S("{\"kvs\":[{\"key\":\"YQ==\"}]}"), &kvs, &n, &err));
        ASSERT_EQ(n, 1);
        ASSERT_EQ(kvs[0].value_size, 0);
        ASSERT_STREQ(kvs[0].value, "");
        ASSERT_STREQ(kvs[0].lease, "0");
        etcd_key_values_free(kvs, n);
}

TEST(range_refuses_bad_shapes) {
        static const char * const bad[] = {
                "{\"kvs\":{}}",
                "{\"kvs\":[1]}",
                "{\"kvs\":[{}]}",
                "{\"kvs\":[{\"key\":\"!!!!\"}]}",
                "{\"kvs\":[{\"key\":\"YQ==\",\"value\":\"YQ\"}]}",
                "{\"kvs\":[{\"key\":\"YQ==\",\"value\":5}]}",
                "{\"kvs\":[{\"key\":\"YQ==\",\"mod_revision\":3}]}",
                "{\"kvs\":[{\"key\":\"YQ==\",\"lease\":\"1.5\"}]}",
                "{\"kvs\":[{\"key\":\"YQ==\",\"version\":\"18446744073709551616\"}]}",
                "{\"kvs\":[{\"key\":\"YQ==\",\"value\":\"a\\u0000b\"}]}",
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *err = NULL;
                EtcdKeyValue *kvs = NULL;
                size_t n = 7;

                if (etcd_parse_range(S(bad[i]), &kvs, &n, &err) != -EBADMSG)
                        HARNESS_FAIL("accepted %s", bad[i]);
                printf("#   %s -> %s\n", bad[i], err);
                ASSERT_NULL(kvs);
                ASSERT_EQ(n, 7);
        }
}

TEST(deep_nesting_and_size_are_refused) {
        _cleanup_free_ char *deep = malloc(20001), *err = NULL, *err2 = NULL;
        EtcdKeyValue *kvs = NULL;
        size_t n;

        memset(deep, '[', 10000);
        memset(deep + 10000, ']', 10000);
        deep[20000] = 0;
        ASSERT_ERROR(etcd_parse_range(S(deep), &kvs, &n, &err), EBADMSG);
        ASSERT_CONTAINS(err, "nested deeper");
        ASSERT_ERROR(etcd_parse_range("{}", ETCD_RESPONSE_SIZE_MAX + 1, &kvs, &n, &err2), EBADMSG);
        ASSERT_CONTAINS(err2, "larger");
}

/* ---- transactions and the claim ---- */

TEST(txn_succeeded) {
        const char *a = "{" HEADER ",\"succeeded\":true,\"responses\":[{\"response_put\":{\"header\":{\"revision\":\"3\"}}}]}";
        _cleanup_free_ char *err = NULL, *msg = NULL;
        EtcdTxnResult t = {};

        ASSERT_OK(etcd_parse_txn(S(a), &t, &err));
        ASSERT_TRUE(t.succeeded);
        ASSERT_STREQ(t.revision, "3");
        ASSERT_EQ(etcd_claim_decide("homestaker", "5678", &t, &msg), ETCD_CLAIM_CLAIMED);
        ASSERT_NULL(msg);
        etcd_txn_result_done(&t);
}

static void failed_txn(const char *value, EtcdTxnResult *t) {
        _cleanup_free_ char *kv = kv_json("/homestakeros/nodes/homestaker/status", value, "7"), *a = NULL,
                            *err = NULL;

        /* A failed txn has no "succeeded". */
        ASSERT_TRUE(asprintf(&a, "{" HEADER ",\"responses\":[{\"response_range\":{\"header\":{\"revision\":\"7\"},"
                             "\"kvs\":[%s],\"count\":\"1\"}}]}", kv) >= 0);
        ASSERT_OK(etcd_parse_txn(S(a), t, &err));
        ASSERT_FALSE(t->succeeded);
}

TEST(claim_held_by_another_machine_is_a_conflict) {
        _cleanup_free_ char *msg = NULL;
        EtcdTxnResult t = {};

        failed_txn(doc_1234, &t);
        ASSERT_TRUE(t.holder_found);
        ASSERT_STREQ(t.holder_machine_id, "1234abcd1234abcd1234abcd1234abcd");
        ASSERT_STREQ(t.holder_mod_revision, "7");
        ASSERT_STREQ(t.holder_lease, "5007618062460524039");
        ASSERT_EQ(etcd_claim_decide("homestaker", "5678ef005678ef005678ef005678ef00", &t, &msg), ETCD_CLAIM_CONFLICT);
        ASSERT_STREQ(msg, "hostname homestaker is held by machine 1234abcd1234abcd1234abcd1234abcd; this machine "
                          "(5678ef005678ef005678ef005678ef00) does not overwrite it");
        etcd_txn_result_done(&t);
}

TEST(claim_held_by_ourselves_is_replaced) {
        _cleanup_free_ char *msg = NULL, *replace = NULL;
        EtcdTxnResult t = {};

        failed_txn(doc_1234, &t);
        ASSERT_EQ(etcd_claim_decide("homestaker", "1234abcd1234abcd1234abcd1234abcd", &t, &msg),
                  ETCD_CLAIM_OURS_REPLACE);
        ASSERT_NULL(msg);
        ASSERT_OK(etcd_request_replace("/k", doc_1234, "1", t.holder_mod_revision, &replace));
        ASSERT_CONTAINS(replace, "\"mod_revision\":\"7\"");
        etcd_txn_result_done(&t);
}

TEST(claim_held_by_something_else_is_a_conflict) {
        _cleanup_free_ char *m1 = NULL, *m2 = NULL;
        EtcdTxnResult t = {};

        failed_txn("hello", &t);
        ASSERT_NULL(t.holder_machine_id);
        ASSERT_EQ(etcd_claim_decide("homestaker", "5678", &t, &m1), ETCD_CLAIM_CONFLICT);
        ASSERT_CONTAINS(m1, "hostname homestaker is held by a value that names no machine (not JSON");
        etcd_txn_result_done(&t);

        failed_txn("{\"schema\":\"hsos.status/1\",\"state\":\"starting\",\"boot\":{\"machineId\":null}}", &t);
        ASSERT_EQ(etcd_claim_decide("homestaker", "5678", &t, &m2), ETCD_CLAIM_CONFLICT);
        ASSERT_CONTAINS(m2, "without boot.machineId");
        etcd_txn_result_done(&t);
}

TEST(replace_that_finds_the_key_gone_claims_again) {
        _cleanup_free_ char *err = NULL, *msg = NULL;
        EtcdTxnResult t = {};

        ASSERT_OK(etcd_parse_txn(S("{" HEADER ",\"responses\":[{\"response_range\":{\"header\":{\"revision\":\"9\"}}}]}"),
                                 &t, &err));
        ASSERT_FALSE(t.holder_found);
        ASSERT_EQ(etcd_claim_decide("homestaker", "5678", &t, &msg), ETCD_CLAIM_RETRY);
        ASSERT_STREQ(etcd_claim_to_string(ETCD_CLAIM_RETRY), "retry");
        etcd_txn_result_done(&t);
}

TEST(txn_refuses_bad_shapes) {
        static const char * const bad[] = {
                "{}",
                "{\"header\":[]}",
                "{\"header\":{},\"succeeded\":\"true\"}",
                "{\"header\":{},\"succeeded\":1}",
                "{\"header\":{},\"responses\":{}}",
                "{\"header\":{},\"responses\":[7]}",
                "{\"header\":{},\"responses\":[{\"response_range\":[]}]}",
                "{\"header\":{},\"responses\":[{\"response_range\":{\"kvs\":[{\"key\":\"@@@@\"}]}}]}",
                "{\"header\":{\"revision\":\"abc\"}}",
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *err = NULL;
                EtcdTxnResult t = {};

                if (etcd_parse_txn(S(bad[i]), &t, &err) != -EBADMSG)
                        HARNESS_FAIL("accepted %s", bad[i]);
                printf("#   %s -> %s\n", bad[i], err);
                ASSERT_NULL(t.revision);
        }
}

/* ---- members ---- */

TEST(member_key_and_prefix) {
        _cleanup_free_ char *k = NULL, *p = NULL, *h = NULL, *body = NULL;
        char *x = NULL;

        ASSERT_OK(etcd_member_key("/homestakeros/", "alpha", &k));
        ASSERT_STREQ(k, "/homestakeros/members/alpha");
        ASSERT_OK(etcd_members_prefix("/homestakeros", &p));
        ASSERT_STREQ(p, "/homestakeros/members/");
        ASSERT_OK(etcd_member_key_hostname("/homestakeros", k, &h));
        ASSERT_STREQ(h, "alpha");
        ASSERT_ERROR(etcd_member_key("/p", "a/b", &x), EINVAL);
        ASSERT_ERROR(etcd_member_key("/p", "", &x), EINVAL);
        ASSERT_ERROR(etcd_member_key_hostname("/p", "/p/members/a/b", &x), EINVAL);
        ASSERT_ERROR(etcd_member_key_hostname("/p", "/p/members/", &x), EINVAL);
        ASSERT_ERROR(etcd_member_key_hostname("/p", "/p/members/a\033b", &x), EINVAL);
        ASSERT_ERROR(etcd_member_key_hostname("/p", "/p/nodes/a/status", &x), EINVAL);
        ASSERT_NULL(x);
        /* A member's key is claimed like the status key, without a lease. */
        ASSERT_OK(etcd_request_claim(k, "{}", NULL, &body));
        ASSERT_NOT_CONTAINS(body, "lease");
        ASSERT_CONTAINS(body, "\"target\":\"CREATE\"");
}

TEST(delete_asks_for_what_it_removed) {
        _cleanup_free_ char *body = NULL, *kv = kv_json("/p/members/alpha", "{}", "4"), *a = NULL, *err = NULL;
        EtcdKeyValue *kvs = NULL;
        size_t n = 99;
        char *x = NULL;

        ASSERT_OK(etcd_request_delete_key("/p/members/alpha", &body));
        ASSERT_STREQ(body, "{\"key\":\"L3AvbWVtYmVycy9hbHBoYQ==\",\"prev_kv\":true}");
        ASSERT_ERROR(etcd_request_delete_key("", &x), EINVAL);

        ASSERT_TRUE(asprintf(&a, "{" HEADER ",\"deleted\":\"1\",\"prev_kvs\":[%s]}", kv) >= 0);
        ASSERT_OK(etcd_parse_delete(S(a), &kvs, &n, &err));
        ASSERT_EQ(n, 1);
        ASSERT_STREQ(kvs[0].key, "/p/members/alpha");
        ASSERT_STREQ(kvs[0].value, "{}");
        etcd_key_values_free(kvs, n);

        /* No such key: only a header. */
        kvs = NULL;
        ASSERT_OK(etcd_parse_delete(S("{" HEADER "}"), &kvs, &n, &err));
        ASSERT_EQ(n, 0);
        ASSERT_NULL(kvs);

        static const char * const bad[] = {
                "{\"deleted\":\"1\"}",
                "{\"deleted\":\"0\",\"prev_kvs\":[{\"key\":\"YQ==\"}]}",
                "{\"deleted\":1,\"prev_kvs\":[{\"key\":\"YQ==\"}]}",
                "{\"deleted\":\"1\",\"prev_kvs\":{}}",
                "{\"deleted\":\"1\",\"prev_kvs\":[{\"key\":\"@@\"}]}",
                "[]",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *e = NULL;

                kvs = NULL;
                if (etcd_parse_delete(S(bad[i]), &kvs, &n, &e) != -EBADMSG)
                        HARNESS_FAIL("accepted %s", bad[i]);
                printf("#   %s -> %s\n", bad[i], e);
                ASSERT_NULL(kvs);
        }
}

static const char member_1234[] = "{\"schema\":\"hsos.member/1\",\"hostname\":\"homestaker\","
                                  "\"machineId\":\"1234abcd1234abcd1234abcd1234abcd\",\"state\":\"degraded\"}";

TEST(member_claims_are_decided_by_the_member_documents_machine_id) {
        _cleanup_free_ char *m1 = NULL, *m2 = NULL, *m3 = NULL;
        EtcdTxnResult t = {};

        failed_txn(member_1234, &t);
        ASSERT_STREQ(t.holder_machine_id, "1234abcd1234abcd1234abcd1234abcd");
        ASSERT_EQ(etcd_claim_decide("homestaker", "1234abcd1234abcd1234abcd1234abcd", &t, &m1), ETCD_CLAIM_OURS_REPLACE);
        ASSERT_EQ(etcd_claim_decide("homestaker", "5678", &t, &m2), ETCD_CLAIM_CONFLICT);
        ASSERT_CONTAINS(m2, "hostname homestaker is held by machine 1234abcd1234abcd1234abcd1234abcd");
        etcd_txn_result_done(&t);

        /* A member document's machineId, not a status document's place. */
        failed_txn("{\"schema\":\"hsos.member/1\",\"hostname\":\"h\",\"state\":\"x\","
                   "\"boot\":{\"machineId\":\"5678\"}}", &t);
        ASSERT_NULL(t.holder_machine_id);
        ASSERT_EQ(etcd_claim_decide("homestaker", "5678", &t, &m3), ETCD_CLAIM_CONFLICT);
        ASSERT_CONTAINS(m3, "a hsos.member/1 document without machineId");
        etcd_txn_result_done(&t);
}
