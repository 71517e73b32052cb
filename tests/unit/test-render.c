/* SPDX-License-Identifier: MIT */
/* The units plan_build renders from a config (node.json in the test) and
 * hand-made facts, read back the way systemd reads them. */

#include "harness.h"
#include "fixtures.h"
#include "systemd-read.h"

#include "hsos/cmdline.h"
#include "hsos/config.h"
#include "hsos/facts.h"
#include "hsos/plan.h"
#include "hsos/util.h"

/* ---- building a plan ---- */

/* A node where everything the plan checks is in place: every executable in
 * /usr/bin, /mnt and /var/mnt/data on ext4, the JWT present, the LAN address up. */
static Facts *good_facts(void) {
        Facts *f = fixture_good_facts();

        ASSERT_OK(facts_add_mount(f, "/var/mnt/data", "/dev/vdc1", "ext4", "rw,noatime"));
        ASSERT_OK(facts_add_address(f, "eth0", "192.168.100.50"));
        ASSERT_OK(facts_add_file(f, "/run/agenix/jwt", FILE_PRESENT));
        ASSERT_OK(facts_add_file(f, "/mnt/secrets/wg-home.conf", FILE_PRESENT));
        return f;
}

static Plan *build_plan(const char *json, Config **ret_config) {
        _cleanup_(facts_freep) Facts *f = good_facts();
        Config *c = fixture_config(json);
        Plan *p = fixture_plan(c, f);

        *ret_config = c;
        return p;
}

/* The content of unit `unit` in the plan of json (a copy). */
static char *unit_content(const char *json, const char *unit) {
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_(plan_freep) Plan *p = build_plan(json, &c);
        const PlanUnit *u = plan_find_unit(p, unit);
        char *s;

        if (!u) {
                printf("# no unit %s; the plan has:", unit);
                for (size_t i = 0; i < p->n_units; i++)
                        printf(" %s", p->units[i].name);
                printf("\n");
        }
        ASSERT_NOT_NULL(u);
        ASSERT_NOT_NULL(u->content);
        s = strdup(u->content);
        ASSERT_NOT_NULL(s);
        return s;
}

/* The section of the config that enables client (and nothing else). */
static char *client_json(Client client, const char *network, const char *extra_keys) {
        const char *path = config_client_path(client), *dot = strchr(path, '.');
        char *s = NULL;

        ASSERT_NOT_NULL(dot);
        ASSERT_TRUE(asprintf(&s, "{ \"network\": \"%s\", \"%.*s\": { \"%s\": { %s%s%s } } }", network,
                             (int) (dot - path), path, dot + 1, client == CLIENT_SSV_NODE ? "" : "\"enable\": true",
                             extra_keys && client != CLIENT_SSV_NODE ? ", " : "", strempty(extra_keys)) >= 0);
        return s;
}

static char *client_unit(Client client, const char *network, const char *extra_keys) {
        _cleanup_free_ char *json = client_json(client, network, extra_keys), *unit = NULL;

        ASSERT_OK(client_unit_name(NULL, client, &unit));
        return unit_content(json, unit);
}

/* ---- reading a unit back as systemd does ---- */

/* The logical lines of a unit file: a line ending in a backslash goes on
 * with the next, the backslash replaced by a space. */
static char **logical_lines(const char *content) {
        char **lines = calloc(1, sizeof(char *));
        StrBuf b = {};

        ASSERT_NOT_NULL(lines);
        for (const char *p = content; *p; p++) {
                if (*p == '\\' && p[1] == '\n') {
                        sb_appendc(&b, ' ');
                        p++;
                        continue;
                }
                if (*p == '\n') {
                        char *l;
                        ASSERT_OK(sb_steal(&b, &l));
                        ASSERT_OK(strv_consume(&lines, l));
                        b = (StrBuf) {};
                        continue;
                }
                sb_appendc(&b, *p);
        }
        if (b.len > 0) {
                char *l;
                ASSERT_OK(sb_steal(&b, &l));
                ASSERT_OK(strv_consume(&lines, l));
        } else
                sb_done(&b);
        return lines;
}

/* The value of the nth (from 0) logical line starting with key (e.g.
 * "ExecStart="), a copy. */
static char *directive_nth(const char *content, const char *key, size_t n) {
        _cleanup_strv_free_ char **lines = logical_lines(content);

        STRV_FOREACH(l, lines) {
                const char *v = startswith(*l, key);
                if (v && n-- == 0)
                        return strdup(v);
        }
        return NULL;
}

static char *directive(const char *content, const char *key) {
        return directive_nth(content, key, 0);
}

/* Every logical line is empty, a comment, a section header or Key=value:
 * nothing from the config became a directive of its own. */
static void check_lines_well_formed(const char *content) {
        _cleanup_strv_free_ char **lines = logical_lines(content);

        STRV_FOREACH(l, lines) {
                const char *s = *l;
                size_t n = 0;

                if (!*s || *s == '#' || (*s == '[' && endswith(s, "]")))
                        continue;
                while ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9'))
                        n++;
                if (n == 0 || s[n] != '=')
                        printf("# not a directive: [%s]\n", s);
                ASSERT_TRUE(n > 0 && s[n] == '=');
        }
}


/* systemd's expansion of a word: "%%" is '%', "$$" is '$'; the unit's own
 * specifiers %d (credentials) and %t (runtime directory) expand; any other
 * '%' or lone '$' would be a specifier or a variable from the config: NULL. */
static char *expand_word(const char *w) {
        StrBuf b = {};
        char *s = NULL;

        for (const char *p = w; *p; p++) {
                if (*p == '%' && p[1] == 'd') {
                        sb_append(&b, "/run/credentials/UNIT");
                        p++;
                } else if (*p == '%' && p[1] == 't') {
                        sb_append(&b, "/run");
                        p++;
                } else if (*p == '%' || *p == '$') {
                        if (p[1] != *p) {
                                printf("# lone '%c' in word [%s]\n", *p, w);
                                sb_done(&b);
                                return NULL;
                        }
                        sb_appendc(&b, *p);
                        p++;
                } else
                        sb_appendc(&b, *p);
        }
        ASSERT_OK(sb_steal(&b, &s));
        return s;
}

/* The words of a command line directive (ExecStart=, ExecStartPre=) as the
 * program receives them. */
static char **command_words_nth(const char *content, const char *key, size_t n) {
        _cleanup_free_ char *line = directive_nth(content, key, n), *err = NULL;
        _cleanup_strv_free_ char **words = NULL;
        char **out = calloc(1, sizeof(char *));

        ASSERT_NOT_NULL(out);
        if (!line)
                printf("# no %s in:\n%s\n", key, content);
        ASSERT_NOT_NULL(line);
        ASSERT_FALSE(strchr(line, '\n'));
        if (line_has_lone_semicolon(line))
                printf("# unquoted ';' in %s%s\n", key, line);
        ASSERT_FALSE(line_has_lone_semicolon(line));
        if (cmdline_split(line, &words, &err) < 0)
                printf("# cannot split %s%s: %s\n", key, line, strempty(err));
        ASSERT_NOT_NULL(words);
        STRV_FOREACH(w, words) {
                char *x = expand_word(*w);
                ASSERT_NOT_NULL(x);
                ASSERT_OK(strv_consume(&out, x));
        }
        return out;
}

static char **command_words(const char *content, const char *key) {
        return command_words_nth(content, key, 0);
}

static char **exec_words(const char *content) {
        return command_words(content, "ExecStart=");
}

static bool has_word(char * const *words, const char *w) {
        return strv_contains(words, w);
}

/* Word a followed directly by word b. */
static bool has_pair(char * const *words, const char *a, const char *b) {
        STRV_FOREACH(w, words)
                if (streq(*w, a) && w[1] && streq(w[1], b))
                        return true;
        return false;
}

static bool has_prefix_word(char * const *words, const char *prefix) {
        STRV_FOREACH(w, words)
                if (startswith(*w, prefix))
                        return true;
        return false;
}

static void print_words(char * const *words) {
        printf("# words:");
        STRV_FOREACH(w, words)
                printf(" [%s]", *w);
        printf("\n");
}

