/* SPDX-License-Identifier: MIT */
#pragma once

/* The Manager owns the daemon: one sd_event loop, every event source (signals,
 * the watchdog, timers, the bus, netlink, uevents, the mount table, inotify,
 * the status socket). When a fact changes the plan is made again and only the
 * difference is acted on. */

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "hsos/action.h"
#include "hsos/config.h"
#include "hsos/edge/firewall.h"
#include "hsos/edge/status-server.h"
#include "hsos/edge/systemd.h"
#include "hsos/facts.h"
#include "hsos/probe.h"
#include "hsos/plan.h"
#include "hsos/status.h"
#include "nethelper.h"
#include "worker.h"

#define UNIT_DIR ACTION_UNIT_DIR

typedef struct Manager {
        sd_event *event;
        char *config_path;
        Config *config;            /* NULL: node.json was invalid at boot */
        Config *retired_config;    /* replaced by a reload; m->plan still points into it */
        char **config_errors;
        bool reload_refused;
        char config_sha256[65];
        Systemd *systemd;          /* NULL: systemd cannot be reached (units not applied) */
        StatusServer *status_server;
        Facts *facts;
        Plan *plan;
        char *status_json;
        NodeState state;
        bool state_logged;
        bool evaluated;
        bool ready;
        bool reload_pending;
        uint64_t started_at_usec;
        char **created_secrets;
        char **problems;           /* from the last evaluation: what could not be done */
        char **next_problems;      /* gathered from the running disk work */
        char *worker_facts;        /* the disk's facts (JSON) the running disk work sent last */
        struct Worker *worker;     /* the disk work running in a child, or NULL */
        uint64_t config_generation; /* counts reloads */
        uint64_t worker_generation; /* the config's the running work was started for */
        WorkerLimits worker_limits; /* WORKER_SLOW_USEC, WORKER_MAX_USEC */
        bool evaluate_again;       /* something changed while it ran */
        unsigned node_changes;     /* NodeChange bits of the disk work, until an evaluation acts on them */
        char **present_dirs;       /* on the way to the secrets, there (the last disk work's) */
        char **next_present_dirs;  /* gathered from the running disk work */
        char **watched_dirs;       /* where missing secrets are watched for */
        char **unit_states;        /* "geth.service=blocked", for logging transitions */
        int uevent_fd, rtnl_fd, mountinfo_fd, inotify_fd;
        uint64_t last_full_usec;   /* CLOCK_MONOTONIC of the timer's last full evaluation */
        sd_event_source *defer, *timer, *uevent, *rtnl, *mountinfo, *inotify;
        sd_event_source *sig_term, *sig_int, *sig_hup;
        /* the clients' health */
        ProbeRound *round;         /* the questions (asked by the network helper) */
        HealthBoard *board;        /* the answers, judged here */
        uint64_t probe_seq;        /* the newest round asked */
        sd_event_source *probe_timer;
        /* the team's view */
        NetHelper *net;            /* probes and the controller: unprivileged, apart */
        char *config_text;         /* node.json as loaded, for the helper */
        char *machine_id;
        char *change_key;          /* what the controller last heard about */
        FirewallState firewall;    /* the ruleset loaded last (left in place at exit) */
} Manager;

int manager_new(const char *config_path, Manager **ret);
Manager *manager_free(Manager *m);
int manager_run(Manager *m);
