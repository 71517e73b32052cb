/* SPDX-License-Identifier: MIT */
/* The plan follows the rules that protect a node, against hand-built facts. */

#include "harness.h"
#include "fixtures.h"
#include "hsos/config.h"
#include "hsos/facts.h"
#include "hsos/plan.h"
#include "hsos/util.h"

/* A booted RAM-disk node: the root is rootfs, /run a tmpfs, every client found. */
static Facts *ram_node(const Config *c) {
        Facts *f = fixture_booted_node(c);

        ASSERT_OK(facts_add_mount(f, "/tmp", "tmpfs", "tmpfs", "rw"));
        return f;
}

static const PlanUnit *unit(const Plan *p, const char *name) {
        const PlanUnit *u = plan_find_unit(p, name);

        if (!u)
                HARNESS_FAIL("no unit %s in the plan", name);
        return u;
}

static const PlanSecret *secret(const Plan *p, SecretKind kind, const char *path) {
        for (size_t i = 0; i < p->n_secrets; i++)
                if (p->secrets[i].kind == kind && streq(p->secrets[i].path, path))
                        return &p->secrets[i];
        HARNESS_FAIL("no secret %s at %s", secret_kind_to_string(kind), path);
}

static const PlanMount *mount(const Plan *p, const char *name) {
        for (size_t i = 0; i < p->n_mounts; i++)
                if (streq(p->mounts[i].config->name, name))
                        return &p->mounts[i];
        HARNESS_FAIL("no mount %s", name);
}

#define ASSERT_UNIT(p, name, st, reason_part)                                          \
        do {                                                                           \
                const PlanUnit *_u = unit(p, name);                                    \
                if (_u->state != (st))                                                 \
                        HARNESS_FAIL("%s is %s (%s), expected %s", name,               \
                                     unit_state_to_string(_u->state), strempty(_u->reason), \
                                     unit_state_to_string(st));                        \
                if (reason_part)                                                       \
                        ASSERT_CONTAINS(_u->reason, (const char *) (reason_part));     \
        } while (0)

static const char geth_on_mnt[] =
        "{\"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/mnt/geth\", \"jwtSecretFile\": \"/mnt/secrets/jwt.hex\"}}}";

TEST(data_dir_on_a_disk_mounted_outside_mounts_is_fine) {
        _cleanup_(config_freep) Config *c = fixture_config(geth_on_mnt);
        _cleanup_(facts_freep) Facts *f = ram_node(c);
        _cleanup_(plan_freep) Plan *p = NULL;

        /* Mounted by fstab or the initrd: the mount table is what counts. */
        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/sda1", "ext4", "rw,noatime"));
        p = fixture_plan(c, f);
        ASSERT_UNIT(p, "geth.service", UNIT_READY, NULL);
        ASSERT_EQ(secret(p, SECRET_JWT, "/mnt/secrets/jwt.hex")->state, SECRET_CREATE);
        /* The ssh host key's directory, the data dir, the JWT's directory. */
        ASSERT_EQ(p->n_dirs, 3);
        ASSERT_STREQ(p->dirs[0].path, "/mnt/secrets/ssh");
        ASSERT_EQ(p->dirs[0].mode, 0700);
        ASSERT_STREQ(p->dirs[1].path, "/mnt/geth");
        ASSERT_EQ(p->dirs[1].uid, 801);
        ASSERT_EQ(p->dirs[1].mode, 0700);
        ASSERT_TRUE(p->dirs[1].data);
        ASSERT_STREQ(p->dirs[2].path, "/mnt/secrets");
        ASSERT_EQ(p->dirs[2].uid, 0);
}

TEST(data_dir_on_tmpfs_is_blocked) {
        _cleanup_(config_freep) Config *c = fixture_config(geth_on_mnt);
        _cleanup_(facts_freep) Facts *f = ram_node(c);
        _cleanup_(plan_freep) Plan *p = NULL;

        ASSERT_OK(facts_add_mount(f, "/mnt", "tmpfs", "tmpfs", "rw"));
        p = fixture_plan(c, f);
        ASSERT_UNIT(p, "geth.service", UNIT_BLOCKED, "/mnt/geth is on tmpfs (/mnt), not on persistent storage");
        /* Nothing is created in RAM for it. */
        ASSERT_EQ(p->n_dirs, 0);
        ASSERT_EQ(secret(p, SECRET_JWT, "/mnt/secrets/jwt.hex")->state, SECRET_BLOCKED);
}

TEST(data_dir_on_the_ram_root_is_blocked) {
        _cleanup_(config_freep) Config *c = fixture_config(geth_on_mnt);
        _cleanup_(facts_freep) Facts *f = ram_node(c);
        _cleanup_(plan_freep) Plan *p = fixture_plan(c, f);

        ASSERT_UNIT(p, "geth.service", UNIT_BLOCKED, "/mnt/geth is on the RAM root (rootfs)");
}

TEST(data_dir_under_an_enabled_mount_not_yet_in_place_is_blocked) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"mounts\": {\"eth\": {\"enable\": true, \"what\": \"LABEL=ethdata\", \"where\": \"/mnt/eth\"}},"
                " \"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/mnt/eth/geth\", \"jwtSecretFile\": \"/mnt/eth/jwt.hex\"}}}");
        _cleanup_(facts_freep) Facts *f = facts_new();
        _cleanup_(plan_freep) Plan *p = NULL;

        /* Even where the directory beneath the mount point lies on a disk. */
        f->have_devices = true;
        ASSERT_OK(facts_add_mount(f, "/", "/dev/sda2", "ext4", "rw"));
        ASSERT_OK(facts_add_executable(f, "geth", "/usr/bin/geth"));
        ASSERT_OK(facts_add_file(f, "/mnt/eth/jwt.hex", FILE_PRESENT)); /* beneath the mount point: not looked at */
        p = fixture_plan(c, f);
        ASSERT_EQ(mount(p, "eth")->state, MOUNT_WAITING);
        ASSERT_STREQ(mount(p, "eth")->reason, "no device LABEL=ethdata yet");
        ASSERT_UNIT(p, "geth.service", UNIT_BLOCKED, "/mnt/eth/geth is on mount eth (/mnt/eth), which is not in place");
        ASSERT_EQ(secret(p, SECRET_JWT, "/mnt/eth/jwt.hex")->state, SECRET_BLOCKED);
        /* Nothing is created beneath the mount point. */
        for (size_t i = 0; i < p->n_dirs; i++)
                ASSERT_FALSE(path_startswith_dir(p->dirs[i].path, "/mnt/eth"));

        /* The disk arrives: the mount is to be done, the unit still waits for it. */
        ASSERT_OK(facts_add_device(f, "/dev/vdb", "ext4", "ethdata", "1b2c", NULL, NULL));
        plan_free(TAKE_PTR(p));
        p = fixture_plan(c, f);
        ASSERT_EQ(mount(p, "eth")->state, MOUNT_PENDING);
        ASSERT_STREQ(mount(p, "eth")->device, "/dev/vdb");
        ASSERT_STREQ(mount(p, "eth")->fstype, "ext4");
        ASSERT_UNIT(p, "geth.service", UNIT_BLOCKED, "which is not mounted yet");

        /* Mounted: the unit is ready and the JWT on the disk is used. */
        ASSERT_OK(facts_add_mount(f, "/mnt/eth", "/dev/vdb", "ext4", "rw,noatime"));
        plan_free(TAKE_PTR(p));
        p = fixture_plan(c, f);
        ASSERT_EQ(mount(p, "eth")->state, MOUNT_MOUNTED);
        ASSERT_UNIT(p, "geth.service", UNIT_READY, NULL);
        ASSERT_EQ(secret(p, SECRET_JWT, "/mnt/eth/jwt.hex")->state, SECRET_PRESENT);
}

