/* SPDX-License-Identifier: MIT */
/* hsos-agent fleet serve: the fleet as a web page for the team (see
 * agent/net/fleet-server.c for the server, hsos/fleet-page.h for the page).
 * Runs in hsos-agent-net, as whoever starts it, under the helper's seccomp
 * filter; it only reads etcd. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-event.h>

#include "cmd-fleet.h"
#include "etcd-watch.h"
#include "fleet-server.h"
#include "hsos/cli.h"
#include "hsos/edge/files.h"
#include "hsos/edge/system.h"
#include "hsos/etcd.h"
#include "hsos/fleet.h"
#include "hsos/http.h"
#include "hsos/util.h"
#include "netd.h"

#define EXIT_FLEET_UNREACHABLE 3

static void help(void) {
        printf("Usage: %s fleet serve --etcd URL [--listen ADDR:PORT] [--prefix P]\n"
               "                       [--user U --password-file F] [--cacert F] [--expect FILE]\n"
               "The fleet as a web page: every node of `hsos-agent fleet`, its state in colour,\n"
               "its reasons, its clients' sync, kept current in the browser (Server-Sent\n"
               "Events), readable without JavaScript. Read-only; /fleet.json is fleet --json.\n"
               "      --etcd URL             etcd's client URL (http://host:2379)\n"
               "      --listen ADDR:PORT     where to listen (default 127.0.0.1:8088; another\n"
               "                             address only when given: the page has no login)\n"
               "      --prefix P             the fleet's prefix (default /homestakeros)\n"
               "      --user U               log in to etcd as U ...\n"
               "      --password-file F      ... with the password in F\n"
               "      --cacert F             trust this CA for https\n"
               "      --expect FILE          a JSON list of the hostnames the fleet should have\n"
               "      --max-connections N    at once (default 64; more are refused)\n"
               "      --max-per-ip N         at once from one address (default 16)\n"
               "      --idle-timeout SEC     a silent connection is closed (default 60)\n"
               "etcd that cannot be read is said on the page, which keeps the last fleet read.\n"
               "Exit status: 0 stopped by SIGTERM or SIGINT, 2 usage, 3 the address cannot\n"
               "be listened on.\n",
               program_name);
}

typedef struct Serve {
        sd_event *event;
        Http *http;
        FleetServer *server;
        const char *etcd, *prefix, *user, *cacert;
        char *password;
        char *nodes_key, *members_key;
        char **expected;
        char *shown_url;
        EtcdWatch *watch;
} Serve;

/* ---- reading the fleet: etcd's watch ----
 * One watch over the fleet's prefix (nodes/ and members/ at one revision,
 * agent/net/etcd-watch.c): the page changes when etcd says something
 * changed, a node whose lease expires included (a DELETE), never on a
 * timer. */

static void serve_update(Serve *s) {
        FleetView v;
        int r;

        fleet_view_of_mirror(etcd_watch_mirror(s->watch), s->prefix, s->nodes_key, s->members_key, s->expected, &v);
        r = fleet_server_update(s->server, &v);
        if (r < 0)
                (void) fleet_server_set_problem(s->server, strerror(-r));
}

static void on_settled(void *userdata, EtcdWatch *w) {
        (void) w;
        serve_update(userdata);
}

static void on_link(void *userdata, EtcdWatch *w, const char *error, unsigned retry_ms) {
        Serve *s = userdata;
        _cleanup_free_ char *said = NULL;

        (void) w;
        if (!error) {
                (void) fleet_server_set_problem(s->server, NULL);
                return;
        }
        if (asprintf(&said, "etcd %s cannot be read: %s; trying again in %u s", s->shown_url, error,
                     (retry_ms + 999) / 1000) < 0)
                said = NULL;
        (void) fleet_server_set_problem(s->server, said ?: error);
}

/* ---- end of the watch ---- */

static int parse_uint(const char *opt, const char *s, unsigned min, unsigned max, unsigned *ret) {
        char *end;
        unsigned long v;

        errno = 0;
        v = strtoul(s, &end, 10);
        if (errno != 0 || end == s || *end || s[0] == '-' || v < min || v > max) {
                fprintf(stderr, "%s fleet serve: %s %s: not a number from %u to %u\n", program_name, opt, s, min, max);
                return -EINVAL;
        }
        *ret = (unsigned) v;
        return 0;
}

static int on_signal(sd_event_source *src, const struct signalfd_siginfo *si, void *userdata) {
        (void) si;
        (void) userdata;
        return sd_event_exit(sd_event_source_get_event(src), 0);
}

