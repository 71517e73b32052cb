/* SPDX-License-Identifier: MIT */
/* node.json: what HomestakerOS writes is accepted unchanged; everything else
 * is refused with every error named by its JSON path. */

#include <cJSON.h>

#include "harness.h"
#include "fixtures.h"
#include "hsos/config.h"
#include "hsos/util.h"

/* Asserts the document is refused with an error starting with `prefix`. */
#define ASSERT_REFUSED(doc, prefix)                                                     \
        do {                                                                            \
                _cleanup_strv_free_ char **_errs = NULL;                                \
                Config *_c = NULL;                                                      \
                int _r = config_parse((doc), strlen(doc), &_c, &_errs);                 \
                bool _found = false;                                                    \
                config_free(_c);                                                        \
                if (_r != -EINVAL)                                                      \
                        HARNESS_FAIL("expected -EINVAL for %s, got %d", #doc, _r);      \
                STRV_FOREACH(_e, _errs)                                                 \
                        if (strncmp(*_e, (prefix), strlen(prefix)) == 0)                \
                                _found = true;                                          \
                if (!_found) {                                                          \
                        STRV_FOREACH(_e, _errs)                                         \
                                printf("#   error: %s\n", *_e);                         \
                        HARNESS_FAIL("no error starting with \"%s\"", (prefix));        \
                }                                                                       \
        } while (0)

TEST(fixture_webui_defaults) {
        _cleanup_free_ char *data = NULL;
        _cleanup_strv_free_ char **errors = NULL;
        _cleanup_(config_freep) Config *c = NULL;
        size_t n;

        data = read_all("tests/fixtures/configs/webui-defaults.json", &n);
        ASSERT_NOT_NULL(data);
        ASSERT_OK(config_parse(data, n, &c, &errors));
        ASSERT_STREQ(c->hostname, "homestaker");
        ASSERT_STREQ(c->timezone, "UTC");
        ASSERT_EQ(c->n_mounts, 0);
        for (Client cl = 0; cl < _CLIENT_MAX; cl++)
                ASSERT_FALSE(config_client_enabled(c, cl));
        ASSERT_STREQ(c->clients[CLIENT_GETH].data_dir, "/mnt/geth");
        ASSERT_STREQ(c->clients[CLIENT_TEKU].endpoint.url, "http://127.0.0.1:5051");
        ASSERT_STREQ(c->ssh_private_key_file, "/mnt/secrets/ssh/id_ed25519");
        ASSERT_EQ(c->agent.report_interval_sec, 10);
        ASSERT_EQ(c->agent.probe_timeout_ms, 2000);
        ASSERT_EQ(c->agent.device_timeout_sec, 90);
        ASSERT_STREQ(c->agent.status_socket, "/run/hsos-agent/status.sock");
}

TEST(fixture_webui_team_node) {
        _cleanup_free_ char *data = NULL;
        _cleanup_strv_free_ char **errors = NULL;
        _cleanup_(config_freep) Config *c = NULL;
        size_t n;

        data = read_all("tests/fixtures/configs/webui-team-node.json", &n);
        ASSERT_NOT_NULL(data);
        ASSERT_OK(config_parse(data, n, &c, &errors));
        ASSERT_STREQ(c->hostname, "example-ephemeral-alpha");
        ASSERT_EQ(c->n_mounts, 1);
        ASSERT_STREQ(c->mounts[0].what, "/dev/mapper/vg0-data");
        ASSERT_STREQ(c->mounts[0].where, "/var/mnt/data");
        ASSERT_STREQ(c->mounts[0].type, "xfs");
        ASSERT_TRUE(c->clients[CLIENT_GETH].enable);
        ASSERT_STREQ(c->clients[CLIENT_GETH].endpoint.host, "10.10.0.5");
        ASSERT_EQ(c->clients[CLIENT_GETH].endpoint.port, 8551);
        /* extraOptions keep HomestakerOS's meaning: systemd removes the quotes. */
        ASSERT_EQ(strv_length(c->clients[CLIENT_GETH].extra_args), 2);
        ASSERT_STREQ(c->clients[CLIENT_GETH].extra_args[1], "--http.vhosts=*");
        ASSERT_TRUE(c->wireguard_enable);
        ASSERT_STREQ(c->wireguard_interface, "wg0");
        ASSERT_EQ(strv_length(c->ssh_authorized_keys), 1);
        ASSERT_TRUE(c->clients[CLIENT_MEV_BOOST].enable);
        ASSERT_TRUE(strv_length(c->clients[CLIENT_MEV_BOOST].relays) > 0);
}

TEST(only_localization_and_ssh) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"localization\": {\"hostname\": \"node-7\", \"timezone\": \"America/New_York\"},"
                " \"ssh\": {\"authorizedKeys\": [\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKXWmLPpUZfm7qVnVhBDv5jSLm9Q4vaJ9Zw2b8p3u1qs me@laptop\"]}}");

        ASSERT_STREQ(c->hostname, "node-7");
        ASSERT_STREQ(c->timezone, "America/New_York");
        ASSERT_EQ(c->network, NETWORK_MAINNET);
        ASSERT_EQ(config_count_enabled(c, ROLE_EXECUTION), 0);
}

