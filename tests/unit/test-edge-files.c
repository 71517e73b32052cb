/* SPDX-License-Identifier: MIT */
/* The file edges on temporary files: secret_file_state, executable_find,
 * and mounttable_read on a hand-written mountinfo file. */

#include "harness.h"

#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hsos/edge/files.h"
#include "hsos/edge/mounttable.h"
#include "hsos/facts.h"
#include "hsos/util.h"

#define HEX64 "0123456789abcdefABCDEF0123456789abcdef0123456789abcdef0123456789"

static char tmpdir[256];

/* One temporary directory for the whole binary, removed at exit. */
static void cleanup_tmpdir(void) {
        char cmd[300];

        if (tmpdir[0]) {
                snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
                (void) !system(cmd);
        }
}

static const char *tmp(void) {
        if (!tmpdir[0]) {
                const char *base = getenv("TMPDIR");
                snprintf(tmpdir, sizeof tmpdir, "%s/hsos-test-edge-files-XXXXXX", isempty(base) ? "/tmp" : base);
                if (!mkdtemp(tmpdir))
                        HARNESS_FAIL("cannot create a temporary directory: %s", strerror(errno));
                atexit(cleanup_tmpdir);
        }
        return tmpdir;
}

/* A path in the temporary directory, for the caller to free. */
static char *tpath(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *tpath(const char *fmt, ...) {
        _cleanup_free_ char *name = NULL;
        char *p = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&name, fmt, ap);
        va_end(ap);
        ASSERT_TRUE(r >= 0);
        ASSERT_OK(path_join(tmp(), name, &p));
        return p;
}

static char *write_file(const char *name, const char *content, size_t len, mode_t mode) {
        char *p = tpath("%s", name);
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

        ASSERT_TRUE(fd >= 0);
        ASSERT_EQ(write(fd, content, len), (ssize_t) len);
        ASSERT_OK(fchmod(fd, mode));
        close(fd);
        return p;
}

static FileState jwt_state_of(const char *name, const char *content) {
        _cleanup_free_ char *p = write_file(name, content, strlen(content), 0600);

        return secret_file_state(p, true);
}

/* ---- secret_file_state ---- */

TEST(jwt_valid) {
        ASSERT_EQ(strlen(HEX64), 64);
        ASSERT_EQ(jwt_state_of("plain", HEX64), FILE_PRESENT);
}

TEST(jwt_0x_prefix) {
        ASSERT_EQ(jwt_state_of("0x", "0x" HEX64), FILE_PRESENT);
        ASSERT_EQ(jwt_state_of("0X", "0X" HEX64), FILE_PRESENT);
}

TEST(jwt_trailing_newline) {
        ASSERT_EQ(jwt_state_of("nl", HEX64 "\n"), FILE_PRESENT);
}

TEST(jwt_prefix_and_newline) {
        ASSERT_EQ(jwt_state_of("0x-nl", "0x" HEX64 "\n"), FILE_PRESENT);
}

TEST(jwt_63_and_65_chars) {
        char s63[64], s65[66];

        memcpy(s63, HEX64, 63);
        s63[63] = 0;
        memcpy(s65, HEX64 "a", 65);
        s65[65] = 0;
        ASSERT_EQ(jwt_state_of("63", s63), FILE_INVALID);
        ASSERT_EQ(jwt_state_of("65", s65), FILE_INVALID);
        ASSERT_EQ(jwt_state_of("0x63", "0x0123456789abcdefABCDEF0123456789abcdef0123456789abcdef012345678"), FILE_INVALID);
        ASSERT_EQ(jwt_state_of("63-nl", "0123456789abcdefABCDEF0123456789abcdef0123456789abcdef012345678\n"), FILE_INVALID);
        ASSERT_EQ(jwt_state_of("65-nl", HEX64 "a\n"), FILE_INVALID);
}

TEST(jwt_non_hex) {
        char s[65];

        memcpy(s, HEX64, 65);
        s[17] = 'g';
        ASSERT_EQ(jwt_state_of("g", s), FILE_INVALID);
        s[17] = ' ';
        ASSERT_EQ(jwt_state_of("space", s), FILE_INVALID);
        memcpy(s, HEX64, 65);
        s[63] = '\n';
        ASSERT_EQ(jwt_state_of("nl-inside", s), FILE_INVALID);
        memcpy(s, HEX64, 65);
        s[0] = 'x';
        ASSERT_EQ(jwt_state_of("x-first", s), FILE_INVALID);
}

TEST(jwt_other_invalid_shapes) {
        ASSERT_EQ(jwt_state_of("two-nl", HEX64 "\n\n"), FILE_INVALID);
        ASSERT_EQ(jwt_state_of("crlf", HEX64 "\r\n"), FILE_INVALID);
        ASSERT_EQ(jwt_state_of("lead-nl", "\n" HEX64), FILE_INVALID);
        ASSERT_EQ(jwt_state_of("two-keys", HEX64 "\n" HEX64 "\n"), FILE_INVALID);
        ASSERT_EQ(jwt_state_of("0x-only", "0x"), FILE_INVALID);
        ASSERT_EQ(jwt_state_of("nl-only", "\n"), FILE_INVALID);
        ASSERT_EQ(jwt_state_of("0x0x", "0x0x" HEX64), FILE_INVALID);
}

