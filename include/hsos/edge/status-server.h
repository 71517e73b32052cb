/* SPDX-License-Identifier: MIT */
#pragma once

/* The status socket, an AF_UNIX stream socket served on sd-event: a client
 * connects, sends "status" and a newline, and gets the status document
 * (JSON) back, then the connection closes. Every request has a size limit
 * and a deadline; a slow or silent client holds only its own connection,
 * never the loop or another client.
 *
 * The connections are shared fairly between uids (SO_PEERCRED): a uid holds
 * at most STATUS_CONNECTIONS_PER_UID, and its next one closes its own
 * oldest; when the table is full, a new connection closes the oldest of the
 * uid holding the most. A uid that holds fewer than another therefore always
 * gets in: one that opens a thousand connections and reopens each as it is
 * closed costs only itself. Root is counted like any uid: it needs no more
 * than its share to be answered, and a root in a container is not trusted
 * more. Out of descriptors (EMFILE), a connection is closed the same way to
 * make room; without one to close, accepting pauses briefly rather than
 * spinning on a socket that stays readable. */

#include <systemd/sd-event.h>

#define STATUS_REQUEST_MAX 1024
#define STATUS_DEADLINE_USEC (5 * 1000000ULL)
#define STATUS_CONNECTIONS_MAX 128
#define STATUS_CONNECTIONS_PER_UID 16
/* The listen backlog (the kernel caps it at net.core.somaxconn, 4096): a
 * client waiting to be accepted costs the daemon no descriptor. */
#define STATUS_BACKLOG 4096

/* Hands out a copy of the current document. */
typedef int (*StatusDocumentFunc)(void *userdata, char **ret_json);

typedef struct StatusServer StatusServer;

/* Listens on path (mode 0660, group `group` when it exists, 0600 otherwise). */
int status_server_new(sd_event *e, const char *path, const char *group, StatusDocumentFunc get, void *userdata,
                      StatusServer **ret);
StatusServer *status_server_free(StatusServer *s);
/* In a forked child of the daemon (the worker): closes its copies of the
 * listening socket and of every connection, touching nothing else (the event
 * loop is the parent's). A connection the parent ends must end for its peer,
 * which reads the answer until EOF, not when the child exits. */
void status_server_close_fds_in_child(StatusServer *s);