TEST(jwt_under_run_that_exists_is_used) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"consensus\": {\"lighthouse\": {\"enable\": true, \"dataDir\": \"/mnt/lh\", \"jwtSecretFile\": \"/run/agenix/jwt\"}}}");
        _cleanup_(facts_freep) Facts *f = ram_node(c);
        _cleanup_(plan_freep) Plan *p = NULL;

        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/sda1", "xfs", "rw"));
        ASSERT_OK(facts_add_file(f, "/run/agenix/jwt", FILE_PRESENT));
        p = fixture_plan(c, f);
        ASSERT_EQ(secret(p, SECRET_JWT, "/run/agenix/jwt")->state, SECRET_PRESENT);
        ASSERT_UNIT(p, "lighthouse.service", UNIT_READY, NULL);
        ASSERT_CONTAINS(unit(p, "lighthouse.service")->content, "LoadCredential=jwt.hex:/run/agenix/jwt\n");
}

TEST(missing_jwt_on_tmpfs_blocks_its_clients) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/mnt/geth\", \"jwtSecretFile\": \"/run/agenix/jwt\"}},"
                " \"consensus\": {\"teku\": {\"enable\": true, \"dataDir\": \"/mnt/teku\", \"jwtSecretFile\": \"/run/agenix/jwt\"}}}");
        _cleanup_(facts_freep) Facts *f = ram_node(c);
        _cleanup_(plan_freep) Plan *p = NULL;
        const PlanSecret *s;

        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/sda1", "ext4", "rw"));
        p = fixture_plan(c, f);
        s = secret(p, SECRET_JWT, "/run/agenix/jwt");
        ASSERT_EQ(s->state, SECRET_BLOCKED);
        ASSERT_CONTAINS(s->reason, "/run/agenix/jwt is on tmpfs (/run)");
        ASSERT_EQ(strv_length(s->units), 2);
        ASSERT_UNIT(p, "geth.service", UNIT_BLOCKED, "JWT secret: missing and not created");
        ASSERT_UNIT(p, "teku.service", UNIT_BLOCKED, "its units wait for it to appear");

        /* Another service decrypts it later: the clients are released. */
        ASSERT_OK(facts_add_file(f, "/run/agenix/jwt", FILE_PRESENT));
        plan_free(TAKE_PTR(p));
        p = fixture_plan(c, f);
        ASSERT_UNIT(p, "geth.service", UNIT_READY, NULL);
        ASSERT_UNIT(p, "teku.service", UNIT_READY, NULL);
}

TEST(an_invalid_jwt_is_an_error_never_replaced) {
        _cleanup_(config_freep) Config *c = fixture_config(geth_on_mnt);
        _cleanup_(facts_freep) Facts *f = ram_node(c);
        _cleanup_(plan_freep) Plan *p = NULL;

        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/sda1", "ext4", "rw"));
        ASSERT_OK(facts_add_file(f, "/mnt/secrets/jwt.hex", FILE_INVALID));
        p = fixture_plan(c, f);
        ASSERT_EQ(secret(p, SECRET_JWT, "/mnt/secrets/jwt.hex")->state, SECRET_INVALID);
        ASSERT_UNIT(p, "geth.service", UNIT_BLOCKED, "is not 64 hex characters");
        /* No directory is planned for the secret: nothing is written. */
        for (size_t i = 0; i < p->n_dirs; i++)
                ASSERT_FALSE(streq(p->dirs[i].path, "/mnt/secrets"));
}

/* A JWT the agent tried to create and could not (a full disk: ENOSPC) is a
 * fact: the plan made again blocks every client that needs it, naming the
 * file and the error, instead of starting them without their
 * LoadCredential= file. */
TEST(a_jwt_that_could_not_be_created_blocks_its_units) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/mnt/geth\", \"jwtSecretFile\": \"/mnt/secrets/jwt.hex\"}},"
                " \"consensus\": {\"lighthouse\": {\"enable\": true, \"dataDir\": \"/mnt/lh\", \"jwtSecretFile\": \"/mnt/secrets/jwt.hex\"}}}");
        _cleanup_(facts_freep) Facts *f = ram_node(c);
        _cleanup_(plan_freep) Plan *p = NULL, *again = NULL;
        const PlanSecret *s;

        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/sda1", "ext4", "rw"));
        p = fixture_plan(c, f);
        ASSERT_EQ(secret(p, SECRET_JWT, "/mnt/secrets/jwt.hex")->state, SECRET_CREATE);
        ASSERT_UNIT(p, "geth.service", UNIT_READY, NULL);

        ASSERT_OK(facts_set_create_error(f, "/mnt/secrets/jwt.hex", "No space left on device"));
        again = fixture_plan(c, f);
        s = secret(again, SECRET_JWT, "/mnt/secrets/jwt.hex");
        ASSERT_EQ(s->state, SECRET_FAILED);
        ASSERT_STREQ(secret_state_to_string(s->state), "failed");
        ASSERT_STREQ(s->reason, "/mnt/secrets/jwt.hex could not be created: No space left on device");
        ASSERT_UNIT(again, "geth.service", UNIT_BLOCKED,
                    "JWT secret: /mnt/secrets/jwt.hex could not be created: No space left on device");
        ASSERT_UNIT(again, "lighthouse.service", UNIT_BLOCKED,
                    "JWT secret: /mnt/secrets/jwt.hex could not be created: No space left on device");
        ASSERT_EQ(unit(again, "geth.service")->whys[0].kind, REASON_SECRET);
        ASSERT_EQ(unit(again, "geth.service")->whys[0].secret_state, SECRET_FAILED);
        ASSERT_STREQ(unit(again, "geth.service")->whys[0].path, "/mnt/secrets/jwt.hex");
        /* Its data dirs are still made; nothing more is planned for the secret. */
        for (size_t i = 0; i < again->n_dirs; i++)
                ASSERT_FALSE(streq(again->dirs[i].path, "/mnt/secrets"));
}

