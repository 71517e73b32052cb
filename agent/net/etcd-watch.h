/* SPDX-License-Identifier: MIT */
#pragma once

/* A live copy of every key under a prefix of etcd, kept by etcd's watch
 * (the HTTP/JSON gateway's streaming POST /v3/watch), on an sd_event loop,
 * never by polling. For `hsos-agent fleet --watch` and `fleet serve`.
 *
 *   EtcdWatch *w;
 *   etcd_watch_new(event, http, &(EtcdWatchOptions) { .url = ..., .prefix = "/homestakeros/" },
 *                  &callbacks, userdata, &w);
 *   etcd_watch_start(w);
 *   sd_event_loop(event);     // the callbacks come from here
 *   etcd_watch_free(w);
 *
 * What it does (the revisions: include/hsos/etcd-watch.h):
 *   - it ranges the prefix (unless started at a revision), fills the mirror
 *     and calls reload; then it watches from the range's revision + 1, and
 *     for each answer of the stream calls change once per event and
 *     settled once after them;
 *   - when the stream breaks (etcd restarted or stopped, the network went,
 *     an answer it cannot read), it calls link with why and when it tries
 *     again, waits (exponential backoff with jitter, backoff_min_ms doubling
 *     up to backoff_max_ms, back to the minimum once a stream is live), and
 *     watches again from the revision after the last one applied: each
 *     change is seen once, none is lost;
 *   - when etcd answers that this revision was compacted away (or the store
 *     is behind what was applied: a store restored or begun afresh), it
 *     ranges again and calls reload;
 *   - it logs in again (user and password) before each new stream: etcd's
 *     simple tokens die when it restarts.
 *
 * Everything from etcd is hostile: each line of the stream is capped
 * (ETCD_WATCH_LINE_MAX), parsed by the pure core, and the mirror is bounded
 * (ETCD_MIRROR_KEYS_MAX, ETCD_MIRROR_BYTES_MAX); a breach breaks the stream
 * and counts as a failure (backoff, then a range). Keys and values are
 * raw bytes: the consumer parses and sanitises them (agent/core/fleet.c).
 * Nothing of the password or the token is ever in an error text.
 *
 * A key whose lease expires is a DELETE event like any other: a node that
 * stops reporting is seen going without any write by anyone. */

#include <stdint.h>

#include <systemd/sd-event.h>

#include "hsos/etcd-watch.h"
#include "hsos/http.h"

typedef struct EtcdWatch EtcdWatch;

typedef struct EtcdWatchOptions {
        const char *url;          /* etcd's client URL: http(s)://host:port */
        const char *prefix;       /* every key starting with it (not empty) */
        const char *user;         /* with password: log in as user */
        const char *password;     /* copied; wiped when the watch is freed */
        const char *cacert;       /* trust this CA for https, NULL: the system's */
        int64_t start_revision;   /* 0: range first. R > 0: watch from R (the caller has the
                                   * store as of R - 1; the mirror then holds only what changed
                                   * until a reload) */
        unsigned backoff_min_ms;  /* 0: 250 */
        unsigned backoff_max_ms;  /* 0: 10000 */
} EtcdWatchOptions;

/* Each may be NULL. None may free the watch; each may read the mirror. */
typedef struct EtcdWatchCallbacks {
        /* The mirror was filled anew from a range (first, and after a
         * compaction): treat every key as changed. */
        void (*reload)(void *userdata, EtcdWatch *w);
        /* One change, before the mirror applies it (etcd_watch_mirror() still
         * has the key's value before it). ev->kv.value is the new value of a
         * PUT; a DELETE's kv has only its key and mod_revision. */
        void (*change)(void *userdata, EtcdWatch *w, const EtcdEvent *ev);
        /* The events of one answer are applied (one redraw per answer). */
        void (*settled)(void *userdata, EtcdWatch *w);
        /* error NULL: the stream is live (etcd said "created"). Otherwise the
         * watch broke or could not start: error says why (printable, one
         * line), and the next try comes in retry_ms. */
        void (*link)(void *userdata, EtcdWatch *w, const char *error, unsigned retry_ms);
} EtcdWatchCallbacks;

/* Copies the options (and the callbacks). http must be on event and outlive
 * the watch. -EINVAL for a URL that is not http(s) or an empty prefix. */
int etcd_watch_new(sd_event *event, Http *http, const EtcdWatchOptions *o, const EtcdWatchCallbacks *cb,
                   void *userdata, EtcdWatch **ret);
/* Starts (the first request goes out from the loop). */
int etcd_watch_start(EtcdWatch *w);
/* Stops and frees: no callback after it. NULL-safe, returns NULL. */
EtcdWatch *etcd_watch_free(EtcdWatch *w);
static inline void etcd_watch_freep(EtcdWatch **w) {
        if (*w)
                etcd_watch_free(*w);
}

/* Every key under the prefix as of etcd_watch_revision(). */
const EtcdMirror *etcd_watch_mirror(const EtcdWatch *w);
/* The last revision applied (0: none yet). */
int64_t etcd_watch_revision(const EtcdWatch *w);
/* Whether the stream is live now (link said NULL last). */
bool etcd_watch_live(const EtcdWatch *w);
/* How many times reload was called (tests, benchmarks). */
uint64_t etcd_watch_reloads(const EtcdWatch *w);
