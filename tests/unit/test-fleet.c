/* SPDX-License-Identifier: MIT */
/* hsos-agent fleet: every node's status from the controller, one line each. */
#include <stdint.h>

#include <cJSON.h>

#include "harness.h"
#include "hsos/fleet.h"
#include "hsos/json-doc.h"
#include "hsos/member.h"
#include "hsos/util.h"

/* 2026-11-26T12:00:00Z */
#define NOW (UINT64_C(1795694400) * 1000000)

#define S(x) x, strlen(x)
#define V(p, k, n) ((FleetView) { .prefix = (p), .nodes = (k), .n_nodes = (n), .now_usec = NOW })

static EtcdKeyValue kv(const char *key, const char *value) {
        return (EtcdKeyValue) {
                .key = (char *) key, .key_size = strlen(key), .value = (char *) value, .value_size = strlen(value),
        };
}

static const char synced[] =
        "{\"schema\":\"hsos.status/1\",\"generatedAt\":\"2026-11-26T11:59:48Z\",\"hostname\":\"alpha\","
        "\"state\":\"operational\",\"agent\":{\"version\":\"0.4.0\"},"
        "\"execution\":[{\"client\":\"geth\",\"reachable\":true,\"syncing\":false,\"currentBlock\":21000000,"
        "\"peers\":50,\"version\":\"Geth/v1.14.11-stable/linux-amd64/go1.22.5\"}],"
        "\"consensus\":[{\"client\":\"lighthouse\",\"reachable\":true,\"syncing\":false,\"headSlot\":10500000,"
        "\"syncDistance\":0,\"peers\":80,\"version\":\"Lighthouse/v5.3.0-d6ba8c3\"}]}";

static const char syncing[] =
        "{\"schema\":\"hsos.status/1\",\"generatedAt\":\"2026-11-26T11:55:00Z\",\"hostname\":\"bravo\","
        "\"state\":\"degraded\","
        "\"execution\":[{\"client\":\"geth\",\"reachable\":true,\"syncing\":true,\"currentBlock\":1234,"
        "\"highestBlock\":5678,\"peers\":0}],"
        "\"consensus\":[{\"client\":\"lighthouse\",\"reachable\":true,\"syncing\":true,\"headSlot\":1000,"
        "\"syncDistance\":120,\"optimistic\":true,\"peers\":null}]}";

static const char unreachable[] =
        "{\"schema\":\"hsos.status/1\",\"generatedAt\":\"2026-11-24T12:00:00Z\",\"state\":\"failed\","
        "\"execution\":[{\"client\":\"nethermind\",\"reachable\":false,\"error\":\"connection refused\"}],"
        "\"consensus\":[]}";

TEST(one_line_per_node_sorted_by_hostname) {
        EtcdKeyValue kvs[] = {
                kv("/homestakeros/nodes/charlie/status", unreachable),
                kv("/homestakeros/nodes/alpha/status", synced),
                kv("/homestakeros/nodes/bravo/status", syncing),
        };
        _cleanup_free_ char *t = NULL;

        ASSERT_OK(fleet_to_text(&V("/homestakeros/", kvs, ELEMENTSOF(kvs)), false, &t));
        printf("%s", t);
        ASSERT_STREQ(t,
                     "HOSTNAME  STATE          AGE  CLIENTS\n"
                     "alpha     operational    12s  geth synced block 21000000 (50 peers),\n"
                     "                              lighthouse synced slot 10500000 (80 peers)\n"
                     "                              agent 0.4.0, geth Geth/v1.14.11-stable/linux-amd64/go1.22.5,\n"
                     "                              lighthouse Lighthouse/v5.3.0-d6ba8c3\n"
                     "bravo     degraded        5m  geth syncing 1234/5678 (0 peers),\n"
                     "                              lighthouse syncing dist 120 optimistic slot 1000\n"
                     "charlie   failed          2d  nethermind unreachable\n");
}

