/* SPDX-License-Identifier: MIT */
/* How the node's state is decided, and the status document. */
#include <cJSON.h>

#include "harness.h"
#include "fixtures.h"
#include "hsos/status.h"
#include "hsos/util.h"

static const char node[] =
        "{\"mounts\": {\"eth\": {\"enable\": true, \"what\": \"LABEL=eth\", \"where\": \"/mnt/eth\"}},"
        " \"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/mnt/eth/geth\", \"jwtSecretFile\": \"/mnt/eth/jwt.hex\"}},"
        " \"consensus\": {\"lighthouse\": {\"enable\": true, \"dataDir\": \"/mnt/eth/lh\", \"jwtSecretFile\": \"/mnt/eth/jwt.hex\"}},"
        " \"ssh\": {\"privateKeyFile\": \"/mnt/eth/ssh/key\"}, \"localization\": {\"hostname\": \"n1\"}}";

/* A node whose disk is mounted and whose clients systemd runs. */
static Facts *healthy(void) {
        Facts *f = facts_new();

        ASSERT_NOT_NULL(f);
        f->have_devices = f->have_units = true;
        ASSERT_OK(facts_add_mount(f, "/", "rootfs", "rootfs", "rw"));
        ASSERT_OK(facts_add_device(f, "/dev/vda", "ext4", "eth", NULL, NULL, NULL));
        ASSERT_OK(facts_add_mount(f, "/mnt/eth", "/dev/vda", "ext4", "rw"));
        ASSERT_OK(facts_add_file(f, "/mnt/eth/jwt.hex", FILE_PRESENT));
        ASSERT_OK(facts_add_file(f, "/mnt/eth/ssh/key", FILE_PRESENT));
        ASSERT_OK(facts_add_executable(f, "geth", "/usr/bin/geth"));
        ASSERT_OK(facts_add_executable(f, "lighthouse", "/usr/bin/lighthouse"));
        ASSERT_OK(facts_add_unit(f, "geth.service", "active", "running", "success", 0, 0, 0));
        ASSERT_OK(facts_add_unit(f, "lighthouse.service", "active", "running", "success", 0, 0, 0));
        ASSERT_OK(facts_add_space(f, "/mnt/eth", 1000, 500, 500));
        f->system.clock_synchronized = 1;
        return f;
}

static NodeState evaluate(const Config *c, const Facts *f, char ***ret_reasons) {
        _cleanup_(plan_freep) Plan *p = NULL;
        StatusInput in = { .config = c, .facts = f, .evaluated = true };
        NodeState s;

        ASSERT_OK(plan_build(c, f, &p));
        in.plan = p;
        in.firewall = (FirewallStatus) { .applied = true, .rules = p->firewall->n_rules };
        ASSERT_OK(status_evaluate(&in, &s, ret_reasons));
        STRV_FOREACH(r, *ret_reasons)
                printf("#   reason: %s\n", *r);
        return s;
}

TEST(operational_when_everything_is_in_place) {
        _cleanup_(config_freep) Config *c = fixture_config(node);
        _cleanup_(facts_freep) Facts *f = healthy();
        _cleanup_strv_free_ char **r = NULL;

        ASSERT_EQ(evaluate(c, f, &r), NODE_OPERATIONAL);
        ASSERT_EQ(strv_length(r), 0);
        ASSERT_EQ(node_state_exit_code(NODE_OPERATIONAL), 0);
}

TEST(a_node_with_only_a_consensus_client_is_legitimate) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"mounts\": {\"eth\": {\"enable\": true, \"what\": \"LABEL=eth\", \"where\": \"/mnt/eth\"}},"
                " \"consensus\": {\"lighthouse\": {\"enable\": true, \"dataDir\": \"/mnt/eth/lh\", \"jwtSecretFile\": \"/mnt/eth/jwt.hex\"}},"
                " \"ssh\": {\"privateKeyFile\": \"/mnt/eth/ssh/key\"}}");
        _cleanup_(facts_freep) Facts *f = healthy();
        _cleanup_strv_free_ char **r = NULL;

        ASSERT_EQ(evaluate(c, f, &r), NODE_OPERATIONAL);
}