/* The failure is a fact of one evaluation: the next one reads the disk
 * afresh and tries again, and the secret created then releases its units. */
TEST(a_secret_created_after_a_failure_releases_its_units) {
        _cleanup_(config_freep) Config *c = fixture_config(geth_on_mnt);
        _cleanup_(facts_freep) Facts *f = ram_node(c), *later = ram_node(c);
        _cleanup_(plan_freep) Plan *p = NULL, *again = NULL;

        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/sda1", "ext4", "rw"));
        ASSERT_OK(facts_set_create_error(f, "/mnt/secrets/jwt.hex", "Read-only file system"));
        ASSERT_EQ(facts_file_state(f, "/mnt/secrets/jwt.hex"), FILE_ABSENT);
        p = fixture_plan(c, f);
        ASSERT_UNIT(p, "geth.service", UNIT_BLOCKED, "could not be created: Read-only file system");

        ASSERT_OK(facts_add_mount(later, "/mnt", "/dev/sda1", "ext4", "rw"));
        ASSERT_OK(facts_add_file(later, "/mnt/secrets/jwt.hex", FILE_PRESENT));
        again = fixture_plan(c, later);
        ASSERT_EQ(secret(again, SECRET_JWT, "/mnt/secrets/jwt.hex")->state, SECRET_PRESENT);
        ASSERT_UNIT(again, "geth.service", UNIT_READY, NULL);
}

TEST(a_paired_jwt_that_could_not_be_created_blocks_both_clients) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/mnt/geth\", \"jwtSecretFile\": \"/mnt/geth/jwt.hex\"}},"
                " \"consensus\": {\"lighthouse\": {\"enable\": true, \"dataDir\": \"/mnt/lh\", \"jwtSecretFile\": \"/mnt/lh/jwt.hex\"}}}");
        _cleanup_(facts_freep) Facts *f = ram_node(c);
        _cleanup_(plan_freep) Plan *p = NULL;

        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/sda1", "ext4", "rw"));
        ASSERT_OK(facts_set_create_error(f, "/mnt/geth/jwt.hex", "No space left on device"));
        p = fixture_plan(c, f);
        ASSERT_EQ(secret(p, SECRET_JWT, "/mnt/geth/jwt.hex")->state, SECRET_FAILED);
        ASSERT_UNIT(p, "geth.service", UNIT_BLOCKED, "/mnt/geth/jwt.hex could not be created: No space left on device");
        /* Its pair would copy a secret that is not there: it waits for it. */
        ASSERT_EQ(secret(p, SECRET_JWT, "/mnt/lh/jwt.hex")->state, SECRET_BLOCKED);
        ASSERT_UNIT(p, "lighthouse.service", UNIT_BLOCKED, "waiting for its pair /mnt/geth/jwt.hex");
}

TEST(an_ssh_host_key_that_could_not_be_created_leaves_sshd_on_a_ram_key) {
        _cleanup_(config_freep) Config *c = fixture_config("{}");
        _cleanup_(facts_freep) Facts *f = ram_node(c);
        _cleanup_(plan_freep) Plan *p = NULL;
        const PlanSecret *s;

        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/sda1", "ext4", "rw"));
        ASSERT_OK(facts_set_create_error(f, "/mnt/secrets/ssh/id_ed25519", "ssh-keygen failed"));
        p = fixture_plan(c, f);
        s = secret(p, SECRET_SSH_HOST_KEY, "/mnt/secrets/ssh/id_ed25519");
        ASSERT_EQ(s->state, SECRET_FAILED);
        ASSERT_STREQ(s->reason, "/mnt/secrets/ssh/id_ed25519 could not be created: ssh-keygen failed; "
                                "sshd runs with a key made in RAM for this boot");
}

/* A real node's execution and consensus clients named two JWT files: they
 * work only if both hold one secret. */
static const char *paired_jwts =
        "{\"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/mnt/geth\", \"jwtSecretFile\": \"/mnt/geth/jwt.hex\"}},"
        " \"consensus\": {\"lighthouse\": {\"enable\": true, \"dataDir\": \"/mnt/lh\", \"jwtSecretFile\": \"/mnt/lh/jwt.hex\"}}}";

TEST(paired_jwts_both_missing_one_secret_for_both) {
        _cleanup_(config_freep) Config *c = fixture_config(paired_jwts);
        _cleanup_(facts_freep) Facts *f = ram_node(c);
        _cleanup_(plan_freep) Plan *p = NULL;
        const PlanSecret *a, *b;

        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/sda1", "ext4", "rw"));
        p = fixture_plan(c, f);
        a = secret(p, SECRET_JWT, "/mnt/geth/jwt.hex");
        b = secret(p, SECRET_JWT, "/mnt/lh/jwt.hex");
        ASSERT_EQ(a->state, SECRET_CREATE);
        ASSERT_NULL(a->copy_from); /* the new secret... */
        ASSERT_EQ(b->state, SECRET_CREATE);
        ASSERT_STREQ(b->copy_from, "/mnt/geth/jwt.hex"); /* ...written to both */
        ASSERT_TRUE(a < b); /* created before its copy */
        ASSERT_EQ(strv_length(a->shared_with), 1);
        ASSERT_STREQ(a->shared_with[0], "/mnt/lh/jwt.hex");
        ASSERT_STREQ(b->shared_with[0], "/mnt/geth/jwt.hex");
        ASSERT_UNIT(p, "geth.service", UNIT_READY, NULL);
        ASSERT_UNIT(p, "lighthouse.service", UNIT_READY, NULL);
        /* The data dirs stay the clients' own: the secrets inside them do not
         * make them root's. */
        for (size_t i = 0; i < p->n_dirs; i++)
                if (streq(p->dirs[i].path, "/mnt/geth") || streq(p->dirs[i].path, "/mnt/lh"))
                        ASSERT_TRUE(p->dirs[i].data && p->dirs[i].uid != 0);
}

