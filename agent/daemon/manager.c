/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <inttypes.h>
#include <dirent.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "hsos/cleanup.h"
#include "hsos/cli.h"
#include "hsos/action.h"
#include "hsos/edge/act.h"
#include "hsos/edge/applied.h"
#include "hsos/edge/execute.h"
#include "hsos/edge/facts-system.h"
#include "hsos/edge/files.h"
#include "hsos/edge/links.h"
#include "hsos/edge/log.h"
#include "hsos/edge/system.h"
#include "hsos/edge/uevent.h"
#include "hsos/metrics.h"
#include "hsos/edge/spawn.h"
#include "hsos/sha256.h"
#include "hsos/util.h"
#include "hsos/version.h"
#include "manager.h"
#include "worker.h"

static void manager_schedule(Manager *m);
static void manager_start_units(Manager *m);
static void manager_ready(Manager *m);

/* ---- node.json ---- */

/* Loads node.json; on invalid content keeps the errors. 0 valid, -EINVAL
 * invalid, -errno unreadable. */
static int load_config(const char *path, Config **ret, char ***ret_errors, char sha[65], char **ret_text) {
        _cleanup_free_ char *data = NULL;
        size_t size;
        int r;

        r = read_file_capped(path, CONFIG_SIZE_MAX, &data, &size);
        if (r < 0) {
                char **l = NULL;
                if (strv_extendf(&l, "file: cannot read %s: %s", path, strerror(-r)) < 0)
                        return -ENOMEM;
                *ret_errors = l;
                return -EINVAL;
        }
        sha256_hex(data, size, sha);
        r = config_parse(data, size, ret, ret_errors);
        if (r >= 0 && ret_text)
                *ret_text = TAKE_PTR(data);
        return r;
}

/* ---- reports from the disk work, to the journal ---- */

static void journal_report(void *userdata, ActKind kind, const char *subject, ActOutcome outcome, const char *line) {
        int priority = outcome == ACT_FAILED ? LOG_ERR : outcome == ACT_WAITING ? LOG_WARNING : LOG_INFO;
        _cleanup_free_ char *field = NULL;
        const char *mid = NULL;

        (void) userdata;
        switch (kind) {
        case ACT_MOUNT:
                mid = outcome == ACT_FAILED ? MID_MOUNT_FAILED : MID_MOUNT_DONE;
                if (asprintf(&field, "HSOS_MOUNT=%s", subject) < 0)
                        return;
                break;
        case ACT_SECRET:
                mid = outcome == ACT_CREATED ? MID_SECRET_CREATED : NULL;
                break;
        case ACT_UNIT:
                /* "geth.service started" */
                if (asprintf(&field, "HSOS_UNIT=%s", subject) < 0)
                        return;
                log_event(priority, outcome == ACT_STARTED ? MID_UNIT_STARTED : NULL, field, "%s %s", subject, line);
                return;
        case ACT_DIR:
        case ACT_NODE:
        case _ACT_KIND_MAX:
                break;
        }
        log_event(priority, mid, field, "%s %s: %s", act_kind_to_string(kind), subject, line);
}

/* ---- facts ---- */

/* What the root process adds to the disk's facts: the links, the machine,
 * the units. */
static int complete_facts(Manager *m, Facts *f) {
        (void) links_read(f);
        (void) system_read(f);
        return m->systemd ? systemd_fill_facts(m->systemd, f, now_usec(CLOCK_MONOTONIC)) : 0;
}

static int gather_facts(Manager *m, Facts **ret) {
        _cleanup_(facts_freep) Facts *f = NULL;
        int r;

        r = facts_from_system(m->config, &f);
        if (r >= 0)
                r = complete_facts(m, f);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(f);
        return 0;
}

/* The facts of a full evaluation: the disk's, as the worker read them when
 * its work was done (the root process does not read devices and mounts
 * itself), with the links, the machine and the units read here. */
static int facts_after_work(Manager *m, Facts **ret) {
        _cleanup_(facts_freep) Facts *f = NULL;
        _cleanup_free_ char *json = TAKE_PTR(m->worker_facts), *error = NULL;
        int r;

        if (!json) {
                log_error("the disk work left no facts: the node is evaluated again at the next event");
                return -ENODATA;
        }
        r = facts_from_json(json, strlen(json), &f, &error);
        if (r < 0) {
                log_error("the disk work's facts are unreadable: %s", strempty(error));
                return r;
        }
        r = complete_facts(m, f);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(f);
        return 0;
}

static void add_spaces(Manager *m) {
        for (size_t i = 0; m->plan && i < m->plan->n_mounts; i++)
                if (m->plan->mounts[i].state == MOUNT_MOUNTED)
                        (void) space_read(m->facts, m->plan->mounts[i].config->where);
}

/* ---- the status ---- */

/* node-exporter's textfile collector reads the node's figures from here:
 * after each evaluation and each probe round, so once or twice an interval. */
static void write_metrics(Manager *m) {
        _cleanup_free_ char *text = NULL, *err = NULL;
        static bool warned;
        int r;

        if (!m->config || isempty(m->config->agent.metrics_textfile) || !m->status_json)
                return;
        r = metrics_from_status(m->status_json, strlen(m->status_json), &text, &err);
        if (r >= 0)
                r = write_file_replace(m->config->agent.metrics_textfile, text, false);
        if (r < 0 && !warned)
                log_error("cannot write the metrics to %s: %s", m->config->agent.metrics_textfile,
                          err ? err : strerror(-r));
        warned = r < 0;
}