TEST(jwt_with_nul_byte) {
        char s[65];
        _cleanup_free_ char *p = NULL;

        memcpy(s, HEX64, 64);
        s[10] = 0;
        p = write_file("nul", s, 64, 0600);
        ASSERT_EQ(secret_file_state(p, true), FILE_INVALID);
}

TEST(jwt_empty_file) {
        _cleanup_free_ char *p = write_file("empty", "", 0, 0600);

        ASSERT_EQ(secret_file_state(p, true), FILE_INVALID);
        /* Not a JWT: any regular file is there. */
        ASSERT_EQ(secret_file_state(p, false), FILE_PRESENT);
}

TEST(secret_directory) {
        _cleanup_free_ char *p = tpath("dir");

        ASSERT_OK(mkdir(p, 0700));
        ASSERT_EQ(secret_file_state(p, true), FILE_INVALID);
        ASSERT_EQ(secret_file_state(p, false), FILE_INVALID);
}

TEST(secret_fifo) {
        _cleanup_free_ char *p = tpath("fifo");

        ASSERT_OK(mkfifo(p, 0600));
        /* Never blocks on a FIFO without a writer. */
        ASSERT_EQ(secret_file_state(p, true), FILE_INVALID);
        ASSERT_EQ(secret_file_state(p, false), FILE_INVALID);
}

TEST(secret_absent) {
        _cleanup_free_ char *p = tpath("no-such-file"), *q = tpath("no-such-dir/jwt.hex"),
                            *f = write_file("a-file", HEX64, 64, 0600), *under = NULL;

        ASSERT_EQ(secret_file_state(p, true), FILE_ABSENT);
        ASSERT_EQ(secret_file_state(p, false), FILE_ABSENT);
        ASSERT_EQ(secret_file_state(q, true), FILE_ABSENT);
        ASSERT_TRUE(asprintf(&under, "%s/jwt.hex", f) >= 0);
        ASSERT_EQ(secret_file_state(under, true), FILE_ABSENT);
}

TEST(secret_symlink) {
        _cleanup_free_ char *target = write_file("link-target", "0x" HEX64 "\n", 67, 0600), *link = tpath("link"),
                            *bad = write_file("link-target-bad", "nope", 4, 0600), *badlink = tpath("badlink"),
                            *dangling = tpath("dangling"), *gone = tpath("gone");

        ASSERT_OK(symlink(target, link));
        ASSERT_EQ(secret_file_state(link, true), FILE_PRESENT);
        ASSERT_EQ(secret_file_state(link, false), FILE_PRESENT);
        ASSERT_OK(symlink(bad, badlink));
        ASSERT_EQ(secret_file_state(badlink, true), FILE_INVALID);
        ASSERT_OK(symlink(gone, dangling));
        ASSERT_EQ(secret_file_state(dangling, true), FILE_ABSENT);
}

TEST(secret_not_jwt_any_content) {
        _cleanup_free_ char *p = write_file("wg0.conf", "[Interface]\nPrivateKey = x\n", 27, 0600);

        ASSERT_EQ(secret_file_state(p, false), FILE_PRESENT);
        ASSERT_EQ(secret_file_state(p, true), FILE_INVALID);
}

/* ---- executable_find ---- */

TEST(executable_find_on_path) {
        _cleanup_free_ char *bin1 = tpath("bin1"), *bin2 = tpath("bin2"), *found = NULL, *search = NULL,
                            *exe1 = NULL, *exe2 = NULL, *noexec = NULL, *dir = NULL, *expected = NULL;

        ASSERT_OK(mkdir(bin1, 0755));
        ASSERT_OK(mkdir(bin2, 0755));
        exe1 = write_file("bin1/geth", "#!/bin/sh\n", 10, 0755);
        exe2 = write_file("bin2/geth", "#!/bin/sh\n", 10, 0755);
        free(write_file("bin2/teku", "#!/bin/sh\n", 10, 0755));
        noexec = write_file("bin1/teku", "#!/bin/sh\n", 10, 0644);
        dir = tpath("bin1/besu");
        ASSERT_OK(mkdir(dir, 0755));
        ASSERT_TRUE(asprintf(&search, "relative/dir:%s/none:%s:%s", tmp(), bin1, bin2) >= 0);

        /* The first directory that has it. */
        ASSERT_OK(executable_find("geth", search, &found));
        ASSERT_STREQ(found, exe1);
        free(found);
        found = NULL;

        /* A file without any x bit is passed over (even for root). */
        ASSERT_OK(executable_find("teku", search, &found));
        ASSERT_TRUE(asprintf(&expected, "%s/teku", bin2) >= 0);
        ASSERT_STREQ(found, expected);
        free(found);
        found = NULL;

        /* A directory is not an executable. */
        ASSERT_ERROR(executable_find("besu", search, &found), ENOENT);
        ASSERT_ERROR(executable_find("nethermind", search, &found), ENOENT);
        ASSERT_NULL(found);
        (void) exe2;
}

