/* SPDX-License-Identifier: MIT */
/* The clients' health: the questions, the reading of the answers, and the
 * judgment with hysteresis (docs/status.md). Pure: bytes in, plain structs
 * and text out. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "hsos/config.h"
#include "hsos/json-doc.h"
#include "hsos/probe.h"
#include "hsos/util.h"

static const char * const query_table[_Q_MAX] = {
        [Q_ETH_SYNCING] = "eth_syncing",
        [Q_ETH_BLOCK_NUMBER] = "eth_blockNumber",
        [Q_ETH_LATEST_BLOCK] = "eth_getBlockByNumber",
        [Q_NET_PEER_COUNT] = "net_peerCount",
        [Q_ETH_CHAIN_ID] = "eth_chainId",
        [Q_WEB3_CLIENT_VERSION] = "web3_clientVersion",
        [Q_NODE_SYNCING] = "/eth/v1/node/syncing",
        [Q_NODE_HEALTH] = "/eth/v1/node/health",
        [Q_NODE_PEER_COUNT] = "/eth/v1/node/peer_count",
        [Q_NODE_VERSION] = "/eth/v1/node/version",
        [Q_FINALITY] = "/eth/v1/beacon/states/head/finality_checkpoints",
        [Q_GENESIS] = "/eth/v1/beacon/genesis",
};

const char *probe_query_to_string(ProbeQuery q) {
        return q >= 0 && q < _Q_MAX ? query_table[q] : NULL;
}

static bool query_is_jsonrpc(ProbeQuery q) {
        return q >= Q_ETH_SYNCING && q <= Q_WEB3_CLIENT_VERSION;
}

const char *network_genesis_root(Network n) {
        switch (n) {
        case NETWORK_MAINNET:
                return "0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95";
        case NETWORK_HOODI:
                return "0x212f13fc4df078b6cb7db228f1c8307566dcecf900867401a92023d7ba99cb5f";
        case NETWORK_HOLESKY:
                return "0x9143aa7c615a7f7115e2b6aac319c03529df8242ae705fba9df39b79c59fa8b1";
        case NETWORK_SEPOLIA:
                return "0xd8ea171f3c94aea21ebc42a1ed61052acf3f9209c00e4efbaaddac09ed9b8078";
        case _NETWORK_MAX:
        case _NETWORK_INVALID:
                break;
        }
        return NULL;
}

/* ---- the questions ---- */

ProbeRound *probe_round_free(ProbeRound *r) {
        if (!r)
                return NULL;
        for (size_t i = 0; i < r->n_targets; i++)
                free(r->targets[i].url);
        for (size_t i = 0; i < r->n_requests; i++) {
                free(r->requests[i].url);
                free(r->requests[i].body);
        }
        free(r->targets);
        free(r->requests);
        free(r);
        return NULL;
}

/* http://host:port with brackets around an IPv6 literal. */
static int base_url(const char *host, unsigned port, bool https, const char *path, char **ret) {
        bool v6 = strchr(host, ':') != NULL;

        return asprintf(ret, "%s://%s%s%s:%u%s", https ? "https" : "http", v6 ? "[" : "", host, v6 ? "]" : "", port,
                        path) < 0 ? -ENOMEM : 0;
}

static int add_request(ProbeRound *r, size_t target, ProbeQuery q) {
        const ProbeTarget *t = &r->targets[target];
        ProbeRequest *reqs, *req;

        reqs = array_grow(r->requests, &r->n_requests, sizeof(ProbeRequest));
        if (!reqs)
                return -ENOMEM;
        r->requests = reqs;
        req = &reqs[r->n_requests - 1];
        req->target = target;
        req->query = q;
        if (query_is_jsonrpc(q)) {
                const char *params = q == Q_ETH_LATEST_BLOCK ? "[\"latest\",false]" : "[]";
                if (asprintf(&req->body, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\",\"params\":%s}", (int) q + 1,
                             query_table[q], params) < 0) {
                        req->body = NULL;
                        return -ENOMEM;
                }
                req->url = strdup(t->url);
        } else if (asprintf(&req->url, "%s%s", t->url, query_table[q]) < 0)
                req->url = NULL;
        return req->url ? 0 : -ENOMEM;
}

