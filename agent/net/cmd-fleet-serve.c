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
               "      --interval SEC         how often etcd is read (default 2)\n"
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
        char *password, *token;
        char *nodes_key, *members_key;
        char **expected;
        uint64_t interval_usec;
        sd_event_source *tick;
        EtcdKeyValue *nodes;
        size_t n_nodes;
        bool busy;
} Serve;

/* ---- reading the fleet: replaced by the watch ----
 * Until etcd's watch client (agent/net/etcd-watch.c) lands here, the fleet is
 * read on a timer: a range over nodes/, then one over members/, then
 * fleet_server_update(). The watch will call fleet_server_update() on each
 * change instead; nothing else of fleet serve changes. */

static void poll_fail(Serve *s, const char *error) {
        (void) fleet_server_set_problem(s->server, error);
        etcd_key_values_free(s->nodes, s->n_nodes);
        s->nodes = NULL;
        s->n_nodes = 0;
        s->busy = false;
}

/* The answer of a request to etcd: 0 and the body, or an error said. */
static int poll_answer(Serve *s, const HttpResult *res, char **ret_error) {
        _cleanup_free_ char *msg = NULL, *shown = NULL;
        int code;

        if (url_redact(s->etcd, &shown) < 0)
                return -ENOMEM;
        if (res->error)
                return asprintf(ret_error, "etcd %s cannot be read: %s", shown, res->error) < 0 ? -ENOMEM : -EIO;
        if (etcd_parse_error(res->body, res->size, &code, &msg) > 0) {
                /* An expired token: log in again on the next round. */
                if (code == 16 && s->token) {
                        explicit_bzero(s->token, strlen(s->token));
                        s->token = mfree(s->token);
                }
                return asprintf(ret_error, "etcd %s: %s", shown, msg) < 0 ? -ENOMEM : -EIO;
        }
        if (res->status != 200)
                return asprintf(ret_error, "etcd %s answered HTTP %ld", shown, res->status) < 0 ? -ENOMEM : -EIO;
        return 0;
}

static int poll_request(Serve *s, const char *path, const char *body, unsigned timeout_ms, http_done_t done) {
        _cleanup_free_ char *url = NULL;
        HttpOptions o = {
                .body = body,
                .content_type = "application/json",
                .authorization = s->token,
                .ca_file = s->cacert,
                .timeout_ms = timeout_ms,
                .max_bytes = ETCD_RESPONSE_SIZE_MAX,
                .use_proxy = true,
        };

        if (asprintf(&url, "%s%s%s", s->etcd, endswith(s->etcd, "/") ? "" : "/", path) < 0)
                return -ENOMEM;
        return http_request(s->http, url, &o, done, s, NULL);
}

static int poll_range(Serve *s, const char *key, http_done_t done) {
        _cleanup_free_ char *body = NULL;
        int r = etcd_request_range_prefix(key, &body);

        return r < 0 ? r : poll_request(s, "v3/kv/range", body, 10000, done);
}

static void on_members(void *userdata, const HttpResult *res) {
        Serve *s = userdata;
        _cleanup_free_ char *err = NULL;
        EtcdKeyValue *mkvs = NULL;
        size_t mn = 0;
        int r;

        r = poll_answer(s, res, &err);
        if (r >= 0)
                r = etcd_parse_range(res->body, res->size, &mkvs, &mn, &err);
        if (r < 0)
                return poll_fail(s, err ?: strerror(-r));
        FleetView v = {
                .prefix = s->prefix,
                .nodes = s->nodes,
                .n_nodes = s->n_nodes,
                .members = mkvs,
                .n_members = mn,
                .expected = s->expected,
                .now_usec = now_usec(CLOCK_REALTIME),
        };
        r = fleet_server_update(s->server, &v);
        etcd_key_values_free(mkvs, mn);
        poll_fail(s, r < 0 ? strerror(-r) : NULL);
}

static void on_nodes(void *userdata, const HttpResult *res) {
        Serve *s = userdata;
        _cleanup_free_ char *err = NULL;
        int r;

        r = poll_answer(s, res, &err);
        if (r >= 0)
                r = etcd_parse_range(res->body, res->size, &s->nodes, &s->n_nodes, &err);
        if (r >= 0)
                r = poll_range(s, s->members_key, on_members);
        if (r < 0)
                poll_fail(s, err ?: strerror(-r));
}

static void on_login(void *userdata, const HttpResult *res) {
        Serve *s = userdata;
        _cleanup_free_ char *err = NULL;
        int r;

        r = poll_answer(s, res, &err);
        if (r >= 0)
                r = etcd_parse_authenticate(res->body, res->size, &s->token, &err);
        if (r >= 0)
                r = poll_range(s, s->nodes_key, on_nodes);
        if (r < 0)
                poll_fail(s, err ?: strerror(-r));
}

static int on_tick(sd_event_source *src, uint64_t usec, void *userdata) {
        Serve *s = userdata;
        int r;

        if (!s->busy) {
                s->busy = true;
                if (s->user && !s->token) {
                        _cleanup_free_ char *auth = NULL;

                        r = etcd_request_authenticate(s->user, s->password, &auth);
                        if (r >= 0)
                                r = poll_request(s, "v3/auth/authenticate", auth, 60000, on_login);
                        if (auth)
                                explicit_bzero(auth, strlen(auth));
                } else
                        r = poll_range(s, s->nodes_key, on_nodes);
                if (r < 0)
                        poll_fail(s, strerror(-r));
        }
        return sd_event_source_set_time(src, usec + s->interval_usec);
}

/* ---- end of what the watch replaces ---- */

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
                { "interval", required_argument, NULL, 'i' },
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
        _cleanup_free_ char *err = NULL;
        unsigned interval = 2;
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
                case 'i':
                        if (parse_uint("--interval", optarg, 1, 3600, &interval) < 0)
                                return EXIT_USAGE;
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
        s.interval_usec = interval * UINT64_C(1000000);

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
        r = sd_event_add_time_relative(s.event, &s.tick, CLOCK_MONOTONIC, 0, 0, on_tick, &s);
        if (r >= 0)
                r = sd_event_source_set_enabled(s.tick, SD_EVENT_ON);
        if (r >= 0)
                (void) sd_event_source_set_description(s.tick, "fleet-serve-read-etcd");
        if (r >= 0) {
                fprintf(stderr, "%s fleet serve: listening on http://%s/\n", program_name, so.listen);
                r = sd_event_loop(s.event);
        }
        if (r < 0) {
                fprintf(stderr, "%s fleet serve: %s\n", program_name, strerror(-r));
                r = EXIT_FLEET_UNREACHABLE;
        }
out:
        sd_event_source_disable_unref(s.tick);
        fleet_server_free(s.server);
        http_free(s.http);
        sd_event_unref(s.event);
        etcd_key_values_free(s.nodes, s.n_nodes);
        strv_free(s.expected);
        free(s.nodes_key);
        free(s.members_key);
        if (s.password)
                explicit_bzero(s.password, strlen(s.password));
        free(s.password);
        if (s.token)
                explicit_bzero(s.token, strlen(s.token));
        free(s.token);
        return r;
}
