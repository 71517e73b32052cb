/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/mount.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hsos/cleanup.h"
#include "hsos/edge/files.h"
#include "hsos/edge/log.h"
#include "hsos/edge/system.h"
#include "hsos/util.h"
#include "nethelper.h"

#define NET_USER "hsos-net"
/* How systemd runs the helper (initrd-hooks/hsos-agent-net.service), and
 * where root listens for it: a directory of root's. */
#define NET_UNIT "hsos-agent-net.service"
#define NET_RUN_DIR "/run/hsos-agent"
#define NET_SOCKET NET_RUN_DIR "/net.sock"
/* A helper that systemd started but did not connect by then: again. */
#define CONNECT_TIMEOUT_USEC (30ULL * 1000000)
#define BACKOFF_MIN_USEC (1ULL * 1000000)
#define BACKOFF_MAX_USEC (60ULL * 1000000)
#define CA_FILE_MAX (256 * 1024)
/* A helper that ran this long is well again: its backoff and problem go. */
#define HEALTHY_USEC (60ULL * 1000000)

struct NetHelper {
        sd_event *event;
        NetHelperCallbacks cb;
        void *userdata;
        char *exe;
        int fd;
        pid_t pid;
        sd_event_source *io, *child, *restart;
        /* Started as a unit (systemd answers and has the unit): root listens,
         * systemd starts it, it connects. Otherwise forked (no systemd). */
        Systemd *systemd;
        bool unit_mode, unit_seen;
        uid_t net_uid;
        gid_t net_gid;
        int listen_fd;
        sd_event_source *listen_io, *connect_timer;
        sd_bus_slot *job;
        uint64_t backoff_usec;
        uint64_t spawned_usec;     /* CLOCK_MONOTONIC */
        unsigned restarts;
        char *problem;
        char *buf;
        /* what it is told, again after a restart */
        char *config_msg;
        char *status_json;
        size_t n_targets;
        bool etcd_enabled, http_enabled;
        bool probe_out;
        uint64_t probe_round;
        NetController etcd, http;
};

static void spawn(NetHelper *h);
static void stop_listening(NetHelper *h);

static void controller_clear(NetController *c) {
        free(c->last_error);
        *c = (NetController) {};
}

NetHelper *net_helper_free(NetHelper *h) {
        if (!h)
                return NULL;
        if (h->child) {
                (void) sd_event_source_send_child_signal(h->child, SIGKILL, NULL, 0);
                sd_event_source_disable_unref(h->child);
        }
        sd_event_source_disable_unref(h->io);
        sd_event_source_disable_unref(h->restart);
        stop_listening(h);
        sd_bus_slot_unref(h->job);
        safe_close_fd(h->fd);
        sd_event_unref(h->event);
        free(h->exe);
        free(h->problem);
        free(h->buf);
        if (h->config_msg)
                explicit_bzero(h->config_msg, strlen(h->config_msg));
        free(h->config_msg);
        free(h->status_json);
        controller_clear(&h->etcd);
        controller_clear(&h->http);
        free(h);
        return NULL;
}

