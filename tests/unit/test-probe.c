/* SPDX-License-Identifier: MIT */
/* The clients' health: the questions asked, the answers read as the recorded
 * real clients give them (tests/fixtures/peers: anvil 1.7.1, Lodestar
 * 1.5.1, quirks included), the checks with hysteresis, and the status. */
#include <cJSON.h>
#include <inttypes.h>

#include "harness.h"
#include "fixtures.h"
#include "hsos/json-doc.h"
#include "hsos/metrics.h"
#include "hsos/probe.h"
#include "hsos/status.h"
#include "hsos/util.h"

/* In the repository, read from its top (where make runs the tests): a
 * recording that is not there fails the test that wants it. */
#define PEERS "tests/fixtures/peers"

/* Feeds a body to the parser and prints the error, if any. */
static int feed(ProbeQuery q, long status, const char *body, ProbeAnswer *a) {
        _cleanup_free_ char *err = NULL;
        int r = probe_parse(q, status, body, strlen(body), a, &err);

        if (err)
                printf("#   %s: %s\n", probe_query_to_string(q), err);
        if (r == -EBADMSG && !err)
                HARNESS_FAIL("an invalid answer without a message");
        return r;
}

/* The recorded anvil answer to a method, with the id the agent would use. */
static char *anvil_answer(const char *method, ProbeQuery q) {
        _cleanup_free_ char *data = NULL;
        size_t size;
        char *save = NULL;

        data = read_all(PEERS "/anvil.jsonl", &size);
        if (!data)
                HARNESS_FAIL("%s is not there", PEERS "/anvil.jsonl");
        for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                _cleanup_(cJSON_Deletep) cJSON *rec = cJSON_Parse(line);
                cJSON *req = cJSON_GetObjectItem(rec, "request"), *resp = cJSON_GetObjectItem(rec, "response");

                if (!rec || !resp)
                        HARNESS_FAIL("%s: a line that is not a recorded exchange: %s", PEERS "/anvil.jsonl", line);

                if (!cJSON_IsObject(req) || !streq_ptr(cJSON_GetStringValue(cJSON_GetObjectItem(req, "method")), method))
                        continue;
                cJSON_ReplaceItemInObject(resp, "id", cJSON_CreateNumber((double) q + 1));
                return cJSON_PrintUnformatted(resp);
        }
        HARNESS_FAIL("no recorded answer to %s", method);
}

static char *lodestar(const char *file) {
        _cleanup_free_ char *path = NULL;
        size_t size;
        char *s;

        ASSERT_TRUE(asprintf(&path, PEERS "/lodestar/%s", file) > 0);
        s = read_all(path, &size);
        if (!s)
                HARNESS_FAIL("%s is not there", path);
        return s;
}

TEST(the_questions_for_an_execution_and_a_consensus_client) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"execution\": {\"geth\": {\"enable\": true, \"jsonRpcPort\": 18545}},"
                " \"consensus\": {\"lighthouse\": {\"enable\": true, \"endpoint\": \"http://0.0.0.0:15052\"}}}");
        _cleanup_(probe_round_freep) ProbeRound *r = NULL;

        ASSERT_OK(probe_round_new(c, &r));
        ASSERT_EQ(r->n_targets, 2);
        ASSERT_STREQ(r->targets[0].url, "http://127.0.0.1:18545/");
        ASSERT_EQ(r->targets[0].role, ROLE_EXECUTION);
        ASSERT_STREQ(r->targets[1].url, "http://127.0.0.1:15052");
        ASSERT_EQ(r->n_requests, 12);
        for (size_t i = 0; i < r->n_requests; i++) {
                const ProbeRequest *q = &r->requests[i];
                if (r->targets[q->target].role == ROLE_EXECUTION) {
                        _cleanup_(cJSON_Deletep) cJSON *b = cJSON_Parse(q->body);
                        ASSERT_NOT_NULL(b);
                        ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(b, "method")), probe_query_to_string(q->query));
                        ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(b, "jsonrpc")), "2.0");
                        ASSERT_TRUE(cJSON_IsArray(cJSON_GetObjectItem(b, "params")));
                        ASSERT_STREQ(q->url, "http://127.0.0.1:18545/");
                } else {
                        ASSERT_NULL(q->body);
                        ASSERT_TRUE(startswith(q->url, "http://127.0.0.1:15052/eth/v1/") != NULL);
                }
        }
        ASSERT_CONTAINS(r->requests[2].body, "\"params\":[\"latest\",false]");
}

