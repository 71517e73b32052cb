/* SPDX-License-Identifier: MIT */
#pragma once

/* The daemon's side of systemd, over sd-bus (the system bus, or systemd's
 * private socket where no D-Bus daemon runs, as systemctl does). Every call
 * is asynchronous; unit states are kept current from PropertiesChanged. */

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "hsos/facts.h"

#define RESTART_HISTORY 16
#define CRASH_WINDOW_USEC (5 * 60 * 1000000ULL)

typedef struct UnitTrack {
        char *name;
        char *path;              /* its D-Bus object */
        bool known;              /* its state was read at least once */
        char *active_state, *sub_state, *result;
        unsigned restarts;
        int exit_status;
        uint64_t restart_at[RESTART_HISTORY]; /* CLOCK_MONOTONIC of the restarts seen */
        unsigned n_restart_at;
        char *started_content;   /* the unit file as it was when the agent last started it */
        bool job_pending;
} UnitTrack;

typedef void (*SystemdChanged)(void *userdata);

typedef struct Systemd {
        sd_bus *bus;
        sd_bus_slot *match_properties, *match_jobs;
        UnitTrack *units;
        size_t n_units;
        SystemdChanged changed;
        void *userdata;
} Systemd;

int systemd_connect(sd_event *e, SystemdChanged changed, void *userdata, Systemd **ret);
Systemd *systemd_free(Systemd *s);

UnitTrack *systemd_track(Systemd *s, const char *name);
/* Reads a unit's state again (asynchronously). */
int systemd_refresh(Systemd *s, UnitTrack *u);
/* Reload, then done(userdata) (also when it failed: the error is logged). */
int systemd_reload(Systemd *s, void (*done)(void *userdata, int error), void *userdata);
/* StartUnit, RestartUnit or StopUnit, mode "replace"; the job's end is logged. */
int systemd_job(Systemd *s, UnitTrack *u, const char *method);
/* The same for a unit the agent does not track (its network helper): done
 * gets the reply (or the error); unreffing *ret_slot cancels the call. */
int systemd_unit_job(Systemd *s, const char *name, const char *method, sd_bus_message_handler_t done,
                     void *userdata, sd_bus_slot **ret_slot);
/* Copies the known states into the facts (restarts within 5 minutes counted). */
int systemd_fill_facts(Systemd *s, Facts *f, uint64_t now_usec);