static void set_problem(NetHelper *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_problem(NetHelper *h, const char *fmt, ...) {
        va_list ap;

        free(h->problem);
        h->problem = NULL;
        if (!fmt)
                return;
        va_start(ap, fmt);
        if (vasprintf(&h->problem, fmt, ap) < 0)
                h->problem = NULL;
        va_end(ap);
}

static int send_text(NetHelper *h, const char *text) {
        if (h->fd < 0)
                return -ENOTCONN;
        if (send(h->fd, text, strlen(text), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
                return -errno;
        return 0;
}

static void schedule_restart(NetHelper *h);

/* The helper is gone (its exit seen, or its connection closed): forget it,
 * say so, start it again after the backoff. */
static void helper_gone(NetHelper *h, const char *what) {
        h->child = sd_event_source_disable_unref(h->child);
        h->io = sd_event_source_disable_unref(h->io);
        h->fd = safe_close_fd(h->fd);
        h->pid = 0;
        h->probe_out = false;
        controller_clear(&h->etcd);
        controller_clear(&h->http);
        h->restarts++;
        set_problem(h, "the network helper (probes, controller) %s; started again (%u time%s so far)", what,
                    h->restarts, h->restarts == 1 ? "" : "s");
        log_error("%s", h->problem ?: "the network helper stopped");
        schedule_restart(h);
        if (h->cb.state)
                h->cb.state(h->userdata);
}

/* The helper broke the protocol: it is not trusted any more. */
static void kill_helper(NetHelper *h, const char *why) {
        log_error("the network helper sent what it must not (%s): stopped, started again", why);
        if (!h->unit_mode) {
                if (h->pid > 0)
                        (void) kill(h->pid, SIGKILL); /* its exit is seen by the child source */
                return;
        }
        /* Its own user's process, which root (without CAP_KILL) does not
         * signal: it loses its socket now, and systemd stops it with the
         * restart the backoff brings. */
        helper_gone(h, "broke the protocol and was cut off");
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        NetHelper *h = userdata;
        _cleanup_free_ char *err = NULL;
        NetMsg m = { .type = _NETMSG_TYPE_INVALID };
        ssize_t k;

        (void) revents;
        k = recv(fd, h->buf, NETMSG_SIZE_MAX + 1, MSG_DONTWAIT);
        if (k < 0 && (errno == EAGAIN || errno == EINTR))
                return 0;
        if (k <= 0) {
                if (h->unit_mode) {
                        helper_gone(h, "closed its connection (" NET_UNIT " stopped)");
                        return 0;
                }
                /* Closed: its exit is seen by the child source. */
                (void) sd_event_source_set_enabled(s, SD_EVENT_OFF);
                return 0;
        }
        if (netmsg_parse_from_helper(h->buf, (size_t) k, h->n_targets, &m, &err) < 0) {
                kill_helper(h, err ? err : "out of memory");
                return 0;
        }
        if (h->problem && now_usec(CLOCK_MONOTONIC) - h->spawned_usec >= HEALTHY_USEC) {
                log_info("the network helper runs again");
                h->backoff_usec = 0;
                set_problem(h, NULL);
                if (h->cb.state)
                        h->cb.state(h->userdata);
        }
        switch (m.type) {
        case NETMSG_ANSWERS:
                if (!h->probe_out || m.round != h->probe_round)
                        break; /* a round from before a reload */
                h->probe_out = false;
                if (h->cb.answers)
                        h->cb.answers(h->userdata, m.round, m.answers, m.answered_for, m.n_targets);
                break;
        case NETMSG_CONTROLLER:
                controller_clear(&h->etcd);
                controller_clear(&h->http);
                h->etcd = m.etcd;
                h->http = m.http;
                m.etcd = m.http = (NetController) {};
                if (h->cb.controller)
                        h->cb.controller(h->userdata);
                break;
        case NETMSG_CONFIG:
        case NETMSG_PROBE:
        case NETMSG_STATUS:
        case NETMSG_POKE:
        case _NETMSG_TYPE_MAX:
        case _NETMSG_TYPE_INVALID:
                break;
        }
        netmsg_done(&m);
        return 0;
}

static int on_restart(sd_event_source *s, uint64_t usec, void *userdata) {
        NetHelper *h = userdata;

        (void) s;
        (void) usec;
        h->restart = sd_event_source_disable_unref(h->restart);
        spawn(h);
        return 0;
}

static void schedule_restart(NetHelper *h) {
        h->backoff_usec = !h->backoff_usec ? BACKOFF_MIN_USEC
                        : h->backoff_usec * 2 > BACKOFF_MAX_USEC ? BACKOFF_MAX_USEC : h->backoff_usec * 2;
        h->restart = sd_event_source_disable_unref(h->restart);
        if (sd_event_add_time_relative(h->event, &h->restart, CLOCK_MONOTONIC, h->backoff_usec, 0, on_restart, h) < 0)
                log_error("cannot schedule the network helper's restart");
}

static int on_child(sd_event_source *s, const siginfo_t *si, void *userdata) {
        NetHelper *h = userdata;
        char what[96];

        (void) s;
        if (si->si_code == CLD_EXITED)
                snprintf(what, sizeof what, "exited with status %d", si->si_status);
        else
                snprintf(what, sizeof what, "was killed by signal %d (%s)", si->si_status, strsignal(si->si_status));
        helper_gone(h, what);
        return 0;
}

/* In the forked child, as root: the helper's sandbox, then exec. Never returns. */
_Noreturn static void exec_helper(const char *exe, int fd) {
        char *argv[] = { (char *) "hsos-agent-net", (char *) "child", NULL };
        static const char * const pass[] = { "PATH", "http_proxy", "https_proxy", "HTTPS_PROXY", "no_proxy",
                                             "NO_PROXY", "all_proxy", "ALL_PROXY" };
        char *envp[ELEMENTSOF(pass) + 2] = {};
        size_t n_env = 0;
        sigset_t none;
        int null, exe_fd;

        sigemptyset(&none);
        (void) sigprocmask(SIG_SETMASK, &none, NULL);
        /* The program is opened now, as root, and run through its fd: the
         * user it runs as need not reach the directory it lies in (a clone
         * in a 0700 directory, or anything root alone may enter). */
        exe_fd = open(exe, O_PATH | O_CLOEXEC);
        if (exe_fd >= 0 && exe_fd < 5)
                exe_fd = fcntl(exe_fd, F_DUPFD_CLOEXEC, 5); /* never 3 or 4, which dup2 fills below */
        if (exe_fd < 0) {
                fprintf(stderr, "hsos-agent: cannot open the network helper %s: %m\n", exe);
                _exit(127);
        }
        if (dup2(fd, 3) < 0 || dup2(exe_fd, 4) < 0) /* 4: not close-on-exec (a script's interpreter reads it) */
                _exit(126);
        null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null >= 0)
                (void) dup2(null, STDIN_FILENO);
        (void) close_range(5, ~0U, 0);

        if (geteuid() == 0) {
                struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID };
                struct passwd *pw = passwd_lookup(NET_USER) ?: passwd_lookup("nobody");

                if (!pw) {
                        fprintf(stderr, "hsos-agent: neither %s nor nobody exists: the network helper does not run as root\n",
                                NET_USER);
                        _exit(126);
                }
                /* Its own view of the file system, read-only all through:
                 * the helper writes nowhere but its socket. */
                if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 ||
                    syscall(SYS_mount_setattr, -1, "/", AT_RECURSIVE, &attr, sizeof attr) < 0) {
                        fprintf(stderr, "hsos-agent: cannot make the network helper's file system read-only: %m\n");
                        _exit(126);
                }
                if (setgroups(0, NULL) < 0 || setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
                    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0) {
                        fprintf(stderr, "hsos-agent: cannot drop to user %s for the network helper: %m\n", pw->pw_name);
                        _exit(126);
                }
        }
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) < 0)
                _exit(126);
        for (size_t i = 0; i < ELEMENTSOF(pass); i++) {
                const char *v = getenv(pass[i]);
                if (v && asprintf(&envp[n_env], "%s=%s", pass[i], v) >= 0)
                        n_env++;
        }
        /* GnuTLS comes with libcurl's librtmp and libldap and is never used
         * (http and https go through OpenSSL), yet initialises itself when
         * loaded (its random pool, its system priorities, p11-kit):
         * told not to, the helper is 1.5 MiB smaller (tests/bench/memory.sh).
         * hsos-agent-net.service says the same. */
        envp[n_env++] = (char *) "GNUTLS_NO_IMPLICIT_INIT=1";
        fexecve(4, argv, envp);
        fprintf(stderr, "hsos-agent: cannot run the network helper %s: %m\n", exe);
        _exit(127);
}

