/* SPDX-License-Identifier: MIT */
/* etcd's watch, the pure part: the stream's lines, the answers as etcd
 * 3.4.23's gateway wrote them here (notes/etcd.md), the revisions a watch
 * has applied and what comes after each answer, and the mirror of the keys. */
#include <stdint.h>

#include "harness.h"
#include "hsos/etcd-watch.h"
#include "hsos/util.h"

#define S(x) x, strlen(x)

/* As etcd 3.4.23 streamed them (keys under /w/). */
#define HEADER(rev) "\"header\":{\"cluster_id\":\"7801232528081817440\",\"member_id\":\"13458989633860879742\"," \
                    "\"revision\":\"" rev "\",\"raft_term\":\"2\"}"
static const char created[] = "{\"result\":{" HEADER("3") ",\"created\":true}}";
/* PUT /w/nodes/a/status v1 (2), v2 (3) */
static const char two_puts[] =
        "{\"result\":{" HEADER("3") ",\"events\":[{\"kv\":{\"key\":\"L3cvbm9kZXMvYS9zdGF0dXM=\",\"create_revision\":\"2\","
        "\"mod_revision\":\"2\",\"version\":\"1\",\"value\":\"djE=\"}},{\"kv\":{\"key\":\"L3cvbm9kZXMvYS9zdGF0dXM=\","
        "\"create_revision\":\"2\",\"mod_revision\":\"3\",\"version\":\"2\",\"value\":\"djI=\"}}]}}";
/* PUT /w/members/b x under a lease (4) */
static const char leased_put[] =
        "{\"result\":{" HEADER("4") ",\"events\":[{\"kv\":{\"key\":\"L3cvbWVtYmVycy9i\",\"create_revision\":\"4\","
        "\"mod_revision\":\"4\",\"version\":\"1\",\"value\":\"eA==\",\"lease\":\"5007618263815656455\"}}]}}";
/* its lease expired (6) */
static const char lease_gone[] =
        "{\"result\":{" HEADER("6") ",\"events\":[{\"type\":\"DELETE\",\"kv\":{\"key\":\"L3cvbWVtYmVycy9i\","
        "\"mod_revision\":\"6\"}}]}}";
static const char compacted[] =
        "{\"result\":{\"header\":{\"cluster_id\":\"7801232528081817440\",\"member_id\":\"13458989633860879742\","
        "\"raft_term\":\"2\"},\"canceled\":true,\"compact_revision\":\"5\"}}";
static const char progress[] = "{\"result\":{" HEADER("9") "}}";

static void parse(const char *line, EtcdWatchResponse *w) {
        _cleanup_free_ char *err = NULL;

        ASSERT_OK(etcd_parse_watch_response(S(line), w, NULL, &err));
        ASSERT_NULL(err);
}

/* ---- lines ---- */

TEST(lines_are_cut_at_newlines_whatever_the_pieces) {
        static const char stream[] = "{\"a\":1}\n{\"b\":2}\r\n\n{\"c\":3}\n{\"d\"";
        const char *expected[] = { "{\"a\":1}", "{\"b\":2}", "{\"c\":3}" };

        for (size_t piece = 1; piece <= sizeof stream; piece++) {
                EtcdLines l = {};
                size_t got = 0;

                for (size_t off = 0; off < sizeof stream - 1; off += piece) {
                        size_t n = sizeof stream - 1 - off < piece ? sizeof stream - 1 - off : piece;
                        const char *line;
                        size_t size;

                        ASSERT_OK(etcd_lines_feed(&l, stream + off, n, 64));
                        while (etcd_lines_next(&l, &line, &size) > 0) {
                                ASSERT_TRUE(got < ELEMENTSOF(expected));
                                ASSERT_STREQ(line, expected[got]);
                                ASSERT_EQ(size, strlen(expected[got]));
                                got++;
                        }
                }
                ASSERT_EQ(got, ELEMENTSOF(expected));
                etcd_lines_done(&l);
        }
}

