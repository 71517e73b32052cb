/* SPDX-License-Identifier: MIT */
/* etcd's watch over the HTTP/JSON gateway on sd_event: log in, range, stream
 * the changes, and start again after a break (agent/net/etcd-watch.h). The
 * decisions are the pure core's (include/hsos/etcd-watch.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-event.h>

#include "etcd-watch.h"
#include "hsos/cleanup.h"
#include "hsos/etcd.h"
#include "hsos/util.h"

#define BACKOFF_MIN_MS 250u
#define BACKOFF_MAX_MS 10000u
#define CALL_TIMEOUT_MS 10000u
#define LOGIN_TIMEOUT_MS 60000u   /* bcrypt on a busy etcd (notes/etcd.md) */

typedef enum Phase {
        PHASE_IDLE,
        PHASE_LOGIN,
        PHASE_RANGE,
        PHASE_STREAM,
        PHASE_WAIT,               /* the backoff timer runs */
} Phase;

struct EtcdWatch {
        sd_event *event;
        Http *http;
        char *url, *prefix, *user, *password, *cacert;
        char *shown_url;          /* without user info or query: for messages */
        unsigned backoff_min_ms, backoff_max_ms, backoff_ms;
        EtcdWatchCallbacks cb;
        void *userdata;

        Phase phase;
        HttpRequest *request;
        sd_event_source *timer;
        char *token;
        EtcdWatchCursor cursor;
        EtcdMirror mirror;
        EtcdLines lines;
        int64_t revision;
        bool live;
        uint64_t reloads;
        /* Why the stream's reader broke it off: */
        bool want_reload;
        char *stop_reason;
};

static void watch_begin(EtcdWatch *w);

static void forget_token(EtcdWatch *w) {
        if (w->token)
                explicit_bzero(w->token, strlen(w->token));
        w->token = mfree(w->token);
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        EtcdWatch *w = userdata;

        (void) s;
        (void) usec;
        watch_begin(w);
        return 0;
}

/* Tries again after a pause: now when delay_ms is 0. */
static void schedule(EtcdWatch *w, unsigned delay_ms) {
        int r;

        w->phase = PHASE_WAIT;
        if (!w->timer) {
                r = sd_event_add_time_relative(w->event, &w->timer, CLOCK_MONOTONIC, (uint64_t) delay_ms * 1000, 1000,
                                               on_timer, w);
                if (r >= 0)
                        (void) sd_event_source_set_description(w->timer, "etcd-watch-backoff");
        } else {
                r = sd_event_source_set_time_relative(w->timer, (uint64_t) delay_ms * 1000);
                if (r >= 0)
                        r = sd_event_source_set_enabled(w->timer, SD_EVENT_ONESHOT);
        }
        if (r < 0)
                /* No timer: the loop is failing; let its owner see a quiet watch. */
                w->phase = PHASE_IDLE;
}

/* The watch broke or could not start: say so, and try again after the
 * backoff (with jitter: half of it, plus up to the other half). */
static void fail(EtcdWatch *w, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL, *shown = NULL;
        unsigned delay = w->backoff_ms / 2 + arc4random_uniform(w->backoff_ms / 2 + 1);
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (r >= 0)
                shown = strdup_printable(msg, 400);
        w->live = false;
        w->request = NULL;
        if (w->user)
                forget_token(w);
        w->backoff_ms = w->backoff_ms * 2 > w->backoff_max_ms ? w->backoff_max_ms : w->backoff_ms * 2;
        schedule(w, delay);
        if (w->cb.link)
                w->cb.link(w->userdata, w, shown ?: "out of memory", delay);
}

/* A unary call's answer: 0, or fail()ed (-EIO). */
static int answer_ok(EtcdWatch *w, const HttpResult *res, const char *what) {
        _cleanup_free_ char *msg = NULL;
        int code;

        if (res->error) {
                fail(w, "%s: %s", w->shown_url, res->error);
                return -EIO;
        }
        if (etcd_parse_error(res->body, res->size, &code, &msg) > 0) {
                fail(w, "%s: %s", what, msg);
                return -EIO;
        }
        if (res->status != 200) {
                fail(w, "%s: %s answered HTTP %ld", what, w->shown_url, res->status);
                return -EIO;
        }
        return 0;
}