/* The helper is there, on fd (pid, as far as known): it hears its config
 * and the status, as after every restart. */
static int attach(NetHelper *h, int fd, pid_t pid) {
        int size = 4 * NETMSG_SIZE_MAX, r;

        /* A config with its CA file is one message: room for the largest. */
        if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) < 0)
                (void) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
        r = sd_event_add_io(h->event, &h->io, fd, EPOLLIN, on_io, h);
        if (r < 0)
                return r;
        (void) sd_event_source_set_description(h->io, "net-helper-io");
        h->fd = fd;
        h->pid = pid;
        h->spawned_usec = now_usec(CLOCK_MONOTONIC);
        if (h->config_msg && send_text(h, h->config_msg) < 0)
                log_error("cannot hand the network helper its config: %s", strerror(errno));
        if (h->status_json) {
                _cleanup_free_ char *msg = NULL;
                if (netmsg_status(h->status_json, &msg) >= 0)
                        (void) send_text(h, msg);
        }
        /* Up again: the problem stays until it has run a while (the backoff
         * is forgiven after a minute of life). */
        if (h->restarts > 0 && h->cb.state)
                h->cb.state(h->userdata);
        return 0;
}

static void spawn_fork(NetHelper *h) {
        int sv[2] = { -EBADF, -EBADF }, r;
        pid_t pid;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
                set_problem(h, "cannot start the network helper: %s", strerror(errno));
                schedule_restart(h);
                return;
        }
        pid = fork();
        if (pid < 0) {
                set_problem(h, "cannot start the network helper: %s", strerror(errno));
                close(sv[0]);
                close(sv[1]);
                schedule_restart(h);
                return;
        }
        if (pid == 0)
                exec_helper(h->exe, sv[1]);
        close(sv[1]);
        r = sd_event_add_child(h->event, &h->child, pid, WEXITED, on_child, h);
        if (r >= 0)
                r = attach(h, sv[0], pid);
        if (r < 0) {
                (void) kill(pid, SIGKILL);
                (void) waitpid(pid, NULL, 0);
                h->child = sd_event_source_disable_unref(h->child);
                safe_close_fd(sv[0]);
                h->pid = 0;
                set_problem(h, "cannot watch the network helper: %s", strerror(-r));
                schedule_restart(h);
                return;
        }
        (void) sd_event_source_set_description(h->child, "net-helper");
}

