/* SPDX-License-Identifier: MIT */
/* Benchmark (not a test): resolving every LABEL= of a node.json in-process,
 * the way `hsos-agent mount` does on each pass: one libblkid probe of every
 * block device, then each mount's tag looked up in those facts.
 *   bench-labels NODE.JSON [RUNS]   prints: median_us p90_us resolved */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "hsos/cli.h"
#include "hsos/edge/blockdev.h"
#include "hsos/facts.h"
#include "hsos/util.h"

const char *program_name = "bench-labels";

static double now_us(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;

        return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
        _cleanup_(config_freep) Config *c = NULL;
        int runs = argc > 2 ? atoi(argv[2]) : 50;
        double *t;
        size_t resolved = 0;

        if (argc < 2 || runs < 1) {
                fprintf(stderr, "usage: bench-labels NODE.JSON [RUNS]\n");
                return 2;
        }
        if (cli_load_config(argv[1], &c) < 0)
                return 2;
        t = calloc((size_t) runs, sizeof(double));
        if (!t)
                return 1;
        for (int i = 0; i < runs; i++) {
                _cleanup_(facts_freep) Facts *f = facts_new();
                double t0 = now_us();

                if (!f || blockdev_read("/sys/class/block", "/dev", f) < 0) {
                        fprintf(stderr, "bench-labels: cannot read the block devices\n");
                        return 1;
                }
                resolved = 0;
                for (size_t m = 0; m < c->n_mounts; m++) {
                        _cleanup_free_ char *reason = NULL;
                        const FactDevice *d = NULL;

                        if (facts_resolve_device(f, c->mounts[m].what, &d, &reason) >= 0 && d)
                                resolved++;
                }
                t[i] = now_us() - t0;
        }
        qsort(t, (size_t) runs, sizeof(double), cmp_double);
        printf("%.0f %.0f %zu\n", t[runs / 2], t[(runs * 9) / 10 < runs ? (runs * 9) / 10 : runs - 1], resolved);
        free(t);
        return 0;
}
