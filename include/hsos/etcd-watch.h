/* SPDX-License-Identifier: MIT */
#pragma once

/* etcd's watch, the pure part (the edge that streams it over libcurl is
 * agent/net/etcd-watch.h): the stream cut into lines with a cap, the
 * revisions a watch has seen and what to do after each answer, and a mirror
 * of every key under the watched prefix, kept by applying the events.
 *
 * A watch of a prefix works this way (etcd v3, notes/etcd.md):
 *   1. range the prefix: the keys, and the store's revision R they are at;
 *   2. watch the prefix from R + 1: etcd answers "created", then every
 *      change after R, in revision order, one JSON line per answer;
 *   3. when the stream breaks (etcd restarted, the network went), watch again
 *      from the revision after the last one applied: nothing is lost nor
 *      applied twice;
 *   4. when etcd answers that this revision was compacted away (its history
 *      is gone: "compact_revision"), range again (step 1).
 * EtcdWatchCursor is that state machine; nothing here does I/O. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hsos/etcd.h"

/* ---- lines ---- */

/* The bytes of a stream, cut at '\n'. A line longer than max is an error:
 * the stream comes from the network. */
typedef struct EtcdLines {
        char *data;
        size_t size;              /* bytes held */
        size_t start;             /* where the next line begins */
        size_t line_from;         /* where the line not yet ended begins */
        size_t allocated;
        size_t max;
} EtcdLines;

/* Appends data. -ENOBUFS when the line not yet ended would exceed max bytes
 * (nothing is appended), -ENOMEM. */
int etcd_lines_feed(EtcdLines *l, const char *data, size_t size, size_t max);
/* The next whole line (without its '\n', NUL-terminated; valid until the
 * next call): 1, or 0 when none is whole yet; -ENOBUFS for a line longer
 * than max. Empty lines are skipped, a '\r' before the '\n' dropped. */
int etcd_lines_next(EtcdLines *l, const char **ret_line, size_t *ret_size);
/* Forgets everything (a new stream). */
void etcd_lines_reset(EtcdLines *l);
void etcd_lines_done(EtcdLines *l);

/* ---- revisions ---- */

typedef enum EtcdWatchStep {
        ETCD_WATCH_STEP_CONTINUE, /* nothing to apply; read on */
        ETCD_WATCH_STEP_APPLY,    /* apply events[first..] in order, then read on */
        ETCD_WATCH_STEP_RELOAD,   /* compacted: range again, then watch from its revision + 1 */
        ETCD_WATCH_STEP_RESTART,  /* the stream is no good (canceled, out of order): watch again from next */
        _ETCD_WATCH_STEP_MAX,
        _ETCD_WATCH_STEP_INVALID = -EINVAL,
} EtcdWatchStep;

typedef struct EtcdWatchCursor {
        int64_t next;             /* the revision a watch starts from; 0: range first */
        bool created;             /* the current stream said "created" */
} EtcdWatchCursor;

/* A range was read at revision (> 0): watch from revision + 1. */
void etcd_watch_cursor_loaded(EtcdWatchCursor *c, int64_t revision);
/* Starts at revision (> 0) without a range: the caller holds what the store
 * was at revision - 1. */
void etcd_watch_cursor_start_at(EtcdWatchCursor *c, int64_t revision);
/* A new stream is about to start (from c->next). */
void etcd_watch_cursor_stream(EtcdWatchCursor *c);
/* What to do with one answer of the stream. APPLY: *ret_first is the first
 * event not applied yet (an event older than next was applied already and
 * is skipped), next moves past the last event. A progress notification (no
 * event) moves next past its header's revision (one behind is ignored).
 * RESTART: *ret_why says why (one line): canceled, events before "created",
 * "created" twice, revisions going backwards (etcd sends none of these
 * unasked). RELOAD also when "created" comes from a store whose revision is
 * behind what was applied (a store restored or started afresh). -ENOMEM. */
int etcd_watch_cursor_step(EtcdWatchCursor *c, const EtcdWatchResponse *w, size_t *ret_first, char **ret_why);
const char *etcd_watch_step_to_string(EtcdWatchStep s);

/* ---- the mirror ---- */

/* Every key under the watched prefix as the store holds it, sorted by key
 * (bytes). Bounded: at most ETCD_MIRROR_KEYS_MAX keys and
 * ETCD_MIRROR_BYTES_MAX bytes of keys and values. */
#define ETCD_MIRROR_KEYS_MAX 100000u
#define ETCD_MIRROR_BYTES_MAX (64u * 1024 * 1024)

typedef struct EtcdMirror {
        EtcdKeyValue *kvs;
        size_t n;
        size_t bytes;
} EtcdMirror;

/* Replaces the mirror with the n entries of a range (kvs taken: the caller
 * no longer frees them, also on failure). -E2BIG over the bounds (the
 * mirror is then empty). */
int etcd_mirror_load(EtcdMirror *m, EtcdKeyValue *kvs, size_t n);
/* Applies one event: a PUT stores ev->kv (taken: its strings are moved out,
 * ev->kv is left empty), a DELETE removes the key. 1 when the mirror
 * changed, 0 when not (a DELETE of a key it does not hold), -E2BIG over the
 * bounds (nothing applied), -ENOMEM. */
int etcd_mirror_apply(EtcdMirror *m, EtcdEvent *ev);
/* The entries whose key starts with prefix: *ret_first, and how many. */
size_t etcd_mirror_prefix(const EtcdMirror *m, const char *prefix, size_t *ret_first);
void etcd_mirror_done(EtcdMirror *m);