static void stop_listening(NetHelper *h) {
        h->listen_io = sd_event_source_disable_unref(h->listen_io);
        h->connect_timer = sd_event_source_disable_unref(h->connect_timer);
        if (h->listen_fd >= 0) {
                h->listen_fd = safe_close_fd(h->listen_fd);
                (void) unlink(NET_SOCKET);
        }
}

/* The unit did not start or did not connect: as a helper that died. */
static void unit_failed(NetHelper *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void unit_failed(NetHelper *h, const char *fmt, ...) {
        _cleanup_free_ char *what = NULL;
        va_list ap;

        stop_listening(h);
        h->job = sd_bus_slot_unref(h->job);
        va_start(ap, fmt);
        if (vasprintf(&what, fmt, ap) < 0)
                what = NULL;
        va_end(ap);
        helper_gone(h, what ?: "did not start");
}

/* Whether pid runs in the helper's unit (its cgroup, which only systemd
 * sets): read from /proc as root, for a peer that already connected. */
static bool pid_in_unit(pid_t pid) {
        _cleanup_free_ char *text = NULL;
        char path[64];
        size_t size;

        snprintf(path, sizeof path, "/proc/%d/cgroup", (int) pid);
        if (read_file_capped(path, 64 * 1024, &text, &size) < 0)
                return false;
        for (char *line = text, *end; line && *line; line = end ? end + 1 : NULL) {
                size_t n;

                end = strchr(line, '\n');
                n = end ? (size_t) (end - line) : strlen(line);
                if (n > strlen("/" NET_UNIT) && memcmp(line + n - strlen("/" NET_UNIT), "/" NET_UNIT, strlen("/" NET_UNIT)) == 0)
                        return true;
        }
        return false;
}

static int on_accept(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        NetHelper *h = userdata;
        struct ucred cred = {};
        socklen_t len = sizeof cred;
        int c, r;

        (void) s;
        (void) revents;
        c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0)
                return 0;
        /* Only hsos-net may connect (the socket's mode); checked all the
         * same, and that it is the unit's process and not another of hsos-net's. */
        if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != h->net_uid || cred.pid <= 0 ||
            !pid_in_unit(cred.pid)) {
                log_warning("refused a connection to %s from pid %d, uid %u: not %s's process as %s", NET_SOCKET,
                            (int) cred.pid, (unsigned) cred.uid, NET_UNIT, NET_USER);
                close(c);
                return 0;
        }
        /* One connection: the next helper gets a new socket. */
        stop_listening(h);
        h->unit_seen = true;
        r = attach(h, c, cred.pid);
        if (r < 0) {
                close(c);
                unit_failed(h, "could not be watched: %s", strerror(-r));
        }
        return 0;
}

