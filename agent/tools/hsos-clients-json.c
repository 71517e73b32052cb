/* SPDX-License-Identifier: MIT */
/* hsos-clients-json: prints what the Nix module needs of the clients'
 * descriptions (agent/core/clients/), as JSON. Its output is committed as
 * nix/lib/clients.json (make clients-json-update), which nix/lib/firewall.nix
 * reads; make check-nix fails when the two differ. Not installed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hsos/clients.h"

int main(int argc, char **argv) {
        char *text = NULL;
        int r;

        (void) argv;
        if (argc > 1) {
                fprintf(stderr, "usage: hsos-clients-json  (prints the clients' ports and options as JSON)\n");
                return 2;
        }
        r = clients_json(&text);
        if (r < 0) {
                fprintf(stderr, "hsos-clients-json: %s\n", strerror(-r));
                return 1;
        }
        if (printf("%s\n", text) < 0 || fflush(stdout) != 0) {
                fprintf(stderr, "hsos-clients-json: cannot write: %m\n");
                free(text);
                return 1;
        }
        free(text);
        return 0;
}