#define ASSERT_WORD(words, w)                                                   \
        do {                                                                    \
                if (!has_word((words), (w)))                                    \
                        print_words(words);                                     \
                ASSERT_TRUE(has_word((words), (w)));                            \
        } while (0)

#define ASSERT_NO_WORD(words, w)                                                \
        do {                                                                    \
                if (has_word((words), (w)))                                     \
                        print_words(words);                                     \
                ASSERT_FALSE(has_word((words), (w)));                           \
        } while (0)

#define ASSERT_PAIR(words, a, b)                                                \
        do {                                                                    \
                if (!has_pair((words), (a), (b)))                               \
                        print_words(words);                                     \
                ASSERT_TRUE(has_pair((words), (a), (b)));                       \
        } while (0)

#define ASSERT_NO_PREFIX(words, p)                                              \
        do {                                                                    \
                if (has_prefix_word((words), (p)))                              \
                        print_words(words);                                     \
                ASSERT_FALSE(has_prefix_word((words), (p)));                    \
        } while (0)

/* Whether content holds the exact line. */
static bool has_line(const char *content, const char *line) {
        _cleanup_strv_free_ char **lines = logical_lines(content);

        return strv_contains(lines, line);
}

#define ASSERT_LINE(content, l)                                                 \
        do {                                                                    \
                if (!has_line((content), (l)))                                  \
                        HARNESS_FAIL("expected the line \"%s\" in:\n%s", (l), (content)); \
        } while (0)

#define ASSERT_NO_LINE(content, l)                                              \
        do {                                                                    \
                if (has_line((content), (l)))                                   \
                        HARNESS_FAIL("did not expect the line \"%s\" in:\n%s", (l), (content)); \
        } while (0)

static const char *mev_relays_hoodi =
        "\"relays\": [ \"https://0xaa58208899c6105603b74396734a6263cc7d947f444f396a90f7b7d3e65d102aec7e5e5291b27e08d02c50a050825c2f@hoodi.titanrelay.xyz\" ]";

/* ---- network flags ---- */

typedef struct NetCase {
        Client client;
        const char *mainnet[2];
        const char *hoodi[2];
} NetCase;

static const NetCase net_cases[] = {
        { CLIENT_GETH, { "--mainnet" }, { "--hoodi" } },
        { CLIENT_NETHERMIND, { "--config", "mainnet" }, { "--config", "hoodi" } },
        { CLIENT_BESU, { "--network=mainnet" }, { "--network=hoodi" } },
        { CLIENT_ERIGON, { "--chain=mainnet" }, { "--chain=hoodi" } },
        { CLIENT_RETH, { "--chain=mainnet" }, { "--chain=hoodi" } },
        { CLIENT_LIGHTHOUSE, { "--network=mainnet" }, { "--network=hoodi" } },
        { CLIENT_PRYSM, { "--mainnet" }, { "--hoodi" } },
        { CLIENT_TEKU, { "--network=mainnet" }, { "--network=hoodi" } },
        { CLIENT_NIMBUS, { "--network=mainnet" }, { "--network=hoodi" } },
        { CLIENT_LODESTAR, { "--network=mainnet" }, { "--network=hoodi" } },
        { CLIENT_MEV_BOOST, { "-mainnet" }, { "-hoodi" } },
};

static void check_network_flag(const NetCase *nc, bool hoodi) {
        const char * const *flag = hoodi ? nc->hoodi : nc->mainnet;
        const char *extra = nc->client == CLIENT_MEV_BOOST && hoodi ? mev_relays_hoodi : NULL;
        _cleanup_free_ char *content = client_unit(nc->client, hoodi ? "hoodi" : "mainnet", extra);
        _cleanup_strv_free_ char **words = exec_words(content);

        if (flag[1])
                ASSERT_PAIR(words, flag[0], flag[1]);
        else
                ASSERT_WORD(words, flag[0]);
        /* ... and not the other network's. */
        const char * const *other = hoodi ? nc->mainnet : nc->hoodi;
        if (other[1])
                ASSERT_FALSE(has_pair(words, other[0], other[1]));
        else
                ASSERT_NO_WORD(words, other[0]);
        check_lines_well_formed(content);
}

TEST(network_flag_mainnet) {
        for (size_t i = 0; i < ELEMENTSOF(net_cases); i++)
                check_network_flag(&net_cases[i], false);
}

TEST(network_flag_hoodi) {
        for (size_t i = 0; i < ELEMENTSOF(net_cases); i++)
                check_network_flag(&net_cases[i], true);
}

TEST(executable_and_subcommand) {
        static const struct {
                Client client;
                const char *exe, *sub;
        } cases[] = {
                { CLIENT_GETH, "/usr/bin/geth", NULL },
                { CLIENT_RETH, "/usr/bin/reth", "node" },
                { CLIENT_LIGHTHOUSE, "/usr/bin/lighthouse", "bn" },
                { CLIENT_PRYSM, "/usr/bin/beacon-chain", NULL },
                { CLIENT_LODESTAR, "/usr/bin/lodestar", "beacon" },
                { CLIENT_NIMBUS, "/usr/bin/nimbus_beacon_node", NULL },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *content = client_unit(cases[i].client, "mainnet", NULL);
                _cleanup_strv_free_ char **words = exec_words(content);

                ASSERT_STREQ(words[0], cases[i].exe);
                if (cases[i].sub)
                        ASSERT_STREQ(words[1], cases[i].sub);
        }
}

/* ---- engine API ---- */

TEST(engine_endpoint_geth) {
        _cleanup_free_ char *content =
                client_unit(CLIENT_GETH, "mainnet", "\"endpoint\": \"http://192.168.100.50:8551\"");
        _cleanup_strv_free_ char **words = exec_words(content);

        ASSERT_WORD(words, "--authrpc.addr=192.168.100.50");
        ASSERT_WORD(words, "--authrpc.port=8551");
        ASSERT_NO_WORD(words, "--authrpc.addr=127.0.0.1");
}

TEST(engine_endpoint_other_port) {
        _cleanup_free_ char *geth = client_unit(CLIENT_GETH, "mainnet", "\"endpoint\": \"http://192.168.100.50:8561\""),
                            *erigon = client_unit(CLIENT_ERIGON, "mainnet", "\"endpoint\": \"http://192.168.100.50:8561\""),
                            *reth = client_unit(CLIENT_RETH, "mainnet", "\"endpoint\": \"http://192.168.100.50:8561\""),
                            *neth = client_unit(CLIENT_NETHERMIND, "mainnet", "\"endpoint\": \"http://192.168.100.50:8561\""),
                            *besu = client_unit(CLIENT_BESU, "mainnet", "\"endpoint\": \"http://192.168.100.50:8561\"");
        _cleanup_strv_free_ char **g = exec_words(geth), **e = exec_words(erigon), **r = exec_words(reth),
                                 **n = exec_words(neth), **b = exec_words(besu);

        ASSERT_WORD(g, "--authrpc.addr=192.168.100.50");
        ASSERT_WORD(g, "--authrpc.port=8561");
        ASSERT_WORD(e, "--authrpc.addr=192.168.100.50");
        ASSERT_WORD(e, "--authrpc.port=8561");
        ASSERT_WORD(r, "--authrpc.addr=192.168.100.50");
        ASSERT_WORD(r, "--authrpc.port=8561");
        ASSERT_PAIR(n, "--JsonRpc.EngineHost", "192.168.100.50");
        ASSERT_PAIR(n, "--JsonRpc.EnginePort", "8561");
        ASSERT_WORD(b, "--engine-rpc-port=8561");
        ASSERT_WORD(b, "--rpc-http-host=192.168.100.50");
}

TEST(engine_endpoint_default) {
        _cleanup_free_ char *content = client_unit(CLIENT_GETH, "mainnet", NULL);
        _cleanup_strv_free_ char **words = exec_words(content);

        ASSERT_WORD(words, "--authrpc.addr=127.0.0.1");
        ASSERT_WORD(words, "--authrpc.port=8551");
        ASSERT_WORD(words, "--datadir=/mnt/geth");
}

