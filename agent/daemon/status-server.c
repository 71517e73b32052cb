/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <systemd/sd-event.h>

#include "hsos/cleanup.h"
#include "hsos/util.h"
#include "status-server.h"

typedef struct Conn Conn;

struct StatusServer {
        sd_event *event;
        int fd;
        char *path;
        sd_event_source *accept_source;
        StatusDocumentFunc get;
        void *userdata;
        Conn *conns;           /* doubly linked */
        unsigned n_conns;
};

struct Conn {
        StatusServer *server;
        int fd;
        sd_event_source *io, *deadline;
        char request[STATUS_REQUEST_MAX];
        size_t request_len;
        char *response;
        size_t response_len, response_off;
        Conn *prev, *next;
};

static Conn *conn_free(Conn *c) {
        if (!c)
                return NULL;
        if (c->server) {
                if (c->prev)
                        c->prev->next = c->next;
                else
                        c->server->conns = c->next;
                if (c->next)
                        c->next->prev = c->prev;
                c->server->n_conns--;
        }
        sd_event_source_disable_unref(c->io);
        sd_event_source_disable_unref(c->deadline);
        safe_close_fd(c->fd);
        free(c->response);
        free(c);
        return NULL;
}

static int on_deadline(sd_event_source *s, uint64_t usec, void *userdata) {
        (void) s;
        (void) usec;
        conn_free(userdata);
        return 0;
}

static int conn_write(Conn *c) {
        while (c->response_off < c->response_len) {
                ssize_t n = send(c->fd, c->response + c->response_off, c->response_len - c->response_off,
                                 MSG_DONTWAIT | MSG_NOSIGNAL);
                if (n < 0) {
                        if (errno == EAGAIN || errno == EINTR)
                                return 0; /* wait for EPOLLOUT */
                        return -errno;
                }
                c->response_off += (size_t) n;
        }
        return 1;
}

static int conn_respond(Conn *c) {
        const char *req = c->request;
        char *doc = NULL;
        int r;

        while (*req == ' ' || *req == '\t')
                req++;
        if (startswith(req, "status") || startswith(req, "{\"request\":\"status\"}") ||
            startswith(req, "{\"request\": \"status\"}"))
                r = c->server->get(c->server->userdata, &doc);
        else
                r = asprintf(&doc, "{\"error\": \"unknown request: send \\\"status\\\" and a newline\"}") < 0 ? -ENOMEM : 0;
        if (r < 0)
                return r;
        if (asprintf(&c->response, "%s\n", doc) < 0) {
                free(doc);
                return -ENOMEM;
        }
        free(doc);
        c->response_len = strlen(c->response);
        return sd_event_source_set_io_events(c->io, EPOLLOUT);
}

static int on_conn_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Conn *c = userdata;
        int r;

        (void) s;
        (void) fd;
        if (c->response) {
                r = conn_write(c);
                if (r != 0)
                        conn_free(c); /* done, or the client went away */
                return 0;
        }
        if (revents & (EPOLLERR | EPOLLHUP) && !(revents & EPOLLIN)) {
                conn_free(c);
                return 0;
        }
        for (;;) {
                ssize_t n = recv(c->fd, c->request + c->request_len, sizeof c->request - 1 - c->request_len,
                                 MSG_DONTWAIT);
                if (n < 0) {
                        if (errno == EAGAIN || errno == EINTR)
                                return 0;
                        conn_free(c);
                        return 0;
                }
                if (n == 0) {
                        conn_free(c); /* closed before a whole request */
                        return 0;
                }
                c->request_len += (size_t) n;
                c->request[c->request_len] = 0;
                if (memchr(c->request, '\n', c->request_len))
                        break;
                if (c->request_len >= sizeof c->request - 1) {
                        conn_free(c); /* larger than any request: not ours */
                        return 0;
                }
        }
        r = conn_respond(c);
        if (r < 0) {
                conn_free(c);
                return 0;
        }
        r = conn_write(c);
        if (r != 0)
                conn_free(c);
        return 0;
}

static int on_accept(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        StatusServer *srv = userdata;
        int cfd, r;
        Conn *c;

        (void) s;
        (void) revents;
        cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (cfd < 0)
                return 0; /* EAGAIN, or a client gone already */
        if (srv->n_conns >= STATUS_CONNECTIONS_MAX) {
                close(cfd); /* bounded: hostile floods cost nothing else */
                return 0;
        }
        c = calloc(1, sizeof(Conn));
        if (!c) {
                close(cfd);
                return 0;
        }
        c->fd = cfd;
        r = sd_event_add_io(srv->event, &c->io, cfd, EPOLLIN, on_conn_io, c);
        if (r >= 0)
                r = sd_event_add_time_relative(srv->event, &c->deadline, CLOCK_MONOTONIC, STATUS_DEADLINE_USEC, 0,
                                               on_deadline, c);
        if (r < 0) {
                conn_free(c);
                return 0;
        }
        (void) sd_event_source_set_description(c->io, "status-connection");
        (void) sd_event_source_set_description(c->deadline, "status-connection-deadline");
        c->server = srv;
        c->next = srv->conns;
        if (srv->conns)
                srv->conns->prev = c;
        srv->conns = c;
        srv->n_conns++;
        return 0;
}

StatusServer *status_server_free(StatusServer *s) {
        if (!s)
                return NULL;
        while (s->conns)
                conn_free(s->conns);
        sd_event_source_disable_unref(s->accept_source);
        safe_close_fd(s->fd);
        if (s->path)
                (void) unlink(s->path);
        free(s->path);
        sd_event_unref(s->event);
        free(s);
        return NULL;
}

static void status_server_freep(StatusServer **s) {
        status_server_free(*s);
}

int status_server_new(sd_event *e, const char *path, const char *group, StatusDocumentFunc get, void *userdata,
                      StatusServer **ret) {
        _cleanup_(status_server_freep) StatusServer *s = NULL;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        _cleanup_free_ char *dir = NULL;
        struct group *g;
        mode_t old;
        int r;

        if (strlen(path) >= sizeof sa.sun_path)
                return -ENAMETOOLONG;
        s = calloc(1, sizeof(StatusServer));
        if (!s)
                return -ENOMEM;
        s->fd = -EBADF;
        s->event = sd_event_ref(e);
        s->get = get;
        s->userdata = userdata;
        s->path = strdup(path);
        dir = strdup(path);
        if (!s->path || !dir)
                return -ENOMEM;
        *strrchr(dir, '/') = 0;
        if (*dir && mkdir(dir, 0755) < 0 && errno != EEXIST)
                return -errno;

        s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (s->fd < 0)
                return -errno;
        memcpy(sa.sun_path, path, strlen(path));
        (void) unlink(path); /* a socket left by a previous run */
        old = umask(0177);
        r = bind(s->fd, (struct sockaddr *) &sa, sizeof sa);
        umask(old);
        if (r < 0)
                return -errno;
        /* Readable by the hsos group, where it exists; by root alone otherwise. */
        g = group ? getgrnam(group) : NULL;
        if (g && (chown(path, 0, g->gr_gid) < 0 || chmod(path, 0660) < 0))
                return -errno;
        if (listen(s->fd, 64) < 0)
                return -errno;
        r = sd_event_add_io(e, &s->accept_source, s->fd, EPOLLIN, on_accept, s);
        if (r < 0)
                return r;
        (void) sd_event_source_set_description(s->accept_source, "status-accept");
        *ret = TAKE_PTR(s);
        return g ? 1 : 0;
}
