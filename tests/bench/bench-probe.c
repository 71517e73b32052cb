/* SPDX-License-Identifier: MIT */
/* Benchmark (not a test): the cost of one probe round, the daemon's own code
 * path (probe_run_start on Http, curl multi on a private sd_event, answers
 * judged into a board with hysteresis), run ROUNDS times back to back after
 * WARMUP rounds. Prints "key value..." lines:
 *   rounds N
 *   cpu_us_per_round TOTAL USER SYS      getrusage(RUSAGE_SELF), mean per round
 *   wall_us MEDIAN P99 MAX               per round
 *   per_round REQUESTS SENT RECEIVED CONNECTIONS   bytes at the HTTP level (HttpCounters)
 *   answered CLIENTS-WITHOUT-ERROR CLIENTS
 *   bench-probe NODE.JSON [ROUNDS] [WARMUP] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <systemd/sd-event.h>

#include "hsos/cli.h"
#include "hsos/edge/system.h"
#include "hsos/http.h"
#include "hsos/probe.h"
#include "hsos/util.h"

const char *program_name = "bench-probe";

static double now_us(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

static double tv_us(struct timeval tv) {
        return (double) tv.tv_sec * 1e6 + (double) tv.tv_usec;
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;

        return x < y ? -1 : x > y;
}

static int one_round(Http *http, const ProbeRound *round, HealthBoard *board, const Config *c) {
        /* As the daemon judges the helper's answers: with hysteresis. */
        int r = probe_run_judged(http, round, NULL, c->agent.probe_timeout_ms, board, c->network, true);
        if (r < 0)
                return r;
        return http_run(http);
}

int main(int argc, char **argv) {
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_(probe_round_freep) ProbeRound *round = NULL;
        _cleanup_(health_board_freep) HealthBoard *board = NULL;
        int rounds = argc > 2 ? atoi(argv[2]) : 1000, warmup = argc > 3 ? atoi(argv[3]) : 20;
        HttpCounters c0, c1;
        struct rusage ru0, ru1;
        sd_event *event = NULL;
        Http *http = NULL;
        size_t good = 0;
        double *t;
        int r;

        if (argc < 2 || rounds < 1 || warmup < 0) {
                fprintf(stderr, "usage: bench-probe NODE.JSON [ROUNDS] [WARMUP]\n");
                return 2;
        }
        if (cli_load_config(argv[1], &c) < 0)
                return 2;
        if (probe_round_new(c, &round) < 0 || health_board_new(round, NULL, &board) < 0)
                return 1;
        t = calloc((size_t) rounds, sizeof(double));
        if (!t)
                return 1;
        r = sd_event_new(&event);
        if (r >= 0)
                r = http_new(event, &http);
        for (int i = 0; r >= 0 && i < warmup; i++)
                r = one_round(http, round, board, c);
        if (r < 0) {
                fprintf(stderr, "bench-probe: %s\n", strerror(-r));
                return 1;
        }
        http_counters(http, &c0);
        (void) getrusage(RUSAGE_SELF, &ru0);
        for (int i = 0; i < rounds; i++) {
                double t0 = now_us();

                r = one_round(http, round, board, c);
                if (r < 0) {
                        fprintf(stderr, "bench-probe: %s\n", strerror(-r));
                        return 1;
                }
                t[i] = now_us() - t0;
        }
        (void) getrusage(RUSAGE_SELF, &ru1);
        http_counters(http, &c1);

        for (size_t i = 0; i < board->n_clients; i++)
                if (board->clients[i].last.answered && !board->clients[i].last.error)
                        good++;
                else
                        fprintf(stderr, "bench-probe: %s: %s\n", board->clients[i].url,
                                strempty(board->clients[i].last.error));
        qsort(t, (size_t) rounds, sizeof(double), cmp_double);
        double user = (tv_us(ru1.ru_utime) - tv_us(ru0.ru_utime)) / rounds;
        double sys = (tv_us(ru1.ru_stime) - tv_us(ru0.ru_stime)) / rounds;
        printf("rounds %d\n", rounds);
        printf("cpu_us_per_round %.1f %.1f %.1f\n", user + sys, user, sys);
        printf("wall_us %.0f %.0f %.0f\n", t[rounds / 2], t[(rounds * 99) / 100 < rounds ? (rounds * 99) / 100 : rounds - 1],
               t[rounds - 1]);
        printf("per_round %.1f %.0f %.0f %.2f\n", (double) (c1.requests - c0.requests) / rounds,
               (double) (c1.bytes_sent - c0.bytes_sent) / rounds,
               (double) (c1.bytes_received - c0.bytes_received) / rounds,
               (double) (c1.connections - c0.connections) / rounds);
        printf("answered %zu %zu\n", good, board->n_clients);
        free(t);
        http_free(http);
        sd_event_unref(event);
        return good == board->n_clients ? 0 : 1;
}