static int post(EtcdWatch *w, const char *path, const char *body, unsigned timeout_ms, http_done_t done,
                http_stream_t stream) {
        _cleanup_free_ char *url = NULL;
        HttpOptions o = {
                .body = body,
                .content_type = "application/json",
                .authorization = w->token,
                .ca_file = w->cacert,
                .timeout_ms = timeout_ms,
                .max_bytes = ETCD_RESPONSE_SIZE_MAX,
                .use_proxy = true,
                .stream = stream,
        };

        if (asprintf(&url, "%s%s%s", w->url, endswith(w->url, "/") ? "" : "/", path) < 0)
                return -ENOMEM;
        return http_request(w->http, url, &o, done, w, &w->request);
}

/* ---- the stream ---- */

static bool apply(EtcdWatch *w, EtcdWatchResponse *resp) {
        _cleanup_free_ char *why = NULL;
        size_t first = 0;
        int step;

        step = etcd_watch_cursor_step(&w->cursor, resp, &first, &why);
        if (step < 0) {
                w->stop_reason = strdup("out of memory");
                return false;
        }
        switch ((EtcdWatchStep) step) {
        case ETCD_WATCH_STEP_CONTINUE:
                break;
        case ETCD_WATCH_STEP_APPLY:
                for (size_t i = first; i < resp->n_events; i++) {
                        int r;

                        if (w->cb.change)
                                w->cb.change(w->userdata, w, &resp->events[i]);
                        r = etcd_mirror_apply(&w->mirror, &resp->events[i]);
                        if (r < 0) {
                                /* The mirror no longer matches the store: range again (after the backoff). */
                                w->cursor.next = 0;
                                (void) asprintf(&w->stop_reason, "the watched keys exceed %u keys or %u MiB",
                                                ETCD_MIRROR_KEYS_MAX, ETCD_MIRROR_BYTES_MAX / 1024 / 1024);
                                return false;
                        }
                        w->revision = resp->events[i].mod_revision;
                }
                if (w->cb.settled)
                        w->cb.settled(w->userdata, w);
                break;
        case ETCD_WATCH_STEP_RELOAD:
                w->want_reload = true;
                return false;
        case ETCD_WATCH_STEP_RESTART:
                w->stop_reason = TAKE_PTR(why);
                return false;
        case _ETCD_WATCH_STEP_MAX:
        case _ETCD_WATCH_STEP_INVALID:
                break;
        }
        if (resp->created && !w->live) {
                w->live = true;
                w->backoff_ms = w->backoff_min_ms;
                if (w->cb.link)
                        w->cb.link(w->userdata, w, NULL, 0);
        } else if (step == ETCD_WATCH_STEP_CONTINUE && !resp->created && resp->n_events == 0 &&
                   w->cursor.next - 1 > w->revision)
                w->revision = w->cursor.next - 1;   /* progress: nothing changed up to it */
        return true;
}

static bool on_stream(void *userdata, long status, const char *data, size_t size) {
        EtcdWatch *w = userdata;
        const char *line;
        size_t n;
        int r;

        r = etcd_lines_feed(&w->lines, data, size, ETCD_WATCH_LINE_MAX);
        while (r >= 0 && (r = etcd_lines_next(&w->lines, &line, &n)) > 0) {
                _cleanup_free_ char *err = NULL;
                EtcdWatchResponse resp = {};
                bool go_on;
                int code = 0;

                r = etcd_parse_watch_response(line, n, &resp, &code, &err);
                if (r == -EREMOTEIO && code == 16)
                        forget_token(w);
                if (r < 0) {
                        if (r == -ENOMEM || asprintf(&w->stop_reason, "%s%s", err ?: "out of memory",
                                                     status != 200 ? " (not HTTP 200)" : "") < 0)
                                w->stop_reason = NULL;
                        return false;
                }
                go_on = apply(w, &resp);
                etcd_watch_response_done(&resp);
                if (!go_on)
                        return false;
        }
        if (r == -ENOBUFS) {
                (void) asprintf(&w->stop_reason, "a line of etcd's watch is longer than %u bytes",
                                ETCD_WATCH_LINE_MAX);
                return false;
        }
        if (r < 0)
                return false;
        return true;
}

