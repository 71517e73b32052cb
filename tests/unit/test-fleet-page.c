/* SPDX-License-Identifier: MIT */
/* The fleet page: the HTML escaper, the counts, the events and the diff. */
#include <string.h>

#include "harness.h"
#include "hsos/fleet-page.h"
#include "hsos/util.h"

#define NOW (UINT64_C(1795694400) * 1000000)

static EtcdKeyValue kv(const char *key, const char *value) {
        return (EtcdKeyValue) { .key = (char *) key, .key_size = strlen(key), .value = (char *) value,
                                .value_size = strlen(value) };
}

static const char alpha[] =
        "{\"schema\":\"hsos.status/1\",\"generatedAt\":\"2026-11-26T11:59:48Z\",\"hostname\":\"alpha\","
        "\"state\":\"operational\",\"agent\":{\"version\":\"0.9.0\"},"
        "\"execution\":[{\"client\":\"geth\",\"reachable\":true,\"syncing\":false,\"currentBlock\":21187730,"
        "\"version\":\"Geth/v1.14\"}],"
        "\"consensus\":[{\"client\":\"lighthouse\",\"reachable\":true,\"syncing\":false,\"headSlot\":10311210,"
        "\"syncDistance\":0,\"optimistic\":true}]}";

static const char hostile[] =
        "{\"schema\":\"hsos.status/1\",\"generatedAt\":\"2026-11-26T11:59:48Z\",\"state\":\"degraded\","
        "\"reasons\":[\"<script>alert('x')</script> & \\\"q\\\"\",\"\\u202etxt.exe\\u001b[2J\"]}";

TEST(html_escape_markup_quotes_and_controls) {
        _cleanup_free_ char *a = html_escape("<script>alert('x')</script>"), *b = html_escape("a & \"b\" > c"),
                            *c = html_escape("bell\a del\x7f"), *d = html_escape("é日本");

        ASSERT_STREQ(a, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        ASSERT_STREQ(b, "a &amp; &quot;b&quot; &gt; c");
        ASSERT_STREQ(c, "bell? del?");
        ASSERT_STREQ(d, "é日本");
}

TEST(page_escapes_everything_from_etcd) {
        EtcdKeyValue kvs[] = {
                kv("/h/nodes/alpha/status", alpha),
                kv("/h/nodes/<img src=x onerror=alert(1)>/status", hostile),
        };
        FleetView v = { .prefix = "/h", .nodes = kvs, .n_nodes = 2, .now_usec = NOW };
        _cleanup_free_ char *html = NULL;
        FleetNode *nodes = NULL;
        size_t n = 0;

        ASSERT_OK(fleet_nodes_build(&v, &nodes, &n));
        ASSERT_EQ(n, 2u);
        ASSERT_OK(fleet_page_html(nodes, n, NULL, NOW, &html));
        ASSERT_NOT_NULL(strstr(html, "&lt;img src=x onerror=alert(1)&gt;"));
        ASSERT_NOT_NULL(strstr(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
        ASSERT_NULL(strstr(html, "<img"));
        ASSERT_NULL(strstr(html, "\xe2\x80\xae")); /* U+202E */
        ASSERT_NULL(strstr(html, "\x1b"));
        ASSERT_NOT_NULL(strstr(html, "<p id=\"counts\">1 operational, 1 degraded</p>"));
        ASSERT_NOT_NULL(strstr(html, "<span class=\"head\">slot 10311210</span> <span class=\"opt\">optimistic</span>"));
        ASSERT_NOT_NULL(strstr(html, "<span class=\"age\" data-at=\"1795694388\">12 s ago</span>"));
        fleet_nodes_free(nodes, n);
}

TEST(diff_sends_only_what_changed) {
        EtcdKeyValue kvs[] = { kv("/h/nodes/alpha/status", alpha) };
        char member[] = "{\"schema\":\"hsos.member/1\",\"hostname\":\"alpha\",\"state\":\"operational\","
                        "\"lastSeen\":\"2026-11-26T11:46:00Z\",\"reasons\":[]}";
        EtcdKeyValue mkvs[] = { kv("/h/members/alpha", member) };
        FleetView live = { .prefix = "/h", .nodes = kvs, .n_nodes = 1, .members = mkvs, .n_members = 1, .now_usec = NOW };
        FleetView dead = { .prefix = "/h", .members = mkvs, .n_members = 1, .now_usec = NOW + 60000000 };
        _cleanup_(fleet_page_freep) FleetPage *p = fleet_page_new();
        FleetNode *nodes = NULL;
        size_t n = 0;
        char *ev = NULL;

        ASSERT_OK(fleet_nodes_build(&live, &nodes, &n));
        ASSERT_OK(fleet_page_diff(p, nodes, n, &ev));
        ASSERT_NOT_NULL(strstr(ev, "event: node\ndata: {\"host\":\"alpha\",\"state\":\"operational\",\"tone\":\"ok\","));
        ASSERT_NOT_NULL(strstr(ev, "event: counts\ndata: {\"text\":\"1 operational\"}\n\n"));
        free(ev);
        /* The same fleet a minute later: nothing to send. */
        ASSERT_OK(fleet_page_diff(p, nodes, n, &ev));
        ASSERT_STREQ(ev, "");
        free(ev);
        fleet_nodes_free(nodes, n);
        /* Its lease gone: down, with when it was last seen. */
        ASSERT_OK(fleet_nodes_build(&dead, &nodes, &n));
        ASSERT_OK(fleet_page_diff(p, nodes, n, &ev));
        ASSERT_NOT_NULL(strstr(ev, "{\"host\":\"alpha\",\"state\":\"down\",\"tone\":\"bad\",\"at\":1795693560,\"was\":\"operational\""));
        ASSERT_NOT_NULL(strstr(ev, "event: counts\ndata: {\"text\":\"1 down\"}\n\n"));
        free(ev);
        fleet_nodes_free(nodes, n);
        /* Forgotten: gone. */
        ASSERT_OK(fleet_page_diff(p, NULL, 0, &ev));
        ASSERT_STREQ(ev, "event: gone\ndata: {\"host\":\"alpha\"}\n\n"
                         "event: counts\ndata: {\"text\":\"no node has reported\"}\n\n");
        free(ev);
}

TEST(the_script_sets_text_only) {
        ASSERT_NULL(strstr(fleet_page_js, "innerHTML"));
        ASSERT_NULL(strstr(fleet_page_js, "outerHTML"));
        ASSERT_NULL(strstr(fleet_page_js, "insertAdjacentHTML"));
        ASSERT_NULL(strstr(fleet_page_js, "document.write"));
        ASSERT_NOT_NULL(strstr(fleet_page_js, "textContent"));
}