int cmd_fleet_serve(int argc, char **argv) {
        static const struct option options[] = {
                { "etcd", required_argument, NULL, 'e' },
                { "listen", required_argument, NULL, 'l' },
                { "prefix", required_argument, NULL, 'p' },
                { "user", required_argument, NULL, 'u' },
                { "password-file", required_argument, NULL, 'P' },
                { "cacert", required_argument, NULL, 'C' },
                { "expect", required_argument, NULL, 'x' },
                { "max-connections", required_argument, NULL, 'm' },
                { "max-per-ip", required_argument, NULL, 'M' },
                { "idle-timeout", required_argument, NULL, 't' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        FleetServerOptions so = {
                .listen = "127.0.0.1:8088",
                .max_connections = 64,
                .max_per_ip = 16,
                .idle_timeout_sec = 60,
                .keepalive_sec = 15,
        };
        Serve s = { .prefix = "/homestakeros" };
        const char *password_file = NULL, *expect = NULL;
        _cleanup_free_ char *err = NULL, *watched = NULL;
        sigset_t mask;
        int opt, r;

        while ((opt = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (opt) {
                case 'e':
                        s.etcd = optarg;
                        break;
                case 'l':
                        so.listen = optarg;
                        break;
                case 'p':
                        s.prefix = optarg;
                        break;
                case 'u':
                        s.user = optarg;
                        break;
                case 'P':
                        password_file = optarg;
                        break;
                case 'C':
                        s.cacert = optarg;
                        break;
                case 'x':
                        expect = optarg;
                        break;
                case 'm':
                        if (parse_uint("--max-connections", optarg, 1, 10000, &so.max_connections) < 0)
                                return EXIT_USAGE;
                        break;
                case 'M':
                        if (parse_uint("--max-per-ip", optarg, 1, 10000, &so.max_per_ip) < 0)
                                return EXIT_USAGE;
                        break;
                case 't':
                        if (parse_uint("--idle-timeout", optarg, 1, 3600, &so.idle_timeout_sec) < 0)
                                return EXIT_USAGE;
                        break;
                case 'h':
                        help();
                        return 0;
                default:
                        return EXIT_USAGE;
                }
        if (cli_extra_args(argc, argv, "fleet serve"))
                return EXIT_USAGE;
        if (!s.etcd || !startswith(s.etcd, "http://") == !startswith(s.etcd, "https://")) {
                fprintf(stderr, "%s fleet serve: --etcd http(s)://host:port is needed\n", program_name);
                return EXIT_USAGE;
        }
        if (!s.user != !password_file) {
                fprintf(stderr, "%s fleet serve: --user and --password-file go together\n", program_name);
                return EXIT_USAGE;
        }
        if (etcd_nodes_prefix(s.prefix, &s.nodes_key) < 0 || etcd_members_prefix(s.prefix, &s.members_key) < 0 ||
            strlen(s.nodes_key) <= strlen("/nodes/")) {
                fprintf(stderr, "%s fleet serve: invalid prefix '%s'\n", program_name, s.prefix);
                r = EXIT_USAGE;
                goto out;
        }
        if (expect && read_expect(expect, &s.expected) < 0) {
                r = EXIT_USAGE;
                goto out;
        }
        if (s.user) {
                r = read_secret_line(password_file, &s.password);
                if (r < 0) {
                        fprintf(stderr, "%s fleet serve: cannot read the password from %s: %s\n", program_name,
                                password_file, r == -EINVAL ? "it is empty or holds a NUL byte" : strerror(-r));
                        r = EXIT_USAGE;
                        goto out;
                }
        }
        if (url_redact(s.etcd, &s.shown_url) < 0) {
                fprintf(stderr, "%s fleet serve: %s\n", program_name, strerror(ENOMEM));
                r = EXIT_FLEET_UNREACHABLE;
                goto out;
        }

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGPIPE);
        sigprocmask(SIG_BLOCK, &mask, NULL);

        r = sd_event_new(&s.event);
        if (r >= 0)
                r = http_new(s.event, &s.http);
        if (r >= 0)
                r = sd_event_add_signal(s.event, NULL, SIGTERM, on_signal, NULL);
        if (r >= 0)
                r = sd_event_add_signal(s.event, NULL, SIGINT, on_signal, NULL);
        if (r < 0) {
                fprintf(stderr, "%s fleet serve: %s\n", program_name, strerror(-r));
                r = EXIT_FLEET_UNREACHABLE;
                goto out;
        }
        r = fleet_server_new(s.event, &so, &s.server, &err);
        if (r < 0) {
                fprintf(stderr, "%s fleet serve: %s\n", program_name, err ?: strerror(-r));
                r = EXIT_FLEET_UNREACHABLE;
                goto out;
        }
        /* What serve never needs, refused from here on (the network helper's
         * filter): it faces browsers and etcd's answers. */
        r = netd_install_seccomp();
        if (r < 0) {
                fprintf(stderr, "%s fleet serve: cannot install the seccomp filter: %s\n", program_name, strerror(-r));
                r = EXIT_FLEET_UNREACHABLE;
                goto out;
        }
        /* Until the first answer, the page says it has nothing yet rather
         * than show an empty fleet. */
        (void) fleet_server_set_problem(s.server, "etcd has not answered yet");
        /* The fleet's prefix: nodes/ and members/ both, watched at one revision. */
        watched = strndup(s.nodes_key, strlen(s.nodes_key) - strlen("nodes/"));
        r = watched ? 0 : -ENOMEM;
        if (r >= 0)
                r = etcd_watch_new(s.event, s.http,
                                   &(EtcdWatchOptions) {
                                           .url = s.etcd,
                                           .prefix = watched,
                                           .user = s.user,
                                           .password = s.password,
                                           .cacert = s.cacert,
                                           /* a team is looking: back soon after etcd is */
                                           .backoff_max_ms = 4000,
                                   },
                                   &(EtcdWatchCallbacks) {
                                           .reload = on_settled,
                                           .settled = on_settled,
                                           .link = on_link,
                                   },
                                   &s, &s.watch);
        if (r >= 0)
                r = etcd_watch_start(s.watch);
        if (r >= 0) {
                fprintf(stderr, "%s fleet serve: listening on http://%s/\n", program_name, so.listen);
                r = sd_event_loop(s.event);
        }
        if (r < 0) {
                fprintf(stderr, "%s fleet serve: %s\n", program_name, strerror(-r));
                r = EXIT_FLEET_UNREACHABLE;
        }
out:
        etcd_watch_free(s.watch);
        fleet_server_free(s.server);
        http_free(s.http);
        sd_event_unref(s.event);
        strv_free(s.expected);
        free(s.shown_url);
        free(s.nodes_key);
        free(s.members_key);
        if (s.password)
                explicit_bzero(s.password, strlen(s.password));
        free(s.password);
        return r;
}
