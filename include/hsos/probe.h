/* SPDX-License-Identifier: MIT */
#pragma once

/* The clients' own word on their health (docs/status.md, "Where the figures
 * come from" and "Not fooled by a client's word"). Pure: which questions to
 * ask (URLs and bodies), reading the answers' bytes, and judging them with
 * hysteresis. The edge (agent/net/http.c) carries the requests. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hsos/clients.h"

typedef struct Config Config;
typedef struct cJSON cJSON;

/* The largest answer read from a client: a block header with its
 * transaction hashes is tens of KiB; anything bigger is cut off. */
#define PROBE_BODY_MAX (1024 * 1024)
/* An execution client whose latest block is older than this is not synced. */
#define PROBE_STALE_HEAD_SEC 300
/* A consensus client this many slots behind or more is syncing. */
#define PROBE_SYNC_DISTANCE_MAX 60
/* A check flips after this many results in a row the same way. */
#define PROBE_HYSTERESIS 3

typedef enum ProbeQuery {
        /* execution: JSON-RPC POSTs */
        Q_ETH_SYNCING,
        Q_ETH_BLOCK_NUMBER,
        Q_ETH_LATEST_BLOCK,
        Q_NET_PEER_COUNT,
        Q_ETH_CHAIN_ID,
        Q_WEB3_CLIENT_VERSION,
        /* consensus: Beacon API GETs */
        Q_NODE_SYNCING,
        Q_NODE_HEALTH,
        Q_NODE_PEER_COUNT,
        Q_NODE_VERSION,
        Q_FINALITY,
        Q_GENESIS,
        _Q_MAX,
        _Q_INVALID = -1,
} ProbeQuery;

/* The question's name as operators know it: "eth_syncing", "/eth/v1/node/health". */
const char *probe_query_to_string(ProbeQuery q);

/* One HTTP request of a probe round. */
typedef struct ProbeRequest {
        size_t target;     /* index into the round's targets */
        ProbeQuery query;
        char *url;
        char *body;        /* JSON-RPC body (POST), NULL for a GET */
} ProbeRequest;

/* A client to ask. */
typedef struct ProbeTarget {
        Client client;
        Role role;
        char *url;         /* JSON-RPC URL, or the Beacon API's base */
} ProbeTarget;

typedef struct ProbeRound {
        ProbeTarget *targets;
        size_t n_targets;
        ProbeRequest *requests;
        size_t n_requests;
} ProbeRound;

/* The questions for every enabled execution and consensus client of c, in
 * the client table's order. */
int probe_round_new(const Config *c, ProbeRound **ret);
ProbeRound *probe_round_free(ProbeRound *r);
static inline void probe_round_freep(ProbeRound **r) {
        probe_round_free(*r);
}

/* What a client answered in one round. Unknown numbers are UINT64_MAX,
 * unknown booleans -1. */
typedef struct ProbeAnswer {
        bool answered;         /* at least one HTTP answer came back */
        char *error;           /* what went wrong with the first question that failed, or NULL */
        int error_query;
        unsigned latency_ms;   /* the slowest answer of the round */
        char *version;
        /* execution */
        int syncing;
        uint64_t current_block, highest_block, head_timestamp, peers, chain_id;
        /* consensus */
        int health;            /* HTTP status of /eth/v1/node/health, -1 unknown */
        uint64_t head_slot, sync_distance, finalized_epoch;
        int optimistic, el_offline;
        char *genesis_root;
} ProbeAnswer;

void probe_answer_init(ProbeAnswer *a);
void probe_answer_done(ProbeAnswer *a);

/* Reads one answer (HTTP status and body bytes) into a. 0 when read;
 * -EOPNOTSUPP when the client does not implement the question (JSON-RPC
 * -32601, HTTP 404): the figure stays unknown and it is no failure;
 * -EBADMSG (or -ENOMEM) otherwise, with a message naming what was wrong in
 * *ret_error (never the body itself beyond a short excerpt). */
int probe_parse(ProbeQuery q, long http_status, const char *body, size_t size, ProbeAnswer *a, char **ret_error);

/* A transport failure or a parse error for one question: kept as the
 * round's error when it is the first ("eth_syncing: connection refused"). */
int probe_answer_fail(ProbeAnswer *a, ProbeQuery q, const char *what);

/* The judged checks of a client, each with hysteresis. */
typedef enum HealthCheck {
        CHECK_UNREACHABLE,
        CHECK_SYNCING,
        CHECK_STALE_HEAD,
        CHECK_NO_PEERS,
        CHECK_OPTIMISTIC,
        CHECK_EL_OFFLINE,
        CHECK_NOT_READY,     /* consensus health 503 */
        CHECK_WRONG_NETWORK,
        _CHECK_MAX,
} HealthCheck;

typedef struct CheckState {
        bool known;          /* a first result came */
        bool bad;            /* the reported value */
        bool candidate;      /* the latest result */
        unsigned streak;     /* results in a row equal to candidate */
} CheckState;

/* A client's health as the status reports it: the newest answer's figures,
 * the checks as hysteresis has settled them. */
typedef struct ClientHealth {
        Client client;
        Role role;
        char *url;
        bool probed;         /* at least one round is done */
        ProbeAnswer last;
        uint64_t head_age_sec; /* UINT64_MAX unknown */
        CheckState checks[_CHECK_MAX];
        uint64_t since_usec; /* CLOCK_REALTIME of the last change of a check */
} ClientHealth;

typedef struct HealthBoard {
        ClientHealth *clients;
        size_t n_clients;
} HealthBoard;

/* A board for the round's targets; the checks of a client already on old
 * (same client, same URL) carry over, so a reload does not reset them. */
int health_board_new(const ProbeRound *round, const HealthBoard *old, HealthBoard **ret);
HealthBoard *health_board_free(HealthBoard *b);
static inline void health_board_freep(HealthBoard **b) {
        health_board_free(*b);
}

/* Takes a round's answer for client i (a is emptied) and judges it against
 * the network; now is CLOCK_REALTIME. With hysteresis off (a one-shot probe)
 * every check takes the answer as it is. */
void health_observe(HealthBoard *b, size_t i, ProbeAnswer *a, Network network, uint64_t now_usec, bool hysteresis);

bool health_check_bad(const ClientHealth *h, HealthCheck c);

/* Forgets what client i said: its unit stopped, so its next answers start
 * afresh (a client coming up is not held back by hysteresis). */
void health_forget(HealthBoard *b, size_t i);

/* The reasons (plain words) a client gives for the node not to be
 * operational; appended to *reasons. */
int health_reasons(const ClientHealth *h, Network network, char ***reasons);

/* The status document's "execution" or "consensus" list entry. */
cJSON *health_to_json(const ClientHealth *h);

/* hsos-agent probe's text: what each client answered and what is wrong. */
int health_board_to_text(const HealthBoard *b, Network network, char **ret);

/* A network's genesis validators root (0x-prefixed hex), or NULL. */
const char *network_genesis_root(Network n);
