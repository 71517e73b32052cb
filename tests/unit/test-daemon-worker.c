/* SPDX-License-Identifier: MIT */
/* The daemon's worker (agent/daemon/worker.c): a forked child doing the disk
 * work, heard over a pipe, and held to its limits. The child here does what
 * a hung disk does to the real work: it blocks in open(2) of a FIFO that
 * no one writes. The daemon's limits are 5 minutes and an hour
 * (WORKER_SLOW_USEC, WORKER_MAX_USEC); the test passes its own, short. */

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "hsos/util.h"
#include "worker.h"

typedef struct Seen {
        int slow;
        bool done, stopped;
        int status;
        char *note;
} Seen;

static void on_note(void *userdata, WorkerNote note, const char *text, const char *detail) {
        Seen *s = userdata;

        (void) detail;
        if (note == WORKER_PROBLEM) {
                free(s->note);
                s->note = strdup(text);
        }
}

static void on_slow(void *userdata) {
        ((Seen *) userdata)->slow++;
}

static void on_done(void *userdata, int status, bool stopped) {
        Seen *s = userdata;

        s->done = true;
        s->status = status;
        s->stopped = stopped;
}

static const WorkerCallbacks callbacks = { .note = on_note, .slow = on_slow, .done = on_done };
static char fifo[64];

/* Says where it is, then waits for a writer that never comes. */
static void hang(Worker *w, void *userdata) {
        (void) userdata;
        worker_note(w, WORKER_PROBLEM, "about to open the FIFO", NULL);
        (void) open(fifo, O_RDONLY | O_CLOEXEC);
}

static void quick(Worker *w, void *userdata) {
        (void) userdata;
        worker_note(w, WORKER_PROBLEM, "done at once", NULL);
}

/* Runs the loop until the worker is done (the limits end any wait). */
static void run(sd_event *e, Seen *s) {
        while (!s->done)
                ASSERT_TRUE(sd_event_run(e, UINT64_MAX) >= 0);
}

static sd_event *loop(void) {
        sd_event *e = NULL;
        sigset_t mask;

        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        ASSERT_OK(sigprocmask(SIG_BLOCK, &mask, NULL));
        ASSERT_OK(sd_event_new(&e));
        /* A worker never stopped fails the binary (SIGALRM) instead of hanging it. */
        alarm(60);
        return e;
}

TEST(a_worker_past_its_limits_is_said_slow_then_killed_and_the_next_runs) {
        _cleanup_(sd_event_unrefp) sd_event *e = loop();
        const WorkerLimits limits = { .slow_usec = 50000, .max_usec = 300000 };
        Seen hung = {}, next = {};
        Worker *w = NULL;

        snprintf(fifo, sizeof fifo, "/tmp/hsos-test-worker-%d", (int) getpid());
        (void) unlink(fifo);
        ASSERT_OK(mkfifo(fifo, 0600));
        ASSERT_OK(worker_start(e, hang, &callbacks, &limits, &hung, &w));
        run(e, &hung);
        (void) unlink(fifo);
        worker_free(w);
        /* What it said before it hung is heard; then it was slow once, and stopped. */
        ASSERT_STREQ(hung.note, "about to open the FIFO");
        ASSERT_EQ(hung.slow, 1);
        ASSERT_TRUE(hung.stopped);
        ASSERT_EQ(hung.status, -SIGKILL);

        /* The next work, as the next evaluation starts it, runs to its end. */
        ASSERT_OK(worker_start(e, quick, &callbacks, &limits, &next, &w));
        run(e, &next);
        worker_free(w);
        ASSERT_STREQ(next.note, "done at once");
        ASSERT_EQ(next.slow, 0);
        ASSERT_FALSE(next.stopped);
        ASSERT_EQ(next.status, 0);
        free(hung.note);
        free(next.note);
}

TEST(a_worker_killed_by_someone_else_is_not_said_stopped) {
        _cleanup_(sd_event_unrefp) sd_event *e = loop();
        Seen s = {};
        Worker *w = NULL;

        snprintf(fifo, sizeof fifo, "/tmp/hsos-test-worker-%d", (int) getpid());
        (void) unlink(fifo);
        ASSERT_OK(mkfifo(fifo, 0600));
        /* No limits: only the kill ends it. */
        ASSERT_OK(worker_start(e, hang, &callbacks, NULL, &s, &w));
        while (!s.note)
                ASSERT_TRUE(sd_event_run(e, UINT64_MAX) >= 0);
        worker_kill(w);
        run(e, &s);
        (void) unlink(fifo);
        worker_free(w);
        ASSERT_EQ(s.slow, 0);
        ASSERT_FALSE(s.stopped);
        ASSERT_EQ(s.status, -SIGKILL);
        free(s.note);
}