int probe_round_new(const Config *c, ProbeRound **ret) {
        _cleanup_(probe_round_freep) ProbeRound *r = calloc(1, sizeof(ProbeRound));
        int k;

        if (!r)
                return -ENOMEM;
        for (Client cl = 0; cl < _CLIENT_MAX; cl++) {
                const ClientConfig *cc = &c->clients[cl];
                Role role = client_info(cl)->role;
                ProbeTarget *ts, *t;
                size_t idx;

                if ((role != ROLE_EXECUTION && role != ROLE_CONSENSUS) || !config_client_enabled(c, cl))
                        continue;
                ts = array_grow(r->targets, &r->n_targets, sizeof(ProbeTarget));
                if (!ts)
                        return -ENOMEM;
                r->targets = ts;
                idx = r->n_targets - 1;
                t = &ts[idx];
                t->client = cl;
                t->role = role;
                /* JSON-RPC listens on the engine endpoint's host, on its own
                 * port, in plain HTTP; the Beacon API at the endpoint. */
                k = base_url(endpoint_connect_host(&cc->endpoint),
                             role == ROLE_EXECUTION ? cc->json_rpc_port : cc->endpoint.port,
                             role == ROLE_CONSENSUS && cc->endpoint.https, role == ROLE_EXECUTION ? "/" : "", &t->url);
                if (k < 0)
                        return k;
                if (role == ROLE_EXECUTION) {
                        for (ProbeQuery q = Q_ETH_SYNCING; q <= Q_WEB3_CLIENT_VERSION; q++)
                                if ((k = add_request(r, idx, q)) < 0)
                                        return k;
                } else
                        for (ProbeQuery q = Q_NODE_SYNCING; q <= Q_GENESIS; q++)
                                if ((k = add_request(r, idx, q)) < 0)
                                        return k;
        }
        *ret = TAKE_PTR(r);
        return 0;
}

/* ---- reading the answers ---- */

void probe_answer_init(ProbeAnswer *a) {
        *a = (ProbeAnswer) {
                .syncing = -1,
                .current_block = UINT64_MAX,
                .highest_block = UINT64_MAX,
                .head_timestamp = UINT64_MAX,
                .peers = UINT64_MAX,
                .chain_id = UINT64_MAX,
                .health = -1,
                .head_slot = UINT64_MAX,
                .sync_distance = UINT64_MAX,
                .finalized_epoch = UINT64_MAX,
                .optimistic = -1,
                .el_offline = -1,
        };
}

void probe_answer_done(ProbeAnswer *a) {
        free(a->error);
        free(a->version);
        free(a->genesis_root);
        probe_answer_init(a);
}

int probe_answer_fail(ProbeAnswer *a, ProbeQuery q, const char *what) {
        _cleanup_free_ char *shown = NULL;
        char *e;

        /* The same question first whatever order the answers come in. */
        if (a->error && a->error_query <= (int) q)
                return 0;
        /* What an HTTP library says may quote the answer. */
        shown = strdup_printable(what, 400);
        if (!shown || asprintf(&e, "%s: %s", strempty(probe_query_to_string(q)), shown) < 0)
                return -ENOMEM;
        free(a->error);
        a->error = e;
        a->error_query = (int) q;
        return 0;
}

