/* SPDX-License-Identifier: MIT */
/* The messages between the root daemon and its network helper: what the
 * helper says arrives whole, and what a taken-over helper could say is
 * refused with a reason or cut down to printable, bounded fields. */
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "hsos/netmsg.h"
#include "hsos/util.h"

static void sample(ProbeAnswer *a) {
        probe_answer_init(a);
        a->answered = true;
        a->latency_ms = 12;
        a->version = strdup("Geth/v1.14.11-stable/linux-amd64/go1.23.2");
        a->syncing = 0;
        a->current_block = 21000000;
        a->head_timestamp = 1733400000;
        a->peers = 50;
        a->chain_id = 1;
        a->head_slot = UINT64_MAX - 1; /* the largest known value survives */
        a->optimistic = 1;
}

TEST(answers_arrive_whole) {
        ProbeAnswer in[3];
        bool asked[3] = { true, false, true };
        _cleanup_free_ char *text = NULL, *err = NULL;
        NetMsg m;

        sample(&in[0]);
        probe_answer_init(&in[1]);
        probe_answer_init(&in[2]);
        ASSERT_OK(probe_answer_fail(&in[2], Q_NODE_SYNCING, "connection refused"));
        ASSERT_OK(netmsg_answers(7, in, asked, 3, &text));
        ASSERT_OK(netmsg_parse_from_helper(text, strlen(text), 3, &m, &err));
        ASSERT_EQ(m.type, NETMSG_ANSWERS);
        ASSERT_EQ(m.round, 7);
        ASSERT_TRUE(m.answered_for[0]);
        ASSERT_FALSE(m.answered_for[1]);
        ASSERT_TRUE(m.answered_for[2]);
        ASSERT_STREQ(m.answers[0].version, "Geth/v1.14.11-stable/linux-amd64/go1.23.2");
        ASSERT_EQ(m.answers[0].current_block, 21000000);
        ASSERT_EQ(m.answers[0].head_slot, UINT64_MAX - 1);
        ASSERT_EQ(m.answers[0].highest_block, UINT64_MAX);
        ASSERT_EQ(m.answers[0].syncing, 0);
        ASSERT_EQ(m.answers[0].optimistic, 1);
        ASSERT_EQ(m.answers[0].el_offline, -1);
        ASSERT_EQ(m.answers[0].latency_ms, 12);
        ASSERT_STREQ(m.answers[2].error, "/eth/v1/node/syncing: connection refused");
        ASSERT_EQ(m.answers[2].error_query, Q_NODE_SYNCING);
        netmsg_done(&m);
        for (size_t i = 0; i < 3; i++)
                probe_answer_done(&in[i]);
}

/* What a helper taken over by a client's answer could send. */
TEST(a_hostile_helper_is_refused_with_a_reason) {
        static const char * const bad[] = {
                "",
                "[]",
                "{\"type\":\"answers\"}",
                "{\"type\":\"config\",\"node\":\"{}\",\"machineId\":null,\"files\":{}}",
                "{\"type\":\"nonsense\"}",
                /* two targets where root asked about one */
                "{\"type\":\"answers\",\"round\":\"1\",\"answers\":[null,null]}",
                /* a number that is not one */
                "{\"type\":\"controller\",\"etcd\":{\"lastOkUsec\":\"18446744073709551616\",\"lastError\":null},\"http\":null}",
                "{\"type\":\"controller\",\"etcd\":{\"lastOkUsec\":\"-1\",\"lastError\":null},\"http\":null}",
                "{\"type\":\"controller\",\"etcd\":{\"lastOkUsec\":1,\"lastError\":null},\"http\":null}",
                "{\"type\":\"controller\",\"etcd\":[],\"http\":null}",
                /* a number beyond any integer (found by fuzz-netmsg: casting it was undefined) */
                "{\"type\":\"answers\",\"round\":\"0\",\"answers\":[{\"answered\":true,\"error\":null,"
                "\"errorQuery\":-1,\"latencyMs\":4e61}]}",
                /* invalid UTF-8, an escaped NUL */
                "{\"type\":\"controller\",\"etcd\":{\"lastOkUsec\":null,\"lastError\":\"\xc3\"},\"http\":null}",
                "{\"type\":\"controller\",\"etcd\":{\"lastOkUsec\":null,\"lastError\":\"a\\u0000b\"},\"http\":null}",
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *err = NULL;
                NetMsg m;

                ASSERT_ERROR(netmsg_parse_from_helper(bad[i], strlen(bad[i]), 1, &m, &err), EBADMSG);
                ASSERT_NOT_NULL(err);
        }
}

