/* SPDX-License-Identifier: MIT */
/* extraOptions that set an option the agent sets too (issue #12): picocli,
 * clap and others refuse a single-value option given twice, so the user's
 * value wins and the agent's option is left out, whole. Driven by the
 * command-line contracts in tests/fixtures/clients/<client>.json: every
 * option the agent writes, in every spelling the contract gives it (name and
 * aliases) and every form the client's syntax allows, must end up on the
 * command line exactly once, with the user's value. Run from the repo root. */

#include <cJSON.h>

#include "harness.h"
#include "fixtures.h"

#include "hsos/cmdline.h"
#include "hsos/config.h"
#include "hsos/facts.h"
#include "hsos/plan.h"
#include "hsos/util.h"

/* ---- a plan from a config ---- */

static Plan *build_plan(cJSON *json) {
        _cleanup_(facts_freep) Facts *f = fixture_good_facts();
        _cleanup_free_ char *s = cJSON_PrintUnformatted(json);
        _cleanup_(config_freep) Config *c = NULL;

        ASSERT_NOT_NULL(s);
        c = fixture_config(s);
        return fixture_plan(c, f);
}

/* The object of client's section in json (created). */
static cJSON *client_object(cJSON *json, Client client) {
        const char *path = config_client_path(client), *dot = strchr(path, '.');
        char section[32];
        cJSON *s, *o;

        ASSERT_NOT_NULL(dot);
        snprintf(section, sizeof section, "%.*s", (int) (dot - path), path);
        s = cJSON_GetObjectItemCaseSensitive(json, section);
        if (!s)
                ASSERT_NOT_NULL(s = cJSON_AddObjectToObject(json, section));
        o = cJSON_GetObjectItemCaseSensitive(s, dot + 1);
        if (!o)
                ASSERT_NOT_NULL(o = cJSON_AddObjectToObject(s, dot + 1));
        return o;
}

/* A node running client: its defaults (full = false), or with every option
 * the agent can add switched on (mev-boost, the slasher, checkpoint sync). */
static cJSON *node_json(Client client, bool full) {
        cJSON *json = cJSON_CreateObject(), *o;
        Role role = client_info(client)->role;

        ASSERT_NOT_NULL(json);
        ASSERT_NOT_NULL(cJSON_AddStringToObject(json, "network", "mainnet"));
        if (client == CLIENT_SSV_NODE) {
                cJSON *m = cJSON_AddObjectToObject(cJSON_AddObjectToObject(json, "mounts"), "data");
                ASSERT_NOT_NULL(m);
                cJSON_AddBoolToObject(m, "enable", true);
                cJSON_AddStringToObject(m, "what", "/dev/vdb1");
                cJSON_AddStringToObject(m, "where", "/mnt");
                cJSON_AddStringToObject(m, "type", "ext4");
                cJSON_AddBoolToObject(client_object(json, CLIENT_GETH), "enable", true);
                cJSON_AddBoolToObject(client_object(json, CLIENT_LIGHTHOUSE), "enable", true);
                (void) client_object(json, CLIENT_SSV_NODE);
                return json;
        }
        o = client_object(json, client);
        ASSERT_NOT_NULL(cJSON_AddBoolToObject(o, "enable", true));
        if (full && role == ROLE_CONSENSUS) {
                cJSON_AddBoolToObject(client_object(json, CLIENT_MEV_BOOST), "enable", true);
                ASSERT_NOT_NULL(cJSON_AddStringToObject(o, "checkpointSyncUrl", "https://checkpoint.example"));
                if (client == CLIENT_LIGHTHOUSE || client == CLIENT_PRYSM)
                        cJSON_AddBoolToObject(cJSON_AddObjectToObject(o, "slasher"), "enable", true);
        }
        return json;
}

/* ---- the command line, as the client receives it ---- */

/* The words of ExecStart= after the executable (and its subcommand), with
 * "%%" and "$$" read back as systemd does; "%d" stays (the JWT credential). */