TEST(executable_find_skips_relative_entries) {
        _cleanup_free_ char *bin = tpath("relbin"), *found = NULL;
        char cwd[4096];

        ASSERT_OK(mkdir(bin, 0755));
        free(write_file("relbin/lodestar", "#!/bin/sh\n", 10, 0755));
        ASSERT_NOT_NULL(getcwd(cwd, sizeof cwd));
        ASSERT_OK(chdir(tmp()));
        int r1 = executable_find("lodestar", "relbin", &found);
        int r2 = executable_find("lodestar", "::relbin:", &found);
        ASSERT_OK(chdir(cwd));
        ASSERT_ERROR(r1, ENOENT);
        ASSERT_ERROR(r2, ENOENT);
        ASSERT_NULL(found);
}

TEST(executable_find_absolute) {
        _cleanup_free_ char *exe = write_file("abs-exe", "#!/bin/sh\n", 10, 0755), *found = NULL,
                            *missing = tpath("abs-missing");

        ASSERT_OK(executable_find(exe, "/nonexistent", &found));
        ASSERT_STREQ(found, exe);
        free(found);
        found = NULL;
        ASSERT_ERROR(executable_find(missing, NULL, &found), ENOENT);
        ASSERT_NULL(found);
}

TEST(executable_find_default_path) {
        _cleanup_free_ char *found = NULL;

        /* NULL means the usual system PATH, which holds a shell. */
        ASSERT_OK(executable_find("sh", NULL, &found));
        ASSERT_TRUE(found[0] == '/');
        ASSERT_TRUE(endswith(found, "/sh"));
}

/* ---- mounttable_read ---- */

TEST(mounttable_read_mountinfo) {
        static const char mountinfo[] =
                "22 1 0:21 / / rw,relatime shared:1 - tmpfs rootfs rw,size=4096k,mode=755\n"
                "36 22 254:17 /@eth /var/mnt/eth\\040data rw,noatime shared:30 - btrfs /dev/vdb1 rw,space_cache=v2,subvolid=260,subvol=/@eth\n";
        _cleanup_free_ char *p = write_file("mountinfo", mountinfo, sizeof mountinfo - 1, 0644);
        _cleanup_(facts_freep) Facts *f = facts_new();

        ASSERT_NOT_NULL(f);
        ASSERT_OK(mounttable_read(p, f));
        ASSERT_EQ(f->n_mounts, 2);

        ASSERT_STREQ(f->mounts[0].target, "/");
        ASSERT_STREQ(f->mounts[0].source, "rootfs");
        ASSERT_STREQ(f->mounts[0].fstype, "tmpfs");
        ASSERT_CONTAINS(f->mounts[0].options, "relatime");
        ASSERT_CONTAINS(f->mounts[0].options, "size=4096k");

        /* Octal escapes in mountinfo are decoded. */
        ASSERT_STREQ(f->mounts[1].target, "/var/mnt/eth data");
        ASSERT_STREQ(f->mounts[1].source, "/dev/vdb1");
        ASSERT_STREQ(f->mounts[1].fstype, "btrfs");
        ASSERT_CONTAINS(f->mounts[1].options, "noatime");
        ASSERT_CONTAINS(f->mounts[1].options, "subvolid=260");
        ASSERT_CONTAINS(f->mounts[1].options, "subvol=/@eth");
        ASSERT_NOT_CONTAINS(f->mounts[1].options, "shared:");

        /* The plan's question: where does a data dir lie? */
        ASSERT_TRUE(facts_mount_holding(f, "/var/mnt/eth data/geth") == &f->mounts[1]);
        ASSERT_TRUE(facts_mount_holding(f, "/var/mnt/geth") == &f->mounts[0]);
}

TEST(mounttable_read_appends) {
        static const char mountinfo[] =
                "22 1 0:21 / / rw,relatime - tmpfs rootfs rw\n"
                "40 22 8:1 / /mnt rw,noatime - ext4 /dev/sda1 rw,errors=remount-ro\n";
        _cleanup_free_ char *p = write_file("mountinfo2", mountinfo, sizeof mountinfo - 1, 0644);
        _cleanup_(facts_freep) Facts *f = facts_new();

        ASSERT_NOT_NULL(f);
        ASSERT_OK(facts_add_mount(f, "/already", "x", "ext4", NULL));
        ASSERT_OK(mounttable_read(p, f));
        ASSERT_EQ(f->n_mounts, 3);
        ASSERT_STREQ(f->mounts[2].target, "/mnt");
        ASSERT_STREQ(f->mounts[2].source, "/dev/sda1");
        ASSERT_STREQ(f->mounts[2].fstype, "ext4");
        ASSERT_CONTAINS(f->mounts[2].options, "errors=remount-ro");
}

TEST(mounttable_read_missing_file) {
        _cleanup_free_ char *p = tpath("no-mountinfo");
        _cleanup_(facts_freep) Facts *f = facts_new();

        ASSERT_NOT_NULL(f);
        ASSERT_TRUE(mounttable_read(p, f) < 0);
        ASSERT_EQ(f->n_mounts, 0);
}