TEST(empty_object_takes_every_default) {
        _cleanup_(config_freep) Config *c = fixture_config("{}");

        ASSERT_STREQ(c->hostname, "homestaker");
        ASSERT_STREQ(c->clients[CLIENT_LIGHTHOUSE].checkpoint_sync_url, "https://beaconstate.info");
        ASSERT_STREQ(c->clients[CLIENT_PRYSM].checkpoint_sync_url, "https://beaconstate.info");
        ASSERT_NULL(c->clients[CLIENT_TEKU].checkpoint_sync_url);
        ASSERT_STREQ(c->clients[CLIENT_SSV_NODE].private_key_file, "/mnt/addons/ssv/ssv_operator_key");
        ASSERT_STREQ(c->clients[CLIENT_SSV_NODE].private_key_password_file, "/mnt/addons/ssv/password");
}

TEST(nulls_mean_the_default) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"execution\": {\"geth\": {\"enable\": true, \"extraOptions\": null, \"jwtSecretFile\": null}},"
                " \"ssh\": {\"privateKeyFile\": null}, \"localization\": {\"timezone\": null}}");

        ASSERT_EQ(strv_length(c->clients[CLIENT_GETH].extra_options), 0);
        ASSERT_STREQ(c->clients[CLIENT_GETH].jwt_secret_file, "/mnt/secrets/jwt.hex");
        ASSERT_STREQ(c->ssh_private_key_file, "/mnt/secrets/ssh/id_ed25519");
        ASSERT_STREQ(c->timezone, "UTC");
}

TEST(full_mainnet_node) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"localization\": {\"hostname\": \"eth-node\", \"timezone\": \"Europe/Helsinki\"},"
                " \"mounts\": {\"data\": {\"enable\": true, \"what\": \"LABEL=ethdata\", \"where\": \"/mnt\","
                "   \"type\": \"ext4\", \"options\": \"noatime\"}},"
                " \"execution\": {\"geth\": {\"enable\": true}},"
                " \"consensus\": {\"lighthouse\": {\"enable\": true, \"slasher\": {\"enable\": true}}},"
                " \"addons\": {\"mev-boost\": {\"enable\": true}},"
                " \"network\": \"mainnet\"}");

        ASSERT_TRUE(c->clients[CLIENT_LIGHTHOUSE].slasher_enable);
        ASSERT_EQ(c->clients[CLIENT_LIGHTHOUSE].slasher_history_length, 4096);
        ASSERT_EQ(c->clients[CLIENT_LIGHTHOUSE].slasher_max_db_size, 256);
        ASSERT_EQ(strv_length(c->clients[CLIENT_MEV_BOOST].relays), 3); /* HomestakerOS's, since 2026-02-17 */
}

TEST(btrfs_disk_mounted_twice_by_subvolid) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"mounts\": {"
                " \"eth\": {\"enable\": true, \"what\": \"/dev/disk/by-label/pool\", \"where\": \"/var/mnt/eth\","
                "   \"type\": \"btrfs\", \"options\": \"subvolid=256,noatime\"},"
                " \"secrets\": {\"enable\": true, \"what\": \"/dev/disk/by-label/pool\", \"where\": \"/var/mnt/secrets\","
                "   \"type\": \"btrfs\", \"options\": \"subvolid=257\"}}}");

        ASSERT_EQ(c->n_mounts, 2);
        ASSERT_STREQ(c->mounts[1].options, "subvolid=257");
        ASSERT_STREQ(c->mounts[0].wanted_by[0], "multi-user.target");
}

TEST(device_mapper_and_lan_endpoints) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"mounts\": {\"data\": {\"enable\": true, \"what\": \"/dev/mapper/vg0-data\", \"where\": \"/var/mnt/data\"}},"
                " \"execution\": {\"erigon\": {\"enable\": true, \"endpoint\": \"http://192.168.100.50:8551\"}},"
                " \"consensus\": {\"nimbus\": {\"enable\": true, \"endpoint\": \"http://192.168.100.50:5052\","
                "   \"execEndpoint\": \"http://192.168.100.50:8551\"}}}");

        ASSERT_STREQ(c->clients[CLIENT_ERIGON].endpoint.host, "192.168.100.50");
        ASSERT_FALSE(c->clients[CLIENT_ERIGON].endpoint.loopback);
        ASSERT_STREQ(c->clients[CLIENT_NIMBUS].exec_endpoint.url, "http://192.168.100.50:8551");
}

TEST(extra_options_with_quotes) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"execution\": {\"besu\": {\"enable\": true,"
                " \"extraOptions\": [\"--host-allowlist=\\\"*\\\"\", \"--graffiti=a b\", \"--x='y z'\"]}}}");
        char **w = c->clients[CLIENT_BESU].extra_args;

        ASSERT_EQ(strv_length(w), 4);
        ASSERT_STREQ(w[0], "--host-allowlist=*");
        ASSERT_STREQ(w[1], "--graffiti=a");
        ASSERT_STREQ(w[2], "b");
        ASSERT_STREQ(w[3], "--x=y z");
}

