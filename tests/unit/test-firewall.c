/* SPDX-License-Identifier: MIT */
/* The firewall from the plan (issue #14): which ports open to the world,
 * which only on the WireGuard interface, the user's extraOptions honoured and
 * a hostile one refused, agent.firewall checked, the WireGuard ListenPort read
 * without anything else of its file, ssh always open. */

#include "harness.h"
#include "fixtures.h"

#include "hsos/config.h"
#include "hsos/facts.h"
#include "hsos/firewall.h"
#include "hsos/plan.h"
#include "hsos/render.h"
#include "hsos/util.h"

static Facts *good_facts(void) {
        Facts *f = fixture_good_facts();

        ASSERT_OK(facts_add_file(f, "/mnt/secrets/wg0.conf", FILE_PRESENT));
        return f;
}

/* The one error of an invalid config. */
static char *parse_error(const char *json) {
        _cleanup_strv_free_ char **errors = NULL;
        Config *c = NULL;

        ASSERT_ERROR(config_parse(json, strlen(json), &c, &errors), EINVAL);
        ASSERT_NOT_NULL(errors);
        ASSERT_EQ(strv_length(errors), 1u);
        return strdup(errors[0]);
}

/* Every line of the firewall's plain words, one per line. */
static char *firewall_text(const char *json, unsigned wg_port, Plan **ret_plan) {
        _cleanup_(config_freep) Config *c = fixture_config(json);
        _cleanup_(facts_freep) Facts *f = good_facts();
        _cleanup_(plan_freep) Plan *p = NULL;
        StrBuf b = {};
        char *s;

        f->wireguard_listen_port = wg_port;
        ASSERT_OK(plan_build(c, f, &p));
        ASSERT_NOT_NULL(p->firewall);
        for (size_t i = 0; i < p->firewall->n_ports; i++) {
                _cleanup_free_ char *line = NULL;
                ASSERT_OK(firewall_port_describe(p->firewall, &p->firewall->ports[i], &line));
                sb_appendf(&b, "%s\n", line);
        }
        ASSERT_OK(sb_steal(&b, &s));
        if (ret_plan)
                *ret_plan = TAKE_PTR(p);
        return s;
}

#define GETH_LH \
        "\"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/mnt/geth\", " \
        "\"jwtSecretFile\": \"/mnt/secrets/jwt.hex\"%s}}, " \
        "\"consensus\": {\"lighthouse\": {\"enable\": true, \"dataDir\": \"/mnt/lh\", " \
        "\"jwtSecretFile\": \"/mnt/secrets/jwt.hex\"}}"

TEST(ssh_open_without_any_client) {
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_free_ char *t = firewall_text("{}", 0, &p);

        ASSERT_STREQ(t, "22/tcp open: ssh\n");
        ASSERT_CONTAINS(p->firewall->ruleset, "policy drop;");
        ASSERT_CONTAINS(p->firewall->ruleset, "tcp dport 22 accept");
        ASSERT_CONTAINS(p->firewall->ruleset, "flush table inet hsos\n");
        ASSERT_CONTAINS(p->firewall->ruleset, "nd-neighbor-solicit");
        ASSERT_CONTAINS(p->firewall->ruleset, "udp sport 67 udp dport 68 accept");
}

TEST(ssh_open_when_firewall_disabled_and_table_removed) {
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_free_ char *t = firewall_text("{\"agent\": {\"firewall\": {\"enable\": false}}}", 0, &p);

        ASSERT_FALSE(p->firewall->enabled);
        ASSERT_STREQ(t, "22/tcp open: ssh\n");
        ASSERT_CONTAINS(p->firewall->ruleset, "delete table inet hsos\n");
        ASSERT_NOT_CONTAINS(p->firewall->ruleset, "policy drop");
}

