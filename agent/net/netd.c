/* SPDX-License-Identifier: MIT */
/* hsos-agent-net child: the root daemon's network work, unprivileged. It
 * asks the clients how they are (one probe round when root says so) and
 * reports the node's status to the controller (etcd, HTTP), and tells root
 * what it heard, as messages on its socket to root: the one root gave it
 * (fd 3) when root forked it, or the one it connected to when systemd
 * started it (hsos-agent-net.service). Either way it runs as its own user,
 * without capabilities, with no_new_privs and a read-only view of the file
 * system; it adds a system-call filter before it reads anything. It ends
 * when root closes the socket. */
#include <errno.h>
#include <malloc.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <systemd/sd-event.h>

#include "controller.h"
#include "hsos/cleanup.h"
#include "hsos/config.h"
#include "hsos/edge/dynlib.h"
#include "hsos/edge/log.h"
#include "hsos/http.h"
#include "hsos/netmsg.h"
#include "hsos/probe.h"
#include "hsos/util.h"
#include "netd.h"

typedef struct Netd {
        sd_event *event;
        int fd;
        sd_event_source *io;
        Http *http;
        Config *config;
        ProbeRound *round;
        ProbeRun *run;
        uint64_t run_round;
        Controller *controller;
        char *status_json;
} Netd;

/* libseccomp is needed once, to build the filter and load it: opened for
 * that and closed after (dlclose unmaps it), it holds none of the helper's
 * memory for the rest of its life (it held 128 KiB: tests/bench/memory.sh).
 * A packager whose loader does not search the system's directories (Nix)
 * passes its full path. */
#ifndef HSOS_LIBSECCOMP
#define HSOS_LIBSECCOMP "libseccomp.so.2"
#endif
#define SECCOMP_FUNCTIONS(X)                                                                               \
        X(seccomp_init) X(seccomp_release) X(seccomp_syscall_resolve_name) X(seccomp_rule_add) X(seccomp_load)
#define SECCOMP_MEMBER(f) typeof(f) *f;
typedef struct Seccomp {
        SECCOMP_FUNCTIONS(SECCOMP_MEMBER)
} Seccomp;
#undef SECCOMP_MEMBER

/* What the helper never needs, refused with EPERM: a helper taken over by a
 * client's answer gets no further than its own process. */
int netd_install_seccomp(void) {
        static const char * const denied[] = {
                "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsmount",
                "fsconfig", "fspick", "mount_setattr", "unshare", "setns", "ptrace", "process_vm_readv",
                "process_vm_writev", "kexec_load", "kexec_file_load", "init_module", "finit_module",
                "delete_module", "reboot", "swapon", "swapoff", "bpf", "perf_event_open", "keyctl", "add_key",
                "request_key", "userfaultfd", "open_by_handle_at", "name_to_handle_at", "acct", "quotactl",
                "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "syslog", "iopl", "ioperm",
                "sethostname", "setdomainname", "setuid", "setgid", "setreuid", "setregid", "setresuid",
                "setresgid", "setgroups", "setfsuid", "setfsgid", "capset", "personality", "mknod", "mknodat",
                "chown", "fchown", "lchown", "fchownat", "lookup_dcookie", "vhangup", "nfsservctl",
                "uselib", "_sysctl", "pidfd_getfd", "fanotify_init", "io_uring_setup",
        };
#define SECCOMP_SYMBOL(f) { #f, offsetof(Seccomp, f) },
        static const DynlibSymbol symbols[] = { SECCOMP_FUNCTIONS(SECCOMP_SYMBOL) };
#undef SECCOMP_SYMBOL
        void *lib = NULL;
        scmp_filter_ctx ctx;
        Seccomp sc;
        int r;

        r = dynlib_open(HSOS_LIBSECCOMP, "libseccomp2", symbols, ELEMENTSOF(symbols), &sc, &lib, NULL, 0);
        if (r < 0)
                return r;
        ctx = sc.seccomp_init(SCMP_ACT_ALLOW);
        if (!ctx) {
                dynlib_close(lib);
                return -ENOMEM;
        }
        for (size_t i = 0; i < ELEMENTSOF(denied); i++) {
                int nr = sc.seccomp_syscall_resolve_name(denied[i]);
#if defined(__SANITIZE_ADDRESS__)
                /* LeakSanitizer stops the threads with ptrace when the
                 * process exits: a sanitizer build (make SANITIZE=1) lets it. */
                if (streq(denied[i], "ptrace"))
                        continue;
#endif
                if (nr == __NR_SCMP_ERROR)
                        continue; /* not on this architecture */
                r = sc.seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
                if (r < 0)
                        break;
        }
        if (r >= 0)
                r = sc.seccomp_load(ctx);
        sc.seccomp_release(ctx);
        dynlib_close(lib);
        return r;
}