TEST(every_line_fits_100_columns) {
        char big[4096];
        EtcdKeyValue kvs[2];
        _cleanup_free_ char *t = NULL;
        size_t col = 0;

        snprintf(big, sizeof big,
                 "{\"schema\":\"hsos.status/1\",\"generatedAt\":\"2026-11-26T12:00:05Z\",\"state\":\"degraded\","
                 "\"execution\":[{\"client\":\"%s\",\"syncing\":true},{\"client\":\"besu\",\"staleHead\":true,"
                 "\"headAgeSec\":900}],\"consensus\":[{\"client\":\"teku\",\"optimistic\":true},"
                 "{\"client\":\"nimbus\",\"elOffline\":true}]}",
                 "averyveryveryveryveryveryveryveryveryveryveryverylongclientname");
        kvs[0] = kv("/p/nodes/a-hostname-that-is-rather-long-for-a-column/status", big);
        kvs[1] = kv("/p/nodes/b/status", "{\"schema\":\"hsos.status/1\",\"state\":\"starting\"}");
        ASSERT_OK(fleet_to_text(&V("/p", kvs, 2), false, &t));
        printf("%s", t);
        for (const char *p = t; *p; p++) {
                col = *p == '\n' ? 0 : col + 1;
                if (col > 100)
                        HARNESS_FAIL("a line is longer than 100 columns:\n%s", t);
        }
        ASSERT_CONTAINS(t, "besu stale head 15m old");
        ASSERT_CONTAINS(t, "teku optimistic");
        ASSERT_CONTAINS(t, "nimbus el offline");
        ASSERT_CONTAINS(t, "-5s");  /* a clock ahead of ours */
        ASSERT_CONTAINS(t, "b                     starting         ?  no client reported\n");
}

TEST(invalid_values_are_shown_as_such) {
        EtcdKeyValue kvs[] = {
                kv("/p/nodes/n1/status", "not json at all"),
                kv("/p/nodes/n2/status", "{\"schema\":\"other/2\",\"state\":\"x\"}"),
                kv("/p/nodes/n3/status", "[1,2]"),
                kv("/p/nodes/n4/status", ""),
                kv("/p/nodes/n5/status", "{\"schema\":\"hsos.status/1\"}"),
                kv("/p/nodes/n6/other", synced),
                kv("/p/nodes/n7/status", "{\"schema\":\"hsos.status/1\",\"state\":\"\\u001b[2Jgotcha\","
                                         "\"generatedAt\":7,\"execution\":[{\"client\":\"\\u001b]0;x\\u0007\","
                                         "\"currentBlock\":\"many\",\"syncing\":true}],\"consensus\":{}}"),
        };
        _cleanup_free_ char *t = NULL, *j = NULL;

        ASSERT_OK(fleet_to_text(&V("/p", kvs, ELEMENTSOF(kvs)), false, &t));
        printf("%s", t);
        ASSERT_STREQ(t,
                     "HOSTNAME           STATE          AGE  CLIENTS\n"
                     "/p/nodes/n6/other  invalid             not a node's status key (<prefix>/nodes/<hostname>/status)\n"
                     "n1                 invalid             not JSON (not valid JSON: syntax error at line 1, column 1)\n"
                     "n2                 invalid             not a hsos.status/1 document: its schema is \"other/2\"\n"
                     "n3                 invalid             not a hsos.status/1 document: not a JSON object\n"
                     "n4                 invalid             empty, not a hsos.status/1 document\n"
                     "n5                 invalid             not a valid hsos.status/1 document: no state\n"
                     "n7                 ?[2Jgotcha       ?  ?]0;x? syncing\n");
        ASSERT_NOT_CONTAINS(t, "\033");

        ASSERT_OK(fleet_to_json(&V("/p", kvs, ELEMENTSOF(kvs)), &j));
        {
                _cleanup_(cJSON_Deletep) cJSON *a = cJSON_Parse(j);
                ASSERT_TRUE(cJSON_IsArray(a));
                ASSERT_EQ(cJSON_GetArraySize(a), 7);
                ASSERT_STREQ(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 1), "key")->valuestring, "/p/nodes/n1/status");
                ASSERT_CONTAINS(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 1), "error")->valuestring, "not JSON");
                /* n7 is a document, however odd: it is shown as it is. */
                ASSERT_STREQ(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 6), "schema")->valuestring, "hsos.status/1");
        }
}

