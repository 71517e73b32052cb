/* SPDX-License-Identifier: MIT */
/* hsos-agent-net: everything of hsos-agent that speaks HTTP (libcurl, TLS,
 * answers from outside), apart from the rest so the root daemon never maps
 * it: `hsos-agent probe` and `hsos-agent fleet` run here (hsos-agent execs
 * this program with its arguments), and so does the daemon's unprivileged
 * network helper: `hsos-agent-net child`, forked by the daemon with the
 * socket on fd 3, or `hsos-agent-net child --connect PATH`, as systemd runs
 * it (hsos-agent-net.service), connecting to the socket the daemon listens
 * on. One protocol either way. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "hsos/cli.h"
#include "hsos/util.h"
#include "hsos/version.h"
#include "netd.h"

const char *program_name = "hsos-agent";

int main(int argc, char **argv) {
        struct stat st;

        if (argc >= 2 && streq(argv[1], "--version")) {
                printf("hsos-agent-net %s\n", HSOS_VERSION);
                return 0;
        }
        if (argc >= 2 && (streq(argv[1], "probe") || streq(argv[1], "fleet"))) {
                char name[64];
                snprintf(name, sizeof name, "%s %s", program_name, argv[1]);
                argv[1] = name;
                return streq(argv[1] + strlen(program_name) + 1, "probe") ? cmd_probe(argc - 1, argv + 1)
                                                                         : cmd_fleet(argc - 1, argv + 1);
        }
        if (argc == 2 && streq(argv[1], "child")) {
                /* fd 3 is the socket the daemon gave it, and nothing else. */
                if (fstat(3, &st) < 0 || !S_ISSOCK(st.st_mode)) {
                        fprintf(stderr, "hsos-agent-net child: started by hsos-agent run only (fd 3 is no socket)\n");
                        return EXIT_USAGE;
                }
                return netd_run(3);
        }
        if (argc == 4 && streq(argv[1], "child") && streq(argv[2], "--connect")) {
                struct sockaddr_un sa = { .sun_family = AF_UNIX };
                int fd;

                /* Whoever runs it so means to hand the network to root: no. */
                if (geteuid() == 0) {
                        fprintf(stderr, "hsos-agent-net child: refusing to run as root (hsos-agent-net.service runs it as hsos-net)\n");
                        return EXIT_USAGE;
                }
                if (strlen(argv[3]) >= sizeof sa.sun_path) {
                        fprintf(stderr, "hsos-agent-net child: %s: path too long for a socket\n", argv[3]);
                        return EXIT_USAGE;
                }
                strcpy(sa.sun_path, argv[3]);
                fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
                if (fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0) {
                        fprintf(stderr, "hsos-agent-net child: cannot connect to the agent at %s: %s\n", argv[3],
                                strerror(errno));
                        return 1;
                }
                return netd_run(fd);
        }
        fprintf(stderr, "Usage: hsos-agent-net probe|fleet [OPTIONS] (run as hsos-agent probe|fleet)\n"
                        "       hsos-agent-net child --connect PATH (as hsos-agent-net.service runs it)\n");
        return EXIT_USAGE;
}