TEST(paired_jwts_one_missing_gets_the_secret_of_the_other) {
        _cleanup_(config_freep) Config *c = fixture_config(paired_jwts);
        _cleanup_(facts_freep) Facts *f = ram_node(c);
        _cleanup_(plan_freep) Plan *p = NULL;

        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/sda1", "ext4", "rw"));
        ASSERT_OK(facts_add_file_id(f, "/mnt/lh/jwt.hex", FILE_PRESENT, 1));
        p = fixture_plan(c, f);
        ASSERT_EQ(secret(p, SECRET_JWT, "/mnt/lh/jwt.hex")->state, SECRET_PRESENT);
        ASSERT_EQ(secret(p, SECRET_JWT, "/mnt/geth/jwt.hex")->state, SECRET_CREATE);
        ASSERT_STREQ(secret(p, SECRET_JWT, "/mnt/geth/jwt.hex")->copy_from, "/mnt/lh/jwt.hex");
        ASSERT_UNIT(p, "geth.service", UNIT_READY, NULL);
        ASSERT_UNIT(p, "lighthouse.service", UNIT_READY, NULL);
}

TEST(paired_jwts_that_differ_block_both_naming_both_paths) {
        _cleanup_(config_freep) Config *c = fixture_config(paired_jwts);
        _cleanup_(facts_freep) Facts *f = ram_node(c);
        _cleanup_(plan_freep) Plan *p = NULL;
        static const char *both = "/mnt/geth/jwt.hex and /mnt/lh/jwt.hex hold different JWT secrets";

        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/sda1", "ext4", "rw"));
        ASSERT_OK(facts_add_file_id(f, "/mnt/geth/jwt.hex", FILE_PRESENT, 1));
        ASSERT_OK(facts_add_file_id(f, "/mnt/lh/jwt.hex", FILE_PRESENT, 2));
        p = fixture_plan(c, f);
        ASSERT_EQ(secret(p, SECRET_JWT, "/mnt/geth/jwt.hex")->state, SECRET_INVALID);
        ASSERT_EQ(secret(p, SECRET_JWT, "/mnt/lh/jwt.hex")->state, SECRET_INVALID);
        ASSERT_UNIT(p, "geth.service", UNIT_BLOCKED, both);
        ASSERT_UNIT(p, "lighthouse.service", UNIT_BLOCKED, both);
        for (size_t i = 0; i < p->n_dirs; i++) /* nothing is written */
                ASSERT_FALSE(streq(p->dirs[i].path, "/mnt/secrets"));

        /* The same secret in both: ready. */
        plan_free(TAKE_PTR(p));
        facts_free(TAKE_PTR(f));
        f = ram_node(c);
        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/sda1", "ext4", "rw"));
        ASSERT_OK(facts_add_file_id(f, "/mnt/geth/jwt.hex", FILE_PRESENT, 1));
        ASSERT_OK(facts_add_file_id(f, "/mnt/lh/jwt.hex", FILE_PRESENT, 1));
        p = fixture_plan(c, f);
        ASSERT_UNIT(p, "geth.service", UNIT_READY, NULL);
        ASSERT_UNIT(p, "lighthouse.service", UNIT_READY, NULL);
}

TEST(a_missing_paired_jwt_waits_for_a_pair_it_cannot_read_yet) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/mnt/geth\", \"jwtSecretFile\": \"/mnt/geth/jwt.hex\"}},"
                " \"consensus\": {\"lighthouse\": {\"enable\": true, \"dataDir\": \"/mnt/lh\", \"jwtSecretFile\": \"/run/agenix/jwt\"}}}");
        _cleanup_(facts_freep) Facts *f = ram_node(c);
        _cleanup_(plan_freep) Plan *p = NULL;

        /* /run/agenix/jwt is decrypted later: a new secret for geth now would
         * differ from it. geth's file waits for it. */
        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/sda1", "ext4", "rw"));
        p = fixture_plan(c, f);
        ASSERT_EQ(secret(p, SECRET_JWT, "/run/agenix/jwt")->state, SECRET_BLOCKED);
        ASSERT_EQ(secret(p, SECRET_JWT, "/mnt/geth/jwt.hex")->state, SECRET_BLOCKED);
        ASSERT_UNIT(p, "geth.service", UNIT_BLOCKED, "waiting for its pair /run/agenix/jwt");

        plan_free(TAKE_PTR(p));
        ASSERT_OK(facts_add_file_id(f, "/run/agenix/jwt", FILE_PRESENT, 7));
        p = fixture_plan(c, f);
        ASSERT_STREQ(secret(p, SECRET_JWT, "/mnt/geth/jwt.hex")->copy_from, "/run/agenix/jwt");
        ASSERT_UNIT(p, "geth.service", UNIT_READY, NULL);
        ASSERT_UNIT(p, "lighthouse.service", UNIT_READY, NULL);
}

TEST(one_jwt_file_for_both_is_not_paired) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/mnt/geth\", \"jwtSecretFile\": \"/mnt/jwt\"}},"
                " \"consensus\": {\"lighthouse\": {\"enable\": true, \"dataDir\": \"/mnt/lh\", \"jwtSecretFile\": \"/mnt/jwt\"}}}");
        _cleanup_(facts_freep) Facts *f = ram_node(c);
        _cleanup_(plan_freep) Plan *p = NULL;

        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/sda1", "ext4", "rw"));
        p = fixture_plan(c, f);
        ASSERT_NULL(secret(p, SECRET_JWT, "/mnt/jwt")->shared_with);
        ASSERT_NULL(secret(p, SECRET_JWT, "/mnt/jwt")->copy_from);
        ASSERT_EQ(strv_length(secret(p, SECRET_JWT, "/mnt/jwt")->units), 2);
}

TEST(client_bound_to_a_lan_address_waits_for_it) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"consensus\": {\"nimbus\": {\"enable\": true, \"dataDir\": \"/mnt/nimbus\","
                " \"endpoint\": \"http://192.168.100.50:5052\"}}}");
        _cleanup_(facts_freep) Facts *f = ram_node(c);
        _cleanup_(plan_freep) Plan *p = NULL;

        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/sda1", "ext4", "rw"));
        ASSERT_OK(facts_add_address(f, "lo", "127.0.0.1"));
        ASSERT_OK(facts_add_address(f, "eth0", "192.168.100.49"));
        p = fixture_plan(c, f);
        ASSERT_UNIT(p, "nimbus.service", UNIT_WAITING, "waiting for address 192.168.100.50 to appear on an interface");

        ASSERT_OK(facts_add_address(f, "eth0", "192.168.100.50"));
        plan_free(TAKE_PTR(p));
        p = fixture_plan(c, f);
        ASSERT_UNIT(p, "nimbus.service", UNIT_READY, NULL);
}

