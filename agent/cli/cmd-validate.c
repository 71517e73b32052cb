/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "hsos/cli.h"
#include "hsos/util.h"

static void help(void) {
        printf("Usage: %s validate [--config FILE]\n"
               "Checks node.json against the configuration contract.\n"
               "Exit status: 0 valid, 1 invalid (errors on stderr, one per line),\n"
               "2 the file cannot be read or a usage error.\n"
               "  -c, --config FILE   node.json to check (default %s)\n",
               program_name, CONFIG_DEFAULT_PATH);
}

int cmd_validate(int argc, char **argv) {
        static const struct option options[] = {
                { "config", required_argument, NULL, 'c' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(config_freep) Config *c = NULL;
        const char *path = CONFIG_DEFAULT_PATH;
        size_t n_enabled = 0, n_mounts = 0;
        int opt, r;

        while ((opt = getopt_long(argc, argv, "c:h", options, NULL)) >= 0)
                switch (opt) {
                case 'c':
                        path = optarg;
                        break;
                case 'h':
                        help();
                        return 0;
                default:
                        return EXIT_USAGE;
                }
        if (cli_extra_args(argc, argv, "validate"))
                return EXIT_USAGE;

        r = cli_load_config(path, &c);
        if (r == -EINVAL)
                return 1;
        if (r < 0)
                return EXIT_USAGE;

        printf("%s: valid: host %s on %s", path, c->hostname, network_to_string(c->network));
        for (Client cl = 0; cl < _CLIENT_MAX; cl++)
                if (config_client_enabled(c, cl))
                        printf("%s%s", n_enabled++ ? ", " : "; enabled: ", client_to_string(cl));
        if (n_enabled == 0)
                printf("; no client enabled");
        for (size_t i = 0; i < c->n_mounts; i++)
                if (c->mounts[i].enable)
                        n_mounts++;
        printf("; %zu mount%s enabled\n", n_mounts, n_mounts == 1 ? "" : "s");
        return 0;
}