TEST(an_ipv6_endpoint_is_bracketed_and_disabled_clients_are_not_asked) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"execution\": {\"geth\": {\"enable\": false}, \"besu\": {\"enable\": true, \"endpoint\": \"http://[::1]:8551\"}},"
                " \"addons\": {\"mev-boost\": {\"enable\": true}}}");
        _cleanup_(probe_round_freep) ProbeRound *r = NULL;

        ASSERT_OK(probe_round_new(c, &r));
        ASSERT_EQ(r->n_targets, 1);
        ASSERT_EQ(r->targets[0].client, CLIENT_BESU);
        ASSERT_STREQ(r->targets[0].url, "http://[::1]:8545/");
}

TEST(anvil_as_recorded) {
        ProbeAnswer a;
        _cleanup_free_ char *sync = anvil_answer("eth_syncing", Q_ETH_SYNCING),
                            *num = anvil_answer("eth_blockNumber", Q_ETH_BLOCK_NUMBER),
                            *peers = anvil_answer("net_peerCount", Q_NET_PEER_COUNT),
                            *chain = anvil_answer("eth_chainId", Q_ETH_CHAIN_ID),
                            *ver = anvil_answer("web3_clientVersion", Q_WEB3_CLIENT_VERSION);

        probe_answer_init(&a);
        ASSERT_OK(feed(Q_ETH_SYNCING, 200, sync, &a));
        ASSERT_EQ(a.syncing, 0);
        ASSERT_OK(feed(Q_ETH_BLOCK_NUMBER, 200, num, &a));
        ASSERT_EQ(a.current_block, 0x28);
        /* anvil has no net_peerCount: unknown, not zero, and no failure. */
        ASSERT_ERROR(feed(Q_NET_PEER_COUNT, 200, peers, &a), EOPNOTSUPP);
        ASSERT_EQ(a.peers, UINT64_MAX);
        ASSERT_OK(feed(Q_ETH_CHAIN_ID, 200, chain, &a));
        ASSERT_EQ(a.chain_id, 31337);
        ASSERT_OK(feed(Q_WEB3_CLIENT_VERSION, 200, ver, &a));
        ASSERT_STREQ(a.version, "anvil/v1.7.1");
        ASSERT_TRUE(a.answered);
        ASSERT_NULL(a.error);
        probe_answer_done(&a);
}

TEST(lodestar_as_recorded) {
        _cleanup_free_ char *synced = lodestar("node-syncing.synced.json"), *stalled = lodestar("node-syncing.stalled.json"),
                            *peers = lodestar("node-peer_count.json"), *ver = lodestar("node-version.json"),
                            *gen = lodestar("beacon-genesis.json"), *nope = lodestar("unknown-route.404.json");
        ProbeAnswer a;

        probe_answer_init(&a);
        ASSERT_OK(feed(Q_NODE_SYNCING, 200, synced, &a));
        ASSERT_EQ(a.head_slot, 12);
        ASSERT_EQ(a.sync_distance, 0);
        ASSERT_EQ(a.syncing, 0);
        ASSERT_EQ(a.optimistic, 0);
        /* Lodestar 1.5.1 sends no el_offline: unknown, not an error. */
        ASSERT_EQ(a.el_offline, -1);
        ASSERT_OK(feed(Q_NODE_SYNCING, 200, stalled, &a));
        ASSERT_EQ(a.syncing, 1);
        ASSERT_EQ(a.sync_distance, 9);
        ASSERT_OK(feed(Q_NODE_PEER_COUNT, 200, peers, &a));
        ASSERT_EQ(a.peers, 0);
        ASSERT_OK(feed(Q_NODE_VERSION, 200, ver, &a));
        ASSERT_STREQ(a.version, "Lodestar/v1.5.1/2115aa7");
        ASSERT_OK(feed(Q_GENESIS, 200, gen, &a));
        ASSERT_STREQ(a.genesis_root, "0x270d43e74ce340de4bca2b1936beca0f4f5408d9e78aec4850920baf659d5b69");
        /* health: 200 with an empty chunked body and no content type. */
        ASSERT_OK(feed(Q_NODE_HEALTH, 200, "", &a));
        ASSERT_EQ(a.health, 200);
        /* A route the client lacks: unknown. */
        ASSERT_ERROR(feed(Q_FINALITY, 404, nope, &a), EOPNOTSUPP);
        ASSERT_EQ(a.finalized_epoch, UINT64_MAX);
        ASSERT_OK(feed(Q_FINALITY, 200, "{\"execution_optimistic\":false,\"data\":{\"previous_justified\":{\"epoch\":\"3\","
                       "\"root\":\"0x00\"},\"current_justified\":{\"epoch\":\"4\",\"root\":\"0x00\"},\"finalized\":{\"epoch\":\"3\","
                       "\"root\":\"0x00\"}}}", &a));
        ASSERT_EQ(a.finalized_epoch, 3);
        probe_answer_done(&a);
}

