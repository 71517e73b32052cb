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
#include "hsos/edge/status-server.h"
#include "hsos/edge/system.h"
#include "hsos/util.h"

typedef struct Conn Conn;

/* How many connections one uid holds. */
typedef struct UidCount {
        uid_t uid;
        unsigned n;
} UidCount;

struct StatusServer {
        sd_event *event;
        int fd;
        char *path;
        sd_event_source *accept_source;
        sd_event_source *resume_source; /* accepting again after a pause */
        StatusDocumentFunc get;
        void *userdata;
        Conn *oldest, *newest; /* doubly linked, in the order accepted */
        unsigned n_conns;
        UidCount uids[STATUS_CONNECTIONS_MAX]; /* every uid holding a connection */
        unsigned n_uids;
};

struct Conn {
        StatusServer *server;
        int fd;
        uid_t uid;
        sd_event_source *io, *deadline;
        char request[STATUS_REQUEST_MAX];
        size_t request_len;
        char *response; /* set once the request is read */
        size_t response_len, response_off;
        Conn *prev, *next;
};

/* No uid is this one: SO_PEERCRED says 65534 for a uid it cannot map. */
#define UID_NONE ((uid_t) -1)
/* How long accepting pauses when a connection cannot be had (ENOMEM, or
 * EMFILE with no connection of ours to close). */
#define STATUS_ACCEPT_PAUSE_USEC (250 * 1000ULL)
/* Connections accepted at most per wakeup, so the loop goes on to others. */
#define STATUS_ACCEPT_BATCH 64

static UidCount *uid_count(StatusServer *s, uid_t uid) {
        for (unsigned i = 0; i < s->n_uids; i++)
                if (s->uids[i].uid == uid)
                        return &s->uids[i];
        return NULL;
}

static Conn *conn_free(Conn *c) {
        if (!c)
                return NULL;
        if (c->server) {
                StatusServer *s = c->server;
                UidCount *u = uid_count(s, c->uid);

                if (c->prev)
                        c->prev->next = c->next;
                else
                        s->oldest = c->next;
                if (c->next)
                        c->next->prev = c->prev;
                else
                        s->newest = c->prev;
                s->n_conns--;
                if (u && --u->n == 0)
                        *u = s->uids[--s->n_uids];
        }
        sd_event_source_disable_unref(c->io);
        sd_event_source_disable_unref(c->deadline);
        safe_close_fd(c->fd);
        free(c->response);
        free(c);
        return NULL;
}

/* Adds c as the newest; there is room (make_room). */
static void conn_link(StatusServer *s, Conn *c) {
        UidCount *u = uid_count(s, c->uid);

        if (!u) {
                u = &s->uids[s->n_uids++];
                *u = (UidCount) { .uid = c->uid };
        }
        u->n++;
        c->server = s;
        c->prev = s->newest;
        if (s->newest)
                s->newest->next = c;
        else
                s->oldest = c;
        s->newest = c;
        s->n_conns++;
}

/* uid's oldest connection that is still waiting for its request (idle, as
 * a hostile one is); else, every one of them answering, its oldest. */
static Conn *conn_oldest(StatusServer *s, uid_t uid) {
        Conn *any = NULL;

        for (Conn *c = s->oldest; c; c = c->next) {
                if (c->uid != uid)
                        continue;
                if (!c->response)
                        return c;
                if (!any)
                        any = c;
        }
        return any;
}

/* The uid to give up a connection for one of newcomer's: the uid holding
 * the most, newcomer's new one counted; of several, one other than newcomer
 * (its new connection does not cost it an old one while others hold as many),
 * the one holding the oldest connection. */
static uid_t uid_heaviest(StatusServer *s, uid_t newcomer) {
        UidCount *u = uid_count(s, newcomer);
        unsigned most = 0;

        for (unsigned i = 0; i < s->n_uids; i++)
                if (s->uids[i].uid != newcomer && s->uids[i].n > most)
                        most = s->uids[i].n;
        if ((u ? u->n : 0) + 1 > most)
                return newcomer;
        for (Conn *c = s->oldest; c; c = c->next)
                if (c->uid != newcomer && uid_count(s, c->uid)->n == most)
                        return c->uid;
        return newcomer; /* not reached: a uid holds most */
}

/* Room for a connection of uid: over its share, its own oldest goes; the
 * table full, the oldest of the uid holding the most. */