TEST(starting_before_the_first_evaluation) {
        _cleanup_(config_freep) Config *c = fixture_config(node);
        _cleanup_(facts_freep) Facts *f = healthy();
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_strv_free_ char **r = NULL;
        StatusInput in = { .config = c, .facts = f, .evaluated = false };
        NodeState s;

        ASSERT_OK(plan_build(c, f, &p));
        in.plan = p;
        ASSERT_OK(status_evaluate(&in, &s, &r));
        ASSERT_EQ(s, NODE_STARTING);
        ASSERT_EQ(node_state_exit_code(s), 1);
}

TEST(config_error_at_boot) {
        char *errors[] = { (char *) "network: must be one of ...", (char *) "bogus: unknown key", NULL };
        StatusInput in = { .config_errors = errors, .evaluated = true };
        _cleanup_strv_free_ char **r = NULL;
        _cleanup_free_ char *json = NULL;
        NodeState s;

        ASSERT_OK(status_evaluate(&in, &s, &r));
        ASSERT_EQ(s, NODE_CONFIG_ERROR);
        ASSERT_CONTAINS(r[0], "node.json is invalid (2 errors, see config.errors): nothing was mounted or started");
        ASSERT_EQ(node_state_exit_code(s), 2);
        ASSERT_OK(status_build(&in, &json));
        ASSERT_CONTAINS(json, "\"state\":\t\"config-error\"");
        ASSERT_CONTAINS(json, "bogus: unknown key");
}

TEST(degraded_by_a_waiting_mount_and_blocked_units) {
        _cleanup_(config_freep) Config *c = fixture_config(node);
        _cleanup_(facts_freep) Facts *f = facts_new();
        _cleanup_strv_free_ char **r = NULL;

        f->have_devices = true;
        ASSERT_OK(facts_add_mount(f, "/", "rootfs", "rootfs", "rw"));
        ASSERT_OK(facts_add_executable(f, "geth", "/usr/bin/geth"));
        ASSERT_OK(facts_add_executable(f, "lighthouse", "/usr/bin/lighthouse"));
        ASSERT_EQ(evaluate(c, f, &r), NODE_DEGRADED);
        ASSERT_STREQ(r[0], "mount eth (/mnt/eth) is waiting: no device LABEL=eth yet");
        ASSERT_CONTAINS(r[1], "geth.service blocked: /mnt/eth/geth is on mount eth (/mnt/eth), which is not in place");
}

TEST(failed_when_a_unit_fails) {
        _cleanup_(config_freep) Config *c = fixture_config(node);
        _cleanup_(facts_freep) Facts *f = healthy();
        _cleanup_strv_free_ char **r = NULL;

        free(f->units[0].active_state);
        f->units[0].active_state = strdup("failed");
        free(f->units[0].result);
        f->units[0].result = strdup("exit-code");
        f->units[0].exit_status = 1;
        f->units[0].restarts = 1;
        ASSERT_EQ(evaluate(c, f, &r), NODE_FAILED);
        ASSERT_STREQ(r[0], "geth.service failed: result exit-code, exit status 1, 1 restarts");
}

TEST(crash_looping_is_failed_although_systemd_restarts_it) {
        _cleanup_(config_freep) Config *c = fixture_config(node);
        _cleanup_(facts_freep) Facts *f = healthy();
        _cleanup_strv_free_ char **r = NULL;

        free(f->units[1].active_state);
        f->units[1].active_state = strdup("activating");
        free(f->units[1].sub_state);
        f->units[1].sub_state = strdup("auto-restart");
        f->units[1].restarts = 7;
        f->units[1].restarts_recent = 3;
        f->units[1].exit_status = 2;
        ASSERT_EQ(evaluate(c, f, &r), NODE_FAILED);
        ASSERT_CONTAINS(r[0], "lighthouse.service is crash-looping: 3 restarts within 5 minutes (7 in all)");

        /* Two restarts: restarting, not yet failed. */
        f->units[1].restarts_recent = 2;
        strv_free(TAKE_PTR(r));
        ASSERT_EQ(evaluate(c, f, &r), NODE_DEGRADED);
        ASSERT_STREQ(r[0], "lighthouse.service is restarting (7 restarts so far)");
}