TEST(lines_are_the_rows_unwrapped) {
        EtcdKeyValue kvs[] = { kv("/p/nodes/bravo/status", syncing), kv("/p/nodes/alpha/status", synced) };
        EtcdKeyValue members[] = { kv("/p/members/charlie", "{\"schema\":\"hsos.member/1\",\"hostname\":\"charlie\","
                                                            "\"state\":\"degraded\",\"lastSeen\":\"2026-11-26T11:46:00Z\"}") };
        FleetView v = { .prefix = "/p", .nodes = kvs, .n_nodes = 2, .members = members, .n_members = 1,
                        .now_usec = NOW };
        _cleanup_strv_free_ char **hosts = NULL, **lines = NULL;

        ASSERT_OK(fleet_to_lines(&v, &hosts, &lines));
        ASSERT_EQ(strv_length(lines), 3u);
        ASSERT_STREQ(hosts[0], "alpha");
        ASSERT_STREQ(lines[0], "alpha operational geth synced block 21000000 (50 peers), lighthouse synced slot "
                               "10500000 (80 peers); agent 0.4.0, geth Geth/v1.14.11-stable/linux-amd64/go1.22.5, "
                               "lighthouse Lighthouse/v5.3.0-d6ba8c3");
        ASSERT_STREQ(lines[1], "bravo degraded geth syncing 1234/5678 (0 peers), lighthouse syncing dist 120 "
                               "optimistic slot 1000");
        ASSERT_STREQ(hosts[2], "charlie");
        ASSERT_STREQ(lines[2], "charlie down last seen 2026-11-26T11:46:00Z, was degraded");
        for (size_t i = 0; lines[i]; i++)
                ASSERT_NULL(strchr(lines[i], '\n'));
}

TEST(color_only_when_asked) {
        EtcdKeyValue kvs[] = { kv("/p/nodes/alpha/status", synced) };
        _cleanup_free_ char *t = NULL;

        ASSERT_OK(fleet_to_text(&V("/p", kvs, 1), true, &t));
        ASSERT_CONTAINS(t, "alpha     \033[32moperational\033[0m    12s  geth synced block 21000000");
}

TEST(an_empty_fleet) {
        _cleanup_free_ char *t = NULL, *j = NULL;

        ASSERT_OK(fleet_to_text(&V("/p", NULL, 0), false, &t));
        ASSERT_CONTAINS(t, "(no node has reported)");
        ASSERT_OK(fleet_to_json(&V("/p", NULL, 0), &j));
        ASSERT_STREQ(j, "[]");
}

TEST(json_is_the_documents_sorted) {
        EtcdKeyValue kvs[] = {
                kv("/p/nodes/bravo/status", syncing),
                kv("/p/nodes/alpha/status", synced),
        };
        _cleanup_free_ char *j = NULL;
        _cleanup_(cJSON_Deletep) cJSON *a = NULL;

        ASSERT_OK(fleet_to_json(&V("/p", kvs, 2), &j));
        a = cJSON_Parse(j);
        ASSERT_EQ(cJSON_GetArraySize(a), 2);
        ASSERT_STREQ(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 0), "hostname")->valuestring, "alpha");
        ASSERT_STREQ(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 1), "state")->valuestring, "degraded");
}

TEST(rfc3339) {
        uint64_t t;

        ASSERT_OK(time_parse_rfc3339("2026-11-26T12:00:00Z", &t));
        ASSERT_EQ(t, NOW);
        ASSERT_OK(time_parse_rfc3339("2026-11-26T12:00:00.25Z", &t));
        ASSERT_EQ(t, NOW + 250000);
        ASSERT_ERROR(time_parse_rfc3339("2026-02-30T12:00:00Z", &t), EINVAL);
        ASSERT_ERROR(time_parse_rfc3339("2026-11-26T12:00:00+01:00", &t), EINVAL);
        ASSERT_ERROR(time_parse_rfc3339("2026-11-26 12:00:00Z", &t), EINVAL);
        ASSERT_ERROR(time_parse_rfc3339("2026-11-26T24:00:00Z", &t), EINVAL);
        ASSERT_ERROR(time_parse_rfc3339("2026-11-26T12:00:00.Z", &t), EINVAL);
        ASSERT_ERROR(time_parse_rfc3339("", &t), EINVAL);
}

/* Another node's words reach this terminal cleaned, in text and JSON alike
 * (issue #13): C1 and bidi controls become '?', its text stays. */