TEST(jwt_under_run_agenix) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"consensus\": {\"teku\": {\"enable\": true, \"jwtSecretFile\": \"/run/agenix/jwt\"}}}");

        ASSERT_STREQ(c->clients[CLIENT_TEKU].jwt_secret_file, "/run/agenix/jwt");
}

TEST(ssv_node_key_files) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"addons\": {\"ssv-node\": {\"dataDir\": \"/var/mnt/ssv\", \"privateKeyFile\": \"/var/mnt/secrets/ssv.key\","
                " \"privateKeyPasswordFile\": \"/var/mnt/secrets/ssv.pw\", \"extraOptions\": null}}}");

        ASSERT_STREQ(c->clients[CLIENT_SSV_NODE].private_key_file, "/var/mnt/secrets/ssv.key");
        ASSERT_STREQ(c->clients[CLIENT_SSV_NODE].private_key_password_file, "/var/mnt/secrets/ssv.pw");
}

TEST(newer_homestakeros_port_keys) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"execution\": {\"geth\": {\"enable\": true, \"port\": 30304, \"jsonRpcPort\": 8645}},"
                " \"consensus\": {\"lighthouse\": {\"enable\": true, \"port\": 9100}, \"teku\": {\"enable\": true}}}");

        ASSERT_EQ(c->clients[CLIENT_GETH].p2p_port, 30304);
        ASSERT_EQ(c->clients[CLIENT_GETH].json_rpc_port, 8645);
        /* Lighthouse moved off 9000, so teku may take it. */
        ASSERT_EQ(c->clients[CLIENT_LIGHTHOUSE].p2p_port, 9100);
}

TEST(hoodi_with_relays) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"network\": \"hoodi\", \"addons\": {\"mev-boost\": {\"enable\": true,"
                " \"relays\": [\"https://0xabc@hoodi.relay.example\"]}}}");

        ASSERT_EQ(c->network, NETWORK_HOODI);
        ASSERT_NULL(c->clients[CLIENT_LIGHTHOUSE].checkpoint_sync_url);
}

TEST(agent_section) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"agent\": {\"statusSocket\": \"/run/x/s.sock\", \"reportIntervalSec\": 30, \"probeTimeoutMs\": 50,"
                " \"deviceTimeoutSec\": 0, \"journalDir\": \"/mnt/journal\", \"metricsTextfile\": \"\","
                " \"packages\": {\"geth\": \"/nix/store/abc-geth/bin/geth\"},"
                " \"controller\": {\"etcd\": {\"endpoints\": [\"http://10.0.0.1:2379\"], \"username\": \"node\","
                "   \"passwordFile\": \"/mnt/secrets/etcd\"}, \"http\": {\"url\": \"https://ops.example/{hostname}\"}}}}");

        ASSERT_EQ(c->agent.device_timeout_sec, 0);
        ASSERT_STREQ(c->agent.packages[CLIENT_GETH], "/nix/store/abc-geth/bin/geth");
        ASSERT_TRUE(c->agent.etcd.enable);
        ASSERT_STREQ(c->agent.etcd.prefix, "/homestakeros");
        ASSERT_EQ(c->agent.etcd.member_interval_sec, 600);
        ASSERT_TRUE(c->agent.http.enable);
}

TEST(member_interval_is_bounded) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"agent\": {\"controller\": {\"etcd\": {\"endpoints\": [\"http://e:2379\"], \"memberIntervalSec\": 60}}}}");

        ASSERT_EQ(c->agent.etcd.member_interval_sec, 60);
        ASSERT_REFUSED("{\"agent\": {\"controller\": {\"etcd\": {\"endpoints\": [\"http://e:2379\"], \"memberIntervalSec\": 5}}}}",
                       "agent.controller.etcd.memberIntervalSec: must be between 10 and 86400, got 5");
        ASSERT_REFUSED("{\"agent\": {\"controller\": {\"etcd\": {\"endpoints\": [\"http://e:2379\"], \"memberIntervalSec\": \"1h\"}}}}",
                       "agent.controller.etcd.memberIntervalSec");
}

/* ---- refused documents ---- */

TEST(refuses_documents_that_are_not_json) {
        ASSERT_REFUSED("", "file: the file is empty");
        ASSERT_REFUSED("   \n", "file: the file is empty");
        ASSERT_REFUSED("hello", "file: not valid JSON: syntax error at line 1, column 1");
        ASSERT_REFUSED("{\"localization\": {\"hostname\": \"x\"", "file: truncated");
        ASSERT_REFUSED("{\"a\": 1,}", "file: not valid JSON");
        ASSERT_REFUSED("[]", "file: the top level must be an object, got a list");
        ASSERT_REFUSED("{} {}", "file: not valid JSON: unexpected content after the document");
        ASSERT_REFUSED("{\"localization\": {\"hostname\": \"a\xff\"}}", "file: not valid UTF-8: byte 0xff at line 1");
        ASSERT_REFUSED("{\"x\": \"\xc0\xaf\"}", "file: not valid UTF-8");      /* overlong */
        ASSERT_REFUSED("{\"x\": \"\xed\xa0\x80\"}", "file: not valid UTF-8");  /* surrogate */
        ASSERT_REFUSED("{\"localization\": {\"hostname\": \"a\\u0000b\"}}", "file: a string holds an escaped NUL");
}