TEST(disk_space_tiers) {
        _cleanup_(config_freep) Config *c = fixture_config(node);
        _cleanup_(facts_freep) Facts *f = healthy();
        _cleanup_strv_free_ char **r = NULL;

        f->spaces[0].avail = 80; /* 8 % */
        ASSERT_EQ(evaluate(c, f, &r), NODE_DEGRADED);
        ASSERT_STREQ(r[0], "mount eth (/mnt/eth) is low on space: 8.0% free");
        f->spaces[0].avail = 15; /* 1.5 % */
        strv_free(TAKE_PTR(r));
        ASSERT_EQ(evaluate(c, f, &r), NODE_DEGRADED);
        ASSERT_STREQ(r[0], "mount eth (/mnt/eth) is almost full: 1.5% free (critical)");
}

TEST(an_unsynchronized_clock_is_a_reason) {
        _cleanup_(config_freep) Config *c = fixture_config(node);
        _cleanup_(facts_freep) Facts *f = healthy();
        _cleanup_strv_free_ char **r = NULL;

        f->system.clock_synchronized = 0;
        ASSERT_EQ(evaluate(c, f, &r), NODE_DEGRADED);
        ASSERT_CONTAINS(r[0], "the system clock is not synchronized");
        /* Unknown is no reason. */
        f->system.clock_synchronized = -1;
        strv_free(TAKE_PTR(r));
        ASSERT_EQ(evaluate(c, f, &r), NODE_OPERATIONAL);
}

TEST(a_refused_reload_keeps_the_node_and_says_so) {
        _cleanup_(config_freep) Config *c = fixture_config(node);
        _cleanup_(facts_freep) Facts *f = healthy();
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_strv_free_ char **r = NULL;
        char *errors[] = { (char *) "network: must be one of ...", NULL };
        StatusInput in = { .config = c, .facts = f, .evaluated = true, .reload_refused = true, .config_errors = errors };
        NodeState s;

        ASSERT_OK(plan_build(c, f, &p));
        in.plan = p;
        ASSERT_OK(status_evaluate(&in, &s, &r));
        ASSERT_EQ(s, NODE_DEGRADED);
        ASSERT_STREQ(r[0], "a reload of node.json was refused (1 error, see config.errors): the node runs as it was");
}