static int fail(char **ret_error, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(char **ret_error, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(ret_error, fmt, ap);
        va_end(ap);
        if (r < 0) {
                *ret_error = NULL;
                return -ENOMEM;
        }
        return -EBADMSG;
}

/* A JSON-RPC quantity: "0x" and 1 to 16 hex digits. */
static bool parse_quantity(const cJSON *v, uint64_t *ret) {
        const char *s = cJSON_GetStringValue(v);
        uint64_t x = 0;
        size_t n = 0;

        if (!s || (s[0] != '0') || (s[1] != 'x' && s[1] != 'X'))
                return false;
        for (s += 2; *s; s++, n++) {
                int d;
                if (*s >= '0' && *s <= '9')
                        d = *s - '0';
                else if (*s >= 'a' && *s <= 'f')
                        d = *s - 'a' + 10;
                else if (*s >= 'A' && *s <= 'F')
                        d = *s - 'A' + 10;
                else
                        return false;
                if (n >= 16)
                        return false;
                x = x << 4 | (uint64_t) d;
        }
        if (n == 0)
                return false;
        *ret = x;
        return true;
}

/* A Beacon API number: a decimal string (as the spec says and Lodestar
 * sends), or a plain JSON integer as some clients send. */
static bool parse_uint(const cJSON *v, uint64_t *ret) {
        const char *s = cJSON_GetStringValue(v);
        uint64_t x = 0;

        if (cJSON_IsNumber(v)) {
                double d = v->valuedouble;
                if (d < 0 || d > 9007199254740992.0 || d != (double) (uint64_t) d)
                        return false;
                *ret = (uint64_t) d;
                return true;
        }
        if (!s || !*s || strlen(s) > 20)
                return false;
        for (; *s; s++) {
                if (*s < '0' || *s > '9' || x > (UINT64_MAX - (uint64_t) (*s - '0')) / 10)
                        return false;
                x = x * 10 + (uint64_t) (*s - '0');
        }
        *ret = x;
        return true;
}

static int parse_bool(const cJSON *v, int *ret) {
        if (!cJSON_IsBool(v))
                return false;
        *ret = cJSON_IsTrue(v);
        return true;
}

/* A client's own text (its version, an error's message): kept printable and
 * short where it is stored. */
#define CLIENT_TEXT_MAX 128

static const char *http_reason(long status) {
        switch (status) {
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 500: return "Internal Server Error";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        default: return NULL;
        }
}

static int parse_jsonrpc(ProbeQuery q, const cJSON *doc, ProbeAnswer *a, char **ret_error) {
        const cJSON *err, *res, *id;
        uint64_t x;

        if (!cJSON_IsObject(doc))
                return fail(ret_error, "the answer is not a JSON-RPC object");
        id = cJSON_GetObjectItemCaseSensitive(doc, "id");
        err = cJSON_GetObjectItemCaseSensitive(doc, "error");
        if (err && !cJSON_IsNull(err)) {
                const cJSON *code = cJSON_GetObjectItemCaseSensitive(err, "code");
                const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(err, "message"));
                _cleanup_free_ char *m = msg ? strdup_printable(msg, CLIENT_TEXT_MAX) : NULL;

                if (cJSON_IsNumber(code) && code->valuedouble == -32601)
                        return -EOPNOTSUPP;
                return fail(ret_error, "error %g: %s", cJSON_IsNumber(code) ? code->valuedouble : 0.0,
                            m ? m : "(no message)");
        }
        if (!cJSON_IsNumber(id) || id->valuedouble != (double) q + 1)
                return fail(ret_error, "the answer's id is not the question's");
        res = cJSON_GetObjectItemCaseSensitive(doc, "result");
        if (!res)
                return fail(ret_error, "the answer has neither result nor error");

        switch ((int) q) {
        case Q_ETH_SYNCING:
                if (cJSON_IsFalse(res)) {
                        a->syncing = 0;
                        return 0;
                }
                if (!cJSON_IsObject(res))
                        return fail(ret_error, "result is neither false nor a sync progress object");
                a->syncing = 1;
                if (!parse_quantity(cJSON_GetObjectItemCaseSensitive(res, "currentBlock"), &a->current_block) ||
                    !parse_quantity(cJSON_GetObjectItemCaseSensitive(res, "highestBlock"), &a->highest_block))
                        return fail(ret_error, "currentBlock or highestBlock is not a hex quantity");
                return 0;
        case Q_ETH_BLOCK_NUMBER:
                if (!parse_quantity(res, &x))
                        return fail(ret_error, "result is not a hex quantity");
                /* While syncing, eth_syncing's currentBlock says more. */
                if (a->syncing != 1)
                        a->current_block = x;
                return 0;
        case Q_ETH_LATEST_BLOCK:
                if (cJSON_IsNull(res))
                        return 0; /* no block yet */
                if (!cJSON_IsObject(res) ||
                    !parse_quantity(cJSON_GetObjectItemCaseSensitive(res, "timestamp"), &a->head_timestamp))
                        return fail(ret_error, "the latest block has no hex timestamp");
                return 0;
        case Q_NET_PEER_COUNT:
                if (!parse_quantity(res, &a->peers))
                        return fail(ret_error, "result is not a hex quantity");
                return 0;
        case Q_ETH_CHAIN_ID:
                if (!parse_quantity(res, &a->chain_id))
                        return fail(ret_error, "result is not a hex quantity");
                return 0;
        case Q_WEB3_CLIENT_VERSION:
                if (!cJSON_IsString(res))
                        return fail(ret_error, "result is not a string");
                free(a->version);
                a->version = strdup_printable(res->valuestring, CLIENT_TEXT_MAX);
                return a->version ? 0 : -ENOMEM;
        default:
                return -EINVAL;
        }
}