TEST(wildcard_and_loopback_need_no_wait) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"execution\": {\"reth\": {\"enable\": true, \"dataDir\": \"/mnt/reth\", \"endpoint\": \"http://0.0.0.0:8551\"}},"
                " \"consensus\": {\"lodestar\": {\"enable\": true, \"dataDir\": \"/mnt/lodestar\", \"endpoint\": \"http://[::1]:5052\"}}}");
        _cleanup_(facts_freep) Facts *f = ram_node(c);
        _cleanup_(plan_freep) Plan *p = NULL;

        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/sda1", "ext4", "rw"));
        p = fixture_plan(c, f);
        ASSERT_UNIT(p, "reth.service", UNIT_READY, NULL);
        ASSERT_UNIT(p, "lodestar.service", UNIT_READY, NULL);
}

TEST(blocked_reasons_come_before_waiting) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"addons\": {\"mev-boost\": {\"enable\": true, \"endpoint\": \"http://10.10.0.5:18550\"}}}");
        _cleanup_(facts_freep) Facts *f = facts_new();
        _cleanup_(plan_freep) Plan *p = NULL;

        ASSERT_OK(facts_add_mount(f, "/", "rootfs", "rootfs", "rw"));
        p = fixture_plan(c, f);
        ASSERT_UNIT(p, "mev-boost.service", UNIT_BLOCKED, "executable mev-boost was not found on PATH");
}

TEST(mounts_parents_first_and_children_wait) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"mounts\": {"
                " \"chain\": {\"enable\": true, \"what\": \"LABEL=chain\", \"where\": \"/var/mnt/data/chain\"},"
                " \"data\": {\"enable\": true, \"what\": \"LABEL=data\", \"where\": \"/var/mnt/data\"},"
                " \"off\": {\"enable\": false, \"what\": \"LABEL=x\", \"where\": \"/var/mnt/off\"}}}");
        _cleanup_(facts_freep) Facts *f = facts_new();
        _cleanup_(plan_freep) Plan *p = NULL;

        f->have_devices = true;
        ASSERT_OK(facts_add_mount(f, "/", "rootfs", "rootfs", "rw"));
        ASSERT_OK(facts_add_device(f, "/dev/vdc", "xfs", "chain", NULL, NULL, NULL));
        p = fixture_plan(c, f);
        ASSERT_EQ(p->n_mounts, 2);
        ASSERT_STREQ(p->mounts[0].config->name, "data");
        ASSERT_STREQ(p->mounts[1].config->name, "chain");
        ASSERT_EQ(p->mounts[0].state, MOUNT_WAITING);
        ASSERT_EQ(p->mounts[1].state, MOUNT_WAITING);
        ASSERT_STREQ(p->mounts[1].reason, "waiting for mount data (/var/mnt/data) to be in place first");
        /* What `mount` branches on is the kind, not the words. */
        ASSERT_EQ(p->mounts[0].why.kind, REASON_NO_DEVICE);
        ASSERT_STREQ(p->mounts[0].why.name, "LABEL=data");
        ASSERT_EQ(p->mounts[1].why.kind, REASON_PARENT_MOUNT);
        ASSERT_STREQ(p->mounts[1].why.name, "data");
}

TEST(one_btrfs_disk_mounted_twice_by_subvolid) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"mounts\": {"
                " \"eth\": {\"enable\": true, \"what\": \"/dev/disk/by-label/pool\", \"where\": \"/mnt/eth\","
                "   \"type\": \"btrfs\", \"options\": \"subvolid=256\"},"
                " \"keys\": {\"enable\": true, \"what\": \"/dev/disk/by-label/pool\", \"where\": \"/mnt/keys\","
                "   \"type\": \"btrfs\", \"options\": \"subvolid=257,noatime\"}}}");
        _cleanup_(facts_freep) Facts *f = facts_new();
        _cleanup_(plan_freep) Plan *p = NULL;

        /* No udev: the by-label path has no link and is resolved as LABEL=pool. */
        f->have_devices = true;
        ASSERT_OK(facts_add_mount(f, "/", "rootfs", "rootfs", "rw"));
        ASSERT_OK(facts_add_device(f, "/dev/vdb", "btrfs", "pool", "aa-bb", NULL, NULL));
        p = fixture_plan(c, f);
        ASSERT_EQ(mount(p, "eth")->state, MOUNT_PENDING);
        ASSERT_EQ(mount(p, "keys")->state, MOUNT_PENDING);
        ASSERT_STREQ(mount(p, "keys")->device, "/dev/vdb");

        ASSERT_OK(facts_add_mount(f, "/mnt/eth", "/dev/vdb", "btrfs", "rw,noatime,space_cache=v2,subvolid=256,subvol=/eth"));
        ASSERT_OK(facts_add_mount(f, "/mnt/keys", "/dev/vdb", "btrfs", "rw,subvolid=258,subvol=/other"));
        plan_free(TAKE_PTR(p));
        p = fixture_plan(c, f);
        ASSERT_EQ(mount(p, "eth")->state, MOUNT_MOUNTED);
        ASSERT_EQ(mount(p, "keys")->state, MOUNT_FAILED);
        ASSERT_CONTAINS(mount(p, "keys")->reason, "with another subvolume");
}

TEST(something_else_mounted_there_is_left_alone) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"mounts\": {\"eth\": {\"enable\": true, \"what\": \"UUID=1234-ABCD\", \"where\": \"/mnt/eth\"}}}");
        _cleanup_(facts_freep) Facts *f = facts_new();
        _cleanup_(plan_freep) Plan *p = NULL;

        f->have_devices = true;
        ASSERT_OK(facts_add_mount(f, "/", "rootfs", "rootfs", "rw"));
        ASSERT_OK(facts_add_device(f, "/dev/vdb", "vfat", NULL, "1234-abcd", NULL, NULL));
        ASSERT_OK(facts_add_mount(f, "/mnt/eth", "tmpfs", "tmpfs", "rw"));
        p = fixture_plan(c, f);
        ASSERT_EQ(mount(p, "eth")->state, MOUNT_FAILED);
        ASSERT_STREQ(mount(p, "eth")->reason, "something else is mounted at /mnt/eth (tmpfs, tmpfs); it is left alone");
}

