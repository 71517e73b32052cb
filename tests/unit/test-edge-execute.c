/* SPDX-License-Identifier: MIT */
/* The one executor (hsos/edge/execute.h) and the reading of what is applied
 * (hsos/edge/applied.h), on real files in a temporary directory. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "fixtures.h"
#include "hsos/action.h"
#include "hsos/edge/applied.h"
#include "hsos/edge/execute.h"
#include "hsos/util.h"

/* The reports, one "kind subject: outcome: line" each. */
static void collect(void *userdata, ActKind kind, const char *subject, ActOutcome outcome, const char *line) {
        (void) strv_extendf(userdata, "%s %s: %d: %s", act_kind_to_string(kind), subject, (int) outcome, line);
        printf("#   %s %s: %s\n", act_kind_to_string(kind), subject, line);
}

TEST(make_dir_creates_it_with_its_owner_once) {
        _cleanup_free_ char *d = fixture_tmpdir("execute"), *path = NULL;
        _cleanup_strv_free_ char **lines = NULL;
        ExecContext ctx = { .report = collect, .userdata = &lines };
        struct stat st;

        if (geteuid() != 0) {
                fixture_rm_rf(d);
                SKIP_THIS("needs root (chown)");
        }
        ASSERT_OK(path_join(d, "data/geth", &path));
        Action a = { .kind = ACTION_MAKE_DIR, .path = path, .owner = (char *) "geth", .uid = 801, .gid = 801,
                     .mode = 0700 };
        ASSERT_OK(execute(&a, &ctx));
        ASSERT_OK(stat(path, &st));
        ASSERT_EQ(st.st_uid, 801);
        ASSERT_EQ(st.st_mode & 07777, 0700);
        ASSERT_EQ(strv_length(lines), 1);
        ASSERT_CONTAINS(lines[0], "created (geth, 0700)");
        /* There already: nothing said. */
        ASSERT_OK(execute(&a, &ctx));
        ASSERT_EQ(strv_length(lines), 1);
        fixture_rm_rf(d);
}

TEST(make_dir_refuses_a_symlink_a_user_could_have_made) {
        _cleanup_free_ char *d = fixture_tmpdir("execute"), *user = NULL, *link = NULL, *path = NULL, *target = NULL;
        _cleanup_strv_free_ char **lines = NULL;
        ExecContext ctx = { .report = collect, .userdata = &lines };
        struct stat st;

        if (geteuid() != 0) {
                fixture_rm_rf(d);
                SKIP_THIS("needs root (chown)");
        }
        ASSERT_OK(path_join(d, "user", &user));
        ASSERT_OK(path_join(d, "elsewhere", &target));
        ASSERT_OK(mkdir(user, 0755));
        ASSERT_OK(mkdir(target, 0755));
        ASSERT_OK(chown(user, 65534, 65534));
        ASSERT_OK(path_join(user, "data", &link));
        ASSERT_OK(symlink(target, link));
        ASSERT_OK(lchown(link, 65534, 65534));
        ASSERT_OK(path_join(link, "geth", &path));
        Action a = { .kind = ACTION_MAKE_DIR, .path = path, .owner = (char *) "geth", .uid = 801, .gid = 801,
                     .mode = 0700 };
        ASSERT_TRUE(execute(&a, &ctx) < 0);
        ASSERT_EQ(ctx.n_failed, 1);
        ASSERT_EQ(strv_length(lines), 1);
        ASSERT_CONTAINS(lines[0], "a symlink a less privileged user could have made is on its path");
        free(path);
        path = NULL;
        ASSERT_OK(path_join(target, "geth", &path));
        ASSERT_TRUE(stat(path, &st) < 0);
        fixture_rm_rf(d);
}

