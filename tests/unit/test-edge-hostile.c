/* SPDX-License-Identifier: MIT */
/* Files in places a less privileged user may write: the login user's
 * ~/.ssh, and the anchored walk every such path goes through. The user
 * here is uid 4242; whatever it planted must not make root change, follow or
 * wait on anything outside. */
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "fixtures.h"
#include "hsos/edge/act.h"
#include "hsos/edge/anchor.h"
#include "hsos/edge/files.h"
#include "hsos/edge/prepare.h"
#include "hsos/edge/system.h"
#include "hsos/util.h"

#define USER_UID 4242

/* Traversable by the test's other uid. */
static char *tmpdir(void) {
        char *d = fixture_tmpdir("hostile");

        if (chmod(d, 0755) < 0)
                HARNESS_FAIL("chmod failed");
        return d;
}

static char *join(const char *a, const char *b) {
        char *p = NULL;

        if (path_join(a, b, &p) < 0)
                HARNESS_FAIL("path_join failed");
        return p;
}

/* A home owned by the user, as useradd makes it. */
static struct passwd user_home(const char *top) {
        struct passwd pw = { .pw_name = (char *) "core", .pw_uid = USER_UID, .pw_gid = USER_UID };

        pw.pw_dir = join(top, "home");
        if (mkdir(pw.pw_dir, 0700) < 0 || chown(pw.pw_dir, USER_UID, USER_UID) < 0)
                HARNESS_FAIL("cannot make the home");
        return pw;
}

/* A test blocked on a FIFO ends here instead of hanging the tier. */
static void on_alarm(int sig) {
        (void) sig;
        static const char msg[] = "not ok - blocked for 10 s (a FIFO opened or read without O_NONBLOCK)\n";
        (void) !write(STDOUT_FILENO, msg, sizeof msg - 1);
        _exit(1);
}

TEST(ssh_keys_are_written_for_the_user) {
        _cleanup_free_ char *d = NULL, *ssh = NULL, *keys = NULL, *got = NULL;
        struct passwd pw;
        struct stat st;
        bool changed;
        size_t size;

        if (geteuid() != 0)
                SKIP_THIS("changing owners needs root");
        d = tmpdir();
        pw = user_home(d);
        ssh = join(pw.pw_dir, ".ssh");
        keys = join(ssh, "authorized_keys");
        ASSERT_OK(act_install_ssh_keys(&pw, "ssh-ed25519 AAAA one\n", &changed));
        ASSERT_TRUE(changed);
        ASSERT_OK(lstat(ssh, &st));
        ASSERT_TRUE(S_ISDIR(st.st_mode));
        ASSERT_EQ(st.st_uid, USER_UID);
        ASSERT_EQ(st.st_mode & 07777, 0700);
        ASSERT_OK(lstat(keys, &st));
        ASSERT_TRUE(S_ISREG(st.st_mode));
        ASSERT_EQ(st.st_uid, USER_UID);
        ASSERT_EQ(st.st_mode & 07777, 0600);
        ASSERT_OK(read_file_capped(keys, 1024, &got, &size));
        ASSERT_STREQ(got, "ssh-ed25519 AAAA one\n");
        /* The same keys again: nothing written. */
        ASSERT_OK(act_install_ssh_keys(&pw, "ssh-ed25519 AAAA one\n", &changed));
        ASSERT_FALSE(changed);
        free(pw.pw_dir);
        fixture_rm_rf(d);
}

TEST(ssh_dir_symlink_is_not_followed) {
        _cleanup_free_ char *d = NULL, *ssh = NULL, *victim = NULL, *vfile = NULL;
        struct passwd pw;
        struct stat st;
        bool changed = false;

        if (geteuid() != 0)
                SKIP_THIS("changing owners needs root");
        d = tmpdir();
        pw = user_home(d);
        /* The user points ~/.ssh at a directory of root's (as /etc would be). */
        victim = join(d, "etc");
        vfile = join(victim, "authorized_keys");
        ASSERT_OK(mkdir(victim, 0755));
        ssh = join(pw.pw_dir, ".ssh");
        ASSERT_OK(symlink(victim, ssh));
        ASSERT_ERROR(act_install_ssh_keys(&pw, "ssh-ed25519 AAAA one\n", &changed), ELOOP);
        ASSERT_FALSE(changed);
        ASSERT_OK(stat(victim, &st));
        ASSERT_EQ(st.st_uid, 0);
        ASSERT_EQ(st.st_mode & 07777, 0755);
        ASSERT_ERROR(access(vfile, F_OK) < 0 ? -errno : 0, ENOENT);
        free(pw.pw_dir);
        fixture_rm_rf(d);
}