TEST(newer_clients_el_offline_and_plain_numbers) {
        ProbeAnswer a;

        probe_answer_init(&a);
        ASSERT_OK(feed(Q_NODE_SYNCING, 200, "{\"data\":{\"head_slot\":123,\"sync_distance\":\"1\",\"is_syncing\":false,"
                       "\"is_optimistic\":true,\"el_offline\":true}}", &a));
        ASSERT_EQ(a.head_slot, 123);
        ASSERT_EQ(a.optimistic, 1);
        ASSERT_EQ(a.el_offline, 1);
        ASSERT_OK(feed(Q_NODE_HEALTH, 206, "", &a));
        ASSERT_EQ(a.health, 206);
        ASSERT_OK(feed(Q_ETH_SYNCING, 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"startingBlock\":\"0x0\","
                       "\"currentBlock\":\"0x10\",\"highestBlock\":\"0xFF\"}}", &a));
        ASSERT_EQ(a.syncing, 1);
        ASSERT_EQ(a.current_block, 16);
        ASSERT_EQ(a.highest_block, 255);
        /* eth_blockNumber does not overwrite the sync progress. */
        ASSERT_OK(feed(Q_ETH_BLOCK_NUMBER, 200, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"0x5\"}", &a));
        ASSERT_EQ(a.current_block, 16);
        probe_answer_done(&a);
}