TEST(refuses_a_file_over_one_mebibyte) {
        size_t n = CONFIG_SIZE_MAX + 1;
        _cleanup_free_ char *big = malloc(n);
        _cleanup_strv_free_ char **errors = NULL;
        Config *c = NULL;

        ASSERT_NOT_NULL(big);
        memset(big, ' ', n);
        big[0] = '{';
        big[n - 1] = '}';
        ASSERT_ERROR(config_parse(big, n, &c, &errors), EINVAL);
        ASSERT_CONTAINS(errors[0], "larger than the limit of 1048576 bytes");
}

TEST(refuses_deep_nesting) {
        StrBuf b = {};
        _cleanup_free_ char *s = NULL;

        sb_append(&b, "{\"x\":");
        for (int i = 0; i < 70; i++)
                sb_append(&b, "[");
        for (int i = 0; i < 70; i++)
                sb_append(&b, "]");
        sb_append(&b, "}");
        ASSERT_OK(sb_steal(&b, &s));
        ASSERT_REFUSED(s, "file: nested deeper than 64 levels");
}

TEST(refuses_unknown_keys_everywhere) {
        ASSERT_REFUSED("{\"bogus\": 1}", "bogus: unknown key (known keys here: localization");
        ASSERT_REFUSED("{\"localization\": {\"hostnme\": \"x\"}}", "localization.hostnme: unknown key");
        ASSERT_REFUSED("{\"execution\": {\"geht\": {}}}", "execution.geht: unknown key");
        ASSERT_REFUSED("{\"execution\": {\"geth\": {\"datadir\": \"/x\"}}}", "execution.geth.datadir: unknown key");
        ASSERT_REFUSED("{\"consensus\": {\"teku\": {\"slasher\": {}}}}", "consensus.teku.slasher: unknown key");
        ASSERT_REFUSED("{\"consensus\": {\"prysm\": {\"slasher\": {\"historyLength\": 1}}}}",
                       "consensus.prysm.slasher.historyLength: unknown key");
        ASSERT_REFUSED("{\"mounts\": {\"a\": {\"what\": \"/dev/sda\", \"where\": \"/mnt\", \"fstype\": \"ext4\"}}}",
                       "mounts.a.fstype: unknown key");
        ASSERT_REFUSED("{\"addons\": {\"ssv-node\": {\"enable\": true}}}", "addons.ssv-node.enable: unknown key");
        ASSERT_REFUSED("{\"agent\": {\"packages\": {\"gethh\": \"/x\"}}}", "agent.packages.gethh: unknown key");
        ASSERT_REFUSED("{\"vpn\": {\"openvpn\": {}}}", "vpn.openvpn: unknown key");
        ASSERT_REFUSED("{\"localization\": {\"hostname\": \"a\", \"hostname\": \"b\"}}",
                       "localization.hostname: appears twice");
}

/* Every key of a full document, given a value of the wrong type, is named. */
static void check_wrong_types(cJSON *root, cJSON *node, const char *path, size_t *checked) {
        int n = cJSON_GetArraySize(node);

        for (int i = 0; i < n; i++) {
                cJSON *child = cJSON_GetArrayItem(node, i), *copy, *wrong;
                char p[512];
                char *doc;
                _cleanup_strv_free_ char **errors = NULL;
                Config *c = NULL;
                bool found = false;

                snprintf(p, sizeof p, "%s%s%s", path, *path ? "." : "", child->string);
                if (cJSON_IsObject(child) && child->child) {
                        check_wrong_types(root, child, p, checked);
                        continue;
                }
                if (cJSON_IsString(child) || cJSON_IsArray(child) || cJSON_IsObject(child))
                        wrong = cJSON_CreateNumber(42);
                else
                        wrong = cJSON_CreateString("yes");
                /* Swap in place, so the document keeps its order. */
                copy = cJSON_Duplicate(child, true);
                cJSON_ReplaceItemInObjectCaseSensitive(node, copy->string ?: child->string, wrong);
                doc = cJSON_PrintUnformatted(root);
                config_parse(doc, strlen(doc), &c, &errors);
                config_free(c);
                cJSON_ReplaceItemInObjectCaseSensitive(node, wrong->string, copy);
                STRV_FOREACH(e, errors)
                        if (startswith(*e, p) && (*e)[strlen(p)] == ':' && strstr(*e, "must be"))
                                found = true;
                if (!found) {
                        STRV_FOREACH(e, errors)
                                printf("#   error: %s\n", *e);
                        printf("#   document: %s\n", doc);
                        free(doc);
                        HARNESS_FAIL("a wrong type at %s is not reported at its path", p);
                }
                free(doc);
                (*checked)++;
        }
}

