/* SPDX-License-Identifier: MIT */
#pragma once

/* HTTP(S) requests through libcurl's multi interface, driven by an sd_event
 * loop (curl's sockets and its timer become event sources): nothing ever
 * blocks the loop. Every request has a deadline and a cap on the answer's
 * size; only http and https are spoken, and redirects are never followed. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-event.h>

typedef struct Http Http;
typedef struct HttpRequest HttpRequest;

typedef struct HttpResult {
        long status;            /* the HTTP status; 0 when no answer came (it may come with
                                 * an error: an answer cut off or broken off) */
        const char *body;       /* NUL-terminated, size bytes */
        size_t size;
        const char *error;      /* why no (whole) answer came, or NULL */
        unsigned latency_ms;
} HttpResult;

/* A streamed answer (HttpOptions.stream): each piece of the body as it
 * comes, with the HTTP status; the same userdata as done. It returns false to
 * break the request off (done is then called with an error). It must not
 * start or cancel requests. */
typedef bool (*http_stream_t)(void *userdata, long status, const char *data, size_t size);

typedef struct HttpOptions {
        const char *body;          /* POST this body; NULL: GET */
        const char *content_type;  /* for the body ("application/json") */
        const char *authorization; /* the whole Authorization header value, or NULL */
        const char *ca_file;       /* trust this CA for https, NULL: the system's */
        const char *ca_pem;        /* the same, given as its PEM text (read by someone else) */
        unsigned timeout_ms;       /* the whole request, connection included */
        size_t max_bytes;          /* a longer answer is cut off and is an error */
        bool use_proxy;            /* honour http_proxy and friends (never for local clients) */
        /* Streaming (a watch): the body goes to stream, not to the result;
         * timeout_ms bounds the connection only, max_bytes is not applied
         * (the reader caps what it keeps), and TCP keepalive is on. */
        http_stream_t stream;
} HttpOptions;

/* Called once per request, from the loop; the result lives until it returns.
 * The request is gone afterwards. */
typedef void (*http_done_t)(void *userdata, const HttpResult *result);

int http_new(sd_event *event, Http **ret);
/* Cancels what is pending (no callbacks). */
Http *http_free(Http *h);
static inline void http_freep(Http **h) {
        if (*h)
                http_free(*h);
}

/* Starts a request. *ret (optional) lets the caller cancel it. */
int http_request(Http *h, const char *url, const HttpOptions *o, http_done_t done, void *userdata,
                 HttpRequest **ret);
/* Drops a pending request; its callback is not called. */
void http_cancel(HttpRequest *r);
size_t http_pending(const Http *h);

/* What an Http has carried since http_new(), counted as each request ends
 * (benchmarks read it: tests/bench/bench-probe.c): bytes at the HTTP level,
 * sent (request lines, headers, bodies) and received (status lines, headers,
 * bodies; not TCP/IP framing), and the TCP connections opened for them (the
 * rest reused a kept-alive one). */
typedef struct HttpCounters {
        uint64_t requests;
        uint64_t bytes_sent;
        uint64_t bytes_received;
        uint64_t connections;
} HttpCounters;

void http_counters(const Http *h, HttpCounters *ret);

/* Watches every request an Http carries (benchmarks: tests/bench/bench-fleet.c
 * times the controller's requests with it): called as each request ends, just
 * before its callback, with its URL as given (it may hold user info: never
 * show it), its result, and the time since http_request() in microseconds
 * (CLOCK_MONOTONIC, curl's queueing included; finer than latency_ms). Not
 * for a cancelled request. It must not start or cancel requests. NULL: none. */
typedef void (*http_observer_t)(void *userdata, const char *url, const HttpResult *result, uint64_t elapsed_usec);
void http_set_observer(Http *h, http_observer_t observer, void *userdata);

/* Runs the loop until no request is pending (for one-shot commands). */
int http_run(Http *h);

/* ---- a probe round over HTTP (agent/net/prober.c) ---- */

#include "hsos/probe.h"

typedef struct ProbeRun ProbeRun;
/* Every answer is in, or its deadline passed: answers[i] for each target
 * asked (asked[i]); the callee may take them (probe_answer_init what it
 * took). They are gone when it returns. */
typedef void (*probe_done_t)(void *userdata, ProbeAnswer *answers, const bool *asked, size_t n);

/* Asks every target of round (those ask[i] allows; ask NULL: all) once, all
 * at the same time, each question with timeout_ms, each answer read by the
 * pure core (probe_parse); judging them is the caller's (health_observe).
 * round must outlive the run. 0 when there was nothing to ask (done is not
 * called), 1 when started. */
int probe_run_start(Http *h, const ProbeRound *round, const bool *ask, unsigned timeout_ms, probe_done_t done,
                    void *userdata, ProbeRun **ret);
/* The same, each answer judged into board (health_observe, hysteresis as
 * given) when the round is in: for a one-shot probe and the benchmark. */
int probe_run_judged(Http *h, const ProbeRound *round, const bool *ask, unsigned timeout_ms, HealthBoard *board,
                     Network network, bool hysteresis);

/* Stops a run: done is not called. */
void probe_run_cancel(ProbeRun *run);