static char **exec_words(const PlanUnit *u, Client client) {
        _cleanup_strv_free_ char **words = NULL;
        _cleanup_free_ char *err = NULL;
        const char *s;
        char **out = calloc(1, sizeof(char *));
        StrBuf line = {};
        size_t skip = client_info(client)->subcommand ? 2 : 1;

        ASSERT_NOT_NULL(u);
        ASSERT_NOT_NULL(s = strstr(u->content, "\nExecStart="));
        ASSERT_NOT_NULL(out);
        for (s += strlen("\nExecStart="); *s && *s != '\n'; s++)
                if (*s == '\\' && s[1] == '\n') {
                        sb_appendc(&line, ' ');
                        s++;
                } else
                        sb_appendc(&line, *s);
        ASSERT_OK(line.err);
        if (cmdline_split(strempty(line.s), &words, &err) < 0)
                HARNESS_FAIL("cannot split ExecStart=%s: %s", strempty(line.s), strempty(err));
        sb_done(&line);
        ASSERT_TRUE(strv_length(words) > skip);
        for (char **w = words + skip; *w; w++) {
                StrBuf b = {};
                char *x;

                for (const char *p = *w; *p; p++) {
                        if ((*p == '%' || *p == '$') && p[1] == *p)
                                p++;
                        sb_appendc(&b, *p);
                }
                ASSERT_OK(sb_steal(&b, &x));
                ASSERT_OK(strv_consume(&out, x));
        }
        return out;
}

static void print_words(const char *what, char * const *words) {
        printf("# %s:", what);
        STRV_FOREACH(w, words)
                printf(" [%s]", *w);
        printf("\n");
}

/* ---- the contracts ---- */

static const char *contract_file(Client client) {
        static char path[128];

        snprintf(path, sizeof path, "tests/fixtures/clients/%s.json", client_to_string(client));
        return path;
}

static cJSON *contract_load(Client client) {
        _cleanup_free_ char *data = NULL;
        size_t n = 0;
        cJSON *j;

        data = read_all(contract_file(client), &n);
        if (!data)
                HARNESS_FAIL("cannot read %s (run from the repository's root)", contract_file(client));
        j = cJSON_ParseWithLength(data, n);
        if (!j)
                HARNESS_FAIL("%s is not JSON", contract_file(client));
        return j;
}

static const char *json_str(const cJSON *o, const char *key) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

        return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The contract's option named or aliased name (exactly), and its key. */
static const cJSON *contract_option(const cJSON *contract, const char *name, const char **ret_key) {
        const cJSON *o;

        cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(contract, "options")) {
                const cJSON *a;
                bool hit = streq(o->string, name);

                cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(o, "aliases"))
                        hit = hit || (cJSON_IsString(a) && streq(a->valuestring, name));
                if (hit) {
                        *ret_key = o->string;
                        return o;
                }
        }
        return NULL;
}

/* Every spelling of the option: its key, its aliases, its negation. */
static char **spellings(const char *key, const cJSON *option) {
        char **l = NULL;
        const cJSON *a;
        const char *neg = json_str(option, "negation");

        ASSERT_OK(strv_extend(&l, key));
        cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(option, "aliases"))
                ASSERT_OK(strv_extend(&l, a->valuestring));
        if (neg)
                ASSERT_OK(strv_extend(&l, neg));
        return l;
}

/* The dashes a spelling is written with: the contract's first prefix ("-"
 * for mev-boost, else "--"), a single one for the short aliases (-d, -dd). */
static const char *prefix_for(const cJSON *contract, const char *key, const char *spelling) {
        const cJSON *prefixes = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(contract, "syntax"),
                                                                 "prefixes");
        const cJSON *first = cJSON_GetArrayItem(prefixes, 0);

        if (!streq(key, spelling) && strlen(spelling) <= 2)
                return "-";
        ASSERT_TRUE(cJSON_IsString(first));
        return first->valuestring;
}

/* Whether the client takes a value as a separate word ('--name value'):
 * nimbus's contract says it is refused. */