TEST(a_line_longer_than_the_cap_is_refused) {
        char big[100];
        EtcdLines l = {};
        const char *line;
        size_t size;

        memset(big, 'x', sizeof big);
        /* Unfinished and too long: refused as it comes. */
        ASSERT_OK(etcd_lines_feed(&l, big, 60, 64));
        ASSERT_ERROR(etcd_lines_feed(&l, big, 10, 64), ENOBUFS);
        etcd_lines_reset(&l);
        /* Whole and too long (one piece): refused when taken. */
        big[80] = '\n';
        ASSERT_OK(etcd_lines_feed(&l, big, 81, 64));
        ASSERT_ERROR(etcd_lines_next(&l, &line, &size), ENOBUFS);
        etcd_lines_reset(&l);
        /* Within the cap: fine, many times over. */
        big[40] = '\n';
        for (int i = 0; i < 100; i++) {
                ASSERT_OK(etcd_lines_feed(&l, big, 41, 64));
                ASSERT_EQ(etcd_lines_next(&l, &line, &size), 1);
                ASSERT_EQ(size, 40u);
        }
        etcd_lines_done(&l);
}

/* ---- answers ---- */

TEST(watch_request) {
        _cleanup_free_ char *b = NULL;
        char *x = NULL;

        ASSERT_OK(etcd_request_watch_prefix("/w/", 7, &b));
        ASSERT_STREQ(b, "{\"create_request\":{\"key\":\"L3cv\",\"range_end\":\"L3cw\",\"start_revision\":\"7\","
                        "\"progress_notify\":true}}");
        ASSERT_ERROR(etcd_request_watch_prefix("/w/", 0, &x), EINVAL);
        ASSERT_ERROR(etcd_request_watch_prefix("", 1, &x), EINVAL);
        ASSERT_NULL(x);
}

TEST(answers_as_etcd_writes_them) {
        EtcdWatchResponse w = {};

        parse(created, &w);
        ASSERT_TRUE(w.created);
        ASSERT_EQ(w.revision, 3);
        ASSERT_EQ(w.n_events, 0u);
        etcd_watch_response_done(&w);

        parse(two_puts, &w);
        ASSERT_EQ(w.n_events, 2u);
        ASSERT_EQ(w.events[0].type, ETCD_EVENT_PUT);
        ASSERT_STREQ(w.events[0].kv.key, "/w/nodes/a/status");
        ASSERT_STREQ(w.events[0].kv.value, "v1");
        ASSERT_EQ(w.events[1].mod_revision, 3);
        ASSERT_STREQ(w.events[1].kv.value, "v2");
        etcd_watch_response_done(&w);

        parse(leased_put, &w);
        ASSERT_STREQ(w.events[0].kv.lease, "5007618263815656455");
        etcd_watch_response_done(&w);

        /* A lease expiring is a DELETE: the key and its revision, no value. */
        parse(lease_gone, &w);
        ASSERT_EQ(w.n_events, 1u);
        ASSERT_EQ(w.events[0].type, ETCD_EVENT_DELETE);
        ASSERT_STREQ(w.events[0].kv.key, "/w/members/b");
        ASSERT_EQ(w.events[0].kv.value_size, 0u);
        ASSERT_EQ(w.events[0].mod_revision, 6);
        etcd_watch_response_done(&w);

        parse(compacted, &w);
        ASSERT_TRUE(w.canceled);
        ASSERT_EQ(w.compact_revision, 5);
        ASSERT_EQ(w.revision, 0);
        etcd_watch_response_done(&w);

        /* A newline after it is fine. */
        ASSERT_OK(etcd_parse_watch_response(S("{\"result\":{" HEADER("9") "}}\n"), &w, NULL, NULL));
        ASSERT_EQ(w.revision, 9);
        etcd_watch_response_done(&w);
}

