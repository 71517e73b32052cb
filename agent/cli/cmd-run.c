/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../daemon/manager.h"
#include "hsos/cli.h"
#include "hsos/util.h"

static void help(void) {
        printf("Usage: %s run [--config FILE]\n"
               "The daemon (systemd Type=notify): applies node.json through systemd, keeps the\n"
               "node converged as facts change (disks, addresses, units, secrets), and serves\n"
               "its status on agent.statusSocket. SIGHUP reloads node.json; SIGTERM stops it.\n"
               "  -c, --config FILE   node.json (default %s)\n",
               program_name, CONFIG_DEFAULT_PATH);
}

int cmd_run(int argc, char **argv) {
        static const struct option options[] = {
                { "config", required_argument, NULL, 'c' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        const char *config = CONFIG_DEFAULT_PATH;
        Manager *m = NULL;
        int opt, r;

        while ((opt = getopt_long(argc, argv, "c:h", options, NULL)) >= 0)
                switch (opt) {
                case 'c':
                        config = optarg;
                        break;
                case 'h':
                        help();
                        return 0;
                default:
                        return EXIT_USAGE;
                }
        if (cli_extra_args(argc, argv, "run"))
                return EXIT_USAGE;
        r = manager_new(config, &m);
        if (r < 0) {
                fprintf(stderr, "%s run: cannot start: %s\n", program_name, strerror(-r));
                return 1;
        }
        r = manager_run(m);
        manager_free(m);
        if (r < 0) {
                fprintf(stderr, "%s run: %s\n", program_name, strerror(-r));
                return 1;
        }
        return 0;
}