TEST(bad_answers_are_named_never_guessed) {
        static const struct {
                ProbeQuery q;
                long status;
                const char *body, *message;
        } cases[] = {
                { Q_ETH_CHAIN_ID, 200, "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":\"0x\"}", "not a hex quantity" },
                { Q_ETH_CHAIN_ID, 200, "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":\"0x10000000000000000\"}", "not a hex quantity" },
                { Q_ETH_CHAIN_ID, 200, "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":1}", "not a hex quantity" },
                { Q_ETH_CHAIN_ID, 200, "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":\"0x1\"}", "id" },
                { Q_ETH_CHAIN_ID, 200, "{\"jsonrpc\":\"2.0\",\"id\":5}", "neither result nor error" },
                { Q_ETH_CHAIN_ID, 200, "{\"data\":", "invalid JSON" },
                { Q_ETH_CHAIN_ID, 200, "", "empty answer" },
                { Q_ETH_CHAIN_ID, 500, "oops", "HTTP 500 Internal Server Error" },
                { Q_ETH_SYNCING, 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":true}", "neither false nor" },
                { Q_ETH_SYNCING, 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,\"message\":\"boom\\nx\"}}",
                  "error -32000: boom?x" },
                { Q_NODE_SYNCING, 200, "{\"data\":{\"head_slot\":\"-1\",\"sync_distance\":\"0\",\"is_syncing\":false}}",
                  "head_slot" },
                { Q_NODE_SYNCING, 200, "{\"data\":{\"head_slot\":\"1\",\"sync_distance\":\"0\",\"is_syncing\":\"no\"}}",
                  "is_syncing" },
                { Q_NODE_SYNCING, 200, "{\"data\":{\"head_slot\":\"99999999999999999999999\",\"sync_distance\":\"0\",\"is_syncing\":false}}",
                  "head_slot" },
                { Q_NODE_SYNCING, 200, "{\"data\":{\"head_slot\":\"1\",\"sync_distance\":\"0\",\"is_syncing\":false,\"el_offline\":1}}",
                  "el_offline" },
                { Q_NODE_SYNCING, 200, "[]", "no data object" },
                { Q_NODE_HEALTH, 418, "", "HTTP 418" },
                { Q_GENESIS, 200, "{\"data\":{\"genesis_validators_root\":\"0x12\"}}", "32-byte" },
                { Q_NODE_PEER_COUNT, 503, "{\"message\":\"x\"}", "HTTP 503" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *err = NULL;
                ProbeAnswer a;
                int r;

                probe_answer_init(&a);
                r = probe_parse(cases[i].q, cases[i].status, cases[i].body, strlen(cases[i].body), &a, &err);
                printf("#   case %zu: %d %s\n", i, r, strempty(err));
                ASSERT_EQ(r, -EBADMSG);
                ASSERT_CONTAINS(err, cases[i].message);
                probe_answer_done(&a);
        }
}

TEST(an_answer_over_the_cap_is_refused) {
        size_t n = PROBE_BODY_MAX + 100;
        _cleanup_free_ char *big = malloc(n), *err = NULL;
        ProbeAnswer a;

        ASSERT_NOT_NULL(big);
        memset(big, ' ', n);
        memcpy(big, "{\"data\":{}}", 11);
        probe_answer_init(&a);
        ASSERT_ERROR(probe_parse(Q_NODE_VERSION, 200, big, n, &a, &err), EBADMSG);
        ASSERT_CONTAINS(err, "invalid JSON");
        probe_answer_done(&a);
}

/* A board for one geth or one lighthouse. */
static HealthBoard *board(const char *json) {
        _cleanup_(config_freep) Config *c = fixture_config(json);
        _cleanup_(probe_round_freep) ProbeRound *r = NULL;
        HealthBoard *b = NULL;

        ASSERT_OK(probe_round_new(c, &r));
        ASSERT_OK(health_board_new(r, NULL, &b));
        return b;
}

#define GETH "{\"execution\": {\"geth\": {\"enable\": true}}}"
#define LIGHTHOUSE "{\"consensus\": {\"lighthouse\": {\"enable\": true}}}"
#define NOW (UINT64_C(1795700000) * 1000000)

static void exec_answer(ProbeAnswer *a, int syncing, uint64_t age, uint64_t peers, uint64_t chain) {
        probe_answer_init(a);
        a->answered = true;
        a->syncing = syncing;
        a->head_timestamp = NOW / 1000000 - age;
        a->peers = peers;
        a->chain_id = chain;
        a->current_block = 100;
        a->highest_block = 200;
}

static char **reasons_of(const HealthBoard *b, size_t i) {
        char **l = NULL;

        ASSERT_OK(health_reasons(&b->clients[i], NETWORK_MAINNET, &l));
        STRV_FOREACH(s, l)
                printf("#   reason: %s\n", *s);
        return l;
}

TEST(checks_flip_only_after_three_results_the_same_way) {
        _cleanup_(health_board_freep) HealthBoard *b = board(GETH);
        ProbeAnswer a;

        exec_answer(&a, 0, 12, 25, 1);
        health_observe(b, 0, &a, NETWORK_MAINNET, NOW, true);
        ASSERT_FALSE(health_check_bad(&b->clients[0], CHECK_SYNCING));
        ASSERT_EQ(b->clients[0].since_usec, NOW);
        /* One syncing answer, then one more: not yet. */
        for (int i = 1; i <= 2; i++) {
                exec_answer(&a, 1, 12, 25, 1);
                health_observe(b, 0, &a, NETWORK_MAINNET, NOW + (uint64_t) i * 10000000, true);
                ASSERT_FALSE(health_check_bad(&b->clients[0], CHECK_SYNCING));
        }
        /* A synced answer in between starts the count again. */
        exec_answer(&a, 0, 12, 25, 1);
        health_observe(b, 0, &a, NETWORK_MAINNET, NOW + 30000000, true);
        for (int i = 1; i <= 3; i++) {
                exec_answer(&a, 1, 12, 25, 1);
                health_observe(b, 0, &a, NETWORK_MAINNET, NOW + 30000000 + (uint64_t) i * 10000000, true);
                ASSERT_EQ(health_check_bad(&b->clients[0], CHECK_SYNCING), i == 3);
        }
        ASSERT_EQ(b->clients[0].since_usec, NOW + 60000000);
        _cleanup_strv_free_ char **l = reasons_of(b, 0);
        ASSERT_STREQ(l[0], "geth is syncing: block 100 of 200");
}

TEST(unreachable_after_three_silent_rounds_and_nothing_else_is_claimed) {
        _cleanup_(health_board_freep) HealthBoard *b = board(GETH);
        ProbeAnswer a;

        exec_answer(&a, 0, 12, 25, 1);
        health_observe(b, 0, &a, NETWORK_MAINNET, NOW, true);
        for (int i = 0; i < 3; i++) {
                probe_answer_init(&a);
                ASSERT_OK(probe_answer_fail(&a, Q_ETH_SYNCING, "timed out after 2000 ms"));
                ASSERT_OK(probe_answer_fail(&a, Q_ETH_CHAIN_ID, "timed out after 2000 ms"));
                health_observe(b, 0, &a, NETWORK_MAINNET, NOW, true);
        }
        ASSERT_TRUE(health_check_bad(&b->clients[0], CHECK_UNREACHABLE));
        _cleanup_strv_free_ char **l = reasons_of(b, 0);
        ASSERT_EQ(strv_length(l), 1);
        ASSERT_STREQ(l[0], "geth does not answer at http://127.0.0.1:8545/: eth_syncing: timed out after 2000 ms");
}

TEST(a_stale_head_wrong_chain_and_no_peers_each_say_so) {
        _cleanup_(health_board_freep) HealthBoard *b = board(GETH);
        ProbeAnswer a;

        exec_answer(&a, 0, 612, 0, 31337);
        health_observe(b, 0, &a, NETWORK_MAINNET, NOW, false);
        _cleanup_strv_free_ char **l = reasons_of(b, 0);
        ASSERT_EQ(strv_length(l), 3);
        ASSERT_STREQ(l[0], "geth is on the wrong network: chain id 31337, mainnet is 1");
        ASSERT_STREQ(l[1], "geth says it is synced but its latest block is 612 s old: it has no peers or no consensus client");
        ASSERT_STREQ(l[2], "geth has no peers");

        _cleanup_(cJSON_Deletep) cJSON *j = health_to_json(&b->clients[0]);
        ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "staleHead")));
        ASSERT_EQ(cJSON_GetObjectItem(j, "headAgeSec")->valuedouble, 612);
        ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "reachable")));
        ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(j, "wrongNetwork")));
}