static bool separate_value_allowed(const cJSON *contract) {
        const char *v = json_str(cJSON_GetObjectItemCaseSensitive(contract, "syntax"), "value");

        ASSERT_NOT_NULL(v);
        return !strstr(v, "refused");
}

/* ---- reading options back ---- */

typedef struct Occurrence {
        size_t index;           /* of its first word */
        size_t n_words;         /* 1, or 2 with a separate value */
        char *name;             /* as written, without dashes */
        char *value;            /* "" for a switch */
} Occurrence;

static bool is_bool_word(const char *w) {
        return w && (streq(w, "true") || streq(w, "false"));
}

/* Where words[i] is an option of the contract: its key, its entry, and how
 * it is written. Value words (not starting with '-') are never options. */
static const cJSON *read_option(const cJSON *contract, char * const *words, size_t i, const char **ret_key,
                                Occurrence *ret) {
        const char *w = words[i], *name = w, *eq;
        const cJSON *o;
        const char *kind;
        _cleanup_free_ char *n = NULL;

        if (w[0] != '-')
                return NULL;
        name += w[1] == '-' ? 2 : 1;
        eq = strchr(name, '=');
        n = eq ? strndup(name, eq - name) : strdup(name);
        ASSERT_NOT_NULL(n);
        o = contract_option(contract, n, ret_key);
        if (!o) {
                /* A negation ("--no-rest") is an option too. */
                const cJSON *x;
                cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(contract, "options"))
                        if (streq_ptr(json_str(x, "negation"), n)) {
                                o = x;
                                *ret_key = x->string;
                        }
                if (!o)
                        return NULL;
        }
        kind = json_str(o, "value");
        ASSERT_NOT_NULL(kind);
        *ret = (Occurrence) { .index = i, .n_words = 1, .name = TAKE_PTR(n) };
        if (eq)
                ret->value = strdup(eq + 1);
        else if (streq(kind, "none") || streq_ptr(json_str(o, "negation"), ret->name))
                ret->value = strdup("");
        else if (streq(kind, "bool")) {
                ret->value = strdup(is_bool_word(words[i + 1]) ? words[i + 1] : "true");
                ret->n_words = is_bool_word(words[i + 1]) ? 2 : 1;
        } else {
                ASSERT_NOT_NULL(words[i + 1]);
                ret->value = strdup(words[i + 1]);
                ret->n_words = 2;
        }
        ASSERT_NOT_NULL(ret->value);
        return o;
}

static void occurrence_done(Occurrence *o) {
        free(o->name);
        free(o->value);
}

/* The occurrences of the option with that key. */
static size_t find_option(const cJSON *contract, char * const *words, const char *key, Occurrence *ret_last) {
        size_t n = 0;

        for (size_t i = 0; words[i]; i++) {
                const char *k = NULL;
                Occurrence oc;

                if (!read_option(contract, words, i, &k, &oc))
                        continue;
                if (streq(k, key)) {
                        n++;
                        occurrence_done(ret_last);
                        *ret_last = oc;
                } else
                        occurrence_done(&oc);
        }
        return n;
}

/* A value of the option's kind that is not the agent's. */
static const char *user_value(const cJSON *option, const char *agent) {
        const char *kind = json_str(option, "value");
        const cJSON *v;

        if (streq(kind, "bool"))
                return streq(agent, "false") ? "true" : "false";
        if (streq(kind, "enum")) {
                cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(option, "values"))
                        if (!streq(v->valuestring, agent))
                                return v->valuestring;
                HARNESS_FAIL("enum without a second value");
        }
        if (streq(kind, "port"))
                return "40404";
        if (streq(kind, "int") || streq(kind, "uint") || streq(kind, "size"))
                return "7";
        if (streq(kind, "float"))
                return "0.5";
        if (streq(kind, "duration"))
                return "7s";
        if (streq(kind, "url"))
                return "http://192.0.2.7:7777";
        if (streq(kind, "path"))
                return "/mnt/user-chosen";
        return "user-chosen";
}

/* ---- the check ---- */