TEST(wrong_type_at_each_key) {
        _cleanup_free_ char *data = NULL;
        _cleanup_(cJSON_Deletep) cJSON *root = NULL;
        size_t n, checked = 0;

        data = read_all("tests/fixtures/configs/webui-team-node.json", &n);
        ASSERT_NOT_NULL(data);
        root = cJSON_Parse(data);
        ASSERT_NOT_NULL(root);
        /* Add every key the fixture lacks, so each one is tried. */
        cJSON *agent = cJSON_Parse(
                "{\"statusSocket\": \"/run/s.sock\", \"reportIntervalSec\": 5, \"probeTimeoutMs\": 100,"
                " \"deviceTimeoutSec\": 3, \"journalDir\": \"/var/mnt/data/journal\", \"metricsTextfile\": \"\","
                " \"packages\": {\"geth\": \"/usr/bin/geth\"},"
                " \"controller\": {\"etcd\": {\"endpoints\": [\"http://127.0.0.1:2379\"], \"prefix\": \"/h\","
                "   \"username\": \"u\", \"passwordFile\": \"/p\", \"caFile\": \"/ca\"},"
                "  \"http\": {\"url\": \"http://x:1/\", \"tokenFile\": \"/t\", \"caFile\": \"/c\"}}}");
        ASSERT_NOT_NULL(agent);
        cJSON_AddItemToObject(root, "agent", agent);
        cJSON_AddItemToObject(root, "network", cJSON_CreateString("mainnet"));
        cJSON_AddItemToObject(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "addons"), "mev-boost"), "relays",
                              cJSON_Parse("[\"https://0xab@relay.example\"]"));
        cJSON_AddItemToObject(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "execution"), "geth"), "port",
                              cJSON_CreateNumber(30303));
        cJSON_AddItemToObject(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "execution"), "geth"), "jsonRpcPort",
                              cJSON_CreateNumber(8545));
        cJSON_AddItemToObject(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "consensus"), "lighthouse"),
                              "checkpointSyncUrl", cJSON_CreateString("https://x.example"));
        cJSON_AddItemToObject(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "addons"), "ssv-node"),
                              "privateKeyFile", cJSON_CreateString("/mnt/k"));
        check_wrong_types(root, root, "", &checked);
        printf("# %zu keys checked\n", checked);
        ASSERT_TRUE(checked > 80);
}

TEST(null_for_a_required_key) {
        ASSERT_REFUSED("{\"mounts\": {\"d\": {\"enable\": true, \"what\": null, \"where\": \"/mnt\"}}}",
                       "mounts.d.what: is required, got null");
        ASSERT_REFUSED("{\"mounts\": {\"d\": {\"enable\": true, \"what\": \"/dev/sdb\"}}}", "mounts.d.where: is required");
        ASSERT_REFUSED("{\"mounts\": {\"d\": null}}", "mounts.d: must be an object, got null");
}

/* The interface (and wg-quick-NAME.service) is the file's base name up to
 * the first '.', as on HomestakerOS: it must name both. */
TEST(wireguard_file_names) {
        static const char *ok[][2] = {
                { "/run/secrets/wireguard/wg0", "wg0" },     /* real nodes: no .conf */
                { "/mnt/secrets/wg0.conf", "wg0" },
                { "/mnt/secrets/wg-home.team.conf", "wg-home" },
                { "/mnt/x/abcdefghijklmno", "abcdefghijklmno" }, /* 15 bytes */
        };
        static const char *bad[] = {
                "/mnt/secrets/w+g=0.conf", /* wg-quick allows + and =, systemd's unit names do not */
                "/mnt/secrets/abcdefghijklmnop.conf", /* 16 bytes */
                "/mnt/secrets/.conf",
                "/mnt/secrets/wg:0",
        };

        for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
                _cleanup_free_ char *doc = NULL;
                _cleanup_strv_free_ char **errs = NULL;
                _cleanup_(config_freep) Config *c = NULL;

                ASSERT_TRUE(asprintf(&doc, "{\"vpn\": {\"wireguard\": {\"enable\": true, \"configFile\": \"%s\"}}}",
                                     ok[i][0]) > 0);
                ASSERT_OK(config_parse(doc, strlen(doc), &c, &errs));
                ASSERT_STREQ(c->wireguard_interface, ok[i][1]);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *doc = NULL;

                ASSERT_TRUE(asprintf(&doc, "{\"vpn\": {\"wireguard\": {\"enable\": true, \"configFile\": \"%s\"}}}",
                                     bad[i]) > 0);
                ASSERT_REFUSED(doc, "vpn.wireguard.configFile: names the WireGuard interface and its unit");
        }
}

TEST(nethermind_has_no_holesky) {
        ASSERT_REFUSED("{\"network\": \"holesky\", \"execution\": {\"nethermind\": {\"enable\": true}}}",
                       "execution.nethermind.enable: nethermind cannot run on holesky");
}

TEST(lodestar_has_no_holesky) {
        ASSERT_REFUSED("{\"network\": \"holesky\", \"consensus\": {\"lodestar\": {\"enable\": true}}}",
                       "consensus.lodestar.enable: lodestar cannot run on holesky");
}

/* nimbus-eth2 dropped holesky in October 2025 (#7586): the contract pinned
 * at 9c614ac (v26.7.0's day) knows mainnet, hoodi and sepolia. A node on
 * holesky with a consensus client that still knows it stays valid. */
