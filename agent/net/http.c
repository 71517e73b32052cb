/* SPDX-License-Identifier: MIT */
/* libcurl's multi-socket API on sd_event: curl says which sockets to watch
 * and when to wake it; the loop tells curl what happened. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <systemd/sd-event.h>

#include "hsos/cleanup.h"
#include "hsos/edge/system.h"
#include "hsos/http.h"
#include "hsos/util.h"

struct HttpRequest {
        Http *http;
        CURL *easy;
        struct curl_slist *headers;
        char *body;             /* the answer, growing */
        size_t size, max;
        bool too_big;
        bool stopped;           /* the stream's reader broke it off */
        http_stream_t stream;
        http_done_t done;
        void *userdata;
        char *url;              /* to keep its secrets out of curl's error text */
        uint64_t started_usec;  /* CLOCK_MONOTONIC, for the observer */
        char errbuf[CURL_ERROR_SIZE];
        HttpRequest *next, *prev;
};

struct Http {
        sd_event *event;
        CURLM *multi;
        sd_event_source *timer;
        HttpRequest *requests;
        size_t n_requests;
        HttpCounters counters;
        http_observer_t observer;
        void *observer_data;
};

static void request_free(HttpRequest *r) {
        Http *h = r->http;

        if (r->prev)
                r->prev->next = r->next;
        else
                h->requests = r->next;
        if (r->next)
                r->next->prev = r->prev;
        h->n_requests--;
        curl_multi_remove_handle(h->multi, r->easy);
        curl_easy_cleanup(r->easy);
        curl_slist_free_all(r->headers);
        free(r->body);
        free(r->url);
        free(r);
}

static void count(Http *h, HttpRequest *r) {
        long sent = 0, headers = 0, connects = 0;
        curl_off_t body = 0;

        (void) curl_easy_getinfo(r->easy, CURLINFO_REQUEST_SIZE, &sent);
        (void) curl_easy_getinfo(r->easy, CURLINFO_HEADER_SIZE, &headers);
        (void) curl_easy_getinfo(r->easy, CURLINFO_SIZE_DOWNLOAD_T, &body);
        (void) curl_easy_getinfo(r->easy, CURLINFO_NUM_CONNECTS, &connects);
        h->counters.requests++;
        h->counters.bytes_sent += (uint64_t) (sent > 0 ? sent : 0);
        h->counters.bytes_received += (uint64_t) (headers > 0 ? headers : 0) + (uint64_t) (body > 0 ? body : 0);
        h->counters.connections += (uint64_t) (connects > 0 ? connects : 0);
}

static void finish(Http *h) {
        CURLMsg *msg;
        int left;

        while ((msg = curl_multi_info_read(h->multi, &left))) {
                HttpRequest *r = NULL;
                HttpResult res = {};
                curl_off_t total = 0;
                char why[CURL_ERROR_SIZE + 64];
                _cleanup_free_ char *shown = NULL;

                if (msg->msg != CURLMSG_DONE)
                        continue;
                (void) curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **) &r);
                if (!r)
                        continue;
                (void) curl_easy_getinfo(r->easy, CURLINFO_TOTAL_TIME_T, &total);
                count(h, r);
                res.latency_ms = (unsigned) (total / 1000);
                res.body = r->body ? r->body : "";
                res.size = r->size;
                /* Also when the answer broke off: its status line came. */
                (void) curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &res.status);
                if (r->stopped)
                        res.error = "broken off by its reader";
                else if (r->too_big) {
                        snprintf(why, sizeof why, "the answer is larger than %zu bytes: cut off", r->max);
                        res.error = why;
                } else if (msg->data.result != CURLE_OK) {
                        const char *e = r->errbuf[0] ? r->errbuf : curl_easy_strerror(msg->data.result);

                        /* curl names the host and port, not the URL; should its text
                         * ever hold the user info or the query, its plain words do. */
                        if (url_secret_in(e, r->url))
                                e = curl_easy_strerror(msg->data.result);
                        /* It may quote the answer: made printable here, once. */
                        shown = strdup_printable(e, CURL_ERROR_SIZE);
                        snprintf(why, sizeof why, "%s", shown ?: curl_easy_strerror(msg->data.result));
                        res.error = why;
                }
                if (h->observer)
                        h->observer(h->observer_data, r->url, &res, now_usec(CLOCK_MONOTONIC) - r->started_usec);
                if (r->done)
                        r->done(r->userdata, &res);
                request_free(r);
        }
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Http *h = userdata;
        int action = 0, running;

        (void) s;
        if (revents & EPOLLIN)
                action |= CURL_CSELECT_IN;
        if (revents & EPOLLOUT)
                action |= CURL_CSELECT_OUT;
        if (revents & (EPOLLERR | EPOLLHUP))
                action |= CURL_CSELECT_ERR;
        (void) curl_multi_socket_action(h->multi, fd, action, &running);
        finish(h);
        return 0;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Http *h = userdata;
        int running;

        (void) s;
        (void) usec;
        (void) curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
        finish(h);
        return 0;
}

