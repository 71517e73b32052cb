/* SPDX-License-Identifier: MIT */
#pragma once

/* A tiny test harness: TEST(name) registers a test; ASSERT_* report file,
 * line and both values, then end that test and go on with the next. Output is
 * TAP, closed by "# N passed, N failed, N skipped". SKIP_THIS(why) skips the
 * one test that calls it ("ok N - name # SKIP why"); the others still run.
 * A skip is no pass: tests/run-tests.sh counts it apart and fails it under
 * CI=true or STRICT=1. There is no way to skip the whole binary.
 *
 * One test, or a few, by name: `test-plan NAME...` or HSOS_TEST_ONLY="NAME..."
 * (`make check-unit T=test-plan/NAME`) runs the tests whose names match one
 * of the patterns (fnmatch: `ssv_*`), numbered anew; a pattern that matches
 * none ends the binary as a failure, so a misspelled name never passes.
 * `test-plan --list` prints every name. */

#include <errno.h>
#include <fnmatch.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A whole file, NUL-terminated (for fixtures); NULL when it cannot be read. */
static inline char *read_all(const char *path, size_t *ret_size) {
        FILE *f = fopen(path, "re");
        char *buf;
        long n;

        if (!f)
                return NULL;
        fseek(f, 0, SEEK_END);
        n = ftell(f);
        rewind(f);
        buf = n >= 0 ? malloc((size_t) n + 1) : NULL;
        if (buf && fread(buf, 1, (size_t) n, f) != (size_t) n) {
                free(buf);
                buf = NULL;
        }
        fclose(f);
        if (buf) {
                buf[n] = 0;
                *ret_size = (size_t) n;
        }
        return buf;
}

typedef struct HarnessTest {
        const char *name;
        void (*fn)(void);
} HarnessTest;

static HarnessTest *harness_tests;
static size_t harness_n, harness_alloc;
static jmp_buf harness_jmp;
static int harness_failed_now;
static char harness_skip_reason[256];

/* Runs from constructors, before main: a test that cannot be registered
 * ends the binary loudly rather than vanishing from the run. */
static inline void harness_register(const char *name, void (*fn)(void)) {
        if (harness_n == harness_alloc) {
                size_t n = harness_alloc ? harness_alloc * 2 : 64;
                HarnessTest *t = realloc(harness_tests, n * sizeof *t);

                if (!t) {
                        printf("Bail out! cannot register test %s: out of memory\n", name);
                        exit(1);
                }
                harness_tests = t;
                harness_alloc = n;
        }
        harness_tests[harness_n++] = (HarnessTest) { name, fn };
}

#define TEST(name)                                                              \
        static void test_##name(void);                                          \
        __attribute__((constructor)) static void register_##name(void) {        \
                harness_register(#name, test_##name);                           \
        }                                                                       \
        static void test_##name(void)

#define HARNESS_FAIL(...)                                                       \
        do {                                                                    \
                printf("# %s:%d: ", __FILE__, __LINE__);                        \
                printf(__VA_ARGS__);                                            \
                printf("\n");                                                   \
                harness_failed_now = 1;                                         \
                longjmp(harness_jmp, 1);                                        \
        } while (0)