static void on_stream_done(void *userdata, const HttpResult *res) {
        EtcdWatch *w = userdata;
        _cleanup_free_ char *reason = TAKE_PTR(w->stop_reason);
        bool reload = w->want_reload;

        w->request = NULL;
        w->want_reload = false;
        /* An answer that is no stream (an error object) ends without a newline. */
        if (!reason && !reload && w->lines.size > w->lines.start) {
                int code;

                if (etcd_parse_error(w->lines.data + w->lines.start, w->lines.size - w->lines.start, &code,
                                     &reason) > 0 && code == 16)
                        forget_token(w);
        }
        etcd_lines_reset(&w->lines);
        if (reload) {
                /* Compacted: range again now; a failure of that is one as usual. */
                w->live = false;
                schedule(w, 0);
                return;
        }
        if (reason)
                fail(w, "etcd's watch: %s", reason);
        else if (res->error)
                fail(w, "etcd's watch (%s): %s", w->shown_url, res->error);
        else if (res->status != 200)
                fail(w, "etcd's watch: %s answered HTTP %ld", w->shown_url, res->status);
        else
                fail(w, "etcd's watch: %s ended the stream", w->shown_url);
}

static void start_stream(EtcdWatch *w) {
        _cleanup_free_ char *body = NULL;
        int r;

        r = etcd_request_watch_prefix(w->prefix, w->cursor.next, &body);
        if (r < 0) {
                fail(w, "cannot ask for a watch: %s", strerror(-r));
                return;
        }
        etcd_watch_cursor_stream(&w->cursor);
        etcd_lines_reset(&w->lines);
        w->phase = PHASE_STREAM;
        r = post(w, "v3/watch", body, CALL_TIMEOUT_MS, on_stream_done, on_stream);
        if (r < 0)
                fail(w, "cannot start the watch: %s", strerror(-r));
}

/* ---- the range ---- */

static void on_range(void *userdata, const HttpResult *res) {
        _cleanup_free_ char *err = NULL;
        EtcdWatch *w = userdata;
        EtcdKeyValue *kvs = NULL;
        size_t n = 0;
        int64_t rev;
        int r;

        w->request = NULL;
        if (answer_ok(w, res, "etcd's range") < 0)
                return;
        r = etcd_parse_range_at(res->body, res->size, &kvs, &n, &rev, &err);
        if (r < 0) {
                fail(w, "%s", err ?: strerror(-r));
                return;
        }
        r = etcd_mirror_load(&w->mirror, kvs, n);
        if (r == -E2BIG) {
                fail(w, "the keys under the prefix exceed %u keys or %u MiB", ETCD_MIRROR_KEYS_MAX,
                     ETCD_MIRROR_BYTES_MAX / 1024 / 1024);
                return;
        }
        etcd_watch_cursor_loaded(&w->cursor, rev);
        w->revision = rev;
        w->reloads++;
        if (w->cb.reload)
                w->cb.reload(w->userdata, w);
        start_stream(w);
}

static void start_range(EtcdWatch *w) {
        _cleanup_free_ char *body = NULL;
        int r;

        r = etcd_request_range_prefix(w->prefix, &body);
        w->phase = PHASE_RANGE;
        if (r >= 0)
                r = post(w, "v3/kv/range", body, CALL_TIMEOUT_MS, on_range, NULL);
        if (r < 0)
                fail(w, "cannot ask for the range: %s", strerror(-r));
}

/* ---- the login ---- */

