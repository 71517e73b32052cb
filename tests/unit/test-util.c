/* SPDX-License-Identifier: MIT */
/* Strings from outside made fit to show (strn_printable), and URLs made fit
 * for a message (url_redact, url_secret_in). */
#include "harness.h"
#include "hsos/json-doc.h"
#include "hsos/util.h"

static bool valid(const char *s) {
        return utf8_is_valid(s, strlen(s));
}

TEST(printable_keeps_text) {
        _cleanup_free_ char *a = strdup_printable("Lodestar/v1.5.1 é 日本 🦀", 128);

        ASSERT_STREQ(a, "Lodestar/v1.5.1 é 日本 🦀");
}

TEST(printable_replaces_controls) {
        /* ESC, BEL, DEL, TAB, newline; U+0085 (NEL), U+009B (CSI); the bidi
         * overrides and isolates, the marks. */
        _cleanup_free_ char *c0 = strdup_printable("a\033[2Jb\x07" "c\x7f" "d\te\nf", 100),
                            *c1 = strdup_printable("x\xc2\x9b" "31mred\xc2\x85y\xc2\x80z\xc2\x9f.", 100),
                            *bidi = strdup_printable("v1\xe2\x80\xae" "txt.exe\xe2\x80\xaa\xe2\x80\xac"
                                                     "\xe2\x81\xa6\xe2\x81\xa9\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c!", 100),
                            *near = strdup_printable("\xc2\xa0\xe2\x80\x8d\xe2\x80\xaf\xe2\x81\xa5", 100);

        ASSERT_STREQ(c0, "a?[2Jb?c?d?e?f");
        ASSERT_STREQ(c1, "x?31mred?y?z?.");
        ASSERT_STREQ(bidi, "v1?txt.exe???????" "!");
        /* Their neighbours are text: U+00A0, U+200D, U+202F, U+2065. */
        ASSERT_STREQ(near, "\xc2\xa0\xe2\x80\x8d\xe2\x80\xaf\xe2\x81\xa5");
}

TEST(printable_replaces_invalid_utf8) {
        /* A lone continuation byte, a cut sequence, an overlong '/', a
         * surrogate, past U+10FFFF, 0xff: one '?' per byte that begins nothing. */
        _cleanup_free_ char *a = strdup_printable("a\x80" "b\xe6\x97" "c\xc0\xaf" "d\xed\xa0\x80" "e\xf4\x90\x80\x80" "f\xff", 100);

        ASSERT_STREQ(a, "a?b??c??d???e????f?");
        ASSERT_TRUE(valid(a));
}

TEST(printable_cuts_at_a_character) {
        char v[256];
        size_t n = 0;

        /* 127 ASCII bytes, then "é" (2 bytes) across byte 128, then "日本"
         * again and again to 200 bytes: the cut falls before the é. */
        memset(v, 'x', 127);
        n = 127;
        n += (size_t) sprintf(v + n, "é");
        while (n + 6 <= 200)
                n += (size_t) sprintf(v + n, "日本");
        ASSERT_TRUE(n > 190);
        _cleanup_free_ char *a = strdup_printable(v, 128), *b = strn_printable(v, n, 129, 0),
                            *c = strn_printable(v, n, 131, 0);

        ASSERT_TRUE(valid(a));
        ASSERT_EQ(strlen(a), 130);
        ASSERT_TRUE(strncmp(a, v, 127) == 0);
        ASSERT_STREQ(a + 127, "...");
        /* The é fits at 129; at 131, 日 (3 bytes) does not. */
        ASSERT_TRUE(valid(b));
        ASSERT_STREQ(b + 127, "é...");
        ASSERT_STREQ(c + 127, "é...");
        /* Not cut: no "...". */
        _cleanup_free_ char *d = strn_printable(v, n, n, 0), *e = strn_printable("abc", 3, 3, 0);
        ASSERT_STREQ(d, v);
        ASSERT_STREQ(e, "abc");
}

TEST(printable_ascii_for_columns) {
        _cleanup_free_ char *a = strn_printable("ä日b\xc2\x9b\xff", 9, 100, PRINTABLE_ASCII);
        /* A NUL inside counts as a control. */
        _cleanup_free_ char *b = strn_printable("a\0b", 3, 100, 0);

        ASSERT_STREQ(a, "??b??");
        ASSERT_STREQ(b, "a?b");
}

TEST(json_make_printable) {
        _cleanup_(cJSON_Deletep) cJSON *doc =
                cJSON_Parse("{\"st\\u202eate\":\"ok\\u009b2J\",\"list\":[\"\\u001b]0;x\\u0007\",{\"v\":\"日本\"}]}");
        _cleanup_free_ char *s = NULL;

        ASSERT_NOT_NULL(doc);
        ASSERT_OK(json_make_printable(doc));
        s = cJSON_PrintUnformatted(doc);
        ASSERT_STREQ(s, "{\"st?ate\":\"ok?2J\",\"list\":[\"?]0;x?\",{\"v\":\"日本\"}]}");
}

TEST(url_redact) {
        static const char * const cases[][2] = {
                { "https://user:pass@host:2379/v3/kv?api_key=x", "https://host:2379/v3/kv" },
                { "https://user:pass@host:2379/v3/kv?api_key=x#frag", "https://host:2379/v3/kv" },
                { "http://127.0.0.1:2379", "http://127.0.0.1:2379" },
                { "http://[::1]:8080/report/node-1", "http://[::1]:8080/report/node-1" },
                /* The last '@' ends the user info, wherever it is: showing less
                 * beats showing a password that holds a raw '#', '?' or '/'. */
                { "http://token@h/a@b?c=d", "http://b" },
                { "http://hsos:my#pass@10.0.0.1:2379", "http://10.0.0.1:2379" },
                { "http://u:p/w?x@h:1/x", "http://h:1/x" },
                { "http://a@b@h:1/", "http://h:1/" },
                { "http://h#x", "http://h" },
                { "http://h/p?", "http://h/p" },
                { "user:pass@host:1/x?k=v", "host:1/x" },
                { "http://h/redirect?to=http://u:p@x", "http://x" },
                { "", "" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *s = NULL;

                ASSERT_OK(url_redact(cases[i][0], &s));
                ASSERT_STREQ(s, cases[i][1]);
        }
}

TEST(url_secret_in) {
        const char *url = "https://alice:hunter2@host:2379/v3/kv?api_key=SECRET";

        ASSERT_FALSE(url_secret_in("Failed to connect to host port 2379 after 0 ms: Couldn't connect to server", url));
        ASSERT_TRUE(url_secret_in("Could not resolve proxy: alice:hunter2@proxy", url));
        ASSERT_TRUE(url_secret_in("Login denied for hunter2", url));
        ASSERT_TRUE(url_secret_in("bad URL https://host:2379/v3/kv?api_key=SECRET", url));
        ASSERT_FALSE(url_secret_in("anything", "http://127.0.0.1:2379"));
        ASSERT_FALSE(url_secret_in("anything", "http://@h/?"));
        ASSERT_TRUE(url_secret_in("a token", "http://token@h/"));
}
