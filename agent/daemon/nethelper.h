/* SPDX-License-Identifier: MIT */
#pragma once

/* The root daemon's side of its network helper (hsos-agent-net child): the
 * helper speaks HTTP to the clients and the controller; root never parses
 * what comes from the network, only the helper's messages (include/hsos/
 * netmsg.h), each checked. The helper runs as the system user hsos-net
 * (nobody where there is none), without capabilities, with no_new_privs, in
 * a view of the file system that is read-only, and adds a system-call filter
 * itself. Two ways to start it, one protocol: under systemd, its own unit
 * (hsos-agent-net.service, sandboxed there), which connects to a socket root
 * listens on for it and whose peer root checks (uid hsos-net, the unit's
 * cgroup); without systemd, forked by root, which drops its privileges and
 * makes its mount namespace read-only before exec. When it exits (or breaks
 * the protocol, and is cut off) it is started again after a backoff (1 s,
 * doubling, at most a minute); meanwhile the status says so. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "hsos/config.h"
#include "hsos/edge/systemd.h"
#include "hsos/netmsg.h"
#include "hsos/probe.h"

typedef struct NetHelper NetHelper;

typedef struct NetHelperCallbacks {
        /* A probe round's answers: answers[i] for answered_for[i]; take them
         * (probe_answer_init what is taken). */
        void (*answers)(void *userdata, uint64_t round, ProbeAnswer *answers, const bool *answered_for, size_t n);
        /* The controllers' state changed. */
        void (*controller)(void *userdata);
        /* The helper stopped or came back (the status follows). */
        void (*state)(void *userdata);
} NetHelperCallbacks;

/* systemd: where it answers (else NULL), the helper is its unit
 * hsos-agent-net.service, which connects to root's /run/hsos-agent/net.sock;
 * forked otherwise (or where systemd has no such unit). */
int net_helper_new(sd_event *e, Systemd *systemd, const NetHelperCallbacks *cb, void *userdata, NetHelper **ret);
NetHelper *net_helper_free(NetHelper *h);

/* node.json's text and the config parsed from it: the controller's files
 * (password, token, CA) are read here, as root, and handed over with it.
 * Sent now and again after every restart of the helper. */
int net_helper_configure(NetHelper *h, const char *node_json, const Config *c, const char *machine_id,
                         size_t n_targets);
/* Starts a probe round; 0 when sent, -EBUSY while a round is out or the
 * helper is not running. */
int net_helper_probe(NetHelper *h, uint64_t round, const bool *ask, size_t n);
/* The newest status document, for the controller (sent when it changed). */
void net_helper_status(NetHelper *h, const char *status_json);
/* The status changed: report soon. */
void net_helper_poke(NetHelper *h);
/* The controllers' state as the helper last said it (strings live until the
 * next message). */
void net_helper_controller(const NetHelper *h, ControllerStatus *ret_etcd, ControllerStatus *ret_http);
/* NULL while the helper runs; otherwise what is wrong, in plain words. */
const char *net_helper_problem(const NetHelper *h);
pid_t net_helper_pid(const NetHelper *h);
