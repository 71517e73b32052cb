/* SPDX-License-Identifier: MIT */
/* The one way the disk work runs another program: its exit status, a
 * signal, its directory given as an fd, a program that is not there. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "hsos/edge/spawn.h"

TEST(exit_status_and_signal_are_told) {
        int status = 99;

        ASSERT_OK(spawn_wait((char *[]) { (char *) "/bin/true", NULL }, NULL, &status));
        ASSERT_EQ(status, 0);
        ASSERT_ERROR(spawn_wait((char *[]) { (char *) "/bin/sh", (char *) "-c", (char *) "exit 3", NULL }, NULL, &status),
                     EIO);
        ASSERT_EQ(status, 3);
        ASSERT_ERROR(spawn_wait((char *[]) { (char *) "/bin/sh", (char *) "-c", (char *) "kill -9 $$", NULL }, NULL,
                                &status),
                     EIO);
        ASSERT_EQ(status, -9);
        /* Not there: exec fails in the child, 127 as a shell says it. */
        ASSERT_ERROR(spawn_wait((char *[]) { (char *) "/nonexistent/program", NULL }, NULL, &status), EIO);
        ASSERT_EQ(status, 127);
        ASSERT_ERROR(spawn_wait((char *[]) { NULL }, NULL, NULL), EINVAL);
        /* Found on PATH when not absolute. */
        ASSERT_OK(spawn_wait((char *[]) { (char *) "true", NULL }, NULL, NULL));
}

TEST(it_runs_in_the_directory_of_the_fd) {
        char dir[] = "/tmp/hsos-spawn-XXXXXX", file[64];
        int fd;

        ASSERT_NOT_NULL(mkdtemp(dir));
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ASSERT_TRUE(fd >= 0);
        ASSERT_OK(spawn_wait((char *[]) { (char *) "/bin/sh", (char *) "-c", (char *) "echo x > here", NULL },
                             &(SpawnOptions) { .cwd_fd = fd }, NULL));
        close(fd);
        snprintf(file, sizeof file, "%s/here", dir);
        ASSERT_OK(access(file, F_OK));
        unlink(file);
        rmdir(dir);
}