static void rebuild_status(Manager *m) {
        _cleanup_strv_free_ char **reasons = NULL;
        _cleanup_free_ char *json = NULL, *key = NULL;
        StatusInput in = {
                .config = m->config,
                .config_errors = m->config_errors,
                .reload_refused = m->reload_refused,
                .plan = m->plan,
                .facts = m->facts,
                .evaluated = m->evaluated,
                .created_secrets = m->created_secrets,
                .problems = m->problems,
                .version = HSOS_VERSION,
                .pid = getpid(),
                .started_at_usec = m->started_at_usec,
                .now_usec = now_usec(CLOCK_REALTIME),
                .config_sha256 = m->config_sha256,
                .health = m->board,
        };
        NodeState state;

        _cleanup_strv_free_ char **problems = strv_copy(m->problems);

        in.firewall = (FirewallStatus) {
                .applied = m->firewall.applied, .rules = m->firewall.rules, .last_error = m->firewall.last_error,
        };
        net_helper_controller(m->net, &in.etcd, &in.http);
        /* The helper down is a problem of the node's (its clients are not asked). */
        if (net_helper_problem(m->net) && strv_extend(&problems, net_helper_problem(m->net)) >= 0)
                in.problems = problems;
        if (worker_is_slow(m->worker) &&
            strv_extendf(&problems, "the disk work (mounts, data dirs, secrets) has been running for %" PRIu64 " min",
                         (now_usec(CLOCK_MONOTONIC) - worker_started_usec(m->worker)) / 60000000) >= 0)
                in.problems = problems;
        if (status_evaluate(&in, &state, &reasons) < 0 || status_build(&in, &json) < 0) {
                log_error("cannot build the status: out of memory");
                return;
        }
        free(m->status_json);
        m->status_json = TAKE_PTR(json);
        /* The controller hears of a change at once, of the rest once a minute. */
        if (status_change_key(m->status_json, &key) >= 0 && !streq_ptr(key, m->change_key)) {
                free(m->change_key);
                m->change_key = TAKE_PTR(key);
                net_helper_status(m->net, m->status_json);
                net_helper_poke(m->net);
        } else
                net_helper_status(m->net, m->status_json);

        if (!m->state_logged || state != m->state) {
                _cleanup_free_ char *field = NULL;
                if (asprintf(&field, "HSOS_STATE=%s", node_state_to_string(state)) >= 0)
                        log_event(state == NODE_OPERATIONAL ? LOG_NOTICE : LOG_WARNING, MID_NODE_STATE, field,
                                  "node state: %s%s%s", node_state_to_string(state), reasons && reasons[0] ? ": " : "",
                                  reasons && reasons[0] ? reasons[0] : "");
                m->state = state;
                m->state_logged = true;
        }
        (void) sd_notifyf(false, "STATUS=%s%s%s", node_state_to_string(state), reasons && reasons[0] ? ": " : "",
                          reasons && reasons[0] ? reasons[0] : "");
}

static int status_document(void *userdata, char **ret) {
        Manager *m = userdata;

        *ret = strdup(m->status_json ? m->status_json : "{\"schema\": \"" STATUS_SCHEMA "\", \"state\": \"starting\"}");
        return *ret ? 0 : -ENOMEM;
}

/* ---- units ---- */

static void on_reloaded(void *userdata, int error) {
        Manager *m = userdata;

        (void) error;
        m->reload_pending = false;
        manager_start_units(m);
}

/* The unit files the plan has, written where they differ; the agent's units
 * the plan no longer has, stopped and removed; systemd reloaded when any
 * changed, and the units started after it (actions_build decides). */
static void apply_units(Manager *m) {
        _cleanup_(applied_done) Applied applied = {};
        _cleanup_(action_list_done) ActionList actions = {};
        ExecContext ctx = {
                .report = journal_report, .userdata = m, .systemd = m->systemd, .unit_dir = UNIT_DIR,
                .reloaded = on_reloaded, .reload_userdata = m,
        };
        int r;

        if (!m->systemd || !m->plan)
                return;
        for (size_t i = 0; i < m->plan->n_units; i++)
                (void) systemd_track(m->systemd, m->plan->units[i].name);
        r = applied_read(m->plan, m->config, ACTIONS_UNIT_FILES, UNIT_DIR, &applied);
        if (r >= 0)
                r = actions_build(m->plan, m->config, m->facts, &applied, ACTIONS_UNIT_FILES, &actions);
        if (r < 0) {
                log_error("cannot tell which unit files to write: %s", strerror(-r));
                return;
        }
        for (size_t i = 0; i < actions.n_actions; i++)
                (void) execute(&actions.actions[i], &ctx);
        if (ctx.reload_asked) {
                m->reload_pending = true;
                return;
        }
        if (!m->reload_pending)
                manager_start_units(m);
}

static const char *remembered_state(Manager *m, const char *name) {
        size_t n = strlen(name);

        STRV_FOREACH(s, m->unit_states)
                if (strncmp(*s, name, n) == 0 && (*s)[n] == '=')
                        return *s + n + 1;
        return NULL;
}

