/* SPDX-License-Identifier: MIT */
/* libFuzzer target: a client's answer bytes -> probe_parse for every Beacon API question (consensus clients),
 * then the judgment, the status JSON and the probe text (fuzz-probe.h).
 *
 *   make fuzz FUZZ_TARGET=beacon FUZZ_SECONDS=300 */

#include "fuzz-probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        return fuzz_probe(data, size, Q_NODE_SYNCING, Q_GENESIS, CLIENT_LIGHTHOUSE, ROLE_CONSENSUS);
}