TEST(two_devices_with_one_label_are_not_guessed) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"mounts\": {\"eth\": {\"enable\": true, \"what\": \"LABEL=ethdata\", \"where\": \"/mnt/eth\"}}}");
        _cleanup_(facts_freep) Facts *f = facts_new();
        _cleanup_(plan_freep) Plan *p = NULL;

        f->have_devices = true;
        ASSERT_OK(facts_add_device(f, "/dev/sdb1", "ext4", "ethdata", NULL, NULL, NULL));
        ASSERT_OK(facts_add_device(f, "/dev/sdc1", "ext4", "ethdata", NULL, NULL, NULL));
        p = fixture_plan(c, f);
        ASSERT_EQ(mount(p, "eth")->state, MOUNT_FAILED);
        ASSERT_STREQ(mount(p, "eth")->reason, "LABEL=ethdata matches 2 devices (/dev/sdb1, /dev/sdc1); refusing to guess");
}

TEST(wrong_type_and_ambivalent_probe) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"mounts\": {\"a\": {\"enable\": true, \"what\": \"/dev/mapper/vg0-data\", \"where\": \"/mnt/a\", \"type\": \"xfs\"},"
                " \"b\": {\"enable\": true, \"what\": \"PARTLABEL=chain\", \"where\": \"/mnt/b\"}}}");
        _cleanup_(facts_freep) Facts *f = facts_new();
        _cleanup_(plan_freep) Plan *p = NULL;

        f->have_devices = true;
        ASSERT_OK(facts_add_device(f, "/dev/dm-0", "ext4", NULL, NULL, NULL, NULL));
        ASSERT_OK(facts_add_device_alias(f, "/dev/dm-0", "/dev/mapper/vg0-data"));
        ASSERT_OK(facts_add_device(f, "/dev/nvme0n1p2", NULL, NULL, NULL, "e3-11", "chain"));
        f->devices[1].error = strdup("the probe is ambivalent: more than one file system signature was found");
        p = fixture_plan(c, f);
        ASSERT_EQ(mount(p, "a")->state, MOUNT_FAILED);
        ASSERT_STREQ(mount(p, "a")->reason, "wrong file system type: /dev/dm-0 holds ext4, the config says xfs");
        ASSERT_EQ(mount(p, "b")->state, MOUNT_FAILED);
        ASSERT_CONTAINS(mount(p, "b")->reason, "/dev/nvme0n1p2: the probe is ambivalent");
}

TEST(before_becomes_a_drop_in) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"mounts\": {\"eth\": {\"enable\": true, \"what\": \"/dev/sdb\", \"where\": \"/mnt/eth\","
                " \"before\": [\"prometheus.service\", \"backup@.service\"]}}}");
        _cleanup_(facts_freep) Facts *f = facts_new();
        _cleanup_(plan_freep) Plan *p = fixture_plan(c, f);

        ASSERT_EQ(p->n_dropins, 2);
        ASSERT_STREQ(p->dropins[0].unit, "prometheus.service");
        ASSERT_STREQ(p->dropins[0].name, "50-hsos-mount-eth.conf");
        ASSERT_CONTAINS(p->dropins[0].content, "[Unit]\nRequiresMountsFor=/mnt/eth\n");
        ASSERT_STREQ(p->dropins[1].unit, "backup@.service");
}

TEST(ssv_node_joins_only_as_homestakeros_says) {
        const char *both =
                "{\"mounts\": {\"data\": {\"enable\": true, \"what\": \"/dev/sdb\", \"where\": \"/mnt\", \"type\": \"ext4\"}},"
                " \"execution\": {\"geth\": {\"enable\": true}}, \"consensus\": {\"lighthouse\": {\"enable\": true}}}";
        _cleanup_(config_freep) Config *c = fixture_config(both);
        _cleanup_(facts_freep) Facts *f = ram_node(c);
        _cleanup_(plan_freep) Plan *p = NULL;
        const PlanUnit *u;

        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/sdb", "ext4", "rw"));
        p = fixture_plan(c, f);
        ASSERT_UNIT(p, "ssv-node.service", UNIT_READY, NULL);
        u = unit(p, "ssv-node.service");
        ASSERT_CONTAINS(u->content, "After=network-online.target geth.service lighthouse.service\n");
        ASSERT_EQ(secret(p, SECRET_SSV_OPERATOR_KEY, "/mnt/addons/ssv/ssv_operator_key")->state, SECRET_CREATE);
        /* The last unit to start. */
        ASSERT_STREQ(p->units[p->n_units - 1].name, "ssv-node.service");

        /* Without a consensus client it is not part of the node, and the plan says why. */
        _cleanup_(config_freep) Config *c2 = fixture_config(
                "{\"mounts\": {\"data\": {\"enable\": true, \"what\": \"/dev/sdb\", \"where\": \"/mnt\"}},"
                " \"execution\": {\"geth\": {\"enable\": true}}}");
        _cleanup_(plan_freep) Plan *p2 = fixture_plan(c2, f);
        ASSERT_NULL(plan_find_unit(p2, "ssv-node.service"));
        ASSERT_STREQ(p2->notes[0], "ssv-node is not part of the node: it needs an execution and a consensus client enabled");

        /* Nor on a tmpfs mount. */
        _cleanup_(config_freep) Config *c3 = fixture_config(
                "{\"mounts\": {\"data\": {\"enable\": true, \"what\": \"none\", \"where\": \"/mnt\", \"type\": \"tmpfs\"}},"
                " \"execution\": {\"geth\": {\"enable\": true}}, \"consensus\": {\"lighthouse\": {\"enable\": true}}}");
        _cleanup_(plan_freep) Plan *p3 = fixture_plan(c3, f);
        ASSERT_NULL(plan_find_unit(p3, "ssv-node.service"));
        ASSERT_CONTAINS(p3->notes[0], "under mount data of type tmpfs, which is not persistent");
}

TEST(wireguard_is_never_invented) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"vpn\": {\"wireguard\": {\"enable\": true, \"configFile\": \"/mnt/secrets/wg-team.conf\"}},"
                " \"execution\": {\"geth\": {\"enable\": true}}, \"consensus\": {\"prysm\": {\"enable\": true}}}");
        _cleanup_(facts_freep) Facts *f = ram_node(c);
        _cleanup_(plan_freep) Plan *p = NULL;

        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/sdb", "ext4", "rw"));
        p = fixture_plan(c, f);
        ASSERT_STREQ(p->units[0].name, "wg-quick-wg-team.service");
        ASSERT_UNIT(p, "wg-quick-wg-team.service", UNIT_BLOCKED, "a wireguard configuration is never invented");
        ASSERT_EQ(secret(p, SECRET_WIREGUARD, "/mnt/secrets/wg-team.conf")->state, SECRET_MISSING);
        ASSERT_CONTAINS(unit(p, "prysm.service")->content, "After=network-online.target wg-quick-wg-team.service geth.service\n");

        ASSERT_OK(facts_add_file(f, "/mnt/secrets/wg-team.conf", FILE_PRESENT));
        plan_free(TAKE_PTR(p));
        p = fixture_plan(c, f);
        ASSERT_UNIT(p, "wg-quick-wg-team.service", UNIT_READY, NULL);
}