typedef struct Run {
        Client client;
        bool full;
        const cJSON *contract;
        char **agent;           /* the words without extraOptions */
        size_t checks;
} Run;

static bool has_note_prefix(char * const *notes, const char *prefix) {
        STRV_FOREACH(n, notes)
                if (startswith(*n, prefix))
                        return true;
        return false;
}

/* Renders with extraOptions = user (the words of one option) and checks: the
 * option `key` (the agent's at agent_oc) is there once, the user's, with
 * value; every other agent word is kept, in order; the plan says so. */
static void check_override(Run *run, const char *key, const Occurrence *agent_oc, char **user, const char *value) {
        cJSON *json = node_json(run->client, run->full), *extra;
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_strv_free_ char **words = NULL, **expected = NULL;
        _cleanup_free_ char *note = NULL;
        Occurrence last = {};
        size_t n, n_user = strv_length(user), n_words;

        ASSERT_NOT_NULL(extra = cJSON_AddArrayToObject(client_object(json, run->client), "extraOptions"));
        STRV_FOREACH(u, user)
                ASSERT_TRUE(cJSON_AddItemToArray(extra, cJSON_CreateString(*u)));
        p = build_plan(json);
        cJSON_Delete(json);
        words = exec_words(plan_find_client_unit(p, run->client), run->client);
        n_words = strv_length(words);

        n = find_option(run->contract, words, key, &last);
        if (n != 1 || last.index != n_words - n_user || !streq(last.value, value)) {
                print_words("extraOptions", user);
                print_words("ExecStart", words);
                HARNESS_FAIL("%s: --%s (%s) given %zu times, the last at word %zu with value \"%s\"; "
                             "expected once, the user's, at word %zu with \"%s\"",
                             client_to_string(run->client), key, run->full ? "full" : "defaults", n, last.index,
                             strempty(last.value), n_words - n_user, value);
        }
        occurrence_done(&last);

        /* The agent's other words, all kept and in order. */
        for (size_t i = 0; run->agent[i]; i++)
                if (i < agent_oc->index || i >= agent_oc->index + agent_oc->n_words)
                        ASSERT_OK(strv_extend(&expected, run->agent[i]));
        STRV_FOREACH(u, user)
                ASSERT_OK(strv_extend(&expected, *u));
        if (strv_length(expected) != n_words)
                goto differ;
        for (size_t i = 0; i < n_words; i++)
                if (!streq(expected[i], words[i]))
                        goto differ;

        /* The plan tells: "besu: --p2p-port from extraOptions replaces the agent's --p2p-port=30303". */
        ASSERT_TRUE(asprintf(&note, "%s: %.*s from extraOptions replaces the agent's %s", client_to_string(run->client),
                             (int) strcspn(user[0], "="), user[0], run->agent[agent_oc->index]) >= 0);
        /* A word with a specifier (the JWT credential, %d; ssv-node's %t):
         * the note names the directory's variable instead. */
        note[strcspn(note, "%")] = 0;
        if (!has_note_prefix(p->notes, note)) {
                print_words("notes", p->notes);
                HARNESS_FAIL("no note starting \"%s\"", note);
        }
        run->checks++;
        return;
differ:
        print_words("expected", expected);
        print_words("ExecStart", words);
        HARNESS_FAIL("%s: extraOptions %s: the agent's other options changed", client_to_string(run->client), user[0]);
}

