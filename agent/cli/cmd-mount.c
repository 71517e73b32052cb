/* SPDX-License-Identifier: MIT */
/* hsos-agent mount: finds and mounts the persistent disks now, parents before
 * children, waiting for late devices by their events, then creates the plan's
 * directories and the secrets the rules allow. The decisions are the plan's
 * and its actions' (agent/core/plan.c, agent/core/action.c); the executor
 * carries them out, and this file says what happened, one line per mount,
 * directory and secret. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hsos/cli.h"
#include "hsos/edge/act.h"
#include "hsos/edge/applied.h"
#include "hsos/edge/execute.h"
#include "hsos/edge/facts-system.h"
#include "hsos/edge/uevent.h"
#include "hsos/plan.h"
#include "hsos/util.h"

typedef struct MountRun {
        bool done;       /* its line is printed and nothing more will happen */
        bool in_place;
        bool announced;  /* "waiting" was printed */
} MountRun;

static void help(void) {
        printf("Usage: %s mount [--config FILE] [--root DIR]\n"
               "Finds and mounts the persistent disks of node.json, waiting up to\n"
               "agent.deviceTimeoutSec for late devices, then creates the plan's directories\n"
               "and the missing secrets the rules allow (JWT, ssh host key).\n"
               "Exit status: 0 every enabled mount is in place, 1 otherwise, 2 usage or an\n"
               "invalid node.json.\n"
               "  -c, --config FILE   node.json (default %s)\n"
               "  -r, --root DIR      mount below DIR (an initrd preparing /sysroot)\n",
               program_name, CONFIG_DEFAULT_PATH);
}

static long long now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int read_mount_facts(Facts **ret) {
        _cleanup_(facts_freep) Facts *f = facts_new();
        int r;

        if (!f)
                return -ENOMEM;
        r = facts_read_storage(f);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(f);
        return 0;
}

/* Prints what happened: "mount eth: mounted ...", "secret jwt /x: created". */
static void print_report(void *userdata, ActKind kind, const char *subject, ActOutcome outcome, const char *line) {
        (void) userdata;
        (void) outcome;
        printf("%s %s: %s\n", act_kind_to_string(kind), subject, line);
        fflush(stdout);
}

static void print_mount(const PlanMount *pm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void print_mount(const PlanMount *pm, const char *fmt, ...) {
        _cleanup_free_ char *line = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&line, fmt, ap);
        va_end(ap);
        print_report(NULL, ACT_MOUNT, pm->config->name, ACT_OK, r < 0 ? "(out of memory)" : line);
}

static int read_facts(void *userdata, Facts **ret) {
        (void) userdata;
        return read_mount_facts(ret);
}

/* After a convergence (every pending mount tried, act_converge_mounts): the
 * lines of the mounts it did not touch, and whether one still waits for its
 * device. */
static void mount_states(const Plan *p, const Config *c, bool f_have_devices, const bool *tried, const bool *mounted,
                         MountRun *runs, bool *ret_waiting) {
        *ret_waiting = false;
        for (size_t i = 0; i < p->n_mounts; i++) {
                const PlanMount *pm = &p->mounts[i];
                size_t k = pm->config - c->mounts;
                MountRun *run = &runs[k];

                if (run->done)
                        continue;
                if (tried[k]) {
                        /* act_mount said how it went. */
                        run->done = true;
                        run->in_place = mounted[k];
                        continue;
                }
                switch (pm->state) {
                case MOUNT_MOUNTED:
                        run->done = run->in_place = true;
                        print_mount(pm, "already mounted (%s on %s)", pm->device ?: pm->config->what,
                                    pm->config->where);
                        break;
                case MOUNT_FAILED:
                        run->done = true;
                        print_mount(pm, "failed: %s", pm->reason);
                        break;
                case MOUNT_PENDING: /* every pending one was tried */
                case MOUNT_WAITING:
                        *ret_waiting = true;
                        if (!run->announced && f_have_devices && pm->why.kind != REASON_PARENT_MOUNT) {
                                run->announced = true;
                                print_mount(pm, "waiting for %s (up to %u s)", pm->config->what,
                                            c->agent.device_timeout_sec);
                        }
                        break;
                case _MOUNT_STATE_MAX:
                case _MOUNT_STATE_INVALID:
                        break;
                }
        }
}

