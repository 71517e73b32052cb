/* SPDX-License-Identifier: MIT */
#pragma once

/* The messages between the root daemon and its unprivileged network helper
 * (hsos-agent-net), one JSON object per SOCK_SEQPACKET message. The helper
 * speaks HTTP to the clients and the controller (libcurl, TLS, answers from
 * outside); the root process never does: it hears only these messages, and
 * reads every one from the helper as hostile (a helper taken over by a
 * client's answer may send anything): a size cap, strict JSON, every field's
 * type and range checked, every string cut and made printable.
 *
 * root -> helper:
 *   {"type":"config","node":"<node.json>","machineId":"...",
 *    "files":{"<path>":{"content":"..."}|{"error":"..."}}}  files the
 *        controller needs (password, token, CA) read by root
 *   {"type":"probe","round":N,"ask":[true,false,...]}     one probe round
 *   {"type":"status","json":"<status document>"}           for the controller
 *   {"type":"poke"}                                        report soon
 * helper -> root:
 *   {"type":"answers","round":N,"answers":[{...}|null,...]} one per target
 *   {"type":"controller","etcd":{...}|null,"http":{...}|null}
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hsos/probe.h"
#include "hsos/status.h"

/* The largest message either way (a status document is a few KiB; a config
 * with its CA file some tens). */
#define NETMSG_SIZE_MAX (1024 * 1024)

typedef enum NetMsgType {
        NETMSG_CONFIG,
        NETMSG_PROBE,
        NETMSG_STATUS,
        NETMSG_POKE,
        NETMSG_ANSWERS,
        NETMSG_CONTROLLER,
        _NETMSG_TYPE_MAX,
        _NETMSG_TYPE_INVALID = -1,
} NetMsgType;

/* One controller's state as the helper reports it. */
typedef struct NetController {
        bool enabled;
        uint64_t last_ok_usec;
        char *last_error;          /* printable, cut */
} NetController;

/* A message read. Only the fields of its type are set. */
typedef struct NetMsg {
        NetMsgType type;
        /* config */
        char *node_json;
        char *machine_id;
        char **file_paths, **file_contents, **file_errors; /* parallel; content or error NULL */
        size_t n_files;
        /* probe, answers */
        uint64_t round;
        bool *ask;
        size_t n_ask;
        ProbeAnswer *answers;      /* n_targets of them; a target not asked: answered false, no error */
        bool *answered_for;        /* which targets the helper answered for */
        size_t n_targets;
        /* status */
        char *status_json;
        /* controller */
        NetController etcd, http;
} NetMsg;

void netmsg_done(NetMsg *m);

/* Builders (text to send; the caller frees). */
int netmsg_config(const char *node_json, const char *machine_id, char * const *file_paths,
                  char * const *file_contents, char * const *file_errors, char **ret);
int netmsg_probe(uint64_t round, const bool *ask, size_t n, char **ret);
int netmsg_status(const char *status_json, char **ret);
int netmsg_poke(char **ret);
int netmsg_answers(uint64_t round, const ProbeAnswer *answers, const bool *asked, size_t n, char **ret);
int netmsg_controller(const NetController *etcd, const NetController *http, char **ret);

/* What the root process accepts from the helper: "answers" (for exactly
 * n_targets targets) or "controller". -EBADMSG with a plain-words reason in
 * *ret_error for anything else. */
int netmsg_parse_from_helper(const char *data, size_t size, size_t n_targets, NetMsg *ret, char **ret_error);
/* What the helper accepts from root: "config", "probe", "status", "poke". */
int netmsg_parse_from_root(const char *data, size_t size, NetMsg *ret, char **ret_error);