TEST(p2p_open_apis_only_on_loopback_without_vpn) {
        char json[1024];
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_free_ char *t = NULL;

        snprintf(json, sizeof json, "{" GETH_LH "}", "");
        t = firewall_text(json, 0, &p);
        ASSERT_CONTAINS(t, "30303/tcp+udp open: geth P2P\n");
        ASSERT_CONTAINS(t, "8551/tcp only on loopback: geth engine API\n");
        ASSERT_CONTAINS(t, "5052/tcp only on loopback: lighthouse beacon API\n");
        ASSERT_CONTAINS(t, "9001/udp open: lighthouse QUIC\n");
        /* No WireGuard: no rule at all for an API (loopback is accepted whole). */
        ASSERT_NOT_CONTAINS(p->firewall->ruleset, "dport 8551");
        ASSERT_NOT_CONTAINS(p->firewall->ruleset, "dport 5052");
        ASSERT_NOT_CONTAINS(p->firewall->ruleset, "dport 6060");
        ASSERT_CONTAINS(p->firewall->ruleset, "tcp dport 30303 accept");
        ASSERT_CONTAINS(p->firewall->ruleset, "udp dport 30303 accept");
}

TEST(apis_on_wireguard_and_its_listen_port) {
        const char *json = "{\"vpn\": {\"wireguard\": {\"enable\": true, \"configFile\": \"/mnt/secrets/wg0.conf\"}}, "
                           "\"consensus\": {\"lighthouse\": {\"enable\": true, \"dataDir\": \"/mnt/lh\", "
                           "\"endpoint\": \"http://0.0.0.0:5052\", \"jwtSecretFile\": \"/mnt/secrets/jwt.hex\"}}}";
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_free_ char *t = firewall_text(json, 51820, &p), *t0 = NULL;

        ASSERT_CONTAINS(t, "51820/udp open: WireGuard wg0\n");
        ASSERT_CONTAINS(t, "5052/tcp only on wg0: lighthouse beacon API\n");
        ASSERT_CONTAINS(p->firewall->ruleset, "iifname \"wg0\" tcp dport 5052 accept");
        ASSERT_CONTAINS(p->firewall->ruleset, "udp dport 51820 accept");
        /* Without a ListenPort read, none is opened, and the plan says so. */
        t0 = firewall_text(json, 0, NULL);
        ASSERT_NOT_CONTAINS(t0, "WireGuard");
}

TEST(extra_options_move_p2p) {
        char json[1024];
        _cleanup_free_ char *t = NULL;

        /* geth: --port moves TCP only; discovery stays on the agent's port. */
        snprintf(json, sizeof json, "{" GETH_LH "}", ", \"extraOptions\": [\"-port=30313\"]");
        t = firewall_text(json, 0, NULL);
        ASSERT_CONTAINS(t, "30313/tcp open: geth P2P (extraOptions)\n");
        ASSERT_CONTAINS(t, "30303/udp open: geth P2P\n");
        ASSERT_NOT_CONTAINS(t, "30303/tcp");
}

TEST(extra_options_value_in_next_word_and_colon) {
        ListenPort ports[LISTEN_PORTS_MAX];
        size_t n = 0;
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"execution\": {\"nethermind\": {\"enable\": true, \"extraOptions\": [\"--network-p2pport 30400\"]}}, "
                "\"consensus\": {\"nimbus\": {\"enable\": true, \"extraOptions\": [\"--UDP-Port:9200\"]}}}");

        ASSERT_OK(render_listen_ports(c, CLIENT_NETHERMIND, ports, &n, NULL));
        ASSERT_EQ(ports[0].port, 30400);
        ASSERT_EQ(ports[0].protos, (unsigned) PROTO_TCP);
        ASSERT_TRUE(ports[0].from_user);
        ASSERT_EQ(ports[1].port, 30303);
        ASSERT_EQ(ports[1].protos, (unsigned) PROTO_UDP);
        ASSERT_OK(render_listen_ports(c, CLIENT_NIMBUS, ports, &n, NULL));
        ASSERT_EQ(ports[0].port, 9200);
        ASSERT_EQ(ports[0].protos, (unsigned) PROTO_UDP);
        ASSERT_EQ(ports[1].port, 9000);
        ASSERT_EQ(ports[1].protos, (unsigned) PROTO_TCP);
}

