/* SPDX-License-Identifier: MIT */
/* The status document as Prometheus text: every line parses, HELP and TYPE
 * come before a family's samples, no series twice, escapes as the format
 * says, null figures left out. */
#include <ctype.h>
#include <math.h>

#include "harness.h"
#include "hsos/metrics.h"
#include "hsos/util.h"

static const char doc[] =
        "{\"schema\":\"hsos.status/1\",\"generatedAt\":\"2026-11-26T12:00:00Z\",\"hostname\":\"homestaker\","
        "\"network\":\"mainnet\",\"state\":\"degraded\",\"reasons\":[\"lighthouse is syncing\"],"
        "\"agent\":{\"version\":\"0.4.0\",\"pid\":412,\"startedAt\":\"2026-11-26T10:00:00Z\",\"configSha256\":\"ab12\"},"
        "\"boot\":{\"id\":\"b00t\",\"machineId\":\"1234abcd\",\"kernel\":\"6.1.0\",\"uptimeSec\":7300},"
        "\"config\":{\"errors\":[]},"
        "\"mounts\":[{\"name\":\"eth\",\"where\":\"/mnt/eth\",\"state\":\"mounted\",\"sizeBytes\":2000000000000,"
        "\"usedBytes\":1500000000000,\"availBytes\":400000000000},"
        "{\"name\":\"backup\",\"where\":\"/mnt/b\\\"q\\\\s\\nn\",\"state\":\"waiting\",\"sizeBytes\":null,"
        "\"usedBytes\":null,\"availBytes\":null}],"
        "\"secrets\":[{\"kind\":\"jwt\",\"path\":\"/mnt/eth/jwt.hex\",\"state\":\"present\"}],"
        "\"units\":[{\"name\":\"geth.service\",\"role\":\"execution\",\"client\":\"geth\",\"state\":\"active\","
        "\"restarts\":0},{\"name\":\"lighthouse.service\",\"role\":\"consensus\",\"client\":\"lighthouse\","
        "\"state\":\"activating\",\"restarts\":2},"
        "{\"name\":\"geth.service\",\"role\":\"execution\",\"client\":\"geth\",\"state\":\"failed\",\"restarts\":9}],"
        "\"execution\":[{\"client\":\"anvil\",\"reachable\":true,\"syncing\":false,\"currentBlock\":21000000,"
        "\"highestBlock\":21000000,\"headAgeSec\":4,\"staleHead\":false,\"peers\":null,\"chainId\":1,\"latencyMs\":3}],"
        "\"consensus\":[{\"client\":\"lighthouse\",\"reachable\":true,\"health\":206,\"syncing\":true,"
        "\"headSlot\":10400000,\"syncDistance\":120,\"optimistic\":false,\"elOffline\":false,"
        "\"finalizedEpoch\":324996,\"peers\":64,\"latencyMs\":12}],"
        "\"connectivity\":{\"online\":true,\"defaultRoute\":true,\"interfaces\":[]},"
        "\"system\":{\"memTotalBytes\":33554432000,\"memAvailableBytes\":16000000000,\"rootUsedBytes\":400000000,"
        "\"load1\":0.52,\"cpus\":8,\"clockSynchronized\":true},"
        "\"controller\":{\"etcd\":{\"lastOkAt\":\"2026-11-26T11:59:50Z\",\"lastError\":null},"
        "\"http\":{\"lastOkAt\":null,\"lastError\":\"connection refused\"}}}";

/* Checks the exposition format: each line a HELP, a TYPE or a sample; a
 * family's HELP and TYPE once, before its samples, its samples together;
 * label values escaped; no series twice. Returns the number of samples. */