TEST(nimbus_has_no_holesky) {
        ASSERT_REFUSED("{\"network\": \"holesky\", \"consensus\": {\"nimbus\": {\"enable\": true}}}",
                       "consensus.nimbus.enable: nimbus cannot run on holesky");
        config_free(fixture_config("{\"network\": \"holesky\", \"consensus\": {\"lighthouse\": {\"enable\": true}}}"));
        config_free(fixture_config("{\"network\": \"hoodi\", \"consensus\": {\"nimbus\": {\"enable\": true}}}"));
}

TEST(refuses_bad_paths) {
        ASSERT_REFUSED("{\"execution\": {\"geth\": {\"dataDir\": \"mnt/geth\"}}}",
                       "execution.geth.dataDir: must be an absolute path, got \"mnt/geth\"");
        ASSERT_REFUSED("{\"execution\": {\"geth\": {\"dataDir\": \"/mnt/../etc\"}}}",
                       "execution.geth.dataDir: must not contain \"..\"");
        ASSERT_REFUSED("{\"consensus\": {\"teku\": {\"jwtSecretFile\": \"\"}}}",
                       "consensus.teku.jwtSecretFile: must be an absolute path, got \"\"");
        ASSERT_REFUSED("{\"ssh\": {\"privateKeyFile\": \"/mnt/a b\"}}", "ssh.privateKeyFile: must not contain spaces");
        ASSERT_REFUSED("{\"vpn\": {\"wireguard\": {\"configFile\": \"/mnt/x\\ty\"}}}",
                       "vpn.wireguard.configFile: must not contain a tab");
        ASSERT_REFUSED("{\"mounts\": {\"d\": {\"what\": \"sdb1\", \"where\": \"/mnt\"}}}", "mounts.d.what: must be a device path");
        ASSERT_REFUSED("{\"mounts\": {\"d\": {\"what\": \"LABEL=\", \"where\": \"/mnt\"}}}", "mounts.d.what: has an empty tag value");
        ASSERT_REFUSED("{\"mounts\": {\"d\": {\"what\": \"/dev/sdb\", \"where\": \"/\"}}}", "mounts.d.where: must not be \"/\"");
        ASSERT_REFUSED("{\"agent\": {\"journalDir\": \"journal\"}}", "agent.journalDir: must be an absolute path");
}

TEST(refuses_control_characters_in_extra_options) {
        ASSERT_REFUSED("{\"execution\": {\"geth\": {\"extraOptions\": [\"--a\", \"--b\\n--c\"]}}}",
                       "execution.geth.extraOptions[1]: must not contain a newline (at byte 3)");
        ASSERT_REFUSED("{\"consensus\": {\"nimbus\": {\"extraOptions\": [\"--x\\ty\"]}}}",
                       "consensus.nimbus.extraOptions[0]: must not contain a tab");
        ASSERT_REFUSED("{\"addons\": {\"mev-boost\": {\"extraOptions\": [\"\\u001b[31m\"]}}}",
                       "addons.mev-boost.extraOptions[0]: must not contain an escape character");
        ASSERT_REFUSED("{\"execution\": {\"geth\": {\"extraOptions\": [\"--a=\\\"b\"]}}}",
                       "execution.geth.extraOptions[0]: has an unbalanced double quote");
        ASSERT_REFUSED("{\"execution\": {\"geth\": {\"extraOptions\": [\"--a=\\\\q\"]}}}",
                       "execution.geth.extraOptions[0]: invalid escape");
}

TEST(refuses_mev_boost_without_relays_off_mainnet) {
        ASSERT_REFUSED("{\"network\": \"holesky\", \"addons\": {\"mev-boost\": {\"enable\": true}}}",
                       "addons.mev-boost.relays: is required when mev-boost is enabled on holesky");
        ASSERT_REFUSED("{\"addons\": {\"mev-boost\": {\"enable\": true, \"relays\": []}}}",
                       "addons.mev-boost.relays: must list at least one relay");
        ASSERT_REFUSED("{\"addons\": {\"mev-boost\": {\"relays\": [\"boost-relay.flashbots.net\"]}}}",
                       "addons.mev-boost.relays[0]: must start with http:// or https://");
        ASSERT_REFUSED("{\"network\": \"goerli\"}", "network: must be one of");
}

TEST(refuses_bad_hostnames) {
        ASSERT_REFUSED("{\"localization\": {\"hostname\": \"\"}}", "localization.hostname: must be 1 to 63");
        ASSERT_REFUSED("{\"localization\": {\"hostname\": \"my node\"}}", "localization.hostname: must be 1 to 63");
        ASSERT_REFUSED("{\"localization\": {\"hostname\": \"a.b\"}}", "localization.hostname");
        ASSERT_REFUSED("{\"localization\": {\"hostname\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}}",
                       "localization.hostname");
        ASSERT_REFUSED("{\"localization\": {\"timezone\": \"/etc/passwd\"}}", "localization.timezone: must be an IANA");
        ASSERT_REFUSED("{\"localization\": {\"timezone\": \"../../etc/shadow\"}}", "localization.timezone");
}

