/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hsos/cleanup.h"
#include "hsos/util.h"
#include "worker.h"

/* One record on the pipe: this header, then a and b (not NUL-terminated). */
typedef struct Record {
        uint8_t type;            /* RECORD_REPORT or RECORD_NOTE */
        uint8_t kind;            /* ActKind, or WorkerNote */
        uint8_t outcome;         /* ActOutcome, for a report */
        uint8_t pad;
        uint32_t a_len, b_len;
} Record;

enum { RECORD_REPORT, RECORD_NOTE };

/* The child is the daemon itself: what it sends is trusted, but a bound
 * keeps a bug from growing the parent without end. */
#define RECORD_FIELD_MAX (8 * 1024 * 1024)

struct Worker {
        sd_event_source *io, *child, *timer;
        WorkerLimits limits;
        uint64_t started_usec;   /* CLOCK_MONOTONIC */
        bool slow, stopped;
        int fd;                  /* parent: the pipe's read end; child: its write end */
        pid_t pid;
        char *buf;
        size_t len;
        WorkerCallbacks cb;
        void *userdata;
};

void worker_kill(Worker *w) {
        if (w && w->child)
                (void) sd_event_source_send_child_signal(w->child, SIGKILL, NULL, 0);
}

Worker *worker_free(Worker *w) {
        if (!w)
                return NULL;
        if (w->child) {
                /* Still running: killed and reaped by sd-event. */
                (void) sd_event_source_send_child_signal(w->child, SIGKILL, NULL, 0);
                sd_event_source_disable_unref(w->child);
        }
        sd_event_source_disable_unref(w->io);
        sd_event_source_disable_unref(w->timer);
        safe_close_fd(w->fd);
        free(w->buf);
        free(w);
        return NULL;
}

/* Dispatches every complete record in the buffer. */
static void parse_records(Worker *w) {
        size_t off = 0;

        while (w->len - off >= sizeof(Record)) {
                Record rec;
                _cleanup_free_ char *a = NULL, *b = NULL;

                memcpy(&rec, w->buf + off, sizeof rec);
                if (rec.a_len > RECORD_FIELD_MAX || rec.b_len > RECORD_FIELD_MAX) {
                        w->len = 0; /* cannot be from us: dropped */
                        return;
                }
                if (w->len - off < sizeof rec + rec.a_len + rec.b_len)
                        break;
                a = strndup(w->buf + off + sizeof rec, rec.a_len);
                b = strndup(w->buf + off + sizeof rec + rec.a_len, rec.b_len);
                off += sizeof rec + rec.a_len + rec.b_len;
                if (!a || !b)
                        continue;
                if (rec.type == RECORD_REPORT && rec.kind < _ACT_KIND_MAX && rec.outcome < _ACT_OUTCOME_MAX && w->cb.report)
                        w->cb.report(w->userdata, (ActKind) rec.kind, a, (ActOutcome) rec.outcome, b);
                else if (rec.type == RECORD_NOTE && rec.kind < _WORKER_NOTE_MAX && w->cb.note)
                        w->cb.note(w->userdata, (WorkerNote) rec.kind, a, b);
        }
        memmove(w->buf, w->buf + off, w->len - off);
        w->len -= off;
}

/* Reads what is there; 0 at the end of the pipe, 1 when more may come. */
static int read_some(Worker *w) {
        for (;;) {
                char chunk[16384];
                ssize_t n = read(w->fd, chunk, sizeof chunk);
                char *nb;

                if (n < 0)
                        return errno == EAGAIN || errno == EINTR ? 1 : 0;
                if (n == 0)
                        return 0;
                nb = realloc(w->buf, w->len + (size_t) n);
                if (!nb)
                        return 0;
                w->buf = nb;
                memcpy(w->buf + w->len, chunk, (size_t) n);
                w->len += (size_t) n;
                parse_records(w);
        }
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Worker *w = userdata;

        (void) fd;
        (void) revents;
        if (read_some(w) == 0)
                (void) sd_event_source_set_enabled(s, SD_EVENT_OFF);
        return 0;
}

static int on_child(sd_event_source *s, const siginfo_t *si, void *userdata) {
        Worker *w = userdata;
        int status = si->si_code == CLD_EXITED ? si->si_status : -si->si_status;

        (void) s;
        w->child = sd_event_source_disable_unref(w->child);
        /* Whatever it wrote before exiting is heard before it is done. */
        (void) read_some(w);
        w->io = sd_event_source_disable_unref(w->io);
        w->timer = sd_event_source_disable_unref(w->timer);
        if (w->cb.done)
                w->cb.done(w->userdata, status, w->stopped); /* may free w */
        return 0;
}

/* First the slow limit (said), then the maximum (killed). */
static int arm_timer(Worker *w, sd_event *e);