TEST(another_nodes_controls_never_reach_the_terminal) {
        static const char doc[] =
                "{\"schema\":\"hsos.status/1\",\"generatedAt\":\"2026-11-26T11:59:48Z\",\"hostname\":\"d\\u202eelta\","
                "\"state\":\"ok\\u009b2J\",\"note\":\"é 日本\",\"\\u202ekey\":1,"
                "\"execution\":[{\"client\":\"ge\\u009bth\",\"reachable\":true,\"syncing\":false,"
                "\"version\":\"Geth\\u0085\\u2066x\\u0007\"}],\"consensus\":[]}";
        EtcdKeyValue kvs[] = { kv("/p/nodes/delta/status", doc), kv("/p/nodes/\xc2\x9b\xe2\x80\xae/x", doc) };
        _cleanup_free_ char *t = NULL, *j = NULL;

        ASSERT_OK(fleet_to_text(&V("/p", kvs, ELEMENTSOF(kvs)), false, &t));
        printf("%s", t);
        ASSERT_TRUE(utf8_is_valid(t, strlen(t)));
        ASSERT_NOT_CONTAINS(t, "\xc2\x9b");
        ASSERT_NOT_CONTAINS(t, "\xe2\x80\xae");
        ASSERT_CONTAINS(t, "delta          ok?2J          12s  ge?th synced\n"
                           "                                   ge?th Geth??x?\n");
        ASSERT_OK(fleet_to_json(&V("/p", kvs, ELEMENTSOF(kvs)), &j));
        printf("%s\n", j);
        ASSERT_TRUE(utf8_is_valid(j, strlen(j)));
        ASSERT_NOT_CONTAINS(j, "\xc2\x9b");
        ASSERT_NOT_CONTAINS(j, "\xc2\x85");
        ASSERT_NOT_CONTAINS(j, "\xe2\x80\xae");
        ASSERT_NOT_CONTAINS(j, "\xe2\x81\xa6");
        ASSERT_CONTAINS(j, "\"state\":\t\"ok?2J\"");
        ASSERT_CONTAINS(j, "\"hostname\":\t\"d?elta\"");
        ASSERT_CONTAINS(j, "\"?key\":\t1");
        ASSERT_CONTAINS(j, "\"version\":\t\"Geth??x?\"");
        ASSERT_CONTAINS(j, "\"note\":\t\"é 日本\"");
        ASSERT_CONTAINS(j, "\"key\":\t\"/p/nodes/?" "?/x\"");
}

/* ---- the member document ---- */

TEST(member_is_a_summary_of_the_status) {
        static const char status[] =
                "{\"schema\":\"hsos.status/1\",\"generatedAt\":\"2026-11-26T11:59:48Z\",\"hostname\":\"bravo\","
                "\"state\":\"degraded\",\"reasons\":[\"geth is syncing\",\"lighthouse\\u202e has 0 peers\"],"
                "\"agent\":{\"version\":\"0.1.0\",\"pid\":7},\"boot\":{\"machineId\":\"ffff\"},"
                "\"units\":[{\"name\":\"geth.service\"}],"
                "\"execution\":[{\"client\":\"geth\",\"reachable\":true,\"syncing\":true,\"currentBlock\":1234,"
                "\"highestBlock\":5678,\"peers\":0,\"version\":\"Geth/v1.14\",\"error\":\"x\",\"latencyMs\":3,"
                "\"since\":{\"a\":1}}],"
                "\"consensus\":[{\"client\":\"lighthouse\",\"syncing\":false,\"headSlot\":999,\"syncDistance\":0,"
                "\"optimistic\":true,\"peers\":null}]}";
        _cleanup_free_ char *j = NULL, *state = NULL, *problem = NULL;
        _cleanup_(cJSON_Deletep) cJSON *doc = NULL;
        char *x = NULL;

        ASSERT_OK(member_build(status, "1234abcd", NOW, &j, &state));
        printf("# %s\n", j);
        ASSERT_STREQ(state, "degraded");
        ASSERT_STREQ(j, "{\"schema\":\"hsos.member/1\",\"hostname\":\"bravo\",\"machineId\":\"1234abcd\","
                        "\"state\":\"degraded\",\"lastSeen\":\"2026-11-26T12:00:00Z\",\"agentVersion\":\"0.1.0\","
                        "\"reasons\":[\"geth is syncing\",\"lighthouse? has 0 peers\"],"
                        "\"execution\":[{\"client\":\"geth\",\"reachable\":true,\"syncing\":true,\"currentBlock\":1234,"
                        "\"highestBlock\":5678,\"peers\":0,\"version\":\"Geth/v1.14\"}],"
                        "\"consensus\":[{\"client\":\"lighthouse\",\"syncing\":false,\"headSlot\":999,"
                        "\"syncDistance\":0,\"optimistic\":true,\"peers\":null}]}");
        ASSERT_OK(member_document_parse(S(j), &doc, &problem));

        ASSERT_ERROR(member_build("{\"schema\":\"x\"}", "1234abcd", NOW, &x, &x), EINVAL);
        ASSERT_ERROR(member_build(status, "", NOW, &x, &x), EINVAL);
        ASSERT_NULL(x);
}

