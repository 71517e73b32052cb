/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "hsos/edge/log.h"
#include "hsos/edge/systemd.h"
#include "hsos/util.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define CALL_TIMEOUT_USEC (30 * 1000000ULL)

static uint64_t now_monotonic(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

static UnitTrack *find_by_path(Systemd *s, const char *path) {
        for (size_t i = 0; i < s->n_units; i++)
                if (streq_ptr(s->units[i].path, path))
                        return &s->units[i];
        return NULL;
}

static void set_str(char **dst, const char *src) {
        char *c = strdup(src);

        if (c) {
                free(*dst);
                *dst = c;
        }
}

/* Reads an a{sv} of unit or service properties into u. */
static int read_properties(sd_bus_message *m, UnitTrack *u) {
        unsigned restarts = u->restarts;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                const char *key, *contents;
                char type;

                r = sd_bus_message_read(m, "s", &key);
                if (r < 0)
                        return r;
                r = sd_bus_message_peek_type(m, &type, &contents);
                if (r < 0)
                        return r;
                if (streq(contents, "s") && (streq(key, "ActiveState") || streq(key, "SubState") || streq(key, "Result"))) {
                        const char *v;
                        r = sd_bus_message_read(m, "v", "s", &v);
                        if (r < 0)
                                return r;
                        set_str(streq(key, "ActiveState") ? &u->active_state :
                                streq(key, "SubState") ? &u->sub_state : &u->result, v);
                } else if (streq(contents, "u") && streq(key, "NRestarts")) {
                        r = sd_bus_message_read(m, "v", "u", &restarts);
                        if (r < 0)
                                return r;
                } else if (streq(contents, "i") && streq(key, "ExecMainStatus")) {
                        r = sd_bus_message_read(m, "v", "i", &u->exit_status);
                        if (r < 0)
                                return r;
                } else {
                        r = sd_bus_message_skip(m, "v");
                        if (r < 0)
                                return r;
                }
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        /* Each restart systemd counted since we last looked, remembered with its time. */
        if (u->known && restarts > u->restarts) {
                uint64_t now = now_monotonic();
                for (unsigned k = u->restarts; k < restarts; k++) {
                        if (u->n_restart_at == RESTART_HISTORY) {
                                memmove(u->restart_at, u->restart_at + 1, sizeof(uint64_t) * (RESTART_HISTORY - 1));
                                u->n_restart_at--;
                        }
                        u->restart_at[u->n_restart_at++] = now;
                }
        }
        u->restarts = restarts;
        return sd_bus_message_exit_container(m);
}

typedef struct Call {
        Systemd *s;
        char *name;
} Call;

static Call *call_new(Systemd *s, const char *name) {
        Call *c = calloc(1, sizeof(Call));

        if (c) {
                c->s = s;
                c->name = strdup(name);
                if (!c->name) {
                        free(c);
                        return NULL;
                }
        }
        return c;
}

static void call_free(void *p) {
        Call *c = p;

        if (c) {
                free(c->name);
                free(c);
        }
}

static int on_properties(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Call *c = userdata;
        UnitTrack *u = systemd_track(c->s, c->name);
        int r;

        (void) ret_error;
        if (!u)
                return 0;
        if (sd_bus_message_is_method_error(reply, NULL)) {
                log_event(LOG_DEBUG, NULL, NULL, "reading %s: %s", c->name, sd_bus_message_get_error(reply)->message);
                return 0;
        }
        r = read_properties(reply, u);
        if (r < 0) {
                log_warning("cannot read the state of %s: %s", c->name, strerror(-r));
                return 0;
        }
        u->known = true;
        if (c->s->changed)
                c->s->changed(c->s->userdata);
        return 0;
}

int systemd_refresh(Systemd *s, UnitTrack *u) {
        static const char * const ifaces[] = { "org.freedesktop.systemd1.Unit", "org.freedesktop.systemd1.Service" };
        int r;

        for (size_t i = 0; i < ELEMENTSOF(ifaces); i++) {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
                Call *c = call_new(s, u->name);
                sd_bus_slot *slot = NULL;

                if (!c)
                        return -ENOMEM;
                r = sd_bus_message_new_method_call(s->bus, &m, SD_DEST, u->path, "org.freedesktop.DBus.Properties",
                                                   "GetAll");
                if (r >= 0)
                        r = sd_bus_message_append(m, "s", ifaces[i]);
                if (r >= 0)
                        r = sd_bus_call_async(s->bus, &slot, m, on_properties, c, CALL_TIMEOUT_USEC);
                if (r < 0) {
                        call_free(c);
                        return r;
                }
                /* The slot owns the call's data, and goes with the bus. */
                sd_bus_slot_set_destroy_callback(slot, call_free);
                sd_bus_slot_set_floating(slot, 1);
        }
        return 0;
}

UnitTrack *systemd_track(Systemd *s, const char *name) {
        UnitTrack *a, *u;

        for (size_t i = 0; i < s->n_units; i++)
                if (streq(s->units[i].name, name))
                        return &s->units[i];
        a = array_grow(s->units, &s->n_units, sizeof(UnitTrack));
        if (!a)
                return NULL;
        s->units = a;
        u = &a[s->n_units - 1];
        u->name = strdup(name);
        if (!u->name || sd_bus_path_encode(SD_PATH "/unit", name, &u->path) < 0) {
                free(u->name);
                s->n_units--;
                return NULL;
        }
        (void) systemd_refresh(s, u);
        return u;
}

static int on_properties_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Systemd *s = userdata;
        UnitTrack *u = find_by_path(s, sd_bus_message_get_path(m));

        (void) ret_error;
        if (u)
                (void) systemd_refresh(s, u);
        return 0;
}

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Systemd *s = userdata;
        const char *job, *unit, *result;
        uint32_t id;
        UnitTrack *u;

        (void) ret_error;
        if (sd_bus_message_read(m, "uoss", &id, &job, &unit, &result) < 0)
                return 0;
        for (size_t i = 0; i < s->n_units; i++) {
                u = &s->units[i];
                if (!streq(u->name, unit))
                        continue;
                u->job_pending = false;
                if (!streq(result, "done"))
                        log_event(LOG_WARNING, MID_UNIT_FAILED, NULL, "%s: its job ended %s", unit, result);
                (void) systemd_refresh(s, u);
        }
        return 0;
}

