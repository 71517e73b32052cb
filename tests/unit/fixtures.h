/* SPDX-License-Identifier: MIT */
#pragma once

/* The fixtures the unit tests share, written once: a node.json parsed or the
 * test fails, and the facts of a booted node whose executables are found.
 * Include after harness.h (they fail the test with its ASSERT_*). Static
 * inline: a test binary that uses none of them is not warned about it. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hsos/config.h"
#include "hsos/facts.h"
#include "hsos/plan.h"
#include "hsos/util.h"

/* node.json text parsed; a config refused fails the test, with the error
 * code, every error and the text printed. */
static inline Config *fixture_config(const char *json) {
        _cleanup_strv_free_ char **errors = NULL;
        Config *c = NULL;
        int r = config_parse(json, strlen(json), &c, &errors);

        if (r < 0) {
                printf("# config_parse: %d\n", r);
                STRV_FOREACH(e, errors)
                        printf("#   error: %s\n", *e);
                printf("# config: %s\n", json);
                HARNESS_FAIL("config refused");
        }
        ASSERT_NOT_NULL(c);
        return c;
}

/* Every executable c wants, found: a bare name in /usr/bin, a path as it is. */
static inline void fixture_find_wanted_executables(Facts *f, const Config *c) {
        _cleanup_strv_free_ char **exes = NULL;

        ASSERT_OK(facts_wanted_executables(c, &exes));
        STRV_FOREACH(e, exes) {
                char path[256];
                snprintf(path, sizeof path, "%s%s", (*e)[0] == '/' ? "" : "/usr/bin/", *e);
                ASSERT_OK(facts_add_executable(f, *e, path));
        }
}

/* Every client's executable, found in /usr/bin. */
static inline void fixture_find_every_client(Facts *f) {
        for (Client cl = 0; cl < _CLIENT_MAX; cl++) {
                char path[256];
                snprintf(path, sizeof path, "/usr/bin/%s", client_info(cl)->executable);
                ASSERT_OK(facts_add_executable(f, client_info(cl)->executable, path));
        }
}

/* A booted node: its devices known, the root a rootfs, /run a tmpfs, every
 * executable c wants found. The caller adds its disks. */
static inline Facts *fixture_booted_node(const Config *c) {
        Facts *f = facts_new();

        ASSERT_NOT_NULL(f);
        f->have_devices = true;
        ASSERT_OK(facts_add_mount(f, "/", "rootfs", "rootfs", "rw"));
        ASSERT_OK(facts_add_mount(f, "/run", "tmpfs", "tmpfs", "rw,nosuid,nodev"));
        fixture_find_wanted_executables(f, c);
        return f;
}

/* A node where everything a client's unit needs is in place: every client's
 * executable in /usr/bin, /mnt on an ext4 disk, the JWT /mnt/secrets/jwt.hex
 * present, loopback up. The caller adds what its test needs more. */
static inline Facts *fixture_good_facts(void) {
        Facts *f = facts_new();

        ASSERT_NOT_NULL(f);
        f->have_devices = true;
        ASSERT_OK(facts_add_mount(f, "/", "rootfs", "tmpfs", "rw"));
        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/vdb1", "ext4", "rw,noatime"));
        ASSERT_OK(facts_add_address(f, "lo", "127.0.0.1"));
        ASSERT_OK(facts_add_file(f, "/mnt/secrets/jwt.hex", FILE_PRESENT));
        fixture_find_every_client(f);
        return f;
}

/* The plan of c on f; one that cannot be built fails the test. */
static inline Plan *fixture_plan(const Config *c, const Facts *f) {
        Plan *p = NULL;

        ASSERT_OK(plan_build(c, f, &p));
        ASSERT_NOT_NULL(p);
        return p;
}

/* A new directory /tmp/hsos-NAME-XXXXXX (mode 0700), for a test that works
 * on real files; fixture_rm_rf removes it and all below it. */
static inline char *fixture_tmpdir(const char *name) {
        char *d = NULL;

        if (asprintf(&d, "/tmp/hsos-%s-XXXXXX", name) < 0 || !mkdtemp(d))
                HARNESS_FAIL("mkdtemp failed");
        return d;
}

static inline void fixture_rm_rf(const char *d) {
        char cmd[512];

        snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
        if (system(cmd) != 0)
                printf("# could not remove %s\n", d);
}