static int run_mounts(const Config *c, MountRun *runs) {
        _cleanup_free_ bool *tried = NULL, *mounted = NULL;
        _cleanup_close_ int ev = -EBADF;
        long long deadline = now_ms() + (long long) c->agent.device_timeout_sec * 1000;
        bool udev = false;
        int r;

        /* Subscribe first, then probe: a device that appears in between is seen. */
        if (c->agent.device_timeout_sec > 0) {
                ev = uevent_open(&udev);
                if (ev < 0)
                        printf("warning: cannot watch for devices (%s): not waiting for late ones\n", strerror(-ev));
        }

        tried = calloc(c->n_mounts + 1, sizeof(bool));
        mounted = calloc(c->n_mounts + 1, sizeof(bool));
        if (!tried || !mounted)
                return -ENOMEM;
        for (;;) {
                _cleanup_(facts_freep) Facts *f = NULL;
                _cleanup_(plan_freep) Plan *p = NULL;
                bool waiting;
                long long left;

                /* The daemon's convergence: every mount whose device is there, parents first. */
                r = act_converge_mounts(c, read_facts, NULL, tried, mounted, print_report, NULL, &f, &p);
                if (r < 0) {
                        fprintf(stderr, "%s mount: cannot read the block devices or the mount table: %s\n",
                                program_name, strerror(-r));
                        return r;
                }
                mount_states(p, c, f->have_devices, tried, mounted, runs, &waiting);

                left = deadline - now_ms();
                /* Devices we may not probe will not become readable by waiting. */
                if (!waiting || ev < 0 || left <= 0 || !f->have_devices) {
                        /* What still waits has waited long enough. */
                        for (size_t i = 0; i < p->n_mounts; i++) {
                                const PlanMount *pm = &p->mounts[i];
                                MountRun *run = &runs[pm->config - c->mounts];

                                if (run->done)
                                        continue;
                                run->done = true;
                                if (pm->why.kind == REASON_PARENT_MOUNT)
                                        print_mount(pm, "failed: not mounted, %s", pm->reason);
                                else if (!f->have_devices)
                                        print_mount(pm, "failed: no device %s known: permission denied probing "
                                                    "the block devices (mounting needs root)", pm->config->what);
                                else if (c->agent.device_timeout_sec == 0)
                                        print_mount(pm, "failed: no device %s (deviceTimeoutSec is 0: no wait)",
                                                    pm->config->what);
                                else
                                        print_mount(pm, "failed: no device %s after %u s", pm->config->what,
                                                    c->agent.device_timeout_sec);
                        }
                        return 0;
                }
                /* Wait for a block device event, never for a fixed time. */
                r = uevent_wait(ev, left > 60000 ? 60000 : (int) left);
                if (r < 0) {
                        printf("warning: watching for devices failed (%s): not waiting any longer\n", strerror(-r));
                        ev = safe_close_fd(ev);
                }
        }
}

/* The secrets that could not be created are facts now: the plan made again
 * from them says which units wait for them, and why. */
static void print_failed_secrets(const Config *c, const Facts *f) {
        _cleanup_(plan_freep) Plan *p = NULL;

        if (plan_build(c, f, &p) < 0)
                return;
        for (size_t i = 0; i < p->n_secrets; i++) {
                const PlanSecret *s = &p->secrets[i];

                if (s->state != SECRET_FAILED)
                        continue;
                STRV_FOREACH(name, s->units) {
                        const PlanUnit *u = plan_find_unit(p, *name);
                        if (u && u->state != UNIT_READY)
                                printf("unit %s: %s: %s\n", u->name, unit_state_to_string(u->state), u->reason);
                }
        }
}

int cmd_mount(int argc, char **argv) {
        static const struct option options[] = {
                { "config", required_argument, NULL, 'c' },
                { "root", required_argument, NULL, 'r' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_(facts_freep) Facts *f = NULL;
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_free_ MountRun *runs = NULL;
        _cleanup_(applied_done) Applied applied = {};
        _cleanup_(action_list_done) ActionList actions = {};
        ExecContext ctx = { .report = print_report };
        const char *config = CONFIG_DEFAULT_PATH, *root = NULL;
        bool all = true;
        int opt, r;

        while ((opt = getopt_long(argc, argv, "c:r:h", options, NULL)) >= 0)
                switch (opt) {
                case 'c':
                        config = optarg;
                        break;
                case 'r':
                        root = optarg;
                        break;
                case 'h':
                        help();
                        return 0;
                default:
                        return EXIT_USAGE;
                }
        if (cli_extra_args(argc, argv, "mount"))
                return EXIT_USAGE;
        if (root && root[0] != '/') {
                fprintf(stderr, "%s mount: --root must be an absolute path, got '%s'\n", program_name, root);
                return EXIT_USAGE;
        }

        if (cli_load_config(config, &c) < 0)
                return EXIT_USAGE;
        if (config_rebase(c, root) < 0)
                return 1;
        setvbuf(stdout, NULL, _IOLBF, 0);

        runs = calloc(c->n_mounts + 1, sizeof(MountRun));
        if (!runs)
                return 1;
        r = run_mounts(c, runs);
        if (r < 0)
                return 1;
        for (size_t i = 0; i < c->n_mounts; i++)
                if (c->mounts[i].enable && !runs[i].in_place)
                        all = false;

        /* With the disks in place: the directories and the secrets. */
        r = facts_from_system(c, &f);
        if (r >= 0)
                r = plan_build(c, f, &p);
        if (r < 0) {
                fprintf(stderr, "%s mount: cannot plan the directories and secrets: %s\n", program_name,
                        strerror(-r));
                return 1;
        }
        ctx.failures = f;
        r = applied_read(p, c, ACTIONS_DISK, NULL, &applied);
        if (r >= 0)
                r = actions_build(p, c, f, &applied, ACTIONS_DISK, &actions);
        if (r < 0) {
                fprintf(stderr, "%s mount: cannot plan the directories and secrets: %s\n", program_name,
                        strerror(-r));
                return 1;
        }
        for (size_t i = 0; i < actions.n_actions; i++)
                (void) execute(&actions.actions[i], &ctx);
        act_report_secrets(p, false, print_report, NULL);
        if (ctx.n_failed > 0)
                print_failed_secrets(c, f);
        return all ? 0 : 1;
}
