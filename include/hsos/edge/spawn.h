/* SPDX-License-Identifier: MIT */
#pragma once

/* Running another program and waiting for it (fork, exec, waitpid): the one
 * place that does it for the disk work (useradd, ssh-keygen, journalctl,
 * systemd-sysusers). It blocks: the daemon calls it only in its worker child
 * (agent/daemon/worker.c), never on its event loop. */

#include <stdbool.h>

typedef struct SpawnOptions {
        int cwd_fd;            /* run in this directory (an fd), or -1 */
        bool quiet_stdout;     /* stdout to /dev/null (stdin always is) */
        bool quiet_stderr;     /* stderr to /dev/null */
} SpawnOptions;

/* Runs argv[0] (an absolute path, else looked up on PATH) with argv and
 * waits. 0 when it exited 0; -EIO when it exited otherwise or was killed
 * (*ret_status: its exit status, or -signal; may be NULL); -errno when it
 * could not be started. The child gets a plain signal mask. */
int spawn_wait(char * const *argv, const SpawnOptions *o, int *ret_status);