static int parse_beacon(ProbeQuery q, const cJSON *doc, ProbeAnswer *a, char **ret_error) {
        const cJSON *data = cJSON_GetObjectItemCaseSensitive(doc, "data"), *v;

        if (!cJSON_IsObject(data))
                return fail(ret_error, "the answer has no data object");
        switch ((int) q) {
        case Q_NODE_SYNCING:
                if (!parse_uint(cJSON_GetObjectItemCaseSensitive(data, "head_slot"), &a->head_slot) ||
                    !parse_uint(cJSON_GetObjectItemCaseSensitive(data, "sync_distance"), &a->sync_distance) ||
                    !parse_bool(cJSON_GetObjectItemCaseSensitive(data, "is_syncing"), &a->syncing))
                        return fail(ret_error, "head_slot, sync_distance or is_syncing is missing or malformed");
                /* Optional: older clients (Lodestar 1.5) send no el_offline. */
                v = cJSON_GetObjectItemCaseSensitive(data, "is_optimistic");
                if (v && !parse_bool(v, &a->optimistic))
                        return fail(ret_error, "is_optimistic is not a boolean");
                v = cJSON_GetObjectItemCaseSensitive(data, "el_offline");
                if (v && !parse_bool(v, &a->el_offline))
                        return fail(ret_error, "el_offline is not a boolean");
                return 0;
        case Q_NODE_PEER_COUNT:
                if (!parse_uint(cJSON_GetObjectItemCaseSensitive(data, "connected"), &a->peers))
                        return fail(ret_error, "data.connected is missing or malformed");
                return 0;
        case Q_NODE_VERSION:
                v = cJSON_GetObjectItemCaseSensitive(data, "version");
                if (!cJSON_IsString(v))
                        return fail(ret_error, "data.version is not a string");
                free(a->version);
                a->version = strdup_printable(v->valuestring, CLIENT_TEXT_MAX);
                return a->version ? 0 : -ENOMEM;
        case Q_FINALITY:
                v = cJSON_GetObjectItemCaseSensitive(data, "finalized");
                if (!parse_uint(cJSON_GetObjectItemCaseSensitive(v, "epoch"), &a->finalized_epoch))
                        return fail(ret_error, "data.finalized.epoch is missing or malformed");
                return 0;
        case Q_GENESIS: {
                const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(data, "genesis_validators_root"));
                if (!s || strlen(s) != 66 || strncmp(s, "0x", 2) != 0 || strspn(s + 2, "0123456789abcdefABCDEF") != 64)
                        return fail(ret_error, "data.genesis_validators_root is not a 32-byte hex root");
                free(a->genesis_root);
                a->genesis_root = strdup(s);
                for (char *p = a->genesis_root; p && *p; p++)
                        if (*p >= 'A' && *p <= 'F')
                                *p = (char) (*p - 'A' + 'a');
                return a->genesis_root ? 0 : -ENOMEM;
        }
        default:
                return -EINVAL;
        }
}