static void remember_state(Manager *m, const char *name, const char *state) {
        size_t n = strlen(name);

        for (char **s = m->unit_states; s && *s; s++)
                if (strncmp(*s, name, n) == 0 && (*s)[n] == '=') {
                        char *c;
                        if (asprintf(&c, "%s=%s", name, state) >= 0) {
                                free(*s);
                                *s = c;
                        }
                        return;
                }
        (void) strv_extendf(&m->unit_states, "%s=%s", name, state);
}

/* Starts what is ready and not running, restarts what changed. An unchanged
 * unit is never restarted; a running one the agent did not start (an agent
 * restarted mid-apply) is adopted as it is. */
static void manager_start_units(Manager *m) {
        _cleanup_(applied_done) Applied applied = {}, applied_users = {};
        _cleanup_(action_list_done) ActionList actions = {};
        ExecContext ctx = { .report = journal_report, .userdata = m, .systemd = m->systemd, .unit_dir = UNIT_DIR };
        int r;

        if (!m->systemd || !m->plan || m->reload_pending)
                return;
        for (size_t i = 0; i < m->plan->n_units; i++) {
                const PlanUnit *pu = &m->plan->units[i];
                UnitTrack *u = systemd_track(m->systemd, pu->name);
                const char *before = remembered_state(m, pu->name), *now = unit_state_to_string(pu->state);
                _cleanup_free_ char *field = NULL;

                if (asprintf(&field, "HSOS_UNIT=%s", pu->name) < 0)
                        return;
                if (!streq_ptr(before, now)) {
                        if (pu->state != UNIT_READY)
                                log_event(LOG_WARNING, MID_UNIT_BLOCKED, field, "%s %s: %s", pu->name, now, pu->reason);
                        else if (before)
                                log_event(LOG_NOTICE, MID_UNIT_RELEASED, field, "%s is released: ready to start",
                                          pu->name);
                        remember_state(m, pu->name, now);
                }
                /* Not tracked (no memory): as systemd not knowing it, nothing is done. */
                if (applied_add_unit(&applied, pu->name, &(UnitSeen) {
                                .known = u && u->known,
                                .job_pending = u && u->job_pending,
                                .active_state = u ? u->active_state : NULL,
                                .started_content = u ? u->started_content : NULL,
                        }) < 0)
                        return;
        }
        /* The users, read from /etc/passwd (the worker creates a missing one). */
        r = applied_read(m->plan, m->config, ACTIONS_UNIT_JOBS, NULL, &applied_users);
        if (r >= 0) {
                applied.users_missing = TAKE_PTR(applied_users.users_missing);
                r = actions_build(m->plan, m->config, m->facts, &applied, ACTIONS_UNIT_JOBS, &actions);
        }
        if (r < 0) {
                log_error("cannot tell which units to start: %s", strerror(-r));
                return;
        }
        for (size_t i = 0; i < actions.n_actions; i++)
                (void) execute(&actions.actions[i], &ctx);
        manager_ready(m);
}

/* A unit's state changed: the status follows, and a unit that became known
 * may be started. */
static void on_units_changed(void *userdata) {
        Manager *m = userdata;
        int r;

        if (!m->facts)
                return;
        /* Only the units' part of the facts is new. */
        facts_clear_units(m->facts);
        r = systemd_fill_facts(m->systemd, m->facts, now_usec(CLOCK_MONOTONIC));
        if (r < 0)
                return;
        manager_start_units(m);
        rebuild_status(m);
}

/* ---- watches: what makes the plan be made again ---- */

/* The directories missing secrets would appear in (JWT decrypted into /run
 * later), as action_watch_dirs decides from what the worker found there:
 * each is watched; one newly watched may have got the file before the
 * watch, so the node is looked at once more. A directory a client can
 * write may be among them: the watch only wakes the evaluation, which reads
 * what it reads safely. */
static void watch_secrets(Manager *m) {
        _cleanup_strv_free_ char **dirs = NULL;
        int r;

        if (!m->plan || m->inotify_fd < 0)
                return;
        r = action_watch_dirs(m->plan, m->present_dirs, &dirs);
        if (r < 0) {
                log_error("cannot tell where to watch for the missing secrets: %s", strerror(-r));
                return;
        }
        STRV_FOREACH(d, dirs) {
                if (inotify_add_watch(m->inotify_fd, *d, IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_ONLYDIR) < 0) {
                        log_warning("cannot watch %s for a missing secret: %m", *d);
                        continue;
                }
                if (!strv_contains(m->watched_dirs, *d) && strv_extend(&m->watched_dirs, *d) >= 0)
                        manager_schedule(m);
        }
}

static int drain(int fd) {
        char buf[8192];

        for (;;) {
                ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
                if (n < 0 && errno == ENOTSOCK)
                        n = read(fd, buf, sizeof buf);
                if (n <= 0)
                        return 0;
        }
}

static int on_fact_event(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Manager *m = userdata;

        (void) s;
        (void) revents;
        if (fd == m->mountinfo_fd) {
                /* The mount table changed: reading it again re-arms the notification. */
                char buf[4096];
                (void) lseek(fd, 0, SEEK_SET);
                while (read(fd, buf, sizeof buf) > 0)
                        ;
        } else
                (void) drain(fd);
        manager_schedule(m);
        return 0;
}

static int watch_fd(Manager *m, int fd, uint32_t events, sd_event_source **ret, const char *what) {
        int r;

        if (fd < 0)
                return fd;
        r = sd_event_add_io(m->event, ret, fd, events, on_fact_event, m);
        if (r < 0)
                return r;
        return sd_event_source_set_description(*ret, what);
}

