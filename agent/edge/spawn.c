/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hsos/edge/spawn.h"

int spawn_wait(char * const *argv, const SpawnOptions *o, int *ret_status) {
        int status;
        pid_t pid;

        if (ret_status)
                *ret_status = 0;
        if (!argv || !argv[0])
                return -EINVAL;
        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                sigset_t none;
                int null = open("/dev/null", O_RDWR | O_CLOEXEC);

                sigemptyset(&none);
                (void) sigprocmask(SIG_SETMASK, &none, NULL);
                if (null >= 0) {
                        (void) dup2(null, STDIN_FILENO);
                        if (o && o->quiet_stdout)
                                (void) dup2(null, STDOUT_FILENO);
                        if (o && o->quiet_stderr)
                                (void) dup2(null, STDERR_FILENO);
                }
                if (o && o->cwd_fd >= 0 && fchdir(o->cwd_fd) < 0)
                        _exit(126);
                if (argv[0][0] == '/')
                        execv(argv[0], argv);
                else
                        execvp(argv[0], argv);
                _exit(127);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        if (WIFEXITED(status)) {
                if (ret_status)
                        *ret_status = WEXITSTATUS(status);
                return WEXITSTATUS(status) == 0 ? 0 : -EIO;
        }
        if (ret_status)
                *ret_status = WIFSIGNALED(status) ? -WTERMSIG(status) : -1;
        return -EIO;
}