int probe_parse(ProbeQuery q, long http_status, const char *body, size_t size, ProbeAnswer *a, char **ret_error) {
        _cleanup_(cJSON_Deletep) cJSON *doc = NULL;
        _cleanup_free_ char *perr = NULL;
        int r;

        *ret_error = NULL;
        if (q < 0 || q >= _Q_MAX)
                return -EINVAL;
        a->answered = true;

        if (q == Q_NODE_HEALTH) {
                /* The status is the answer: 200 ready, 206 syncing, 503 not ready. */
                if (http_status == 200 || http_status == 206 || http_status == 503) {
                        a->health = (int) http_status;
                        return 0;
                }
                if (http_status == 404)
                        return -EOPNOTSUPP;
                return fail(ret_error, "HTTP %ld", http_status);
        }
        /* A Beacon API route the client lacks; a JSON-RPC node answers 200 even
         * for its errors, but a proxy in front of it may not. */
        if (http_status == 404 && !query_is_jsonrpc(q))
                return -EOPNOTSUPP;
        if (http_status < 200 || http_status > 299) {
                const char *reason = http_reason(http_status);
                return fail(ret_error, "HTTP %ld%s%s", http_status, reason ? " " : "", strempty(reason));
        }
        if (size == 0)
                return fail(ret_error, "empty answer");
        r = json_document_parse(body, size, PROBE_BODY_MAX, 32, &doc, &perr);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return fail(ret_error, "invalid JSON: %s", strempty(perr));
        return query_is_jsonrpc(q) ? parse_jsonrpc(q, doc, a, ret_error) : parse_beacon(q, doc, a, ret_error);
}

/* ---- the judgment ---- */

HealthBoard *health_board_free(HealthBoard *b) {
        if (!b)
                return NULL;
        for (size_t i = 0; i < b->n_clients; i++) {
                free(b->clients[i].url);
                probe_answer_done(&b->clients[i].last);
        }
        free(b->clients);
        free(b);
        return NULL;
}

int health_board_new(const ProbeRound *round, const HealthBoard *old, HealthBoard **ret) {
        _cleanup_(health_board_freep) HealthBoard *b = calloc(1, sizeof(HealthBoard));

        if (!b)
                return -ENOMEM;
        if (round->n_targets > 0 && !(b->clients = calloc(round->n_targets, sizeof(ClientHealth))))
                return -ENOMEM;
        for (size_t i = 0; i < round->n_targets; i++) {
                const ProbeTarget *t = &round->targets[i];
                ClientHealth *h = &b->clients[i];

                b->n_clients++;
                h->client = t->client;
                h->role = t->role;
                probe_answer_init(&h->last);
                h->head_age_sec = UINT64_MAX;
                h->url = strdup(t->url);
                if (!h->url)
                        return -ENOMEM;
                for (size_t k = 0; old && k < old->n_clients; k++) {
                        const ClientHealth *o = &old->clients[k];
                        if (o->client == h->client && streq(o->url, h->url)) {
                                memcpy(h->checks, o->checks, sizeof h->checks);
                                h->since_usec = o->since_usec;
                        }
                }
        }
        *ret = TAKE_PTR(b);
        return 0;
}

/* One result for a check: it flips after PROBE_HYSTERESIS in a row. A
 * result that cannot be known (no answer) leaves the check as it was.
 * True when the reported value changed. */
static bool check_feed(CheckState *c, bool bad, bool hysteresis) {
        if (!c->known || !hysteresis) {
                bool changed = c->known && c->bad != bad;
                *c = (CheckState) { .known = true, .bad = bad, .candidate = bad, .streak = 1 };
                return changed || !hysteresis;
        }
        if (bad == c->candidate)
                c->streak++;
        else {
                c->candidate = bad;
                c->streak = 1;
        }
        if (c->bad != c->candidate && c->streak >= PROBE_HYSTERESIS) {
                c->bad = c->candidate;
                return true;
        }
        return false;
}

