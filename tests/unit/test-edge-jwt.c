/* SPDX-License-Identifier: MIT */
/* Paired JWT files on a real file system: which hold the same secret (the
 * facts compare, never keep, the secrets), and a missing one created with
 * the secret of its pair. */

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "fixtures.h"
#include "hsos/config.h"
#include "hsos/edge/facts-system.h"
#include "hsos/edge/files.h"
#include "hsos/edge/prepare.h"
#include "hsos/facts.h"
#include "hsos/util.h"

/* Under /run, not /tmp: secrets are copied and compared only where no
 * less privileged user may write a directory on the way (/tmp is 1777). */
static char dir[] = "/run/hsos-test-edge-jwt-XXXXXX";

static void cleanup(void) {
        char cmd[128];

        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        (void) !system(cmd);
}

static char *path(const char *name) {
        char *p = NULL;

        static bool made;

        if (!made) {
                if (geteuid() != 0)
                        SKIP_THIS("needs root: a directory only root may write, under /run");
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
        Facts *f = NULL;

        ASSERT_TRUE(asprintf(&cfg,
                             "{\"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/var/lib/g\", \"jwtSecretFile\": \"%s\"}},"
                             " \"consensus\": {\"lighthouse\": {\"enable\": true, \"dataDir\": \"/var/lib/l\", \"jwtSecretFile\": \"%s\"}}}",
                             el, cl) > 0);
        c = fixture_config(cfg);
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

/* A client swaps the pair in its own directory for a symlink to a root-only
 * file of 64 hex characters (another secret): never copied, never compared. */
TEST(a_pair_in_a_directory_a_client_writes_is_never_followed) {
        _cleanup_free_ char *victim = path("root-only.hex"), *client = path("client"), *link = path("client/jwt.hex"),
                            *dst = path("geth.hex"), *other = path("other.hex");
        _cleanup_(facts_freep) Facts *f = NULL;

        put(victim, secret_b);
        ASSERT_EQ(chmod(victim, 0600), 0);
        ASSERT_EQ(mkdir(client, 0755), 0);
        ASSERT_EQ(chown(client, 65534, 65534), 0); /* the client's own directory */
        ASSERT_EQ(symlink(victim, link), 0);
        ASSERT_ERROR(secret_create_jwt_copy(dst, link), EPERM);
        ASSERT_EQ(access(dst, F_OK), -1);
        /* Nor read, nor compared (its secretId would tell whether it equals
         * another): a symlink in a client's directory is not followed at all. */
        put(other, secret_b);
        f = facts_for(other, link);
        ASSERT_EQ(facts_file_state(f, link), FILE_UNSAFE);
        ASSERT_EQ(facts_file_secret_id(f, link), 0);
        ASSERT_TRUE(facts_file_secret_id(f, other) != 0);
        ASSERT_TRUE(path_only_root_writes(other));
        ASSERT_FALSE(path_only_root_writes(link));
        ASSERT_FALSE(path_only_root_writes("/tmp/x"));
}