/* curl: watch this socket for these events (or no longer). */
static int socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp) {
        Http *h = userp;
        sd_event_source *s = socketp;
        uint32_t events = 0;
        int r;

        (void) easy;
        if (what == CURL_POLL_REMOVE) {
                sd_event_source_disable_unref(s);
                (void) curl_multi_assign(h->multi, fd, NULL);
                return 0;
        }
        if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
                events |= EPOLLIN;
        if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
                events |= EPOLLOUT;
        if (s)
                return sd_event_source_set_io_events(s, events) < 0 ? -1 : 0;
        r = sd_event_add_io(h->event, &s, fd, events, on_io, h);
        if (r < 0)
                return -1;
        (void) sd_event_source_set_description(s, "curl-socket");
        (void) curl_multi_assign(h->multi, fd, s);
        return 0;
}

/* curl: wake me in timeout_ms (-1: never). */
static int timer_cb(CURLM *multi, long timeout_ms, void *userp) {
        Http *h = userp;
        int r;

        (void) multi;
        if (timeout_ms < 0)
                return sd_event_source_set_enabled(h->timer, SD_EVENT_OFF) < 0 ? -1 : 0;
        r = sd_event_source_set_time_relative(h->timer, (uint64_t) timeout_ms * 1000);
        if (r >= 0)
                r = sd_event_source_set_enabled(h->timer, SD_EVENT_ONESHOT);
        return r < 0 ? -1 : 0;
}

static size_t write_cb(char *data, size_t size, size_t nmemb, void *userdata) {
        HttpRequest *r = userdata;
        size_t n = size * nmemb;
        char *b;

        if (r->stream) {
                long status = 0;

                (void) curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
                if (!r->stream(r->userdata, status, data, n)) {
                        r->stopped = true;
                        return 0; /* curl stops with a write error */
                }
                return n;
        }

        if (r->size + n > r->max) {
                r->too_big = true;
                return 0; /* curl stops with a write error */
        }
        b = realloc(r->body, r->size + n + 1);
        if (!b)
                return 0;
        memcpy(b + r->size, data, n);
        r->size += n;
        b[r->size] = 0;
        r->body = b;
        return n;
}

int http_new(sd_event *event, Http **ret) {
        static bool initialized;
        Http *h;
        int r;

        if (!initialized) {
                if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
                        return -EIO;
                initialized = true;
        }
        h = calloc(1, sizeof(Http));
        if (!h)
                return -ENOMEM;
        h->event = sd_event_ref(event);
        h->multi = curl_multi_init();
        if (!h->multi) {
                http_free(h);
                return -ENOMEM;
        }
        r = sd_event_add_time(event, &h->timer, CLOCK_MONOTONIC, 0, 0, on_timer, h);
        if (r < 0) {
                http_free(h);
                return r;
        }
        (void) sd_event_source_set_enabled(h->timer, SD_EVENT_OFF);
        (void) sd_event_source_set_description(h->timer, "curl-timer");
        /* curl's deadlines are in milliseconds: not sd-event's default 250 ms slack. */
        (void) sd_event_source_set_time_accuracy(h->timer, 1000);
        (void) curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
        (void) curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
        (void) curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
        (void) curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
        *ret = h;
        return 0;
}

Http *http_free(Http *h) {
        if (!h)
                return NULL;
        while (h->requests)
                request_free(h->requests);
        if (h->multi)
                curl_multi_cleanup(h->multi);
        sd_event_source_disable_unref(h->timer);
        sd_event_unref(h->event);
        free(h);
        return NULL;
}

