/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "hsos/cli.h"
#include "hsos/util.h"
#include "hsos/version.h"

const char *program_name = "hsos-agent";

static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
        const char *summary;
} commands[] = {
        { "validate", cmd_validate, "check node.json against the configuration contract" },
        { "plan", cmd_plan, "show what the node would become: mounts, secrets, units" },
        { "mount", cmd_mount, "find and mount the persistent disks now, then prepare them" },
        { "run", cmd_run, "the daemon: apply node.json through systemd, watch, serve status" },
        { "status", cmd_status, "how the node is, from the running agent" },
        { "probe", cmd_probe, "ask the configured clients how they are, once, and print their answers" },
        { "fleet", cmd_fleet, "every node's status from the controller (etcd), one line each" },
};

static void help(void) {
        printf("Usage: %s COMMAND [OPTIONS]\n\n"
               "The boot agent of a HomestakerOS-style Ethereum node: turns node.json into\n"
               "mounted disks, secrets and systemd units, and never starts a client whose\n"
               "data would land in RAM.\n\nCommands:\n", program_name);
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                printf("  %-10s %s\n", commands[i].name, commands[i].summary);
        printf("\n  --help     show this help\n  --version  show the version\n\n"
               "Run '%s COMMAND --help' for a command's options.\n", program_name);
}

int main(int argc, char **argv) {
        if (argc < 2) {
                help();
                return EXIT_USAGE;
        }
        if (streq(argv[1], "--help") || streq(argv[1], "-h") || streq(argv[1], "help")) {
                help();
                return 0;
        }
        if (streq(argv[1], "--version")) {
                printf("hsos-agent %s\n", HSOS_VERSION);
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                if (streq(argv[1], commands[i].name)) {
                        /* getopt names argv[0] in its messages: "hsos-agent plan: ..." */
                        char name[64];
                        snprintf(name, sizeof name, "%s %s", program_name, commands[i].name);
                        argv[1] = name;
                        return commands[i].run(argc - 1, argv + 1);
                }
        fprintf(stderr, "%s: unknown command '%s' (try --help)\n", program_name, argv[1]);
        return EXIT_USAGE;
}