static void send_msg(Netd *n, char *text) {
        if (!text)
                return;
        if (send(n->fd, text, strlen(text), MSG_NOSIGNAL) < 0 && errno != EAGAIN)
                log_error("network helper: cannot tell the agent: %s", strerror(errno));
        free(text);
}

static void send_controller_state(Netd *n) {
        ControllerStatus e, h;
        NetController ne, nh;
        char *text = NULL;

        controller_state(n->controller, &e, &h);
        ne = (NetController) { .enabled = e.enabled, .last_ok_usec = e.last_ok_usec, .last_error = (char *) e.last_error };
        nh = (NetController) { .enabled = h.enabled, .last_ok_usec = h.last_ok_usec, .last_error = (char *) h.last_error };
        if (netmsg_controller(&ne, &nh, &text) >= 0)
                send_msg(n, text);
}

static int controller_status(void *userdata, char **ret) {
        Netd *n = userdata;

        *ret = strdup(n->status_json ?: "{\"schema\": \"" STATUS_SCHEMA "\", \"state\": \"starting\"}");
        return *ret ? 0 : -ENOMEM;
}

static void on_controller_changed(void *userdata) {
        send_controller_state(userdata);
}

static void on_answers(void *userdata, ProbeAnswer *answers, const bool *asked, size_t count) {
        Netd *n = userdata;
        char *text = NULL;

        n->run = NULL;
        if (netmsg_answers(n->run_round, answers, asked, count, &text) >= 0)
                send_msg(n, text);
        /* The round's answers and curl's handles are freed: their pages go
         * back to the kernel, not only those at the heap's top. */
        (void) malloc_trim(0);
}

static void configure(Netd *n, NetMsg *m) {
        _cleanup_strv_free_ char **errors = NULL;
        Config *c = NULL;
        ControllerFiles files = {
                .paths = m->file_paths,
                .contents = m->file_contents,
                .errors = m->file_errors,
                .n = m->n_files,
        };
        int r;

        probe_run_cancel(TAKE_PTR(n->run));
        n->controller = controller_free(n->controller);
        n->round = probe_round_free(n->round);
        n->config = config_free(n->config);
        r = config_parse(m->node_json, strlen(m->node_json), &c, &errors);
        if (r < 0) {
                log_error("network helper: the agent's node.json does not parse here: %s",
                          errors && errors[0] ? errors[0] : strerror(-r));
                return;
        }
        n->config = c;
        if (probe_round_new(c, &n->round) < 0)
                log_error("network helper: cannot make the probe round: out of memory");
        r = controller_new(n->event, n->http, c, m->machine_id, &files, controller_status, on_controller_changed, n,
                           &n->controller);
        if (r < 0)
                log_error("network helper: cannot set up reporting to the controller: %s", strerror(-r));
        send_controller_state(n);
}