void health_observe(HealthBoard *b, size_t i, ProbeAnswer *a, Network network, uint64_t now_usec, bool hysteresis) {
        ClientHealth *h;
        bool changed = false, first;
        uint64_t now = now_usec / 1000000;

        if (i >= b->n_clients)
                return;
        h = &b->clients[i];
        first = !h->probed;
        probe_answer_done(&h->last);
        h->last = *a;
        probe_answer_init(a);
        h->probed = true;
        a = &h->last;

        h->head_age_sec = a->head_timestamp != UINT64_MAX
                ? (a->head_timestamp < now ? now - a->head_timestamp : 0) : UINT64_MAX;

        changed |= check_feed(&h->checks[CHECK_UNREACHABLE], !a->answered, hysteresis);
        if (!a->answered)
                goto done; /* nothing else can be known this round */

        if (h->role == ROLE_EXECUTION) {
                if (a->syncing >= 0)
                        changed |= check_feed(&h->checks[CHECK_SYNCING], a->syncing == 1, hysteresis);
                if (a->syncing == 0 && h->head_age_sec != UINT64_MAX)
                        changed |= check_feed(&h->checks[CHECK_STALE_HEAD], h->head_age_sec > PROBE_STALE_HEAD_SEC,
                                              hysteresis);
                else if (a->syncing == 1)
                        changed |= check_feed(&h->checks[CHECK_STALE_HEAD], false, hysteresis);
                if (a->chain_id != UINT64_MAX)
                        changed |= check_feed(&h->checks[CHECK_WRONG_NETWORK], a->chain_id != network_chain_id(network),
                                              hysteresis);
        } else {
                if (a->syncing >= 0 && a->sync_distance != UINT64_MAX)
                        changed |= check_feed(&h->checks[CHECK_SYNCING],
                                              a->syncing == 1 || a->sync_distance >= PROBE_SYNC_DISTANCE_MAX,
                                              hysteresis);
                if (a->optimistic >= 0)
                        changed |= check_feed(&h->checks[CHECK_OPTIMISTIC], a->optimistic == 1, hysteresis);
                if (a->el_offline >= 0)
                        changed |= check_feed(&h->checks[CHECK_EL_OFFLINE], a->el_offline == 1, hysteresis);
                if (a->health >= 0)
                        changed |= check_feed(&h->checks[CHECK_NOT_READY], a->health == 503, hysteresis);
                if (a->genesis_root && network_genesis_root(network))
                        changed |= check_feed(&h->checks[CHECK_WRONG_NETWORK],
                                              !streq(a->genesis_root, network_genesis_root(network)), hysteresis);
        }
        if (a->peers != UINT64_MAX)
                changed |= check_feed(&h->checks[CHECK_NO_PEERS], a->peers == 0, hysteresis);
done:
        if (changed || first)
                h->since_usec = now_usec;
}

void health_forget(HealthBoard *b, size_t i) {
        ClientHealth *h;

        if (i >= b->n_clients)
                return;
        h = &b->clients[i];
        probe_answer_done(&h->last);
        memset(h->checks, 0, sizeof h->checks);
        h->probed = false;
        h->head_age_sec = UINT64_MAX;
        h->since_usec = 0;
}

bool health_check_bad(const ClientHealth *h, HealthCheck c) {
        return c >= 0 && c < _CHECK_MAX && h->checks[c].known && h->checks[c].bad;
}

static const char *network_chain_name(uint64_t id) {
        for (Network n = 0; n < _NETWORK_MAX; n++)
                if (network_chain_id(n) == id)
                        return network_to_string(n);
        return NULL;
}

static const char *network_genesis_name(const char *root) {
        for (Network n = 0; n < _NETWORK_MAX; n++)
                if (streq_ptr(network_genesis_root(n), root))
                        return network_to_string(n);
        return NULL;
}