TEST(a_figure_not_served_is_null_and_no_reason) {
        _cleanup_(health_board_freep) HealthBoard *b = board(GETH);
        ProbeAnswer a;

        exec_answer(&a, 0, 3, UINT64_MAX, 17000);
        health_observe(b, 0, &a, NETWORK_HOLESKY, NOW, true);
        _cleanup_strv_free_ char **l = NULL;
        ASSERT_OK(health_reasons(&b->clients[0], NETWORK_HOLESKY, &l));
        ASSERT_NULL(l);
        _cleanup_(cJSON_Deletep) cJSON *j = health_to_json(&b->clients[0]);
        ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(j, "peers")));
        ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(j, "syncing")));
        ASSERT_EQ(cJSON_GetObjectItem(j, "chainId")->valuedouble, 17000);
}

TEST(consensus_distance_optimistic_el_offline_and_genesis) {
        _cleanup_(health_board_freep) HealthBoard *b = board(LIGHTHOUSE);
        ProbeAnswer a;

        /* Not syncing by its word, but 60 slots behind: syncing. */
        probe_answer_init(&a);
        a.answered = true;
        a.syncing = 0;
        a.head_slot = 1000;
        a.sync_distance = 60;
        a.optimistic = 1;
        a.el_offline = 1;
        a.health = 200;
        a.peers = 40;
        a.genesis_root = strdup("0x9143aa7c615a7f7115e2b6aac319c03529df8242ae705fba9df39b79c59fa8b1");
        health_observe(b, 0, &a, NETWORK_MAINNET, NOW, false);
        _cleanup_strv_free_ char **l = reasons_of(b, 0);
        ASSERT_EQ(strv_length(l), 4);
        ASSERT_STREQ(l[0], "lighthouse is on the wrong network: genesis validators root "
                           "0x9143aa7c615a7f7115e2b6aac319c03529df8242ae705fba9df39b79c59fa8b1 (holesky), not mainnet's");
        ASSERT_STREQ(l[1], "lighthouse is syncing: head slot 1000, 60 slots behind");
        ASSERT_STREQ(l[2], "lighthouse is optimistic: its execution client has not verified the head");
        ASSERT_STREQ(l[3], "lighthouse says its execution client is offline (el_offline)");

        /* 59 behind, and el_offline not sent (Lodestar 1.5): synced, no claim. */
        probe_answer_init(&a);
        a.answered = true;
        a.syncing = 0;
        a.sync_distance = 59;
        a.head_slot = 1001;
        a.optimistic = 0;
        health_observe(b, 0, &a, NETWORK_MAINNET, NOW, false);
        ASSERT_FALSE(health_check_bad(&b->clients[0], CHECK_SYNCING));
}