TEST(erigon_second_protocol_follows_users_port) {
        ListenPort ports[LISTEN_PORTS_MAX];
        size_t n = 0;
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"execution\": {\"erigon\": {\"enable\": true, \"extraOptions\": [\"--port=31000\"]}}}");

        ASSERT_OK(render_listen_ports(c, CLIENT_ERIGON, ports, &n, NULL));
        ASSERT_EQ(ports[0].kind, PORT_P2P);
        ASSERT_EQ(ports[0].port, 31000);
        ASSERT_EQ(ports[1].kind, PORT_P2P_SECOND);
        ASSERT_EQ(ports[1].port, 31001);
}

TEST(hostile_extra_options_port_is_a_validation_error) {
        static const char * const bad[] = {
                "--p2p-port=22;", "--p2p-port=70000", "--p2p-port=0", "--p2p-port=", "--p2p-port",
                "--p2p-port=+9000", "--p2p-port=0x50", "--p2p-port=9000\\\\n",
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *esc = NULL, *err = NULL;
                char json[512];
                StrBuf b = {};

                sb_append_json_string(&b, bad[i]);
                ASSERT_OK(sb_steal(&b, &esc));
                snprintf(json, sizeof json,
                         "{\"consensus\": {\"teku\": {\"enable\": true, \"extraOptions\": [%s]}}}", esc);
                err = parse_error(json);
                printf("# %s -> %s\n", bad[i], err);
                ASSERT_CONTAINS(err, "consensus.teku.extraOptions: ");
                ASSERT_CONTAINS(err, "which is not a port");
        }
}

TEST(agent_firewall_allow_lists) {
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_free_ char *t = firewall_text(
                "{\"agent\": {\"firewall\": {\"allowTCP\": [9100, 443], \"allowUDP\": [5353]}}}", 0, &p);
        _cleanup_free_ char *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL;

        ASSERT_STREQ(t, "22/tcp open: ssh\n9100/tcp open: agent.firewall.allowTCP\n443/tcp open: agent.firewall.allowTCP\n"
                        "5353/udp open: agent.firewall.allowUDP\n");
        ASSERT_CONTAINS(p->firewall->ruleset, "udp dport 5353 accept");

        e1 = parse_error("{\"agent\": {\"firewall\": {\"allowTCP\": [0]}}}");
        ASSERT_STREQ(e1, "agent.firewall.allowTCP[0]: must be a port, a whole number between 1 and 65535, got 0");
        e2 = parse_error("{\"agent\": {\"firewall\": {\"allowUDP\": [53, \"22; drop\"]}}}");
        ASSERT_CONTAINS(e2, "agent.firewall.allowUDP[1]: must be a port");
        e3 = parse_error("{\"agent\": {\"firewall\": {\"allowTCP\": 22}}}");
        ASSERT_CONTAINS(e3, "agent.firewall.allowTCP");
        e4 = parse_error("{\"agent\": {\"firewall\": {\"enable\": true, \"allowSSH\": false}}}");
        ASSERT_CONTAINS(e4, "agent.firewall.allowSSH");
}

TEST(wireguard_listen_port_parse) {
        const char *conf = "# a comment\n[Interface]\nPrivateKey = aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd28=\n"
                           "Address = 10.9.8.1/24\n  listenport=51821 # ours\n[Peer]\nListenPort = 1\n";
        unsigned port = 0;

        ASSERT_OK(wireguard_listen_port(conf, strlen(conf), &port));
        ASSERT_EQ(port, 51821u);
        ASSERT_ERROR(wireguard_listen_port("[Interface]\nPrivateKey = x\n", 27, &port), ENOENT);
        ASSERT_ERROR(wireguard_listen_port("[Peer]\nListenPort = 5\n", 22, &port), ENOENT);
        ASSERT_ERROR(wireguard_listen_port("[Interface]\nListenPort = 70000\n", 31, &port), EINVAL);
        ASSERT_ERROR(wireguard_listen_port("[Interface]\nListenPort = 5;x\n", 29, &port), EINVAL);
}