static void on_login(void *userdata, const HttpResult *res) {
        _cleanup_free_ char *err = NULL;
        EtcdWatch *w = userdata;
        int r;

        w->request = NULL;
        if (answer_ok(w, res, "etcd's login") < 0)
                return;
        r = etcd_parse_authenticate(res->body, res->size, &w->token, &err);
        if (r < 0) {
                fail(w, "%s", err ?: strerror(-r));
                return;
        }
        watch_begin(w);
}

static void start_login(EtcdWatch *w) {
        _cleanup_free_ char *body = NULL;
        int r;

        w->phase = PHASE_LOGIN;
        r = etcd_request_authenticate(w->user, w->password, &body);
        if (r >= 0)
                r = post(w, "v3/auth/authenticate", body, LOGIN_TIMEOUT_MS, on_login, NULL);
        if (body)
                explicit_bzero(body, strlen(body));
        if (r < 0)
                fail(w, "cannot log in to etcd: %s", strerror(-r));
}

static void watch_begin(EtcdWatch *w) {
        if (w->user && !w->token)
                start_login(w);
        else if (w->cursor.next == 0)
                start_range(w);
        else
                start_stream(w);
}

/* ---- the object ---- */

int etcd_watch_new(sd_event *event, Http *http, const EtcdWatchOptions *o, const EtcdWatchCallbacks *cb,
                   void *userdata, EtcdWatch **ret) {
        EtcdWatch *w;

        if (!event || !http || !o || !o->url || isempty(o->prefix) || !o->user != !o->password ||
            (!startswith(o->url, "http://") && !startswith(o->url, "https://")))
                return -EINVAL;
        w = calloc(1, sizeof *w);
        if (!w)
                return -ENOMEM;
        w->event = sd_event_ref(event);
        w->http = http;
        w->url = strdup(o->url);
        w->prefix = strdup(o->prefix);
        w->user = o->user ? strdup(o->user) : NULL;
        w->password = o->password ? strdup(o->password) : NULL;
        w->cacert = o->cacert ? strdup(o->cacert) : NULL;
        if (!w->url || !w->prefix || (o->user && (!w->user || !w->password)) || (o->cacert && !w->cacert) ||
            url_redact(o->url, &w->shown_url) < 0) {
                etcd_watch_free(w);
                return -ENOMEM;
        }
        w->backoff_min_ms = o->backoff_min_ms ?: BACKOFF_MIN_MS;
        w->backoff_max_ms = o->backoff_max_ms ?: BACKOFF_MAX_MS;
        if (w->backoff_max_ms < w->backoff_min_ms)
                w->backoff_max_ms = w->backoff_min_ms;
        w->backoff_ms = w->backoff_min_ms;
        if (cb)
                w->cb = *cb;
        w->userdata = userdata;
        if (o->start_revision > 0) {
                etcd_watch_cursor_start_at(&w->cursor, o->start_revision);
                w->revision = o->start_revision - 1;
        }
        *ret = w;
        return 0;
}

int etcd_watch_start(EtcdWatch *w) {
        if (!w || w->phase != PHASE_IDLE)
                return -EINVAL;
        schedule(w, 0);
        return w->phase == PHASE_WAIT ? 0 : -ENOMEM;
}

EtcdWatch *etcd_watch_free(EtcdWatch *w) {
        if (!w)
                return NULL;
        http_cancel(w->request);
        sd_event_source_disable_unref(w->timer);
        sd_event_unref(w->event);
        forget_token(w);
        if (w->password)
                explicit_bzero(w->password, strlen(w->password));
        free(w->password);
        free(w->url);
        free(w->shown_url);
        free(w->prefix);
        free(w->user);
        free(w->cacert);
        free(w->stop_reason);
        etcd_mirror_done(&w->mirror);
        etcd_lines_done(&w->lines);
        free(w);
        return NULL;
}

const EtcdMirror *etcd_watch_mirror(const EtcdWatch *w) {
        return &w->mirror;
}

int64_t etcd_watch_revision(const EtcdWatch *w) {
        return w->revision;
}

bool etcd_watch_live(const EtcdWatch *w) {
        return w->live;
}

uint64_t etcd_watch_reloads(const EtcdWatch *w) {
        return w->reloads;
}