TEST(refuses_bad_endpoints) {
        ASSERT_REFUSED("{\"execution\": {\"geth\": {\"endpoint\": \"http://127.0.0.1\"}}}",
                       "execution.geth.endpoint: has no port (expected host:port), got \"http://127.0.0.1\"");
        ASSERT_REFUSED("{\"execution\": {\"geth\": {\"endpoint\": \"http://127.0.0.1:0\"}}}",
                       "execution.geth.endpoint: has a port out of range (1-65535)");
        ASSERT_REFUSED("{\"execution\": {\"geth\": {\"endpoint\": \"http://127.0.0.1:65536\"}}}",
                       "execution.geth.endpoint: has a port out of range");
        ASSERT_REFUSED("{\"consensus\": {\"teku\": {\"endpoint\": \"http://:5051\"}}}", "consensus.teku.endpoint: has no host");
        ASSERT_REFUSED("{\"consensus\": {\"teku\": {\"endpoint\": \"ftp://127.0.0.1:5051\"}}}",
                       "consensus.teku.endpoint: must be http://host:port");
        ASSERT_REFUSED("{\"consensus\": {\"teku\": {\"endpoint\": \"127.0.0.1:5051\"}}}", "consensus.teku.endpoint");
        ASSERT_REFUSED("{\"consensus\": {\"teku\": {\"execEndpoint\": \"http://[::1:8551\"}}}",
                       "consensus.teku.execEndpoint: has an unterminated");
        ASSERT_REFUSED("{\"consensus\": {\"teku\": {\"endpoint\": \"http://beacon.lan:5051\"}}}",
                       "consensus.teku.endpoint: must listen on an IP address");
        ASSERT_REFUSED("{\"agent\": {\"controller\": {\"etcd\": {\"endpoints\": [\"http://e:2379\", \"e:2379\"]}}}}",
                       "agent.controller.etcd.endpoints[1]");
}

TEST(accepts_endpoint_forms) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"execution\": {\"geth\": {\"endpoint\": \"http://[::1]:8551\"}, \"besu\": {\"endpoint\": \"https://0.0.0.0:8552/\"},"
                " \"reth\": {\"endpoint\": \"http://localhost:8553\"}}}");

        ASSERT_STREQ(c->clients[CLIENT_GETH].endpoint.host, "::1");
        ASSERT_TRUE(c->clients[CLIENT_GETH].endpoint.loopback);
        ASSERT_TRUE(c->clients[CLIENT_BESU].endpoint.wildcard);
        ASSERT_TRUE(c->clients[CLIENT_RETH].endpoint.loopback);
}

TEST(refuses_two_mounts_on_one_mount_point) {
        ASSERT_REFUSED("{\"mounts\": {"
                       " \"a\": {\"enable\": true, \"what\": \"/dev/sdb\", \"where\": \"/mnt/eth\"},"
                       " \"b\": {\"enable\": true, \"what\": \"/dev/sdc\", \"where\": \"/mnt/eth/\"}}}",
                       "mounts.b.where: \"/mnt/eth\" is also the mount point of mounts.a");
        /* A disabled one does not count. */
        _cleanup_(config_freep) Config *c = fixture_config("{\"mounts\": {"
                       " \"a\": {\"enable\": true, \"what\": \"/dev/sdb\", \"where\": \"/mnt/eth\"},"
                       " \"b\": {\"enable\": false, \"what\": \"/dev/sdc\", \"where\": \"/mnt/eth\"}}}");
        ASSERT_EQ(c->n_mounts, 2);
}

TEST(refuses_two_clients_on_one_port) {
        /* teku and nimbus both take P2P 9000 and metrics 8008. */
        ASSERT_REFUSED("{\"consensus\": {\"teku\": {\"enable\": true}, \"nimbus\": {\"enable\": true}}}",
                       "consensus.nimbus.port: nimbus would listen on port 9000 on all addresses (P2P), which teku already uses");
        /* lighthouse and nimbus both default to REST 127.0.0.1:5052. */
        ASSERT_REFUSED("{\"consensus\": {\"lighthouse\": {\"enable\": true}, \"nimbus\": {\"enable\": true, \"port\": 9200}}}",
                       "consensus.nimbus.endpoint: nimbus would listen on 127.0.0.1:5052 (REST API), which lighthouse already uses");
        /* geth and erigon: JSON-RPC 8545 and P2P 30303. */
        ASSERT_REFUSED("{\"execution\": {\"geth\": {\"enable\": true}, \"erigon\": {\"enable\": true, \"endpoint\": \"http://127.0.0.1:8552\"}}}",
                       "execution.erigon.port: erigon would listen on port 30303");
        /* An engine port on a client's own JSON-RPC port. */
        ASSERT_REFUSED("{\"execution\": {\"geth\": {\"enable\": true, \"endpoint\": \"http://127.0.0.1:8545\"}}}",
                       "execution.geth.jsonRpcPort: geth would listen on 127.0.0.1:8545 (JSON-RPC and WebSocket), which geth already uses");
        /* mev-boost on a consensus client's REST port. */
        ASSERT_REFUSED("{\"consensus\": {\"lighthouse\": {\"enable\": true}},"
                       " \"addons\": {\"mev-boost\": {\"enable\": true, \"endpoint\": \"http://0.0.0.0:5052\"}}}",
                       "addons.mev-boost.endpoint: mev-boost would listen on port 5052 on all addresses (builder API), "
                       "which lighthouse already uses for 127.0.0.1:5052 (REST API)");
}