static int rtnl_subscribe(void) {
        struct sockaddr_nl sa = {
                .nl_family = AF_NETLINK,
                .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE |
                             RTMGRP_IPV6_ROUTE,
        };
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);

        if (fd < 0)
                return -errno;
        if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        return fd;
}

static int setup_watches(Manager *m) {
        bool udev;
        int r;

        /* Subscribe first, then read everything: nothing is missed in between. */
        m->uevent_fd = uevent_open(&udev);
        r = watch_fd(m, m->uevent_fd, EPOLLIN, &m->uevent, "uevent");
        if (r < 0)
                log_warning("cannot watch block devices: %s", strerror(-r));
        m->rtnl_fd = rtnl_subscribe();
        r = watch_fd(m, m->rtnl_fd, EPOLLIN, &m->rtnl, "rtnetlink");
        if (r < 0)
                log_warning("cannot watch links and addresses: %s", strerror(-r));
        m->mountinfo_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
        r = watch_fd(m, m->mountinfo_fd, EPOLLPRI, &m->mountinfo, "mountinfo");
        if (r < 0)
                log_warning("cannot watch the mount table: %s", strerror(-r));
        m->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        r = watch_fd(m, m->inotify_fd, EPOLLIN, &m->inotify, "secrets-inotify");
        if (r < 0)
                log_warning("cannot watch for secrets: %s", strerror(-r));
        return 0;
}

/* sshd reads its changed configuration again (action_sshd_reload decides
 * whether, and which unit runs it, from the facts): through the executor. */
static void reload_sshd(Manager *m, unsigned changes) {
        _cleanup_(action_done) Action a = {};
        ExecContext ctx = { .report = journal_report, .userdata = m, .systemd = m->systemd, .unit_dir = UNIT_DIR };
        int r;

        if (!m->systemd)
                return;
        r = action_sshd_reload(m->facts, changes, &a);
        if (r < 0)
                log_error("cannot tell whether sshd is to be reloaded: %s", strerror(-r));
        if (r > 0)
                (void) execute(&a, &ctx);
}

/* ---- the evaluation ---- */

static int read_facts(void *userdata, Facts **ret) {
        return gather_facts(userdata, ret);
}

/* In the worker, last: the disk's facts as the work left them (devices,
 * mounts, files, executables), for the plan the parent makes next. Read
 * here, so that the root process never maps libblkid and libmount. A secret
 * that could not be created (a full or read-only disk) is a fact of them
 * (createError): it blocks the secret's units, which would start without
 * it; the next evaluation reads the disk afresh and tries again. */
static void send_facts(Worker *w, const Config *c, const Facts *worked) {
        _cleanup_(facts_freep) Facts *f = NULL;
        _cleanup_free_ char *json = NULL;
        int r;

        r = facts_from_system(c, &f);
        for (size_t i = 0; r >= 0 && i < worked->n_files; i++)
                if (worked->files[i].create_error)
                        r = facts_set_create_error(f, worked->files[i].path, worked->files[i].create_error);
        if (r >= 0)
                r = facts_to_json(f, &json);
        if (r < 0) {
                log_error("cannot read the facts after the disk work: %s", strerror(-r));
                return;
        }
        worker_note(w, WORKER_FACTS, json, NULL);
}

/* In the worker, last: which directories on the way to the plan's secrets
 * exist now (stat, as inotify_add_watch follows them too), from each
 * secret's own directory up to the first that exists: where the parent
 * watches for those still missing (action_watch_dirs). */
static void send_present_dirs(Worker *w, const Plan *p) {
        _cleanup_strv_free_ char **sent = NULL;

        for (size_t i = 0; i < p->n_secrets; i++) {
                _cleanup_free_ char *dir = strdup(p->secrets[i].path);
                char *slash;

                while (dir && (slash = strrchr(dir, '/')) && slash != dir) {
                        struct stat st;

                        *slash = 0;
                        if (strv_contains(sent, dir))
                                break;
                        if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
                                continue;
                        if (strv_extend(&sent, dir) < 0)
                                return;
                        worker_note(w, WORKER_DIR_PRESENT, dir, NULL);
                        break;
                }
        }
}

/* In the worker (a forked child): the disk work, from the facts as they are
 * now. Late disks are mounted as soon as they appear; each mount changes the
 * facts, so the plan is made again until nothing is pending. */