static size_t check_exposition(const char *text) {
        _cleanup_strv_free_ char **families = NULL, **series = NULL;
        char current[256] = "";
        bool have_help = false, have_type = false;
        size_t samples = 0;

        ASSERT_TRUE(*text == 0 || text[strlen(text) - 1] == '\n');
        for (const char *line = text; *line;) {
                size_t n = strcspn(line, "\n");
                _cleanup_free_ char *l = strndup(line, n);
                const char *p = l;
                char name[256];
                size_t k = 0;

                line += n + (line[n] == '\n');
                if (startswith(l, "# HELP ") || startswith(l, "# TYPE ")) {
                        bool help = startswith(l, "# HELP ");

                        p = l + 7;
                        while (*p && *p != ' ' && k < sizeof name - 1)
                                name[k++] = *p++;
                        name[k] = 0;
                        if (*p != ' ' || !startswith(name, "hsos_"))
                                HARNESS_FAIL("bad comment line: %s", l);
                        if (help) {
                                if (strv_contains(families, name))
                                        HARNESS_FAIL("family %s appears twice", name);
                                ASSERT_OK(strv_extend(&families, name));
                                snprintf(current, sizeof current, "%s", name);
                                have_help = true;
                                have_type = false;
                        } else {
                                if (!streq(name, current) || !have_help || have_type)
                                        HARNESS_FAIL("TYPE not right after its HELP: %s", l);
                                if (!streq(p + 1, "gauge") && !streq(p + 1, "counter"))
                                        HARNESS_FAIL("bad type: %s", l);
                                if (streq(p + 1, "counter") && !endswith(name, "_total"))
                                        HARNESS_FAIL("a counter's name ends in _total: %s", l);
                                have_type = true;
                        }
                        continue;
                }
                if (l[0] == '#')
                        HARNESS_FAIL("unexpected comment: %s", l);
                /* A sample: name{label="value",...} value */
                while ((isalnum((unsigned char) *p) || *p == '_' || *p == ':') && k < sizeof name - 1)
                        name[k++] = *p++;
                name[k] = 0;
                if (!streq(name, current) || !have_type)
                        HARNESS_FAIL("sample outside its family (after HELP and TYPE): %s", l);
                if (*p == '{') {
                        p++;
                        while (*p != '}') {
                                if (!(isalpha((unsigned char) *p) || *p == '_'))
                                        HARNESS_FAIL("bad label name: %s", l);
                                while (isalnum((unsigned char) *p) || *p == '_')
                                        p++;
                                if (p[0] != '=' || p[1] != '"')
                                        HARNESS_FAIL("bad label: %s", l);
                                for (p += 2; *p != '"'; p++) {
                                        if (!*p)
                                                HARNESS_FAIL("unterminated label value: %s", l);
                                        if (*p == '\\') {
                                                if (p[1] != '\\' && p[1] != '"' && p[1] != 'n')
                                                        HARNESS_FAIL("bad escape: %s", l);
                                                p++;
                                        }
                                }
                                p++;
                                if (*p == ',')
                                        p++;
                                else if (*p != '}')
                                        HARNESS_FAIL("bad label list: %s", l);
                        }
                        p++;
                }
                if (*p != ' ')
                        HARNESS_FAIL("no value: %s", l);
                {
                        char *end;
                        double v = strtod(p + 1, &end);

                        if (*end || end == p + 1 || !isfinite(v))
                                HARNESS_FAIL("bad value: %s", l);
                }
                {
                        _cleanup_free_ char *s = strndup(l, (size_t) (p - l));
                        if (strv_contains(series, s))
                                HARNESS_FAIL("series twice: %s", s);
                        ASSERT_OK(strv_extend(&series, s));
                }
                samples++;
        }
        return samples;
}