TEST(a_hostile_answer_is_cut_and_made_printable) {
        /* A version of 300 bytes with a terminal escape, C1 and bidi controls. */
        _cleanup_free_ char *err = NULL;
        StrBuf b = {};
        _cleanup_free_ char *msg = NULL;
        NetMsg m;

        sb_append(&b, "{\"type\":\"answers\",\"round\":\"2\",\"answers\":[{\"answered\":true,\"error\":null,"
                      "\"errorQuery\":-1,\"latencyMs\":1,\"version\":\"\\u001b[2J\\u009b\\u202e");
        for (int i = 0; i < 300; i++)
                sb_append(&b, "\xc3\xa9"); /* é, two bytes each: a cut must not split one */
        sb_append(&b, "\",\"syncing\":null,\"currentBlock\":null,\"highestBlock\":null,\"headTimestamp\":null,"
                      "\"peers\":null,\"chainId\":null,\"health\":-1,\"headSlot\":null,\"syncDistance\":null,"
                      "\"finalizedEpoch\":null,\"optimistic\":null,\"elOffline\":null,\"genesisRoot\":null}]}");
        ASSERT_OK(sb_steal(&b, &msg));
        ASSERT_OK(netmsg_parse_from_helper(msg, strlen(msg), 1, &m, &err));
        ASSERT_TRUE(strlen(m.answers[0].version) <= 128 + 3);
        ASSERT_TRUE(strncmp(m.answers[0].version, "?[2J??", 6) == 0);
        for (const unsigned char *p = (const unsigned char *) m.answers[0].version; *p; p++)
                ASSERT_TRUE(*p >= 0x20 && *p != 0x7f);
        netmsg_done(&m);
}

TEST(the_config_carries_the_files_root_read) {
        char *paths[] = { (char *) "/etc/hsos/etcd.pass", (char *) "/etc/hsos/ca.pem", NULL };
        char *contents[] = { (char *) "s3cret", NULL, NULL };
        char *errors[] = { NULL, (char *) "Permission denied", NULL };
        _cleanup_free_ char *text = NULL, *err = NULL;
        NetMsg m;

        ASSERT_OK(netmsg_config("{\"hostname\": \"n1\"}", "0123456789abcdef0123456789abcdef", paths, contents, errors,
                                &text));
        ASSERT_OK(netmsg_parse_from_root(text, strlen(text), &m, &err));
        ASSERT_EQ(m.type, NETMSG_CONFIG);
        ASSERT_STREQ(m.node_json, "{\"hostname\": \"n1\"}");
        ASSERT_STREQ(m.machine_id, "0123456789abcdef0123456789abcdef");
        ASSERT_EQ(m.n_files, 2);
        ASSERT_STREQ(m.file_paths[0], "/etc/hsos/etcd.pass");
        ASSERT_STREQ(m.file_contents[0], "s3cret");
        ASSERT_TRUE(m.file_errors[0] == NULL);
        ASSERT_TRUE(m.file_contents[1] == NULL);
        ASSERT_STREQ(m.file_errors[1], "Permission denied");
        netmsg_done(&m);
        /* The helper never takes a message meant for root. */
        ASSERT_ERROR(netmsg_parse_from_helper(text, strlen(text), 0, &m, &err), EBADMSG);
}

TEST(probe_and_controller_round_trip) {
        bool ask[2] = { false, true };
        NetController e = { .enabled = true, .last_ok_usec = 1796486000000000ULL, .last_error = NULL };
        NetController h = { .enabled = true, .last_ok_usec = 0, .last_error = (char *) "answered HTTP 500" };
        NetController off = {};
        _cleanup_free_ char *p = NULL, *c = NULL, *c2 = NULL, *err = NULL;
        NetMsg m;

        ASSERT_OK(netmsg_probe(3, ask, 2, &p));
        ASSERT_OK(netmsg_parse_from_root(p, strlen(p), &m, &err));
        ASSERT_EQ(m.round, 3);
        ASSERT_EQ(m.n_ask, 2);
        ASSERT_FALSE(m.ask[0]);
        ASSERT_TRUE(m.ask[1]);
        netmsg_done(&m);
        ASSERT_OK(netmsg_controller(&e, &h, &c));
        ASSERT_OK(netmsg_parse_from_helper(c, strlen(c), 0, &m, &err));
        ASSERT_TRUE(m.etcd.enabled);
        ASSERT_EQ(m.etcd.last_ok_usec, 1796486000000000ULL);
        ASSERT_TRUE(m.etcd.last_error == NULL);
        ASSERT_STREQ(m.http.last_error, "answered HTTP 500");
        netmsg_done(&m);
        ASSERT_OK(netmsg_controller(&off, &off, &c2));
        ASSERT_OK(netmsg_parse_from_helper(c2, strlen(c2), 0, &m, &err));
        ASSERT_FALSE(m.etcd.enabled);
        ASSERT_FALSE(m.http.enabled);
        netmsg_done(&m);
}
