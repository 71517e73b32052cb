/* SPDX-License-Identifier: MIT */
#pragma once

/* The node's status as Prometheus metrics: the text exposition format
 * (version 0.0.4) that node-exporter's textfile collector reads. Every
 * metric is in the hsos_ namespace, each family's # HELP and # TYPE come
 * before its samples, label values are escaped (backslash, double quote,
 * newline), no series appears twice, and a figure the document has as null
 * (not known) is left out rather than written as 0. */

#include <stddef.h>

/* From a status document (hsos.status/1 JSON text, size bytes), the
 * exposition text. -EINVAL with *ret_error when it is not a status document. */
int metrics_from_status(const char *json, size_t size, char **ret, char **ret_error);