TEST(member_parse_says_what_is_wrong_in_one_line) {
        static const char * const bad[][2] = {
                { "", "empty, not a hsos.member/1 document" },
                { "nope", "not JSON (" },
                { "[]", "not a hsos.member/1 document: not a JSON object" },
                { "{\"schema\":\"hsos.status/1\",\"state\":\"x\"}", "its schema is \"hsos.status/1\"" },
                { "{\"schema\":\"hsos.member/1\",\"state\":\"x\"}", "no hostname" },
                { "{\"schema\":\"hsos.member/1\",\"hostname\":\"x\"}", "no state" },
                { "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "nested deeper than 8" },
        };
        _cleanup_free_ char *big = malloc(1024 * 1024 + 1);
        _cleanup_free_ char *p = NULL;
        cJSON *doc = NULL;

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *problem = NULL;

                ASSERT_ERROR(member_document_parse(S(bad[i][0]), &doc, &problem), EINVAL);
                printf("#   %s -> %s\n", bad[i][0], problem);
                ASSERT_CONTAINS(problem, bad[i][1]);
                ASSERT_NULL(strchr(problem, '\n'));
        }
        ASSERT_TRUE(big != NULL);
        memset(big, ' ', 1024 * 1024);
        big[0] = '{';
        big[1024 * 1024 - 1] = '}';
        ASSERT_ERROR(member_document_parse(big, 1024 * 1024, &doc, &p), EINVAL);
        ASSERT_STREQ(p, "1048576 bytes, larger than a hsos.member/1 document may be (64 KiB)");
        ASSERT_NULL(doc);
}

/* ---- members: a dead node stays visible ---- */

static const char member_bravo[] =
        "{\"schema\":\"hsos.member/1\",\"hostname\":\"bravo\",\"machineId\":\"1234\",\"state\":\"degraded\","
        "\"lastSeen\":\"2026-11-26T11:46:00Z\",\"agentVersion\":\"0.1.0\","
        "\"reasons\":[\"geth is syncing (block 1234 of 5678)\",\"lighthouse has 0 peers\"],"
        "\"execution\":[{\"client\":\"geth\",\"syncing\":true,\"version\":\"Geth/v1.14.11\"}],\"consensus\":[]}";
static const char member_alpha[] =
        "{\"schema\":\"hsos.member/1\",\"hostname\":\"alpha\",\"machineId\":\"5678\",\"state\":\"operational\","
        "\"lastSeen\":\"2026-11-26T11:59:00Z\",\"reasons\":[]}";

