/* SPDX-License-Identifier: MIT */
/* hsos-agent fleet serve: libmicrohttpd in "external select" mode on an
 * sd_event loop. MHD's epoll fd is an io source and its next timeout a timer;
 * both call MHD_run(), which never blocks. An /events client is a response
 * fed by a callback: with nothing to send it suspends its connection and
 * returns 0, and fleet_server_update() (or the keep-alive timer) appends to
 * each client's buffer and resumes it. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "fleet-server.h"
#include "hsos/cleanup.h"
#include "hsos/edge/dynlib.h"
#include "hsos/edge/system.h"
#include "hsos/fleet-page.h"
#include "hsos/util.h"

/* What a request may hold (request line and headers; a body is refused):
 * MHD answers a larger one with 431 and closes. */
#define REQUEST_MEMORY_MAX (16u * 1024)
/* An /events client that reads slower than the fleet changes is dropped
 * once this much waits for it. */
#define CLIENT_BACKLOG_MAX (1024u * 1024)

#define MIN(a, b) ((a) < (b) ? (a) : (b))

#define CSP "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " \
            "frame-ancestors 'none'"

/* libmicrohttpd is opened (dlopen) by fleet serve alone. Linked, it was
 * mapped by every hsos-agent-net, the daemon's network helper too, and its
 * constructor initialises the GnuTLS it links (for an HTTPS this server does
 * not use): some 1 MiB of the helper's memory (tests/bench/memory.sh). A
 * packager whose loader does not search the system's directories (Nix)
 * passes its full path. */
#ifndef HSOS_LIBMICROHTTPD
#define HSOS_LIBMICROHTTPD "libmicrohttpd.so.12"
#endif
#define MHD_FUNCTIONS(X)                                                                                   \
        X(MHD_start_daemon) X(MHD_stop_daemon) X(MHD_run) X(MHD_get_timeout) X(MHD_get_daemon_info)        \
        X(MHD_create_response_from_buffer) X(MHD_create_response_from_callback) X(MHD_add_response_header) \
        X(MHD_destroy_response) X(MHD_queue_response) X(MHD_suspend_connection) X(MHD_resume_connection)
#define MHD_MEMBER(f) typeof(f) *f;
typedef struct MhdLib {
        MHD_FUNCTIONS(MHD_MEMBER)
} MhdLib;
#undef MHD_MEMBER
static MhdLib mhd;

/* Opens the library the first time: 0, or -ELIBACC / -ELIBBAD and *ret_error. */
static int mhd_open(char **ret_error) {
#define MHD_SYMBOL(f) { #f, offsetof(MhdLib, f) },
        static const DynlibSymbol symbols[] = { MHD_FUNCTIONS(MHD_SYMBOL) };
#undef MHD_SYMBOL
        static bool loaded;
        char error[256];
        int r;

        r = dynlib_open_once(&loaded, HSOS_LIBMICROHTTPD, "libmicrohttpd12", symbols, ELEMENTSOF(symbols), &mhd,
                             error, sizeof error);
        if (r < 0)
                return (*ret_error = strdup(error)) ? r : -ENOMEM;
        return 0;
}

typedef struct SseClient SseClient;

struct FleetServer {
        sd_event *event;
        sd_event_source *io, *timer, *keepalive;
        struct MHD_Daemon *mhd;
        FleetServerOptions o;
        FleetPage *page;
        FleetNode *nodes;
        size_t n_nodes;
        int (*json_source)(void *userdata, char **ret); /* fleet --json of the fleet now */
        void *json_userdata;
        char *problem;
        SseClient *clients;  /* a doubly linked list */
        bool running;        /* inside MHD_run() */
};

struct SseClient {
        FleetServer *server;
        struct MHD_Connection *connection;
        StrBuf out;
        size_t sent;
        bool suspended, dropped;
        SseClient *prev, *next;
};

static void client_resume(SseClient *c) {
        if (c->suspended) {
                c->suspended = false;
                mhd.MHD_resume_connection(c->connection);
        }
}

/* Queues text for one client (dropping it when it lags too far). */
static void client_push(SseClient *c, const char *text) {
        if (c->dropped)
                return;
        if (c->out.len - c->sent + strlen(text) > CLIENT_BACKLOG_MAX || c->out.err) {
                c->dropped = true;
        } else
                sb_append(&c->out, text);
        client_resume(c);
}

static void server_run(FleetServer *s);

