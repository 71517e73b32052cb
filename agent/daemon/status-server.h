/* SPDX-License-Identifier: MIT */
#pragma once

/* The status socket: a client connects, sends "status" and a newline, and
 * gets the status document (JSON) back, then the connection closes. Every
 * request has a size limit and a deadline; a slow or silent client holds
 * only its own connection, never the loop or another client. */

#include <systemd/sd-event.h>

#define STATUS_REQUEST_MAX 1024
#define STATUS_DEADLINE_USEC (5 * 1000000ULL)
#define STATUS_CONNECTIONS_MAX 64

/* Hands out a copy of the current document. */
typedef int (*StatusDocumentFunc)(void *userdata, char **ret_json);

typedef struct StatusServer StatusServer;

/* Listens on path (mode 0660, group `group` when it exists, 0600 otherwise). */
int status_server_new(sd_event *e, const char *path, const char *group, StatusDocumentFunc get, void *userdata,
                      StatusServer **ret);
StatusServer *status_server_free(StatusServer *s);