TEST(a_full_document) {
        _cleanup_free_ char *t = NULL, *err = NULL;

        ASSERT_OK(metrics_from_status(doc, strlen(doc), &t, &err));
        printf("%s", t);
        ASSERT_TRUE(check_exposition(t) > 40);
        ASSERT_CONTAINS(t, "# HELP hsos_node_state ");
        ASSERT_CONTAINS(t, "# TYPE hsos_node_state gauge\n"
                           "hsos_node_state{state=\"starting\"} 0\n"
                           "hsos_node_state{state=\"operational\"} 0\n"
                           "hsos_node_state{state=\"degraded\"} 1\n");
        ASSERT_CONTAINS(t, "hsos_node_info{hostname=\"homestaker\",network=\"mainnet\",machine_id=\"1234abcd\"");
        ASSERT_CONTAINS(t, "hsos_unit_active{unit=\"geth.service\",client=\"geth\",role=\"execution\"} 1\n");
        ASSERT_CONTAINS(t, "hsos_unit_active{unit=\"lighthouse.service\",client=\"lighthouse\",role=\"consensus\"} 0\n");
        ASSERT_CONTAINS(t, "hsos_unit_state{unit=\"lighthouse.service\",client=\"lighthouse\",role=\"consensus\",state=\"activating\"} 1\n");
        ASSERT_CONTAINS(t, "# TYPE hsos_unit_restarts_total counter\n");
        ASSERT_CONTAINS(t, "hsos_unit_restarts_total{unit=\"lighthouse.service\",client=\"lighthouse\",role=\"consensus\"} 2\n");
        ASSERT_CONTAINS(t, "hsos_mount_size_bytes{mount=\"eth\",mountpoint=\"/mnt/eth\"} 2000000000000\n");
        /* Escaped as the format says. */
        ASSERT_CONTAINS(t, "hsos_mount_state{mount=\"backup\",mountpoint=\"/mnt/b\\\"q\\\\s\\nn\",state=\"waiting\"} 1\n");
        ASSERT_CONTAINS(t, "hsos_execution_current_block{client=\"anvil\"} 21000000\n");
        ASSERT_CONTAINS(t, "hsos_execution_probe_latency_seconds{client=\"anvil\"} 0.003\n");
        ASSERT_CONTAINS(t, "hsos_consensus_sync_distance{client=\"lighthouse\"} 120\n");
        ASSERT_CONTAINS(t, "hsos_consensus_health_status{client=\"lighthouse\"} 206\n");
        ASSERT_CONTAINS(t, "hsos_consensus_syncing{client=\"lighthouse\"} 1\n");
        ASSERT_CONTAINS(t, "hsos_system_load1 0.52\n");
        ASSERT_CONTAINS(t, "hsos_status_generated_timestamp_seconds 1795694400\n");
        ASSERT_CONTAINS(t, "hsos_controller_report_ok{controller=\"etcd\"} 1\n");
        ASSERT_CONTAINS(t, "hsos_controller_report_ok{controller=\"http\"} 0\n");
        ASSERT_CONTAINS(t, "hsos_controller_last_ok_timestamp_seconds{controller=\"etcd\"} 1795694390\n");
        ASSERT_CONTAINS(t, "hsos_secret_state{kind=\"jwt\",path=\"/mnt/eth/jwt.hex\",state=\"present\"} 1\n");
        /* A null figure is unknown: left out, not 0. */
        ASSERT_NOT_CONTAINS(t, "hsos_execution_peers");
        ASSERT_NOT_CONTAINS(t, "mount=\"backup\",mountpoint=\"/mnt/b\\\"q\\\\s\\nn\"} ");
        ASSERT_NOT_CONTAINS(t, "controller_last_ok_timestamp_seconds{controller=\"http\"}");
        /* The unit listed twice is written once. */
        ASSERT_NOT_CONTAINS(t, "} 9\n");
        ASSERT_NOT_CONTAINS(t, "state=\"failed\"} 1");
}