TEST(the_document_has_every_part_of_the_schema) {
        _cleanup_(config_freep) Config *c = fixture_config(node);
        _cleanup_(facts_freep) Facts *f = healthy();
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_free_ char *json = NULL;
        _cleanup_(cJSON_Deletep) cJSON *root = NULL;
        char *created[] = { (char *) "/mnt/eth/jwt.hex", NULL };
        StatusInput in = {
                .config = c, .facts = f, .evaluated = true, .created_secrets = created,
                .version = "0.1.0", .pid = 42, .started_at_usec = 1795000000000000ULL,
                .now_usec = 1795000060000000ULL, .config_sha256 = "ab12",
        };
        static const char * const keys[] = {
                "schema", "generatedAt", "hostname", "network", "state", "reasons", "agent", "boot", "config",
                "mounts", "secrets", "units", "execution", "consensus", "connectivity", "system", "controller",
                "firewall",
        };

        f->system.boot_id = strdup("b00d");
        f->system.mem_total = 1 << 30;
        ASSERT_OK(facts_add_link(f, "eth0", "up", true));
        ASSERT_OK(facts_add_address(f, "eth0", "10.0.2.15"));
        f->addresses[0].prefixlen = 24;
        f->system.default_route = true;
        ASSERT_OK(plan_build(c, f, &p));
        in.plan = p;
        in.firewall = (FirewallStatus) { .applied = true, .rules = p->firewall->n_rules };
        ASSERT_OK(status_build(&in, &json));
        root = cJSON_Parse(json);
        ASSERT_NOT_NULL(root);
        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                if (!cJSON_HasObjectItem(root, keys[i]))
                        HARNESS_FAIL("no %s in the document", keys[i]);
        ASSERT_STREQ(cJSON_GetObjectItem(root, "schema")->valuestring, "hsos.status/1");
        ASSERT_STREQ(cJSON_GetObjectItem(root, "generatedAt")->valuestring, "2026-11-18T11:07:40Z");
        ASSERT_STREQ(cJSON_GetObjectItem(root, "state")->valuestring, "operational");
        cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "mounts"), 0);
        ASSERT_STREQ(cJSON_GetObjectItem(m, "state")->valuestring, "mounted");
        ASSERT_EQ(cJSON_GetObjectItem(m, "availBytes")->valuedouble, 500);
        cJSON *u = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "units"), 0);
        ASSERT_STREQ(cJSON_GetObjectItem(u, "name")->valuestring, "geth.service");
        ASSERT_STREQ(cJSON_GetObjectItem(u, "role")->valuestring, "execution");
        ASSERT_STREQ(cJSON_GetObjectItem(u, "state")->valuestring, "active");
        ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(u, "reason")));
        /* The JWT created in this boot says so; its content is nowhere. */
        cJSON *secrets = cJSON_GetObjectItem(root, "secrets"), *s;
        bool jwt = false;
        cJSON_ArrayForEach(s, secrets)
                if (streq(cJSON_GetObjectItem(s, "kind")->valuestring, "jwt")) {
                        ASSERT_STREQ(cJSON_GetObjectItem(s, "state")->valuestring, "created");
                        jwt = true;
                }
        ASSERT_TRUE(jwt);
        cJSON *ifs = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "connectivity"), "interfaces");
        ASSERT_STREQ(cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(ifs, 0), "addresses"), 0)->valuestring,
                     "10.0.2.15/24");
        ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "connectivity"), "online")));
        /* Unknown figures are null, not zero. */
        ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "system"), "memAvailableBytes")));
        /* The firewall as spec/status.md has it: these fields, no other. */
        static const char * const fw_keys[] = { "enabled", "applied", "rules", "open", "lastError" };
        cJSON *fw = cJSON_GetObjectItem(root, "firewall"), *x;
        size_t n = 0;
        for (size_t i = 0; i < ELEMENTSOF(fw_keys); i++)
                if (!cJSON_HasObjectItem(fw, fw_keys[i]))
                        HARNESS_FAIL("no firewall.%s in the document", fw_keys[i]);
        cJSON_ArrayForEach(x, fw)
                n++;
        ASSERT_EQ(n, ELEMENTSOF(fw_keys));
        ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(fw, "enabled")));
        ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(fw, "applied")));
        ASSERT_EQ(cJSON_GetObjectItem(fw, "rules")->valuedouble, p->firewall->n_rules);
        ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(fw, "lastError")));
        bool p2p = false, engine = false;
        cJSON_ArrayForEach(x, cJSON_GetObjectItem(fw, "open")) {
                ASSERT_EQ(cJSON_GetArraySize(x), 4);
                if (streq(cJSON_GetObjectItem(x, "why")->valuestring, "geth P2P")) {
                        ASSERT_EQ(cJSON_GetObjectItem(x, "port")->valuedouble, 30303);
                        ASSERT_STREQ(cJSON_GetObjectItem(x, "proto")->valuestring, "tcp+udp");
                        ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(x, "only")));
                        p2p = true;
                }
                if (cJSON_GetObjectItem(x, "port")->valuedouble == 8551) {
                        ASSERT_STREQ(cJSON_GetObjectItem(x, "only")->valuestring, "lo");
                        engine = true;
                }
        }
        ASSERT_TRUE(p2p);
        ASSERT_TRUE(engine);
}

/* A ruleset the kernel refused: the node keeps the one before, is degraded
 * with nft's words as the reason, and both the document and the text say so. */
