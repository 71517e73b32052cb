/* SPDX-License-Identifier: MIT */
/* cmdline_split and cmdline_append_word: systemd's command-line rules, both ways. */

#include "harness.h"
#include "systemd-read.h"

#include "hsos/cmdline.h"
#include "hsos/util.h"

/* Splits s and checks that it gives exactly the words of expected (NULL-terminated). */
static void check_split(const char *s, const char * const *expected) {
        _cleanup_strv_free_ char **words = NULL;
        _cleanup_free_ char *err = NULL;
        size_t n = 0;

        ASSERT_OK(cmdline_split(s, &words, &err));
        ASSERT_NULL(err);
        ASSERT_NOT_NULL(words);
        while (expected[n])
                n++;
        if (strv_length(words) != n) {
                printf("# splitting [%s] gave %zu words:\n", s, strv_length(words));
                STRV_FOREACH(w, words)
                        printf("#   [%s]\n", *w);
        }
        ASSERT_EQ(strv_length(words), n);
        for (size_t i = 0; i < n; i++)
                ASSERT_STREQ(words[i], expected[i]);
}

#define SPLIT(s, ...) check_split((s), (const char * const[]) { __VA_ARGS__, NULL })
#define SPLIT_NONE(s) check_split((s), (const char * const[]) { NULL })

/* Splitting s fails with -EINVAL and a message holding each of the needles. */
static void check_split_error(const char *s, const char *needle1, const char *needle2) {
        char **words = NULL;
        _cleanup_free_ char *err = NULL;

        ASSERT_ERROR(cmdline_split(s, &words, &err), EINVAL);
        ASSERT_NULL(words);
        ASSERT_NOT_NULL(err);
        ASSERT_TRUE(strlen(err) > 0);
        if (needle1)
                ASSERT_CONTAINS(err, needle1);
        if (needle2)
                ASSERT_CONTAINS(err, needle2);
        /* The message is one printable line. */
        for (const char *c = err; *c; c++)
                ASSERT_TRUE((unsigned char) *c >= 0x20 && *c != 0x7f);
}

/* ---- splitting ---- */

TEST(split_double_quotes_removed) {
        SPLIT("--host-allowlist=\"*\"", "--host-allowlist=*");
        SPLIT("\"--http.vhosts=*\"", "--http.vhosts=*");
}

TEST(split_unquoted_space_separates) {
        SPLIT("--graffiti=a b", "--graffiti=a", "b");
        SPLIT("--graffiti=\"a b\"", "--graffiti=a b");
}

TEST(split_single_quotes) {
        SPLIT("'a b'", "a b");
        SPLIT("--graffiti='hello world'", "--graffiti=hello world");
        SPLIT("'a \"b\" c'", "a \"b\" c");
        SPLIT("\"it's\"", "it's");
        SPLIT("''", "");
}

TEST(split_quotes_in_the_middle_of_a_word) {
        SPLIT("a\"b c\"d", "ab cd");
        SPLIT("--x='y z'w", "--x=y zw");
        SPLIT("a\"\"b", "ab");
        SPLIT("\"a\"'b'c", "abc");
}

TEST(split_c_escapes) {
        SPLIT("a\\nb", "a\nb");
        SPLIT("a\\tb", "a\tb");
        SPLIT("\\x41", "A");
        SPLIT("\\101", "A");
        SPLIT("caf\\u00e9", "caf\xc3\xa9");
        SPLIT("\\U0001F600", "\xf0\x9f\x98\x80");
        SPLIT("\\u20ac", "\xe2\x82\xac");
        SPLIT("a\\sb", "a b");
        SPLIT("\\\"x\\\"", "\"x\"");
        SPLIT("\\\\", "\\");
        SPLIT("\\'", "'");
        SPLIT("\\a\\b\\f\\r\\v", "\a\b\f\r\v");
        /* Escapes work inside quotes too. */
        SPLIT("\"a\\tb\"", "a\tb");
        SPLIT("\"a\\\"b\"", "a\"b");
        SPLIT("'\\x41'", "A");
}