static void disk_work(Worker *w, void *userdata) {
        Manager *m = userdata;
        _cleanup_(facts_freep) Facts *f = NULL;
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_strv_free_ char **problems = NULL, **created = NULL;
        _cleanup_free_ bool *tried = NULL;
        _cleanup_(applied_done) Applied applied = {};
        _cleanup_(action_list_done) ActionList actions = {};
        ExecContext ctx = { .report = worker_report, .userdata = w, .created = &created, .problems = &problems };
        ActionScope scope = ACTIONS_DISK;
        unsigned changes = 0;
        int r;

        /* The fork's copies of the status connections would keep each one
         * open for its peer until the work ends: a status asked before the
         * work began would wait for it. */
        status_server_close_fds_in_child(m->status_server);

        tried = calloc(m->config->n_mounts + 1, sizeof(bool));
        if (!tried)
                return;
        r = act_converge_mounts(m->config, read_facts, m, tried, NULL, worker_report, w, &f, &p);
        if (r < 0) {
                log_error("cannot evaluate the node: %s", strerror(-r));
                return;
        }

        /* The machine's identity is the node's only where the agent applies the
         * node (systemd answers): never on a machine it merely plans for. So
         * are the clients' users. */
        if (m->systemd)
                scope |= ACTIONS_NODE | ACTIONS_USERS;
        r = applied_read(p, m->config, scope, NULL, &applied);
        if (r >= 0)
                r = actions_build(p, m->config, f, &applied, scope, &actions);
        if (r < 0) {
                log_error("cannot evaluate the node: %s", strerror(-r));
                return;
        }
        problems = TAKE_PTR(actions.problems);
        ctx.failures = f;
        for (size_t i = 0; i < actions.n_actions; i++) {
                const Action *a = &actions.actions[i];

                if (execute(a, &ctx) < 0)
                        continue;
                /* What the parent decides sshd's reload from. */
                if (a->kind == ACTION_SSHD_DROPIN)
                        changes |= NODE_CHANGED_SSHD_DROPIN;
                else if (a->kind == ACTION_SSH_KEYS)
                        changes |= NODE_CHANGED_SSH_KEYS;
                else if (a->kind == ACTION_CREATE_SECRET && a->secret == SECRET_SSH_HOST_KEY)
                        changes |= NODE_CHANGED_HOST_KEY;
        }
        if (changes) {
                char text[16];

                snprintf(text, sizeof text, "%u", changes);
                worker_note(w, WORKER_NODE_CHANGES, text, NULL);
        }
        act_report_secrets(p, true, worker_report, w);
        STRV_FOREACH(s, problems)
                worker_note(w, WORKER_PROBLEM, *s, NULL);
        STRV_FOREACH(s, created)
                worker_note(w, WORKER_SECRET_CREATED, *s, NULL);
        send_facts(w, m->config, f);
        send_present_dirs(w, p);
}

static void on_worker_note(void *userdata, WorkerNote note, const char *text, const char *detail) {
        Manager *m = userdata;

        (void) detail;
        switch (note) {
        case WORKER_PROBLEM:
                (void) strv_extend(&m->next_problems, text);
                break;
        case WORKER_SECRET_CREATED:
                if (!strv_contains(m->created_secrets, text))
                        (void) strv_extend(&m->created_secrets, text);
                break;
        case WORKER_FACTS:
                free(m->worker_facts);
                m->worker_facts = strdup(text);
                break;
        case WORKER_NODE_CHANGES:
                m->node_changes |= (unsigned) strtoul(text, NULL, 10);
                break;
        case WORKER_DIR_PRESENT:
                if (!strv_contains(m->next_present_dirs, text))
                        (void) strv_extend(&m->next_present_dirs, text);
                break;
        case _WORKER_NOTE_MAX:
                break;
        }
}

static void manager_ready(Manager *m) {
        if (m->ready)
                return;
        m->ready = true;
        (void) sd_notify(false, "READY=1");
}

/* The plan's firewall, loaded when its text changed (or the last load
 * failed); a failure keeps the ruleset before, is logged when it is new,
 * and shows in the status (the node degraded). */
static void apply_firewall(Manager *m) {
        const Firewall *fw = m->plan ? m->plan->firewall : NULL;
        _cleanup_free_ char *before = NULL;
        int r;

        if (!fw)
                return;
        before = m->firewall.last_error ? strdup(m->firewall.last_error) : NULL;
        r = firewall_apply(&m->firewall, fw->ruleset, fw->n_rules);
        if (r > 0)
                log_info("firewall loaded: table inet " FIREWALL_TABLE "%s, %u rules", fw->enabled ? "" : " removed",
                         fw->n_rules);
        else if (r < 0 && !streq_ptr(before, m->firewall.last_error))
                log_error("the firewall was not loaded (the ruleset before stays): %s",
                          m->firewall.last_error ?: strerror(-r));
}

/* The disk work is done: the plan is made from the facts it left, and the
 * units follow. */