TEST(checks_carry_over_a_reload_for_the_same_client_and_url) {
        _cleanup_(health_board_freep) HealthBoard *b = board(GETH), *b2 = NULL, *b3 = NULL;
        _cleanup_(config_freep) Config *c = fixture_config(GETH), *c2 = fixture_config("{\"execution\": {\"geth\": {\"enable\": true, \"jsonRpcPort\": 9545}}}");
        _cleanup_(probe_round_freep) ProbeRound *r = NULL, *r2 = NULL;
        ProbeAnswer a;

        exec_answer(&a, 1, 12, 25, 1);
        health_observe(b, 0, &a, NETWORK_MAINNET, NOW, false);
        ASSERT_OK(probe_round_new(c, &r));
        ASSERT_OK(health_board_new(r, b, &b2));
        ASSERT_TRUE(health_check_bad(&b2->clients[0], CHECK_SYNCING));
        ASSERT_OK(probe_round_new(c2, &r2));
        ASSERT_OK(health_board_new(r2, b, &b3));
        ASSERT_FALSE(b3->clients[0].checks[CHECK_SYNCING].known);
}

/* In the status: reasons for a client whose unit runs, the lists filled. */
TEST(the_status_counts_a_running_clients_word) {
        static const char node[] =
                "{\"mounts\": {\"eth\": {\"enable\": true, \"what\": \"LABEL=eth\", \"where\": \"/mnt/eth\"}},"
                " \"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/mnt/eth/geth\", \"jwtSecretFile\": \"/mnt/eth/jwt.hex\"}},"
                " \"consensus\": {\"lighthouse\": {\"enable\": true, \"dataDir\": \"/mnt/eth/lh\", \"jwtSecretFile\": \"/mnt/eth/jwt.hex\"}}}";
        _cleanup_(config_freep) Config *c = fixture_config(node);
        _cleanup_(facts_freep) Facts *f = facts_new();
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_(probe_round_freep) ProbeRound *r = NULL;
        _cleanup_(health_board_freep) HealthBoard *b = NULL;
        _cleanup_strv_free_ char **reasons = NULL;
        _cleanup_free_ char *json = NULL;
        ProbeAnswer a;
        NodeState s;

        f->have_devices = f->have_units = true;
        f->system.clock_synchronized = 1;
        ASSERT_OK(facts_add_mount(f, "/", "rootfs", "rootfs", "rw"));
        ASSERT_OK(facts_add_device(f, "/dev/vda", "ext4", "eth", NULL, NULL, NULL));
        ASSERT_OK(facts_add_mount(f, "/mnt/eth", "/dev/vda", "ext4", "rw"));
        ASSERT_OK(facts_add_file(f, "/mnt/eth/jwt.hex", FILE_PRESENT));
        ASSERT_OK(facts_add_executable(f, "geth", "/usr/bin/geth"));
        ASSERT_OK(facts_add_executable(f, "lighthouse", "/usr/bin/lighthouse"));
        ASSERT_OK(facts_add_unit(f, "geth.service", "active", "running", "success", 0, 0, 0));
        ASSERT_OK(facts_add_unit(f, "lighthouse.service", "activating", "start", "success", 0, 0, 0));
        ASSERT_OK(plan_build(c, f, &p));
        ASSERT_OK(probe_round_new(c, &r));
        ASSERT_OK(health_board_new(r, NULL, &b));
        exec_answer(&a, 1, 12, 25, 1);
        health_observe(b, 0, &a, NETWORK_MAINNET, NOW, true);
        probe_answer_init(&a);
        ASSERT_OK(probe_answer_fail(&a, Q_NODE_SYNCING, "connection refused"));
        health_observe(b, 1, &a, NETWORK_MAINNET, NOW, true);

        StatusInput in = { .config = c, .facts = f, .plan = p, .evaluated = true, .health = b, .now_usec = NOW,
                           .etcd = { .enabled = true, .last_error = "etcd: connection refused" },
                           .firewall = { .applied = true } };
        ASSERT_OK(status_evaluate(&in, &s, &reasons));
        STRV_FOREACH(x, reasons)
                printf("#   reason: %s\n", *x);
        ASSERT_EQ(s, NODE_DEGRADED);
        ASSERT_TRUE(strv_contains(reasons, "geth is syncing: block 100 of 200"));
        /* lighthouse is starting: its silence is no second reason. */
        ASSERT_TRUE(strv_contains(reasons, "lighthouse.service is starting"));
        ASSERT_EQ(strv_length(reasons), 2);

        ASSERT_OK(status_build(&in, &json));
        _cleanup_(cJSON_Deletep) cJSON *doc = cJSON_Parse(json);
        cJSON *ex = cJSON_GetObjectItem(doc, "execution"), *co = cJSON_GetObjectItem(doc, "consensus");
        ASSERT_EQ(cJSON_GetArraySize(ex), 1);
        ASSERT_EQ(cJSON_GetArraySize(co), 1);
        ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(ex, 0), "client")), "geth");
        ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetArrayItem(co, 0), "reachable")));
        ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(co, 0), "error")),
                     "/eth/v1/node/syncing: connection refused");
        cJSON *etcd = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "controller"), "etcd");
        ASSERT_STREQ(cJSON_GetStringValue(cJSON_GetObjectItem(etcd, "lastError")), "etcd: connection refused");
        ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(etcd, "lastOkAt")));
        ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "controller"), "http")));
}