TEST(authorized_keys_fifo_does_not_block) {
        _cleanup_free_ char *d = NULL, *ssh = NULL, *keys = NULL, *got = NULL;
        struct passwd pw;
        struct stat st;
        bool changed = false;
        size_t size;

        if (geteuid() != 0)
                SKIP_THIS("changing owners needs root");
        d = tmpdir();
        pw = user_home(d);
        ssh = join(pw.pw_dir, ".ssh");
        keys = join(ssh, "authorized_keys");
        ASSERT_OK(mkdir(ssh, 0700));
        ASSERT_OK(chown(ssh, USER_UID, USER_UID));
        ASSERT_OK(mkfifo(keys, 0600));
        ASSERT_OK(chown(keys, USER_UID, USER_UID));
        signal(SIGALRM, on_alarm);
        alarm(10);
        ASSERT_OK(act_install_ssh_keys(&pw, "ssh-ed25519 AAAA one\n", &changed));
        alarm(0);
        ASSERT_TRUE(changed);
        /* The FIFO's name now holds the keys, in a regular file. */
        ASSERT_OK(lstat(keys, &st));
        ASSERT_TRUE(S_ISREG(st.st_mode));
        ASSERT_OK(read_file_capped(keys, 1024, &got, &size));
        ASSERT_STREQ(got, "ssh-ed25519 AAAA one\n");
        free(pw.pw_dir);
        fixture_rm_rf(d);
}

TEST(authorized_keys_symlink_is_replaced_not_followed) {
        _cleanup_free_ char *d = NULL, *ssh = NULL, *keys = NULL, *victim = NULL, *got = NULL;
        struct passwd pw;
        struct stat st;
        bool changed = false;
        size_t size;
        FILE *fp;

        if (geteuid() != 0)
                SKIP_THIS("changing owners needs root");
        d = tmpdir();
        pw = user_home(d);
        ssh = join(pw.pw_dir, ".ssh");
        keys = join(ssh, "authorized_keys");
        victim = join(d, "shadow");
        fp = fopen(victim, "we");
        ASSERT_NOT_NULL(fp);
        fputs("root:secret\n", fp);
        fclose(fp);
        ASSERT_OK(chmod(victim, 0600));
        ASSERT_OK(mkdir(ssh, 0700));
        ASSERT_OK(chown(ssh, USER_UID, USER_UID));
        ASSERT_OK(symlink(victim, keys));
        ASSERT_OK(act_install_ssh_keys(&pw, "ssh-ed25519 AAAA one\n", &changed));
        ASSERT_OK(stat(victim, &st));
        ASSERT_EQ(st.st_uid, 0);
        ASSERT_EQ(st.st_mode & 07777, 0600);
        ASSERT_OK(read_file_capped(victim, 1024, &got, &size));
        ASSERT_STREQ(got, "root:secret\n");
        ASSERT_OK(lstat(keys, &st));
        ASSERT_TRUE(S_ISREG(st.st_mode));
        free(pw.pw_dir);
        fixture_rm_rf(d);
}