TEST(different_addresses_do_not_clash) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"consensus\": {\"lighthouse\": {\"enable\": true, \"endpoint\": \"http://10.0.0.1:5052\"},"
                " \"lodestar\": {\"enable\": true, \"endpoint\": \"http://10.0.0.2:5052\", \"port\": 9100}}}");

        ASSERT_TRUE(c->clients[CLIENT_LODESTAR].enable);
}

TEST(reports_all_errors_not_only_the_first) {
        _cleanup_strv_free_ char **errors = NULL;
        Config *c = NULL;
        const char *doc = "{\"localization\": {\"hostname\": \"bad name\"}, \"execution\": {\"geth\": {\"dataDir\": \"rel\"}},"
                          " \"network\": \"moon\", \"bogus\": true}";

        ASSERT_ERROR(config_parse(doc, strlen(doc), &c, &errors), EINVAL);
        ASSERT_EQ(strv_length(errors), 4);
}

TEST(ssh_keys_are_checked) {
        ASSERT_REFUSED("{\"ssh\": {\"authorizedKeys\": [\"not a key\"]}}",
                       "ssh.authorizedKeys[0]: is not an OpenSSH public key line");
        ASSERT_REFUSED("{\"ssh\": {\"authorizedKeys\": [\"ssh-ed25519 !!!notbase64\"]}}",
                       "ssh.authorizedKeys[0]: has a key that is not valid base64");
        ASSERT_REFUSED("{\"ssh\": {\"authorizedKeys\": [\"ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIKXWmLPpUZfm7qVnVhBDv5jSLm9Q4vaJ9Zw2b8p3u1qs\"]}}",
                       "ssh.authorizedKeys[0]: has a key whose content does not match its type ssh-rsa");
        ASSERT_REFUSED("{\"ssh\": {\"authorizedKeys\": [\"\"]}}", "ssh.authorizedKeys[0]: is empty");
        /* Options before the key are OpenSSH's own syntax. */
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"ssh\": {\"authorizedKeys\": [\"from=\\\"10.0.0.0/8\\\",no-pty ssh-ed25519 "
                "AAAAC3NzaC1lZDI1NTE5AAAAIKXWmLPpUZfm7qVnVhBDv5jSLm9Q4vaJ9Zw2b8p3u1qs x\"]}}");
        ASSERT_EQ(strv_length(c->ssh_authorized_keys), 1);
}

TEST(refuses_bad_unit_names_in_before) {
        ASSERT_REFUSED("{\"mounts\": {\"d\": {\"what\": \"/dev/sdb\", \"where\": \"/mnt\", \"before\": [\"../../etc/x.service\"]}}}",
                       "mounts.d.before[0]: must be a systemd unit name");
        ASSERT_REFUSED("{\"mounts\": {\"d\": {\"what\": \"/dev/sdb\", \"where\": \"/mnt\", \"wantedBy\": [\"multi-user\"]}}}",
                       "mounts.d.wantedBy[0]: must be a systemd unit name");
}

TEST(numbers_in_range) {
        ASSERT_REFUSED("{\"agent\": {\"reportIntervalSec\": 0}}", "agent.reportIntervalSec: must be between 1 and 3600, got 0");
        ASSERT_REFUSED("{\"agent\": {\"probeTimeoutMs\": 1.5}}", "agent.probeTimeoutMs: must be a whole number, got 1.5");
        ASSERT_REFUSED("{\"agent\": {\"deviceTimeoutSec\": 1e30}}", "agent.deviceTimeoutSec: must be between 0 and 3600");
        ASSERT_REFUSED("{\"execution\": {\"geth\": {\"port\": 70000}}}", "execution.geth.port: must be between 1 and 65535");
}

TEST(mount_sources_as_homestakeros_allows) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"mounts\": {\"a\": {\"what\": \"/dev/disk/by-label/eth\\\\x20data\", \"where\": \"/mnt/a\", \"options\": \"\"},"
                " \"b\": {\"what\": \"nas:/export\", \"where\": \"/mnt/b\", \"type\": \"nfs\"}}}");

        ASSERT_STREQ(c->mounts[0].what, "/dev/disk/by-label/eth\\x20data");
        ASSERT_STREQ(c->mounts[0].options, "");
        ASSERT_REFUSED("{\"mounts\": {\"b\": {\"what\": \"nas:/export\", \"where\": \"/mnt/b\"}}}", "mounts.b.what: must be a device path");
        ASSERT_REFUSED("{\"mounts\": {\"b\": {\"what\": \"/dev/disk/by-label/a b\", \"where\": \"/mnt/b\"}}}",
                       "mounts.b.what: must be a device path without");
}