static void on_worker_done(void *userdata, int status, bool stopped) {
        Manager *m = userdata;
        _cleanup_(facts_freep) Facts *f = NULL;
        _cleanup_(plan_freep) Plan *p = NULL;
        uint64_t ran = now_usec(CLOCK_MONOTONIC) - worker_started_usec(m->worker);
        int r;

        m->worker = worker_free(m->worker);
        if (stopped) {
                /* Said until a work ends well: the status's problems are the last work's. */
                log_error("the disk work has run for %" PRIu64 " min: stopped; it is tried again at the next evaluation",
                          ran / 60000000);
                (void) strv_extendf(&m->next_problems, "the disk work (mounts, data dirs, secrets) was stopped after "
                                    "running for %" PRIu64 " min; it is tried again at the next evaluation",
                                    ran / 60000000);
        } else if (status != 0)
                log_error("the disk work ended abnormally (%s %d): it is done again at the next evaluation",
                          status < 0 ? "signal" : "exit status", status < 0 ? -status : status);
        strv_free(m->problems);
        m->problems = TAKE_PTR(m->next_problems);
        strv_free(m->present_dirs);
        m->present_dirs = TAKE_PTR(m->next_present_dirs);

        if (m->worker_generation != m->config_generation) {
                /* node.json was reloaded while it ran: the work was the old
                 * config's (a new data dir not made yet). The plan in use
                 * stays; the new config's work comes right after. */
                m->worker_facts = mfree(m->worker_facts);
                m->evaluate_again = false;
                manager_schedule(m);
                return;
        }
        r = facts_after_work(m, &f);
        if (r >= 0)
                r = plan_build(m->config, f, &p);
        if (r < 0)
                log_error("cannot evaluate the node: %s", strerror(-r));
        else {
                facts_free(m->facts);
                m->facts = TAKE_PTR(f);
                plan_free(m->plan);
                m->plan = TAKE_PTR(p);
                m->retired_config = config_free(m->retired_config);
                add_spaces(m);
                watch_secrets(m);
                /* After the facts: they say which unit runs sshd. What
                 * changed is kept until an evaluation gets here. */
                reload_sshd(m, m->node_changes);
                m->node_changes = 0;
                /* The ports closed before the clients that listen on them
                 * start; a firewall that fails to load holds no client back. */
                apply_firewall(m);
                apply_units(m);
                m->evaluated = true;
                rebuild_status(m);
                write_metrics(m);
        }
        if (!m->systemd)
                manager_ready(m);
        /* The evaluation's facts, plans and documents are freed: their
         * pages go back to the kernel, not only those at the heap's top. */
        (void) malloc_trim(0);
        if (m->evaluate_again) {
                m->evaluate_again = false;
                manager_schedule(m);
        }
}

/* The disk work has run for the slow limit: the status says so. */
static void on_worker_slow(void *userdata) {
        Manager *m = userdata;

        log_warning("the disk work (mounts, data dirs, secrets) has run for %" PRIu64 " min and goes on",
                    m->worker_limits.slow_usec / 60000000);
        rebuild_status(m);
}

static void manager_evaluate(Manager *m) {
        static const WorkerCallbacks cb = {
                .report = journal_report,
                .note = on_worker_note,
                .slow = on_worker_slow,
                .done = on_worker_done,
        };
        int r;

        if (m->worker) {
                /* One at a time: what changed meanwhile is seen right after. */
                m->evaluate_again = true;
                return;
        }
        if (!m->config) {
                m->evaluated = true;
                facts_free(m->facts);
                m->facts = facts_new();
                if (m->facts)
                        (void) system_read(m->facts);
                rebuild_status(m);
                manager_ready(m);
                return;
        }
        m->next_problems = strv_free(m->next_problems);
        m->worker_facts = mfree(m->worker_facts);
        m->next_present_dirs = strv_free(m->next_present_dirs);
        r = worker_start(m->event, disk_work, &cb, &m->worker_limits, m, &m->worker);
        if (r < 0) {
                log_error("cannot start the disk work: %s; tried again at the next evaluation", strerror(-r));
                return;
        }
        m->worker_generation = m->config_generation;
}

static int on_defer(sd_event_source *s, void *userdata) {
        Manager *m = userdata;

        (void) s;
        m->defer = sd_event_source_disable_unref(m->defer);
        manager_evaluate(m);
        return 0;
}

/* Many facts change at once (a disk brings several uevents): one evaluation. */
static void manager_schedule(Manager *m) {
        if (m->defer)
                return;
        if (sd_event_add_defer(m->event, &m->defer, on_defer, m) >= 0)
                (void) sd_event_source_set_description(m->defer, "evaluate");
}

/* What changes without an event (memory, load, uptime, the clock, disk space,
 * a crash loop's restarts ageing out of their 5 minutes) is read again every
 * interval; the whole plan is made again on events, and once a minute in
 * case one was missed (block devices are probed then: the costly part). */
static void manager_refresh(Manager *m) {
        if (m->defer || !m->facts || !m->config)
                return; /* a full evaluation is coming, or there is nothing to refresh */
        (void) system_read(m->facts);
        facts_clear_spaces(m->facts);
        add_spaces(m);
        if (m->systemd)
                on_units_changed(m); /* rebuilds the status */
        else
                rebuild_status(m);
        write_metrics(m);
}

#define FULL_EVALUATION_USEC (60ULL * 1000000)

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;
        uint64_t interval = (m->config ? m->config->agent.report_interval_sec : 10) * 1000000ULL;

        if (usec - m->last_full_usec >= FULL_EVALUATION_USEC || !m->facts) {
                m->last_full_usec = usec;
                manager_schedule(m);
        } else
                manager_refresh(m);
        /* A time source fires once: armed again for the next refresh. */
        (void) sd_event_source_set_time_relative(s, interval);
        return sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

/* ---- the clients' health ---- */

/* A round's answers from the helper, judged here (hysteresis on). */
static void on_answers(void *userdata, uint64_t round, ProbeAnswer *answers, const bool *answered_for, size_t n) {
        Manager *m = userdata;

        (void) round;
        if (!m->config || !m->board || n != m->board->n_clients)
                return;
        for (size_t i = 0; i < n; i++)
                if (answered_for[i])
                        health_observe(m->board, i, &answers[i], m->config->network, now_usec(CLOCK_REALTIME), true);
        rebuild_status(m);
        write_metrics(m);
}

/* A client is asked when its unit runs (or, with no systemd to ask, always);
 * one whose unit stopped is forgotten, so it starts afresh when it comes back. */
