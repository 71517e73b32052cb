/* SPDX-License-Identifier: MIT */
#pragma once
/* Shared by fuzz-jsonrpc and fuzz-beacon: an answer's bytes, with the HTTP
 * status taken from the first byte, fed to probe_parse for each question of
 * one kind, then judged, shown as status JSON and as probe text. Everything
 * is freed: the leak checker runs after each input. */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "hsos/probe.h"
#include "hsos/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const long fuzz_statuses[] = { 200, 200, 200, 200, 206, 503, 404, 500 };

static inline int fuzz_probe(const uint8_t *data, size_t size, ProbeQuery first, ProbeQuery last, Client client,
                             Role role) {
        HealthBoard board = {};
        ClientHealth h = {};
        ProbeAnswer a;
        long status;

        if (size < 1)
                return 0;
        status = fuzz_statuses[data[0] % ELEMENTSOF(fuzz_statuses)];
        probe_answer_init(&a);
        for (ProbeQuery q = first; q <= last; q++) {
                char *err = NULL;
                int r = probe_parse(q, status, (const char *) data + 1, size - 1, &a, &err);
                if (r < 0 && r != -EOPNOTSUPP && r != -ENOMEM && !err)
                        abort(); /* a failure must say what was wrong */
                if (err)
                        (void) probe_answer_fail(&a, q, err);
                free(err);
        }
        h.client = client;
        h.role = role;
        h.url = strdup("http://127.0.0.1:8545/");
        probe_answer_init(&h.last);
        board.clients = &h;
        board.n_clients = 1;
        health_observe(&board, 0, &a, NETWORK_MAINNET, UINT64_C(1795700000000000), true);

        char **reasons = NULL, *text = NULL;
        (void) health_reasons(&h, NETWORK_MAINNET, &reasons);
        strv_free(reasons);
        cJSON_Delete(health_to_json(&h));
        (void) health_board_to_text(&board, NETWORK_MAINNET, &text);
        free(text);
        probe_answer_done(&h.last);
        free(h.url);
        return 0;
}