TEST(the_probe_text_names_every_figure) {
        _cleanup_(health_board_freep) HealthBoard *b = board(GETH);
        _cleanup_free_ char *text = NULL;
        ProbeAnswer a;

        exec_answer(&a, 0, 3, UINT64_MAX, 31337);
        a.version = strdup("anvil/v1.7.1");
        health_observe(b, 0, &a, NETWORK_MAINNET, NOW, false);
        ASSERT_OK(health_board_to_text(b, NETWORK_MAINNET, &text));
        printf("%s", text);
        ASSERT_CONTAINS(text, "geth (execution) http://127.0.0.1:8545/\n");
        ASSERT_CONTAINS(text, "  version         anvil/v1.7.1\n");
        ASSERT_CONTAINS(text, "  peers           unknown (not served)\n");
        ASSERT_CONTAINS(text, "  ! geth is on the wrong network: chain id 31337, mainnet is 1\n");
}

/* No raw C1 control (U+0080..U+009F) nor bidi control in s, and valid UTF-8. */
static bool shows_plainly(const char *s) {
        static const char * const bad[] = { "\xc2\x9b", "\xc2\x85", "\xe2\x80\xae", "\xe2\x81\xa6", "\033" };

        if (!utf8_is_valid(s, strlen(s)))
                return false;
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                if (strstr(s, bad[i]))
                        return false;
        return true;
}

/* A client's version as it is stored, shown and reported (issue #13: a
 * version cut inside a character made the status invalid UTF-8, the
 * textfile stale and the node "invalid" in the fleet; C1 and bidi controls
 * passed raw to the terminal). */