TEST(ssh_host_key_without_persistent_storage_runs_in_ram) {
        _cleanup_(config_freep) Config *c = fixture_config("{}");
        _cleanup_(facts_freep) Facts *f = ram_node(c);
        _cleanup_(plan_freep) Plan *p = fixture_plan(c, f);
        const PlanSecret *s = secret(p, SECRET_SSH_HOST_KEY, "/mnt/secrets/ssh/id_ed25519");

        ASSERT_EQ(s->state, SECRET_BLOCKED);
        ASSERT_CONTAINS(s->reason, "sshd runs with a key made in RAM for this boot");
}

TEST(unit_order_and_dependencies) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"execution\": {\"nethermind\": {\"enable\": true}}, \"consensus\": {\"teku\": {\"enable\": true}},"
                " \"addons\": {\"mev-boost\": {\"enable\": true}}}");
        _cleanup_(facts_freep) Facts *f = ram_node(c);
        _cleanup_(plan_freep) Plan *p = fixture_plan(c, f);

        ASSERT_EQ(p->n_units, 3);
        ASSERT_STREQ(p->units[0].name, "nethermind.service");
        ASSERT_STREQ(p->units[1].name, "mev-boost.service");
        ASSERT_STREQ(p->units[2].name, "teku.service");
        ASSERT_CONTAINS(p->units[2].content, "After=network-online.target nethermind.service mev-boost.service\n");
}

TEST(executable_from_agent_packages) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/mnt/geth\"}},"
                " \"agent\": {\"packages\": {\"geth\": \"/nix/store/x-geth-1.15/bin/geth\"}}}");
        _cleanup_(facts_freep) Facts *f = facts_new();
        _cleanup_(plan_freep) Plan *p = NULL;

        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/sdb", "ext4", "rw"));
        p = fixture_plan(c, f);
        ASSERT_UNIT(p, "geth.service", UNIT_BLOCKED,
                    "executable /nix/store/x-geth-1.15/bin/geth (agent.packages.geth) was not found");
        ASSERT_OK(facts_add_executable(f, "/nix/store/x-geth-1.15/bin/geth", "/nix/store/x-geth-1.15/bin/geth"));
        plan_free(TAKE_PTR(p));
        p = fixture_plan(c, f);
        ASSERT_UNIT(p, "geth.service", UNIT_READY, NULL);
        ASSERT_CONTAINS(unit(p, "geth.service")->content, "ExecStart=/nix/store/x-geth-1.15/bin/geth \\\n");
}

TEST(network_and_memory_file_systems_need_no_device) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"mounts\": {\"nas\": {\"enable\": true, \"what\": \"nas.lan:/export/eth\", \"where\": \"/mnt/nas\", \"type\": \"nfs4\","
                " \"options\": \"\"}, \"scratch\": {\"enable\": true, \"what\": \"tmpfs\", \"where\": \"/mnt/scratch\", \"type\": \"tmpfs\"}},"
                " \"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/mnt/nas/geth\"}},"
                " \"consensus\": {\"teku\": {\"enable\": true, \"dataDir\": \"/mnt/scratch/teku\"}}}");
        _cleanup_(facts_freep) Facts *f = ram_node(c);
        _cleanup_(plan_freep) Plan *p = NULL;

        p = fixture_plan(c, f);
        ASSERT_EQ(mount(p, "nas")->state, MOUNT_PENDING);
        ASSERT_EQ(mount(p, "scratch")->state, MOUNT_PENDING);

        ASSERT_OK(facts_add_mount(f, "/mnt/nas", "nas.lan:/export/eth", "nfs4", "rw"));
        ASSERT_OK(facts_add_mount(f, "/mnt/scratch", "tmpfs", "tmpfs", "rw"));
        plan_free(TAKE_PTR(p));
        p = fixture_plan(c, f);
        ASSERT_EQ(mount(p, "nas")->state, MOUNT_MOUNTED);
        ASSERT_EQ(mount(p, "scratch")->state, MOUNT_MOUNTED);
        /* Mounted as asked, but a tmpfs is still RAM: teku's data may not go there. */
        ASSERT_UNIT(p, "teku.service", UNIT_BLOCKED, "/mnt/scratch/teku is on tmpfs (/mnt/scratch), not on persistent storage");
}

TEST(a_label_with_a_space_through_a_udev_path) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"mounts\": {\"eth\": {\"enable\": true, \"what\": \"/dev/disk/by-label/eth\\\\x20data\", \"where\": \"/mnt/eth\"}}}");
        _cleanup_(facts_freep) Facts *f = facts_new();
        _cleanup_(plan_freep) Plan *p = NULL;

        f->have_devices = true;
        ASSERT_OK(facts_add_device(f, "/dev/vdb", "ext4", "eth data", NULL, NULL, NULL));
        p = fixture_plan(c, f);
        ASSERT_EQ(mount(p, "eth")->state, MOUNT_PENDING);
        ASSERT_STREQ(mount(p, "eth")->device, "/dev/vdb");
}

TEST(blocked_units_also_tell_what_they_wait_for) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"consensus\": {\"lighthouse\": {\"enable\": true, \"dataDir\": \"/mnt/lh\", \"endpoint\": \"http://10.9.0.3:5052\"}}}");
        _cleanup_(facts_freep) Facts *f = ram_node(c);
        _cleanup_(plan_freep) Plan *p = fixture_plan(c, f);

        ASSERT_UNIT(p, "lighthouse.service", UNIT_BLOCKED, "on the RAM root");
        ASSERT_UNIT(p, "lighthouse.service", UNIT_BLOCKED, "waiting for address 10.9.0.3");
        /* The same, typed: what blocks it first, then what it waits for. */
        const PlanUnit *u = unit(p, "lighthouse.service");
        ASSERT_EQ(u->n_whys, 3);
        ASSERT_EQ(u->whys[0].kind, REASON_STORAGE_RAM_ROOT);
        ASSERT_STREQ(u->whys[0].path, "/mnt/lh");
        ASSERT_EQ(u->whys[1].kind, REASON_SECRET);
        ASSERT_EQ(u->whys[1].secret, SECRET_JWT);
        ASSERT_EQ(u->whys[1].secret_state, SECRET_BLOCKED);
        ASSERT_EQ(u->whys[2].kind, REASON_ADDRESS);
        ASSERT_STREQ(u->whys[2].name, "10.9.0.3");
}