TEST(a_firewall_that_did_not_load_degrades_the_node) {
        _cleanup_(config_freep) Config *c = fixture_config(node);
        _cleanup_(facts_freep) Facts *f = healthy();
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_strv_free_ char **r = NULL;
        _cleanup_free_ char *json = NULL, *text = NULL, *err = NULL;
        _cleanup_(cJSON_Deletep) cJSON *root = NULL;
        StatusInput in = { .config = c, .facts = f, .evaluated = true, .version = "0.1.0" };
        NodeState s;

        ASSERT_OK(plan_build(c, f, &p));
        in.plan = p;
        in.firewall = (FirewallStatus) {
                .applied = false, .rules = 12, .last_error = "Error: Could not process rule: Operation not permitted",
        };
        ASSERT_OK(status_evaluate(&in, &s, &r));
        ASSERT_EQ(s, NODE_DEGRADED);
        ASSERT_EQ(strv_length(r), 1);
        ASSERT_STREQ(r[0], "the firewall was not loaded (the ruleset before stays): "
                           "Error: Could not process rule: Operation not permitted");
        ASSERT_OK(status_build(&in, &json));
        root = cJSON_Parse(json);
        cJSON *fw = cJSON_GetObjectItem(root, "firewall");
        ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(fw, "applied")));
        ASSERT_EQ(cJSON_GetObjectItem(fw, "rules")->valuedouble, 12);
        ASSERT_STREQ(cJSON_GetObjectItem(fw, "lastError")->valuestring,
                     "Error: Could not process rule: Operation not permitted");
        ASSERT_OK(status_to_text(json, false, &text, &err));
        printf("%s", text);
        ASSERT_CONTAINS(text, "\n  firewall: NOT applied (the ruleset before stays): Error: Could not process\n"
                              "    rule: Operation not permitted\n");

        /* Loaded: one plain line, the ports open to the world and those only
         * on loopback (no WireGuard here) counted. */
        in.firewall = (FirewallStatus) { .applied = true, .rules = p->firewall->n_rules };
        strv_free(TAKE_PTR(r));
        ASSERT_OK(status_evaluate(&in, &s, &r));
        ASSERT_EQ(s, NODE_OPERATIONAL);
        free(TAKE_PTR(json));
        free(TAKE_PTR(text));
        ASSERT_OK(status_build(&in, &json));
        ASSERT_OK(status_to_text(json, false, &text, &err));
        printf("%s", text);
        ASSERT_CONTAINS(text, "\n  firewall: applied, ");
        ASSERT_CONTAINS(text, " rules, 4 ports open, "); /* ssh, geth P2P, lighthouse P2P and QUIC */
        ASSERT_CONTAINS(text, " only on lo\n");
}

TEST(the_summary_fits_80_columns) {
        _cleanup_(config_freep) Config *c = fixture_config(node);
        _cleanup_(facts_freep) Facts *f = facts_new();
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_free_ char *json = NULL, *text = NULL, *err = NULL;
        StatusInput in = { .config = c, .facts = f, .evaluated = true, .version = "0.1.0" };
        size_t col = 0;

        f->have_devices = true;
        ASSERT_OK(facts_add_mount(f, "/", "rootfs", "rootfs", "rw"));
        /* An interface with more addresses than fit (as QEMU's user network
         * gives): its columns stay columns, the addresses wrap under the first. */
        ASSERT_OK(facts_add_link(f, "ens3", "up", true));
        ASSERT_OK(facts_add_address(f, "ens3", "10.0.2.15"));
        ASSERT_OK(facts_add_address(f, "ens3", "fec0::5054:ff:fe12:3456"));
        ASSERT_OK(facts_add_address(f, "ens3", "fe80::5054:ff:fe12:3456"));
        ASSERT_OK(plan_build(c, f, &p));
        in.plan = p;
        ASSERT_OK(status_build(&in, &json));
        ASSERT_OK(status_to_text(json, false, &text, &err));
        printf("%s", text);
        ASSERT_CONTAINS(text, "  ens3       up       carrier    10.0.2.15 fec0::5054:ff:fe12:3456\n"
                              "                                 fe80::5054:ff:fe12:3456\n");
        ASSERT_CONTAINS(text, "n1 (mainnet): degraded");
        ASSERT_CONTAINS(text, "  - mount eth (/mnt/eth) is waiting: no device LABEL=eth yet\n");
        ASSERT_CONTAINS(text, "  geth.service           blocked\n");
        ASSERT_NOT_CONTAINS(text, "\033[");
        for (const char *s = text; *s; s++) {
                col = *s == '\n' ? 0 : col + 1;
                if (col > 80)
                        HARNESS_FAIL("a line is longer than 80 columns");
        }
        free(TAKE_PTR(text));
        ASSERT_OK(status_to_text(json, true, &text, &err));
        ASSERT_CONTAINS(text, "\033[33mdegraded\033[0m");
        ASSERT_ERROR(status_to_text("{\"schema\": \"other\"}", false, &text, &err), EINVAL);
        ASSERT_STREQ(err, "the agent's answer is not a hsos.status/1 document");
}

