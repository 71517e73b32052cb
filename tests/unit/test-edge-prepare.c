/* SPDX-License-Identifier: MIT */
/* Creating what must exist on disk: directories and new secrets, never
 * replacing what is there. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "fixtures.h"
#include "hsos/edge/files.h"
#include "hsos/edge/prepare.h"
#include "hsos/util.h"

static size_t count_entries(const char *dir) {
        DIR *d = opendir(dir);
        struct dirent *de;
        size_t n = 0;

        if (!d)
                return 0;
        while ((de = readdir(d)))
                if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
                        n++;
        closedir(d);
        return n;
}

TEST(jwt_is_64_hex_0600_and_never_replaced) {
        _cleanup_free_ char *d = fixture_tmpdir("prepare"), *p = NULL;
        char buf[80] = "", again[80] = "";
        struct stat st;
        FILE *f;

        ASSERT_OK(path_join(d, "jwt.hex", &p));
        ASSERT_OK(secret_create_jwt(p));
        ASSERT_OK(stat(p, &st));
        ASSERT_EQ(st.st_mode & 07777, 0600);
        ASSERT_EQ(st.st_size, 64);
        f = fopen(p, "re");
        ASSERT_NOT_NULL(f);
        ASSERT_EQ(fread(buf, 1, sizeof buf - 1, f), 64);
        fclose(f);
        for (int i = 0; i < 64; i++)
                ASSERT_TRUE(strchr("0123456789abcdef", buf[i]) != NULL);
        ASSERT_EQ(secret_file_state(p, true), FILE_PRESENT);

        /* A second call leaves the first one exactly as it was. */
        ASSERT_ERROR(secret_create_jwt(p), EEXIST);
        f = fopen(p, "re");
        ASSERT_NOT_NULL(f);
        ASSERT_EQ(fread(again, 1, sizeof again - 1, f), 64);
        fclose(f);
        ASSERT_STREQ(again, buf);
        /* No temporary file is left beside it. */
        ASSERT_EQ(count_entries(d), 1);
        fixture_rm_rf(d);
}

TEST(two_jwts_differ) {
        _cleanup_free_ char *d = fixture_tmpdir("prepare"), *a = NULL, *b = NULL;
        char x[65] = "", y[65] = "";
        FILE *f;

        ASSERT_OK(path_join(d, "a", &a));
        ASSERT_OK(path_join(d, "b", &b));
        ASSERT_OK(secret_create_jwt(a));
        ASSERT_OK(secret_create_jwt(b));
        f = fopen(a, "re");
        ASSERT_EQ(fread(x, 1, 64, f), 64);
        fclose(f);
        f = fopen(b, "re");
        ASSERT_EQ(fread(y, 1, 64, f), 64);
        fclose(f);
        ASSERT_TRUE(strcmp(x, y) != 0);
        fixture_rm_rf(d);
}

TEST(jwt_in_a_missing_directory_fails_cleanly) {
        ASSERT_ERROR(secret_create_jwt("/nonexistent-hsos-dir/jwt.hex"), ENOENT);
}

TEST(an_existing_symlink_is_not_replaced_either) {
        _cleanup_free_ char *d = fixture_tmpdir("prepare"), *p = NULL;

        ASSERT_OK(path_join(d, "jwt.hex", &p));
        ASSERT_OK(symlink("/nonexistent-target", p));
        ASSERT_ERROR(secret_create_jwt(p), EEXIST);
        fixture_rm_rf(d);
}

TEST(dir_create_makes_parents_and_sets_the_mode) {
        _cleanup_free_ char *d = fixture_tmpdir("prepare"), *p = NULL, *parent = NULL;
        struct stat st;

        ASSERT_OK(path_join(d, "a/b/geth", &p));
        ASSERT_OK(path_join(d, "a/b", &parent));
        ASSERT_EQ(dir_create(p, 0700, getuid(), getgid()), 1);
        ASSERT_OK(stat(p, &st));
        ASSERT_EQ(st.st_mode & 07777, 0700);
        ASSERT_OK(stat(parent, &st));
        ASSERT_EQ(st.st_mode & 07777, 0755);
        /* Existing: left as it is. */
        ASSERT_OK(chmod(p, 0750));
        ASSERT_EQ(dir_create(p, 0700, getuid(), getgid()), 0);
        ASSERT_OK(stat(p, &st));
        ASSERT_EQ(st.st_mode & 07777, 0750);
        fixture_rm_rf(d);
}

TEST(dir_create_refuses_a_file_in_the_way) {
        _cleanup_free_ char *d = fixture_tmpdir("prepare"), *f = NULL, *p = NULL;
        FILE *fp;

        ASSERT_OK(path_join(d, "file", &f));
        ASSERT_OK(path_join(d, "file/sub", &p));
        fp = fopen(f, "we");
        ASSERT_NOT_NULL(fp);
        fclose(fp);
        ASSERT_ERROR(dir_create(f, 0700, 0, 0), ENOTDIR);
        ASSERT_ERROR(dir_create(p, 0700, 0, 0), ENOTDIR);
        fixture_rm_rf(d);
}