static int on_connect_timeout(sd_event_source *s, uint64_t usec, void *userdata) {
        NetHelper *h = userdata;

        (void) s;
        (void) usec;
        unit_failed(h, "did not connect to " NET_SOCKET " within %llu s (" NET_UNIT ")",
                    (unsigned long long) (CONNECT_TIMEOUT_USEC / 1000000));
        return 0;
}

static int on_job(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        NetHelper *h = userdata;
        const sd_bus_error *e;

        (void) ret_error;
        h->job = sd_bus_slot_unref(h->job);
        if (!sd_bus_message_is_method_error(reply, NULL))
                return 0; /* queued: it connects, or the timer fires */
        e = sd_bus_message_get_error(reply);
        if (!h->unit_seen && sd_bus_error_has_name(e, "org.freedesktop.systemd1.NoSuchUnit")) {
                /* systemd answers but has no such unit: as without systemd. */
                log_warning("systemd has no %s (%s): the network helper is forked instead", NET_UNIT,
                            e->message ?: e->name);
                stop_listening(h);
                h->unit_mode = false;
                spawn_fork(h);
                return 0;
        }
        unit_failed(h, "could not be started: %s", e->message ?: e->name);
        return 0;
}

/* Root's socket for the helper: root's, of group hsos-net, 0660; made anew
 * for each start. */
static int listen_for_helper(NetHelper *h) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = NET_SOCKET };
        struct stat st;
        int fd, r;

        if (mkdir(NET_RUN_DIR, 0755) < 0 && errno != EEXIST)
                return -errno;
        /* Nobody but root may put anything there: the paths below are
         * followed by name. */
        if (lstat(NET_RUN_DIR, &st) < 0)
                return -errno;
        if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & 0022))
                return -EPERM;
        fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        (void) unlink(NET_SOCKET);
        /* Bound with the daemon's umask (others cannot connect), made root's
         * alone, then handed to the group. */
        if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0 || chmod(NET_SOCKET, 0600) < 0 ||
            chown(NET_SOCKET, 0, h->net_gid) < 0 || chmod(NET_SOCKET, 0660) < 0 || listen(fd, 4) < 0) {
                r = -errno;
                close(fd);
                (void) unlink(NET_SOCKET);
                return r;
        }
        h->listen_fd = fd;
        return 0;
}

