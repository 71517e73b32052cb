/* SPDX-License-Identifier: MIT */
/* libFuzzer target: a status document's bytes -> metrics_from_status
 * (Prometheus text). Whatever the document, the text has no raw newline in a
 * label value and every line starts with "# " or "hsos_".
 *
 *   make fuzz FUZZ_TARGET=metrics FUZZ_SECONDS=300 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hsos/metrics.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = NULL, *err = NULL;
        int r;

        r = metrics_from_status((const char *) data, size, &text, &err);
        if (r == -EINVAL && !err)
                abort();
        if (r >= 0) {
                for (const char *l = text; *l; l = strchr(l, '\n') + 1) {
                        if (strncmp(l, "# HELP hsos_", 12) != 0 && strncmp(l, "# TYPE hsos_", 12) != 0 &&
                            strncmp(l, "hsos_", 5) != 0)
                                abort();
                        if (!strchr(l, '\n'))
                                abort(); /* every line ends */
                }
        }
        free(text);
        free(err);
        return 0;
}