TEST(split_escaped_space_does_not_separate) {
        SPLIT("a\\sb c", "a b", "c");
}

TEST(split_empty_quoted_word) {
        SPLIT("\"\"", "");
        SPLIT("a \"\" b", "a", "", "b");
        SPLIT("--x=\"\"", "--x=");
}

TEST(split_spaces) {
        SPLIT("  a", "a");
        SPLIT("a  ", "a");
        SPLIT("   a    b   c   ", "a", "b", "c");
        SPLIT("\" a \"", " a ");
        SPLIT_NONE("");
        SPLIT_NONE("    ");
}

TEST(split_plain) {
        SPLIT("--syncmode=snap", "--syncmode=snap");
        SPLIT("--a --b=1 --c", "--a", "--b=1", "--c");
        SPLIT("; /bin/sh", ";", "/bin/sh");
        SPLIT("%h $PATH", "%h", "$PATH");
}

/* ---- errors ---- */

TEST(split_error_unbalanced_double_quote) {
        check_split_error("--x=\"abc", "unbalanced", "double");
        check_split_error("\"", "unbalanced", "double");
        check_split_error("a \"b c", "unbalanced", "double");
}

TEST(split_error_unbalanced_single_quote) {
        check_split_error("--x='abc", "unbalanced", "single");
        check_split_error("'", "unbalanced", "single");
}

TEST(split_error_trailing_backslash) {
        check_split_error("abc\\", "backslash", NULL);
        check_split_error("\\", "backslash", NULL);
        check_split_error("\"abc\\", NULL, NULL);
}

TEST(split_error_unknown_escape) {
        check_split_error("a\\qb", "escape", "\\q");
        check_split_error("\\z", "escape", "\\z");
        check_split_error("a\\ b", "escape", NULL);
}

TEST(split_error_bad_hex_or_octal) {
        check_split_error("\\xZZ", "escape", NULL);
        check_split_error("\\x4", "escape", NULL);
        check_split_error("\\18", "escape", NULL);
        check_split_error("\\777", "escape", NULL);
        check_split_error("\\uD800", "escape", NULL);      /* a surrogate */
        check_split_error("\\U00110000", "escape", NULL);  /* beyond Unicode */
}

TEST(split_error_nul_escapes) {
        check_split_error("a\\x00b", "escape", "\\x00");
        check_split_error("a\\000b", "escape", "\\0");
        check_split_error("\\u0000", "escape", NULL);
        check_split_error("\\U00000000", "escape", NULL);
}

TEST(split_error_control_characters) {
        check_split_error("a\nb", "control character", "0x0a");
        check_split_error("a\tb", "control character", "0x09");
        check_split_error("\"a\rb\"", "control character", "0x0d");
        check_split_error("x\x7f", "control character", "0x7f");
        check_split_error("a\x1b[31m", "control character", "0x1b");
}

/* ---- writing ---- */

static char *append_one(const char *word, bool force) {
        StrBuf b = {};
        char *s = NULL;

        cmdline_append_word(&b, word, force);
        if (sb_steal(&b, &s) < 0)
                return NULL;
        return s;
}

TEST(append_plain_and_quoted) {
        _cleanup_free_ char *a = append_one("--syncmode=snap", false), *b = append_one("--syncmode=snap", true),
                            *c = append_one("a b", false), *d = append_one("", false), *e = append_one("50%", false),
                            *f = append_one("$HOME", false), *g = append_one("a\"b\\c", false),
                            *h = append_one("a\nb", false), *i = append_one(";", false);

        ASSERT_STREQ(a, "--syncmode=snap");
        ASSERT_STREQ(b, "\"--syncmode=snap\"");
        ASSERT_STREQ(c, "\"a b\"");
        ASSERT_STREQ(d, "\"\"");
        ASSERT_STREQ(e, "\"50%%\"");
        ASSERT_STREQ(f, "\"$$HOME\"");
        ASSERT_STREQ(g, "\"a\\\"b\\\\c\"");
        ASSERT_STREQ(h, "\"a\\x0ab\"");
        ASSERT_STREQ(i, "\";\"");
}