TEST(the_summary_shows_a_syncing_clients_progress) {
        _cleanup_free_ char *text = NULL, *err = NULL;
        const char *json = "{\"schema\": \"hsos.status/1\", \"hostname\": \"n1\", \"network\": \"mainnet\","
                           " \"state\": \"degraded\", \"reasons\": [\"geth is syncing: block 100 of 200\"],"
                           " \"execution\": [{\"client\": \"geth\", \"reachable\": true, \"syncing\": true,"
                           " \"currentBlock\": 100, \"highestBlock\": 200, \"peers\": 3}]}";

        ASSERT_OK(status_to_text(json, false, &text, &err));
        printf("%s", text);
        ASSERT_CONTAINS(text, "geth        syncing, block 100 of 200, 3 peers");
}

#include "hsos/sha256.h"

TEST(sha256_known_answers) {
        char h[65];
        char big[1000];

        sha256_hex("", 0, h);
        ASSERT_STREQ(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        sha256_hex("abc", 3, h);
        ASSERT_STREQ(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, h);
        ASSERT_STREQ(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        memset(big, 'a', sizeof big);
        sha256_hex(big, sizeof big, h);
        ASSERT_STREQ(h, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

/* The document and the summary of a healthy node whose login user has n keys
 * (-1: unknown); the state is returned. */
static NodeState login_status(int n, cJSON **ret_login, char **ret_text) {
        _cleanup_(config_freep) Config *c = fixture_config(node);
        _cleanup_(facts_freep) Facts *f = healthy();
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_free_ char *json = NULL, *err = NULL;
        _cleanup_(cJSON_Deletep) cJSON *root = NULL;
        StatusInput in = { .config = c, .facts = f, .evaluated = true, .version = "0.1.0" };

        f->login_keys = n;
        ASSERT_OK(plan_build(c, f, &p));
        in.plan = p;
        in.firewall = (FirewallStatus) { .applied = true, .rules = p->firewall->n_rules };
        ASSERT_OK(status_build(&in, &json));
        ASSERT_OK(status_to_text(json, false, ret_text, &err));
        root = cJSON_Parse(json);
        ASSERT_NOT_NULL(root);
        *ret_login = cJSON_DetachItemFromObject(root, "login");
        ASSERT_NOT_NULL(*ret_login);
        return node_state_from_string(cJSON_GetObjectItem(root, "state")->valuestring);
}

TEST(a_node_nobody_can_log_in_to_says_so_and_stays_operational) {
        _cleanup_(cJSON_Deletep) cJSON *login = NULL;
        _cleanup_free_ char *text = NULL;

        /* A warning, not a reason: the node does its duty all the same. */
        ASSERT_EQ(login_status(0, &login, &text), NODE_OPERATIONAL);
        ASSERT_STREQ(cJSON_GetObjectItem(login, "user")->valuestring, "core");
        ASSERT_TRUE(cJSON_IsNumber(cJSON_GetObjectItem(login, "authorizedKeys")));
        ASSERT_EQ(cJSON_GetObjectItem(login, "authorizedKeys")->valuedouble, 0);
        ASSERT_CONTAINS(text, "\n  ssh: NOBODY can log in: core has no authorized key (ssh.authorizedKeys)\n");
        ASSERT_NOT_CONTAINS(text, "  - ");
}

TEST(the_login_users_keys_are_counted_and_unknown_is_null) {
        _cleanup_(cJSON_Deletep) cJSON *two = NULL, *one = NULL, *unknown = NULL;
        _cleanup_free_ char *t2 = NULL, *t1 = NULL, *tu = NULL;

        ASSERT_EQ(login_status(2, &two, &t2), NODE_OPERATIONAL);
        ASSERT_EQ(cJSON_GetObjectItem(two, "authorizedKeys")->valuedouble, 2);
        ASSERT_CONTAINS(t2, "\n  ssh: core can log in with 2 authorized keys\n");
        ASSERT_EQ(login_status(1, &one, &t1), NODE_OPERATIONAL);
        ASSERT_CONTAINS(t1, "\n  ssh: core can log in with 1 authorized key\n");
        ASSERT_EQ(login_status(-1, &unknown, &tu), NODE_OPERATIONAL);
        ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(unknown, "authorizedKeys")));
        ASSERT_CONTAINS(tu, "\n  ssh: the authorized keys of core could not be read\n");
        ASSERT_NOT_CONTAINS(tu, "NOBODY");
}