TEST(a_clients_version_is_cut_at_a_character_and_cleaned) {
        char v[256], body[512];
        size_t n;
        ProbeAnswer a;

        /* 127 bytes, then "é" across byte 128, then "日本" to 200 bytes. */
        memset(v, 'v', 127);
        n = 127 + (size_t) sprintf(v + 127, "é");
        while (n + 6 <= 200)
                n += (size_t) sprintf(v + n, "日本");
        snprintf(body, sizeof body, "{\"data\":{\"version\":\"%s\"}}", v);
        probe_answer_init(&a);
        ASSERT_OK(feed(Q_NODE_VERSION, 200, body, &a));
        ASSERT_TRUE(utf8_is_valid(a.version, strlen(a.version)));
        ASSERT_TRUE(strlen(a.version) <= 128 + 3);
        ASSERT_TRUE(strncmp(a.version, v, 127) == 0);
        ASSERT_STREQ(a.version + 127, "...");

        /* U+009B (CSI), U+202E (RLO), U+2066, ESC: each a '?'; é and 日本 stay. */
        ASSERT_OK(feed(Q_WEB3_CLIENT_VERSION, 200,
                       "{\"jsonrpc\":\"2.0\",\"id\":6,\"result\":\"Geth/v1\\u009b31m\\u202eexe.txt\\u2066"
                       "\\u001b[2J é 日本\"}", &a));
        ASSERT_STREQ(a.version, "Geth/v1?31m?exe.txt??[2J é 日本");
        probe_answer_done(&a);

        /* An error's message likewise. */
        _cleanup_free_ char *err = NULL;
        probe_answer_init(&a);
        static const char refused[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-1,"
                                      "\"message\":\"no\\u009b\\u202eé\"}}";
        ASSERT_ERROR(probe_parse(Q_ETH_SYNCING, 200, refused, strlen(refused), &a, &err), EBADMSG);
        ASSERT_STREQ(err, "error -1: no??é");
        /* And what the HTTP library says. */
        ASSERT_OK(probe_answer_fail(&a, Q_ETH_SYNCING, "bad header \xc2\x9b\xe2\x80\xae\xff"));
        ASSERT_STREQ(a.error, "eth_syncing: bad header ???");
        probe_answer_done(&a);
}

TEST(a_long_version_keeps_the_status_and_metrics_valid) {
        _cleanup_(health_board_freep) HealthBoard *b = board(GETH);
        _cleanup_free_ char *text = NULL, *json = NULL, *metrics = NULL, *merr = NULL, *body = NULL;
        _cleanup_(cJSON_Deletep) cJSON *h = NULL;
        char v[256];
        size_t n;
        ProbeAnswer a;

        memset(v, 'v', 127);
        n = 127 + (size_t) sprintf(v + 127, "é");
        while (n + 6 <= 200)
                n += (size_t) sprintf(v + n, "日本");
        ASSERT_TRUE(asprintf(&body, "{\"jsonrpc\":\"2.0\",\"id\":6,\"result\":\"%s\\u009b\\u202e\"}", v) > 0);
        exec_answer(&a, 0, 3, 25, 1);
        ASSERT_OK(feed(Q_WEB3_CLIENT_VERSION, 200, body, &a));
        health_observe(b, 0, &a, NETWORK_MAINNET, NOW, false);

        ASSERT_OK(health_board_to_text(b, NETWORK_MAINNET, &text));
        ASSERT_TRUE(shows_plainly(text));
        h = health_to_json(&b->clients[0]);
        json = cJSON_PrintUnformatted(h);
        ASSERT_NOT_NULL(json);
        ASSERT_TRUE(shows_plainly(json));

        /* The status document the daemon writes, and its textfile. */
        static const char node[] = "{\"execution\": {\"geth\": {\"enable\": true}}}";
        _cleanup_(config_freep) Config *c = fixture_config(node);
        _cleanup_(facts_freep) Facts *f = facts_new();
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_free_ char *status = NULL;

        f->have_devices = f->have_units = true;
        ASSERT_OK(plan_build(c, f, &p));
        StatusInput in = { .config = c, .facts = f, .plan = p, .evaluated = true, .health = b, .now_usec = NOW,
                           .firewall = { .applied = true } };
        ASSERT_OK(status_build(&in, &status));
        ASSERT_TRUE(shows_plainly(status));
        ASSERT_OK(metrics_from_status(status, strlen(status), &metrics, &merr));
        ASSERT_TRUE(shows_plainly(metrics));
}
