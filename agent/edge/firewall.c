/* SPDX-License-Identifier: MIT */
/* The root process never maps libnftables (nor libnftnl, libxtables,
 * libjansson and libgmp behind it): the ruleset is loaded by a child forked
 * for it, which opens the library with dlopen(), runs the whole text as one
 * transaction and sends nft's error back over a pipe. The child lives for
 * the few milliseconds of the load; a load still running after
 * LOAD_TIMEOUT_MS is killed and reported. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <nftables/libnftables.h>

#include "hsos/edge/anchor.h"
#include "hsos/edge/dynlib.h"
#include "hsos/edge/firewall.h"
#include "hsos/util.h"

/* Where the library lies: a packager whose loader does not search the
 * system's directories (Nix) passes the full path. */
#ifndef HSOS_LIBNFTABLES
#define HSOS_LIBNFTABLES "libnftables.so.1"
#endif

#define LOAD_TIMEOUT_MS 10000
#define ERROR_MAX 512

typedef struct Nft {
        struct nft_ctx *(*ctx_new)(uint32_t flags);
        void (*ctx_free)(struct nft_ctx *ctx);
        int (*buffer_output)(struct nft_ctx *ctx);
        int (*buffer_error)(struct nft_ctx *ctx);
        const char *(*get_error)(struct nft_ctx *ctx);
        int (*run_buffer)(struct nft_ctx *ctx, const char *buf);
} Nft;

/* 0, or -ELIBACC / -ELIBBAD with the reason in error. */
static int nft_open(Nft *n, char *error, size_t size) {
        static const DynlibSymbol symbols[] = {
                { "nft_ctx_new", offsetof(Nft, ctx_new) },
                { "nft_ctx_free", offsetof(Nft, ctx_free) },
                { "nft_ctx_buffer_output", offsetof(Nft, buffer_output) },
                { "nft_ctx_buffer_error", offsetof(Nft, buffer_error) },
                { "nft_ctx_get_error_buffer", offsetof(Nft, get_error) },
                { "nft_run_cmd_from_buffer", offsetof(Nft, run_buffer) },
        };

        return dynlib_open(HSOS_LIBNFTABLES, "libnftables1", symbols, ELEMENTSOF(symbols), n, NULL, error, size);
}

/* In the child: 0 loaded, else nft's error (its first ERROR_MAX bytes,
 * without the newlines at its end) written to fd. */
static _Noreturn void load_child(int fd, const char *ruleset) {
        const char *e = NULL;
        struct nft_ctx *ctx = NULL;
        char open_error[ERROR_MAX];
        Nft n = {};
        size_t len;

        if (nft_open(&n, open_error, sizeof open_error) < 0)
                e = open_error;
        if (!e && (!(ctx = n.ctx_new(NFT_CTX_DEFAULT)) || n.buffer_output(ctx) < 0 || n.buffer_error(ctx) < 0))
                e = "out of memory";
        if (!e && n.run_buffer(ctx, ruleset) == 0)
                _exit(0);
        if (!e) {
                e = n.get_error(ctx);
                if (!e || !*e)
                        e = "nft refused the ruleset";
        }
        len = strlen(e);
        while (len > 0 && e[len - 1] == '\n')
                len--;
        (void) write_all(fd, e, len < ERROR_MAX ? len : ERROR_MAX);
        _exit(1);
}

/* Loads the text in a child; 0 loaded, -EINVAL with *ret_error set when
 * it was refused, -errno when the child could not run. */
static int load(const char *ruleset, char **ret_error) {
        _cleanup_close_ int rfd = -EBADF;
        char buf[ERROR_MAX + 1];
        size_t got = 0;
        int p[2], status;
        pid_t pid;
        struct timespec start;

        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        pid = fork();
        if (pid < 0) {
                int r = -errno;
                close(p[0]);
                close(p[1]);
                return r;
        }
        if (pid == 0) {
                close(p[0]);
                load_child(p[1], ruleset);
        }
        close(p[1]);
        rfd = p[0];
        (void) clock_gettime(CLOCK_MONOTONIC, &start);
        for (;;) {
                struct pollfd pfd = { .fd = rfd, .events = POLLIN };
                struct timespec now;
                long left;
                ssize_t k;

                (void) clock_gettime(CLOCK_MONOTONIC, &now);
                left = LOAD_TIMEOUT_MS - ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
                if (left <= 0) {
                        (void) kill(pid, SIGKILL);
                        (void) waitpid(pid, NULL, 0);
                        *ret_error = strdup("loading the ruleset took longer than 10 s: stopped");
                        return *ret_error ? -EINVAL : -ENOMEM;
                }
                if (poll(&pfd, 1, (int) left) < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                if (!pfd.revents)
                        continue;
                k = read(rfd, buf + got, sizeof(buf) - 1 - got);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        break;
                got += (size_t) k;
                if (got == sizeof(buf) - 1)
                        break;
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        if (got == 0) {
                *ret_error = strdup(WIFSIGNALED(status) ? "the process loading the ruleset was killed"
                                                        : "nft refused the ruleset");
        } else {
                /* nft's first line (the ones after it quote the ruleset and
                 * point at the word), without control characters: it goes
                 * into the status and a log line. */
                buf[got] = '\0';
                buf[strcspn(buf, "\n")] = '\0';
                for (char *c = buf; *c; c++)
                        if ((unsigned char) *c < 0x20 || *c == 0x7f)
                                *c = ' ';
                *ret_error = strdup(buf);
        }
        return *ret_error ? -EINVAL : -ENOMEM;
}

int firewall_apply(FirewallState *s, const char *ruleset, unsigned n_rules) {
        char *copy, *error = NULL;
        int r;

        if (s->applied && streq_ptr(s->loaded, ruleset))
                return 0;
        copy = strdup(ruleset);
        if (!copy)
                return -ENOMEM;
        r = load(ruleset, &error);
        if (r < 0 && !error)
                (void) asprintf(&error, "the ruleset could not be loaded: %s", strerror(-r));
        free(s->last_error);
        s->last_error = error;
        if (r < 0) {
                free(copy);
                s->applied = false;
                return r;
        }
        free(s->loaded);
        s->loaded = copy;
        s->applied = true;
        s->rules = n_rules;
        return 1;
}

void firewall_state_done(FirewallState *s) {
        free(s->loaded);
        free(s->last_error);
        *s = (FirewallState) {};
}