TEST(anchor_follows_only_roots_symlinks_in_roots_dirs) {
        _cleanup_free_ char *d = NULL, *real = NULL, *file = NULL, *link = NULL, *via = NULL, *open_dir = NULL,
                            *ulink = NULL, *via_user = NULL;
        bool root_only = false;
        int fd;
        FILE *fp;

        if (geteuid() != 0)
                SKIP_THIS("making files of another user needs root");
        d = tmpdir();
        real = join(d, "real");
        file = join(real, "f");
        ASSERT_OK(mkdir(real, 0755));
        fp = fopen(file, "we");
        ASSERT_NOT_NULL(fp);
        fclose(fp);
        /* root's link in root's directory: followed. */
        link = join(d, "link");
        ASSERT_OK(symlink("real", link));
        via = join(link, "f");
        fd = anchor_open(via, O_RDONLY, 0, &root_only);
        ASSERT_TRUE(fd >= 0);
        close(fd);
        /* The same link made by the user (its owner): refused. */
        ASSERT_OK(lchown(link, USER_UID, USER_UID));
        ASSERT_ERROR(anchor_open(via, O_RDONLY, 0, NULL), ELOOP);
        ASSERT_FALSE(path_only_root_writes(via));
        /* A root link in a directory the user may write: refused too. */
        open_dir = join(d, "open");
        ASSERT_OK(mkdir(open_dir, 0777));
        ASSERT_OK(chmod(open_dir, 0777));
        ulink = join(open_dir, "l");
        ASSERT_OK(symlink(real, ulink));
        via_user = join(ulink, "f");
        ASSERT_ERROR(anchor_open(via_user, O_RDONLY, 0, NULL), ELOOP);
        /* The last component is followed only when asked. */
        ASSERT_ERROR(anchor_open(ulink, O_RDONLY | O_DIRECTORY, 0, NULL), ELOOP);
        ASSERT_EQ(anchor_open(NULL, O_RDONLY, 0, NULL), -EINVAL);
        ASSERT_EQ(anchor_open("relative/path", O_RDONLY, 0, NULL), -EINVAL);
        ASSERT_EQ(anchor_open("/tmp/../etc", O_RDONLY, 0, NULL), -EINVAL);
        fixture_rm_rf(d);
}

TEST(fifos_do_not_block_readers) {
        _cleanup_free_ char *d = NULL, *fifo = NULL, *got = NULL;
        _cleanup_close_ int dfd = -EBADF;
        size_t size;

        d = tmpdir();
        fifo = join(d, "jwt.hex");
        ASSERT_OK(mkfifo(fifo, 0600));
        signal(SIGALRM, on_alarm);
        alarm(10);
        dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ASSERT_TRUE(dfd >= 0);
        ASSERT_ERROR(read_regular_at(dfd, "jwt.hex", 100, &got, &size), EBADFD);
        ASSERT_EQ(secret_file_state(fifo, true), FILE_INVALID);
        ASSERT_EQ(secret_file_state(fifo, false), FILE_INVALID);
        alarm(0);
        fixture_rm_rf(d);
}

TEST(dir_create_refuses_a_users_symlink_on_the_way) {
        _cleanup_free_ char *d = NULL, *home = NULL, *link = NULL, *target = NULL, *want = NULL;
        struct stat st;

        if (geteuid() != 0)
                SKIP_THIS("making files of another user needs root");
        d = tmpdir();
        home = join(d, "client");
        ASSERT_OK(mkdir(home, 0755));
        ASSERT_OK(chown(home, USER_UID, USER_UID));
        target = join(d, "rootdir");
        ASSERT_OK(mkdir(target, 0755));
        link = join(home, "keys");
        ASSERT_OK(symlink(target, link));
        ASSERT_OK(lchown(link, USER_UID, USER_UID));
        want = join(link, "sub");
        ASSERT_ERROR(dir_create(want, 0700, 811, 811), ELOOP);
        ASSERT_ERROR(dir_create(link, 0700, 811, 811), ELOOP);
        ASSERT_OK(stat(target, &st));
        ASSERT_EQ(st.st_uid, 0);
        ASSERT_EQ(st.st_mode & 07777, 0755);
        fixture_rm_rf(d);
}

/* The user makes the directory root is about to make, between root's look
 * and its mkdir: root must not take it for its own (and give it the mode and
 * owner meant for its own). The user marks its directory with a file. */