static void check_client(Client client, bool full) {
        _cleanup_(cJSON_Deletep) cJSON *contract = contract_load(client);
        cJSON *json = node_json(client, full);
        _cleanup_(plan_freep) Plan *p = build_plan(json);
        _cleanup_strv_free_ char **agent = NULL;
        bool separate = separate_value_allowed(contract);
        Run run = { .client = client, .full = full, .contract = contract };
        size_t n_options = 0;

        cJSON_Delete(json);
        agent = exec_words(plan_find_client_unit(p, client), client);
        run.agent = agent;
        for (size_t i = 0; agent[i]; i++) {
                _cleanup_strv_free_ char **names = NULL;
                const char *key = NULL, *kind;
                const cJSON *option;
                Occurrence oc = {};

                if (agent[i][0] != '-')
                        continue;
                option = read_option(contract, agent, i, &key, &oc);
                if (!option) {
                        print_words("ExecStart", agent);
                        HARNESS_FAIL("%s: the agent's %s is not in %s", client_to_string(client), agent[i],
                                     contract_file(client));
                }
                n_options++;
                kind = json_str(option, "value");
                names = spellings(key, option);
                STRV_FOREACH(s, names) {
                        const char *pre = prefix_for(contract, key, *s);
                        _cleanup_free_ char *eq = NULL, *bare = NULL;

                        ASSERT_TRUE(asprintf(&bare, "%s%s", pre, *s) >= 0);
                        if (streq_ptr(json_str(option, "negation"), *s) || streq(kind, "none")) {
                                /* A switch: the user's word alone. */
                                char *u[] = { bare, NULL };
                                check_override(&run, key, &oc, u, "");
                                continue;
                        }
                        const char *v = user_value(option, oc.value);
                        ASSERT_FALSE(streq(v, oc.value));
                        ASSERT_TRUE(asprintf(&eq, "%s=%s", bare, v) >= 0);
                        char *u1[] = { eq, NULL };
                        check_override(&run, key, &oc, u1, v);
                        /* A bool takes its value in the same word everywhere;
                         * a separate word only where the syntax allows it. */
                        if (separate && !streq(kind, "bool")) {
                                char *u2[] = { bare, (char *) v, NULL };
                                check_override(&run, key, &oc, u2, v);
                        }
                }
                i += oc.n_words - 1;
                occurrence_done(&oc);
        }
        printf("# %s (%s): %zu options of the agent, %zu overrides checked\n", client_to_string(client),
               full ? "full" : "defaults", n_options, run.checks);
        ASSERT_TRUE(n_options > 0 && run.checks >= n_options);
}

TEST(every_agent_option_in_every_spelling_defaults) {
        for (Client cl = 0; cl < _CLIENT_MAX; cl++)
                if (cl != CLIENT_WIREGUARD)
                        check_client(cl, false);
}

TEST(every_agent_option_in_every_spelling_full) {
        for (Client cl = 0; cl < _CLIENT_MAX; cl++)
                if (client_info(cl)->role == ROLE_CONSENSUS)
                        check_client(cl, true);
}

/* ---- the issue's case, and the syntax each client has ---- */

/* ExecStart's words for client with extraOptions (NULL-terminated), and
 * the plan's notes. */
static char **render_with(Client client, const char * const *extra, char ***ret_notes) {
        cJSON *json = node_json(client, false), *a;
        _cleanup_(plan_freep) Plan *p = NULL;
        char **words;

        ASSERT_NOT_NULL(a = cJSON_AddArrayToObject(client_object(json, client), "extraOptions"));
        for (; *extra; extra++)
                ASSERT_TRUE(cJSON_AddItemToArray(a, cJSON_CreateString(*extra)));
        p = build_plan(json);
        cJSON_Delete(json);
        words = exec_words(plan_find_client_unit(p, client), client);
        if (ret_notes)
                *ret_notes = strv_copy(p->notes ?: (char *[]) { NULL });
        return words;
}

/* Whether a note says the agent's word was replaced. */
static bool note_replaces(char * const *notes, const char *word) {
        _cleanup_free_ char *tail = NULL;

        ASSERT_TRUE(asprintf(&tail, " from extraOptions replaces the agent's %s", word) >= 0);
        STRV_FOREACH(n, notes)
                if (endswith(*n, tail))
                        return true;
        return false;
}

static size_t count_prefix(char * const *words, const char *prefix) {
        size_t n = 0;

        STRV_FOREACH(w, words)
                n += !!startswith(*w, prefix);
        return n;
}

