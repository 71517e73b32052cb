/* SPDX-License-Identifier: MIT */
/* hsos-agent status: asks the daemon over its socket. Exit 0 operational,
 * 1 starting or degraded, 2 failed or config-error, 3 the agent cannot be
 * reached (the monitoring-plugin codes). */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "hsos/cli.h"
#include "hsos/edge/files.h"
#include "hsos/status.h"
#include "hsos/util.h"

#define EXIT_UNREACHABLE 3
#define ANSWER_MAX (4 * 1024 * 1024)
#define DEADLINE_MS 10000

static void help(void) {
        printf("Usage: %s status [--json] [--socket PATH] [--config FILE]\n"
               "Asks the running agent how the node is. Exit status: 0 operational,\n"
               "1 starting or degraded, 2 failed or config-error, 3 the agent cannot be reached.\n"
               "  -j, --json          print the status document (hsos.status/1)\n"
               "  -s, --socket PATH   the agent's socket (default: agent.statusSocket of\n"
               "                      node.json, else /run/hsos-agent/status.sock)\n"
               "  -c, --config FILE   node.json to read the socket from (default %s)\n",
               program_name, CONFIG_DEFAULT_PATH);
}

static long long now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The socket: --socket, else node.json's, else the default. */
static char *socket_path(const char *explicit_path, const char *config) {
        _cleanup_strv_free_ char **errors = NULL;
        _cleanup_free_ char *data = NULL;
        Config *c = NULL;
        size_t size;
        char *s;

        if (explicit_path)
                return strdup(explicit_path);
        if (read_file_capped(config, CONFIG_SIZE_MAX, &data, &size) >= 0 &&
            config_parse(data, size, &c, &errors) >= 0) {
                s = strdup(c->agent.status_socket);
                config_free(c);
                return s;
        }
        return strdup("/run/hsos-agent/status.sock");
}

/* Sends "status", reads the whole answer, within the deadline. */
static int ask(const char *path, char **ret, char **ret_why) {
        _cleanup_close_ int fd = -EBADF;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        long long deadline = now_ms() + DEADLINE_MS;
        StrBuf b = {};
        const char req[] = "status\n";
        size_t sent = 0;

        if (strlen(path) >= sizeof sa.sun_path)
                return -ENAMETOOLONG;
        memcpy(sa.sun_path, path, strlen(path));
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        /* EAGAIN: the daemon's listen backlog is full (a flood it is
         * draining); the socket is not connecting, so connect again. */
        while (connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0) {
                if (errno != EAGAIN)
                        return -errno;
                if (now_ms() >= deadline) {
                        *ret_why = strdup("its socket accepted no connection within 10 s");
                        return -ETIMEDOUT;
                }
                (void) poll(NULL, 0, 10);
        }
        for (;;) {
                struct pollfd p = { .fd = fd, .events = sent < sizeof req - 1 ? POLLOUT : POLLIN };
                long long left = deadline - now_ms();
                ssize_t n;
                char buf[65536];

                if (left <= 0) {
                        sb_done(&b);
                        *ret_why = strdup("no answer within 10 s");
                        return -ETIMEDOUT;
                }
                if (poll(&p, 1, (int) left) < 0) {
                        if (errno == EINTR)
                                continue;
                        sb_done(&b);
                        return -errno;
                }
                if (sent < sizeof req - 1) {
                        n = send(fd, req + sent, sizeof req - 1 - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
                        if (n < 0 && errno != EAGAIN && errno != EINTR) {
                                sb_done(&b);
                                return -errno;
                        }
                        if (n > 0)
                                sent += (size_t) n;
                        continue;
                }
                n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
                if (n < 0) {
                        if (errno == EAGAIN || errno == EINTR)
                                continue;
                        sb_done(&b);
                        return -errno;
                }
                if (n == 0)
                        break;
                sb_appendn(&b, buf, (size_t) n);
                if (b.len > ANSWER_MAX) {
                        sb_done(&b);
                        *ret_why = strdup("the answer is larger than 4 MiB");
                        return -EMSGSIZE;
                }
        }
        return sb_steal(&b, ret);
}

int cmd_status(int argc, char **argv) {
        static const struct option options[] = {
                { "json", no_argument, NULL, 'j' },
                { "socket", required_argument, NULL, 's' },
                { "config", required_argument, NULL, 'c' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        _cleanup_free_ char *path = NULL, *answer = NULL, *why = NULL, *text = NULL, *err = NULL;
        _cleanup_(cJSON_Deletep) cJSON *doc = NULL;
        const char *explicit_path = NULL, *config = CONFIG_DEFAULT_PATH;
        const cJSON *state;
        bool json = false;
        int opt, r;

        while ((opt = getopt_long(argc, argv, "js:c:h", options, NULL)) >= 0)
                switch (opt) {
                case 'j':
                        json = true;
                        break;
                case 's':
                        explicit_path = optarg;
                        break;
                case 'c':
                        config = optarg;
                        break;
                case 'h':
                        help();
                        return 0;
                default:
                        return EXIT_USAGE;
                }
        if (cli_extra_args(argc, argv, "status"))
                return EXIT_USAGE;
        path = socket_path(explicit_path, config);
        if (!path)
                return EXIT_UNREACHABLE;
        r = ask(path, &answer, &why);
        if (r < 0) {
                fprintf(stderr, "%s status: the agent cannot be reached at %s: %s\n", program_name, path,
                        why ?: strerror(-r));
                return EXIT_UNREACHABLE;
        }
        doc = cJSON_Parse(answer);
        state = cJSON_GetObjectItemCaseSensitive(doc, "state");
        if (!cJSON_IsString(state) || node_state_from_string(state->valuestring) < 0) {
                fprintf(stderr, "%s status: the agent at %s answered something that is not a status document\n",
                        program_name, path);
                return EXIT_UNREACHABLE;
        }
        if (json)
                fputs(answer, stdout);
        else {
                r = status_to_text(answer, isatty(STDOUT_FILENO) && !getenv("NO_COLOR"), &text, &err);
                if (r < 0) {
                        fprintf(stderr, "%s status: %s\n", program_name, err ?: strerror(-r));
                        return EXIT_UNREACHABLE;
                }
                fputs(text, stdout);
        }
        return node_state_exit_code(node_state_from_string(state->valuestring));
}
