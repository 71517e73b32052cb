/* SPDX-License-Identifier: MIT */
/* libFuzzer target: node.json bytes -> config_parse (parse + validate), and
 * for a valid config plan_build over fixed facts, then plan_to_text and
 * plan_to_json (which render every unit). Everything is freed: the leak
 * checker runs at the end of each input.
 *
 *   make fuzz FUZZ_SECONDS=300
 *   build/fuzz/fuzz-config -runs=0 tests/fuzz/corpus/config   (regression) */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hsos/config.h"
#include "hsos/facts.h"
#include "hsos/plan.h"
#include "hsos/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The system the plan is computed for: a RAM root, an ext4 disk at /mnt
 * (/dev/vdb, LABEL=ethdata), a tmpfs at /run, 192.168.100.50 on eth0, a JWT
 * in place, and every executable the config asks for found. */
static Facts *make_facts(const Config *c) {
        Facts *f = facts_new();
        char **exes = NULL;

        if (!f)
                return NULL;
        f->have_devices = true;
        if (facts_add_device(f, "/dev/vdb", "ext4", "ethdata", "0b1e6f2c-5d7a-4c1e-9a3b-2f6d8e4c1a77", NULL, NULL) < 0 ||
            facts_add_device_alias(f, "/dev/vdb", "/dev/disk/by-label/ethdata") < 0 ||
            facts_add_device_alias(f, "/dev/vdb", "/dev/disk/by-uuid/0b1e6f2c-5d7a-4c1e-9a3b-2f6d8e4c1a77") < 0 ||
            facts_add_mount(f, "/", "rootfs", "rootfs", "rw") < 0 ||
            facts_add_mount(f, "/run", "tmpfs", "tmpfs", "rw,nosuid,nodev,mode=755") < 0 ||
            facts_add_mount(f, "/mnt", "/dev/vdb", "ext4", "rw,noatime") < 0 ||
            facts_add_address(f, "lo", "127.0.0.1") < 0 ||
            facts_add_address(f, "eth0", "192.168.100.50") < 0 ||
            facts_add_file(f, "/mnt/secrets/jwt.hex", FILE_PRESENT) < 0)
                goto fail;

        if (facts_wanted_executables(c, &exes) < 0)
                goto fail;
        STRV_FOREACH(e, exes) {
                char path[4096];
                const char *p = *e;

                if (p[0] != '/') {
                        snprintf(path, sizeof path, "/run/current-system/sw/bin/%s", p);
                        p = path;
                }
                if (facts_add_executable(f, *e, p) < 0)
                        goto fail;
        }
        strv_free(exes);
        return f;

fail:
        strv_free(exes);
        facts_free(f);
        return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        Config *c = NULL;
        char **errors = NULL;
        Facts *f = NULL;
        Plan *p = NULL;
        char *text = NULL, *json = NULL;
        int r;

        r = config_parse((const char *) data, size, &c, &errors);
        if (r < 0) {
                /* An invalid document says why, at least once. */
                if (r == -EINVAL && strv_length(errors) == 0)
                        abort();
                goto out;
        }
        if (!c)
                abort();

        f = make_facts(c);
        if (!f)
                goto out;
        if (plan_build(c, f, &p) < 0)
                goto out;
        if (plan_to_text(p, c, &text) >= 0 && !text)
                abort();
        if (plan_to_json(p, c, &json) >= 0 && !json)
                abort();

out:
        free(json);
        free(text);
        plan_free(p);
        facts_free(f);
        strv_free(errors);
        config_free(c);
        return 0;
}