TEST(issue_besu_p2p_port_given_in_extra_options) {
        _cleanup_strv_free_ char **notes = NULL,
                                 **words = render_with(CLIENT_BESU, (const char *[]) { "--p2p-port=30303", NULL }, &notes);

        if (count_prefix(words, "--p2p-port") != 1)
                print_words("ExecStart", words);
        ASSERT_EQ(count_prefix(words, "--p2p-port"), 1u);
        ASSERT_STREQ(words[strv_length(words) - 1], "--p2p-port=30303");
        ASSERT_TRUE(strv_contains(notes, "besu: --p2p-port from extraOptions replaces the agent's --p2p-port=30303"));
}

/* How the option is written: each client's own rules. */
typedef struct SyntaxCase {
        Client client;
        const char *extra[3];
        const char *shown;      /* the user's option, as the note names it */
        const char *gone;       /* the agent's word left out */
        const char *kept;       /* an agent's word that stays (a prefix of it) */
} SyntaxCase;

static const SyntaxCase syntax_cases[] = {
        /* Go's flag package: one dash is as good as two. */
        { CLIENT_GETH, { "-port=30310" }, "-port", "--port=30303", "--discovery.port=" },
        { CLIENT_PRYSM, { "-p2p-tcp-port", "13010" }, "-p2p-tcp-port", "--p2p-tcp-port=13000", "--p2p-quic-port=" },
        { CLIENT_MEV_BOOST, { "--addr=127.0.0.1:18551" }, "--addr", "-addr", "-relay-check" },
        /* One of geth's network switches replaces another. */
        { CLIENT_GETH, { "--sepolia" }, "--sepolia", "--mainnet", "--datadir=" },
        /* nimbus: case does not matter (nor '_'), ':' as well as '='. */
        { CLIENT_NIMBUS, { "--Tcp-PORT=9010" }, "--Tcp-PORT", "--tcp-port=9000", "--udp-port=" },
        { CLIENT_NIMBUS, { "--jwt-secret:/mnt/secrets/other.hex" }, "--jwt-secret", "--jwt-secret=%d/jwt.hex", "--el=" },
        /* nethermind: either spelling, in any case; the value word goes too. */
        { CLIENT_NETHERMIND, { "--network.p2pport", "30310" }, "--network.p2pport", "--Network.P2PPort", "--Network.DiscoveryPort" },
        { CLIENT_NETHERMIND, { "--NETWORK-P2PPORT=30310" }, "--NETWORK-P2PPORT", "--Network.P2PPort", "--Network.DiscoveryPort" },
        { CLIENT_NETHERMIND, { "-dd", "/mnt/nm" }, "-dd", "--datadir", "--config" },
        /* Init.DataDir is nethermind's own name of the same directory (hidden
         * from its docs), and its --datadir would win over it unsaid. */
        { CLIENT_NETHERMIND, { "--Init.DataDir", "/mnt/nm" }, "--Init.DataDir", "--datadir", "--config" },
        { CLIENT_NETHERMIND, { "--init-datadir=/mnt/nm" }, "--init-datadir", "--datadir", "--config" },
        { CLIENT_NETHERMIND, { "--JsonRpc.Enabled", "false" }, "--JsonRpc.Enabled", "--JsonRpc.Enabled", "--JsonRpc.Host" },
        /* clap: a short option with its value attached. */
        { CLIENT_LIGHTHOUSE, { "-d/mnt/lh" }, "-d", "--datadir=/mnt/lighthouse", "--http" },
        /* A switch turned off replaces the agent's switch. */
        { CLIENT_ERIGON, { "--externalcl=false" }, "--externalcl", "--externalcl", "--datadir=" },
        { CLIENT_LODESTAR, { "--no-metrics" }, "--no-metrics", "--metrics", "--metrics.port=" },
        /* What clap refuses beside the agent's option replaces it too. */
        { CLIENT_LIGHTHOUSE, { "--testnet-dir=/mnt/testnet" }, "--testnet-dir", "--network=mainnet", "--datadir=" },
        { CLIENT_LIGHTHOUSE, { "--checkpoint-state", "/mnt/state.ssz" }, "--checkpoint-state",
          "--checkpoint-sync-url=https://beaconstate.info", "--port=" },
        { CLIENT_LIGHTHOUSE, { "--execution-jwt-secret-key=00ff" }, "--execution-jwt-secret-key",
          "--execution-jwt=%d/jwt.hex", "--execution-endpoint=" },
        /* The JWT: the user's file. */
        { CLIENT_RETH, { "--authrpc.jwtsecret", "/mnt/secrets/reth.hex" }, "--authrpc.jwtsecret", "--authrpc.jwtsecret=%d/jwt.hex", "--authrpc.port=" },
};