/* Each kind of reason, rendered: the words `plan`, the status and the
 * journal show, unchanged from when they were written as sentences. */
TEST(each_reason_kind_renders_its_text) {
        static const struct {
                PlanReason reason;
                const char *text;
        } cases[] = {
                { { .kind = REASON_PARENT_MOUNT, .name = (char *) "data", .where = (char *) "/var/mnt/data" },
                  "waiting for mount data (/var/mnt/data) to be in place first" },
                { { .kind = REASON_NO_DEVICE, .name = (char *) "LABEL=eth" }, "no device LABEL=eth yet" },
                { { .kind = REASON_DEVICES_UNREADABLE, .name = (char *) "LABEL=eth" },
                  "no device LABEL=eth known (block devices could not be read)" },
                { { .kind = REASON_DEVICE_AMBIGUOUS, .detail = (char *) "2 devices have LABEL=eth: /dev/vdb, /dev/vdc" },
                  "2 devices have LABEL=eth: /dev/vdb, /dev/vdc" },
                { { .kind = REASON_DEVICE_PROBE, .device = (char *) "/dev/vdc", .detail = (char *) "two signatures" },
                  "/dev/vdc: two signatures" },
                { { .kind = REASON_NO_FILE_SYSTEM, .device = (char *) "/dev/vdb" }, "no file system found on /dev/vdb" },
                { { .kind = REASON_WRONG_FSTYPE, .device = (char *) "/dev/vdb", .fstype = (char *) "ext4",
                    .detail = (char *) "xfs" },
                  "wrong file system type: /dev/vdb holds ext4, the config says xfs" },
                { { .kind = REASON_OCCUPIED, .where = (char *) "/mnt/eth", .device = (char *) "/dev/vdz",
                    .fstype = (char *) "ext4" },
                  "something else is mounted at /mnt/eth (/dev/vdz, ext4); it is left alone" },
                { { .kind = REASON_WRONG_SUBVOLUME, .device = (char *) "/dev/vdb", .where = (char *) "/mnt/eth",
                    .detail = (char *) "subvol=@eth" },
                  "/dev/vdb is mounted at /mnt/eth with another subvolume than \"subvol=@eth\" asks for" },
                { { .kind = REASON_STORAGE_MOUNT_PENDING, .path = (char *) "/mnt/eth/geth", .name = (char *) "eth",
                    .where = (char *) "/mnt/eth" },
                  "/mnt/eth/geth is on mount eth (/mnt/eth), which is not mounted yet" },
                { { .kind = REASON_STORAGE_MOUNT_ABSENT, .path = (char *) "/mnt/eth/geth", .name = (char *) "eth",
                    .where = (char *) "/mnt/eth", .detail = (char *) "no device LABEL=eth yet" },
                  "/mnt/eth/geth is on mount eth (/mnt/eth), which is not in place: no device LABEL=eth yet" },
                { { .kind = REASON_STORAGE_UNMOUNTED, .path = (char *) "/data/geth" },
                  "/data/geth is on no mounted file system the mount table shows" },
                { { .kind = REASON_STORAGE_RAM_ROOT, .path = (char *) "/var/lib/geth", .fstype = (char *) "rootfs" },
                  "/var/lib/geth is on the RAM root (rootfs), not on persistent storage" },
                { { .kind = REASON_STORAGE_VOLATILE, .path = (char *) "/mnt/geth", .fstype = (char *) "tmpfs",
                    .where = (char *) "/mnt" },
                  "/mnt/geth is on tmpfs (/mnt), not on persistent storage" },
                { { .kind = REASON_EXECUTABLE_NOT_FOUND, .name = (char *) "geth", .client = CLIENT_GETH },
                  "executable geth was not found on PATH (agent.packages.geth can name it)" },
                { { .kind = REASON_EXECUTABLE_NOT_FOUND, .name = (char *) "/opt/geth", .client = CLIENT_GETH,
                    .packaged = true },
                  "executable /opt/geth (agent.packages.geth) was not found" },
                { { .kind = REASON_SECRET, .secret = SECRET_JWT, .secret_state = SECRET_FAILED,
                    .path = (char *) "/mnt/jwt.hex", .detail = (char *) "/mnt/jwt.hex could not be created: EROFS" },
                  "JWT secret: /mnt/jwt.hex could not be created: EROFS" },
                { { .kind = REASON_SECRET, .secret = SECRET_WIREGUARD, .secret_state = SECRET_MISSING,
                    .detail = (char *) "/run/wg0.conf does not exist" },
                  "/run/wg0.conf does not exist" },
                { { .kind = REASON_SECRET, .secret = SECRET_SSV_PASSWORD, .secret_state = SECRET_BLOCKED,
                    .detail = (char *) "waiting for mount ssv (/mnt/ssv)" },
                  "ssv-password: waiting for mount ssv (/mnt/ssv)" },
                { { .kind = REASON_ADDRESS, .name = (char *) "10.9.0.3" },
                  "waiting for address 10.9.0.3 to appear on an interface" },
                { { .kind = REASON_NEEDS_VPN, .name = (char *) "wg-quick-wg0.service", .unit_state = UNIT_BLOCKED },
                  "needs wg-quick-wg0.service, which is blocked" },
        };
        bool seen[_REASON_KIND_MAX] = {};
        char *none = (char *) "untouched";

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *text = NULL;

                ASSERT_OK(plan_reason_render(&cases[i].reason, &text));
                ASSERT_STREQ(text, cases[i].text);
                seen[cases[i].reason.kind] = true;
        }
        ASSERT_OK(plan_reason_render(&(PlanReason) { .kind = REASON_NONE }, &none));
        ASSERT_NULL(none);
        seen[REASON_NONE] = true;
        /* Every kind is rendered above, and has a name. */
        for (ReasonKind k = 0; k < _REASON_KIND_MAX; k++) {
                if (!seen[k])
                        HARNESS_FAIL("reason kind %d (%s) is not rendered by this test", k,
                                     strempty(reason_kind_to_string(k)));
                ASSERT_NOT_NULL(reason_kind_to_string(k));
        }
        ASSERT_ERROR(plan_reason_render(&(PlanReason) { .kind = _REASON_KIND_MAX }, &none), EINVAL);
}