int systemd_connect(sd_event *e, SystemdChanged changed, void *userdata, Systemd **ret) {
        Systemd *s;
        int r;

        s = calloc(1, sizeof(Systemd));
        if (!s)
                return -ENOMEM;
        s->changed = changed;
        s->userdata = userdata;

        /* The system bus where a D-Bus daemon runs; systemd's own private
         * socket otherwise (root only, as systemctl falls back to it). */
        r = sd_bus_open_system(&s->bus);
        if (r >= 0 && sd_bus_is_bus_client(s->bus) > 0) {
                /* sd_bus_open_system connects lazily: make sure it works. */
                r = sd_bus_call_method(s->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetId", NULL, NULL, "");
                if (r < 0)
                        s->bus = sd_bus_unref(s->bus);
        }
        if (r < 0 || !s->bus) {
                r = sd_bus_new(&s->bus);
                if (r >= 0)
                        r = sd_bus_set_address(s->bus, "unix:path=/run/systemd/private");
                if (r >= 0)
                        r = sd_bus_start(s->bus);
                if (r < 0) {
                        systemd_free(s);
                        return r;
                }
        }
        r = sd_bus_attach_event(s->bus, e, 0);
        if (r >= 0)
                r = sd_bus_match_signal_async(s->bus, &s->match_properties, NULL, NULL, "org.freedesktop.DBus.Properties",
                                              "PropertiesChanged", on_properties_changed, NULL, s);
        if (r >= 0)
                r = sd_bus_match_signal_async(s->bus, &s->match_jobs, NULL, SD_PATH, SD_MANAGER, "JobRemoved",
                                              on_job_removed, NULL, s);
        /* Ask systemd to send the signals at all. */
        if (r >= 0)
                r = sd_bus_call_method_async(s->bus, NULL, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", NULL, NULL, "");
        if (r < 0) {
                systemd_free(s);
                return r;
        }
        *ret = s;
        return 0;
}

Systemd *systemd_free(Systemd *s) {
        if (!s)
                return NULL;
        sd_bus_slot_unref(s->match_properties);
        sd_bus_slot_unref(s->match_jobs);
        sd_bus_flush_close_unref(s->bus);
        for (size_t i = 0; i < s->n_units; i++) {
                UnitTrack *u = &s->units[i];
                free(u->name);
                free(u->path);
                free(u->active_state);
                free(u->sub_state);
                free(u->result);
                free(u->started_content);
        }
        free(s->units);
        free(s);
        return NULL;
}

typedef struct ReloadCall {
        void (*done)(void *userdata, int error);
        void *userdata;
} ReloadCall;

static int on_reload(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        ReloadCall *c = userdata;
        int error = 0;

        (void) ret_error;
        if (sd_bus_message_is_method_error(reply, NULL)) {
                log_error("systemd's reload failed: %s", sd_bus_message_get_error(reply)->message);
                error = -EIO;
        }
        c->done(c->userdata, error);
        return 0;
}

int systemd_reload(Systemd *s, void (*done)(void *userdata, int error), void *userdata) {
        ReloadCall *c = calloc(1, sizeof(ReloadCall));
        sd_bus_slot *slot = NULL;
        int r;

        if (!c)
                return -ENOMEM;
        c->done = done;
        c->userdata = userdata;
        r = sd_bus_call_method_async(s->bus, &slot, SD_DEST, SD_PATH, SD_MANAGER, "Reload", on_reload, c, "");
        if (r < 0) {
                free(c);
                return r;
        }
        sd_bus_slot_set_destroy_callback(slot, free);
        sd_bus_slot_set_floating(slot, 1);
        return 0;
}

static int on_job_queued(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Call *c = userdata;
        UnitTrack *u = systemd_track(c->s, c->name);

        (void) ret_error;
        if (sd_bus_message_is_method_error(reply, NULL)) {
                log_event(LOG_ERR, MID_UNIT_FAILED, NULL, "%s could not be started: %s", c->name,
                          sd_bus_message_get_error(reply)->message);
                if (u)
                        u->job_pending = false;
        }
        return 0;
}

int systemd_job(Systemd *s, UnitTrack *u, const char *method) {
        Call *c = call_new(s, u->name);
        sd_bus_slot *slot = NULL;
        int r;

        if (!c)
                return -ENOMEM;
        r = sd_bus_call_method_async(s->bus, &slot, SD_DEST, SD_PATH, SD_MANAGER, method, on_job_queued, c, "ss",
                                     u->name, "replace");
        if (r < 0) {
                call_free(c);
                return r;
        }
        sd_bus_slot_set_destroy_callback(slot, call_free);
        sd_bus_slot_set_floating(slot, 1);
        u->job_pending = true;
        return 0;
}

int systemd_unit_job(Systemd *s, const char *name, const char *method, sd_bus_message_handler_t done,
                     void *userdata, sd_bus_slot **ret_slot) {
        return sd_bus_call_method_async(s->bus, ret_slot, SD_DEST, SD_PATH, SD_MANAGER, method, done, userdata, "ss",
                                        name, "replace");
}

int systemd_fill_facts(Systemd *s, Facts *f, uint64_t now_usec) {
        f->have_units = true;
        for (size_t i = 0; i < s->n_units; i++) {
                const UnitTrack *u = &s->units[i];
                unsigned recent = 0;
                int r;

                if (!u->known)
                        continue;
                for (unsigned k = 0; k < u->n_restart_at; k++)
                        if (now_usec - u->restart_at[k] <= CRASH_WINDOW_USEC)
                                recent++;
                r = facts_add_unit(f, u->name, u->active_state, u->sub_state, u->result, u->restarts, recent,
                                   u->exit_status);
                if (r < 0)
                        return r;
        }
        return 0;
}