TEST(hostile_answers_say_what_is_wrong) {
        static const char * const bad[][2] = {
                { "", "empty" },
                { "nope", "not valid JSON" },
                { "[]", "not a JSON object" },
                { "{}", "no \"result\"" },
                { "{\"result\":{\"header\":{\"revision\":5}}}", "\"revision\" is 5" },
                { "{\"result\":{\"created\":\"yes\"}}", "\"created\" is not true or false" },
                { "{\"result\":{\"events\":{}}}", "\"events\" is not a list" },
                { "{\"result\":{\"events\":[{\"type\":\"EXPIRE\",\"kv\":{\"key\":\"YQ==\",\"mod_revision\":\"1\"}}]}}",
                  "neither PUT nor DELETE" },
                { "{\"result\":{\"events\":[{\"kv\":{\"key\":\"YQ==\"}}]}}", "without a \"mod_revision\"" },
                { "{\"result\":{\"events\":[{\"kv\":{\"mod_revision\":\"1\"}}]}}", "no \"key\"" },
                { "{\"result\":{\"events\":[{\"kv\":{\"key\":\"!!\",\"mod_revision\":\"1\"}}]}}", "not valid base64" },
                { "{\"result\":{\"compact_revision\":\"-1\"}}", "compact_revision" },
                { "{\"result\":{\"events\":[1]}}", "not an object" },
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *err = NULL;
                EtcdWatchResponse w = {};

                ASSERT_ERROR(etcd_parse_watch_response(S(bad[i][0]), &w, NULL, &err), EBADMSG);
                printf("#   %s -> %s\n", bad[i][0], err);
                ASSERT_CONTAINS(err, bad[i][1]);
                ASSERT_NULL(w.events);
        }
}

TEST(etcd_refusing_the_stream_is_its_error) {
        _cleanup_free_ char *err = NULL;
        EtcdWatchResponse w = {};
        int code = 0;

        ASSERT_ERROR(etcd_parse_watch_response(S("{\"error\":{\"grpc_code\":16,\"http_code\":401,\"message\":"
                                                 "\"etcdserver: invalid auth token\",\"http_status\":\"Unauthorized\"}}"),
                                               &w, &code, &err),
                     EREMOTEIO);
        ASSERT_EQ(code, 16);
        ASSERT_STREQ(err, "etcd refused: etcdserver: invalid auth token (gRPC code 16, Unauthenticated)");
}

/* ---- revisions ---- */

static int step(EtcdWatchCursor *c, const char *line, size_t *first, char **why) {
        EtcdWatchResponse w = {};
        int r;

        parse(line, &w);
        r = etcd_watch_cursor_step(c, &w, first, why);
        etcd_watch_response_done(&w);
        return r;
}

TEST(a_watch_goes_on_from_the_revision_after_the_last_applied) {
        EtcdWatchCursor c = {};
        size_t first = 99;
        char *why = NULL;

        /* Ranged at 1: watch from 2. */
        etcd_watch_cursor_loaded(&c, 1);
        ASSERT_EQ(c.next, 2);
        etcd_watch_cursor_stream(&c);
        ASSERT_EQ(step(&c, created, &first, &why), ETCD_WATCH_STEP_CONTINUE);
        ASSERT_EQ(c.next, 2);  /* "created" says the store's revision, not what was sent */
        ASSERT_EQ(step(&c, two_puts, &first, &why), ETCD_WATCH_STEP_APPLY);
        ASSERT_EQ(first, 0u);
        ASSERT_EQ(c.next, 4);
        ASSERT_EQ(step(&c, leased_put, &first, &why), ETCD_WATCH_STEP_APPLY);
        ASSERT_EQ(c.next, 5);

        /* The stream broke; the next one starts at 5 and sees the lease go. */
        etcd_watch_cursor_stream(&c);
        ASSERT_EQ(step(&c, "{\"result\":{" HEADER("6") ",\"created\":true}}", &first, &why), ETCD_WATCH_STEP_CONTINUE);
        ASSERT_EQ(step(&c, lease_gone, &first, &why), ETCD_WATCH_STEP_APPLY);
        ASSERT_EQ(c.next, 7);

        /* A progress notification: nothing changed up to 9. */
        ASSERT_EQ(step(&c, progress, &first, &why), ETCD_WATCH_STEP_CONTINUE);
        ASSERT_EQ(c.next, 10);
        ASSERT_NULL(why);
}