TEST(the_document_the_agent_builds_today) {
        /* status_build's shape before any probe or controller: empty lists, nulls. */
        const char *d = "{\"schema\":\"hsos.status/1\",\"generatedAt\":null,\"hostname\":null,\"network\":null,"
                        "\"state\":\"config-error\",\"reasons\":[\"node.json is invalid\"],\"agent\":{\"version\":null,"
                        "\"pid\":1,\"startedAt\":null,\"configSha256\":null},\"boot\":{\"id\":null,\"machineId\":null,"
                        "\"kernel\":null,\"uptimeSec\":null},\"config\":{\"errors\":[\"a\",\"b\"]},\"mounts\":[],"
                        "\"secrets\":[],\"units\":[],\"execution\":[],\"consensus\":[],\"connectivity\":{\"online\":false,"
                        "\"defaultRoute\":false,\"interfaces\":[]},\"system\":{\"memTotalBytes\":null,"
                        "\"memAvailableBytes\":null,\"rootUsedBytes\":null,\"load1\":null,\"cpus\":null,"
                        "\"clockSynchronized\":null},\"controller\":{\"etcd\":null,\"http\":null}}";
        _cleanup_free_ char *t = NULL, *err = NULL;

        ASSERT_OK(metrics_from_status(d, strlen(d), &t, &err));
        printf("%s", t);
        check_exposition(t);
        ASSERT_CONTAINS(t, "hsos_node_state{state=\"config-error\"} 1\n");
        ASSERT_CONTAINS(t, "hsos_config_errors 2\n");
        ASSERT_CONTAINS(t, "hsos_node_info{hostname=\"\",network=\"\",machine_id=\"\",boot_id=\"\",kernel=\"\"} 1\n");
        ASSERT_NOT_CONTAINS(t, "hsos_controller");
        ASSERT_NOT_CONTAINS(t, "hsos_system_memory");
}

TEST(an_unknown_state_and_wrong_types) {
        const char *d = "{\"schema\":\"hsos.status/1\",\"state\":\"weird\\\"one\",\"units\":{\"a\":1},"
                        "\"mounts\":[1,null,{\"name\":5}],\"execution\":[{\"client\":\"geth\",\"peers\":\"12\","
                        "\"syncing\":\"yes\",\"currentBlock\":1e400}],\"system\":[],\"controller\":{\"etcd\":7}}";
        _cleanup_free_ char *t = NULL, *err = NULL;

        ASSERT_OK(metrics_from_status(d, strlen(d), &t, &err));
        printf("%s", t);
        check_exposition(t);
        ASSERT_CONTAINS(t, "hsos_node_state{state=\"weird\\\"one\"} 1\n");
        ASSERT_NOT_CONTAINS(t, "hsos_execution");
        ASSERT_NOT_CONTAINS(t, "hsos_mount");
}

TEST(not_a_status_document) {
        static const char * const bad[] = { "", "{}", "[]", "{\"schema\":\"hsos.status/2\",\"state\":\"x\"}",
                                            "{\"schema\":\"hsos.status/1\"}", "{\"schema\":\"hsos.status/1\",",
                                            "\xff\xfe" };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *err = NULL;
                char *t = NULL;

                ASSERT_ERROR(metrics_from_status(bad[i], strlen(bad[i]), &t, &err), EINVAL);
                printf("#   %s\n", err);
                ASSERT_NOT_NULL(err);
                ASSERT_NULL(t);
        }
}

TEST(many_elements_stay_bounded) {
        StrBuf b = {};
        _cleanup_free_ char *d = NULL, *t = NULL, *err = NULL;

        sb_append(&b, "{\"schema\":\"hsos.status/1\",\"state\":\"degraded\",\"units\":[");
        for (int i = 0; i < 2000; i++)
                sb_appendf(&b, "%s{\"name\":\"u%d.service\",\"state\":\"active\",\"restarts\":%d}", i ? "," : "", i, i);
        sb_append(&b, "]}");
        ASSERT_OK(sb_steal(&b, &d));
        ASSERT_OK(metrics_from_status(d, strlen(d), &t, &err));
        ASSERT_CONTAINS(t, "unit=\"u255.service\"");
        ASSERT_NOT_CONTAINS(t, "unit=\"u256.service\"");
        check_exposition(t);
}