TEST(syntax_of_each_client) {
        for (size_t i = 0; i < ELEMENTSOF(syntax_cases); i++) {
                const SyntaxCase *sc = &syntax_cases[i];
                _cleanup_strv_free_ char **notes = NULL, **words = render_with(sc->client, sc->extra, &notes);
                _cleanup_free_ char *note = NULL;
                size_t n_agent = strv_length(words) - strv_length((char **) sc->extra);
                bool gone = true;

                /* The agent's part of the line: before the extraOptions. */
                for (size_t k = 0; k < n_agent; k++)
                        gone = gone && !streq(words[k], sc->gone);
                if (!gone || !count_prefix(words, sc->kept)) {
                        print_words("extraOptions", (char **) sc->extra);
                        print_words("ExecStart", words);
                }
                ASSERT_TRUE(gone);
                ASSERT_TRUE(count_prefix(words, sc->kept) > 0);
                ASSERT_TRUE(asprintf(&note, "%s: %s from extraOptions replaces the agent's ",
                                     client_to_string(sc->client), sc->shown) >= 0);
                if (!has_note_prefix(notes, note)) {
                        print_words("notes", notes);
                        HARNESS_FAIL("no note starting \"%s\"", note);
                }
        }
}

/* What is not the same option keeps the agent's. */
typedef struct KeepCase {
        Client client;
        const char *extra[3];
        const char *kept;
} KeepCase;

static const KeepCase keep_cases[] = {
        { CLIENT_LIGHTHOUSE, { "--http-port", "5053" }, "--http" },
        { CLIENT_LIGHTHOUSE, { "--http-port", "5053" }, "--http-address=127.0.0.1" },
        /* nimbus ignores '_', never '-'. */
        { CLIENT_NIMBUS, { "--tcp_port=9010" }, "--tcp-port=9000" },
        { CLIENT_GETH, { "--http.port=8547" }, "--http" },
        { CLIENT_BESU, { "--p2p-port-x=1" }, "--p2p-port=30303" },
        /* Not nimbus's rule elsewhere: besu's names are exact. */
        { CLIENT_BESU, { "--P2P-Port=30310" }, "--p2p-port=30303" },
        /* Only Go's flag package takes one dash for a long name. */
        { CLIENT_BESU, { "-p2p-port=30310" }, "--p2p-port=30303" },
        /* A value word is not an option. */
        { CLIENT_GETH, { "--graffiti", "port" }, "--port=30303" },
        /* After "--", words are no options. */
        { CLIENT_RETH, { "--", "--port=30310" }, "--port=30303" },
        /* Only clap-like clients attach a short option's value. */
        { CLIENT_NETHERMIND, { "-ddx" }, "--datadir" },
};

TEST(other_options_keep_the_agents) {
        for (size_t i = 0; i < ELEMENTSOF(keep_cases); i++) {
                const KeepCase *kc = &keep_cases[i];
                _cleanup_strv_free_ char **notes = NULL, **words = render_with(kc->client, kc->extra, &notes);

                if (!strv_contains(words, kc->kept) || note_replaces(notes, kc->kept)) {
                        print_words("extraOptions", (char **) kc->extra);
                        print_words("ExecStart", words);
                        print_words("notes", notes);
                }
                ASSERT_TRUE(strv_contains(words, kc->kept));
                ASSERT_FALSE(note_replaces(notes, kc->kept));
        }
}