static void spawn_unit(NetHelper *h) {
        int r;

        r = listen_for_helper(h);
        if (r < 0) {
                set_problem(h, "cannot listen on %s for the network helper: %s", NET_SOCKET, strerror(-r));
                schedule_restart(h);
                return;
        }
        r = sd_event_add_io(h->event, &h->listen_io, h->listen_fd, EPOLLIN, on_accept, h);
        if (r >= 0)
                r = sd_event_add_time_relative(h->event, &h->connect_timer, CLOCK_MONOTONIC, CONNECT_TIMEOUT_USEC, 0,
                                               on_connect_timeout, h);
        /* Restart: a helper of before (root restarted) goes, a new one comes. */
        if (r >= 0)
                r = systemd_unit_job(h->systemd, NET_UNIT, "RestartUnit", on_job, h, &h->job);
        if (r < 0) {
                stop_listening(h);
                set_problem(h, "cannot start %s: %s", NET_UNIT, strerror(-r));
                schedule_restart(h);
                return;
        }
        (void) sd_event_source_set_description(h->listen_io, "net-helper-listen");
        (void) sd_event_source_set_description(h->connect_timer, "net-helper-connect");
}

static void spawn(NetHelper *h) {
        if (h->unit_mode)
                spawn_unit(h);
        else
                spawn_fork(h);
}

static int helper_exe(char **ret) {
        _cleanup_free_ char *self = NULL;
        char buf[4096];
        ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
        char *slash;

        if (n <= 0)
                return -errno;
        buf[n] = 0;
        slash = strrchr(buf, '/');
        if (!slash)
                return -EINVAL;
        *slash = 0;
        return asprintf(ret, "%s/hsos-agent-net", buf) < 0 ? -ENOMEM : 0;
}

int net_helper_new(sd_event *e, Systemd *systemd, const NetHelperCallbacks *cb, void *userdata, NetHelper **ret) {
        NetHelper *h = calloc(1, sizeof *h);
        struct passwd *pw;
        int r;

        if (!h)
                return -ENOMEM;
        h->fd = -EBADF;
        h->listen_fd = -EBADF;
        h->event = sd_event_ref(e);
        h->cb = *cb;
        h->userdata = userdata;
        h->buf = malloc(NETMSG_SIZE_MAX + 1);
        if (!h->buf) {
                net_helper_free(h);
                return -ENOMEM;
        }
        r = helper_exe(&h->exe);
        if (r < 0) {
                net_helper_free(h);
                return r;
        }
        /* Where systemd answers, it runs the helper (hsos-agent-net.service),
         * and root needs neither CAP_SETUID nor a namespace for it. */
        pw = systemd && geteuid() == 0 ? passwd_lookup(NET_USER) : NULL;
        if (pw) {
                h->systemd = systemd;
                h->unit_mode = true;
                h->net_uid = pw->pw_uid;
                h->net_gid = pw->pw_gid;
        } else if (access(h->exe, X_OK) < 0)
                log_error("the network helper %s is missing: the clients are not probed, nothing is reported "
                          "(it is installed beside hsos-agent)", h->exe);
        spawn(h);
        *ret = h;
        return 0;
}

/* A file the controller needs, read here as root: content or error. */
static void read_for_helper(const char *path, bool secret, char ***paths, char ***contents, char ***errors,
                            size_t *n) {
        char *content = NULL, *error = NULL;
        size_t size;
        int r;

        if (!path)
                return;
        r = secret ? read_secret_line(path, &content) : read_file_capped(path, CA_FILE_MAX, &content, &size);
        if (r >= 0 && !secret && size > CA_FILE_MAX) {
                content = mfree(content);
                r = -EFBIG;
        }
        if (r < 0 && asprintf(&error, "%s", r == -EINVAL && secret ? "it is empty or holds a NUL byte"
                                           : r == -EFBIG ? "larger than 256 KiB" : strerror(-r)) < 0)
                error = NULL;
        if (strv_extend(paths, path) < 0)
                return;
        *contents = reallocarray(*contents, *n + 2, sizeof(char *));
        *errors = reallocarray(*errors, *n + 2, sizeof(char *));
        if (!*contents || !*errors)
                return;
        (*contents)[*n] = content;
        (*errors)[*n] = error;
        (*n)++;
}

