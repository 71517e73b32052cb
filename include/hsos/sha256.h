/* SPDX-License-Identifier: MIT */
#pragma once

/* SHA-256 (FIPS 180-4), for the configSha256 of the status: which node.json
 * a node runs, comparable across the fleet. */

#include <stddef.h>
#include <stdint.h>

/* Writes the digest of data as 64 lowercase hex characters and a NUL. */
void sha256_hex(const void *data, size_t size, char ret[65]);