TEST(a_take_over_leaves_a_top_another_user_owns) {
        _cleanup_free_ char *d = fixture_tmpdir("execute"), *top = NULL, *file = NULL;
        _cleanup_strv_free_ char **lines = NULL;
        ExecContext ctx = { .report = collect, .userdata = &lines };
        struct stat st;
        int fd;

        if (geteuid() != 0) {
                fixture_rm_rf(d);
                SKIP_THIS("needs root (chown)");
        }
        ASSERT_OK(path_join(d, "geth", &top));
        ASSERT_OK(mkdir(top, 0755));
        ASSERT_OK(path_join(top, "chaindata", &file));
        fd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
        ASSERT_TRUE(fd >= 0);
        close(fd);
        ASSERT_OK(chown(top, 65534, 65534));
        Action a = { .kind = ACTION_TAKE_OVER, .path = top, .owner = (char *) "geth", .uid = 801, .gid = 801 };
        ASSERT_ERROR(execute(&a, &ctx), EPERM);
        ASSERT_CONTAINS(lines[0], "owned by uid 65534, not by geth (uid 801): left as it is");
        ASSERT_OK(stat(file, &st));
        ASSERT_EQ(st.st_uid, 0);

        /* Root's top: handed over, the top last. */
        ASSERT_OK(chown(top, 0, 0));
        ASSERT_OK(execute(&a, &ctx));
        ASSERT_OK(stat(file, &st));
        ASSERT_EQ(st.st_uid, 801);
        ASSERT_OK(stat(top, &st));
        ASSERT_EQ(st.st_uid, 801);
        ASSERT_CONTAINS(lines[1], "taken over for geth (2 entries changed owner; done once)");
        fixture_rm_rf(d);
}

TEST(unit_files_are_written_read_back_and_removed) {
        _cleanup_free_ char *d = fixture_tmpdir("execute"), *fifo = NULL, *link = NULL;
        _cleanup_strv_free_ char **lines = NULL;
        _cleanup_(applied_done) Applied seen = {}, after = {};
        ExecContext ctx = { .report = collect, .userdata = &lines, .unit_dir = d };
        PlanDropIn dropins[1] = { { .unit = (char *) "ssh.service", .name = (char *) "50-hsos.conf",
                                    .content = (char *) "[Unit]\n" } };
        Plan p = { .dropins = dropins, .n_dropins = 1 };

        Action unit = { .kind = ACTION_WRITE_UNIT, .unit = (char *) "geth.service", .name = (char *) "geth.service",
                        .content = (char *) ACTION_UNIT_HEADER "\n[Service]\n" };
        Action dropin = { .kind = ACTION_WRITE_UNIT, .unit = (char *) "ssh.service",
                          .name = (char *) "ssh.service.d/50-hsos.conf", .content = (char *) "[Unit]\n" };
        ASSERT_OK(execute(&unit, &ctx));
        ASSERT_OK(execute(&dropin, &ctx));
        /* A FIFO is never opened (it would block), a symlink never followed. */
        ASSERT_OK(path_join(d, "fifo.service", &fifo));
        ASSERT_OK(mkfifo(fifo, 0600));
        ASSERT_OK(path_join(d, "link.service", &link));
        ASSERT_OK(symlink("/etc/passwd", link));

        ASSERT_OK(applied_read(&p, NULL, ACTIONS_UNIT_FILES, d, &seen));
        ASSERT_EQ(seen.n_unit_files, 2);
        for (size_t i = 0; i < seen.n_unit_files; i++)
                ASSERT_TRUE(streq(seen.unit_files[i].name, "geth.service") ?
                            streq(seen.unit_files[i].content, unit.content) :
                            streq(seen.unit_files[i].name, "ssh.service.d/50-hsos.conf") &&
                            streq(seen.unit_files[i].content, "[Unit]\n"));

        Action remove = { .kind = ACTION_REMOVE_UNIT, .unit = (char *) "geth.service", .name = (char *) "geth.service" };
        ASSERT_OK(execute(&remove, &ctx));
        ASSERT_CONTAINS(lines[0], "geth.service: 0: is no longer part of the node: stopped and removed");
        ASSERT_OK(applied_read(&p, NULL, ACTIONS_UNIT_FILES, d, &after));
        ASSERT_EQ(after.n_unit_files, 1);

        /* No systemd to ask: a job fails, and is counted. */
        Action start = { .kind = ACTION_START_UNIT, .unit = (char *) "geth.service" };
        ASSERT_ERROR(execute(&start, &ctx), ENOTCONN);
        ASSERT_EQ(ctx.n_failed, 1);
        fixture_rm_rf(d);
}
