/* SPDX-License-Identifier: MIT */
#pragma once

/* etcd v3 spoken over its HTTP/JSON gateway (notes/etcd.md), the pure part:
 * base64, the node's key, request bodies, and parsers of etcd's answers that
 * trust nothing in them (size, nesting, types). int64 values (lease IDs,
 * TTLs, revisions) stay the decimal strings they came as: lease IDs exceed
 * 2^53 and a double would corrupt them. The transport (libcurl) is an edge.
 *
 * Errors of the parsers: -EBADMSG when the body is not the answer expected
 * (the message says what is wrong), -EREMOTEIO when it is etcd's error object
 * (the message quotes etcd and names the gRPC code), -ENOMEM. The message is
 * in *ret_error on -EBADMSG and -EREMOTEIO only. No secret (password, token)
 * ever appears in a message. */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hsos/base64.h"

/* Answers larger than this are refused (a range of a fleet's statuses is the
 * largest answer: 1000 nodes of 1.5 KiB are 2 MiB in base64). */
#define ETCD_RESPONSE_SIZE_MAX (32u * 1024 * 1024)
#define ETCD_RESPONSE_DEPTH_MAX 16u

/* ---- keys ---- */

/* "<prefix>/nodes/<hostname>/status", the prefix without trailing slashes
 * ("/homestakeros/" and "/homestakeros" are the same prefix; "" or "/" put the
 * key at "/nodes/..."). -EINVAL for a hostname that is empty, holds a slash
 * or a control character, or is longer than 253 bytes. */
int etcd_node_key(const char *prefix, const char *hostname, char **ret);
/* "<prefix>/nodes/": where every node's status lies. */
int etcd_nodes_prefix(const char *prefix, char **ret);
/* The hostname in a node's key under prefix, or -EINVAL when key is not
 * "<prefix>/nodes/<hostname>/status". */
int etcd_node_key_hostname(const char *prefix, const char *key, char **ret);
/* "<prefix>/members/<hostname>": a member of the fleet (no lease; the last
 * known summary, hsos.member/1). -EINVAL for a hostname as above. */
int etcd_member_key(const char *prefix, const char *hostname, char **ret);
/* "<prefix>/members/": where every member lies. */
int etcd_members_prefix(const char *prefix, char **ret);
/* The hostname in a member's key under prefix, or -EINVAL when key is not
 * "<prefix>/members/<hostname>". */
int etcd_member_key_hostname(const char *prefix, const char *key, char **ret);
/* A hostname fit for a key: not empty, no slash nor control character, at
 * most 253 bytes. */
bool etcd_hostname_valid(const char *hostname);
/* The end of the range of every key starting with key[0..len): the key with
 * its last byte below 0xff incremented and what follows cut
 * ("/a/nodes/" -> "/a/nodes0"). A key of only 0xff bytes (or empty) has no
 * such end: the range end is then "\0" (every key from key on), size 1. */
int etcd_prefix_range_end(const char *key, size_t len, char **ret, size_t *ret_size);

/* ---- int64 as strings ---- */

/* A decimal int64 as etcd writes it: digits, no sign (unless allow_negative),
 * no leading zero, within int64. */
bool etcd_int64_valid(const char *s, bool allow_negative);

/* ---- request bodies (malloc'd JSON text); -EINVAL for a bad argument ---- */

/* POST /v3/auth/authenticate. The body holds the password: wipe it
 * (explicit_bzero) before freeing it. The password is copied nowhere else. */
int etcd_request_authenticate(const char *name, const char *password, char **ret);
/* POST /v3/lease/grant {"TTL":ttl}, ttl in 1..INT32_MAX seconds. */
int etcd_request_lease_grant(int64_t ttl_sec, char **ret);
/* POST /v3/lease/keepalive and /v3/lease/revoke {"ID":"<id>"}: the ID as the
 * string it came as. */