static bool client_running(Manager *m, Client client) {
        const PlanUnit *u;
        const FactUnit *fu;

        if (!m->systemd)
                return true;
        u = m->plan ? plan_find_client_unit(m->plan, client) : NULL;
        if (!u || u->state != UNIT_READY || !m->facts)
                return false;
        fu = facts_find_unit(m->facts, u->name);
        return fu && (streq_ptr(fu->active_state, "active") || streq_ptr(fu->active_state, "reloading"));
}

static void probe_now(Manager *m) {
        _cleanup_free_ bool *ask = NULL;
        int r;

        if (!m->config || !m->round || !m->board || !m->net || m->round->n_targets == 0)
                return;
        ask = calloc(m->round->n_targets, sizeof(bool));
        if (!ask)
                return;
        for (size_t i = 0; i < m->round->n_targets; i++) {
                ask[i] = client_running(m, m->round->targets[i].client);
                if (!ask[i])
                        health_forget(m->board, i);
        }
        r = net_helper_probe(m->net, ++m->probe_seq, ask, m->round->n_targets);
        if (r < 0 && r != -EBUSY)
                log_error("cannot probe the clients: %s", strerror(-r));
}

static int on_probe_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;

        (void) usec;
        probe_now(m);
        (void) sd_event_source_set_time_relative(s, (m->config ? m->config->agent.report_interval_sec : 10) * 1000000ULL);
        return sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

/* The questions follow node.json; what the clients said carries over. */
static void setup_probes(Manager *m) {
        _cleanup_(probe_round_freep) ProbeRound *round = NULL;
        _cleanup_(health_board_freep) HealthBoard *board = NULL;

        if (!m->config || probe_round_new(m->config, &round) < 0 ||
            health_board_new(round, m->board, &board) < 0) {
                m->round = probe_round_free(m->round);
                m->board = health_board_free(m->board);
                return;
        }
        probe_round_free(m->round);
        m->round = TAKE_PTR(round);
        health_board_free(m->board);
        m->board = TAKE_PTR(board);
}

/* ---- the network helper: probes and the controller ---- */

static void on_net_controller(void *userdata) {
        rebuild_status(userdata);
}

static void on_net_state(void *userdata) {
        rebuild_status(userdata);
}

/* The helper hears node.json (and the controller's files, read here). */
static void configure_net(Manager *m) {
        int r;

        if (!m->net || !m->config || !m->config_text)
                return;
        r = net_helper_configure(m->net, m->config_text, m->config, m->machine_id, m->round ? m->round->n_targets : 0);
        if (r < 0)
                log_error("cannot hand node.json to the network helper: %s", strerror(-r));
}

/* ---- signals ---- */

static int on_hup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;
        _cleanup_strv_free_ char **errors = NULL;
        Config *c = NULL;
        char sha[65];
        int r;

        (void) s;
        (void) si;
        _cleanup_free_ char *text = NULL;

        r = load_config(m->config_path, &c, &errors, sha, &text);
        if (r == -ENOMEM)
                return 0;
        if (r < 0) {
                if (!m->config) {
                        /* Still invalid: the node stays as it was (nothing started). */
                        strv_free(m->config_errors);
                        m->config_errors = TAKE_PTR(errors);
                        rebuild_status(m);
                        return 0;
                }
                log_event(LOG_ERR, MID_CONFIG_REFUSED, NULL, "reload of %s refused: %zu error%s, the node runs as it was",
                          m->config_path, strv_length(errors), strv_length(errors) == 1 ? "" : "s");
                STRV_FOREACH(e, errors)
                        log_event(LOG_ERR, NULL, NULL, "%s", *e);
                strv_free(m->config_errors);
                m->config_errors = TAKE_PTR(errors);
                m->reload_refused = true;
                rebuild_status(m);
                return 0;
        }
        log_event(LOG_NOTICE, MID_CONFIG_LOADED, NULL, "%s reloaded", m->config_path);
        /* The plan in use points into the config it was made from: that one
         * lives until a plan of the new one replaces it. */
        if (m->plan && !m->retired_config)
                m->retired_config = m->config;
        else
                config_free(m->config);
        m->config = c;
        memcpy(m->config_sha256, sha, sizeof sha);
        m->config_errors = strv_free(m->config_errors);
        m->reload_refused = false;
        m->config_generation++;
        free(m->config_text);
        m->config_text = TAKE_PTR(text);
        setup_probes(m);
        configure_net(m);
        manager_schedule(m);
        return 0;
}

static int on_term(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;

        (void) s;
        (void) si;
        (void) sd_notify(false, "STOPPING=1");
        return sd_event_exit(m->event, 0);
}

/* ---- life ---- */

