/* SPDX-License-Identifier: MIT */
/* One probe round: every question of every client in flight at once, each
 * answer read by the pure core, handed over when the last one is in. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "hsos/edge/system.h"
#include "hsos/http.h"
#include "hsos/probe.h"
#include "hsos/util.h"

typedef struct ProbeCall {
        ProbeRun *run;
        const ProbeRequest *request;
        HttpRequest *http;
} ProbeCall;

struct ProbeRun {
        const ProbeRound *round;
        ProbeAnswer *answers;   /* one per target */
        bool *asked;
        ProbeCall *calls;
        size_t pending;
        probe_done_t done;
        void *userdata;
};

static void run_free(ProbeRun *run) {
        for (size_t i = 0; run->answers && i < run->round->n_targets; i++)
                probe_answer_done(&run->answers[i]);
        free(run->answers);
        free(run->asked);
        free(run->calls);
        free(run);
}

static void on_answer(void *userdata, const HttpResult *res) {
        ProbeCall *call = userdata;
        ProbeRun *run = call->run;
        ProbeAnswer *a = &run->answers[call->request->target];
        ProbeQuery q = call->request->query;

        call->http = NULL;
        if (res->latency_ms > a->latency_ms)
                a->latency_ms = res->latency_ms;
        if (res->error) {
                /* A client that began to answer is there, if not well. */
                if (res->status > 0)
                        a->answered = true;
                (void) probe_answer_fail(a, q, res->error);
        }
        else {
                _cleanup_free_ char *err = NULL;
                int r = probe_parse(q, res->status, res->body, res->size, a, &err);
                if (r < 0 && r != -EOPNOTSUPP)
                        (void) probe_answer_fail(a, q, err ? err : "out of memory");
        }
        if (--run->pending > 0)
                return;

        if (run->done)
                run->done(run->userdata, run->answers, run->asked, run->round->n_targets);
        run_free(run);
}

int probe_run_start(Http *h, const ProbeRound *round, const bool *ask, unsigned timeout_ms, probe_done_t done,
                    void *userdata, ProbeRun **ret) {
        ProbeRun *run = calloc(1, sizeof(ProbeRun));
        size_t n = 0;
        int r;

        if (!run)
                return -ENOMEM;
        run->round = round;
        run->done = done;
        run->userdata = userdata;
        run->answers = calloc(round->n_targets ?: 1, sizeof(ProbeAnswer));
        run->asked = calloc(round->n_targets ?: 1, sizeof(bool));
        run->calls = calloc(round->n_requests ?: 1, sizeof(ProbeCall));
        if (!run->answers || !run->asked || !run->calls) {
                run_free(run);
                return -ENOMEM;
        }
        for (size_t i = 0; i < round->n_targets; i++) {
                probe_answer_init(&run->answers[i]);
                run->asked[i] = !ask || ask[i];
        }
        for (size_t i = 0; i < round->n_requests; i++)
                if (run->asked[round->requests[i].target])
                        n++;
        if (n == 0) {
                run_free(run);
                if (ret)
                        *ret = NULL;
                return 0; /* nothing to ask */
        }
        run->pending = n;
        for (size_t i = 0; i < round->n_requests; i++) {
                const ProbeRequest *q = &round->requests[i];
                HttpOptions o = {
                        .body = q->body,
                        .content_type = q->body ? "application/json" : NULL,
                        .timeout_ms = timeout_ms,
                        .max_bytes = PROBE_BODY_MAX,
                };

                if (!run->asked[q->target])
                        continue;
                run->calls[i] = (ProbeCall) { .run = run, .request = q };
                r = http_request(h, q->url, &o, on_answer, &run->calls[i], &run->calls[i].http);
                if (r < 0) {
                        run->calls[i].http = NULL;
                        probe_run_cancel(run);
                        return r;
                }
        }
        if (ret)
                *ret = run;
        return 1;
}

void probe_run_cancel(ProbeRun *run) {
        if (!run)
                return;
        for (size_t i = 0; i < run->round->n_requests; i++)
                if (run->calls[i].http)
                        http_cancel(run->calls[i].http);
        run_free(run);
}

typedef struct Judge {
        HealthBoard *board;
        Network network;
        bool hysteresis;
} Judge;

static void judge(void *userdata, ProbeAnswer *answers, const bool *asked, size_t n) {
        Judge *j = userdata;

        for (size_t i = 0; i < n; i++)
                if (asked[i])
                        health_observe(j->board, i, &answers[i], j->network, now_usec(CLOCK_REALTIME), j->hysteresis);
        free(j);
}

int probe_run_judged(Http *h, const ProbeRound *round, const bool *ask, unsigned timeout_ms, HealthBoard *board,
                     Network network, bool hysteresis) {
        Judge *j = malloc(sizeof *j);
        int r;

        if (!j)
                return -ENOMEM;
        *j = (Judge) { .board = board, .network = network, .hysteresis = hysteresis };
        r = probe_run_start(h, round, ask, timeout_ms, judge, j, NULL);
        if (r <= 0)
                free(j); /* not started, or nothing to ask: done is never called */
        return r;
}