TEST(a_member_without_a_status_is_down_an_expected_name_never_seen) {
        EtcdKeyValue nodes[] = { kv("/p/nodes/alpha/status", synced) };
        EtcdKeyValue members[] = { kv("/p/members/alpha", member_alpha), kv("/p/members/bravo", member_bravo) };
        char *expected[] = { (char *) "delta", (char *) "alpha", NULL };
        FleetView v = { .prefix = "/p", .nodes = nodes, .n_nodes = 1, .members = members, .n_members = 2,
                        .expected = expected, .now_usec = NOW };
        _cleanup_free_ char *t = NULL, *j = NULL, *c = NULL;
        _cleanup_(cJSON_Deletep) cJSON *a = NULL;

        ASSERT_OK(fleet_to_text(&v, false, &t));
        printf("%s", t);
        ASSERT_STREQ(t,
                     "HOSTNAME  STATE          AGE  CLIENTS\n"
                     "alpha     operational    12s  geth synced block 21000000 (50 peers),\n"
                     "                              lighthouse synced slot 10500000 (80 peers)\n"
                     "                              agent 0.4.0, geth Geth/v1.14.11-stable/linux-amd64/go1.22.5,\n"
                     "                              lighthouse Lighthouse/v5.3.0-d6ba8c3\n"
                     "bravo     down           14m  last seen 14 min ago, was degraded: geth is syncing (block 1234 of\n"
                     "                              5678)\n"
                     "                              agent 0.1.0, geth Geth/v1.14.11\n"
                     "delta     never seen          no report from it in this etcd\n");
        ASSERT_EQ(fleet_exit_code(&v), 2);

        ASSERT_OK(fleet_to_text(&v, true, &c));
        ASSERT_CONTAINS(c, "\033[31mdown\033[0m");
        ASSERT_CONTAINS(c, "\033[31mnever seen\033[0m");

        ASSERT_OK(fleet_to_json(&v, &j));
        a = cJSON_Parse(j);
        ASSERT_EQ(cJSON_GetArraySize(a), 3);
        ASSERT_STREQ(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 0), "schema")->valuestring, "hsos.status/1");
        ASSERT_STREQ(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 1), "state")->valuestring, "down");
        ASSERT_STREQ(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 1), "lastState")->valuestring, "degraded");
        ASSERT_STREQ(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 1), "lastSeen")->valuestring, "2026-11-26T11:46:00Z");
        ASSERT_STREQ(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 2), "hostname")->valuestring, "delta");
        ASSERT_STREQ(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 2), "state")->valuestring, "never seen");
}

TEST(exit_codes_over_the_fleet) {
        static const char degraded[] = "{\"schema\":\"hsos.status/1\",\"state\":\"degraded\"}";
        static const char failed[] = "{\"schema\":\"hsos.status/1\",\"state\":\"failed\"}";
        static const char odd[] = "{\"schema\":\"hsos.status/1\",\"state\":\"\\u001b[2J\"}";
        EtcdKeyValue ok1[] = { kv("/p/nodes/alpha/status", synced) };
        EtcdKeyValue deg[] = { kv("/p/nodes/alpha/status", synced), kv("/p/nodes/b/status", degraded) };
        EtcdKeyValue fail[] = { kv("/p/nodes/b/status", degraded), kv("/p/nodes/c/status", failed) };
        EtcdKeyValue weird[] = { kv("/p/nodes/alpha/status", odd) };
        EtcdKeyValue garbage[] = { kv("/p/members/x", "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]") };
        EtcdKeyValue alpha_member[] = { kv("/p/members/alpha", member_alpha) };
        char *expect_alpha[] = { (char *) "alpha", NULL };

        ASSERT_EQ(fleet_exit_code(&V("/p", NULL, 0)), 0);
        ASSERT_EQ(fleet_exit_code(&V("/p", ok1, 1)), 0);
        ASSERT_EQ(fleet_exit_code(&V("/p", deg, 2)), 1);
        ASSERT_EQ(fleet_exit_code(&V("/p", fail, 2)), 2);
        ASSERT_EQ(fleet_exit_code(&V("/p", weird, 1)), 2);
        ASSERT_EQ(fleet_exit_code(&(FleetView) { .prefix = "/p", .members = garbage, .n_members = 1 }), 2);
        /* A live node's member is not down; an expected live node is seen. */
        ASSERT_EQ(fleet_exit_code(&(FleetView) { .prefix = "/p", .nodes = ok1, .n_nodes = 1, .members = alpha_member,
                                                 .n_members = 1, .expected = expect_alpha }), 0);
}