static void push_all(FleetServer *s, const char *text) {
        if (isempty(text))
                return;
        for (SseClient *c = s->clients; c; c = c->next)
                client_push(c, text);
        server_run(s);
}

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max) {
        SseClient *c = cls;
        size_t n;

        (void) pos;
        if (c->dropped)
                return MHD_CONTENT_READER_END_WITH_ERROR;
        if (c->out.len == c->sent) {
                sb_done(&c->out);
                c->sent = 0;
                c->suspended = true;
                mhd.MHD_suspend_connection(c->connection);
                return 0;
        }
        n = MIN(max, c->out.len - c->sent);
        memcpy(buf, c->out.s + c->sent, n);
        c->sent += n;
        return (ssize_t) n;
}

static void sse_free(void *cls) {
        SseClient *c = cls;

        if (c->prev)
                c->prev->next = c->next;
        else
                c->server->clients = c->next;
        if (c->next)
                c->next->prev = c->prev;
        sb_done(&c->out);
        free(c);
}

static bool add_headers(struct MHD_Response *r, const char *type) {
        return mhd.MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type) == MHD_YES &&
               mhd.MHD_add_response_header(r, "Content-Security-Policy", CSP) == MHD_YES &&
               mhd.MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") == MHD_YES &&
               mhd.MHD_add_response_header(r, "Referrer-Policy", "no-referrer") == MHD_YES &&
               mhd.MHD_add_response_header(r, "X-Frame-Options", "DENY") == MHD_YES &&
               mhd.MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store") == MHD_YES;
}