TEST(take_over_only_while_the_top_is_roots) {
        _cleanup_free_ char *d = NULL, *file = NULL, *keep = NULL, *kept = NULL;
        char *keeps[2] = {};
        TakeOverResult t;
        struct stat st;
        FILE *fp;

        /* The one skip here, said as TAP's "# SKIP" (a failure under CI):
         * before anything is made, as SKIP_THIS leaves without cleanups. */
        if (geteuid() != 0)
                SKIP_THIS("changing owners needs root");
        d = fixture_tmpdir("prepare");
        ASSERT_OK(path_join(d, "chaindata", &file));
        ASSERT_OK(path_join(d, "other", &keep));
        ASSERT_OK(path_join(keep, "file", &kept));
        fp = fopen(file, "we");
        ASSERT_NOT_NULL(fp);
        fclose(fp);
        ASSERT_OK(mkdir(keep, 0755));
        fp = fopen(kept, "we");
        ASSERT_NOT_NULL(fp);
        fclose(fp);
        keeps[0] = keep;
        ASSERT_EQ(dir_take_over(d, 801, 801, keeps, &t), 1);
        ASSERT_EQ(t.changed, 2); /* the file, then the directory */
        ASSERT_EQ(t.owner, 0);
        ASSERT_OK(stat(file, &st));
        ASSERT_EQ(st.st_uid, 801);
        /* What the plan keeps (another client's dir, a secret) is not entered. */
        ASSERT_OK(stat(kept, &st));
        ASSERT_EQ(st.st_uid, 0);
        ASSERT_OK(stat(keep, &st));
        ASSERT_EQ(st.st_uid, 0);
        /* Done: the top is the client's now, nothing is walked again. */
        ASSERT_EQ(dir_take_over(d, 801, 801, NULL, &t), 0);
        ASSERT_EQ(t.changed, 0);
        /* Another client's dir is never handed over: a client could have made it. */
        ASSERT_ERROR(dir_take_over(d, 811, 811, NULL, &t), EPERM);
        ASSERT_EQ(t.owner, 801);
        ASSERT_OK(stat(file, &st));
        ASSERT_EQ(st.st_uid, 801);
        fixture_rm_rf(d);
}

/* A take-over cut short leaves subdirectories the client's: what another
 * user's files it moved in there stay that user's; a tree too deep to walk
 * says so and leaves the top root's, to be looked at. */
TEST(take_over_hands_over_only_roots_entries) {
        _cleanup_free_ char *d = NULL, *sub = NULL, *theirs = NULL, *mine = NULL;
        TakeOverResult t;
        struct stat st;
        FILE *fp;

        if (geteuid() != 0)
                SKIP_THIS("changing owners needs root");
        d = fixture_tmpdir("prepare");
        ASSERT_OK(path_join(d, "sub", &sub));
        ASSERT_OK(path_join(sub, "theirs", &theirs));
        ASSERT_OK(path_join(sub, "mine", &mine));
        ASSERT_OK(mkdir(sub, 0755));
        ASSERT_OK(chown(sub, 801, 801)); /* taken over before, then cut short */
        fp = fopen(theirs, "we");
        ASSERT_NOT_NULL(fp);
        fclose(fp);
        ASSERT_OK(chown(theirs, 811, 811));
        fp = fopen(mine, "we");
        ASSERT_NOT_NULL(fp);
        fclose(fp);
        ASSERT_EQ(dir_take_over(d, 801, 801, NULL, &t), 1);
        ASSERT_OK(stat(theirs, &st));
        ASSERT_EQ(st.st_uid, 811);
        ASSERT_EQ(t.others, 1);
        ASSERT_OK(stat(mine, &st));
        ASSERT_EQ(st.st_uid, 801);
        fixture_rm_rf(d);
}

TEST(take_over_too_deep_says_so) {
        _cleanup_free_ char *d = NULL;
        _cleanup_close_ int fd = -EBADF;
        TakeOverResult t;
        struct stat st;

        if (geteuid() != 0)
                SKIP_THIS("changing owners needs root");
        d = fixture_tmpdir("prepare");
        fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ASSERT_TRUE(fd >= 0);
        for (int i = 0; i < TAKE_OVER_MAX_DEPTH + 10; i++) {
                int next;
                ASSERT_OK(mkdirat(fd, "n", 0755));
                next = openat(fd, "n", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                ASSERT_TRUE(next >= 0);
                close(fd);
                fd = next;
        }
        ASSERT_ERROR(dir_take_over(d, 801, 801, NULL, &t), EDEADLK);
        ASSERT_OK(stat(d, &st));
        ASSERT_EQ(st.st_uid, 0);
        fixture_rm_rf(d);
}