TEST(consensus_exec_endpoint) {
        static const struct {
                Client client;
                const char *flag;
        } cases[] = {
                { CLIENT_LIGHTHOUSE, "--execution-endpoint=http://192.168.100.50:8551" },
                { CLIENT_PRYSM, "--execution-endpoint=http://192.168.100.50:8551" },
                { CLIENT_TEKU, "--ee-endpoint=http://192.168.100.50:8551" },
                { CLIENT_NIMBUS, "--el=http://192.168.100.50:8551" },
                { CLIENT_LODESTAR, "--execution.urls=http://192.168.100.50:8551" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *content = client_unit(cases[i].client, "mainnet",
                                                           "\"execEndpoint\": \"http://192.168.100.50:8551\"");
                _cleanup_strv_free_ char **words = exec_words(content);

                ASSERT_WORD(words, cases[i].flag);
        }
}

/* ---- JWT ---- */

TEST(jwt_credential) {
        static const struct {
                Client client;
                const char *flag;  /* as written in the unit */
                const char *read;  /* as the client receives it */
        } cases[] = {
                { CLIENT_GETH, "--authrpc.jwtsecret=%d/jwt.hex", "--authrpc.jwtsecret=/run/credentials/UNIT/jwt.hex" },
                { CLIENT_ERIGON, "--authrpc.jwtsecret=%d/jwt.hex", "--authrpc.jwtsecret=/run/credentials/UNIT/jwt.hex" },
                { CLIENT_RETH, "--authrpc.jwtsecret=%d/jwt.hex", "--authrpc.jwtsecret=/run/credentials/UNIT/jwt.hex" },
                { CLIENT_BESU, "--engine-jwt-secret=%d/jwt.hex", "--engine-jwt-secret=/run/credentials/UNIT/jwt.hex" },
                { CLIENT_NETHERMIND, "%d/jwt.hex", "/run/credentials/UNIT/jwt.hex" },
                { CLIENT_LIGHTHOUSE, "--execution-jwt=%d/jwt.hex", "--execution-jwt=/run/credentials/UNIT/jwt.hex" },
                { CLIENT_PRYSM, "--jwt-secret=%d/jwt.hex", "--jwt-secret=/run/credentials/UNIT/jwt.hex" },
                { CLIENT_TEKU, "--ee-jwt-secret-file=%d/jwt.hex", "--ee-jwt-secret-file=/run/credentials/UNIT/jwt.hex" },
                { CLIENT_NIMBUS, "--jwt-secret=%d/jwt.hex", "--jwt-secret=/run/credentials/UNIT/jwt.hex" },
                { CLIENT_LODESTAR, "--jwtSecret=%d/jwt.hex", "--jwtSecret=/run/credentials/UNIT/jwt.hex" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *content =
                        client_unit(cases[i].client, "mainnet", "\"jwtSecretFile\": \"/run/agenix/jwt\"");
                _cleanup_strv_free_ char **words = exec_words(content);

                ASSERT_LINE(content, "LoadCredential=jwt.hex:/run/agenix/jwt");
                ASSERT_CONTAINS(content, cases[i].flag);
                ASSERT_WORD(words, cases[i].read);
                /* The secret's own path never reaches the command line. */
                ASSERT_NO_PREFIX(words, "/run/agenix");
                _cleanup_free_ char *exec = directive(content, "ExecStart=");
                ASSERT_NOT_CONTAINS(exec, "/run/agenix/jwt");
        }
        if (cases[4].client == CLIENT_NETHERMIND) {
                _cleanup_free_ char *content = client_unit(CLIENT_NETHERMIND, "mainnet", NULL);
                _cleanup_strv_free_ char **words = exec_words(content);
                ASSERT_PAIR(words, "--JsonRpc.JwtSecretFile", "/run/credentials/UNIT/jwt.hex");
                ASSERT_LINE(content, "LoadCredential=jwt.hex:/mnt/secrets/jwt.hex");
        }
}

TEST(no_jwt_for_mev_boost) {
        _cleanup_free_ char *content = client_unit(CLIENT_MEV_BOOST, "mainnet", NULL);

        ASSERT_NOT_CONTAINS(content, "LoadCredential=");
        ASSERT_NOT_CONTAINS(content, "jwt");
}

/* ---- mev-boost ---- */

static char *cl_with_mev(Client client, bool mev) {
        _cleanup_free_ char *json = NULL;
        const char *name = client_to_string(client);

        ASSERT_TRUE(asprintf(&json,
                             "{ \"consensus\": { \"%s\": { \"enable\": true } },"
                             "  \"addons\": { \"mev-boost\": { \"enable\": %s, \"endpoint\": \"http://127.0.0.1:18551\" } } }",
                             name, mev ? "true" : "false") >= 0);
        _cleanup_free_ char *unit = NULL;
        ASSERT_TRUE(asprintf(&unit, "%s.service", name) >= 0);
        return unit_content(json, unit);
}

TEST(mev_boost_wiring_enabled) {
        _cleanup_free_ char *lh = cl_with_mev(CLIENT_LIGHTHOUSE, true), *pr = cl_with_mev(CLIENT_PRYSM, true),
                            *te = cl_with_mev(CLIENT_TEKU, true), *ni = cl_with_mev(CLIENT_NIMBUS, true),
                            *lo = cl_with_mev(CLIENT_LODESTAR, true);
        _cleanup_strv_free_ char **l = exec_words(lh), **p = exec_words(pr), **t = exec_words(te),
                                 **n = exec_words(ni), **o = exec_words(lo);

        ASSERT_WORD(l, "--builder=http://127.0.0.1:18551");
        ASSERT_WORD(p, "--http-mev-relay=http://127.0.0.1:18551");
        ASSERT_WORD(t, "--builder-endpoint=http://127.0.0.1:18551");
        ASSERT_WORD(n, "--payload-builder=true");
        ASSERT_WORD(n, "--payload-builder-url=http://127.0.0.1:18551");
        ASSERT_WORD(o, "--builder");
        ASSERT_WORD(o, "--builder.url=http://127.0.0.1:18551");
        /* The consensus client starts after mev-boost. */
        ASSERT_CONTAINS(lh, "mev-boost.service");
}

TEST(mev_boost_wiring_disabled) {
        _cleanup_free_ char *lh = cl_with_mev(CLIENT_LIGHTHOUSE, false), *pr = cl_with_mev(CLIENT_PRYSM, false),
                            *te = cl_with_mev(CLIENT_TEKU, false), *ni = cl_with_mev(CLIENT_NIMBUS, false),
                            *lo = cl_with_mev(CLIENT_LODESTAR, false);
        _cleanup_strv_free_ char **l = exec_words(lh), **p = exec_words(pr), **t = exec_words(te),
                                 **n = exec_words(ni), **o = exec_words(lo);

        ASSERT_NO_PREFIX(l, "--builder");
        ASSERT_NO_PREFIX(p, "--http-mev-relay");
        ASSERT_NO_PREFIX(t, "--builder-endpoint");
        ASSERT_NO_PREFIX(n, "--payload-builder");
        ASSERT_NO_PREFIX(o, "--builder");
        ASSERT_NOT_CONTAINS(lh, "mev-boost");
        ASSERT_NOT_CONTAINS(lo, "18551");
}

/* HomestakerOS's mainnet relays (its module on main since 2026-02-17), written out by hand: the
 * agent's own list (mainnet_default_relays) is what is under test. */
TEST(mev_boost_default_relays_mainnet) {
        static const char relays[] =
                "https://0xa1559ace749633b997cb3fdacffb890aeebdb0f5a3b6aaa7eeeaf1a38af0a8fe88b9e4b1f61f236d2e64d95733327a62@relay.ultrasound.money,"
                "https://0xa15b52576bcbf1072f4a011c0f99f9fb6c66f3e1ff321f11f461d15e31b1cb359caa092c71bbded0bae5b5ea401aab7e@aestus.live,"
                "https://0xa7ab7a996c8584251c8f925da3170bdfd6ebc75d50f5ddc4050a6fdc77f2a3b5fce2cc750d0865e05d7228af97d69561@agnostic-relay.net";
        _cleanup_free_ char *content = client_unit(CLIENT_MEV_BOOST, "mainnet", NULL);
        _cleanup_strv_free_ char **words = exec_words(content);

        ASSERT_PAIR(words, "-relays", relays);
        ASSERT_WORD(words, "-relay-check");
        ASSERT_PAIR(words, "-addr", "127.0.0.1:18550");
        ASSERT_STREQ(words[0], "/usr/bin/mev-boost");
}

/* HomestakerOS dropped "--prune-payloads false" from lighthouse on
 * 2026-02-17 (c2f24e6): lighthouse prunes payloads again, as by default. */
TEST(lighthouse_prunes_payloads_as_homestakeros) {
        _cleanup_free_ char *content = client_unit(CLIENT_LIGHTHOUSE, "mainnet", NULL);

        ASSERT_NOT_CONTAINS(content, "prune-payloads");
}

TEST(mev_boost_relays_given) {
        _cleanup_free_ char *content = client_unit(CLIENT_MEV_BOOST, "hoodi", mev_relays_hoodi);
        _cleanup_strv_free_ char **words = exec_words(content);

        ASSERT_PAIR(words, "-relays",
                    "https://0xaa58208899c6105603b74396734a6263cc7d947f444f396a90f7b7d3e65d102aec7e5e5291b27e08d02c50a050825c2f@hoodi.titanrelay.xyz");
        ASSERT_NOT_CONTAINS(content, "boost-relay.flashbots.net");
}

/* ---- lighthouse and prysm specifics ---- */

TEST(lighthouse_slasher) {
        _cleanup_free_ char *on = client_unit(CLIENT_LIGHTHOUSE, "mainnet",
                                              "\"slasher\": { \"enable\": true, \"historyLength\": 2048, \"maxDatabaseSize\": 512 }"),
                            *def = client_unit(CLIENT_LIGHTHOUSE, "mainnet", "\"slasher\": { \"enable\": true }"),
                            *off = client_unit(CLIENT_LIGHTHOUSE, "mainnet", NULL);
        _cleanup_strv_free_ char **w = exec_words(on), **d = exec_words(def), **o = exec_words(off);

        ASSERT_WORD(w, "--slasher");
        ASSERT_WORD(w, "--slasher-history-length=2048");
        ASSERT_WORD(w, "--slasher-max-db-size=512");
        ASSERT_WORD(d, "--slasher");
        ASSERT_WORD(d, "--slasher-history-length=4096");
        ASSERT_WORD(d, "--slasher-max-db-size=256");
        ASSERT_NO_PREFIX(o, "--slasher");
}

TEST(prysm_slasher) {
        _cleanup_free_ char *on = client_unit(CLIENT_PRYSM, "mainnet", "\"slasher\": { \"enable\": true }"),
                            *off = client_unit(CLIENT_PRYSM, "mainnet", NULL);
        _cleanup_strv_free_ char **w = exec_words(on), **o = exec_words(off);

        /* HomestakerOS: "Whether to enable historical slasher". */
        ASSERT_WORD(w, "--historical-slasher-node");
        ASSERT_NO_PREFIX(w, "--slasher-datadir"); /* inert without --slasher */
        ASSERT_NO_WORD(w, "--slasher");
        ASSERT_NO_WORD(o, "--historical-slasher-node");
}

TEST(checkpoint_sync_mainnet_lighthouse_prysm_only) {
        _cleanup_free_ char *lh = client_unit(CLIENT_LIGHTHOUSE, "mainnet", NULL),
                            *pr = client_unit(CLIENT_PRYSM, "mainnet", NULL),
                            *te = client_unit(CLIENT_TEKU, "mainnet", NULL),
                            *ni = client_unit(CLIENT_NIMBUS, "mainnet", NULL),
                            *lo = client_unit(CLIENT_LODESTAR, "mainnet", NULL);
        _cleanup_strv_free_ char **l = exec_words(lh), **p = exec_words(pr), **t = exec_words(te),
                                 **n = exec_words(ni), **o = exec_words(lo);

        ASSERT_WORD(l, "--checkpoint-sync-url=https://beaconstate.info");
        ASSERT_WORD(p, "--checkpoint-sync-url=https://beaconstate.info");
        ASSERT_WORD(p, "--genesis-beacon-api-url=https://beaconstate.info");
        ASSERT_NOT_CONTAINS(te, "beaconstate");
        ASSERT_NOT_CONTAINS(ni, "beaconstate");
        ASSERT_NOT_CONTAINS(lo, "beaconstate");
        ASSERT_NO_PREFIX(t, "--checkpoint-sync-url");
        ASSERT_NO_PREFIX(n, "--external-beacon-api-url");
        ASSERT_NO_PREFIX(o, "--checkpointSyncUrl");
}

TEST(checkpoint_sync_not_on_hoodi) {
        _cleanup_free_ char *lh = client_unit(CLIENT_LIGHTHOUSE, "hoodi", NULL),
                            *pr = client_unit(CLIENT_PRYSM, "hoodi", NULL);

        ASSERT_NOT_CONTAINS(lh, "checkpoint");
        ASSERT_NOT_CONTAINS(pr, "checkpoint");
        ASSERT_NOT_CONTAINS(pr, "genesis-beacon-api-url");
}

TEST(checkpoint_sync_given) {
        _cleanup_free_ char *te = client_unit(CLIENT_TEKU, "hoodi",
                                              "\"checkpointSyncUrl\": \"https://checkpoint-sync.hoodi.ethpandaops.io\""),
                            *lh = client_unit(CLIENT_LIGHTHOUSE, "mainnet", "\"checkpointSyncUrl\": \"\"");
        _cleanup_strv_free_ char **t = exec_words(te), **l = exec_words(lh);

        ASSERT_WORD(t, "--checkpoint-sync-url=https://checkpoint-sync.hoodi.ethpandaops.io");
        ASSERT_NO_PREFIX(l, "--checkpoint-sync-url");
}

/* ---- extraOptions ---- */

TEST(extra_options_quotes_removed) {
        _cleanup_free_ char *content = client_unit(CLIENT_GETH, "mainnet", "\"extraOptions\": [ \"--http.vhosts=\\\"*\\\"\" ]");
        _cleanup_strv_free_ char **words = exec_words(content);
        size_t n = strv_length(words);

        ASSERT_CONTAINS(content, "\"--http.vhosts=*\"");
        ASSERT_NOT_CONTAINS(content, "\\\"*\\\"");
        ASSERT_STREQ(words[n - 1], "--http.vhosts=*");
}

TEST(extra_options_split_into_words) {
        _cleanup_free_ char *content = client_unit(CLIENT_LIGHTHOUSE, "mainnet",
                                                   "\"extraOptions\": [ \"--graffiti=a b\", \"--suggested-fee-recipient='0xabc'\" ]");
        _cleanup_strv_free_ char **words = exec_words(content);
        size_t n = strv_length(words);

        ASSERT_TRUE(n >= 3);
        ASSERT_STREQ(words[n - 3], "--graffiti=a");
        ASSERT_STREQ(words[n - 2], "b");
        ASSERT_STREQ(words[n - 1], "--suggested-fee-recipient=0xabc");
}

TEST(extra_options_hostile) {
        static const char * const expected[] = { ";", "/bin/sh", "%h", "$PATH", "foo\nbar", "a;b", "${HOME}", "%%", "$$" };
        _cleanup_free_ char *content = client_unit(
                CLIENT_GETH, "mainnet",
                "\"extraOptions\": [ \"; /bin/sh\", \"%h\", \"$PATH\", \"foo\\\\nbar\", \"a;b\", \"${HOME}\", \"'%%'\", \"'$$'\" ]");
        _cleanup_strv_free_ char **words = exec_words(content);
        _cleanup_free_ char *exec = directive(content, "ExecStart=");
        size_t n = strv_length(words), k = ELEMENTSOF(expected);

        ASSERT_TRUE(n > k);
        for (size_t i = 0; i < k; i++)
                ASSERT_STREQ(words[n - k + i], expected[i]);
        /* Nothing escapes the line: no raw newline inside a word, no second
         * command, no new directive. */
        ASSERT_NOT_NULL(exec);
        ASSERT_CONTAINS(exec, "\"foo\\x0abar\"");
        ASSERT_CONTAINS(exec, "\";\"");
        ASSERT_CONTAINS(exec, "\"%%h\"");
        ASSERT_CONTAINS(exec, "\"$$PATH\"");
        check_lines_well_formed(content);
        /* Everything after ExecStart= is the unit's own. */
        ASSERT_LINE(content, "Restart=always");
}

TEST(extra_options_mev_boost_and_consensus) {
        _cleanup_free_ char *mev = client_unit(CLIENT_MEV_BOOST, "mainnet", "\"extraOptions\": [ \"-loglevel debug\" ]"),
                            *te = client_unit(CLIENT_TEKU, "mainnet", "\"extraOptions\": [ \"--log-destination=CONSOLE\" ]");
        _cleanup_strv_free_ char **m = exec_words(mev), **t = exec_words(te);
        size_t nm = strv_length(m), nt = strv_length(t);

        ASSERT_STREQ(m[nm - 2], "-loglevel");
        ASSERT_STREQ(m[nm - 1], "debug");
        ASSERT_STREQ(t[nt - 1], "--log-destination=CONSOLE");
}

/* ---- sandbox and service settings ---- */

TEST(memory_deny_write_execute) {
        static const Client with[] = { CLIENT_GETH, CLIENT_LIGHTHOUSE, CLIENT_MEV_BOOST };
        static const Client without[] = { CLIENT_TEKU, CLIENT_BESU, CLIENT_NETHERMIND, CLIENT_LODESTAR };

        for (size_t i = 0; i < ELEMENTSOF(with); i++) {
                _cleanup_free_ char *content = client_unit(with[i], "mainnet", NULL);
                ASSERT_LINE(content, "MemoryDenyWriteExecute=yes");
        }
        for (size_t i = 0; i < ELEMENTSOF(without); i++) {
                _cleanup_free_ char *content = client_unit(without[i], "mainnet", NULL);
                ASSERT_NOT_CONTAINS(content, "MemoryDenyWriteExecute");
        }
}

TEST(hardening_common) {
        for (Client cl = 0; cl <= CLIENT_MEV_BOOST; cl++) {
                _cleanup_free_ char *content = client_unit(cl, "mainnet", NULL);
                ASSERT_LINE(content, "NoNewPrivileges=yes");
                ASSERT_LINE(content, "ProtectSystem=strict");
                ASSERT_LINE(content, "CapabilityBoundingSet=");
                ASSERT_LINE(content, "SystemCallFilter=@system-service");
                ASSERT_LINE(content, "UMask=0077");
                ASSERT_LINE(content, "Restart=always");
                check_lines_well_formed(content);
        }
}

TEST(user_and_group) {
        for (Client cl = 0; cl <= CLIENT_MEV_BOOST; cl++) {
                _cleanup_free_ char *content = client_unit(cl, "mainnet", NULL), *user = NULL, *group = NULL;
                ASSERT_TRUE(asprintf(&user, "User=%s", client_to_string(cl)) >= 0);
                ASSERT_TRUE(asprintf(&group, "Group=%s", client_to_string(cl)) >= 0);
                ASSERT_LINE(content, user);
                ASSERT_LINE(content, group);
        }
        _cleanup_free_ char *prysm = client_unit(CLIENT_PRYSM, "mainnet", NULL);
        ASSERT_LINE(prysm, "User=prysm");
        ASSERT_NO_LINE(prysm, "User=beacon-chain");
}

TEST(requires_mounts_for_data_dir) {
        _cleanup_free_ char *geth = client_unit(CLIENT_GETH, "mainnet",
                                                "\"dataDir\": \"/var/mnt/data/geth\", \"jwtSecretFile\": \"/run/agenix/jwt\""),
                            *lh = client_unit(CLIENT_LIGHTHOUSE, "mainnet", NULL),
                            *mev = client_unit(CLIENT_MEV_BOOST, "mainnet", NULL);
        _cleanup_strv_free_ char **g = exec_words(geth);

        ASSERT_LINE(geth, "RequiresMountsFor=/var/mnt/data/geth /run/agenix/jwt");
        ASSERT_LINE(geth, "ReadWritePaths=/var/mnt/data/geth");
        ASSERT_WORD(g, "--datadir=/var/mnt/data/geth");
        ASSERT_LINE(lh, "RequiresMountsFor=/mnt/lighthouse /mnt/secrets/jwt.hex");
        ASSERT_NOT_CONTAINS(mev, "RequiresMountsFor=");
}

TEST(timeout_stop_execution_clients) {
        for (Client cl = 0; cl < _CLIENT_MAX; cl++) {
                if (client_info(cl)->role != ROLE_EXECUTION)
                        continue;
                _cleanup_free_ char *content = client_unit(cl, "mainnet", NULL);
                ASSERT_LINE(content, "TimeoutStopSec=600s");
        }
}

TEST(unit_order_consensus_after_execution) {
        _cleanup_free_ char *content = unit_content(
                "{ \"execution\": { \"geth\": { \"enable\": true } }, \"consensus\": { \"lighthouse\": { \"enable\": true } } }",
                "lighthouse.service");

        ASSERT_CONTAINS(content, "After=network-online.target geth.service");
}

/* ---- ssv-node ---- */

static const char *ssv_json =
        "{ \"mounts\": { \"data\": { \"enable\": true, \"what\": \"/dev/vdb1\", \"where\": \"/mnt\", \"type\": \"ext4\" } },"
        "  \"execution\": { \"geth\": { \"enable\": true } },"
        "  \"consensus\": { \"lighthouse\": { \"enable\": true } } }";

TEST(ssv_node_environment) {
        _cleanup_free_ char *content = unit_content(ssv_json, "ssv-node.service");

        ASSERT_LINE(content, "Environment=\"NETWORK=mainnet\"");
        ASSERT_LINE(content, "Environment=\"BEACON_NODE_ADDR=http://127.0.0.1:5052\"");
        ASSERT_LINE(content, "Environment=\"ETH_1_ADDR=ws://127.0.0.1:8545\"");
        ASSERT_LINE(content, "Environment=\"DB_PATH=/mnt/addons/ssv/db\"");
        ASSERT_LINE(content, "Environment=\"LOG_FILE_PATH=/mnt/addons/ssv/debug.log\"");
        ASSERT_LINE(content, "Environment=\"PRIVATE_KEY_FILE=/mnt/addons/ssv/ssv_operator_key\"");
        ASSERT_LINE(content, "Environment=\"PASSWORD_FILE=/mnt/addons/ssv/password\"");
        ASSERT_LINE(content, "Environment=\"TCP_PORT=13001\"");
        ASSERT_LINE(content, "Environment=\"UDP_PORT=12001\"");
        ASSERT_LINE(content, "Environment=\"METRICS_API_PORT=15000\"");
        /* HomestakerOS's BuilderProposals is read by no ssv-node since 2024-08. */
        ASSERT_NOT_CONTAINS(content, "BUILDER_PROPOSALS");
        ASSERT_LINE(content, "User=ssv-node");
        ASSERT_LINE(content, "RuntimeDirectory=ssv-node");
        ASSERT_LINE(content, "WorkingDirectory=/mnt/addons/ssv");
        ASSERT_CONTAINS(content, "After=network-online.target geth.service lighthouse.service");
        check_lines_well_formed(content);
}

TEST(ssv_node_exec_start_pre) {
        _cleanup_free_ char *content = unit_content(ssv_json, "ssv-node.service");
        _cleanup_strv_free_ char **keygen = command_words_nth(content, "ExecStartPre=", 0),
                                 **pub = command_words_nth(content, "ExecStartPre=", 1),
                                 **config = command_words_nth(content, "ExecStartPre=", 2),
                                 **words = exec_words(content);

        /* The operator key in ssv-node's own data dir: generated as ssv-node,
         * never by root, who would chown and write by path where ssv-node can
         * plant a symlink (to the ssh host key, /etc/shadow...). */
        if (strv_length(keygen) != 8)
                print_words(keygen);
        ASSERT_EQ(strv_length(keygen), 8);
        ASSERT_STREQ(keygen[0], "/bin/sh");
        ASSERT_STREQ(keygen[1], "-c");
        /* The script reaches sh with its own '$' intact. */
        ASSERT_CONTAINS(keygen[2], "generate-operator-keys");
        ASSERT_CONTAINS(keygen[2], "\"$1\"");
        ASSERT_CONTAINS(keygen[2], "\"$3\"");
        ASSERT_CONTAINS(keygen[2], "chown \"$4:$4\"");
        ASSERT_NOT_CONTAINS(keygen[2], "$$");
        ASSERT_STREQ(keygen[3], "sh");
        ASSERT_STREQ(keygen[4], "/mnt/addons/ssv/ssv_operator_key");
        ASSERT_STREQ(keygen[5], "/mnt/addons/ssv/password");
        ASSERT_STREQ(keygen[6], "/usr/bin/ssvnode");
        ASSERT_STREQ(keygen[7], "ssv-node");

        /* The public key beside the private key, as the service's user. */
        ASSERT_EQ(strv_length(pub), 5);
        ASSERT_STREQ(pub[0], "/bin/sh");
        ASSERT_CONTAINS(pub[2], "\"$1.pub\"");
        ASSERT_STREQ(pub[4], "/mnt/addons/ssv/ssv_operator_key");

        /* The configuration file in the runtime directory. */
        ASSERT_EQ(strv_length(config), 3);
        ASSERT_STREQ(config[0], "/bin/sh");
        ASSERT_STREQ(config[1], "-c");
        ASSERT_CONTAINS(config[2], "$RUNTIME_DIRECTORY/config.yaml");
        ASSERT_NOT_CONTAINS(config[2], "$$");

        ASSERT_STREQ(words[0], "/usr/bin/ssvnode");
        ASSERT_STREQ(words[1], "start-node");
        ASSERT_WORD(words, "--config=/run/ssv-node/config.yaml");
}

/* Keys in a root-owned secrets directory, which ssv-node may not write:
 * generated with full privileges, and only there. In any client's data dir
 * (not only ssv-node's), never. */
TEST(ssv_node_keygen_privileges_follow_who_may_write_there) {
        _cleanup_free_ char *root_dir = unit_content(
                "{ \"mounts\": { \"data\": { \"enable\": true, \"what\": \"/dev/vdb1\", \"where\": \"/mnt\", \"type\": \"ext4\" } },"
                "  \"execution\": { \"geth\": { \"enable\": true } },"
                "  \"consensus\": { \"lighthouse\": { \"enable\": true } },"
                "  \"addons\": { \"ssv-node\": { \"privateKeyFile\": \"/mnt/secrets/ssv/key\","
                "                                  \"privateKeyPasswordFile\": \"/mnt/secrets/ssv/password\" } } }",
                "ssv-node.service"),
                            *client_dir = unit_content(
                "{ \"mounts\": { \"data\": { \"enable\": true, \"what\": \"/dev/vdb1\", \"where\": \"/mnt\", \"type\": \"ext4\" } },"
                "  \"execution\": { \"geth\": { \"enable\": true } },"
                "  \"consensus\": { \"lighthouse\": { \"enable\": true } },"
                "  \"addons\": { \"ssv-node\": { \"privateKeyFile\": \"/mnt/secrets/ssv/key\","
                "                                  \"privateKeyPasswordFile\": \"/mnt/lighthouse/ssv-password\" } } }",
                "ssv-node.service");
        _cleanup_strv_free_ char **a = command_words_nth(root_dir, "ExecStartPre=", 0),
                                 **b = command_words_nth(client_dir, "ExecStartPre=", 0);

        ASSERT_STREQ(a[0], "+/bin/sh");
        ASSERT_STREQ(b[0], "/bin/sh");
}

TEST(ssv_node_hoodi_and_lan_endpoints) {
        _cleanup_free_ char *content = unit_content(
                "{ \"network\": \"hoodi\","
                "  \"mounts\": { \"data\": { \"enable\": true, \"what\": \"/dev/vdb1\", \"where\": \"/mnt\", \"type\": \"ext4\" } },"
                "  \"execution\": { \"besu\": { \"enable\": true, \"endpoint\": \"http://0.0.0.0:8551\" } },"
                "  \"consensus\": { \"teku\": { \"enable\": true, \"endpoint\": \"http://192.168.100.50:5051\" } } }",
                "ssv-node.service");

        ASSERT_LINE(content, "Environment=\"NETWORK=hoodi\"");
        ASSERT_LINE(content, "Environment=\"BEACON_NODE_ADDR=http://192.168.100.50:5051\"");
        /* besu's WebSocket is next to its JSON-RPC port; the wildcard is reached on loopback. */
        ASSERT_LINE(content, "Environment=\"ETH_1_ADDR=ws://127.0.0.1:8546\"");
}

/* Environment= takes specifiers ("%%" is '%') but no variables: '$' means
 * itself there, so the value must hold it once. The words of every
 * Environment= line, as the service receives them. */
static char **environment(const char *content) {
        _cleanup_strv_free_ char **lines = logical_lines(content);
        char **out = calloc(1, sizeof(char *));

        ASSERT_NOT_NULL(out);
        STRV_FOREACH(l, lines) {
                const char *v = startswith(*l, "Environment=");
                _cleanup_strv_free_ char **words = NULL;
                _cleanup_free_ char *err = NULL;

                if (!v)
                        continue;
                ASSERT_OK(cmdline_split(v, &words, &err));
                STRV_FOREACH(w, words) {
                        StrBuf b = {};
                        char *s;
                        for (const char *p = *w; *p; p++) {
                                if (*p == '%') {
                                        ASSERT_TRUE(p[1] == '%');
                                        p++;
                                }
                                sb_appendc(&b, *p);
                        }
                        ASSERT_OK(sb_steal(&b, &s));
                        ASSERT_OK(strv_consume(&out, s));
                }
        }
        return out;
}

TEST(ssv_node_environment_read_back) {
        _cleanup_free_ char *content = unit_content(ssv_json, "ssv-node.service");
        _cleanup_strv_free_ char **env = environment(content);

        ASSERT_WORD(env, "NETWORK=mainnet");
        ASSERT_WORD(env, "DB_PATH=/mnt/addons/ssv/db");
        ASSERT_EQ(strv_length(env), 10);
}

TEST(ssv_node_environment_odd_data_dir) {
        _cleanup_free_ char *content = unit_content(
                "{ \"mounts\": { \"data\": { \"enable\": true, \"what\": \"/dev/vdb1\", \"where\": \"/mnt\", \"type\": \"ext4\" } },"
                "  \"execution\": { \"geth\": { \"enable\": true } },"
                "  \"consensus\": { \"lighthouse\": { \"enable\": true } },"
                "  \"addons\": { \"ssv-node\": { \"dataDir\": \"/mnt/ssv%1$x\" } } }",
                "ssv-node.service");
        _cleanup_strv_free_ char **env = environment(content), **pre = command_words(content, "ExecStartPre=");

        /* The command line reads '$' back through "$$"... */
        ASSERT_STREQ(pre[4], "/mnt/ssv%1$x/ssv_operator_key");
        /* ... Environment= does not. */
        ASSERT_WORD(env, "DB_PATH=/mnt/ssv%1$x/db");
        ASSERT_WORD(env, "PRIVATE_KEY_FILE=/mnt/ssv%1$x/ssv_operator_key");
}

TEST(ssv_node_not_without_mount) {
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_(plan_freep) Plan *p = build_plan(
                "{ \"execution\": { \"geth\": { \"enable\": true } }, \"consensus\": { \"lighthouse\": { \"enable\": true } } }",
                &c);

        ASSERT_NULL(plan_find_unit(p, "ssv-node.service"));
        ASSERT_NOT_NULL(plan_find_unit(p, "geth.service"));
}

/* ---- P2P ports ----
 * The P2P, discovery and QUIC flags of every client's ExecStart, written by
 * hand from the spec's port table (docs/configuration.md, "Ports") and each
 * client's own documentation, not from the agent's table: a flag the
 * renderer gets wrong, drops or passes twice fails here, not only in the
 * golden files. A flag ending in '=' is one word, flag and value; any other
 * is a word followed by its value (nethermind). */

typedef struct PortFlag {
        const char *flag;
        const char *value;
} PortFlag;

typedef struct PortCase {
        Client client;
        const char *keys;    /* config keys of the client, or NULL */
        PortFlag flags[4];
} PortCase;

static const PortCase port_cases[] = {
        /* geth: --port (TCP and UDP), --discovery.port, both 30303. */
        { CLIENT_GETH, NULL, { { "--port=", "30303" }, { "--discovery.port=", "30303" } } },
        { CLIENT_GETH, "\"port\": 30313", { { "--port=", "30313" }, { "--discovery.port=", "30313" } } },
        /* nethermind: Network.P2PPort and Network.DiscoveryPort, 30303. */
        { CLIENT_NETHERMIND, NULL, { { "--Network.P2PPort", "30303" }, { "--Network.DiscoveryPort", "30303" } } },
        { CLIENT_NETHERMIND, "\"port\": 30313",
          { { "--Network.P2PPort", "30313" }, { "--Network.DiscoveryPort", "30313" } } },
        /* besu: --p2p-port 30303, TCP and UDP. */
        { CLIENT_BESU, NULL, { { "--p2p-port=", "30303" } } },
        { CLIENT_BESU, "\"port\": 30313", { { "--p2p-port=", "30313" } } },
        /* erigon: --port 30303; BitTorrent on 42069 whatever "port" says. */
        { CLIENT_ERIGON, NULL, { { "--port=", "30303" }, { "--torrent.port=", "42069" } } },
        { CLIENT_ERIGON, "\"port\": 30313", { { "--port=", "30313" }, { "--torrent.port=", "42069" } } },
        /* reth: --port and --discovery.port 30303, discv5 on UDP 9200. */
        { CLIENT_RETH, NULL,
          { { "--port=", "30303" }, { "--discovery.port=", "30303" }, { "--discovery.v5.port=", "9200" } } },
        { CLIENT_RETH, "\"port\": 30313",
          { { "--port=", "30313" }, { "--discovery.port=", "30313" }, { "--discovery.v5.port=", "9200" } } },
        /* lighthouse: --port 9000 (TCP and UDP), QUIC on port + 1. */
        { CLIENT_LIGHTHOUSE, NULL, { { "--port=", "9000" }, { "--quic-port=", "9001" } } },
        { CLIENT_LIGHTHOUSE, "\"port\": 9100", { { "--port=", "9100" }, { "--quic-port=", "9101" } } },
        /* prysm: libp2p on TCP 13000, QUIC on UDP 13000, discv5 on UDP 12000. */
        { CLIENT_PRYSM, NULL,
          { { "--p2p-tcp-port=", "13000" }, { "--p2p-quic-port=", "13000" }, { "--p2p-udp-port=", "12000" } } },
        { CLIENT_PRYSM, "\"port\": 13100",
          { { "--p2p-tcp-port=", "13100" }, { "--p2p-quic-port=", "13100" }, { "--p2p-udp-port=", "12000" } } },
        /* teku: --p2p-port 9000, QUIC on port + 1. */
        { CLIENT_TEKU, NULL, { { "--p2p-port=", "9000" }, { "--p2p-quic-port=", "9001" } } },
        { CLIENT_TEKU, "\"port\": 9100", { { "--p2p-port=", "9100" }, { "--p2p-quic-port=", "9101" } } },
        /* nimbus: --tcp-port and --udp-port, 9000. */
        { CLIENT_NIMBUS, NULL, { { "--tcp-port=", "9000" }, { "--udp-port=", "9000" } } },
        { CLIENT_NIMBUS, "\"port\": 9100", { { "--tcp-port=", "9100" }, { "--udp-port=", "9100" } } },
        /* lodestar: --port 9000, TCP and UDP. */
        { CLIENT_LODESTAR, NULL, { { "--port=", "9000" } } },
        { CLIENT_LODESTAR, "\"port\": 9100", { { "--port=", "9100" } } },
        /* mev-boost has no P2P: only its endpoint, by -addr. */
        { CLIENT_MEV_BOOST, NULL, { { "-addr", "127.0.0.1:18550" } } },
};

/* Every flag of the case, once, with its value; with the words that would
 * name a port flag of another client, none at all. */
static void check_port_case(const PortCase *pc) {
        static const char * const port_words[] = {
                "--port", "--discovery.port", "--discovery.v5.port", "--Network.P2PPort", "--Network.DiscoveryPort",
                "--p2p-port", "--torrent.port", "--quic-port", "--p2p-tcp-port", "--p2p-quic-port", "--p2p-udp-port",
                "--tcp-port", "--udp-port", "-addr",
        };
        _cleanup_free_ char *content = client_unit(pc->client, "mainnet", pc->keys);
        _cleanup_strv_free_ char **words = exec_words(content);

        printf("# %s%s%s\n", client_to_string(pc->client), pc->keys ? " with " : "", strempty(pc->keys));
        for (size_t i = 0; i < ELEMENTSOF(pc->flags) && pc->flags[i].flag; i++) {
                const PortFlag *f = &pc->flags[i];
                bool joined = endswith(f->flag, "=");
                size_t seen = 0;

                STRV_FOREACH(w, words) {
                        const char *v = startswith(*w, f->flag);
                        if (!v || (!joined && *v))
                                continue;
                        seen++;
                        if (!joined)
                                v = w[1];
                        if (!v || !streq(v, f->value))
                                print_words(words);
                        ASSERT_STREQ(v, f->value);
                }
                if (seen != 1)
                        print_words(words);
                ASSERT_EQ(seen, 1);
        }
        /* No port flag the case does not name. */
        for (size_t k = 0; k < ELEMENTSOF(port_words); k++) {
                bool named = false;

                for (size_t i = 0; i < ELEMENTSOF(pc->flags) && pc->flags[i].flag; i++) {
                        const char *f = pc->flags[i].flag;
                        if (strncmp(f, port_words[k], strlen(port_words[k])) == 0 &&
                            (f[strlen(port_words[k])] == 0 || f[strlen(port_words[k])] == '='))
                                named = true;
                }
                if (named)
                        continue;
                STRV_FOREACH(w, words) {
                        const char *v = startswith(*w, port_words[k]);
                        if (v && (*v == 0 || *v == '='))
                                HARNESS_FAIL("%s: unexpected port flag [%s]", client_to_string(pc->client), *w);
                }
        }
}

TEST(p2p_ports_each_client) {
        for (size_t i = 0; i < ELEMENTSOF(port_cases); i++)
                check_port_case(&port_cases[i]);
}

/* ssv-node takes its ports from the environment (TCP_PORT, UDP_PORT), and
 * has no "port" key: 13001 and 12001 (spec, "Executables and ports"). */
TEST(p2p_ports_ssv_node) {
        _cleanup_free_ char *content = unit_content(ssv_json, "ssv-node.service");
        _cleanup_strv_free_ char **env = environment(content), **words = exec_words(content);

        ASSERT_WORD(env, "TCP_PORT=13001");
        ASSERT_WORD(env, "UDP_PORT=12001");
        ASSERT_NO_PREFIX(words, "--port");
}

/* Every client the agent writes a unit for has a case above. */
TEST(p2p_ports_every_client_covered) {
        for (Client cl = 0; cl < _CLIENT_MAX; cl++) {
                bool found = cl == CLIENT_SSV_NODE || cl == CLIENT_WIREGUARD;

                for (size_t i = 0; i < ELEMENTSOF(port_cases); i++)
                        found = found || port_cases[i].client == cl;
                if (!found)
                        HARNESS_FAIL("no P2P port case for %s", client_to_string(cl));
        }
}

/* The renderer asks for a port by kind: a client has one entry of a kind. */
TEST(port_table_one_entry_per_kind) {
        for (Client cl = 0; cl < _CLIENT_MAX; cl++) {
                const ClientInfo *info = client_info(cl);

                for (size_t i = 0; i < info->n_ports; i++) {
                        ASSERT_TRUE(info->ports[i].kind >= 0 && info->ports[i].kind < _PORT_KIND_MAX);
                        ASSERT_TRUE(client_port(cl, info->ports[i].kind) == &info->ports[i]);
                }
        }
}

/* ---- wireguard ---- */

TEST(wireguard_unit_name_from_file) {
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_(plan_freep) Plan *p = build_plan(
                "{ \"vpn\": { \"wireguard\": { \"enable\": true, \"configFile\": \"/mnt/secrets/wg-home.conf\" } },"
                "  \"execution\": { \"geth\": { \"enable\": true } } }",
                &c);
        const PlanUnit *wg = plan_find_unit(p, "wg-quick-wg-home.service"), *geth = plan_find_unit(p, "geth.service");

        ASSERT_NOT_NULL(wg);
        ASSERT_NOT_NULL(geth);
        ASSERT_STREQ(p->units[0].name, "wg-quick-wg-home.service");
        ASSERT_EQ(wg->client, CLIENT_WIREGUARD);
        ASSERT_NULL(plan_find_unit(p, "wg-quick-wg0.service"));

        _cleanup_strv_free_ char **start = command_words(wg->content, "ExecStart="),
                                 **stop = command_words(wg->content, "ExecStop=");
        ASSERT_EQ(strv_length(start), 3);
        ASSERT_STREQ(start[0], "/usr/bin/wg-quick");
        ASSERT_STREQ(start[1], "up");
        /* wg-quick reads a copy named <interface>.conf, made in RAM. */
        ASSERT_STREQ(start[2], "/run/hsos-wireguard/wg-home.conf");
        ASSERT_EQ(strv_length(stop), 3);
        ASSERT_STREQ(stop[1], "down");
        ASSERT_STREQ(stop[2], "/run/hsos-wireguard/wg-home.conf");
        ASSERT_LINE(wg->content, "RuntimeDirectory=hsos-wireguard");
        ASSERT_LINE(wg->content, "RuntimeDirectoryMode=0700");
        ASSERT_LINE(wg->content, "Type=oneshot");
        ASSERT_LINE(wg->content, "RequiresMountsFor=/mnt/secrets/wg-home.conf");
        ASSERT_CONTAINS(wg->content, "wg-home");
        check_lines_well_formed(wg->content);
        /* The clients start after the VPN, and not without it (HomestakerOS). */
        ASSERT_CONTAINS(geth->content, "wg-quick-wg-home.service");
        ASSERT_LINE(geth->content, "Requires=wg-quick-wg-home.service");
}

/* Real nodes name the file /run/secrets/wireguard/wg0, without .conf, which
 * Debian's wg-quick refuses ("must be a valid interface name, followed by
 * .conf"): the unit copies it to /run/hsos-wireguard/wg0.conf when it starts. */
TEST(wireguard_file_without_conf) {
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_(plan_freep) Plan *p = build_plan(
                "{ \"vpn\": { \"wireguard\": { \"enable\": true, \"configFile\": \"/run/secrets/wireguard/wg0\" } } }",
                &c);
        const PlanUnit *wg = plan_find_unit(p, "wg-quick-wg0.service");

        ASSERT_NOT_NULL(wg);
        _cleanup_strv_free_ char **pre = command_words(wg->content, "ExecStartPre="),
                                 **start = command_words(wg->content, "ExecStart=");
        ASSERT_EQ(strv_length(pre), 6);
        ASSERT_STREQ(pre[0], "/bin/sh");
        ASSERT_STREQ(pre[1], "-c");
        ASSERT_STREQ(pre[2], "umask 077; cat -- \"$1\" > \"$RUNTIME_DIRECTORY/$2.conf\"");
        ASSERT_STREQ(pre[4], "/run/secrets/wireguard/wg0");
        ASSERT_STREQ(pre[5], "wg0");
        ASSERT_STREQ(start[2], "/run/hsos-wireguard/wg0.conf");
        ASSERT_LINE(wg->content, "RequiresMountsFor=/run/secrets/wireguard/wg0");
}

/* A client cannot start while its VPN cannot: the plan says so. */
TEST(clients_wait_for_a_blocked_vpn) {
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_(plan_freep) Plan *p = build_plan(
                "{ \"vpn\": { \"wireguard\": { \"enable\": true, \"configFile\": \"/nonexistent/wg0\" } },"
                "  \"execution\": { \"geth\": { \"enable\": true } } }",
                &c);
        const PlanUnit *wg = plan_find_unit(p, "wg-quick-wg0.service"), *geth = plan_find_unit(p, "geth.service");

        ASSERT_NOT_NULL(wg);
        ASSERT_NOT_NULL(geth);
        ASSERT_EQ(wg->state, UNIT_BLOCKED);
        ASSERT_EQ(geth->state, UNIT_BLOCKED);
        ASSERT_CONTAINS(geth->reason, "needs wg-quick-wg0.service, which is blocked");
}

TEST(wireguard_default_unit_name) {
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_(plan_freep) Plan *p = build_plan("{ \"vpn\": { \"wireguard\": { \"enable\": true } } }", &c);

        ASSERT_NOT_NULL(plan_find_unit(p, "wg-quick-wg0.service"));
}

/* ---- drop-ins ---- */

TEST(mount_before_dropin) {
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_(plan_freep) Plan *p = build_plan(
                "{ \"mounts\": { \"data\": { \"enable\": true, \"what\": \"/dev/vdc1\", \"where\": \"/var/mnt/data\","
                "                            \"type\": \"ext4\", \"before\": [ \"geth.service\", \"docker.service\" ] },"
                "              \"off\": { \"enable\": false, \"what\": \"/dev/vdd1\", \"where\": \"/var/mnt/off\","
                "                           \"before\": [ \"geth.service\" ] } },"
                "  \"execution\": { \"geth\": { \"enable\": true, \"dataDir\": \"/var/mnt/data/geth\" } } }",
                &c);

        ASSERT_EQ(p->n_dropins, 2);
        ASSERT_STREQ(p->dropins[0].unit, "geth.service");
        ASSERT_STREQ(p->dropins[1].unit, "docker.service");
        for (size_t i = 0; i < p->n_dropins; i++) {
                const PlanDropIn *d = &p->dropins[i];
                ASSERT_NOT_NULL(d->name);
                ASSERT_TRUE(endswith(d->name, ".conf"));
                ASSERT_CONTAINS(d->name, "data");
                ASSERT_LINE(d->content, "[Unit]");
                ASSERT_LINE(d->content, "RequiresMountsFor=/var/mnt/data");
                ASSERT_NOT_CONTAINS(d->content, "/var/mnt/off");
                check_lines_well_formed(d->content);
        }
}

/* A mount point is read back by systemd as a path: RequiresMountsFor= takes
 * specifiers ("%%" is '%') but no variables ('$' means itself). */
static char *requires_mounts_for_path(const char *content) {
        _cleanup_free_ char *v = directive(content, "RequiresMountsFor="), *err = NULL;
        _cleanup_strv_free_ char **words = NULL;
        StrBuf b = {};
        char *s;

        ASSERT_NOT_NULL(v);
        ASSERT_OK(cmdline_split(v, &words, &err));
        ASSERT_EQ(strv_length(words), 1);
        for (const char *p = words[0]; *p; p++) {
                if (*p == '%') {
                        ASSERT_TRUE(p[1] == '%');
                        p++;
                }
                sb_appendc(&b, *p);
        }
        ASSERT_OK(sb_steal(&b, &s));
        return s;
}

TEST(mount_before_dropin_odd_path) {
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_(plan_freep) Plan *p = build_plan(
                "{ \"mounts\": { \"odd\": { \"enable\": true, \"what\": \"/dev/vdc1\", \"where\": \"/mnt/a%b$c\","
                "                           \"type\": \"ext4\", \"before\": [ \"geth.service\" ] } } }",
                &c);

        ASSERT_EQ(p->n_dropins, 1);
        _cleanup_free_ char *path = requires_mounts_for_path(p->dropins[0].content);
        ASSERT_STREQ(path, "/mnt/a%b$c");
}
