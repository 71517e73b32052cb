/* SPDX-License-Identifier: MIT */
/* Test images only: a stand-in for every client the agent knows, installed
 * under the clients' executable names, so that any valid node.json boots to
 * running units there. It accepts the real flags (it ignores them), listens on
 * the ports they name (so the ports are really taken), and runs until
 * stopped. It never goes into an image built for a real node.
 *
 * If /run/hsos-e2e/crash-<name> exists, it exits 1 at once (a crash-looping
 * client). Named hsos-e2e-clock-sync, it marks the kernel's clock
 * synchronized, as an NTP client would (the test guest has no time server). */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timex.h>
#include <unistd.h>

static const char *base(const char *p) {
        const char *s = strrchr(p, '/');
        return s ? s + 1 : p;
}

static void listen_on(int port) {
        struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t) port) };
        int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0), zero = 0, one = 1;

        if (fd < 0)
                return;
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0 || listen(fd, 16) < 0) {
                fprintf(stderr, "%d: %s\n", port, strerror(errno));
                close(fd);
        }
}

/* The ports in the arguments: "--x.port=8545", "--port=9000", "-addr h:18550". */
static void listen_on_args(int argc, char **argv) {
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i], *eq = strchr(a, '='), *colon;
                if (strstr(a, "port") && eq && atoi(eq + 1) > 0)
                        listen_on(atoi(eq + 1));
                else if (strcmp(a, "-addr") == 0 && i + 1 < argc && (colon = strrchr(argv[i + 1], ':')))
                        listen_on(atoi(colon + 1));
        }
}

static void on_term(int sig) {
        (void) sig;
        _exit(0);
}

int main(int argc, char **argv) {
        const char *name = base(argv[0]);
        char crash[256];

        if (strcmp(name, "hsos-e2e-clock-sync") == 0) {
                struct timex tx = { .modes = ADJ_STATUS | ADJ_MAXERROR | ADJ_ESTERROR, .status = 0,
                                    .maxerror = 1000, .esterror = 1000 };
                int r = adjtimex(&tx);
                if (r < 0) {
                        perror("adjtimex");
                        return 1;
                }
                struct timex q = {};
                r = adjtimex(&q);
                printf("clock state %d, status 0x%x, maxerror %ld\n", r, q.status, q.maxerror);
                return r == TIME_ERROR;
        }
        snprintf(crash, sizeof crash, "/run/hsos-e2e/crash-%s", name);
        if (access(crash, F_OK) == 0) {
                fprintf(stderr, "%s (stand-in): crashing as asked by %s\n", name, crash);
                return 1;
        }
        signal(SIGTERM, on_term);
        signal(SIGINT, on_term);
        listen_on_args(argc, argv);
        printf("%s (stand-in) running with %d arguments\n", name, argc - 1);
        fflush(stdout);
        for (;;)
                pause();
}