TEST(events_applied_already_are_skipped) {
        EtcdWatchCursor c = {};
        size_t first = 99;
        char *why = NULL;

        /* Applied up to 2: of the answer's revisions 2 and 3, only 3 is new. */
        etcd_watch_cursor_start_at(&c, 3);
        etcd_watch_cursor_stream(&c);
        ASSERT_EQ(step(&c, created, &first, &why), ETCD_WATCH_STEP_CONTINUE);
        ASSERT_EQ(step(&c, two_puts, &first, &why), ETCD_WATCH_STEP_APPLY);
        ASSERT_EQ(first, 1u);
        ASSERT_EQ(c.next, 4);
        /* All of it old: nothing to apply. */
        ASSERT_EQ(step(&c, two_puts, &first, &why), ETCD_WATCH_STEP_CONTINUE);
        ASSERT_EQ(c.next, 4);
        /* A progress revision behind what was applied is ignored. */
        ASSERT_EQ(step(&c, "{\"result\":{" HEADER("2") "}}", &first, &why), ETCD_WATCH_STEP_CONTINUE);
        ASSERT_EQ(c.next, 4);
}

TEST(compacted_means_range_again) {
        EtcdWatchCursor c = {};
        size_t first;
        char *why = NULL;

        etcd_watch_cursor_loaded(&c, 1);
        etcd_watch_cursor_stream(&c);
        ASSERT_EQ(step(&c, created, &first, &why), ETCD_WATCH_STEP_CONTINUE);
        ASSERT_EQ(step(&c, compacted, &first, &why), ETCD_WATCH_STEP_RELOAD);
        ASSERT_EQ(c.next, 0);
        ASSERT_NULL(why);
}

TEST(a_store_behind_what_was_applied_is_another_store) {
        EtcdWatchCursor c = {};
        size_t first;
        char *why = NULL;

        /* Applied up to 40; etcd comes back at revision 3 (a data dir begun afresh). */
        etcd_watch_cursor_start_at(&c, 41);
        etcd_watch_cursor_stream(&c);
        ASSERT_EQ(step(&c, created, &first, &why), ETCD_WATCH_STEP_RELOAD);
        ASSERT_EQ(c.next, 0);
        /* Exactly caught up is fine. */
        etcd_watch_cursor_start_at(&c, 4);
        etcd_watch_cursor_stream(&c);
        ASSERT_EQ(step(&c, created, &first, &why), ETCD_WATCH_STEP_CONTINUE);
}

TEST(a_stream_out_of_order_is_started_again) {
        static const char backwards[] =
                "{\"result\":{" HEADER("9") ",\"events\":[{\"kv\":{\"key\":\"YQ==\",\"mod_revision\":\"8\"}},"
                "{\"kv\":{\"key\":\"Yg==\",\"mod_revision\":\"7\"}}]}}";
        EtcdWatchCursor c = {};
        size_t first;
        _cleanup_free_ char *w1 = NULL, *w2 = NULL, *w3 = NULL, *w4 = NULL;

        etcd_watch_cursor_loaded(&c, 1);
        etcd_watch_cursor_stream(&c);
        ASSERT_EQ(step(&c, two_puts, &first, &w1), ETCD_WATCH_STEP_RESTART);
        ASSERT_STREQ(w1, "etcd answered before it said the watch was created");
        ASSERT_EQ(step(&c, created, &first, &w2), ETCD_WATCH_STEP_CONTINUE);
        ASSERT_EQ(step(&c, created, &first, &w2), ETCD_WATCH_STEP_RESTART);
        ASSERT_STREQ(w2, "etcd said the watch was created twice");
        ASSERT_EQ(step(&c, backwards, &first, &w3), ETCD_WATCH_STEP_RESTART);
        ASSERT_STREQ(w3, "etcd sent revision 7 after 8");
        ASSERT_EQ(c.next, 2);  /* nothing of it applied */
        ASSERT_EQ(step(&c, "{\"result\":{\"canceled\":true,\"cancel_reason\":\"permission \\u001b denied\"}}",
                       &first, &w4), ETCD_WATCH_STEP_RESTART);
        ASSERT_STREQ(w4, "etcd canceled the watch: permission ? denied");
        ASSERT_STREQ(etcd_watch_step_to_string(ETCD_WATCH_STEP_RELOAD), "reload");
}

/* ---- the mirror ---- */

static EtcdKeyValue kv(const char *key, const char *value) {
        return (EtcdKeyValue) {
                .key = strdup(key), .key_size = strlen(key), .value = strdup(value), .value_size = strlen(value),
                .create_revision = strdup("1"), .mod_revision = strdup("1"), .version = strdup("1"),
                .lease = strdup("0"),
        };
}