static void probe(Netd *n, NetMsg *m) {
        int r;

        if (!n->config || !n->round || n->run)
                return; /* root asks again next round */
        if (m->n_ask != n->round->n_targets) {
                log_error("network helper: asked about %zu clients, knows %zu", m->n_ask, n->round->n_targets);
                return;
        }
        n->run_round = m->round;
        r = probe_run_start(n->http, n->round, m->ask, n->config->agent.probe_timeout_ms, on_answers, n, &n->run);
        if (r == 0) {
                /* Nothing to ask: an empty answer, so root knows the round is over. */
                _cleanup_free_ ProbeAnswer *none = calloc(n->round->n_targets ?: 1, sizeof *none);
                _cleanup_free_ bool *asked = calloc(n->round->n_targets ?: 1, sizeof *asked);
                if (none && asked)
                        on_answers(n, none, asked, n->round->n_targets);
        } else if (r < 0)
                log_error("network helper: cannot probe the clients: %s", strerror(-r));
}

static int on_message(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Netd *n = userdata;
        _cleanup_free_ char *buf = malloc(NETMSG_SIZE_MAX + 1), *err = NULL;
        NetMsg m = { .type = _NETMSG_TYPE_INVALID };
        ssize_t k;

        (void) s;
        (void) revents;
        if (!buf)
                return 0;
        k = recv(fd, buf, NETMSG_SIZE_MAX + 1, MSG_DONTWAIT);
        if (k < 0)
                return errno == EAGAIN || errno == EINTR ? 0 : sd_event_exit(n->event, 0);
        if (k == 0)
                return sd_event_exit(n->event, 0); /* root is gone */
        if (netmsg_parse_from_root(buf, (size_t) k, &m, &err) < 0) {
                log_error("network helper: a message from the agent is not understood: %s", strempty(err));
                return 0;
        }
        switch (m.type) {
        case NETMSG_CONFIG:
                configure(n, &m);
                break;
        case NETMSG_PROBE:
                probe(n, &m);
                break;
        case NETMSG_STATUS:
                free(n->status_json);
                n->status_json = TAKE_PTR(m.status_json);
                send_controller_state(n);
                break;
        case NETMSG_POKE:
                controller_poke(n->controller);
                break;
        case NETMSG_ANSWERS:
        case NETMSG_CONTROLLER:
        case _NETMSG_TYPE_MAX:
        case _NETMSG_TYPE_INVALID:
                break;
        }
        netmsg_done(&m);
        return 0;
}

int netd_run(int fd) {
        Netd n = { .fd = fd };
        sigset_t mask;
        int r;

        /* A message's 1 MiB buffer mapped and unmapped, not kept in the heap
         * (glibc's thresholds would grow to it); free memory at its top given
         * back; and one arena: curl's resolver thread (a controller named by
         * host name) allocates in it, not in an arena of its own. */
        (void) mallopt(M_MMAP_THRESHOLD, 128 * 1024);
        (void) mallopt(M_TRIM_THRESHOLD, 128 * 1024);
        (void) mallopt(M_ARENA_MAX, 1);
        /* Root set it before exec; said again in case someone else started us. */
        (void) prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        r = netd_install_seccomp();
        if (r < 0) {
                log_error("network helper: cannot install its system-call filter: %s", strerror(-r));
                return 1;
        }
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        r = sd_event_default(&n.event);
        if (r >= 0)
                r = sd_event_add_signal(n.event, NULL, SIGTERM, NULL, NULL);
        if (r >= 0)
                r = sd_event_add_signal(n.event, NULL, SIGINT, NULL, NULL);
        if (r >= 0)
                r = sd_event_add_io(n.event, &n.io, fd, EPOLLIN, on_message, &n);
        if (r >= 0)
                r = http_new(n.event, &n.http);
        if (r < 0) {
                log_error("network helper: cannot start: %s", strerror(-r));
                return 1;
        }
        r = sd_event_loop(n.event);
        probe_run_cancel(n.run);
        controller_free(n.controller);
        http_free(n.http);
        probe_round_free(n.round);
        config_free(n.config);
        free(n.status_json);
        sd_event_source_disable_unref(n.io);
        sd_event_unref(n.event);
        return r < 0 ? 1 : 0;
}