TEST(a_hostile_member_is_one_line_saying_what_is_wrong) {
        _cleanup_free_ char *big = malloc(1024 * 1024 + 1), *t = NULL, *j = NULL;
        char deep[200];
        EtcdKeyValue members[4];
        size_t lines = 0;

        ASSERT_TRUE(big != NULL);
        memset(big, 'x', 1024 * 1024);
        big[1024 * 1024] = 0;
        memset(deep, '[', 100);
        memset(deep + 100, ']', 100);
        members[0] = kv("/p/members/big", big);
        members[1] = (EtcdKeyValue) { .key = (char *) "/p/members/deep", .key_size = 15, .value = deep, .value_size = 200 };
        members[2] = kv("/p/members/esc",
                        "{\"schema\":\"hsos.member/1\",\"hostname\":\"e\\u001b]0;x\\u0007\",\"state\":\"degraded\\u202e\","
                        "\"lastSeen\":\"2026-11-26T11:00:00Z\",\"reasons\":[\"\\u001b[2J\\u2067wiped\"]}");
        members[3] = kv("/p/members/bi\xe2\x80\xae" "di", member_alpha);
        ASSERT_OK(fleet_to_text(&(FleetView) { .prefix = "/p", .members = members, .n_members = 4, .now_usec = NOW },
                                false, &t));
        printf("%s", t);
        /* One row each (a row's words may wrap onto indented lines). */
        for (const char *p = t; *p; p = strchr(p, '\n') + 1)
                lines += *p != ' ';
        ASSERT_EQ(lines, 5);
        ASSERT_NOT_CONTAINS(t, "\033");
        ASSERT_NOT_CONTAINS(t, "\xe2\x80");
        ASSERT_CONTAINS(t, "big       invalid             1048576 bytes, larger than a hsos.member/1 document may be (64 KiB)\n");
        ASSERT_CONTAINS(t, "deep      invalid             not JSON (nested deeper than 8 levels at line 1, column 9)\n");
        ASSERT_CONTAINS(t, "esc       down            1h  last seen 1 h ago, was degraded?: ?[2J?wiped\n");
        /* A bidi control in the key's hostname is shown as '?'. */
        ASSERT_CONTAINS(t, "bi?di     down            1m  last seen 1 min ago, was operational\n");
        ASSERT_OK(fleet_to_json(&(FleetView) { .prefix = "/p", .members = members, .n_members = 4, .now_usec = NOW },
                                &j));
        ASSERT_NOT_CONTAINS(j, "\\u001b");
        ASSERT_NOT_CONTAINS(j, "\xe2\x80\xae");
}

TEST(expect_is_a_list_of_hostnames) {
        static const char * const bad[][2] = {
                { "", "it is empty" },
                { "{\"hosts\":[]}", "not a JSON list of hostnames: it is an object" },
                { "[\"alpha\", 7]", "element 1 (7) is not a hostname" },
                { "[\"alpha\", \"a/b\"]", "element 1 (\"a/b\") is not a hostname" },
                { "[\"al pha\"]", "element 0 (\"al pha\") is not a hostname" },
                { "[\"\\u001b[2J\"]", "is not a hostname" },
                { "[\"alpha\"", "not JSON (truncated" },
                { "[[[[[\"a\"]]]]]", "not JSON (nested deeper" },
        };
        _cleanup_strv_free_ char **l = NULL, **empty = NULL;
        char **x = NULL;

        ASSERT_OK(fleet_expect_parse(S("[\"alpha\", \"bravo.lan\", \"alpha\"]"), &l, NULL));
        ASSERT_EQ(strv_length(l), 2);
        ASSERT_STREQ(l[1], "bravo.lan");
        ASSERT_OK(fleet_expect_parse(S("[]"), &empty, NULL));
        ASSERT_EQ(strv_length(empty), 0);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *err = NULL;

                ASSERT_ERROR(fleet_expect_parse(S(bad[i][0]), &x, &err), EINVAL);
                printf("#   %s -> %s\n", bad[i][0], err);
                ASSERT_CONTAINS(err, bad[i][1]);
                ASSERT_NULL(x);
        }
}

TEST(forget_says_what_it_removed) {
        EtcdKeyValue m = kv("/p/members/bravo", member_bravo), junk = kv("/p/members/bravo", "\033[2J");
        _cleanup_free_ char *t = NULL, *u = NULL;

        ASSERT_OK(fleet_forgotten_text("bravo", &m, NOW, &t));
        ASSERT_STREQ(t, "forgot bravo: machine 1234, last seen 2026-11-26T11:46:00Z (14 min ago), was degraded");
        ASSERT_OK(fleet_forgotten_text("bravo", &junk, NOW, &u));
        ASSERT_STREQ(u, "forgot bravo (its value was not JSON (truncated: the document ends unexpectedly at line 1, column 5))");
}