int etcd_request_lease_keepalive(const char *lease_id, char **ret);
int etcd_request_lease_revoke(const char *lease_id, char **ret);
/* POST /v3/kv/range of one key, or of every key under a prefix. */
int etcd_request_range_key(const char *key, char **ret);
int etcd_request_range_prefix(const char *prefix, char **ret);
/* POST /v3/kv/put of value at key, under lease_id (NULL: no lease). */
int etcd_request_put(const char *key, const char *value, const char *lease_id, char **ret);
/* POST /v3/watch {"create_request"} of every key under prefix, from
 * start_revision on (> 0), with progress notifications (etcd then says, now
 * and then, up to which revision nothing changed). */
int etcd_request_watch_prefix(const char *prefix, int64_t start_revision, char **ret);
/* POST /v3/kv/deleterange of one key, asking for what it held (prev_kv). */
int etcd_request_delete_key(const char *key, char **ret);
/* POST /v3/kv/txn claiming key: if it does not exist (CREATE revision 0), put
 * value under lease_id; otherwise range it, so the one answer holds the
 * holder's value and mod_revision (etcd_parse_txn, etcd_claim_decide). */
int etcd_request_claim(const char *key, const char *value, const char *lease_id, char **ret);
/* POST /v3/kv/txn for a key that is ours: put value under lease_id only if
 * its mod_revision is still mod_revision; otherwise range it, as above. */
int etcd_request_replace(const char *key, const char *value, const char *lease_id, const char *mod_revision,
                         char **ret);

/* ---- answers ---- */

/* etcd's error object: {"error","message","code"} (unary calls) or
 * {"error":{"grpc_code","message",...}} (streams). Returns 1 with the gRPC
 * code and a message naming it ("etcd refused: etcdserver: requested lease
 * not found (gRPC code 5, NotFound)"), 0 when the body is not an error object,
 * -ENOMEM. */
int etcd_parse_error(const char *body, size_t size, int *ret_code, char **ret_message);
/* The gRPC code's name ("Unauthenticated"), or "unknown code". */
const char *etcd_grpc_code_to_string(int code);

/* auth/authenticate -> the token (printable ASCII without spaces: it becomes
 * the Authorization header). */
int etcd_parse_authenticate(const char *body, size_t size, char **ret_token, char **ret_error);
/* lease/grant -> the lease ID (string) and its TTL (> 0). */
int etcd_parse_lease_grant(const char *body, size_t size, char **ret_id, int64_t *ret_ttl, char **ret_error);
/* lease/keepalive: one line {"result":{...}} (a newline may follow). Returns
 * 1 alive (TTL > 0, in *ret_ttl), 0 gone (no TTL: unknown or expired; grant
 * a new lease and put again). ret_ttl may be NULL. */
int etcd_parse_lease_keepalive(const char *body, size_t size, int64_t *ret_ttl, char **ret_error);

typedef struct EtcdKeyValue {
        char *key;                /* decoded; NUL-terminated, key_size bytes */
        size_t key_size;
        char *value;              /* decoded; NUL-terminated, value_size bytes */
        size_t value_size;
        char *create_revision;    /* int64 strings, "0" when etcd left them out */
        char *mod_revision;
        char *version;
        char *lease;              /* "0": no lease */
} EtcdKeyValue;

void etcd_key_values_free(EtcdKeyValue *kvs, size_t n);

/* kv/range -> every (key, value), decoded, in etcd's order (by key); an empty
 * range (only a header) is 0 entries and *ret_kvs NULL. */
int etcd_parse_range(const char *body, size_t size, EtcdKeyValue **ret_kvs, size_t *ret_n, char **ret_error);

/* The same, and the revision of the store the range was read at (the
 * header's revision: > 0), as an integer. */
int etcd_parse_range_at(const char *body, size_t size, EtcdKeyValue **ret_kvs, size_t *ret_n,
                        int64_t *ret_revision, char **ret_error);

/* kv/deleterange (etcd_request_delete_key) -> what was deleted, as
 * etcd_parse_range: 0 entries when there was no such key. */
