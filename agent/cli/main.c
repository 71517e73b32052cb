/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hsos/cli.h"
#include "hsos/util.h"
#include "hsos/version.h"

const char *program_name = "hsos-agent";

/* probe and fleet speak HTTP: they run in hsos-agent-net, beside this
 * program, so hsos-agent itself never maps libcurl (nor OpenSSL). */
static int run_net(int argc, char **argv) {
        char self[4096], *slash, path[4200];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        char **args = calloc((size_t) argc + 2, sizeof(char *));

        if (n <= 0 || !args) {
                fprintf(stderr, "%s: cannot find where it is installed: %s\n", program_name, strerror(errno));
                return 1;
        }
        self[n] = 0;
        slash = strrchr(self, '/');
        if (slash)
                *slash = 0;
        snprintf(path, sizeof path, "%s/hsos-agent-net", self);
        args[0] = (char *) "hsos-agent-net";
        for (int i = 1; i < argc; i++)
                args[i] = argv[i];
        execv(path, args);
        fprintf(stderr, "%s %s: cannot run %s: %s (it is installed beside hsos-agent)\n", program_name, argv[1], path,
                strerror(errno));
        free(args);
        return 1;
}

static int cmd_net(int argc, char **argv) {
        (void) argc;
        (void) argv;
        return 1; /* main() hands these over before getopt sees them */
}

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
        { "probe", cmd_net, "ask the configured clients how they are, once, and print their answers" },
        { "fleet", cmd_net, "every node's status from the controller (etcd), one line each" },
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
                        if (commands[i].run == cmd_net)
                                return run_net(argc, argv);
                        /* getopt names argv[0] in its messages: "hsos-agent plan: ..." */
                        char name[64];
                        snprintf(name, sizeof name, "%s %s", program_name, commands[i].name);
                        argv[1] = name;
                        return commands[i].run(argc - 1, argv + 1);
                }
        fprintf(stderr, "%s: unknown command '%s' (try --help)\n", program_name, argv[1]);
        return EXIT_USAGE;
}
