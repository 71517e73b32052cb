/* SPDX-License-Identifier: MIT */
#pragma once

/* hsos-agent fleet: every node's status as the controller holds it (the
 * entries of a range over "<prefix>/nodes/"), one line per node for people,
 * or the documents as JSON. The values were written by other machines: a
 * value that is not a valid status document is shown as such, with what is
 * wrong with it, and nothing in it reaches the terminal unfiltered. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hsos/etcd.h"

/* One line per node, sorted by hostname, under a header, fitting 80 columns:
 * hostname, state, age of the report (now_usec - generatedAt, CLOCK_REALTIME),
 * each client's sync ("geth synced", "geth syncing 1234/5678", "lighthouse
 * syncing dist 120", "geth unreachable"). A key that is not
 * "<prefix>/nodes/<hostname>/status" or a value that is not a status document
 * is a line saying so. With color, ANSI colours for the states. */
int fleet_to_text(const char *prefix, const EtcdKeyValue *kvs, size_t n, uint64_t now_usec, bool color,
                  char **ret);

/* A JSON list, sorted as the text: each valid status document as it is,
 * anything else as {"key": "...", "error": "what is wrong"}. */
int fleet_to_json(const char *prefix, const EtcdKeyValue *kvs, size_t n, char **ret);
