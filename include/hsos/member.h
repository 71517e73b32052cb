/* SPDX-License-Identifier: MIT */
#pragma once

/* A member of the fleet (docs/status.md, "Members"): besides its leased
 * status key, a node keeps "<prefix>/members/<hostname>" without a lease,
 * holding the last known summary of its status, so that a node that dies
 * stays visible as down. The document (hsos.member/1) is built here from
 * the node's status document; a reader parses another node's with the same
 * distrust as a status document. */

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#define MEMBER_SCHEMA "hsos.member/1"

/* A member document from outside: at most this large, nested at most this
 * deep (one it built itself is far smaller). */
#define MEMBER_SIZE_MAX (64u * 1024)
#define MEMBER_DEPTH_MAX 8u
/* What a summary keeps of the status: */
#define MEMBER_REASONS_MAX 16u
#define MEMBER_REASON_MAX 300u
#define MEMBER_CLIENTS_MAX 8u

/* The member document of a node: its status document's hostname, state,
 * reasons, agent version and clients' sync figures (a fixed set of fields
 * per client), the machine id (that of the machine writing it: its claim),
 * and lastSeen (now_usec, CLOCK_REALTIME, RFC 3339). *ret_state is the
 * state: a member is written again when it changes. -EINVAL when the status
 * is not a status document or machine_id is empty. */
int member_build(const char *status_json, const char *machine_id, uint64_t now_usec, char **ret_json,
                 char **ret_state);

/* Parses data as a hsos.member/1 document: valid JSON within the limits
 * above, an object, "schema" "hsos.member/1", "hostname" and "state"
 * strings. On -EINVAL, *ret_problem says what is wrong (one short line); on
 * -ENOMEM nothing is written. */
int member_document_parse(const char *data, size_t size, cJSON **ret, char **ret_problem);