int health_reasons(const ClientHealth *h, Network network, char ***reasons) {
        const char *name = client_to_string(h->client);
        const ProbeAnswer *a = &h->last;
        int r = 0;

        if (!h->probed)
                return 0;
        if (health_check_bad(h, CHECK_UNREACHABLE))
                /* Nothing else is known of it. */
                return strv_extendf(reasons, "%s does not answer at %s: %s", name, h->url,
                                    a->error ? a->error : "no answer");
        if (health_check_bad(h, CHECK_WRONG_NETWORK)) {
                if (h->role == ROLE_EXECUTION && a->chain_id != UINT64_MAX) {
                        const char *other = network_chain_name(a->chain_id);
                        r = strv_extendf(reasons, "%s is on the wrong network: chain id %" PRIu64 "%s%s%s, %s is %" PRIu64,
                                         name, a->chain_id, other ? " (" : "", strempty(other), other ? ")" : "",
                                         network_to_string(network), network_chain_id(network));
                } else {
                        const char *other = network_genesis_name(a->genesis_root);
                        r = strv_extendf(reasons, "%s is on the wrong network: genesis validators root %s%s%s%s, not %s's",
                                         name, a->genesis_root ? a->genesis_root : "unknown", other ? " (" : "",
                                         strempty(other), other ? ")" : "", network_to_string(network));
                }
                if (r < 0)
                        return r;
        }
        if (health_check_bad(h, CHECK_SYNCING)) {
                if (h->role == ROLE_EXECUTION && a->current_block != UINT64_MAX && a->highest_block != UINT64_MAX)
                        r = strv_extendf(reasons, "%s is syncing: block %" PRIu64 " of %" PRIu64, name,
                                         a->current_block, a->highest_block);
                else if (h->role == ROLE_CONSENSUS && a->sync_distance != UINT64_MAX)
                        r = strv_extendf(reasons, "%s is syncing: head slot %" PRIu64 ", %" PRIu64 " slots behind", name,
                                         a->head_slot, a->sync_distance);
                else
                        r = strv_extendf(reasons, "%s is syncing", name);
                if (r < 0)
                        return r;
        }
        if (health_check_bad(h, CHECK_STALE_HEAD) &&
            (r = strv_extendf(reasons, "%s says it is synced but its latest block is %" PRIu64 " s old: it has no "
                              "peers or no consensus client", name, h->head_age_sec)) < 0)
                return r;
        if (health_check_bad(h, CHECK_OPTIMISTIC) &&
            (r = strv_extendf(reasons, "%s is optimistic: its execution client has not verified the head", name)) < 0)
                return r;
        if (health_check_bad(h, CHECK_EL_OFFLINE) &&
            (r = strv_extendf(reasons, "%s says its execution client is offline (el_offline)", name)) < 0)
                return r;
        if (health_check_bad(h, CHECK_NOT_READY) &&
            (r = strv_extendf(reasons, "%s is not ready (/eth/v1/node/health answers 503)", name)) < 0)
                return r;
        if (health_check_bad(h, CHECK_NO_PEERS) && (r = strv_extendf(reasons, "%s has no peers", name)) < 0)
                return r;
        return 0;
}

/* ---- showing it ---- */

/* A judged check: what hysteresis settled, null while nothing is known. */
static cJSON *check_json(const ClientHealth *h, HealthCheck c) {
        return h->checks[c].known ? cJSON_CreateBool(h->checks[c].bad) : cJSON_CreateNull();
}

cJSON *health_to_json(const ClientHealth *h) {
        _cleanup_(cJSON_Deletep) cJSON *o = cJSON_CreateObject();
        const ProbeAnswer *a = &h->last;
        bool ok = o != NULL;
        char since[32];

#define ADD(key, v) do { cJSON *_v = (v); if (ok) ok = json_add(o, key, _v); else cJSON_Delete(_v); } while (0)
        ADD("client", cJSON_CreateString(client_to_string(h->client)));
        ADD("url", cJSON_CreateString(h->url));
        ADD("reachable", h->checks[CHECK_UNREACHABLE].known ? cJSON_CreateBool(!h->checks[CHECK_UNREACHABLE].bad)
                                                            : cJSON_CreateNull());
        if (h->role == ROLE_EXECUTION) {
                ADD("syncing", check_json(h, CHECK_SYNCING));
                ADD("currentBlock", json_u64_or_null(a->current_block));
                ADD("highestBlock", json_u64_or_null(a->highest_block));
                ADD("headAgeSec", json_u64_or_null(h->head_age_sec));
                ADD("staleHead", check_json(h, CHECK_STALE_HEAD));
                ADD("peers", json_u64_or_null(a->peers));
                ADD("chainId", json_u64_or_null(a->chain_id));
        } else {
                ADD("health", a->health < 0 ? cJSON_CreateNull() : cJSON_CreateNumber(a->health));
                ADD("syncing", check_json(h, CHECK_SYNCING));
                ADD("headSlot", json_u64_or_null(a->head_slot));
                ADD("syncDistance", json_u64_or_null(a->sync_distance));
                ADD("optimistic", h->checks[CHECK_OPTIMISTIC].known ? check_json(h, CHECK_OPTIMISTIC)
                                                                     : json_tristate(a->optimistic));
                ADD("elOffline", h->checks[CHECK_EL_OFFLINE].known ? check_json(h, CHECK_EL_OFFLINE)
                                                                    : json_tristate(a->el_offline));
                ADD("finalizedEpoch", json_u64_or_null(a->finalized_epoch));
                ADD("peers", json_u64_or_null(a->peers));
                ADD("genesisValidatorsRoot", json_string_or_null(a->genesis_root));
        }
        ADD("wrongNetwork", check_json(h, CHECK_WRONG_NETWORK));
        ADD("version", json_string_or_null(a->version));
        ADD("error", json_string_or_null(a->error));
        ADD("latencyMs", h->probed && a->answered ? cJSON_CreateNumber(a->latency_ms) : cJSON_CreateNull());
        ADD("since", format_rfc3339(h->since_usec, since) ? cJSON_CreateString(since) : cJSON_CreateNull());
#undef ADD
        return ok ? TAKE_PTR(o) : NULL;
}

