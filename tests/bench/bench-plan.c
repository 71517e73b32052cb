/* SPDX-License-Identifier: MIT */
/* Benchmark (not a test): the time to go from node.json bytes to a rendered
 * plan. Each iteration runs config_parse (parse + validate), plan_build
 * (which renders every unit and drop-in) and plan_to_text, and frees it all.
 * The facts are read once, outside the timed loop.
 *
 *   bench-plan NODE.json FACTS.json [ITERATIONS [WARMUP]]
 *
 * Prints the median and 90th percentile time per iteration in microseconds. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hsos/config.h"
#include "hsos/facts.h"
#include "hsos/plan.h"
#include "hsos/util.h"

static int read_all(const char *path, char **ret, size_t *ret_size) {
        FILE *f = fopen(path, "rb");
        char *buf = NULL;
        size_t n = 0, cap = 0;

        if (!f)
                return -errno;
        for (;;) {
                if (n == cap) {
                        char *b = realloc(buf, cap ? cap * 2 : 65536);
                        if (!b) {
                                free(buf);
                                fclose(f);
                                return -ENOMEM;
                        }
                        buf = b;
                        cap = cap ? cap * 2 : 65536;
                }
                size_t k = fread(buf + n, 1, cap - n, f);
                n += k;
                if (k == 0)
                        break;
        }
        if (ferror(f)) {
                free(buf);
                fclose(f);
                return -EIO;
        }
        fclose(f);
        *ret = buf;
        *ret_size = n;
        return 0;
}

static double now_us(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

/* One iteration; returns the length of the text (so the work is not optimised
 * away), or a negative errno. */
static long run_once(const char *data, size_t size, const Facts *facts) {
        Config *c = NULL;
        char **errors = NULL;
        Plan *p = NULL;
        char *text = NULL;
        long r;

        r = config_parse(data, size, &c, &errors);
        if (r < 0) {
                STRV_FOREACH(e, errors)
                        fprintf(stderr, "bench-plan: %s\n", *e);
                strv_free(errors);
                return r;
        }
        r = plan_build(c, facts, &p);
        if (r >= 0)
                r = plan_to_text(p, c, &text);
        if (r >= 0)
                r = (long) strlen(text);
        free(text);
        plan_free(p);
        config_free(c);
        return r;
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;
        return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static double percentile(const double *v, size_t n, double q) {
        size_t k = (size_t) (q * (double) n + 0.999999);

        if (k == 0)
                k = 1;
        if (k > n)
                k = n;
        return v[k - 1];
}

int main(int argc, char **argv) {
        char *config = NULL, *facts_data = NULL, *err = NULL;
        size_t config_size = 0, facts_size = 0;
        Facts *facts = NULL;
        double *t;
        long iterations = 2000, warmup = 200, r, len = 0;
        int rr;

        if (argc < 3 || argc > 5) {
                fprintf(stderr, "usage: %s NODE.json FACTS.json [ITERATIONS [WARMUP]]\n", argv[0]);
                return 2;
        }
        if (argc > 3)
                iterations = strtol(argv[3], NULL, 10);
        if (argc > 4)
                warmup = strtol(argv[4], NULL, 10);
        if (iterations < 1 || warmup < 0) {
                fprintf(stderr, "bench-plan: bad iteration counts\n");
                return 2;
        }
        rr = read_all(argv[1], &config, &config_size);
        if (rr < 0) {
                fprintf(stderr, "bench-plan: cannot read %s: %s\n", argv[1], strerror(-rr));
                return 1;
        }
        rr = read_all(argv[2], &facts_data, &facts_size);
        if (rr < 0) {
                fprintf(stderr, "bench-plan: cannot read %s: %s\n", argv[2], strerror(-rr));
                return 1;
        }
        rr = facts_from_json(facts_data, facts_size, &facts, &err);
        if (rr < 0) {
                fprintf(stderr, "bench-plan: facts %s: %s\n", argv[2], err ? err : strerror(-rr));
                return 1;
        }

        t = calloc((size_t) iterations, sizeof(double));
        if (!t)
                return 1;

        for (long i = 0; i < warmup; i++) {
                r = run_once(config, config_size, facts);
                if (r < 0) {
                        fprintf(stderr, "bench-plan: %s: %s\n", argv[1], strerror((int) -r));
                        return 1;
                }
        }
        double total0 = now_us();
        for (long i = 0; i < iterations; i++) {
                double t0 = now_us();
                r = run_once(config, config_size, facts);
                t[i] = now_us() - t0;
                if (r < 0) {
                        fprintf(stderr, "bench-plan: %s: %s\n", argv[1], strerror((int) -r));
                        return 1;
                }
                len = r;
        }
        double total = now_us() - total0;

        qsort(t, (size_t) iterations, sizeof(double), cmp_double);
        printf("iterations %ld (after %ld warm-up), config %zu bytes, plan text %ld bytes\n", iterations, warmup,
               config_size, len);
        printf("per iteration (config_parse + plan_build + plan_to_text):\n");
        printf("  median %.1f us\n", percentile(t, (size_t) iterations, 0.5));
        printf("  p90    %.1f us\n", percentile(t, (size_t) iterations, 0.9));
        printf("  min    %.1f us, max %.1f us, mean %.1f us\n", t[0], t[iterations - 1], total / (double) iterations);

        free(t);
        facts_free(facts);
        free(facts_data);
        free(config);
        return 0;
}
