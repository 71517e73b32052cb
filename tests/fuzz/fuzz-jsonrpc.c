/* SPDX-License-Identifier: MIT */
/* libFuzzer target: a client's answer bytes -> probe_parse for every JSON-RPC question (execution clients),
 * then the judgment, the status JSON and the probe text (fuzz-probe.h).
 *
 *   make fuzz FUZZ_TARGET=jsonrpc FUZZ_SECONDS=300 */

#include "fuzz-probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        return fuzz_probe(data, size, Q_ETH_SYNCING, Q_WEB3_CLIENT_VERSION, CLIENT_GETH, ROLE_EXECUTION);
}