/* ---- round trip, read back the way systemd reads an ExecStart= line ---- */

/* systemd expands "%%" to "%" and "$$" to "$" in each word; any other '%' or
 * '$' would be a specifier or a variable. Returns NULL (and says why) then. */
static char *systemd_unescape_word(const char *w) {
        StrBuf b = {};
        char *s = NULL;

        for (const char *p = w; *p; p++) {
                if (*p == '%' || *p == '$') {
                        if (p[1] != *p) {
                                printf("# lone '%c' left in word [%s]: a %s\n", *p, w,
                                       *p == '%' ? "specifier" : "variable");
                                sb_done(&b);
                                return NULL;
                        }
                        sb_appendc(&b, *p);
                        p++;
                        continue;
                }
                sb_appendc(&b, *p);
        }
        if (sb_steal(&b, &s) < 0)
                return NULL;
        return s;
}


/* Reads the arguments of an "ExecStart=" line back as systemd would. */
static int read_exec_line(const char *line, char ***ret) {
        _cleanup_strv_free_ char **words = NULL, **out = NULL;
        _cleanup_free_ char *err = NULL;
        const char *rest = startswith(line, "ExecStart=");
        int r;

        if (!rest)
                return -EINVAL;
        if (strchr(line, '\n')) {
                printf("# newline in line: %s\n", line);
                return -EINVAL;
        }
        if (line_has_lone_semicolon(rest)) {
                printf("# unquoted ';' in line: %s\n", line);
                return -EINVAL;
        }
        r = cmdline_split(rest, &words, &err);
        if (r < 0) {
                printf("# cannot split [%s]: %s\n", rest, strempty(err));
                return r;
        }
        out = calloc(1, sizeof(char *));
        if (!out)
                return -ENOMEM;
        STRV_FOREACH(w, words) {
                char *u = systemd_unescape_word(*w);
                if (!u)
                        return -EINVAL;
                if (strv_consume(&out, u) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(out);
        return 0;
}

static char *every_printable_ascii(void) {
        static char s[0x7f - 0x20 + 1];

        for (int c = 0x20; c < 0x7f; c++)
                s[c - 0x20] = (char) c;
        s[0x7f - 0x20] = 0;
        return s;
}

static const char *hostile_words[] = {
        ";", "a;b", "%n", "%%", "$HOME", "${X}", "$$", "\"", "\\", "'", "a b", "",
        "--x=\"*\"", "caf\xc3\xa9 \xf0\x9f\x98\x80", "\xe2\x82\xac", "%h/%d", "$$$", "%%%", "\\n", "\\\"",
        "a\nb", "\t", "x\x7fy", "\x01", "-", "--", "@x", "+x", "!x", ":x", "a=b c=d", " ; ", "; /bin/sh",
        "\";\"", "'\"'", "%", "$", "ExecStartPost=/bin/sh", "a\\\nb", "--http.vhosts=*", "end\\",
        NULL, /* every printable ASCII character, filled in below */
        NULL,
};

static void round_trip(const char *const *ws, size_t n, bool force) {
        _cleanup_strv_free_ char **back = NULL;
        _cleanup_free_ char *line = NULL;
        StrBuf b = {};

        sb_append(&b, "ExecStart=/bin/x ");
        for (size_t i = 0; i < n; i++) {
                if (i > 0)
                        sb_appendc(&b, ' ');
                cmdline_append_word(&b, ws[i], force);
        }
        ASSERT_OK(sb_steal(&b, &line));
        ASSERT_OK(read_exec_line(line, &back));
        if (strv_length(back) != n + 1)
                printf("# line: %s\n", line);
        ASSERT_EQ(strv_length(back), n + 1);
        ASSERT_STREQ(back[0], "/bin/x");
        for (size_t i = 0; i < n; i++) {
                if (!streq(back[i + 1], ws[i]))
                        printf("# line: %s\n", line);
                ASSERT_STREQ(back[i + 1], ws[i]);
        }
}

TEST(round_trip_each_word) {
        size_t n = ELEMENTSOF(hostile_words) - 2;

        hostile_words[n] = every_printable_ascii();
        for (size_t i = 0; i <= n; i++) {
                round_trip(&hostile_words[i], 1, false);
                round_trip(&hostile_words[i], 1, true);
        }
}

TEST(round_trip_all_words_on_one_line) {
        size_t n = ELEMENTSOF(hostile_words) - 2;

        hostile_words[n] = every_printable_ascii();
        round_trip(hostile_words, n + 1, false);
        round_trip(hostile_words, n + 1, true);
}

/* Every byte but NUL, alone and among others. */
TEST(round_trip_every_byte) {
        char word[4];

        for (int c = 1; c < 256; c++) {
                const char *one[1] = { word };

                snprintf(word, sizeof word, "%c", c);
                round_trip(one, 1, false);
                round_trip(one, 1, true);
                snprintf(word, sizeof word, "a%cb", c);
                round_trip(one, 1, false);
                round_trip(one, 1, true);
        }
}

/* What a word split from an extraOptions element becomes, read back. */
TEST(round_trip_after_split) {
        static const char * const elements[] = {
                "--host-allowlist=\"*\"", "--graffiti=a b", "'; /bin/sh'", "%h", "$PATH", "foo\\nbar",
                "--x=\"$$ %% \\\\ \\\"\"", "\"\"", "\\x41\\101\\u00e9\\U0001F600", NULL,
        };

        for (size_t i = 0; elements[i]; i++) {
                _cleanup_strv_free_ char **words = NULL;
                _cleanup_free_ char *err = NULL;

                ASSERT_OK(cmdline_split(elements[i], &words, &err));
                round_trip((const char * const *) words, strv_length(words), false);
                round_trip((const char * const *) words, strv_length(words), true);
        }
}

TEST(split_lone_escaped_semicolon_is_a_literal_semicolon) {
        _cleanup_strv_free_ char **w = NULL;
        _cleanup_free_ char *err = NULL;

        /* systemd.service(5): "Lone semicolons may be escaped as \;". */
        ASSERT_OK(cmdline_split("--a \\; --b", &w, &err));
        ASSERT_EQ(strv_length(w), 3);
        ASSERT_STREQ(w[1], ";");
        strv_free(TAKE_PTR(w));
        ASSERT_OK(cmdline_split("\\;", &w, &err));
        ASSERT_STREQ(w[0], ";");
        strv_free(TAKE_PTR(w));
        /* Inside a word it is no escape systemd knows. */
        ASSERT_ERROR(cmdline_split("a\\;b", &w, &err), EINVAL);
}

/* ---- systemd's grammar, written by hand ----
 * The tests above read cmdline_append_word's output back with cmdline_split,
 * the project's own reader: a mistake both share passes them (raw bytes that
 * are not UTF-8 did: cmdline_split takes them, systemd ignores the whole
 * line). These two tables come from systemd.service(5) "COMMAND LINES",
 * systemd.syntax(7) "QUOTING" and systemd.unit(5) "SPECIFIERS", and from
 * systemd 252 itself where the pages are silent (the integration test
 * test-exec-words.sh asks it again on every run): a word and the exact text
 * that must stand for it, then a line and the words systemd documents for it. */

typedef struct WordText {
        const char *word;
        bool force_quote;
        const char *text;
} WordText;

static const WordText word_texts[] = {
        { "--syncmode=snap", false, "--syncmode=snap" },
        { "--syncmode=snap", true, "\"--syncmode=snap\"" },
        /* Whitespace: quoted; a tab, like every control character, as a C escape. */
        { "a b", false, "\"a b\"" },
        { "a\tb", false, "\"a\\x09b\"" },
        { "a\nb", false, "\"a\\x0ab\"" },
        { "\r", false, "\"\\x0d\"" },
        { "\x01", false, "\"\\x01\"" },
        { "x\x7fy", false, "\"x\\x7fy\"" },
        /* Quotes: a double quote escaped, a single one as itself inside double quotes. */
        { "say \"hi\"", false, "\"say \\\"hi\\\"\"" },
        { "it's", false, "\"it's\"" },
        { "'", false, "\"'\"" },
        /* "any backslashes should be doubled" */
        { "a\\b", false, "\"a\\\\b\"" },
        { "\\;", false, "\"\\\\;\"" },
        /* "To pass a literal dollar sign, use $$"; "%%" is a single percent sign. */
        { "$HOME", false, "\"$$HOME\"" },
        { "${HOME}", false, "\"$${HOME}\"" },
        { "$$", false, "\"$$$$\"" },
        { "$", false, "\"$$\"" },
        { "50%", false, "\"50%%\"" },
        { "%h", false, "\"%%h\"" },
        { "%%", false, "\"%%%%\"" },
        /* A lone ';' separates command lines unless it is quoted (or "\;"). */
        { ";", false, "\";\"" },
        { "a;b", false, "\"a;b\"" },
        { "; /bin/sh", false, "\"; /bin/sh\"" },
        /* The empty word. */
        { "", false, "\"\"" },
        /* As an argument a leading -@:+ is only a character; '!' is quoted. */
        { "-x", false, "-x" },
        { "@x", false, "@x" },
        { ":x", false, ":x" },
        { "+x", false, "+x" },
        { "!x", false, "\"!x\"" },
        /* "UTF-8 is accepted, and hence typical unicode characters do not need to be escaped." */
        { "caf\xc3\xa9", false, "\"caf\xc3\xa9\"" },
        { "\xe2\x82\xac", false, "\"\xe2\x82\xac\"" },
        { "\xf0\x9f\x98\x80", false, "\"\xf0\x9f\x98\x80\"" },
        { "\xef\xbf\xbd", false, "\"\xef\xbf\xbd\"" },          /* U+FFFD */
        { "\xf4\x8f\xbf\xbd", false, "\"\xf4\x8f\xbf\xbd\"" },  /* U+10FFFD */
        /* What systemd does not take as UTF-8 ("String is not UTF-8 clean,
         * ignoring assignment") goes byte by byte as "\xNN", which systemd
         * turns back into that very byte. */
        { "\xff", false, "\"\\xff\"" },
        { "a\xc3", false, "\"a\\xc3\"" },                         /* cut short */
        { "\xc3\xa9\xa9", false, "\"\xc3\xa9\\xa9\"" },           /* a stray continuation byte */
        { "\xc0\x80", false, "\"\\xc0\\x80\"" },                  /* overlong NUL */
        { "\xed\xa0\x80", false, "\"\\xed\\xa0\\x80\"" },         /* a surrogate, U+D800 */
        { "\xef\xbf\xbf", false, "\"\\xef\\xbf\\xbf\"" },         /* U+FFFF, a noncharacter */
        { "\xef\xb7\x90", false, "\"\\xef\\xb7\\x90\"" },         /* U+FDD0, a noncharacter */
        { "\xf4\x90\x80\x80", false, "\"\\xf4\\x90\\x80\\x80\"" }, /* beyond U+10FFFF */
};

TEST(append_word_exact_text) {
        for (size_t i = 0; i < ELEMENTSOF(word_texts); i++) {
                _cleanup_free_ char *got = append_one(word_texts[i].word, word_texts[i].force_quote);

                if (!got || !streq(got, word_texts[i].text))
                        printf("# word %zu of the table\n", i);
                ASSERT_STREQ(got, word_texts[i].text);
        }
}

typedef struct LineWords {
        const char *line;
        const char *words[8];
} LineWords;

static const LineWords line_words[] = {
        /* systemd.service(5), "COMMAND LINES": "This will execute echo with
         * five arguments: "/", ">/dev/null", "&", ";", and "ls"." */
        { "ExecStart=echo / >/dev/null & \\; ls", { "echo", "/", ">/dev/null", "&", ";", "ls" } },
        /* "ExecStart=sh -c 'dmesg | tac'" */
        { "ExecStart=sh -c 'dmesg | tac'", { "sh", "-c", "dmesg | tac" } },
        /* systemd.syntax(7): quotes wrap a whole item and are removed. */
        { "ExecStart=/bin/echo \"two two\" 'three three'", { "/bin/echo", "two two", "three three" } },
        { "ExecStart=/bin/echo \"it's\" 'say \"hi\"'", { "/bin/echo", "it's", "say \"hi\"" } },
        { "ExecStart=/bin/echo \"\"", { "/bin/echo", "" } },
        /* The escapes of systemd.syntax(7)'s table, in order. */
        { "ExecStart=/bin/echo \"\\a\\b\\f\\n\\r\\t\\v\\\\\\\"\\'\\s\"",
          { "/bin/echo", "\a\b\f\n\r\t\v\\\"' " } },
        { "ExecStart=/bin/echo \\x41 \\101 \\u00e9 \\U0001F600",
          { "/bin/echo", "A", "A", "\xc3\xa9", "\xf0\x9f\x98\x80" } },
        /* "To pass a literal dollar sign, use $$"; systemd.unit(5): ""%%"
         * Single percent sign". */
        { "ExecStart=/bin/echo $$HOME 50%% \"$${X}\"", { "/bin/echo", "$HOME", "50%", "${X}" } },
        /* "UTF-8 is accepted". */
        { "ExecStart=/bin/echo caf\xc3\xa9 \"\xe2\x82\xac\"", { "/bin/echo", "caf\xc3\xa9", "\xe2\x82\xac" } },
        /* A quoted ';' is a word like any other. */
        { "ExecStart=/bin/echo \";\" a;b", { "/bin/echo", ";", "a;b" } },
};

TEST(read_line_documented_words) {
        for (size_t i = 0; i < ELEMENTSOF(line_words); i++) {
                _cleanup_strv_free_ char **got = NULL;
                size_t n = 0;

                while (n < ELEMENTSOF(line_words[i].words) && line_words[i].words[n])
                        n++;
                printf("# %s\n", line_words[i].line);
                ASSERT_OK(read_exec_line(line_words[i].line, &got));
                ASSERT_EQ(strv_length(got), n);
                for (size_t k = 0; k < n; k++)
                        ASSERT_STREQ(got[k], line_words[i].words[k]);
        }
}

/* "echo one ; echo "two two"": "This will execute echo two times": a lone
 * semicolon is no word but a second command, which the reader refuses. */
TEST(read_line_lone_semicolon_is_a_second_command) {
        char **got = NULL;

        ASSERT_TRUE(read_exec_line("ExecStart=echo one ; echo \"two two\"", &got) < 0);
        ASSERT_NULL(got);
}

/* The executable's path is executed as written: no variable is expanded in
 * it (systemd issues #1274, #23235), so '$' stays single there; '%' is still
 * a specifier and is doubled. */
TEST(executable_path_keeps_dollar) {
        static const char *cases[][2] = {
                { "/usr/bin/geth", "/usr/bin/geth" },
                { "/opt/eth$1/geth", "\"/opt/eth$1/geth\"" },
                { "/opt/50%/geth", "\"/opt/50%%/geth\"" },
                { "/opt/a b/geth", "\"/opt/a b/geth\"" },
        };

        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                _cleanup_free_ char *got = NULL;
                StrBuf b = {};

                cmdline_append_executable(&b, cases[i][0]);
                ASSERT_OK(sb_steal(&b, &got));
                ASSERT_STREQ(got, cases[i][1]);
        }
}