static EtcdEvent event(EtcdEventType type, const char *key, const char *value) {
        return (EtcdEvent) { .type = type, .kv = kv(key, value), .mod_revision = 1 };
}

static void event_done(EtcdEvent *ev) {
        free(ev->kv.key);
        free(ev->kv.value);
        free(ev->kv.create_revision);
        free(ev->kv.mod_revision);
        free(ev->kv.version);
        free(ev->kv.lease);
}

TEST(the_mirror_follows_the_events) {
        EtcdMirror m = {};
        EtcdKeyValue *kvs = calloc(3, sizeof *kvs);
        EtcdEvent ev;
        size_t first;

        kvs[0] = kv("/p/nodes/b/status", "b1");
        kvs[1] = kv("/p/members/a", "ma");
        kvs[2] = kv("/p/nodes/a/status", "a1");
        ASSERT_OK(etcd_mirror_load(&m, kvs, 3));
        ASSERT_EQ(m.n, 3u);
        ASSERT_STREQ(m.kvs[0].key, "/p/members/a");
        ASSERT_STREQ(m.kvs[1].key, "/p/nodes/a/status");
        ASSERT_EQ(etcd_mirror_prefix(&m, "/p/nodes/", &first), 2u);
        ASSERT_EQ(first, 1u);
        ASSERT_EQ(m.bytes, strlen("/p/nodes/b/status") * 2 + strlen("/p/members/a") + 6);

        ev = event(ETCD_EVENT_PUT, "/p/nodes/a/status", "a2");
        ASSERT_EQ(etcd_mirror_apply(&m, &ev), 1);
        ASSERT_NULL(ev.kv.key);  /* taken */
        ASSERT_EQ(m.n, 3u);
        ASSERT_STREQ(m.kvs[1].value, "a2");

        ev = event(ETCD_EVENT_PUT, "/p/nodes/c/status", "c1");
        ASSERT_EQ(etcd_mirror_apply(&m, &ev), 1);
        ASSERT_EQ(m.n, 4u);
        ASSERT_STREQ(m.kvs[3].key, "/p/nodes/c/status");

        ev = event(ETCD_EVENT_DELETE, "/p/nodes/b/status", "");
        ASSERT_EQ(etcd_mirror_apply(&m, &ev), 1);
        event_done(&ev);
        ASSERT_EQ(m.n, 3u);
        ASSERT_EQ(etcd_mirror_prefix(&m, "/p/nodes/", &first), 2u);
        ASSERT_STREQ(m.kvs[first + 1].key, "/p/nodes/c/status");

        ev = event(ETCD_EVENT_DELETE, "/p/nodes/zzz/status", "");
        ASSERT_EQ(etcd_mirror_apply(&m, &ev), 0);
        event_done(&ev);
        ASSERT_EQ(etcd_mirror_prefix(&m, "/q/", &first), 0u);
        ASSERT_EQ(m.bytes, strlen("/p/nodes/a/status") * 2 + strlen("/p/members/a") + 6);

        /* A reload replaces it all. */
        ASSERT_OK(etcd_mirror_load(&m, NULL, 0));
        ASSERT_EQ(m.n, 0u);
        ASSERT_EQ(m.bytes, 0u);
        etcd_mirror_done(&m);
}

TEST(the_mirror_is_bounded) {
        EtcdMirror m = {};
        EtcdEvent ev = event(ETCD_EVENT_PUT, "/p/big", "");
        char *big = malloc(ETCD_MIRROR_BYTES_MAX + 1);

        memset(big, 'x', ETCD_MIRROR_BYTES_MAX);
        big[ETCD_MIRROR_BYTES_MAX] = 0;
        free(ev.kv.value);
        ev.kv.value = big;
        ev.kv.value_size = ETCD_MIRROR_BYTES_MAX;
        ASSERT_ERROR(etcd_mirror_apply(&m, &ev), E2BIG);
        ASSERT_EQ(m.n, 0u);
        ASSERT_NOT_NULL(ev.kv.key);  /* not taken */
        event_done(&ev);
        etcd_mirror_done(&m);
}