static enum MHD_Result answer(struct MHD_Connection *conn, unsigned status, const char *type, const char *body,
                              enum MHD_ResponseMemoryMode mode) {
        struct MHD_Response *r = mhd.MHD_create_response_from_buffer(strlen(body), (void *) body, mode);
        enum MHD_Result ret;

        if (!r) {
                if (mode == MHD_RESPMEM_MUST_FREE)
                        free((char *) body);
                return MHD_NO;
        }
        if (!add_headers(r, type) ||
            (status == MHD_HTTP_METHOD_NOT_ALLOWED &&
             mhd.MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD") != MHD_YES)) {
                mhd.MHD_destroy_response(r);
                return MHD_NO;
        }
        ret = mhd.MHD_queue_response(conn, status, r);
        mhd.MHD_destroy_response(r);
        return ret;
}

static enum MHD_Result answer_events(FleetServer *s, struct MHD_Connection *conn, bool head) {
        _cleanup_free_ char *first = NULL, *problem = NULL;
        struct MHD_Response *r;
        SseClient *c;
        enum MHD_Result ret;

        if (head)
                return answer(conn, MHD_HTTP_OK, "text/event-stream", "", MHD_RESPMEM_PERSISTENT);
        c = calloc(1, sizeof(SseClient));
        if (!c)
                return MHD_NO;
        c->server = s;
        c->connection = conn;
        /* What the page may have missed since it was rendered: all of it. */
        sb_append(&c->out, "retry: 3000\n\n");
        if (fleet_page_snapshot(s->page, &first) >= 0)
                sb_append(&c->out, first);
        if (fleet_problem_event(s->problem, &problem) >= 0)
                sb_append(&c->out, problem);
        r = mhd.MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, sse_read, c, sse_free);
        if (!r) {
                sb_done(&c->out);
                free(c);
                return MHD_NO;
        }
        c->next = s->clients;
        if (s->clients)
                s->clients->prev = c;
        s->clients = c;
        if (!add_headers(r, "text/event-stream")) {
                mhd.MHD_destroy_response(r);
                return MHD_NO;
        }
        ret = mhd.MHD_queue_response(conn, MHD_HTTP_OK, r);
        mhd.MHD_destroy_response(r);
        return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **req_cls) {
        static int seen;
        FleetServer *s = cls;
        bool head = streq(method, MHD_HTTP_METHOD_HEAD);

        (void) version;
        (void) upload_data;
        if (!streq(method, MHD_HTTP_METHOD_GET) && !head)
                /* Answered before any body is read: MHD closes the connection after. */
                return answer(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
                              "Read-only: GET and HEAD only.\n", MHD_RESPMEM_PERSISTENT);
        if (!*req_cls) {
                /* The headers are in; answer on the next call, once any body shows. */
                *req_cls = &seen;
                return MHD_YES;
        }
        if (*upload_data_size > 0)
                return answer(conn, MHD_HTTP_CONTENT_TOO_LARGE, "text/plain; charset=utf-8",
                              "A GET carries no body.\n", MHD_RESPMEM_PERSISTENT);

        if (streq(url, "/")) {
                char *html = NULL;

                if (fleet_page_html(s->nodes, s->n_nodes, s->problem, now_usec(CLOCK_REALTIME), &html) < 0)
                        return MHD_NO;
                return answer(conn, MHD_HTTP_OK, "text/html; charset=utf-8", html, MHD_RESPMEM_MUST_FREE);
        }
        if (streq(url, "/app.js"))
                return answer(conn, MHD_HTTP_OK, "text/javascript; charset=utf-8", fleet_page_js, MHD_RESPMEM_PERSISTENT);
        if (streq(url, "/style.css"))
                return answer(conn, MHD_HTTP_OK, "text/css; charset=utf-8", fleet_page_css, MHD_RESPMEM_PERSISTENT);
        if (streq(url, "/fleet.json")) {
                /* Made when asked, from the fleet as it is then: not on every
                 * change (2.7 MB for 1,000 nodes, tests/bench/fleet.sh). */
                char *json = NULL;

                if (s->json_source ? s->json_source(s->json_userdata, &json) < 0 : !(json = strdup("[]")))
                        return MHD_NO;
                return answer(conn, MHD_HTTP_OK, "application/json", json, MHD_RESPMEM_MUST_FREE);
        }
        if (streq(url, "/events"))
                return answer_events(s, conn, head);
        return answer(conn, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8", "Not found.\n", MHD_RESPMEM_PERSISTENT);
}

static int on_timer(sd_event_source *src, uint64_t usec, void *userdata);

/* Runs MHD once and sets the timer to MHD's next timeout. */
static void server_run(FleetServer *s) {
        MHD_UNSIGNED_LONG_LONG ms;

        if (s->running)
                return;
        s->running = true;
        (void) mhd.MHD_run(s->mhd);
        s->running = false;
        if (mhd.MHD_get_timeout(s->mhd, &ms) == MHD_YES) {
                (void) sd_event_source_set_time_relative(s->timer, ms * 1000);
                (void) sd_event_source_set_enabled(s->timer, SD_EVENT_ONESHOT);
        } else
                (void) sd_event_source_set_enabled(s->timer, SD_EVENT_OFF);
}

static int on_io(sd_event_source *src, int fd, uint32_t revents, void *userdata) {
        (void) src;
        (void) fd;
        (void) revents;
        server_run(userdata);
        return 0;
}

static int on_timer(sd_event_source *src, uint64_t usec, void *userdata) {
        (void) src;
        (void) usec;
        server_run(userdata);
        return 0;
}

static int on_keepalive(sd_event_source *src, uint64_t usec, void *userdata) {
        FleetServer *s = userdata;

        /* A comment: the browser ignores it, a proxy sees traffic, and a
         * client that went away is found out (its write fails). */
        push_all(s, ": keep-alive\n\n");
        return sd_event_source_set_time(src, usec + s->o.keepalive_sec * UINT64_C(1000000));
}

static int parse_listen(const char *listen, struct sockaddr_storage *ret, socklen_t *ret_len) {
        _cleanup_free_ char *host = NULL;
        const char *colon = strrchr(listen, ':');
        struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM }, *ai;

        if (!colon || colon == listen || !colon[1])
                return -EINVAL;
        if (listen[0] == '[') {
                if (colon[-1] != ']' || colon - listen < 3)
                        return -EINVAL;
                host = strndup(listen + 1, colon - listen - 2);
        } else
                host = strndup(listen, colon - listen);
        if (!host)
                return -ENOMEM;
        if (strspn(colon + 1, "0123456789") != strlen(colon + 1) || strlen(colon + 1) > 5 || atoi(colon + 1) > 65535)
                return -EINVAL;
        if (getaddrinfo(host, colon + 1, &hints, &ai) != 0)
                return -EINVAL;
        memcpy(ret, ai->ai_addr, ai->ai_addrlen);
        *ret_len = ai->ai_addrlen;
        freeaddrinfo(ai);
        return 0;
}

FleetServer *fleet_server_free(FleetServer *s) {
        if (!s)
                return NULL;
        if (s->mhd) {
                /* MHD must not be stopped with a connection suspended. */
                for (SseClient *c = s->clients; c; c = c->next) {
                        c->dropped = true;
                        client_resume(c);
                }
                mhd.MHD_stop_daemon(s->mhd);
        }
        sd_event_source_disable_unref(s->io);
        sd_event_source_disable_unref(s->timer);
        sd_event_source_disable_unref(s->keepalive);
        sd_event_unref(s->event);
        fleet_page_free(s->page);
        fleet_nodes_free(s->nodes, s->n_nodes);
        free(s->problem);
        free(s);
        return NULL;
}

