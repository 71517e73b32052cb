/* SPDX-License-Identifier: MIT */
#pragma once

/* The daemon's log: journald with structured fields (sd-journal's
 * sd_journal_send), a fixed MESSAGE_ID per kind of event (explained by the
 * journal catalog, initrd-hooks/hsos-agent.catalog), stderr where there is
 * no journal. No secret, nor any part of one, is ever passed here. */

#include <syslog.h>

#define MID_MOUNT_DONE       "62adfeecc1f04f97aa78aa88e50e88e8"
#define MID_MOUNT_FAILED     "789b299e93bd49adab268c6195b4b7de"
#define MID_SECRET_CREATED   "74e46c476a7543d9a74c7a418706fa49"
#define MID_UNIT_STARTED     "77b6b3ec46394723a5d9ccdd12b63b59"
#define MID_UNIT_BLOCKED     "453cff6698864ec4ac11286bc4ea5185"
#define MID_UNIT_RELEASED    "d5e92680cf044dd58cc8c2dd23d4082f"
#define MID_UNIT_FAILED      "954e3de40e8048a99331b97c51f57c40"
#define MID_NODE_STATE       "8265d41bab1e4a27bc691c3bf4e47556"
#define MID_CONFIG_REFUSED   "d16f3b24ff564599a8c9abe90479031b"
#define MID_CONFIG_LOADED    "742e52ce840a422d90f7ad3e5f991d68"
#define MID_REPORT_FAILING   "74b017b2844849ccb7ddb5682cb49a69"
#define MID_REPORT_RECOVERED "ba821627584845e6a5200f1d1455454f"
#define MID_REPORT_CONFLICT  "ae88a03891844504b21deec2ca590667"

/* field is one more journal field ("HSOS_UNIT=geth.service") or NULL. */
void log_event(int priority, const char *message_id, const char *field, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
#define log_info(...) log_event(LOG_INFO, NULL, NULL, __VA_ARGS__)
#define log_warning(...) log_event(LOG_WARNING, NULL, NULL, __VA_ARGS__)
#define log_error(...) log_event(LOG_ERR, NULL, NULL, __VA_ARGS__)