int manager_new(const char *config_path, Manager **ret) {
        _cleanup_strv_free_ char **errors = NULL;
        Manager *m;
        sigset_t mask;
        int r;

        m = calloc(1, sizeof(Manager));
        if (!m)
                return -ENOMEM;
        m->uevent_fd = m->rtnl_fd = m->mountinfo_fd = m->inotify_fd = -EBADF;
        m->worker_limits = (WorkerLimits) { .slow_usec = WORKER_SLOW_USEC, .max_usec = WORKER_MAX_USEC };
        m->started_at_usec = now_usec(CLOCK_REALTIME);
        m->config_path = strdup(config_path);
        if (!m->config_path) {
                manager_free(m);
                return -ENOMEM;
        }

        r = load_config(config_path, &m->config, &errors, m->config_sha256, &m->config_text);
        if (r == -ENOMEM) {
                manager_free(m);
                return r;
        }
        if (r < 0) {
                log_event(LOG_ERR, MID_CONFIG_REFUSED, NULL, "%s is invalid: nothing is mounted or started",
                          config_path);
                STRV_FOREACH(e, errors)
                        log_event(LOG_ERR, NULL, NULL, "%s", *e);
                m->config_errors = TAKE_PTR(errors);
        } else
                log_event(LOG_INFO, MID_CONFIG_LOADED, NULL, "%s loaded (sha256 %s)", config_path, m->config_sha256);

        r = sd_event_default(&m->event);
        if (r < 0) {
                manager_free(m);
                return r;
        }
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        sigaddset(&mask, SIGCHLD); /* the worker's end, through sd-event */
        sigprocmask(SIG_BLOCK, &mask, NULL);
        if ((r = sd_event_add_signal(m->event, &m->sig_term, SIGTERM, on_term, m)) < 0 ||
            (r = sd_event_add_signal(m->event, &m->sig_int, SIGINT, on_term, m)) < 0 ||
            (r = sd_event_add_signal(m->event, &m->sig_hup, SIGHUP, on_hup, m)) < 0) {
                manager_free(m);
                return r;
        }
        /* WATCHDOG=1 at half the unit's WatchdogSec=, by sd-event itself. */
        (void) sd_event_set_watchdog(m->event, true);

        r = systemd_connect(m->event, on_units_changed, m, &m->systemd);
        if (r < 0)
                log_warning("systemd cannot be reached (%s): units are planned but not applied", strerror(-r));
        /* Their states, in the facts, say which one runs sshd (action_sshd_reload). */
        for (size_t i = 0; m->systemd && action_sshd_units[i]; i++)
                (void) systemd_track(m->systemd, action_sshd_units[i]);

        r = status_server_new(m->event, m->config ? m->config->agent.status_socket : "/run/hsos-agent/status.sock",
                              "hsos", status_document, m, &m->status_server);
        if (r < 0)
                log_error("cannot serve the status socket: %s", strerror(-r));
        else if (r == 0)
                log_warning("there is no group hsos: the status socket is for root alone");

        (void) setup_watches(m);

        setup_probes(m);
        {
                _cleanup_free_ char *id = NULL;
                size_t size;
                if (read_file_capped("/etc/machine-id", 64, &id, &size) >= 0 && size >= 32) {
                        id[32] = 0;
                        m->machine_id = TAKE_PTR(id);
                }
        }
        {
                static const NetHelperCallbacks cb = {
                        .answers = on_answers,
                        .controller = on_net_controller,
                        .state = on_net_state,
                };
                r = net_helper_new(m->event, m->systemd, &cb, m, &m->net);
                if (r < 0)
                        log_error("cannot start the network helper: %s", strerror(-r));
                configure_net(m);
        }
        /* The first round a second after start, once units are known. */
        r = sd_event_add_time_relative(m->event, &m->probe_timer, CLOCK_MONOTONIC, 1000000, 0, on_probe_timer, m);
        if (r >= 0)
                (void) sd_event_source_set_description(m->probe_timer, "probe");

        r = sd_event_add_time_relative(m->event, &m->timer, CLOCK_MONOTONIC,
                                       (m->config ? m->config->agent.report_interval_sec : 10) * 1000000ULL, 0,
                                       on_timer, m);
        if (r >= 0)
                (void) sd_event_source_set_description(m->timer, "refresh");
        manager_schedule(m);
        *ret = m;
        return 0;
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;
        worker_free(m->worker);
        status_server_free(m->status_server);
        net_helper_free(m->net);
        probe_round_free(m->round);
        health_board_free(m->board);
        sd_event_source_disable_unref(m->probe_timer);
        systemd_free(m->systemd);
        sd_event_source_disable_unref(m->defer);
        sd_event_source_disable_unref(m->timer);
        sd_event_source_disable_unref(m->uevent);
        sd_event_source_disable_unref(m->rtnl);
        sd_event_source_disable_unref(m->mountinfo);
        sd_event_source_disable_unref(m->inotify);
        sd_event_source_disable_unref(m->sig_term);
        sd_event_source_disable_unref(m->sig_int);
        sd_event_source_disable_unref(m->sig_hup);
        safe_close_fd(m->uevent_fd);
        safe_close_fd(m->rtnl_fd);
        safe_close_fd(m->mountinfo_fd);
        safe_close_fd(m->inotify_fd);
        sd_event_unref(m->event);
        plan_free(m->plan);
        m->plan = NULL;
        config_free(m->config);
        config_free(m->retired_config);
        strv_free(m->config_errors);
        facts_free(m->facts);
        firewall_state_done(&m->firewall); /* the ruleset stays loaded: the node stays protected */
        free(m->status_json);
        strv_free(m->created_secrets);
        strv_free(m->problems);
        strv_free(m->next_problems);
        free(m->worker_facts);
        strv_free(m->unit_states);
        strv_free(m->watched_dirs);
        strv_free(m->present_dirs);
        strv_free(m->next_present_dirs);
        free(m->config_path);
        free(m->config_text);
        free(m->machine_id);
        free(m->change_key);
        free(m);
        return NULL;
}

int manager_run(Manager *m) {
        return sd_event_loop(m->event);
}