int fleet_server_new(sd_event *event, const FleetServerOptions *o, FleetServer **ret, char **ret_error) {
        _cleanup_free_ FleetServer *s = NULL;
        struct sockaddr_storage sa;
        socklen_t sa_len;
        const union MHD_DaemonInfo *info;
        int r;

        r = mhd_open(ret_error);
        if (r < 0)
                return r;
        r = parse_listen(o->listen, &sa, &sa_len);
        if (r < 0)
                return r == -ENOMEM || asprintf(ret_error, "--listen %s: not ADDRESS:PORT (127.0.0.1:8088, [::1]:8088)",
                                                o->listen) < 0 ? -ENOMEM : r;
        s = calloc(1, sizeof(FleetServer));
        if (!s || !(s->page = fleet_page_new())) {
                if (s)
                        free(s->page);
                return -ENOMEM;
        }
        s->o = *o;
        s->event = sd_event_ref(event);
        (void) sa_len;
        s->mhd = mhd.MHD_start_daemon(MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                                              (sa.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
                                      0, NULL, NULL, on_request, s,
                                      MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &sa,
                                      MHD_OPTION_CONNECTION_LIMIT, (unsigned) o->max_connections,
                                      MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned) o->max_per_ip,
                                      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) o->idle_timeout_sec,
                                      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) REQUEST_MEMORY_MAX,
                                      MHD_OPTION_END);
        if (!s->mhd) {
                r = errno > 0 ? -errno : -EADDRNOTAVAIL;
                sd_event_unref(s->event);
                fleet_page_free(s->page);
                return asprintf(ret_error, "cannot listen on %s: %s", o->listen, strerror(-r)) < 0 ? -ENOMEM : r;
        }
        info = mhd.MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_EPOLL_FD);
        r = info ? sd_event_add_io(event, &s->io, info->epoll_fd, EPOLLIN, on_io, s) : -EIO;
        if (r >= 0)
                r = sd_event_add_time_relative(event, &s->timer, CLOCK_MONOTONIC, 0, 0, on_timer, s);
        if (r >= 0)
                r = sd_event_add_time_relative(event, &s->keepalive, CLOCK_MONOTONIC,
                                               o->keepalive_sec * UINT64_C(1000000), 0, on_keepalive, s);
        if (r >= 0)
                r = sd_event_source_set_enabled(s->keepalive, SD_EVENT_ON);
        if (r < 0) {
                fleet_server_free(TAKE_PTR(s));
                return asprintf(ret_error, "cannot watch the server's sockets: %s", strerror(-r)) < 0 ? -ENOMEM : r;
        }
        (void) sd_event_source_set_description(s->io, "fleet-serve-http");
        (void) sd_event_source_set_description(s->timer, "fleet-serve-http-timeout");
        (void) sd_event_source_set_description(s->keepalive, "fleet-serve-keepalive");
        *ret = TAKE_PTR(s);
        return 0;
}

void fleet_server_set_json_source(FleetServer *s, int (*fn)(void *userdata, char **ret), void *userdata) {
        s->json_source = fn;
        s->json_userdata = userdata;
}

int fleet_server_update(FleetServer *s, const FleetView *v) {
        _cleanup_free_ char *events = NULL;
        FleetNode *nodes = NULL;
        size_t n = 0;
        int r;

        r = fleet_nodes_build(v, &nodes, &n);
        if (r < 0)
                return r;
        r = fleet_page_diff(s->page, nodes, n, &events);
        if (r < 0) {
                fleet_nodes_free(nodes, n);
                return r;
        }
        fleet_nodes_free(s->nodes, s->n_nodes);
        s->nodes = nodes;
        s->n_nodes = n;
        push_all(s, events);
        return 0;
}

int fleet_server_set_problem(FleetServer *s, const char *error) {
        _cleanup_free_ char *shown = NULL, *event = NULL;

        if (streq_ptr(s->problem, error))
                return 0;
        if (error && !(shown = strdup_printable(error, 300)))
                return -ENOMEM;
        if (fleet_problem_event(shown, &event) < 0)
                return -ENOMEM;
        free(s->problem);
        s->problem = TAKE_PTR(shown);
        push_all(s, event);
        return 0;
}