TEST(anchor_mkdir_never_claims_a_directory_the_user_made) {
        _cleanup_free_ char *d = NULL, *parent = NULL, *x = NULL, *mark = NULL;
        unsigned long claimed = 0, made = 0, tries = 0;
        long long end;
        pid_t pid;

        if (geteuid() != 0)
                SKIP_THIS("a process of another user needs root");
        d = tmpdir();
        parent = join(d, "client");
        ASSERT_OK(mkdir(parent, 0755));
        ASSERT_OK(chown(parent, USER_UID, USER_UID));
        x = join(parent, "x");
        mark = join(x, "mine");
        pid = fork();
        ASSERT_TRUE(pid >= 0);
        if (pid == 0) {
                if (setgid(USER_UID) < 0 || setuid(USER_UID) < 0)
                        _exit(1);
                umask(0);
                for (;;) {
                        if (mkdir(x, 0777) == 0) {
                                int fd = open(mark, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
                                if (fd >= 0)
                                        close(fd);
                                (void) unlink(mark);
                        }
                        (void) rmdir(x);
                }
        }
        end = now_usec(CLOCK_MONOTONIC) + 3 * 1000000LL;
        while (now_usec(CLOCK_MONOTONIC) < (uint64_t) end && claimed == 0) {
                bool created = false;
                int fd = anchor_mkdir(x, 0700, 811, 811, &created);

                tries++;
                if (fd < 0)
                        continue; /* the user's directory went between root's mkdir and open */
                if (created) {
                        made++;
                        if (faccessat(fd, "mine", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
                                claimed++;
                        (void) rmdir(x);
                }
                close(fd);
        }
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        printf("# %lu tries, %lu made by root, %lu of the user's claimed\n", tries, made, claimed);
        ASSERT_EQ(claimed, 0);
        fixture_rm_rf(d);
}

/* Root's relative links climb with "..": Debian's /etc/os-release is
 * ../usr/lib/os-release, Fedora's /var/run is ../run. Followed where root
 * made them; ".." named in the path itself stays refused. */
TEST(anchor_follows_roots_relative_links_up) {
        _cleanup_free_ char *d = NULL, *etc = NULL, *lib = NULL, *file = NULL, *link = NULL, *via_dir = NULL,
                            *dlink = NULL, *ulink = NULL, *udir = NULL, *dotdot = NULL;
        int fd;
        FILE *fp;

        if (geteuid() != 0)
                SKIP_THIS("making files of another user needs root");
        d = tmpdir();
        etc = join(d, "etc");
        lib = join(d, "lib");
        ASSERT_OK(mkdir(etc, 0755));
        ASSERT_OK(mkdir(lib, 0755));
        file = join(lib, "os-release");
        fp = fopen(file, "we");
        ASSERT_NOT_NULL(fp);
        fclose(fp);
        link = join(etc, "os-release");
        ASSERT_OK(symlink("../lib/os-release", link));
        fd = anchor_open(link, O_RDONLY, ANCHOR_FOLLOW_LAST, NULL);
        ASSERT_TRUE(fd >= 0);
        close(fd);
        /* A directory link climbing, then a path below it. */
        dlink = join(etc, "run");
        ASSERT_OK(symlink("../lib", dlink));
        via_dir = join(dlink, "os-release");
        fd = anchor_open(via_dir, O_RDONLY, 0, NULL);
        ASSERT_TRUE(fd >= 0);
        close(fd);
        /* The same link made by the user in its own directory: refused. */
        udir = join(d, "user");
        ASSERT_OK(mkdir(udir, 0755));
        ASSERT_OK(chown(udir, USER_UID, USER_UID));
        ulink = join(udir, "os-release");
        ASSERT_OK(symlink("../lib/os-release", ulink));
        ASSERT_OK(lchown(ulink, USER_UID, USER_UID));
        ASSERT_ERROR(anchor_open(ulink, O_RDONLY, ANCHOR_FOLLOW_LAST, NULL), ELOOP);
        /* ".." in the path given, after a link: refused as before. */
        dotdot = join(dlink, "../lib/os-release");
        ASSERT_ERROR(anchor_open(dotdot, O_RDONLY, 0, NULL), EINVAL);
        fixture_rm_rf(d);
}
