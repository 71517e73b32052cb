/* SPDX-License-Identifier: MIT */
/* libFuzzer target: answer bytes from etcd -> every parser of etcd.h (error,
 * authenticate, grant, keepalive, range, delete, txn with the claim
 * decision), the range's entries (as nodes and as members) -> fleet_to_text,
 * fleet_to_json and fleet_exit_code, the bytes as a node's and a member's
 * stored value, and the bytes as base64
 * and as a key prefix; the bytes as watch's stream (cut into lines, each
 * answer through the revision state machine into a mirror, fleet_to_lines
 * over it). Everything is freed: the leak checker runs at the end
 * of each input.
 *
 *   make fuzz FUZZ_TARGET=etcd FUZZ_SECONDS=300
 *   build/fuzz/fuzz-etcd -runs=0 tests/fuzz/corpus/etcd   (regression) */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hsos/etcd-watch.h"
#include "hsos/etcd.h"
#include "hsos/fleet.h"
#include "hsos/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A parser's failure says why; its success writes what it promised. */
static void check(int r, const char *err) {
        if ((r == -EBADMSG || r == -EREMOTEIO) && !err)
                abort();
        if (r < 0 && r != -EBADMSG && r != -EREMOTEIO && r != -ENOMEM)
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *body = (const char *) data;
        char *err = NULL, *s = NULL, *t = NULL;
        EtcdKeyValue *kvs = NULL;
        EtcdTxnResult txn = {};
        int64_t ttl;
        size_t n = 0;
        int r, code;

        r = etcd_parse_error(body, size, &code, &s);
        if (r > 0 && !s)
                abort();
        free(s);
        s = NULL;

        r = etcd_parse_authenticate(body, size, &s, &err);
        check(r, err);
        if (r >= 0 && (!s || strpbrk(s, " \r\n")))
                abort();
        s = mfree(s);
        err = mfree(err);

        r = etcd_parse_lease_grant(body, size, &s, &ttl, &err);
        check(r, err);
        if (r >= 0 && (!etcd_int64_valid(s, false) || ttl <= 0))
                abort();
        s = mfree(s);
        err = mfree(err);

        r = etcd_parse_lease_keepalive(body, size, &ttl, &err);
        check(r, err);
        if (r > 1 || (r == 1 && ttl <= 0))
                abort();
        err = mfree(err);

        r = etcd_parse_txn(body, size, &txn, &err);
        check(r, err);
        if (r >= 0) {
                r = etcd_claim_decide("homestaker", "5678ef005678ef005678ef005678ef00", &txn, &s);
                if (r == ETCD_CLAIM_CONFLICT && !s)
                        abort();
                if (r == ETCD_CLAIM_OURS_REPLACE && etcd_request_replace("/k", "v", "1", txn.holder_mod_revision, &t) < 0)
                        abort();
                s = mfree(s);
                t = mfree(t);
        }
        etcd_txn_result_done(&txn);
        err = mfree(err);

        r = etcd_parse_range(body, size, &kvs, &n, &err);
        check(r, err);
        if (r >= 0) {
                char *expected[] = { (char *) "n", (char *) "alpha", NULL };
                FleetView v = { .prefix = "/homestakeros", .nodes = kvs, .n_nodes = n / 2, .members = kvs ? kvs + n / 2 : NULL,
                                .n_members = n - n / 2, .expected = expected,
                                .now_usec = UINT64_C(1795694400000000) };

                (void) fleet_to_text(&v, n % 2, &s);
                (void) fleet_to_json(&v, &t);
                (void) fleet_exit_code(&v);
                s = mfree(s);
                t = mfree(t);
        }
        etcd_key_values_free(kvs, n);
        err = mfree(err);

        r = etcd_parse_delete(body, size, &kvs, &n, &err);
        check(r, err);
        if (r >= 0 && n > 0) {
                (void) fleet_forgotten_text("n", &kvs[0], UINT64_C(1795694400000000), &s);
                s = mfree(s);
        }
        if (r >= 0)
                etcd_key_values_free(kvs, n);
        err = mfree(err);

        /* The bytes as a node's stored value (base64 in an answer hides them
         * from the mutator). */
        {
                char *copy = malloc(size + 1);
                EtcdKeyValue one = { .key = (char *) "/homestakeros/nodes/n/status", .key_size = 28,
                                     .value = copy, .value_size = size };

                if (copy) {
                        memcpy(copy, data, size);
                        copy[size] = 0;
                        EtcdKeyValue member = { .key = (char *) "/homestakeros/members/n", .key_size = 23,
                                                .value = copy, .value_size = size };
                        FleetView v = { .prefix = "/homestakeros", .nodes = &one, .n_nodes = 1,
                                        .now_usec = UINT64_C(1795694400000000) };
                        FleetView m = { .prefix = "/homestakeros", .members = &member, .n_members = 1,
                                        .now_usec = UINT64_C(1795694400000000) };

                        (void) fleet_to_text(&v, false, &s);
                        (void) fleet_to_json(&v, &t);
                        s = mfree(s);
                        t = mfree(t);
                        (void) fleet_to_text(&m, false, &s);
                        (void) fleet_to_json(&m, &t);
                        (void) fleet_exit_code(&m);
                        s = mfree(s);
                        t = mfree(t);
                        (void) fleet_forgotten_text("n", &member, UINT64_C(1795694400000000), &s);
                        s = mfree(s);
                        free(copy);
                }
        }

        /* The bytes as watch's stream, in pieces of 7 bytes: each line an
         * answer, stepped and applied to a mirror as the edge does. The
         * revisions only ever go forwards, and the mirror stays sorted. */
        {
                EtcdLines lines = {};
                EtcdMirror mirror = {};
                EtcdWatchCursor c = {};
                const char *line;
                size_t ln;

                etcd_watch_cursor_loaded(&c, 1);
                etcd_watch_cursor_stream(&c);
                for (size_t off = 0; off < size; off += 7) {
                        if (etcd_lines_feed(&lines, body + off, size - off < 7 ? size - off : 7, 4096) < 0)
                                break;
                        while (etcd_lines_next(&lines, &line, &ln) > 0) {
                                EtcdWatchResponse w = {};
                                int64_t before = c.next;
                                size_t first = 0;
                                int code;

                                r = etcd_parse_watch_response(line, ln, &w, &code, &err);
                                check(r, err);
                                err = mfree(err);
                                if (r < 0)
                                        continue;
                                r = etcd_watch_cursor_step(&c, &w, &first, &s);
                                if (r == ETCD_WATCH_STEP_RESTART && !s)
                                        abort();
                                s = mfree(s);
                                if (r == ETCD_WATCH_STEP_APPLY) {
                                        if (first >= w.n_events || c.next <= before)
                                                abort();
                                        for (size_t i = first; i < w.n_events; i++)
                                                (void) etcd_mirror_apply(&mirror, &w.events[i]);
                                        for (size_t i = 1; i < mirror.n; i++)
                                                if (strcmp(mirror.kvs[i - 1].key, mirror.kvs[i].key) >= 0 &&
                                                    mirror.kvs[i - 1].key_size == strlen(mirror.kvs[i - 1].key))
                                                        abort();
                                } else if (r == ETCD_WATCH_STEP_RELOAD) {
                                        if (c.next != 0)
                                                abort();
                                        etcd_watch_cursor_loaded(&c, 1);
                                } else if (r >= 0 && c.next < before)
                                        abort();
                                etcd_watch_response_done(&w);
                        }
                }
                if (mirror.kvs) {
                        size_t nf, mf, nn = etcd_mirror_prefix(&mirror, "/homestakeros/nodes/", &nf),
                               mm = etcd_mirror_prefix(&mirror, "/homestakeros/members/", &mf);
                        FleetView v = { .prefix = "/homestakeros", .nodes = mirror.kvs + nf, .n_nodes = nn,
                                        .members = mirror.kvs + mf, .n_members = mm,
                                        .now_usec = UINT64_C(1795694400000000) };
                        char **hosts = NULL, **lines_out = NULL;

                        if (fleet_to_lines(&v, &hosts, &lines_out) >= 0) {
                                strv_free(hosts);
                                strv_free(lines_out);
                        }
                }
                etcd_mirror_done(&mirror);
                etcd_lines_done(&lines);
        }

        /* The bytes as base64, and as a key whose range end is asked. */
        {
                void *d = NULL;
                size_t dn, en;
                char *e = NULL;

                if (base64_decode(body, size, &d, &dn) >= 0) {
                        if (base64_encode(d, dn, &e) < 0 || strlen(e) != size || memcmp(e, body, size) != 0)
                                abort(); /* strict: one encoding per value */
                        free(e);
                        free(d);
                }
                if (size > 0 && etcd_prefix_range_end(body, size, &e, &en) >= 0) {
                        if (en > size)
                                abort();
                        free(e);
                }
        }
        return 0;
}
