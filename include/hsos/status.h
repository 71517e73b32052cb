/* SPDX-License-Identifier: MIT */
#pragma once

/* The node's status (hsos.status/1, docs/status.md): one JSON document,
 * built in the pure core from the config, the plan and the facts; how the
 * state is decided, and every reason that keeps the node from operational. */

#include <errno.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <cJSON.h>

#include "hsos/config.h"
#include "hsos/facts.h"
#include "hsos/plan.h"
#include "hsos/probe.h"

#define STATUS_SCHEMA "hsos.status/1"

typedef enum NodeState {
        NODE_STARTING,
        NODE_OPERATIONAL,
        NODE_DEGRADED,
        NODE_FAILED,
        NODE_CONFIG_ERROR,
        _NODE_STATE_MAX,
        _NODE_STATE_INVALID = -EINVAL,
} NodeState;

/* Crash-looping: this many restarts within 5 minutes. */
#define CRASH_LOOP_RESTARTS 3

/* How reporting to one controller goes. */
typedef struct ControllerStatus {
        bool enabled;
        uint64_t last_ok_usec;    /* CLOCK_REALTIME, 0 never */
        const char *last_error;   /* NULL: the last report went through */
} ControllerStatus;

/* The firewall as the daemon loaded it (the plan says what it should be). */
typedef struct FirewallStatus {
        bool applied;             /* the plan's ruleset is the one loaded */
        unsigned rules;           /* in the ruleset loaded last */
        const char *last_error;   /* why the last load failed, NULL when it did not */
} FirewallStatus;

typedef struct StatusInput {
        const Config *config;     /* NULL: node.json was invalid at boot */
        char **config_errors;     /* the boot's errors, or a refused reload's */
        bool reload_refused;      /* the running node kept its config */
        const Plan *plan;         /* NULL with config NULL */
        const Facts *facts;
        bool evaluated;           /* the first full evaluation after boot is done */
        char **created_secrets;   /* paths created in this boot */
        char **problems;          /* what the agent could not do (a time zone the image lacks) */
        const char *version;
        pid_t pid;
        uint64_t started_at_usec; /* CLOCK_REALTIME */
        uint64_t now_usec;        /* CLOCK_REALTIME, for generatedAt */
        const char *config_sha256;
        const HealthBoard *health;  /* the clients' answers, NULL before the first probe */
        ControllerStatus etcd, http;
        FirewallStatus firewall;
} StatusInput;

/* Decides the state and lists the reasons (plain words). */
int status_evaluate(const StatusInput *in, NodeState *ret_state, char ***ret_reasons);

/* The whole document, as JSON text. */
int status_build(const StatusInput *in, char **ret_json);

const char *node_state_to_string(NodeState s);
NodeState node_state_from_string(const char *s);
/* hsos-agent status's exit code: 0 operational, 1 starting or degraded,
 * 2 failed or config-error (3, unreachable, is the client's). */
int node_state_exit_code(NodeState s);

/* A readable summary of a status document, fitting 80 columns; with color,
 * ANSI colours for the states. Errors name what was wrong with the document. */
int status_to_text(const char *json, bool color, char **ret, char **ret_error);

/* What a report to the controller is about: the state, the reasons and the
 * units' states of a status document, as one string. A report is written
 * when it changes (and once a minute otherwise). */
int status_change_key(const char *json, char **ret);

/* A status document that came from outside (another node's, from the
 * controller): at most this large, nested at most this deep. */
#define STATUS_SIZE_MAX (1024u * 1024)
#define STATUS_DEPTH_MAX 32u

/* Parses data as a hsos.status/1 document: valid JSON (json_document_parse's
 * checks), an object, "schema" "hsos.status/1", "state" a string. On -EINVAL,
 * *ret_problem says what is wrong ("not a hsos.status/1 document: schema is
 * \"x\""); on -ENOMEM nothing is written. */
int status_document_parse(const char *data, size_t size, cJSON **ret, char **ret_problem);