static void sb_u64(StrBuf *b, const char *label, uint64_t v) {
        if (v == UINT64_MAX)
                sb_appendf(b, "  %-15s unknown (not served)\n", label);
        else
                sb_appendf(b, "  %-15s %" PRIu64 "\n", label, v);
}

static void sb_tri(StrBuf *b, const char *label, int v) {
        sb_appendf(b, "  %-15s %s\n", label, v < 0 ? "unknown (not served)" : v ? "yes" : "no");
}

int health_board_to_text(const HealthBoard *b, Network network, char **ret) {
        StrBuf sb = {};

        if (b->n_clients == 0)
                sb_append(&sb, "No execution or consensus client is enabled: nothing to probe.\n");
        for (size_t i = 0; i < b->n_clients; i++) {
                const ClientHealth *h = &b->clients[i];
                const ProbeAnswer *a = &h->last;
                _cleanup_strv_free_ char **why = NULL;

                if (i > 0)
                        sb_append(&sb, "\n");
                sb_appendf(&sb, "%s (%s) %s\n", client_to_string(h->client), role_to_string(h->role), h->url);
                if (!a->answered) {
                        sb_appendf(&sb, "  no answer: %s\n", a->error ? a->error : "unknown error");
                        continue;
                }
                sb_appendf(&sb, "  %-15s %s\n", "version", a->version ? a->version : "unknown (not served)");
                if (h->role == ROLE_EXECUTION) {
                        sb_tri(&sb, "syncing", a->syncing);
                        sb_u64(&sb, "current block", a->current_block);
                        sb_u64(&sb, "highest block", a->highest_block);
                        if (h->head_age_sec == UINT64_MAX)
                                sb_appendf(&sb, "  %-15s unknown (not served)\n", "head age");
                        else
                                sb_appendf(&sb, "  %-15s %" PRIu64 " s\n", "head age", h->head_age_sec);
                        sb_u64(&sb, "peers", a->peers);
                        sb_u64(&sb, "chain id", a->chain_id);
                } else {
                        if (a->health < 0)
                                sb_appendf(&sb, "  %-15s unknown (not served)\n", "health");
                        else
                                sb_appendf(&sb, "  %-15s %d\n", "health", a->health);
                        sb_tri(&sb, "syncing", a->syncing);
                        sb_u64(&sb, "head slot", a->head_slot);
                        sb_u64(&sb, "sync distance", a->sync_distance);
                        sb_tri(&sb, "optimistic", a->optimistic);
                        sb_tri(&sb, "el_offline", a->el_offline);
                        sb_u64(&sb, "finalized epoch", a->finalized_epoch);
                        sb_u64(&sb, "peers", a->peers);
                        sb_appendf(&sb, "  %-15s %s\n", "genesis root", a->genesis_root ? a->genesis_root
                                                                                         : "unknown (not served)");
                }
                sb_appendf(&sb, "  %-15s %u ms\n", "latency", a->latency_ms);
                if (a->error)
                        sb_appendf(&sb, "  %-15s %s\n", "error", a->error);
                if (health_reasons(h, network, &why) < 0) {
                        sb_done(&sb);
                        return -ENOMEM;
                }
                STRV_FOREACH(w, why)
                        sb_appendf(&sb, "  ! %s\n", *w);
                if (!why)
                        sb_append(&sb, "  ok\n");
        }
        return sb_steal(&sb, ret);
}