static void make_room(StatusServer *s, uid_t uid) {
        UidCount *u = uid_count(s, uid);

        if (u && u->n >= STATUS_CONNECTIONS_PER_UID)
                conn_free(conn_oldest(s, uid));
        else if (s->n_conns >= STATUS_CONNECTIONS_MAX)
                conn_free(conn_oldest(s, uid_heaviest(s, uid)));
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

static int on_resume(sd_event_source *t, uint64_t usec, void *userdata) {
        StatusServer *srv = userdata;

        (void) t;
        (void) usec;
        (void) sd_event_source_set_enabled(srv->accept_source, SD_EVENT_ON);
        return 0;
}

/* The listening socket stays readable while a client waits: not accepting
 * it, the loop would wake at once again. It sleeps a little instead. */
static void accept_pause(StatusServer *srv) {
        if (sd_event_source_set_time_relative(srv->resume_source, STATUS_ACCEPT_PAUSE_USEC) < 0 ||
            sd_event_source_set_enabled(srv->resume_source, SD_EVENT_ONESHOT) < 0)
                return; /* then it tries again: a wakeup more, never a client less */
        (void) sd_event_source_set_enabled(srv->accept_source, SD_EVENT_OFF);
}

/* One connection: its uid, room for it, its sources. */
static void conn_accept(StatusServer *srv, int cfd) {
        struct ucred cred;
        socklen_t len = sizeof cred;
        Conn *c;
        int r;

        if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || len != sizeof cred) {
                close(cfd); /* a uid is needed for its share */
                return;
        }
        make_room(srv, cred.uid);
        c = calloc(1, sizeof(Conn));
        if (!c) {
                close(cfd);
                return;
        }
        c->fd = cfd;
        c->uid = cred.uid;
        r = sd_event_add_io(srv->event, &c->io, cfd, EPOLLIN, on_conn_io, c);
        if (r >= 0)
                r = sd_event_add_time_relative(srv->event, &c->deadline, CLOCK_MONOTONIC, STATUS_DEADLINE_USEC, 0,
                                               on_deadline, c);
        if (r < 0) {
                conn_free(c);
                return;
        }
        (void) sd_event_source_set_description(c->io, "status-connection");
        (void) sd_event_source_set_description(c->deadline, "status-connection-deadline");
        conn_link(srv, c);
}

static int on_accept(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        StatusServer *srv = userdata;

        (void) s;
        (void) revents;
        for (unsigned i = 0; i < STATUS_ACCEPT_BATCH; i++) {
                int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

                if (cfd >= 0) {
                        conn_accept(srv, cfd);
                        continue;
                }
                switch (errno) {
                case EAGAIN:
                        return 0;
                case EMFILE:
                case ENFILE:
                        /* Out of descriptors: one of ours is given up as the
                         * table's own rule would, or, none held, a pause. */
                        if (!srv->oldest) {
                                accept_pause(srv);
                                return 0;
                        }
                        conn_free(conn_oldest(srv, uid_heaviest(srv, UID_NONE)));
                        break;
                case ENOBUFS:
                case ENOMEM:
                        accept_pause(srv);
                        return 0;
                default:
                        break; /* a client gone already (ECONNABORTED), EINTR */
                }
        }
        return 0;
}

StatusServer *status_server_free(StatusServer *s) {
        if (!s)
                return NULL;
        while (s->oldest)
                conn_free(s->oldest);
        sd_event_source_disable_unref(s->accept_source);
        sd_event_source_disable_unref(s->resume_source);
        safe_close_fd(s->fd);
        if (s->path)
                (void) unlink(s->path);
        free(s->path);
        sd_event_unref(s->event);
        free(s);
        return NULL;
}

void status_server_close_fds_in_child(StatusServer *s) {
        if (!s)
                return;
        for (Conn *c = s->oldest; c; c = c->next)
                c->fd = safe_close_fd(c->fd);
        s->fd = safe_close_fd(s->fd);
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
        g = group ? group_lookup(group) : NULL;
        if (g && (chown(path, 0, g->gr_gid) < 0 || chmod(path, 0660) < 0))
                return -errno;
        if (listen(s->fd, STATUS_BACKLOG) < 0)
                return -errno;
        r = sd_event_add_io(e, &s->accept_source, s->fd, EPOLLIN, on_accept, s);
        if (r < 0)
                return r;
        (void) sd_event_source_set_description(s->accept_source, "status-accept");
        /* Made now, so that pausing needs nothing when memory or descriptors are short. */
        r = sd_event_add_time_relative(e, &s->resume_source, CLOCK_MONOTONIC, STATUS_ACCEPT_PAUSE_USEC, 0, on_resume, s);
        if (r < 0)
                return r;
        (void) sd_event_source_set_enabled(s->resume_source, SD_EVENT_OFF);
        (void) sd_event_source_set_description(s->resume_source, "status-accept-resume");
        *ret = TAKE_PTR(s);
        return g ? 1 : 0;
}