/* Whether the next limit is the slow one (said), not the maximum. */
static bool slow_next(const Worker *w) {
        return !w->slow && w->limits.slow_usec && (!w->limits.max_usec || w->limits.slow_usec < w->limits.max_usec);
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Worker *w = userdata;

        (void) s;
        (void) usec;
        w->timer = sd_event_source_disable_unref(w->timer);
        if (!w->child)
                return 0;
        if (slow_next(w)) {
                w->slow = true;
                if (w->cb.slow)
                        w->cb.slow(w->userdata);
                return arm_timer(w, sd_event_source_get_event(w->child));
        }
        w->stopped = true;
        worker_kill(w);
        return 0;
}

static int arm_timer(Worker *w, sd_event *e) {
        uint64_t at = slow_next(w) ? w->limits.slow_usec : w->limits.max_usec;
        int r;

        if (!at)
                return 0;
        r = sd_event_add_time(e, &w->timer, CLOCK_MONOTONIC, w->started_usec + at, 0, on_timer, w);
        if (r >= 0)
                (void) sd_event_source_set_description(w->timer, "worker-limit");
        return r;
}

uint64_t worker_started_usec(const Worker *w) {
        return w ? w->started_usec : 0;
}

bool worker_is_slow(const Worker *w) {
        return w && w->slow;
}

int worker_start(sd_event *e, void (*work)(Worker *w, void *userdata), const WorkerCallbacks *cb,
                 const WorkerLimits *limits, void *userdata, Worker **ret) {
        Worker *w;
        int fds[2], r;
        pid_t pid;

        w = calloc(1, sizeof *w);
        if (!w)
                return -ENOMEM;
        w->fd = -EBADF;
        w->cb = *cb;
        w->limits = limits ? *limits : (WorkerLimits) {};
        w->userdata = userdata;
        if (pipe2(fds, O_CLOEXEC) < 0) {
                r = -errno;
                free(w);
                return r;
        }
        pid = fork();
        if (pid < 0) {
                r = -errno;
                close(fds[0]);
                close(fds[1]);
                free(w);
                return r;
        }
        if (pid == 0) {
                sigset_t none;

                /* The programs it runs get a plain signal mask, not the loop's. */
                sigemptyset(&none);
                (void) sigprocmask(SIG_SETMASK, &none, NULL);
                close(fds[0]);
                w->fd = fds[1];
                work(w, userdata);
                _exit(0);
        }
        close(fds[1]);
        w->fd = fds[0];
        w->pid = pid;
        (void) fcntl(w->fd, F_SETFL, O_NONBLOCK);
        r = sd_event_add_io(e, &w->io, w->fd, EPOLLIN, on_io, w);
        if (r >= 0)
                r = sd_event_add_child(e, &w->child, pid, WEXITED, on_child, w);
        if (r >= 0)
                r = sd_event_now(e, CLOCK_MONOTONIC, &w->started_usec);
        if (r >= 0)
                r = arm_timer(w, e);
        if (r < 0) {
                (void) kill(pid, SIGKILL);
                (void) waitpid(pid, NULL, 0);
                worker_free(w);
                return r;
        }
        (void) sd_event_source_set_description(w->child, "worker");
        *ret = w;
        return 0;
}

static void send_record(Worker *w, uint8_t type, uint8_t kind, uint8_t outcome, const char *a, const char *b) {
        Record rec = { .type = type, .kind = kind, .outcome = outcome };
        size_t al = strnlen(a ?: "", RECORD_FIELD_MAX), bl = strnlen(b ?: "", RECORD_FIELD_MAX);
        struct {
                const void *p;
                size_t n;
        } parts[3];

        rec.a_len = (uint32_t) al;
        rec.b_len = (uint32_t) bl;
        parts[0].p = &rec;
        parts[0].n = sizeof rec;
        parts[1].p = a ?: "";
        parts[1].n = al;
        parts[2].p = b ?: "";
        parts[2].n = bl;
        for (size_t i = 0; i < 3; i++) {
                const char *p = parts[i].p;
                size_t n = parts[i].n;

                while (n > 0) {
                        ssize_t k = write(w->fd, p, n);
                        if (k < 0) {
                                if (errno == EINTR)
                                        continue;
                                return; /* the parent is gone */
                        }
                        p += k;
                        n -= (size_t) k;
                }
        }
}

void worker_report(void *userdata, ActKind kind, const char *subject, ActOutcome outcome, const char *line) {
        send_record(userdata, RECORD_REPORT, (uint8_t) kind, (uint8_t) outcome, subject, line);
}

void worker_note(Worker *w, WorkerNote note, const char *text, const char *detail) {
        send_record(w, RECORD_NOTE, (uint8_t) note, 0, text, detail);
}
