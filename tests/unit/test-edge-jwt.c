/* SPDX-License-Identifier: MIT */
/* Paired JWT files on a real file system: which hold the same secret (the
 * facts compare, never keep, the secrets), and a missing one created with
 * the secret of its pair. */

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "hsos/config.h"
#include "hsos/edge.h"
#include "hsos/facts.h"
#include "hsos/util.h"

static char dir[] = "/tmp/hsos-test-edge-jwt-XXXXXX";

static void cleanup(void) {
        char cmd[128];

        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        (void) !system(cmd);
}

static char *path(const char *name) {
        char *p = NULL;

        static bool made;

        if (!made) {
                made = true;
                if (!mkdtemp(dir))
                        HARNESS_FAIL("cannot create a temporary directory: %s", strerror(errno));
                atexit(cleanup);
        }
        ASSERT_TRUE(asprintf(&p, "%s/%s", dir, name) > 0);
        return p;
}

static void put(const char *p, const char *text) {
        FILE *f = fopen(p, "we");

        ASSERT_NOT_NULL(f);
        fputs(text, f);
        ASSERT_EQ(fclose(f), 0);
}

static const char *secret_a = "0x1111111111111111111111111111111111111111111111111111111111111111\n";
static const char *secret_a_bare = "1111111111111111111111111111111111111111111111111111111111111111";
static const char *secret_b = "2222222222222222222222222222222222222222222222222222222222222222\n";

/* The facts of a node whose geth and lighthouse name these two files. */
static Facts *facts_for(const char *el, const char *cl) {
        _cleanup_free_ char *cfg = NULL;
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_strv_free_ char **errors = NULL;
        Facts *f = NULL;

        ASSERT_TRUE(asprintf(&cfg,
                             "{\"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/var/lib/g\", \"jwtSecretFile\": \"%s\"}},"
                             " \"consensus\": {\"lighthouse\": {\"enable\": true, \"dataDir\": \"/var/lib/l\", \"jwtSecretFile\": \"%s\"}}}",
                             el, cl) > 0);
        if (config_parse(cfg, strlen(cfg), &c, &errors) < 0) {
                STRV_FOREACH(e, errors)
                        printf("#   %s\n", *e);
                HARNESS_FAIL("config refused");
        }
        ASSERT_OK(facts_from_system(c, &f));
        return f;
}

TEST(the_facts_group_jwt_files_by_secret_without_keeping_it) {
        _cleanup_free_ char *a = path("a.hex"), *a2 = path("a2.hex"), *b = path("b.hex"), *none = path("none.hex"),
                            *json = NULL;
        _cleanup_(facts_freep) Facts *f = NULL;

        put(a, secret_a);
        put(a2, "1111111111111111111111111111111111111111111111111111111111111111"); /* no 0x, no newline */
        put(b, secret_b);

        f = facts_for(a, a2);
        ASSERT_EQ(facts_file_state(f, a), FILE_PRESENT);
        ASSERT_TRUE(facts_file_secret_id(f, a) != 0);
        ASSERT_EQ(facts_file_secret_id(f, a2), facts_file_secret_id(f, a)); /* 0x and newline do not matter */
        facts_free(TAKE_PTR(f));

        f = facts_for(a, b);
        ASSERT_TRUE(facts_file_secret_id(f, a) != 0 && facts_file_secret_id(f, b) != 0);
        ASSERT_TRUE(facts_file_secret_id(f, b) != facts_file_secret_id(f, a));
        /* The saved facts hold the grouping, never a secret. */
        ASSERT_OK(facts_to_json(f, &json));
        ASSERT_CONTAINS(json, "\"secretId\": ");
        ASSERT_NOT_CONTAINS(json, "1111111111");
        ASSERT_NOT_CONTAINS(json, "2222222222");
        facts_free(TAKE_PTR(f));

        f = facts_for(a, none);
        ASSERT_EQ(facts_file_state(f, none), FILE_ABSENT);
        ASSERT_EQ(facts_file_secret_id(f, none), 0);
}

TEST(a_missing_jwt_is_created_with_the_secret_of_its_pair) {
        _cleanup_free_ char *a = path("pair-a.hex"), *b = path("pair-b.hex"), *got = NULL;
        struct stat st;
        size_t size;

        put(a, secret_a);
        ASSERT_OK(secret_create_jwt_copy(b, a));
        got = read_all(b, &size);
        ASSERT_STREQ(got, secret_a_bare); /* the same secret, in the agent's own form */
        ASSERT_EQ(stat(b, &st), 0);
        ASSERT_EQ(st.st_mode & 07777, 0600);
        /* Never over an existing file. */
        ASSERT_ERROR(secret_create_jwt_copy(b, a), EEXIST);
}

TEST(a_pair_that_is_missing_or_no_jwt_is_refused) {
        _cleanup_free_ char *bad = path("bad.hex"), *out = path("out.hex"), *missing = path("missing.hex");

        put(bad, "not a secret\n");
        ASSERT_ERROR(secret_create_jwt_copy(out, missing), ENOENT);
        ASSERT_ERROR(secret_create_jwt_copy(out, bad), EBADMSG);
        ASSERT_EQ(access(out, F_OK), -1); /* nothing left behind */
}