int net_helper_configure(NetHelper *h, const char *node_json, const Config *c, const char *machine_id,
                         size_t n_targets) {
        _cleanup_strv_free_ char **paths = NULL;
        char **contents = NULL, **errors = NULL;
        size_t n = 0;
        char *msg = NULL;
        int r;

        if (c->agent.etcd.enable) {
                read_for_helper(c->agent.etcd.password_file, true, &paths, &contents, &errors, &n);
                read_for_helper(c->agent.etcd.ca_file, false, &paths, &contents, &errors, &n);
        }
        if (c->agent.http.enable) {
                read_for_helper(c->agent.http.token_file, true, &paths, &contents, &errors, &n);
                if (!strv_contains(paths, c->agent.http.ca_file ?: ""))
                        read_for_helper(c->agent.http.ca_file, false, &paths, &contents, &errors, &n);
        }
        if (paths && (!contents || !errors))
                r = -ENOMEM;
        else {
                if (contents)
                        contents[n] = NULL;
                if (errors)
                        errors[n] = NULL;
                r = netmsg_config(node_json, machine_id, paths, contents, errors, &msg);
        }
        for (size_t i = 0; i < n; i++) {
                if (contents && contents[i])
                        explicit_bzero(contents[i], strlen(contents[i]));
                free(contents ? contents[i] : NULL);
                free(errors ? errors[i] : NULL);
        }
        free(contents);
        free(errors);
        if (r < 0)
                return r;
        if (h->config_msg)
                explicit_bzero(h->config_msg, strlen(h->config_msg));
        free(h->config_msg);
        h->config_msg = msg;
        h->n_targets = n_targets;
        h->etcd_enabled = c->agent.etcd.enable;
        h->http_enabled = c->agent.http.enable;
        h->probe_out = false;
        controller_clear(&h->etcd);
        controller_clear(&h->http);
        r = send_text(h, msg);
        return r == -ENOTCONN ? 0 : r; /* sent when it starts */
}

int net_helper_probe(NetHelper *h, uint64_t round, const bool *ask, size_t n) {
        _cleanup_free_ char *msg = NULL;
        int r;

        if (!h || h->fd < 0 || h->probe_out)
                return -EBUSY;
        r = netmsg_probe(round, ask, n, &msg);
        if (r >= 0)
                r = send_text(h, msg);
        if (r < 0)
                return r;
        h->probe_out = true;
        h->probe_round = round;
        return 0;
}

void net_helper_status(NetHelper *h, const char *status_json) {
        _cleanup_free_ char *msg = NULL;

        if (!h || !status_json || (h->status_json && streq(h->status_json, status_json)))
                return;
        free(h->status_json);
        h->status_json = strdup(status_json);
        if (h->status_json && netmsg_status(status_json, &msg) >= 0)
                (void) send_text(h, msg);
}

void net_helper_poke(NetHelper *h) {
        _cleanup_free_ char *msg = NULL;

        if (h && netmsg_poke(&msg) >= 0)
                (void) send_text(h, msg);
}

void net_helper_controller(const NetHelper *h, ControllerStatus *ret_etcd, ControllerStatus *ret_http) {
        *ret_etcd = (ControllerStatus) {};
        *ret_http = (ControllerStatus) {};
        if (!h)
                return;
        /* Enabled by node.json; while the helper is down, its problem is the error. */
        *ret_etcd = (ControllerStatus) {
                .enabled = h->etcd_enabled,
                .last_ok_usec = h->etcd.last_ok_usec,
                .last_error = h->etcd.enabled ? h->etcd.last_error : h->pid > 0 ? NULL : h->problem,
        };
        *ret_http = (ControllerStatus) {
                .enabled = h->http_enabled,
                .last_ok_usec = h->http.last_ok_usec,
                .last_error = h->http.enabled ? h->http.last_error : h->pid > 0 ? NULL : h->problem,
        };
}

const char *net_helper_problem(const NetHelper *h) {
        return h ? h->problem : NULL;
}

pid_t net_helper_pid(const NetHelper *h) {
        return h ? h->pid : 0;
}
