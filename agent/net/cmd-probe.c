/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <cJSON.h>
#include <systemd/sd-event.h>

#include "hsos/cli.h"
#include "hsos/http.h"
#include "hsos/probe.h"
#include "hsos/util.h"

static void help(void) {
        printf("Usage: %s probe [--config FILE] [--json]\n"
               "Asks every enabled execution and consensus client once, all at the same\n"
               "time (JSON-RPC and the Beacon API), and prints what each one answered and\n"
               "what is wrong. Each question waits at most agent.probeTimeoutMs.\n"
               "Exit status: 0 every client answered, 1 one did not, 2 usage or node.json.\n"
               "  -c, --config FILE   node.json (default %s)\n"
               "      --json          the status document's \"execution\" and \"consensus\" parts\n",
               program_name, CONFIG_DEFAULT_PATH);
}

int cmd_probe(int argc, char **argv) {
        static const struct option options[] = {
                { "config", required_argument, NULL, 'c' },
                { "json", no_argument, NULL, 'j' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_(probe_round_freep) ProbeRound *round = NULL;
        _cleanup_(health_board_freep) HealthBoard *board = NULL;
        _cleanup_(http_freep) Http *http = NULL;
        sd_event *event = NULL;
        const char *path = CONFIG_DEFAULT_PATH;
        bool json = false, all = true;
        int opt, r;

        while ((opt = getopt_long(argc, argv, "c:h", options, NULL)) >= 0)
                switch (opt) {
                case 'c':
                        path = optarg;
                        break;
                case 'j':
                        json = true;
                        break;
                case 'h':
                        help();
                        return 0;
                default:
                        return EXIT_USAGE;
                }
        if (cli_extra_args(argc, argv, "probe"))
                return EXIT_USAGE;
        r = cli_load_config(path, &c);
        if (r < 0)
                return EXIT_USAGE;

        if (probe_round_new(c, &round) < 0 || health_board_new(round, NULL, &board) < 0) {
                fprintf(stderr, "%s: out of memory\n", program_name);
                return 1;
        }
        r = sd_event_new(&event);
        if (r >= 0)
                r = http_new(event, &http);
        /* A one-shot probe takes each answer as it is: no hysteresis. */
        if (r >= 0)
                r = probe_run_judged(http, round, NULL, c->agent.probe_timeout_ms, board, c->network, false);
        if (r >= 0)
                r = http_run(http);
        http = http_free(http);
        sd_event_unref(event);
        if (r < 0) {
                fprintf(stderr, "%s: cannot probe: %s\n", program_name, strerror(-r));
                return 1;
        }

        for (size_t i = 0; i < board->n_clients; i++)
                if (!board->clients[i].last.answered)
                        all = false;
        if (json) {
                _cleanup_(cJSON_Deletep) cJSON *o = cJSON_CreateObject();
                cJSON *ex = cJSON_AddArrayToObject(o, "execution"), *co = cJSON_AddArrayToObject(o, "consensus");
                _cleanup_free_ char *s = NULL;

                for (size_t i = 0; ex && co && i < board->n_clients; i++) {
                        cJSON *h = health_to_json(&board->clients[i]);
                        if (!h || !cJSON_AddItemToArray(board->clients[i].role == ROLE_EXECUTION ? ex : co, h))
                                cJSON_Delete(h), ex = NULL;
                }
                s = ex ? cJSON_Print(o) : NULL;
                if (!s) {
                        fprintf(stderr, "%s: out of memory\n", program_name);
                        return 1;
                }
                printf("%s\n", s);
        } else {
                _cleanup_free_ char *text = NULL;
                if (health_board_to_text(board, c->network, &text) < 0) {
                        fprintf(stderr, "%s: out of memory\n", program_name);
                        return 1;
                }
                fputs(text, stdout);
        }
        return all ? 0 : 1;
}