#define ASSERT_TRUE(x)                                                          \
        do {                                                                    \
                if (!(x))                                                       \
                        HARNESS_FAIL("expected true: %s", #x);                  \
        } while (0)

#define ASSERT_FALSE(x) ASSERT_TRUE(!(x))

#define ASSERT_OK(expr)                                                         \
        do {                                                                    \
                long long _r = (long long) (expr);                              \
                if (_r < 0)                                                     \
                        HARNESS_FAIL("%s failed: %lld (%s)", #expr, _r, strerror((int) -_r)); \
        } while (0)

#define ASSERT_ERROR(expr, err)                                                 \
        do {                                                                    \
                long long _r = (long long) (expr);                              \
                if (_r != -(err))                                               \
                        HARNESS_FAIL("%s: expected -%s (%d), got %lld", #expr, #err, err, _r); \
        } while (0)

#define ASSERT_EQ(a, b)                                                         \
        do {                                                                    \
                long long _a = (long long) (a), _b = (long long) (b);           \
                if (_a != _b)                                                   \
                        HARNESS_FAIL("%s == %s: %lld != %lld", #a, #b, _a, _b); \
        } while (0)

#define ASSERT_STREQ(a, b)                                                      \
        do {                                                                    \
                const char *_a = (a), *_b = (b);                                \
                if (!_a || !_b || strcmp(_a, _b) != 0)                          \
                        HARNESS_FAIL("%s == %s:\n#   got      \"%s\"\n#   expected \"%s\"", #a, #b, \
                                     _a ? _a : "(null)", _b ? _b : "(null)");   \
        } while (0)

#define ASSERT_NULL(x)                                                          \
        do {                                                                    \
                const void *_p = (x);                                           \
                if (_p)                                                         \
                        HARNESS_FAIL("expected NULL: %s", #x);                  \
        } while (0)

#define ASSERT_NOT_NULL(x)                                                      \
        do {                                                                    \
                if (!(x))                                                       \
                        HARNESS_FAIL("expected non-NULL: %s", #x);              \
        } while (0)

/* Substring check, printing the haystack on failure. */
#define ASSERT_CONTAINS(hay, needle)                                            \
        do {                                                                    \
                const char *_h = (hay), *_n = (needle);                         \
                if (!_h || !strstr(_h, _n))                                     \
                        HARNESS_FAIL("expected \"%s\" in:\n%s", _n, _h ? _h : "(null)"); \
        } while (0)

#define ASSERT_NOT_CONTAINS(hay, needle)                                        \
        do {                                                                    \
                const char *_h = (hay), *_n = (needle);                         \
                if (_h && strstr(_h, _n))                                       \
                        HARNESS_FAIL("did not expect \"%s\" in:\n%s", _n, _h);  \
        } while (0)

/* Skips this one test (TAP "ok ... # SKIP why"), the others still run. */
#define SKIP_THIS(...)                                                          \
        do {                                                                    \
                snprintf(harness_skip_reason, sizeof harness_skip_reason, __VA_ARGS__); \
                longjmp(harness_jmp, 1);                                        \
        } while (0)

/* The tests to run: those matching a pattern, all without one. Returns the
 * number selected, or -1 (said) when a pattern matches none. */
static inline long harness_select(char **patterns, size_t n_patterns, char *selected) {
        long n = 0;

        for (size_t i = 0; i < harness_n; i++) {
                selected[i] = n_patterns == 0;
                for (size_t p = 0; p < n_patterns && !selected[i]; p++)
                        selected[i] = fnmatch(patterns[p], harness_tests[i].name, 0) == 0;
                n += selected[i];
        }
        for (size_t p = 0; p < n_patterns; p++) {
                size_t i = 0;

                while (i < harness_n && fnmatch(patterns[p], harness_tests[i].name, 0) != 0)
                        i++;
                if (i == harness_n) {
                        printf("Bail out! no test is named %s (--list names them)\n", patterns[p]);
                        return -1;
                }
        }
        return n;
}

int main(int argc, char **argv) {
        static size_t passed, failed, skipped, number; /* static: survive longjmp */
        static char *patterns[64], *selected, *only;
        size_t n_patterns = 0;
        long n;

        setvbuf(stdout, NULL, _IOLBF, 0);
        if (argc == 2 && strcmp(argv[1], "--list") == 0) {
                for (size_t i = 0; i < harness_n; i++)
                        printf("%s\n", harness_tests[i].name);
                free(harness_tests);
                return 0;
        }
        if (argc > 1)
                for (int a = 1; a < argc && n_patterns < 64; a++)
                        patterns[n_patterns++] = argv[a];
        else if (getenv("HSOS_TEST_ONLY") && (only = strdup(getenv("HSOS_TEST_ONLY"))))
                for (char *save = NULL, *w = strtok_r(only, " ,", &save); w && n_patterns < 64;
                     w = strtok_r(NULL, " ,", &save))
                        patterns[n_patterns++] = w;
        selected = calloc(harness_n + 1, 1);
        if (!selected)
                printf("Bail out! out of memory\n");
        n = selected ? harness_select(patterns, n_patterns, selected) : -1;
        if (n < 0) {
                free(selected);
                free(only);
                free(harness_tests);
                return 1;
        }
        printf("1..%ld\n", n);
        for (size_t i = 0; i < harness_n; i++) {
                if (!selected[i])
                        continue;
                number++;
                harness_failed_now = 0;
                harness_skip_reason[0] = 0;
                if (setjmp(harness_jmp) == 0)
                        harness_tests[i].fn();
                if (harness_skip_reason[0]) {
                        printf("ok %zu - %s # SKIP %s\n", number, harness_tests[i].name, harness_skip_reason);
                        skipped++;
                } else if (harness_failed_now) {
                        printf("not ok %zu - %s\n", number, harness_tests[i].name);
                        failed++;
                } else {
                        printf("ok %zu - %s\n", number, harness_tests[i].name);
                        passed++;
                }
        }
        printf("# %zu passed, %zu failed, %zu skipped\n", passed, failed, skipped);
        free(selected);
        free(only);
        free(harness_tests);
        return failed ? 1 : 0;
}