int etcd_parse_delete(const char *body, size_t size, EtcdKeyValue **ret_kvs, size_t *ret_n, char **ret_error);

/* ---- watch (one JSON line of the gateway's stream each) ---- */

typedef enum EtcdEventType {
        ETCD_EVENT_PUT,           /* etcd leaves "type" out for a PUT (0) */
        ETCD_EVENT_DELETE,        /* deleted, or its lease expired: kv holds the key and mod_revision */
        _ETCD_EVENT_TYPE_MAX,
        _ETCD_EVENT_TYPE_INVALID = -EINVAL,
} EtcdEventType;

typedef struct EtcdEvent {
        EtcdEventType type;
        EtcdKeyValue kv;
        int64_t mod_revision;     /* kv.mod_revision as a number (> 0) */
} EtcdEvent;

typedef struct EtcdWatchResponse {
        int64_t revision;         /* the header's; 0 when left out (a canceled watch's) */
        bool created;
        bool canceled;
        int64_t compact_revision; /* > 0: the start revision was compacted away */
        char *cancel_reason;      /* printable, or NULL */
        EtcdEvent *events;        /* in etcd's order */
        size_t n_events;
} EtcdWatchResponse;

void etcd_watch_response_done(EtcdWatchResponse *w);

/* One line of watch's stream, {"result":{...}} (a newline may follow): at
 * most ETCD_WATCH_LINE_MAX bytes, nested as any answer. Each event's kv
 * must have a key and a mod_revision > 0. An error object (etcd refusing
 * the stream: {"error":{"grpc_code",...}}) is -EREMOTEIO with its gRPC code
 * in *ret_code (ret_code may be NULL). */
#define ETCD_WATCH_LINE_MAX (8u * 1024 * 1024)
int etcd_parse_watch_response(const char *line, size_t size, EtcdWatchResponse *ret, int *ret_code,
                              char **ret_error);

typedef struct EtcdTxnResult {
        bool succeeded;           /* absent in the answer: false */
        char *revision;           /* the header's revision: after a put, the key's mod_revision */
        /* On failure, what the failure branch's range found (the holder):
         * NULL/false when the key was gone. */
        bool holder_found;
        char *holder_mod_revision;
        char *holder_lease;
        char *holder_machine_id;  /* boot.machineId of the stored status document (machineId of a
                                   * hsos.member/1 document), NULL if none */
        char *holder_problem;     /* why no machine id: the stored value is neither */
} EtcdTxnResult;

void etcd_txn_result_done(EtcdTxnResult *t);

/* kv/txn (etcd_request_claim, etcd_request_replace) -> its result. The
 * holder's machine id is read from a status document, or from a member
 * document (its schema says which). */
int etcd_parse_txn(const char *body, size_t size, EtcdTxnResult *ret, char **ret_error);

/* ---- the claim ---- */

typedef enum EtcdClaim {
        ETCD_CLAIM_CLAIMED,       /* the put was done: the key is ours (its mod_revision: revision) */
        ETCD_CLAIM_OURS_REPLACE,  /* it holds our machine id (an earlier boot): etcd_request_replace
                                   * with holder_mod_revision */
        ETCD_CLAIM_RETRY,         /* the key vanished between (its lease expired): claim again */
        ETCD_CLAIM_CONFLICT,      /* another machine holds the hostname: do not write; report */
        _ETCD_CLAIM_MAX,
        _ETCD_CLAIM_INVALID = -EINVAL,
} EtcdClaim;

/* Decides from a claim's or a replace's txn result. On CONFLICT, *ret_message
 * (else NULL) says who holds the hostname: "hostname homestaker is held by
 * machine 1234...; this machine (5678...) does not overwrite it". A stored
 * value that is not a status document with a machine id is a conflict too
 * (it is not known to be ours). Returns the EtcdClaim or -ENOMEM/-EINVAL. */
int etcd_claim_decide(const char *hostname, const char *machine_id, const EtcdTxnResult *txn,
                      char **ret_message);
const char *etcd_claim_to_string(EtcdClaim c);