int http_request(Http *h, const char *url, const HttpOptions *o, http_done_t done, void *userdata,
                 HttpRequest **ret) {
        HttpRequest *r;
        CURL *e;

        r = calloc(1, sizeof(HttpRequest));
        if (!r)
                return -ENOMEM;
        e = r->easy = curl_easy_init();
        if (!e) {
                free(r);
                return -ENOMEM;
        }
        r->http = h;
        r->url = strdup(url);
        if (!r->url) {
                curl_easy_cleanup(e);
                free(r);
                return -ENOMEM;
        }
        r->done = done;
        r->stream = o->stream;
        r->userdata = userdata;
        r->started_usec = now_usec(CLOCK_MONOTONIC);
        r->max = o->max_bytes ? o->max_bytes : 1024 * 1024;
        r->next = h->requests;
        if (h->requests)
                h->requests->prev = r;
        h->requests = r;
        h->n_requests++;

        if (o->content_type) {
                _cleanup_free_ char *ct = NULL;
                if (asprintf(&ct, "Content-Type: %s", o->content_type) < 0)
                        goto nomem;
                r->headers = curl_slist_append(r->headers, ct);
                if (!r->headers)
                        goto nomem;
        }
        if (o->authorization) {
                _cleanup_free_ char *a = NULL;
                struct curl_slist *l;
                if (asprintf(&a, "Authorization: %s", o->authorization) < 0)
                        goto nomem;
                l = curl_slist_append(r->headers, a);
                explicit_bzero(a, strlen(a));
                if (!l)
                        goto nomem;
                r->headers = l;
        }
        /* No "Expect: 100-continue" round trip on a POST. */
        {
                struct curl_slist *l = curl_slist_append(r->headers, "Expect:");
                if (!l)
                        goto nomem;
                r->headers = l;
        }

        if (curl_easy_setopt(e, CURLOPT_URL, url) != CURLE_OK ||
            curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
            curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
            curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
            curl_easy_setopt(e, o->stream ? CURLOPT_CONNECTTIMEOUT_MS : CURLOPT_TIMEOUT_MS,
                             (long) o->timeout_ms) != CURLE_OK ||
            curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, o->stream ? (curl_off_t) 0 : (curl_off_t) r->max) != CURLE_OK ||
            curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb) != CURLE_OK ||
            curl_easy_setopt(e, CURLOPT_WRITEDATA, r) != CURLE_OK ||
            curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf) != CURLE_OK ||
            curl_easy_setopt(e, CURLOPT_PRIVATE, r) != CURLE_OK ||
            curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers) != CURLE_OK ||
            curl_easy_setopt(e, CURLOPT_USERAGENT, "hsos-agent") != CURLE_OK) {
                request_free(r);
                return -EINVAL;
        }
        if (!o->use_proxy)
                (void) curl_easy_setopt(e, CURLOPT_PROXY, "");
        if (o->stream) {
                /* A quiet stream is normal; a peer gone without a word is found out. */
                (void) curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
                (void) curl_easy_setopt(e, CURLOPT_TCP_KEEPIDLE, 30L);
                (void) curl_easy_setopt(e, CURLOPT_TCP_KEEPINTVL, 10L);
        }
        if (o->ca_pem) {
                struct curl_blob blob = {
                        .data = (void *) o->ca_pem,
                        .len = strlen(o->ca_pem),
                        .flags = CURL_BLOB_COPY,
                };
                (void) curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob);
        } else if (o->ca_file)
                (void) curl_easy_setopt(e, CURLOPT_CAINFO, o->ca_file);
        if (o->body) {
                (void) curl_easy_setopt(e, CURLOPT_POST, 1L);
                (void) curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long) strlen(o->body));
                if (curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, o->body) != CURLE_OK)
                        goto nomem;
        }
        if (curl_multi_add_handle(h->multi, e) != CURLM_OK) {
                request_free(r);
                return -ENOMEM;
        }
        if (ret)
                *ret = r;
        return 0;
nomem:
        request_free(r);
        return -ENOMEM;
}

void http_cancel(HttpRequest *r) {
        if (r)
                request_free(r);
}

void http_counters(const Http *h, HttpCounters *ret) {
        *ret = h->counters;
}

void http_set_observer(Http *h, http_observer_t observer, void *userdata) {
        h->observer = observer;
        h->observer_data = userdata;
}

size_t http_pending(const Http *h) {
        return h->n_requests;
}

int http_run(Http *h) {
        while (h->n_requests > 0) {
                int r = sd_event_run(h->event, UINT64_MAX);
                if (r < 0)
                        return r;
        }
        return 0;
}
